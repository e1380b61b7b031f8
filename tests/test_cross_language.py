"""Queries in one language find documents in another: hybrid search runs the query translated by the thesaurus
into the knowledge base's other languages, says so, and can be told not to (`--no-translate`, the app's toggle).
Topics of the thesaurus tag documents and are a facet and a filter. Real keyword engines, the hashing embedder."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase
from kb.cli import main

from .fixtures import write_markdown_documents

DOCS = {
    "schadevergoeding.md": ("Vergoeding voor slachtoffers", "nl",
                            "De rechter legt een schadevergoeding op. Een schadevergoeding betaalt de dader. "
                            "Het Schadefonds helpt wanneer de schadevergoeding uitblijft. " * 3),
    "shelters.md": ("Shelters for male victims", "en",
                    "Shelters for men who were exploited offer a safe place and care. " * 3),
    "inspection.md": ("Inspections on farms", "en",
                      "Labour inspectors visit greenhouses and farms at harvest time. " * 3),
}


@pytest.fixture
def bilingual(kb: KnowledgeBase, tmp_path: Path) -> KnowledgeBase:
    kb.ingest([write_markdown_documents(tmp_path / "docs", DOCS)], workers=1)
    return kb


def titles(results) -> list[str]:
    return [h.document.title for h in results.hits]


def test_an_english_query_finds_a_dutch_report_through_its_translation(bilingual: KnowledgeBase) -> None:
    results = bilingual.search("compensation", mode="hybrid")
    assert results.plan["language"] == "en" and "schadevergoeding" in results.plan["expansion"]
    assert titles(results)[0] == "Vergoeding voor slachtoffers"
    assert results.hits[0].found_via == "translated_query"
    assert results.hits[0].passages and "schadevergoeding" in results.hits[0].passages[0].text.lower()
    marked = results.hits[0].passages[0]
    assert any(marked.text[a:b].lower() == "schadevergoeding" for a, b in marked.highlights)  # its words marked
    without = bilingual.search("compensation", mode="hybrid", translate=False)
    assert "Vergoeding voor slachtoffers" not in titles(without) and without.plan["expansion"] == ""


def test_a_dutch_query_finds_english_documents(bilingual: KnowledgeBase) -> None:
    results = bilingual.search("arbeidsinspectie", mode="hybrid")
    assert results.plan["language"] == "nl" and "labour inspectorate" in results.plan["expansion"]
    assert titles(results)[0] == "Inspections on farms" and results.hits[0].found_via == "translated_query"


def test_keyword_mode_searches_the_words_as_typed(bilingual: KnowledgeBase) -> None:
    results = bilingual.search("compensation", mode="keyword")
    assert results.plan["expansion"] == "" and titles(results) == []


def test_the_setting_turns_translation_off_and_rrf_stays_available(bilingual: KnowledgeBase, home: Path) -> None:
    with KnowledgeBase(home=str(home), translate_queries=False) as other:
        assert other.search("compensation", mode="hybrid").plan["expansion"] == ""
    with KnowledgeBase(home=str(home), fusion="rrf") as rrf:
        results = rrf.search("shelters care", mode="hybrid")
        assert titles(results)[0] == "Shelters for male victims" and results.plan["expansion"] == ""


def test_the_cli_says_when_results_come_from_another_language(bilingual: KnowledgeBase, home: Path) -> None:
    bilingual.close()
    runner = CliRunner()
    text = runner.invoke(main, ["--home", str(home), "search", "compensation", "--mode", "hybrid"]).output
    assert "also searched in Dutch" in text and "in Dutch: found by the query's translation" in text
    out = runner.invoke(main, ["--home", str(home), "search", "compensation", "--mode", "hybrid", "--json"])
    data = json.loads(out.output)
    assert data["query_plan"]["expansion_languages"] == ["nl"]
    assert data["results"][0]["found_via"] == "translated_query" and data["results"][0]["language"] == "nl"
    plain = runner.invoke(main, ["--home", str(home), "search", "compensation", "--mode", "hybrid",
                                 "--no-translate", "--json"])
    assert json.loads(plain.output)["results"] == []


def test_topics_tag_documents_and_are_a_facet_and_a_filter(bilingual: KnowledgeBase) -> None:
    results = bilingual.search("schadevergoeding slachtoffers shelters inspectors", mode="keyword", facets=True)
    by_title = {h.document.title: h.document.get("topic") or "" for h in results.hits}
    assert "compensation" in by_title["Vergoeding voor slachtoffers"].split("; ")
    assert "labour-inspectorate" in by_title["Inspections on farms"].split("; ")
    assert results.facets["topic"]["compensation"] == 1
    only = bilingual.search("schadevergoeding slachtoffers shelters inspectors", mode="keyword",
                            filters=["topic=compensation"])
    assert titles(only) == ["Vergoeding voor slachtoffers"]
    assert [d.title for d in bilingual.browse({"topic": "labour-inspectorate"})] == ["Inspections on farms"]
    assert bilingual.topics()["compensation"] == "compensation for victims"


def test_reindex_topics_tags_afresh_and_keeps_a_topic_given_by_hand(bilingual: KnowledgeBase, home: Path,
                                                                     tmp_path: Path) -> None:
    custom = tmp_path / "concepts.csv"
    custom.write_text("id,facet,broader,related,en,nl,fr,de,el,definition\n"
                      "greenhouse-work,y,,,greenhouses | farms,kassen,serres,Gewächshäuser,θερμοκήπια,\n",
                      encoding="utf-8")
    shelters = next(h.document for h in bilingual.search("shelters", mode="keyword").hits)
    bilingual.correct_metadata(shelters.doc_id, {"topic": "shelter"})
    bilingual.close()
    runner = CliRunner(env={"KB_THESAURUS": str(custom)})
    out = runner.invoke(main, ["--home", str(home), "reindex", "--topics"], catch_exceptions=False)
    assert out.exit_code == 0 and "tagged the topics of 3 document(s)" in out.output
    with KnowledgeBase(home=str(home), thesaurus=str(custom)) as kb:
        by_title = {d.title: d.get("topic") for d in kb.browse({})}
        assert by_title["Inspections on farms"] == "greenhouse-work"
        assert by_title["Shelters for male victims"] == "shelter"  # the researcher's topic stays
        assert by_title["Vergoeding voor slachtoffers"] is None  # the new thesaurus names nothing in it
        assert kb.topics() == {"greenhouse-work": "greenhouses"}


def test_the_thesaurus_commands(home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert "concepts" in runner.invoke(main, ["thesaurus", "check"]).output
    broken = tmp_path / "broken.csv"
    broken.write_text("id,facet,broader,related,en,nl,fr,de,el,definition\nx,,,,only english,,,,,\n")
    result = runner.invoke(main, ["thesaurus", "check", str(broken)])
    assert result.exit_code != 0 and "broken.csv:2" in result.output and "no nl label" in result.output
    found = json.loads(runner.invoke(main, ["--home", str(home), "thesaurus", "find", "de B9-regeling",
                                            "--json"]).output)
    assert found["concepts"][0]["id"] == "residence-permit" and found["concepts"][0]["topic"] == "residence-permit"


def test_the_translated_query_asks_for_its_own_number_of_candidates(bilingual: KnowledgeBase, home: Path) -> None:
    with KnowledgeBase(home=str(home), translated_candidates=120, search_candidates=250) as other:
        keyword = other.searcher.backends.keyword
        asked: list[tuple[str, int]] = []
        search = keyword.search
        keyword.search = lambda query, limit, doc_ids=None: asked.append((query.text, limit)) or search(
            query, limit=limit, doc_ids=doc_ids)
        results = other.search("compensation", mode="hybrid")
        assert titles(results)[0] == "Vergoeding voor slachtoffers"
        assert asked == [("compensation", 250), (results.plan["expansion"], 120)]
