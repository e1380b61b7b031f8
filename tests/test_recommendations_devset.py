"""The recommendations development set (tests/data/recommendations): the manifest agrees with the gold entries,
translation twins are symmetric, no held-out publication is in it, and every entry's page, first and last words
are where the PDF's text layer has them (that part skipped without ../shared)."""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypdf
import pytest

from ingest.loaders import LoadOptions
from ingest.loaders.ocr import ocr_pdf_pages, ocr_unavailable_reason
from ingest.loaders.pdf import clean_page_text, lost_spaces
from kb.recommendations.evaluation import read_gold
from scripts.recommendations_devset import publication_of

from .conftest import REALDOCS, needs_realdocs

DATA = Path(__file__).resolve().parent / "data" / "recommendations"
# the field set, the documents labelled blind after the rules were frozen (gold_blind.jsonl) and those labelled
# blind then written from (gold_writing.jsonl)
FIELD = [g for name in ("gold_field.jsonl", "gold_blind.jsonl", "gold_writing.jsonl") for g in read_gold(DATA / name)]
EARLIER = read_gold(DATA / "gold.jsonl") + read_gold(DATA / "gold_second.jsonl")
MANIFEST = [json.loads(line) for line in (DATA / "documents.jsonl").read_text(encoding="utf-8").splitlines() if line]
BY_FILE = {d["file"]: d for d in MANIFEST}
HELD_OUT_PUBLICATIONS = {"P0008", "P0010", "P0042", "P0060", "P0075", "P0088", "P0092", "P0104", "P0110", "P0122",
                         "P0125", "P0131", "P0135", "P0136", "P0138", "P0139"}
HELD_OUT_FILES = {"us-ngo-unodc-mixed/GLOTIP2024_Chapter_2.pdf",
                  "us-ngo-unodc-mixed/In-Harms-Way-How-Systems-Fail-Human-Trafficking-Survivors-by-Polaris-modifed-June-2023.pdf"}
FIELDS = {"file", "title", "family", "language", "year", "pages", "twin_file", "recommendations", "practices",
          "labelled_pages", "notes"}
OPTIONAL = {"rules_frozen_at", "labelled_blind_at", "entries_seen_at"}


def _normal(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=None)
def _reader(file: str) -> pypdf.PdfReader:
    return pypdf.PdfReader(REALDOCS / file)


@lru_cache(maxsize=None)
def _read_by_ocr(file: str, page: int) -> str:
    """A page whose text layer lost the spaces between words, as the knowledge base reads it: by OCR."""
    options = LoadOptions(ocr="auto")
    if (why := ocr_unavailable_reason(options)) is not None:
        pytest.skip(f"{file} page {page}: its text layer lost the spaces between words and its entries are written "
                    f"as OCR reads it; {why}")
    return clean_page_text(ocr_pdf_pages(REALDOCS / file, [page], options)[page])


@lru_cache(maxsize=None)
def _page_text(file: str, page: int, joined: bool = False) -> str:
    text = _reader(file).pages[page - 1].extract_text() or ""
    if lost_spaces(text):
        text = _read_by_ocr(file, page)
    # joined: a word broken over a line end made whole, as the knowledge base's text has it
    return _normal(re.sub(r"(\w)-\n(\w)", r"\1\2", text) if joined else text)


def test_every_manifest_line_has_the_fields_and_one_line_per_document() -> None:
    assert all(FIELDS <= set(d) <= FIELDS | OPTIONAL for d in MANIFEST), [d["file"] for d in MANIFEST
                                                                        if not FIELDS <= set(d) <= FIELDS | OPTIONAL]
    assert len(BY_FILE) == len(MANIFEST)
    assert all(d["labelled_pages"] == "all" and d["language"] in {"en", "nl", None} for d in MANIFEST)
    # metadata held out (us-ngo-unodc-mixed): no title, year or language is recorded for those documents
    assert all(d["title"] is d["year"] is d["language"] is None for d in MANIFEST if d["file"].startswith("us-ngo-unodc-mixed/"))


def test_the_gold_entries_have_unique_keys_known_kinds_and_a_manifest_line() -> None:
    keys = [g["key"] for g in FIELD]
    assert len(keys) == len(set(keys))
    assert not set(keys) & {g["key"] for g in EARLIER}
    assert {g["kind"] for g in FIELD} <= {"recommendation", "practice"}
    assert all(g["file"] in BY_FILE and g["starts"].strip() and g["ends"].strip() for g in FIELD)


def test_the_manifest_counts_agree_with_the_gold_entries() -> None:
    counted = Counter((g["file"], g.get("kind", "recommendation")) for g in FIELD + EARLIER)
    for d in MANIFEST:
        assert (d["recommendations"], d["practices"]) == (counted[d["file"], "recommendation"],
                                                          counted[d["file"], "practice"]), d["file"]


def test_at_least_twenty_new_documents_of_several_families_six_without_recommendations_and_some_practices() -> None:
    earlier_files = {g["file"] for g in EARLIER}
    new = [d for d in MANIFEST if d["file"] not in earlier_files]
    assert len(new) >= 20
    assert len({d["family"] for d in new}) >= 6
    assert sum(d["recommendations"] == 0 and d["practices"] == 0 for d in new) >= 6
    assert sum(d["practices"] for d in new) >= 5


def test_the_blind_documents_are_of_publications_no_earlier_document_belongs_to() -> None:
    blind = {publication_of(d["file"]) for d in MANIFEST if d.get("rules_frozen_at")}
    earlier = {publication_of(d["file"]) for d in MANIFEST if not d.get("rules_frozen_at")}
    assert len(blind) == 13 and not blind & earlier
    # a document is in the blind set or in the writing set, not both
    assert not [d["file"] for d in MANIFEST if d.get("rules_frozen_at") and d.get("labelled_blind_at")]
    assert {g["file"] for g in read_gold(DATA / "gold_blind.jsonl")} <= {d["file"] for d in MANIFEST
                                                                          if d.get("rules_frozen_at")}
    # only a blind document's missed entries can have been seen, and the whole set was seen at once
    assert all(d.get("rules_frozen_at") for d in MANIFEST if d.get("entries_seen_at"))
    assert {d.get("entries_seen_at") for d in MANIFEST if d.get("rules_frozen_at")} == {"f0dbb5c"}


def test_no_held_out_publication_is_in_the_set() -> None:
    files = {d["file"] for d in MANIFEST} | {g["file"] for g in FIELD}
    assert not files & HELD_OUT_FILES
    assert not {Path(f).stem[:5] for f in files} & HELD_OUT_PUBLICATIONS


def test_twins_are_symmetric_between_documents_and_between_entries() -> None:
    for d in MANIFEST:
        if d["twin_file"]:
            assert BY_FILE[d["twin_file"]]["twin_file"] == d["file"]
            assert BY_FILE[d["twin_file"]]["language"] != d["language"]
    by_key = {g["key"]: g for g in FIELD}
    for g in FIELD:
        if g["twin"]:
            twin = by_key[g["twin"]]
            assert twin["twin"] == g["key"], g["key"]
            assert twin["file"] == BY_FILE[g["file"]]["twin_file"], g["key"]


@needs_realdocs
@pytest.mark.parametrize("document", MANIFEST, ids=lambda d: Path(d["file"]).name[:40])
def test_the_file_exists_with_the_manifests_page_count(document: dict[str, Any]) -> None:
    assert (REALDOCS / document["file"]).is_file()
    assert len(_reader(document["file"]).pages) == document["pages"]


@needs_realdocs
@pytest.mark.parametrize("entry", FIELD, ids=lambda g: g["key"])
def test_the_entry_starts_on_its_page_and_ends_after_it(entry: dict[str, Any]) -> None:
    pages = BY_FILE[entry["file"]]["pages"]
    assert 1 <= entry["page"] <= pages
    found = []
    for joined in (False, True):
        text = _page_text(entry["file"], entry["page"], joined)
        start = text.find(_normal(entry["starts"]))
        # an item may run on over the next pages
        following = " ".join(_page_text(entry["file"], p, joined)
                             for p in range(entry["page"] + 1, min(entry["page"] + 2, pages) + 1))
        found.append((start >= 0, start >= 0 and _normal(entry["ends"]) in text[start:] + " " + following))
    assert any(starts for starts, _ in found), f"{entry['key']}: {entry['starts']!r} is not on page {entry['page']}"
    assert any(ends for _, ends in found), entry["key"]
