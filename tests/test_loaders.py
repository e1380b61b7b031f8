"""Loaders: PDFs page by page, text and Markdown, record files, and clear reasons for bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.loaders import LoadOptions, loader_for
from kb.models import RecordOptions
from kb.errors import LoadError, UnsupportedFileType

from .fixtures import ENGLISH_PAGES, make_bad_inputs, make_pdf, make_two_column_pdf


def load_all(path: Path, options: LoadOptions | None = None) -> list:
    return list(loader_for(path).load(path, options or LoadOptions()))


def test_pdf_pages_in_order_with_numbers(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "r.pdf", ENGLISH_PAGES, title="Labour exploitation report")
    [doc] = load_all(path)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert "greenhouses" in doc.pages[0].text
    assert "referral mechanism" in doc.pages[1].text
    assert "compensation" in doc.pages[2].text.lower()
    assert doc.metadata["title"] == "Labour exploitation report"
    assert len(doc.sha256) == 64


def test_pdf_title_from_largest_font_when_info_has_none(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "r.pdf", ["Guide to Identification\nBody text about indicators of forced labour "
                                         "which is long enough to count as body text for sure."])
    [doc] = load_all(path)
    assert doc.metadata["_detected"]["title"][0] == "Guide to Identification"


def test_two_column_pdf_keeps_each_column_together(tmp_path: Path) -> None:
    path = make_two_column_pdf(tmp_path / "two.pdf", "Forced begging by children in city centres.",
                               "Domestic servitude in diplomatic households.")
    [doc] = load_all(path)
    text = " ".join(doc.pages[0].text.split())
    assert "Forced begging by children in city centres." in text
    assert "Domestic servitude in diplomatic households." in text


@pytest.mark.parametrize("kind, expected", [
    ("encrypted", "password"),
    ("truncated", "damaged or truncated"),
    ("html", "HTML page"),
    ("empty", "empty file"),
    ("scanned", "no text layer: needs OCR"),
    ("unsupported", "unsupported file type"),
])
def test_bad_input_gets_one_line_reason_naming_the_file(tmp_path: Path, kind: str, expected: str) -> None:
    path = make_bad_inputs(tmp_path)[kind]
    with pytest.raises(LoadError) as info:
        load_all(path, LoadOptions(ocr="off"))  # with OCR, see test_ocr.py
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_unsupported_type_lists_what_is_supported(tmp_path: Path) -> None:
    path = tmp_path / "x.xyz"
    path.write_text("hello")
    with pytest.raises(UnsupportedFileType, match=r"\.pdf"):
        loader_for(path)


def test_markdown_heading_is_title_and_form_feed_splits_pages(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text("# Shelter guide\n\nFirst page.\f\nSecond page.")
    [doc] = load_all(path)
    assert doc.metadata["title"] == "Shelter guide"
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.pages[1].text == "Second page."


def test_markdown_front_matter_becomes_metadata(tmp_path: Path) -> None:
    path = tmp_path / "record.md"
    path.write_text("---\ntitle: Conference record\norganisation: KMOP\nyear: 2022\n---\n# Heading\n\nBody.")
    [doc] = load_all(path)
    assert doc.metadata == {"title": "Conference record", "organisation": "KMOP", "year": 2022}
    assert "organisation:" not in doc.pages[0].text


def test_beir_jsonl_defaults(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"_id": "42", "title": "T", "text": "Body", "metadata": {}}) + "\n")
    [doc] = load_all(path)
    assert doc.source == f"{path}#42"
    assert doc.metadata["title"] == "T"
    assert doc.metadata["record_id"] == "42"
    assert doc.pages[0].text == "Body"


def test_jsonl_field_mapping_and_other_fields_as_metadata(tmp_path: Path) -> None:
    path = tmp_path / "factbook.jsonl"
    path.write_text(json.dumps({"country": "Algeria", "tier_rating": "Tier 3", "trafficking_profile": "Profile"}) + "\n")
    options = LoadOptions(records=RecordOptions("country", "country", ("trafficking_profile",)))
    [doc] = load_all(path, options)
    assert doc.source.endswith("#Algeria")
    assert doc.metadata["tier_rating"] == "Tier 3"
    assert doc.metadata["country"] == "Algeria"
    assert doc.pages[0].text == "Profile"


def test_bad_records_are_reported_and_the_rest_still_load(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"_id": "1", "text": "ok"}\nnot json\n{"text": "no id"}\n["list"]\n{"_id": "5", "text": "ok"}\n')
    # (the first record fits the mapping, so problems are reported record by record)
    results = load_all(path)
    errors = [r for r in results if isinstance(r, LoadError)]
    docs = [r for r in results if not isinstance(r, LoadError)]
    assert [d.metadata["record_id"] for d in docs][::2] == ["1", "5"]
    assert len(errors) == 2
    assert "line 2" in errors[0].path and "invalid JSON" in errors[0].reason
    assert "not a JSON object" in errors[1].reason
    # a record without an id is kept, identified by its content, with a warning
    no_id = docs[1]
    assert no_id.metadata["record_id"].startswith("sha-")
    assert no_id.metadata["title"] == "no id"
    assert "line 3: no '_id' value" in no_id.warnings[0]


def test_record_file_that_does_not_fit_the_mapping_fails_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "factbook.jsonl"
    path.write_text("\n".join(json.dumps({"country": f"C{i}", "trafficking_profile": "p"}) for i in range(50)))
    with pytest.raises(LoadError, match=r"no '_id' field: name the id field with --id-field.*country"):
        load_all(path)
    with pytest.raises(LoadError, match="none of the text fields text"):
        load_all(path, LoadOptions(records=RecordOptions("country", "country", ("text",))))


def test_csv_records(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("case_id,headline,summary,year\nc1,Farm case,Workers on a farm,2021\n")
    options = LoadOptions(records=RecordOptions("case_id", "headline", ("summary",)))
    [doc] = load_all(path, options)
    assert doc.metadata["title"] == "Farm case"
    assert doc.metadata["year"] == "2021"
    assert doc.pages[0].text == "Workers on a farm"
