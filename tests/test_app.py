"""The Streamlit app with streamlit.testing.v1.AppTest: every page, the URL state, safety, lists."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb import KnowledgeBase, Settings

from .fixtures import make_pdf

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "kb" / "webapp" / "page.py")  # the pages; app.py serves them with the originals route
HOSTILE = ("Hostile report <script>alert('x')</script> <img src=x onerror=alert(1)> "
           "[click here](http://evil.example) **bold** about labour exploitation")


@pytest.fixture
def app_home(tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    hostile = tmp_path / "hostile.md"
    hostile.write_text(f"# {HOSTILE}\n\nBody text: {HOSTILE}\n")
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([corpus_dir, hostile], workers=1)
    monkeypatch.setenv("KB_HOME", str(home))
    return home


def app_test(**params: str) -> AppTest:
    """The app with these URL parameters, not run yet."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def run_app(**params: str) -> AppTest:
    return app_test(**params).run()


def shown(markdown: str) -> str:
    """The text a Markdown-reading element shows: its backslash escapes resolved."""
    return re.sub(r"\\(.)", r"\1", markdown)


def html_of(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def test_empty_knowledge_base_says_how_to_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_HOME", str(tmp_path / "empty"))
    at = run_app()
    assert not at.exception
    assert "kb ingest" in at.info[0].value


def test_search_from_the_url_shows_cards_with_highlighted_passages(app_home: Path) -> None:
    at = run_app(q="greenhouses", mode="keyword")
    assert not at.exception
    assert at.caption[0].value.startswith("1 document matches the words")
    body = html_of(at)
    assert "Labour exploitation report" in body
    assert "<mark>greenhouses</mark>" in body
    assert "originals/" in body and "#page=1" in body
    assert any(b.label == "Open document" for b in at.button)


def test_records_and_text_documents_link_to_the_passage_in_context(app_home: Path) -> None:
    at = run_app(q="brick kilns", mode="keyword")
    body = html_of(at)
    assert "kb-context" in body and "view=doc" in body and "page=1" in body
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        doc = kb.search("brick kilns", mode="keyword").hits[0].document
    at = run_app(view="doc", doc=doc.doc_id, page="1", q="brick kilns", mode="keyword")
    assert "<mark>kilns</mark>" in html_of(at)


def test_typing_a_query_and_switching_mode_update_the_url(app_home: Path) -> None:
    at = run_app()
    at.text_input[0].input("reflection period").run()
    assert at.query_params["q"] == "reflection period"
    assert "Guide for shelters" in html_of(at)
    at.get("button_group")[0].set_value("semantic").run()
    assert at.query_params["mode"] == "semantic"
    assert "meaning search" in at.caption[0].value


def test_each_query_typed_after_another_searches_and_the_url_resets_the_box(app_home: Path) -> None:
    at = run_app()
    at.text_input[0].input("reflection period").run()
    assert "Guide for shelters" in html_of(at)
    at.text_input[0].input("greenhouses").run()
    assert at.query_params["q"] == "greenhouses" and at.text_input[0].value == "greenhouses"
    assert "Labour exploitation report" in html_of(at) and "Guide for shelters" not in html_of(at)
    at.text_input[0].input("brick kilns").run()
    assert at.query_params["q"] == "brick kilns" and "kilns</mark>" in html_of(at)
    back = app_test(q="greenhouses")  # a bookmark, or the browser's back button
    back.session_state["search_box_alias"] = at.session_state["search_box_alias"]
    back.run()
    assert back.text_input[0].value == "greenhouses" and "Labour exploitation report" in html_of(back)


def test_filters_from_the_url_and_clear_all(app_home: Path) -> None:
    at = run_app(q="slachtoffers victims", mode="keyword", language="nl")
    body = html_of(at)
    assert "Rapportage mensenhandel" in body and "Labour exploitation report" not in body
    language = next(m for m in at.multiselect if m.label == "Language")
    assert language.value == ["nl"]
    next(b for b in at.button if b.label == "Clear all filters").click().run()
    assert "language" not in at.query_params


def test_a_filter_picked_in_the_sidebar_moves_the_url_and_filters_the_results(app_home: Path) -> None:
    at = run_app(q="slachtoffers victims", mode="keyword")
    assert "Labour exploitation report" in html_of(at)
    language = next(m for m in at.multiselect if m.label == "Language")
    assert any(option.startswith("Dutch (") for option in language.options)  # by its name, with its count
    language.select("nl").run()
    assert at.query_params["language"] == "nl" and at.query_params["q"] == "slachtoffers victims"
    body = html_of(at)
    assert "Rapportage mensenhandel" in body and "Labour exploitation report" not in body
    assert next(m for m in at.multiselect if m.label == "Language").value == ["nl"]
    # the next query keeps the filter
    at.text_input[0].set_value("victims").run()
    assert at.query_params["language"] == "nl" and "Labour exploitation report" not in html_of(at)


def test_the_year_slider_moves_the_url_and_clear_all_resets_it(app_home: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        for n, doc in enumerate(kb.search("victims", mode="keyword").hits):
            kb.correct_metadata(doc.document.doc_id, {"year": 2015 + n})
    at = run_app(q="victims", mode="keyword")
    [slider] = [s for s in at.slider if s.label == "Year"]
    low, high = slider.value
    assert low < high
    slider.set_value((low, high - 1)).run()
    assert "year_min" not in at.query_params and at.query_params["year_max"] == str(high - 1)
    years = {int(y) for y in re.findall(r"kb-chip'>((?:19|20)\d\d)<", html_of(at))}
    assert years and max(years) <= high - 1
    next(b for b in at.button if b.label == "Clear all filters").click().run()
    assert "year_max" not in at.query_params and at.query_params["q"] == "victims"


def test_no_results_suggests_other_modes_and_fewer_filters(app_home: Path) -> None:
    at = run_app(q="zzzqqq", mode="keyword", language="nl")
    message = at.info[0].value
    assert "Meaning or Hybrid" in message and "remove some filters" in message


def test_rejected_raw_query_is_explained(app_home: Path) -> None:
    at = run_app(q="author:smith", mode="keyword", raw="1")
    assert not at.exception
    assert "cannot be read" in at.warning[0].value


def test_metadata_shows_as_written_and_markdown_text_renders_safely(app_home: Path) -> None:
    at = run_app(q="hostile labour exploitation", mode="keyword")
    body = html_of(at)
    # the title is metadata: shown as written, escaped
    assert "Hostile report &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    # the text is Markdown: formatted, with no raw HTML, script or image, and the link's address shown beside it
    assert "<script" not in body and "<img" not in body and "alert('x')" not in body
    passages = "".join(re.findall(r"<div class='kb-text'>(.*?)</div></div>", body, re.S))
    assert "<strong>bold</strong>" in passages and "**bold**" not in passages
    assert ('<a href="http://evil.example" target="_blank" rel="noopener noreferrer nofollow">click here</a> '
            '<span class="kb-url">(http://evil.example)</span>') in body
    for md in at.markdown:
        assert "evil.example" not in md.value and "alert" not in md.value


def test_document_view_shows_metadata_passages_full_text_and_similar(app_home: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        doc = kb.search("greenhouses", mode="keyword").hits[0].document
    at = run_app(view="doc", doc=doc.doc_id, q="greenhouses", mode="keyword")
    assert not at.exception
    body = html_of(at)
    assert "Labour exploitation report" in body and doc.doc_id in body
    assert [s.value for s in at.subheader] == ["Passages for your search", "Full text", "Similar documents"]
    assert "<mark>greenhouses</mark>" in body
    at.number_input[0].set_value(3).run()
    assert "state fund" in html_of(at)


def test_overview_has_charts_and_recent_documents(app_home: Path) -> None:
    at = run_app(view="overview")
    assert not at.exception
    assert [m.value for m in at.metric][:1] == ["7"]
    assert len(at.get("vega_lite_chart")) == 5
    assert {"By topic", "Recently ingested"} <= {s.value for s in at.subheader}


def signed_in_app(home: Path, name: str, role: str = "reader", **params: str) -> AppTest:
    """The app for a session signed in to an account (made here when it does not exist yet), not run yet."""
    from kb.permissions import Actor

    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        if not any(row["name"] == name for row in kb.accounts.list()):
            kb.accounts.add(name, role, f"{name} password")
    at = app_test(**params)
    at.session_state["actor"] = Actor(name, role, "app", "local")
    return at


def test_add_to_list_buttons_keep_documents_and_passages(app_home: Path) -> None:
    at = signed_in_app(app_home, "ana", q="greenhouses", mode="keyword").run()
    next(b for b in at.button if b.label == "+ Add to list").click().run()
    next(b for b in at.button if b.label == "+ passage").click().run()
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        assert kb.reading_lists() == []  # private to ana: the command line's own user does not see it
        [entry] = kb.reading_lists(actor=kb.accounts.actor_named("ana"))
        items = kb.list_items(entry["name"], actor=kb.accounts.actor_named("ana"))
    assert entry["name"] == "My reading list" and len(items) == 2 and entry["owner"] == "ana" and not entry["shared"]
    assert items[0]["query"] == "greenhouses" and items[0]["page"] is None
    assert items[1]["page"] == 1 and "greenhouses" in items[1]["passage"]
    lists = signed_in_app(app_home, "ana", view="lists").run()
    assert "Labour exploitation report" in html_of(lists)
    assert "Labour exploitation report" not in html_of(signed_in_app(app_home, "bo", view="lists").run())


def test_anonymous_visitors_keep_lists_in_their_session_only_and_export_them(app_home: Path) -> None:
    at = run_app(q="greenhouses", mode="keyword")
    next(b for b in at.button if b.label == "+ Add to list").click().run()
    next(b for b in at.button if b.label == "+ passage").click().run()
    kept = at.session_state["session_lists"]["My reading list"]["items"]
    assert [item["page"] for item in kept] == [None, 1]
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        assert kb.reading_lists() == [] and not [e for e in kb.accounts.audit() if e["action"].startswith("list")]
    at.query_params["view"] = "lists"
    at.run()
    assert "Labour exploitation report" in html_of(at) and "stay in this browser tab only" in at.caption[0].value
    assert [b.label for b in at.get("download_button")] == ["Markdown briefing", "CSV", "BibTeX", "RIS", "CSL-JSON"]
    assert "Labour exploitation report" not in html_of(run_app(view="lists"))  # another session sees none


def test_reading_list_page_downloads_notes_reorders_and_flags_removed_documents(app_home: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        kb.create_list("Visit", "Field visit", shared=True)
        first = kb.search("greenhouses", mode="keyword").hits[0].document
        second = kb.search("shelters", mode="keyword").hits[0].document
        kb.add_to_list("Visit", first.doc_id, page=2, passage="Case workers use indicators.")
        kb.add_to_list("Visit", second.doc_id)
        kb.remove(second.doc_id)
    at = signed_in_app(app_home, "rene", "researcher", view="lists").run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Markdown briefing", "CSV", "BibTeX", "RIS", "CSL-JSON"]
    body = html_of(at)
    assert "No longer in the knowledge base" in body and "Case workers use indicators." in body
    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("note_"))).input("read on the train").run()
    next(b for b in at.button if b.label == "Save note").click().run()
    next(b for b in at.button if b.label == "Move down").click().run()
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        items = kb.list_items("Visit")
    assert items[1]["note"] == "read on the train" and items[1]["doc_id"] == first.doc_id


def test_catalogue_entries_are_marked_and_offer_fetch_to_researchers(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = ROOT / "corpus" / "key-documents.catalogue.csv"
    home = tmp_path / "home"
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([catalogue], workers=1)
        doc = kb.search("Netherlands", mode="keyword", filters={"symbol": "GRETA(2014)10"}).hits[0].document
    monkeypatch.setenv("KB_HOME", str(home))
    at = run_app(q="GRETA Netherlands", mode="keyword")
    assert "catalogue entry — full text not fetched" in html_of(at) and "official link" in html_of(at)
    at = run_app(view="doc", doc=doc.doc_id)
    assert "kb corpus fetch" in at.caption[0].value
    monkeypatch.setenv("KB_RESEARCHER_PASSWORD", "s3cret")  # the shared password of older installs still works
    at = run_app(view="doc", doc=doc.doc_id)
    assert not any(b.label == "Fetch full text" for b in at.button)
    at.text_input(key="sign_in_password").input("wrong")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert "Wrong name or password." in shown(at.error[0].value)
    at.text_input(key="sign_in_password").input("s3cret")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert any(b.label == "Fetch full text" for b in at.button)
    assert any("researcher (shared password)" in shown(c.value) for c in at.caption)
    assert any("kb users add" in c.value for c in at.caption)  # the note to migrate


def test_the_open_app_finds_what_another_process_ingests(app_home: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from kb.webapp.state import current_kb

    for mode in ("keyword", "semantic", "hybrid"):
        assert "Kangaroo report" not in html_of(run_app(q="kangaroo", mode=mode))
    kept_open = current_kb()  # the knowledge base the app process keeps open between reruns
    new = make_pdf(tmp_path / "late.pdf", ["Kangaroo report\nA kangaroo programme for victims of trafficking."])
    env = {**os.environ, "KB_HOME": str(app_home)}
    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", str(new), "--workers", "1"], env=env, check=True,
                   capture_output=True)
    for mode in ("keyword", "semantic", "hybrid"):
        at = run_app(q="kangaroo", mode=mode)
        assert not at.exception
        assert current_kb() is kept_open
        assert "Kangaroo report" in html_of(at), mode
