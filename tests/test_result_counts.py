"""What a results page says is exact: a filtered search lists only documents that pass the filter (another
language's edition of a hit is a link on it, not a result), the facets, the count and the results agree in every
mode, documents found by meaning alone are listed only above the floor, and highlights mark the query's words
only. Real keyword engines, the hashing embedder."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase

from .fixtures import write_markdown_documents

FACTS = ("In 2014 CoMensha registered 1321 {v}, in 2015 1561 and in 2016 952. The OM {p} 231 cases under article 273f "
         "and GRETA(2018)19. See https://www.nationaalrapporteur.nl/cijfers. Schadefonds {paid} 88 claims in 2017. ")
DOCS = {
    "vergoeding.md": ("Schadevergoeding voor slachtoffers", "nl",
                      "Schadevergoeding voor slachtoffers van mensenhandel. "
                      + FACTS.format(v="mogelijke slachtoffers", p="vervolgde", paid="betaalde") * 4),
    "compensation.md": ("Compensation for victims", "en",
                        "Compensation for victims of trafficking in human beings. "
                        + FACTS.format(v="presumed victims", p="prosecuted", paid="paid") * 4),
    "farms.md": ("Inspections on farms", "en", "Labour inspectors visit greenhouses and farms at harvest time. " * 6),
}


@pytest.fixture
def editions(kb: KnowledgeBase, tmp_path: Path) -> KnowledgeBase:
    kb.ingest([write_markdown_documents(tmp_path / "docs", DOCS)], workers=1)
    return kb


def _languages(results) -> list[str]:
    return [h.document.language for h in results.hits]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_a_filtered_search_lists_only_what_passes_and_links_the_other_edition(editions: KnowledgeBase,
                                                                              mode: str) -> None:
    results = editions.search("compensation for victims schadevergoeding slachtoffers", mode=mode,
                              filters=["language=nl"], facets=True, k=10)
    assert _languages(results) == ["nl"]
    assert results.total_documents == len(results.hits) == sum(results.facets["language"].values()) == 1
    assert results.facets["language"] == {"nl": 1}
    assert [t["language"] for t in results.hits[0].translations] == ["en"]  # "also in English", as a link


def test_hybrid_counts_say_how_documents_were_found(editions: KnowledgeBase) -> None:
    results = editions.search("compensation for victims", mode="hybrid", facets=True)
    assert results.word_matches + results.meaning_matches == results.total_documents == len(results.hits)
    assert sum(results.facets["language"].values()) == results.total_documents
    keyword = editions.search("compensation for victims", mode="keyword")
    assert results.word_matches >= keyword.total_documents


def test_documents_below_the_meaning_floor_are_not_listed(editions: KnowledgeBase) -> None:
    embedder = editions.embedder()
    embedder.meaning_floor = 2.0  # no cosine reaches it: only the documents that match the words are left
    try:
        assert editions.search("harvest greenhouses", mode="semantic").hits == []
        hybrid = editions.search("harvest greenhouses", mode="hybrid", facets=True)
        assert [h.document.title for h in hybrid.hits] == ["Inspections on farms"]
        assert (hybrid.word_matches, hybrid.meaning_matches, hybrid.total_documents) == (1, 0, 1)
        embedder.meaning_floor = -1.0  # every cosine reaches it: what the vector index finds is listed
        assert [h.document.title for h in editions.search("harvest greenhouses", mode="semantic").hits] == [
            "Inspections on farms"]
    finally:
        embedder.meaning_floor = -1.0


@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
def test_a_report_in_two_languages_is_one_result_with_its_other_edition_as_a_link(editions: KnowledgeBase,
                                                                                  mode: str) -> None:
    query = "compensation victims schadevergoeding slachtoffers"
    results = editions.search(query, mode=mode, facets=True)
    titles = [h.document.title for h in results.hits]
    assert len({"Schadevergoeding voor slachtoffers", "Compensation for victims"} & set(titles)) == 1
    [first] = [h for h in results.hits if h.translations]
    [edition] = results.editions[first.document.doc_id]
    assert [t["doc_id"] for t in first.translations] == [edition]
    assert results.total_documents == len(results.hits) == sum(results.facets["language"].values())
    # what the page shows counts in evaluation: the edition right after its result
    qrels = {"q": {first.document.doc_id: 1, edition: 1}}
    assert editions.evaluate({"q": query}, qrels, mode=mode)["recall@10"] == pytest.approx(1.0)


def test_highlights_mark_the_query_words_never_a_stop_word_another_analyzer_keeps(kb: KnowledgeBase,
                                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "cited"
    folder.mkdir()
    texts = {"nl.md": ("nl", "Het rapport citeert de Guidelines for victims en de regeling voor slachtoffers. " * 3),
             "bg.md": ("bg", "Доклад за жертвите: Guidelines for victims of trafficking, residence permit. " * 3)}
    for name, (language, text) in texts.items():
        (folder / name).write_text(f"---\ntitle: Report {language}\nlanguage: {language}\n---\n\n{text}\n")
    kb.ingest([folder], workers=1)
    results = kb.search("residence permit for victims", mode="keyword")
    marked = {h.document.language: {p.text[s:e].lower() for p in h.passages for s, e in p.highlights}
              for h in results.hits}
    assert marked["nl"] == {"victims"} and marked["bg"] == {"victims", "residence", "permit"}
