"""Integration over a handful of real documents from ../shared/realdocs (skipped when it is absent)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.models import RecordOptions
from kb import KnowledgeBase, Settings

from .conftest import REALDOCS, needs_realdocs

pytestmark = [needs_realdocs, pytest.mark.realdocs]

NL = REALDOCS / "nl-national-rapporteur"
FILES = {
    "third_report_en": NL / "P0137D03.pdf",          # Trafficking in Human Beings, third report (English)
    "compensation_nl": NL / "P0062D05.pdf",          # Mensenhandel in en uit beeld: schadevergoedingen
    "conference_nl": NL / "P0021D01.pdf",            # Conferentie loverboyproblematiek (letter)
    "africa_en": REALDOCS / "us-ngo-unodc-mixed" / "GLOTIP2024_Chapter_2.pdf",
}
FACTBOOK = REALDOCS / "cia-factbook-tip" / "factbook_2023_trafficking_in_persons.jsonl"


@pytest.fixture(scope="module")
def real_kb(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("realdocs") / "home"
    kb = KnowledgeBase(Settings.load({"home": str(home)}, environ={}))
    pdf_report = kb.ingest(list(FILES.values()))
    record_report = kb.ingest([FACTBOOK], record_options=RecordOptions("country", "country", ("trafficking_profile",)))
    yield kb, pdf_report, record_report
    kb.close()


def by_source(kb: KnowledgeBase, path: Path):
    return kb.resolve_document(str(path.resolve()))


def test_every_file_and_all_51_factbook_records_are_ingested(real_kb) -> None:
    kb, pdf_report, record_report = real_kb
    assert pdf_report.counts()["added"] == len(FILES), pdf_report.failed
    assert record_report.counts()["added"] == 51, record_report.failed
    assert kb.check()["ok"]


def test_languages_are_detected(real_kb) -> None:
    kb = real_kb[0]
    assert by_source(kb, FILES["third_report_en"]).language == "en"
    assert by_source(kb, FILES["compensation_nl"]).language == "nl"
    assert by_source(kb, FILES["conference_nl"]).language == "nl"
    assert by_source(kb, FILES["africa_en"]).language == "en"


def test_loverboys(real_kb) -> None:
    kb = real_kb[0]
    hits = kb.search("loverboys").hits
    top = hits[0]
    assert top.document.source == str(FILES["third_report_en"].resolve())
    assert any("loverboy" in p.text.lower() for p in top.passages)
    assert all(p.page >= 1 for p in top.passages)


def test_schadevergoeding_voor_slachtoffers(real_kb) -> None:
    kb = real_kb[0]
    top = kb.search("schadevergoeding voor slachtoffers").hits[0]
    assert top.document.source == str(FILES["compensation_nl"].resolve())
    assert any("schadevergoeding" in p.text.lower() for p in top.passages)


def test_labour_exploitation_in_agriculture(real_kb) -> None:
    kb = real_kb[0]
    hits = kb.search("labour exploitation in agriculture").hits
    assert hits[0].document.source == str(FILES["africa_en"].resolve())
    assert any("agricultur" in p.text.lower() for p in hits[0].passages)


def test_factbook_records_with_filters(real_kb) -> None:
    kb = real_kb[0]
    results = kb.search("forced labor", filters={"tier_rating": "Tier 3*"}, k=50)
    assert results.hits
    assert all(h.document.extra["tier_rating"].startswith("Tier 3") for h in results.hits)
    [algeria] = [h for h in kb.search("Algeria", k=5).hits if h.document.title == "Algeria"]
    assert algeria.document.source.endswith("#Algeria")


def test_reingest_is_unchanged(real_kb) -> None:
    kb = real_kb[0]
    report = kb.ingest(list(FILES.values()))
    assert report.counts()["unchanged"] == len(FILES)
