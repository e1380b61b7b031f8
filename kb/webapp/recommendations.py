"""The Recommendations page: what the reports ask governments to do and the practices they hold up as good, as
records to search, filter, compare by country and topic, follow through the years, keep and export."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from kb import KnowledgeBase
from kb.errors import KBError
from kb.models import as_int
from kb.recommendations.catalogue import RecordView
from kb.recommendations.topics import TOPICS
from kb.text.language import language_name

from .render import escape, plain
from .list_access import lists_for
from .state import WRITE_LOCK, pdf_link

PARAMS = {"country": "r_country", "organisation": "r_org", "topic": "r_topic", "strength": "r_strength",
          "kind": "r_kind"}
PAGE_SIZE = 20
STRENGTHS = ("urge", "consider", "invite", "recommend")
KIND_LABELS = {"": "Recommendations and practices", "recommendation": "Recommendations", "practice": "Practices"}


def _state() -> dict[str, Any]:
    params = st.query_params
    state: dict[str, Any] = {"query": params.get("rq", ""), "addressee": params.get("r_to", ""),
                             "year_min": as_int(params.get("r_from")), "year_max": as_int(params.get("r_until")),
                             "shown": as_int(params.get("r_shown")) or PAGE_SIZE}
    for name, key in PARAMS.items():
        state[name] = list(params.get_all(key))
    return state


def _filters(state: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {name: state[name] for name in ("country", "organisation", "topic", "strength")
                           if state[name]}
    if state["addressee"]:
        out["addressee"] = [state["addressee"]]
    if state["year_min"] is not None:
        out["year_min"] = state["year_min"]
    if state["year_max"] is not None:
        out["year_max"] = state["year_max"]
    return out


def _params(state: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"view": "recs"}
    if state["query"]:
        out["rq"] = state["query"]
    if state["addressee"]:
        out["r_to"] = state["addressee"]
    for key, name in (("r_from", "year_min"), ("r_until", "year_max")):
        if state[name] is not None:
            out[key] = str(state[name])
    for name, key in PARAMS.items():
        if state[name]:
            out[key] = state[name]
    if state["shown"] != PAGE_SIZE:
        out["r_shown"] = str(state["shown"])
    return out


def _apply(state: dict[str, Any]) -> None:
    st.query_params.clear()
    st.query_params.update(_params(state))
    st.rerun()


def recommendations_view(kb: KnowledgeBase) -> None:
    """The page: search box, filters, the country × topic grid, the records, downloads."""
    st.title("Recommendations and practices")
    state = _state()
    everything = kb.recommendations()
    current = kb.recommendations_current()
    if not current:
        st.info("Some documents were indexed before atkb extracted recommendations: run "
                "`kb reindex --recommendations` to add theirs.")
    if not everything:
        st.info("No recommendations yet: they are extracted from the documents you ingest (`kb ingest PATH`).")
        return
    _controls(state, everything)
    kind = (state["kind"] or [""])[0] or None
    state["shown"] = min(state["shown"], kb.settings.max_results)  # `?r_shown=` shows no more than a search may
    if state["query"] or kind or _filters(state):
        try:
            found = kb.recommendations(state["query"] or None, kind=kind, filters=_filters(state),
                                       k=None if not state["query"] else 200)
        except KBError as exc:
            st.warning(plain(exc))
            return
    else:
        found = everything  # nothing asked: the records already read for the filter options
    st.caption(f"{len(found)} record(s)")
    _downloads(kb, found)
    records, grid = st.tabs(["Records", "Country × topic"])
    with grid:
        _grid(found, state)
    with records:
        for n, view in enumerate(found[:state["shown"]], start=1):
            _card(kb, view, n, state)
        if len(found) > state["shown"]:
            if st.button("Show more", key="recs_more"):
                _apply({**state, "shown": state["shown"] + PAGE_SIZE})


def _controls(state: dict[str, Any], everything: list[RecordView]) -> None:
    def options(name: str) -> list[str]:
        values: set[str] = set()
        for view in everything:
            values.update(v.strip() for v in str(view.to_dict().get(name) or "").replace(",", ";").split(";")
                          if v.strip())
        return sorted(values | set(state[name]))

    with st.form("recs_form", border=False):
        query = st.text_input("Search the recommendations", value=state["query"], key="recs_query",
                              placeholder="e.g. compensation for victims")
        cols = st.columns(3)
        kind = cols[0].selectbox("Kind", list(KIND_LABELS), format_func=KIND_LABELS.get,
                                 index=list(KIND_LABELS).index((state["kind"] or [""])[0]), key="recs_kind")
        strength = cols[1].multiselect("Strength", STRENGTHS, default=[s for s in state["strength"] if s in STRENGTHS],
                                       key="recs_strength")
        addressee = cols[2].text_input("Addressed to", value=state["addressee"], key="recs_to",
                                       placeholder="e.g. minister, police, municipalities")
        cols = st.columns(3)
        country = cols[0].multiselect("Country", options("country"), default=state["country"], key="recs_country")
        organisation = cols[1].multiselect("Organisation", options("organisation"), default=state["organisation"],
                                           key="recs_org")
        topic = cols[2].multiselect("Topic", list(TOPICS), default=[t for t in state["topic"] if t in TOPICS],
                                    key="recs_topic")
        cols = st.columns(3)
        year_min = cols[0].number_input("From year", value=state["year_min"], step=1, format="%d", key="recs_from")
        year_max = cols[1].number_input("Until year", value=state["year_max"], step=1, format="%d", key="recs_until")
        submitted = st.form_submit_button("Search")
    if submitted:
        _apply({"query": query.strip(), "kind": [kind] if kind else [], "strength": strength, "addressee":
                addressee.strip(), "country": country, "organisation": organisation, "topic": topic,
                "year_min": as_int(year_min), "year_max": as_int(year_max), "shown": PAGE_SIZE})


def _downloads(kb: KnowledgeBase, found: list[RecordView]) -> None:
    row = st.container(horizontal=True, wrap=True, gap="small")  # buttons as wide as their labels, never cut
    row.download_button("Download CSV", kb.export_recommendations(found, "csv"), file_name="recommendations.csv",
                        mime="text/csv", key="recs_csv", width="content")
    row.download_button("Download Markdown", kb.export_recommendations(found, "markdown"),
                        file_name="recommendations.md", mime="text/markdown", key="recs_md", width="content")


def grid_html(counts: dict[tuple[str, str], int], state: dict[str, Any]) -> str:
    """The country × topic table: each count links to the records of that country and topic."""
    countries = sorted({c for c, _ in counts})
    topics = [t for t in (*TOPICS, "(none)") if any((c, t) in counts for c in countries)]
    head = "".join(f"<th>{escape(t)}</th>" for t in topics)
    rows = []
    for country in countries:
        cells = []
        for topic in topics:
            n = counts.get((country, topic), 0)
            target = {**state, "country": [country] if country != "(none)" else [],
                      "topic": [topic] if topic != "(none)" else [], "shown": PAGE_SIZE}
            href = "?" + urlencode(_params(target), doseq=True)
            cells.append(f"<td><a href='{escape(href)}' target='_self'>{n}</a></td>" if n else "<td></td>")
        rows.append(f"<tr><th>{escape(country)}</th>{''.join(cells)}</tr>")
    return (f"<table class='kb-grid'><thead><tr><th>Country</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _grid(found: list[RecordView], state: dict[str, Any]) -> None:
    from kb.recommendations.catalogue import country_topic_grid

    counts = country_topic_grid(found)
    if not counts:
        st.caption("Nothing to count.")
        return
    st.caption("Records per country and topic; a count opens those records.")
    st.html(GRID_STYLE + grid_html(counts, state))


GRID_STYLE = """<style>
.kb-grid { border-collapse: collapse; font-size: .85rem; }
.kb-grid th, .kb-grid td { border: 1px solid #dde; padding: .2rem .45rem; text-align: center; }
.kb-grid tbody th { text-align: left; }
</style>"""


def record_link(view: RecordView, kb: KnowledgeBase) -> str:
    """Where a record's page opens: the stored original at that page, else the document view at that page."""
    link = pdf_link(kb, view.document, view.record.page)
    return link or "?" + urlencode({"view": "doc", "doc": view.record.doc_id, "page": view.record.page})


def record_html(view: RecordView, link: str, rank: int | None = None) -> str:
    """A record's card body: what it is, where it comes from, its text, to whom and its topics."""
    rec = view.to_dict()
    # "recommend" is every recommendation's strength but GRETA's graded ones: only a graded strength says more
    badge = rec["kind"] + (f" · strength: {rec['strength']}" if rec["strength"] not in (None, "", "recommend") else "")
    number = f"{view.locator} · " if rec["number"] else ""
    source = " · ".join(escape(v) for v in (rec["organisation"], rec["country"], rec["year"], rec["symbol"]) if v)
    rank_html = f"<span class='kb-rank'>{rank}.</span> " if rank is not None else ""
    parts = [f"<div class='kb-title'>{rank_html}<span class='kb-chip'>{escape(badge)}</span> "
             f"{escape(rec['title'] or rec['source'])}</div>",
             f"<div class='kb-facts'>{source} · {escape(number)}"
             f"<a class='kb-page' href='{escape(link)}' target='_blank' rel='noopener'>p. {rec['page']} ↗</a></div>",
             f"<div class='kb-passage kb-rec-text'>{escape(rec['text'])}</div>"]
    if rec["addressee"]:
        parts.append(f"<div class='kb-facts'>Addressed to: {escape(rec['addressee'])}</div>")
    if rec["topics"]:
        parts.append("<div class='kb-facts'>" + "".join(f"<span class='kb-chip'>{escape(t)}</span>"
                                                        for t in rec["topics"]) + "</div>")
    return "".join(parts)


def _card(kb: KnowledgeBase, view: RecordView, rank: int, state: dict[str, Any]) -> None:
    with st.container(border=True):
        st.html(record_html(view, record_link(view, kb), rank))
        _links(kb, view)
        add_record_button(kb, view, f"recadd_{view.record.rec_id}", state["query"] or None)


def _links(kb: KnowledgeBase, view: RecordView) -> None:
    twins = kb.get_recommendations(view.translations)
    related = kb.get_recommendations(view.related)
    for twin in twins:
        language = language_name(twin.document.language)
        with st.expander(f"In {plain(language)}: {plain(twin.locator)}, p. {twin.record.page}"):
            st.html(record_html(twin, record_link(twin, kb)))
    year = view.document.year or 0
    earlier = [r for r in related if (r.document.year or 0) < year]
    later = [r for r in related if (r.document.year or 0) >= year]
    for label, group in (("Earlier similar recommendations", earlier), ("Later or concurrent similar ones", later)):
        if group:
            with st.expander(f"{label} ({len(group)})"):
                for other in group:
                    st.html(record_html(other, record_link(other, kb)))


def add_record_button(kb: KnowledgeBase, view: RecordView, key: str, query: str | None) -> None:
    """"+ Add to list": the record as a passage of its document, cited by its number and page."""
    if st.button("+ Add to list", key=key, help="Keep this recommendation in the reading list chosen in the sidebar"):
        name = st.session_state.get("reading_list") or "My reading list"
        lists = lists_for(kb)
        try:
            with WRITE_LOCK:
                if name not in [entry["name"] for entry in lists.names() if entry["may_change"]]:
                    lists.create(name)
                lists.add_recommendation(name, view.record.rec_id, query)
            st.toast(f"Added to “{plain(name)}”")
        except KBError as exc:
            st.error(plain(exc))


def document_recommendations(kb: KnowledgeBase, doc_id: str) -> None:
    """The document view's list of the document's recommendations and practices."""
    views = kb.document_recommendations(doc_id)
    if not views:
        return
    with st.expander(f"Recommendations and practices in this document ({len(views)})"):
        for view in views:
            st.html(record_html(view, record_link(view, kb)))
            add_record_button(kb, view, f"docrec_{view.record.rec_id}", None)
