"""A handful of the metadata development set's documents (tests/data/metadata, judged by reading their covers), read
from ../shared/realdocs as ingestion reads them: each must come out as labelled, field by field."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.loaders import LoadOptions
from ingest.pipeline import detect_file

from .conftest import REALDOCS, REPO, needs_realdocs

pytestmark = [needs_realdocs, pytest.mark.realdocs]
LABELS = {json.loads(line)["file"]: json.loads(line)
          for line in (REPO / "tests" / "data" / "metadata" / "devset.jsonl").read_text().splitlines() if line}
# one document for each kind of evidence: a lost ligature, a subject over two lines, a speech abroad with its
# occasion, a colophon's own reference beside a sister publication's file title, a journal article with a
# typesetter's stamp
FILES = ("P0052D01", "P0032D01", "P0046D01", "P0062D04", "P0066D01", "P0102D01")


def plain(text: object) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", str(text or "").casefold()).split())


@pytest.mark.parametrize("stem", FILES)
def test_a_development_document_comes_out_as_labelled(stem: str) -> None:
    label = LABELS[f"nl-national-rapporteur/{stem}.pdf"]
    [doc] = detect_file(REALDOCS / label["file"], LoadOptions(first_pages=8, ocr="off")).documents
    assert plain(doc.title) in {plain(t) for t in [label["title"], *label["title_forms"]]}
    assert set(filter(None, (doc.organisation or "").split("; "))) == set(label["organisation"])
    assert (doc.extra.get("organisation_name") or None) == label["organisation_name"]
    assert (doc.year, doc.language, doc.doc_type) == (label["year"], label["language"], label["doc_type"])
    assert set(filter(None, (doc.country or "").split(","))) == set(label["country"])


def test_the_development_set_keeps_to_the_even_numbered_files() -> None:
    numbers = [int(Path(name).stem[1:5]) for name in LABELS]
    assert len(numbers) >= 55 and all(n % 2 == 0 for n in numbers)
    held_out = {"0008", "0010", "0042", "0060", "0075", "0088", "0092", "0104", "0110", "0122", "0125", "0131",
                "0135", "0136", "0138", "0139"}  # publications held out for the recommendation extractor
    assert not {Path(name).stem[1:5] for name in LABELS} & held_out
    assert all(name.startswith("nl-national-rapporteur/") for name in LABELS)
