"""The app across languages: hybrid search says when it also searched other languages and which results come
from them, its toggle turns that off (in the URL), and "Browse by topic" lists the documents of a topic."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .test_app import html_of, run_app
from .test_cross_language import DOCS


@pytest.fixture
def bilingual_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder, home = tmp_path / "docs", tmp_path / "home"
    folder.mkdir()
    for name, (title, language, text) in DOCS.items():
        (folder / name).write_text(f"---\ntitle: {title}\nlanguage: {language}\n---\n\n{text}\n")
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([folder], workers=1)
    monkeypatch.setenv("KB_HOME", str(home))
    return home


def test_hybrid_search_says_it_searched_dutch_too_and_marks_the_dutch_result(bilingual_home: Path) -> None:
    at = run_app(q="compensation", mode="hybrid")
    assert not at.exception
    assert any("Also searched in Dutch" in c.value and "schadevergoeding" in c.value for c in at.caption)
    body = html_of(at)
    assert "Vergoeding voor slachtoffers" in body and "In Dutch — found by your query&#x27;s translation" in body
    toggle = next(c for c in at.checkbox if c.label.startswith("Also search other languages"))
    assert toggle.value is True
    toggle.uncheck().run()
    assert at.query_params["tr"] == "0"
    assert not any("Also searched in" in c.value for c in at.caption)
    assert "Vergoeding voor slachtoffers" not in html_of(at)


def test_the_toggle_is_only_offered_in_hybrid_mode(bilingual_home: Path) -> None:
    at = run_app(q="compensation", mode="keyword")
    assert not any(c.label.startswith("Also search other languages") for c in at.checkbox)


def test_browse_by_topic_lists_a_topics_documents(bilingual_home: Path) -> None:
    at = run_app(view="topics", topic="compensation")
    assert not at.exception
    [picker] = at.selectbox
    assert picker.value == "compensation" and "compensation for victims (1)" in picker.options
    assert "Vergoeding voor slachtoffers" in html_of(at)
    assert "Inspections on farms" not in html_of(at)


def test_the_topic_facet_filters_search_results(bilingual_home: Path) -> None:
    at = run_app(q="slachtoffers shelters inspectors schadevergoeding", mode="keyword", topic="compensation")
    assert not at.exception
    body = html_of(at)
    assert "Vergoeding voor slachtoffers" in body and "Shelters for male victims" not in body
    topic = next(m for m in at.multiselect if m.label == "Topic")
    assert topic.value == ["compensation"]
