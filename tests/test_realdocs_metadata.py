"""Automatic metadata over every real document in ../shared/realdocs: detected language and organisation,
recorded in test-output/realdocs-metadata.tsv; the Dutch reports must come out as Dutch."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from ingest.loaders import LoadOptions
from ingest.pipeline import detect_file

from .conftest import REALDOCS, REPO, needs_realdocs

pytestmark = [needs_realdocs, pytest.mark.realdocs]

# the first pages say who wrote what in which language; reading all 7,800 pages belongs to the benchmark
OPTIONS = LoadOptions(first_pages=8, ocr="off")


@pytest.fixture(scope="module")
def detected() -> list[dict[str, str]]:
    rows = []
    for path in sorted(REALDOCS.rglob("*.pdf")):
        [doc] = detect_file(path, OPTIONS).documents
        provenance = doc.extra["_provenance"]
        rows.append({"file": str(path.relative_to(REALDOCS)), "title": doc.title,
                     "title_evidence": provenance.get("title", {}).get("evidence", ""),
                     "language": doc.language or "",
                     "organisation": doc.organisation or "", "doc_type": doc.doc_type or "",
                     "country": doc.country or "", "year": str(doc.year or ""),
                     "language_evidence": provenance.get("language", {}).get("evidence", ""),
                     "organisation_evidence": provenance.get("organisation", {}).get("evidence", "")})
    out = REPO / "test-output" / "realdocs-metadata.tsv"
    out.parent.mkdir(exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_every_real_pdf_is_recorded_with_language_and_organisation(detected: list[dict[str, str]]) -> None:
    assert len(detected) == 170
    assert all(row["language"] for row in detected)
    assert all(row["language_evidence"].startswith("language identifier") for row in detected)
    with_organisation = [row for row in detected if row["organisation"]]
    assert len(with_organisation) >= 0.8 * len(detected)


def test_dutch_reports_come_out_as_dutch_and_english_ones_as_english(detected: list[dict[str, str]]) -> None:
    truth = {f"nl-national-rapporteur/{m['file']}": m["language"]
             for m in json.loads((REALDOCS / "nl-national-rapporteur" / "metadata.json").read_text())}
    dutch = [row for row in detected if truth.get(row["file"]) == "nl"]
    assert len(dutch) == 112
    assert [row["file"] for row in dutch if row["language"] != "nl"] == []
    english = [row for row in detected if truth.get(row["file"]) == "en"]
    assert [row["file"] for row in english if row["language"] != "en"] == []
    assert all(row["language"] == "en" for row in detected if row["file"].startswith("us-ngo-unodc-mixed"))


def test_the_national_rapporteur_is_found_as_the_organisation_of_most_of_its_files(
        detected: list[dict[str, str]]) -> None:
    rapporteur = Counter(row["organisation"] for row in detected if row["file"].startswith("nl-national"))
    assert rapporteur["National rapporteur"] >= 0.75 * sum(rapporteur.values())
    by_file = {Path(row["file"]).name: row for row in detected}
    assert by_file["GLOTIP2024_Chapter_2.pdf"]["organisation"] == "UNODC"
    assert by_file["Polaris-Analysis-of-2021-Data-from-the-National-Human-Trafficking-Hotline.pdf"][
        "organisation"] == "Polaris"


def test_titles_are_titles_a_person_would_recognise(detected: list[dict[str, str]]) -> None:
    from ingest.titles import title_problem

    problems = {row["file"]: title_problem(row["title"], Path(row["file"]).stem, from_text=False) for row in detected}
    bad = {file: why for file, why in problems.items() if why}
    # 39 of the 170 had a return address, a file name, a table header row, a reference, a date or a greeting as
    # their title before; two files have no title in their text at all and keep their file name
    assert set(bad) <= {"nl-national-rapporteur/P0102D01.pdf", "nl-national-rapporteur/P0121D01.pdf"}, bad
    letters = [row for row in detected if row["title_evidence"] == "the letter's subject line"]
    assert len(letters) >= 24 and not any("retouradres" in row["title"].lower() for row in detected)
