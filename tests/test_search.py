"""Keyword search: stemming per language, phrases, safe plain queries, raw syntax, filters, grouping, snippets."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.errors import ModeUnavailableError, QuerySyntaxError
from kb.search.results import group_by_document, make_snippet
from kb.engines.keyword import PageHit


@pytest.fixture
def loaded(kb: KnowledgeBase, corpus_dir: Path) -> KnowledgeBase:
    kb.ingest([corpus_dir], workers=1)
    return kb


def titles(results) -> list[str]:
    return [h.document.title for h in results.hits]


def test_english_stemming_matches_other_word_forms(loaded: KnowledgeBase) -> None:
    results = loaded.search("inspector identifying victim")
    assert results.hits[0].document.title == "Labour exploitation report"
    assert results.hits[0].passages[0].page == 2


def test_dutch_stemming_matches_plural_and_singular(loaded: KnowledgeBase) -> None:
    [hit] = loaded.search("schadevergoedingen slachtoffer").hits
    assert hit.document.language == "nl"
    assert hit.passages[0].page == 2
    highlighted = [hit.passages[0].text[s:e].lower() for s, e in hit.passages[0].highlights]
    assert "schadevergoeding" in highlighted and "slachtoffers" in highlighted


def test_passages_carry_page_numbers_and_highlights(loaded: KnowledgeBase) -> None:
    hit = loaded.search("compensation").hits[0]
    passage = hit.passages[0]
    assert passage.page == 3
    assert any(passage.text[s:e].lower() == "compensation" for s, e in passage.highlights)


def test_quoted_phrase_is_required_and_exact(loaded: KnowledgeBase) -> None:
    assert titles(loaded.search('"national referral mechanism"')) == ["Labour exploitation report"]
    assert loaded.search('"mechanism referral national"').hits == []


@pytest.mark.parametrize("query", ["AND", "labour AND", "title:(", "victims OR", "a:b:c", "NOT NOT", "*", "(((",
                                   "victim^3", "\"unclosed", "[a TO", "{}", "~2", "a-b/c\\d"])
def test_plain_queries_never_error_on_syntax_characters(loaded: KnowledgeBase, query: str) -> None:
    # treated as text: the same results as its words alone, whatever the other characters
    words = " ".join(re.findall(r"\w+", query))
    found = [(h.document.doc_id, [p.page for p in h.passages]) for h in loaded.search(query).hits]
    assert found == [(h.document.doc_id, [p.page for p in h.passages]) for h in loaded.search(words).hits]


def test_plain_query_operators_are_words_not_syntax(loaded: KnowledgeBase) -> None:
    # In plain mode NOT is just a (stop)word: documents with "shelters" are still found.
    assert loaded.search("NOT shelters").hits


def test_raw_query_syntax_is_opt_in(loaded: KnowledgeBase) -> None:
    both = loaded.search("labour OR shelters", raw=True)
    assert len(both.hits) == 2
    only = loaded.search("victims NOT compensation", raw=True)
    # operators apply to passages: no passage shown mentions compensation
    assert only.hits and all("compensation" not in p.text.lower() for h in only.hits for p in h.passages)
    assert titles(loaded.search("title:shelter", raw=True)) == ["Guide for shelters"]
    assert loaded.search("traffick*", raw=True).hits


def test_raw_query_with_unknown_field_is_explained(loaded: KnowledgeBase) -> None:
    with pytest.raises(QuerySyntaxError, match="unknown field 'author'"):
        loaded.search("author:smith", raw=True)


def test_filters_by_language_country_year_and_free_field(loaded: KnowledgeBase, corpus_dir: Path) -> None:
    assert {h.document.language for h in loaded.search("mensenhandel labour", filters=["language=nl"]).hits} == {"nl"}
    assert titles(loaded.search("bondage organs", filters={"country": "IN"})) == ["Debt bondage"]
    assert loaded.search("trafficking", filters=["year=1990..1995"]).hits == []
    assert loaded.search("kilns", filters=["record_id=r1"]).hits
    assert loaded.search("kilns", filters=["record_id=r2"]).hits == []
    assert loaded.search("kilns", filters=["record_id=r*"]).hits  # prefix
    assert loaded.search("kilns", filters=["record_id=%"]).hits == []  # LIKE characters are literal
    assert loaded.search("kilns", filters=["title=debt*"]).hits


def test_stop_words_of_the_query_language_are_dropped_everywhere(kb: KnowledgeBase, tmp_path: Path) -> None:
    from .fixtures import make_pdf

    # an English report citing Dutch sources, and a Dutch report on compensation
    make_pdf(tmp_path / "en.pdf", ["Trafficking report. References: Tijdschrift voor strafrecht; Centrum voor "
                                   "slachtofferhulp; Stichting voor de rechtspraak; the victims were helped. " * 3])
    make_pdf(tmp_path / "nl.pdf", ["Slachtoffers krijgen een schadevergoeding van de dader of van het fonds. " * 3])
    kb.ingest([tmp_path], workers=1)
    assert Path(kb.search("schadevergoeding voor slachtoffers").hits[0].document.source).name == "nl.pdf"


def test_semantic_modes_say_when_they_are_switched_off(home: Path, corpus_dir: Path) -> None:
    from kb import Settings

    with KnowledgeBase(Settings.load({"home": str(home), "semantic": False}, environ={})) as kb:
        kb.ingest([corpus_dir], workers=1)
        assert kb.available_modes == ("keyword",)
        assert kb.search("victims").mode == "keyword"
        with pytest.raises(ModeUnavailableError, match="switched off"):
            kb.search("victims", mode="semantic")
        with pytest.raises(ModeUnavailableError, match="--mode keyword"):
            kb.search("victims", mode="hybrid")
        assert not (home / "vectors").exists()


def test_paging_returns_disjoint_pages(loaded: KnowledgeBase) -> None:
    first = loaded.search("trafficking victims labour", k=2)
    second = loaded.search("trafficking victims labour", k=2, offset=2)
    ids1 = {h.document.doc_id for h in first.hits}
    ids2 = {h.document.doc_id for h in second.hits}
    assert ids1 and ids2 and not ids1 & ids2


def test_group_by_document_scores_by_best_chunk_and_keeps_order() -> None:
    ranked = [PageHit("a-1", "a", 1, 5.0), PageHit("b-1", "b", 2, 4.0), PageHit("a-2", "a", 3, 3.0),
              PageHit("a-3", "a", 4, 2.0), PageHit("c-1", "c", 1, 1.0)]
    groups = group_by_document(ranked, passages_per_doc=2)
    assert [(g.doc_id, g.score, [c.page_id for c in g.chunks]) for g in groups] == [
        ("a", 5.0, ["a-1", "a-2"]), ("b", 4.0, ["b-1"]), ("c", 1.0, ["c-1"])]


def test_snippet_prefers_distinct_terms() -> None:
    text = "labour " * 30 + "filler " * 60 + "labour exploitation agriculture " + "filler " * 60
    spans = [(m.start(), m.end()) for m in __import__("re").finditer(r"labour|exploitation|agriculture", text)]
    snippet, shown, _ = make_snippet(text, spans, 100)
    assert "exploitation agriculture" in snippet
    assert {snippet[s:e] for s, e in shown} >= {"labour", "exploitation", "agriculture"}


def test_snippet_centres_on_highlights_and_shifts_spans() -> None:
    text = ("filler " * 100) + "the victim was found " + ("more " * 100)
    start = text.index("victim")
    snippet, spans, offset = make_snippet(text, [(start, start + 6)], 80)
    assert 0 < offset < start
    assert len(snippet) <= 90
    assert snippet.startswith("… ") and snippet.endswith(" …")
    [(s, e)] = spans
    assert snippet[s:e] == "victim"


def test_a_keyword_passage_names_the_chunk_its_highlight_is_in(kb: KnowledgeBase, tmp_path: Path) -> None:
    """A page of several chunks: the passage shown for a word near the page's end is kept as that chunk."""
    from .fixtures import make_pdf

    filler = "Labour inspectors visited farms and spoke with seasonal workers about their contracts. " * 40
    make_pdf(tmp_path / "long.pdf", [filler + "The greenhouse operator withheld passports of the pickers."])
    kb.ingest([tmp_path], workers=1)
    hit = kb.search("greenhouse passports").hits[0]
    chunks = kb.chunks(hit.document.doc_id)
    assert len({c.chunk_id for c in chunks if c.page == 1}) > 1  # the page is cut into several chunks
    holding = [c.chunk_id for c in chunks if "greenhouse" in c.text]
    assert hit.passages[0].chunk_id in holding
    assert hit.passages[0].chunk_id != chunks[0].chunk_id
