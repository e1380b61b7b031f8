"""The Recommendations page and the document view's list of recommendations, with streamlit.testing.v1.AppTest."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .fixtures import make_greta_report, make_pdf
from .test_app import html_of, run_app, signed_in_app
from .test_recommendations import EN_RECS, NL_RECS
from .test_relations import report_pages


@pytest.fixture
def recs_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    greta = make_greta_report(tmp_path / "greta.pdf")
    en = make_pdf(tmp_path / "report-en.pdf", report_pages("en") + [EN_RECS])
    nl = make_pdf(tmp_path / "report-nl.pdf", report_pages("nl") + [NL_RECS])
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([greta, en, nl], workers=1)
    monkeypatch.setenv("KB_HOME", str(home))
    return home


def test_the_page_lists_every_record_with_its_number_page_and_link(recs_home: Path) -> None:
    at = run_app(view="recs")
    assert not at.exception
    assert at.title[0].value == "Recommendations and practices"
    assert at.caption[0].value == "10 record(s)"
    body = html_of(at)
    assert "GRETA urges the Dutch authorities to ensure that victims" in body
    assert "Recommendation 45" in body and "#page=2" in body and "Addressed to: the Dutch authorities" in body
    # the badge names a graded strength only, never "recommendation · recommend"
    assert "recommendation · strength: urge" in body and "· recommend<" not in body
    assert {b.label for b in at.get("download_button")} == {"Download CSV", "Download Markdown"}
    assert any(e.label.startswith("In Dutch: Recommendation 2") for e in at.expander)


def test_searching_and_filtering_update_the_url(recs_home: Path) -> None:
    at = run_app(view="recs")
    at.text_input(key="recs_query").input("specialised shelters for male victims")
    next(b for b in at.button if b.label == "Search").click().run()
    assert at.query_params["rq"] == "specialised shelters for male victims"
    assert "GRETA considers that the authorities should provide specialised shelters" in html_of(at).split(
        "kb-rec-text")[1]
    at = run_app(view="recs", r_kind="practice")
    assert at.caption[0].value == "1 record(s)" and "GRETA welcomes" in html_of(at)
    at = run_app(view="recs", r_strength="urge", r_country="NL")
    assert at.caption[0].value == "1 record(s)"


def test_the_country_topic_grid_links_each_count_to_its_records(recs_home: Path) -> None:
    at = run_app(view="recs")
    body = html_of(at)
    assert "kb-grid" in body
    assert "r_country=NL&amp;r_topic=labour+exploitation" in body
    at = run_app(view="recs", r_country="NL", r_topic="labour exploitation")
    assert at.caption[0].value == "3 record(s)"


def test_add_to_list_keeps_the_recommendation_as_a_cited_passage(recs_home: Path) -> None:
    at = signed_in_app(recs_home, "ana", view="recs", r_strength="urge").run()
    next(b for b in at.button if b.label == "+ Add to list").click().run()
    assert not at.exception
    with KnowledgeBase(Settings.load({"home": str(recs_home)})) as kb:
        ana = kb.accounts.actor_named("ana")
        [item] = kb.list_items("My reading list", actor=ana)
        assert item["page"] == 2 and item["passage"].startswith("GRETA urges the Dutch authorities")
        assert "(Recommendation 45, p. 2)" in kb.export_list("My reading list", "markdown", actor=ana)
    visitor = run_app(view="recs", r_strength="urge")  # a visitor's list is kept in the session, exported alike
    next(b for b in visitor.button if b.label == "+ Add to list").click().run()
    [kept] = visitor.session_state["session_lists"]["My reading list"]["items"]
    assert kept["page"] == 2 and kept["citation"]["locator"] == "Recommendation 45"


def test_the_document_view_lists_the_documents_recommendations(recs_home: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(recs_home)})) as kb:
        doc_id = kb.recommendations(kind="practice")[0].record.doc_id
    at = run_app(view="doc", doc=doc_id)
    assert not at.exception
    assert any(e.label == "Recommendations and practices in this document (4)" for e in at.expander)
    assert "GRETA invites the authorities to continue training labour inspectors" in html_of(at)


def test_an_empty_knowledge_base_says_where_recommendations_come_from(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_HOME", str(tmp_path / "empty"))
    at = run_app(view="recs")
    assert "extracted from the documents you ingest" in at.info[0].value


def test_a_recommendation_goes_to_the_reading_list_chosen_in_the_sidebar(recs_home: Path) -> None:
    at = signed_in_app(recs_home, "ana", view="recs", r_kind="practice")
    with KnowledgeBase(Settings.load({"home": str(recs_home)})) as kb:
        ana = kb.accounts.actor_named("ana")
        kb.create_list("Alpha", actor=ana)
        kb.create_list("Greece briefing", actor=ana)
    at.run()
    picker = next(s for s in at.selectbox if s.label == "Add results to")
    picker.set_value("Greece briefing").run()
    next(b for b in at.button if b.label == "+ Add to list").click().run()
    with KnowledgeBase(Settings.load({"home": str(recs_home)})) as kb:
        assert kb.list_items("Alpha", actor=ana) == []
        [item] = kb.list_items("Greece briefing", actor=ana)
        assert item["passage"].startswith("GRETA welcomes")
