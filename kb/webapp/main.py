"""The Streamlit app: search, document view, corpus overview and reading lists, all through the facade."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from kb import KnowledgeBase
from kb.errors import KBError, QuerySyntaxError
from kb.models import Hit, Passage
from kb.text.language import language_name

from .charts import bars_by_name, bars_by_year
from .markdown_text import is_markdown, markdown_html
from .render import STYLE, escape, highlighted, passage_html, plain, related_html, title_html, when
from .metadata_form import changed_fields, metadata_inputs
from .list_access import lists_for
from .session_actor import current_actor, may
from .signin import require_action, sign_in_page, sign_in_sidebar
from .state import FILTER_FIELDS, WRITE_LOCK, PAGE_SIZE, SearchState, current_kb, pdf_link
from .recommendations import document_recommendations, recommendations_view
from .saved_searches import save_search_panel, saved_searches_section
from .upload import upload_view
from .downloads import download_results
from kb.api.links import landing_link
from .admin import admin_view

# metadata fields whose name alone does not read well in the document view
FIELD_LABELS = {"organisation_name": "Organisation (full name)", "doc_type": "Document type"}
MODE_LABELS = {"hybrid": "Hybrid", "keyword": "Keyword", "semantic": "Meaning"}
FACET_LABELS = {"topic": "Topic", "organisation": "Organisation", "country": "Country", "language": "Language",
                "doc_type": "Document type"}
VIEWS = ("search", "doc", "recs", "topics", "overview", "lists", "upload", "admin")
NAV_LABELS = {"search": "Search", "recs": "Recommendations", "topics": "Browse by topic",
              "overview": "Corpus overview", "lists": "Reading lists", "upload": "Add documents", "admin": "Accounts and audit"}
FOUND_VIA = {"translated_query": "found by your query's translation",
             "translation_link": "the edition in another language of a result",
             "other_language": "found by your words or their meaning"}


def _navigate() -> None:
    target = {label: view for view, label in NAV_LABELS.items()}[st.session_state["nav"]]
    keep = {k: st.query_params.get_all(k) for k in st.query_params if k not in ("view", "doc", "page")}
    st.query_params.clear()
    st.query_params.update({**keep, "view": target})


def main() -> None:
    """Render the page the URL asks for."""
    st.set_page_config(page_title="atkb — anti-trafficking knowledge base", page_icon="🔎", layout="wide")
    st.html(STYLE)
    kb = current_kb()
    if not may(kb, "read"):  # public_access = none: nothing but the sign-in page for anonymous visitors
        sign_in_page(kb)
        return
    view = st.query_params.get("view", "search")
    labels = {v: label for v, label in NAV_LABELS.items() if v != "admin" or may(kb, "accounts")}
    with st.sidebar:
        st.markdown("### atkb")
        st.session_state["nav"] = NAV_LABELS[{"doc": "search"}.get(view, view) if view in VIEWS else "search"]
        st.radio("Go to", list(labels.values()), key="nav", on_change=_navigate)
    sign_in_sidebar(kb)
    if view == "doc":
        document_view(kb)
    elif view == "recs":
        with st.sidebar:
            _list_picker(kb)  # where "+ Add to list" keeps a recommendation
        recommendations_view(kb)
    elif view == "topics":
        topics_view(kb)
    elif view == "overview":
        overview_view(kb)
    elif view == "lists":
        lists_view(kb)
    elif view == "upload":
        upload_view(kb)
    elif view == "admin":
        admin_view(kb)
    else:
        search_view(kb)


def _go(view: str, **params: Any) -> None:
    keep = {k: st.query_params.get_all(k) for k in st.query_params if k not in ("view", "doc", "page")}
    st.query_params.clear()
    st.query_params.update({**keep, **params, "view": view})
    st.rerun()


# ----- search --------------------------------------------------------------------------------------
def search_view(kb: KnowledgeBase) -> None:
    state = SearchState.from_params(st.query_params)
    stats = kb.stats()
    st.title("Search the knowledge base")
    if stats["documents"] == 0:
        st.info("The knowledge base is empty. Add documents from the command line with "
                "`kb ingest PATH` (files, folders, or `corpus/` for the bundled corpus), then reload this page.")
        return
    mode = _search_controls(kb, state)
    if not state.query:
        st.caption(f"{stats['documents']} documents, {stats['pages']} pages. Try “labour exploitation in "
                   "agriculture”, “loverboys” or “schadevergoeding voor slachtoffers”.")
        _filters_sidebar(kb, state, {})
        return
    results = _run_search(kb, state, mode)
    if results is not None:
        _show_results(kb, state, results)
        save_search_panel(kb, state, mode)


def _search_controls(kb: KnowledgeBase, state: SearchState) -> str:
    """The query box, the mode and the syntax switch; a change starts a new search in the URL. Returns the mode."""
    modes = list(kb.available_modes)
    default_mode = kb.default_mode
    mode = state.mode if state.mode in modes else default_mode
    # Widget keys carry the URL state, so that a new URL (back, a bookmark, "clear filters") resets the widgets;
    # the URL this box itself just set keeps the box's keys (the alias), so that what is typed next is not lost.
    sig = st.session_state.get("search_box_alias", {}).get(state.signature(), state.signature())
    cols = st.columns([3, 2])
    query = cols[0].text_input("Search", value=state.query, placeholder="A question in your own words, or keywords",
                               label_visibility="collapsed", key=f"q_{sig}")
    mode = cols[1].segmented_control("Mode", modes, default=mode, format_func=MODE_LABELS.get,
                                     label_visibility="collapsed", key=f"mode_{sig}") or mode
    cols = st.columns(2)
    raw = cols[0].checkbox("Advanced query syntax (AND, OR, NOT, title:, wildcards)", value=state.raw,
                           key=f"raw_{sig}")
    translate = state.translate
    if mode == "hybrid":
        translate = cols[1].checkbox("Also search other languages (the query translated by the thesaurus)",
                                     value=state.translate, key=f"tr_{sig}")
    if query != state.query or mode != (state.mode or default_mode) or raw != state.raw \
            or translate != state.translate:
        state.query, state.mode, state.raw, state.translate = query.strip(), mode, raw, translate
        state.shown = PAGE_SIZE
        # The URL follows and this run goes on to the new search: a second rerun would cost Enter a round trip.
        _write_params(state)
        st.session_state["search_box_alias"] = {state.signature(): sig}
    return mode


def _run_search(kb: KnowledgeBase, state: SearchState, mode: str) -> Any:
    """The results, or None after saying why there are none (a query that cannot be read, an error)."""
    try:
        state.shown = min(state.shown, kb.settings.max_results)  # `?n=` asks for no more than a search may show
        return kb.search(state.query, mode=mode, k=state.shown, filters=state.filter_spec(), raw=state.raw,
                         facets=True, translate=state.translate)
    except QuerySyntaxError as exc:
        st.warning(f"This query cannot be read: {plain(exc)}. Switch off the advanced syntax to search the words as "
                   "they are, or fix the query.")
        _filters_sidebar(kb, state, {})
    except KBError as exc:
        st.error(plain(exc))
    return None


def _show_results(kb: KnowledgeBase, state: SearchState, results: Any) -> None:
    st.caption(f"{_count_line(results)} · {results.took_ms / 1000:.2f} s · "
               f"{MODE_LABELS[results.mode].lower()} search")
    if results.translated:
        plan = results.plan
        languages = plain(", ".join(_language_name(x) for x in plan["expansion_languages"]))
        st.caption(f"Also searched in {languages}: “{plain(plan['expansion'])}” — switch off “Also search other "
                   "languages” for your words only.")
    if not results.hits:
        tips = ["check the spelling"]
        if results.mode == "keyword":
            tips.append("try the Meaning or Hybrid mode, which also find other wordings")
        if state.has_filters():
            tips.append("remove some filters")
        st.info("No documents match. You could " + ", or ".join(tips) + ".")
    for rank, hit in enumerate(results.hits, start=1):
        _result_card(kb, hit, rank, state)
    if results.hits:
        download_results(kb, state, results.mode)
    if results.total_documents > len(results.hits) and len(results.hits) < kb.settings.max_results:
        if st.button(f"Show more results ({results.total_documents - len(results.hits)} more)", key="more"):
            state.shown += PAGE_SIZE
            _set_search_params(state)
    # after the cards: the browser draws the first result before the sidebar's widgets (a filter changed there
    # has already moved the URL, in its callback, before this run began)
    _filters_sidebar(kb, state, results.facets)


def _count_line(results: Any) -> str:
    """How many documents match and how: by the query's words, or by meaning above the floor."""
    def documents(n: int, verb: str = "") -> str:
        return f"{n} document{'' if n == 1 else 's'}" + (f" {verb}{'es' if n == 1 else ''}" if verb else "")

    if results.mode == "keyword":
        return f"{documents(results.total_documents, 'match')} the words"
    if results.mode == "semantic":
        return f"{documents(results.total_documents)} found by meaning"
    return f"{documents(results.word_matches, 'match')} the words, {results.meaning_matches} more found by meaning"


def _language_name(code: str | None) -> str:
    return language_name(code) if code else "another language"


def _write_params(state: SearchState) -> None:
    """The URL becomes this search's (the next run reads it)."""
    st.query_params.clear()
    st.query_params.update(state.to_params())


def _set_search_params(state: SearchState) -> None:
    _write_params(state)
    st.rerun()


def _filters_sidebar(kb: KnowledgeBase, state: SearchState, facets: dict[str, dict[str, int]]) -> None:
    """The facet filters with their counts; a change moves the URL in its callback, before the next run."""
    sig = state.signature()
    with st.sidebar:
        st.markdown("#### Filters")
        for name in FILTER_FIELDS:
            counts = facets.get(name, {})
            options = list(dict.fromkeys([*counts, *state.filters.get(name, [])]))
            if not options:
                continue
            names = (kb.topics() if name == "topic" else
                     {v: language_name(v) for v in options} if name == "language" else {})
            st.multiselect(FACET_LABELS[name], options, default=state.filters.get(name, []),
                           format_func=lambda v, c=counts, n=names: f"{n.get(v, v)} ({c.get(v, 0)})",
                           key=f"f_{name}_{sig}", on_change=_apply_filters, args=(state, sig, None))
        years = sorted(int(y) for y in facets.get("year", {}) if str(y).isdigit())
        low = min([*years, *(v for v in (state.year_min,) if v is not None)], default=None)
        high = max([*years, *(v for v in (state.year_max,) if v is not None)], default=None)
        if low is not None and high is not None and low < high:
            st.slider("Year", low, high, (state.year_min or low, state.year_max or high), key=f"f_year_{sig}",
                      on_change=_apply_filters, args=(state, sig, (low, high)))
        if state.has_filters():
            st.button("Clear all filters", key="clear_filters", on_click=_clear_filters, args=(state,))
        _list_picker(kb)


def _apply_filters(state: SearchState, sig: str, year_range: tuple[int, int] | None) -> None:
    """The search with the sidebar's filters as they are now, into the URL (a widget's callback)."""
    new = replace(state, filters={k: list(v) for k, v in state.filters.items()})
    for name in FILTER_FIELDS:
        if f"f_{name}_{sig}" in st.session_state:
            new.filters[name] = list(st.session_state[f"f_{name}_{sig}"])
    picked = st.session_state.get(f"f_year_{sig}")
    if year_range is not None and picked is not None:
        low, high = year_range
        new.year_min = picked[0] if picked[0] > low or state.year_min is not None else None
        new.year_max = picked[1] if picked[1] < high or state.year_max is not None else None
    new.filters = {k: v for k, v in new.filters.items() if v}
    if new.filters != state.filters or (new.year_min, new.year_max) != (state.year_min, state.year_max):
        new.shown = PAGE_SIZE
        _write_params(new)


def _clear_filters(state: SearchState) -> None:
    _write_params(replace(state, filters={}, year_min=None, year_max=None, shown=PAGE_SIZE))


CHOSEN_LIST = "reading_list"  # the list "+ Add to list" adds to: kept in the session, not in a widget's state


def _chosen_list(kb: KnowledgeBase) -> str | None:
    """The reading list chosen in the sidebar (the first list when none is chosen or the chosen one is gone)."""
    names = [entry["name"] for entry in lists_for(kb).names() if entry["may_change"]]
    chosen = st.session_state.get(CHOSEN_LIST)
    if chosen not in names:
        chosen = names[0] if names else None
        st.session_state[CHOSEN_LIST] = chosen
    return chosen


def _pick_list() -> None:
    st.session_state[CHOSEN_LIST] = st.session_state["reading_list_picker"]


def _list_picker(kb: KnowledgeBase) -> None:
    """The sidebar's reading list: the choice lives in the session, so that it stays while the visitor goes from
    page to page (a widget's own state is dropped on a page that does not show it), and a new list is chosen."""
    st.markdown("#### Reading list")
    chosen = _chosen_list(kb)
    names = [entry["name"] for entry in lists_for(kb).names() if entry["may_change"]]
    if names:
        st.session_state["reading_list_picker"] = chosen
        st.selectbox("Add results to", names, key="reading_list_picker", on_change=_pick_list)
    with st.popover("New reading list"):
        name = st.text_input("Name", key="new_list_name")
        if st.button("Create", key="create_list") and name.strip():
            try:
                with WRITE_LOCK:
                    lists_for(kb).create(name.strip())
                st.session_state[CHOSEN_LIST] = name.strip()
                st.rerun()
            except KBError as exc:
                st.error(plain(exc))


def _add_button(kb: KnowledgeBase, label: str, key: str, doc_id: str, query: str | None,
                passage: Passage | None = None) -> None:
    if st.button(label, key=key, help="Keep this in the reading list chosen in the sidebar"):
        try:
            name, lists = _chosen_list(kb), lists_for(kb)
            with WRITE_LOCK:
                if not name:
                    name = st.session_state[CHOSEN_LIST] = "My reading list"
                    lists.create(name)
                lists.add(name, doc_id, chunk_id=passage.chunk_id if passage else None,
                          page=passage.page if passage else None, passage=passage.text if passage else None,
                          query=query)
            st.toast(f"Added to “{plain(name)}”")
        except KBError as exc:
            st.error(plain(exc))


def _context_link(doc_id: str, page: int, state: SearchState) -> str:
    """The document view opened at a page, keeping the search (for records and text documents)."""
    from urllib.parse import urlencode

    return "?" + urlencode({**{k: v for k, v in state.to_params().items() if k in ("q", "mode", "raw")},
                            "view": "doc", "doc": doc_id, "page": page})


def _result_card(kb: KnowledgeBase, hit: Hit, rank: int, state: SearchState) -> None:
    doc = hit.document
    # horizontal containers rather than columns: a third of the elements for the browser to draw per card
    with st.container(border=True):
        via = (f"<div class='kb-facts'>In {escape(_language_name(doc.language))} — {escape(FOUND_VIA[hit.found_via])}"
               "</div>" if hit.found_via else "")
        st.html(f"<div class='kb-card'>{title_html(doc, rank)}</div>{via}")
        for n, passage in enumerate(hit.passages):
            link = pdf_link(kb, doc, passage.page)
            row = st.container(horizontal=True, wrap=False, gap="small")
            markdown = is_markdown(doc)
            if link:
                row.html(passage_html(passage, link, language=doc.language, markdown=markdown))
            else:
                row.html(passage_html(passage, _context_link(doc.doc_id, passage.page, state), new_tab=False,
                                      language=doc.language, markdown=markdown))
            with row:
                _add_button(kb, "+ passage", f"addp_{doc.doc_id}_{n}", doc.doc_id, state.query, passage)
        if hit.related:
            st.html(related_html(hit.related, state))
        row = st.container(horizontal=True, gap="small")
        if row.button("Open document", key=f"open_{doc.doc_id}"):
            _go("doc", doc=doc.doc_id)
        with row:
            _add_button(kb, "+ Add to list", f"add_{doc.doc_id}", doc.doc_id, state.query)


# ----- document ------------------------------------------------------------------------------------
def document_view(kb: KnowledgeBase) -> None:
    doc_id = st.query_params.get("doc", "")
    state = SearchState.from_params(st.query_params)
    try:
        doc = kb.get_document(doc_id)
        pages = kb.pages(doc_id)
    except KBError:
        st.error(f"There is no document {plain(repr(doc_id))} in the knowledge base (it may have been removed).")
        if st.button("Back to search"):
            _go("search")
        return
    with st.sidebar:
        _list_picker(kb)  # where "+ Add to list" keeps this document
    if st.button("← Back to results", key="back"):
        _go("search")
    st.html(title_html(doc, heading=True))
    _metadata_table(kb, doc)
    _document_links(kb, doc, state)
    _add_button(kb, "+ Add to list", f"add_doc_{doc_id}", doc_id, state.query or None)
    if doc.extra.get("catalogue_stub"):
        _fetch_action(kb, doc)
    _correction_form(kb, doc)
    if state.query:
        _search_passages(kb, doc, state)
    document_recommendations(kb, doc_id)
    st.subheader("Full text")
    if pages:
        _full_text(kb, doc, pages, state)
    _similar_documents(kb, doc_id)


def _document_links(kb: KnowledgeBase, doc: Any, state: SearchState) -> None:
    """Other language versions and near-duplicates, and the stored original."""
    related = kb.related([doc.doc_id])[doc.doc_id]
    link = pdf_link(kb, doc, 1)
    if related:
        st.html(related_html([{"doc_id": o.doc_id, "title": o.title, "language": o.language, "kind": kind,
                               "score": score} for o, kind, score in related], state))
    links = [f"<a href='{escape(link)}' target='_blank' rel='noopener'>Open the original PDF ↗</a>"] if link else []
    # the landing page carries the citation metadata that Zotero's connector and harvesters read
    # (signed for this signed-in session when visitors must sign in, as links to originals are)
    landing = landing_link(doc.doc_id, key=kb.link_key() if kb.settings.public_access != "read" else None)
    links.append(f"<a href='{escape(landing.lstrip('/'))}' target='_blank' rel='noopener'>"
                 "Citation page (Zotero) ↗</a>")
    st.html(" · ".join(links))


def _search_passages(kb: KnowledgeBase, doc: Any, state: SearchState) -> None:
    st.subheader("Passages for your search")
    try:
        results = kb.search(state.query, mode=state.mode or None, k=1, filters={"doc_id": doc.doc_id},
                            raw=state.raw)
    except KBError as exc:
        st.caption(plain(exc))
        return
    if not results.hits:
        st.caption("No passage of this document matches the search.")
    for passage in results.hits[0].passages if results.hits else []:
        plink = pdf_link(kb, doc, passage.page)
        st.html(passage_html(passage, plink, language=doc.language, markdown=is_markdown(doc)))


def _full_text(kb: KnowledgeBase, doc: Any, pages: list[Any], state: SearchState) -> None:
    """One page at a time, opened at the page the URL names, with the search's words highlighted."""
    numbers = [p.number for p in pages]
    wanted = int(st.query_params.get("page", numbers[0]) or numbers[0])
    wanted = wanted if wanted in numbers else numbers[0]
    number = st.number_input("Page", min_value=numbers[0], max_value=numbers[-1], value=wanted, step=1,
                             key="page_number")
    page = next((p for p in pages if p.number == number), pages[0])
    spans = []
    if state.query:
        spans = kb.highlight(state.query, page.text, doc.language, raw=state.raw)
    body = markdown_html(page.text, spans) if is_markdown(doc) else highlighted(page.text, spans, keep_lines=True)
    st.html(f"<div class='kb-passage'><div class='kb-text'>{body}</div></div>")


def _similar_documents(kb: KnowledgeBase, doc_id: str) -> None:
    st.subheader("Similar documents")
    try:
        similar = kb.similar(doc_id, k=5)
    except KBError as exc:
        st.caption(plain(exc))
        similar = []
    for hit in similar:
        cols = st.columns([10, 2])
        cols[0].html(title_html(hit.document) + f"<span class='kb-facts'>similarity {hit.score:.2f}</span>")
        if cols[1].button("Open", key=f"similar_{hit.document.doc_id}"):
            _go("doc", doc=hit.document.doc_id)


def _metadata_table(kb: KnowledgeBase, doc: Any) -> None:
    """Every field with where it came from (detected, the file, a sidecar, a correction …)."""
    rows = [("Source", doc.source, "")]
    for name, field in doc.described_fields().items():
        rows.append((FIELD_LABELS.get(name, name.replace("_", " ").capitalize()), field["value"],
                     f"{field['source']}: {field['evidence']}" if "source" in field else ""))
    rows += [("Pages", doc.n_pages, ""), ("Ingested", when(doc.ingested_at), ""), ("Document id", doc.doc_id, "")]
    st.html("<table class='kb-meta'>" + "".join(
        f"<tr><th style='text-align:left;padding-right:1rem;vertical-align:top'>{escape(k)}</th><td>{escape(v)}"
        + (f"<div class='kb-evidence'>{escape(e)}</div>" if e else "") + "</td></tr>"
        for k, v, e in rows) + "</table>")


def _correction_form(kb: KnowledgeBase, doc: Any) -> None:
    """Researchers correct metadata here; corrections are kept when the document is ingested again."""
    with st.expander("Correct metadata"):
        if not require_action(kb, "correct", "Correcting metadata"):
            return
        values = {"title": doc.title, **doc.metadata()}
        with st.form(f"correct_{doc.doc_id}"):
            inputs = metadata_inputs(f"correct_{doc.doc_id}", values, kb.provenance(doc))
            cols = st.columns(2)
            other_name = cols[0].text_input("Other field (name)", key=f"correct_{doc.doc_id}__name",
                                            help="Any field of your own, e.g. topic or project")
            other_value = cols[1].text_input("Its value (empty clears it)", key=f"correct_{doc.doc_id}__value")
            submitted = st.form_submit_button("Save corrections")
        if submitted:
            changes = changed_fields(values, inputs)
            if other_name.strip():
                changes[other_name.strip()] = other_value
            if not changes:
                st.info("Nothing changed.")
                return
            try:
                with WRITE_LOCK:
                    kb.correct_metadata(doc.doc_id, changes, actor=current_actor(kb))
            except KBError as exc:
                st.error(plain(exc))
                return
            st.success(f"Saved: {', '.join(sorted(changes))}")
            st.rerun()


def _fetch_action(kb: KnowledgeBase, doc: Any) -> None:
    """Researchers can fetch a catalogue entry's full text from the document view."""
    cid = doc.extra.get("catalogue_id")
    with st.container(border=True):
        st.markdown("**Full text not fetched yet**")
        if not may(kb, "ingest"):
            st.caption("Fetching is for researchers: sign in with a researcher account in the sidebar, or run "
                       f"`kb corpus fetch {cid}` on the command line.")
            return
        if st.button("Fetch full text", key=f"fetch_{cid}"):
            try:
                with st.spinner("Fetching…"), WRITE_LOCK:
                    report = kb.fetch_catalogue([cid], actor=current_actor(kb))
            except KBError as exc:
                st.error(plain(exc))
                return
            item = report.items[0]
            if item.status == "fetched":
                st.success(f"Fetched {item.pages} page(s) from {plain(item.url)}")
                st.rerun()
            else:
                st.error(plain(item.reason or item.status))


# ----- topics --------------------------------------------------------------------------------------
def topics_view(kb: KnowledgeBase) -> None:
    st.title("Browse by topic")
    topics = kb.topics()
    counts = kb.overview(recent=0)["by"]["topic"]
    if not topics:
        st.info("No thesaurus is configured (setting thesaurus), so documents carry no topics.")
        return
    st.caption("Topics come from the thesaurus of the field (corpus/thesaurus): a document has a topic when many of "
               "its pages name it or a narrower concept, in its own language.")
    listed = [t for t in topics if counts.get(t, {}).get("documents")]
    if not listed:
        st.info("No document has a topic yet: run `kb reindex --topics` to tag the knowledge base.")
        return
    picked = st.query_params.get("topic") if st.query_params.get("topic") in listed else listed[0]
    choice = st.selectbox("Topic", listed, index=listed.index(picked), key="topic_pick",
                          format_func=lambda t: f"{topics[t]} ({counts[t]['documents']})")
    if choice != picked:
        st.query_params["topic"] = choice
        st.rerun()
    docs = kb.browse({"topic": choice}, limit=200)
    for doc in docs:
        cols = st.columns([10, 2])
        cols[0].html(title_html(doc))
        if cols[1].button("Open", key=f"topic_{doc.doc_id}"):
            _go("doc", doc=doc.doc_id)


# ----- overview ------------------------------------------------------------------------------------
def overview_view(kb: KnowledgeBase) -> None:
    st.title("Corpus overview")
    data = kb.overview(recent=10)
    stats = data["stats"]
    cols = st.columns(3)
    cols[0].metric("Documents", stats["documents"])
    cols[1].metric("Pages", stats["pages"])
    cols[2].metric("Passages", stats["chunks"])
    if stats["documents"] == 0:
        st.info("The knowledge base is empty: ingest documents with `kb ingest PATH`.")
        return
    topics = kb.topics()
    for field, label in (("organisation", "Organisation"), ("topic", "Topic"), ("language", "Language"),
                         ("year", "Year"), ("doc_type", "Document type")):
        groups = data["by"][field]
        st.subheader(f"By {label.lower()}")
        if field == "year":
            chart, undated = bars_by_year(groups)
            st.altair_chart(chart, width="stretch")
            if undated:
                st.caption(f"{undated} document(s) without a year are not on the time line.")
            continue
        names = topics if field == "topic" else {v: language_name(v) for v in groups} if field == "language" else {}
        st.altair_chart(bars_by_name(groups, names, label), width="stretch")
    st.subheader("Recently ingested")
    for doc in data["recent"]:
        cols = st.columns([10, 2])
        cols[0].html(title_html(doc) + f"<span class='kb-facts'>ingested {escape(when(doc.ingested_at))}</span>")
        if cols[1].button("Open", key=f"recent_{doc.doc_id}"):
            _go("doc", doc=doc.doc_id)


# ----- reading lists -------------------------------------------------------------------------------
EXPORT_LABELS = {"markdown": "Markdown briefing", "csv": "CSV", "bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}


def lists_view(kb: KnowledgeBase) -> None:
    st.title("Reading lists")
    access = lists_for(kb)
    if not access.kept:
        st.caption("Lists you make without signing in stay in this browser tab only: export them before you leave, "
                   "or sign in to keep them.")
    lists = access.names()
    _new_list_form(kb, expanded=not lists)
    if not lists:
        st.info("No reading list yet: use “+ Add to list” on a search result, or create one above.")
        saved_searches_section(kb)
        return
    labels = {_list_label(e, current_actor(kb).name): e for e in lists}
    if st.session_state.get("lists_view_name") not in labels:
        st.session_state["lists_view_name"] = next(iter(labels))
    entry = labels[st.selectbox("List", list(labels), key="lists_view_name")]
    name = entry["name"]
    # a kept list is named with its owner ("-": no one), since names repeat across owners; a session's list by name
    entry["ref"] = (entry["owner"] or "-") if access.kept or entry["shared"] else None
    items = access.citation_items(name, owner=entry["ref"])
    if entry["description"]:
        st.html(f"<p>{escape(entry['description'])}</p>")
    st.caption(f"{len(items)} item(s)")
    _export_buttons(access, name, entry["ref"])
    if entry["may_change"]:
        _list_settings(kb, access, entry)
    for n, item in enumerate(items):
        _list_item(access, entry, item, first=n == 0, last=n == len(items) - 1)
    saved_searches_section(kb)


def _list_label(entry: dict[str, Any], me: str | None) -> str:
    """A list's name as the picker shows it: whose it is when it is not the visitor's own."""
    if entry["owner"] == me or (entry["owner"] is None and not entry["shared"]):
        return entry["name"] + ("" if not entry["shared"] else " (shared)")
    return f"{entry['name']} (shared by {entry['owner'] or 'the team'})"


def _new_list_form(kb: KnowledgeBase, expanded: bool) -> None:
    with st.expander("New reading list", expanded=expanded):
        new_name = st.text_input("Name", key="lists_new_name", max_chars=200)
        new_description = st.text_input("Description", key="lists_new_description", max_chars=2000)
        if st.button("Create list", key="lists_create") and new_name.strip():
            try:
                with WRITE_LOCK:
                    lists_for(kb).create(new_name.strip(), new_description)
                st.session_state[CHOSEN_LIST] = new_name.strip()
                st.session_state.pop("lists_view_name", None)
                st.rerun()
            except KBError as exc:
                st.error(plain(exc))


def _export_buttons(access: Any, name: str, owner: str | None) -> None:
    from kb.citations import EXTENSIONS, MEDIA_TYPES

    # a row that wraps rather than columns: a label is never cut to a column's width ("Download Markdo…")
    row = st.container(horizontal=True, wrap=True, gap="small")
    row.markdown("Download:")
    for fmt, label in EXPORT_LABELS.items():
        data = access.export(name, fmt, owner=owner)
        row.download_button(label, data=data.encode("utf-8"), file_name=f"{_file_stem(name)}.{EXTENSIONS[fmt]}",
                            mime=MEDIA_TYPES[fmt], key=f"export_{fmt}", width="content")


def _list_settings(kb: KnowledgeBase, access: Any, entry: dict[str, Any]) -> None:
    name, owner = entry["name"], entry["ref"]
    with st.expander("Rename, describe, share or delete this list"):
        renamed = st.text_input("Name", value=name, key=f"rename_{name}", max_chars=200)
        described = st.text_area("Description", value=entry["description"], key=f"describe_{name}", max_chars=2000)
        c1, c2, c3 = st.columns(3)
        if c1.button("Save", key=f"save_list_{name}"):
            _list_action(lambda: (access.describe(name, described, owner=owner),
                                  renamed.strip() != name and access.rename(name, renamed.strip(), owner=owner)))
        if access.kept and (entry["shared"] or may(kb, "lists.shared")) and \
                (not entry["shared"] or entry["owner"] == current_actor(kb).name):
            label = "Make private" if entry["shared"] else "Share with the team"
            if c2.button(label, key=f"share_list_{name}"):
                _list_action(lambda: access.share(name, not entry["shared"], owner=owner))
        if c3.button("Delete list", key=f"delete_list_{name}", type="secondary"):
            _list_action(lambda: access.delete(name, owner=owner))


def _list_action(act: Any) -> None:
    try:
        with WRITE_LOCK:
            act()
    except KBError as exc:
        st.error(plain(exc))
        return
    st.session_state.pop("lists_view_name", None)
    st.rerun()


def _list_item(access: Any, entry: dict[str, Any], item: Any, first: bool, last: bool) -> None:
    name, owner = entry["name"], entry["ref"]
    with st.container(border=True):
        where = f" — p. {item.page}" if item.page else ""
        facts = ", ".join(str(v) for v in (item.organisation, item.year, item.symbol) if v)
        gone = ("<div class='kb-catalogue'>No longer in the knowledge base (citation kept)</div>"
                if not item.in_knowledge_base else "")
        st.html(f"<div class='kb-title'><span class='kb-rank'>{item.position}.</span> {escape(item.title)}"
                f"{escape(where)}</div><div class='kb-facts'>{escape(facts)}</div>{gone}")
        if item.passage:
            st.html(f"<blockquote>{highlighted(item.passage, [])}</blockquote>")
        if item.query:
            st.html(f"<span class='kb-facts'>found with “{escape(item.query)}”</span>")
        if not entry["may_change"]:
            if item.note:
                st.html(f"<div class='kb-facts'>Note: {escape(item.note)}</div>")
            return
        note = st.text_input("Note", value=item.note, key=f"note_{item.item_id}", max_chars=5000)
        c1, c2, c3, c4 = st.columns(4)
        actions = [(note != item.note and c1.button("Save note", key=f"save_note_{item.item_id}"),
                    lambda: access.annotate(name, item.item_id, note, owner=owner)),
                   (not first and c2.button("Move up", key=f"up_{item.item_id}"),
                    lambda: access.move(name, item.item_id, item.position - 1, owner=owner)),
                   (not last and c3.button("Move down", key=f"down_{item.item_id}"),
                    lambda: access.move(name, item.item_id, item.position + 1, owner=owner)),
                   (c4.button("Remove", key=f"remove_{item.item_id}"),
                    lambda: access.remove(name, item.item_id, owner=owner))]
        for pressed, act in actions:
            if pressed:
                _list_action(act)


def _file_stem(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "reading-list"
