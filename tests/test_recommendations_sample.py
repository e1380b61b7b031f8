"""The judged random samples (tests/data/recommendations/sample_judged_v2.tsv and sample_judged_v3.tsv): 40 judged
records each, none from the development set or a held-out publication, the counts in their README agree with the
verdicts, and every record's first words are on its page of the PDF (that part skipped without ../shared)."""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pypdf
import pytest

from .conftest import REALDOCS, needs_realdocs

DATA = Path(__file__).resolve().parent / "data" / "recommendations"
# each sample with the number of decimals its README gives the precision with (23/40 = 0.575 is not rounded)
SAMPLES = {"sample_judged_v2.tsv": 2, "sample_judged_v3.tsv": 3}
HELD_OUT = re.compile(r"P0(?:008|010|042|060|075|088|092|104|110|122|125|131|135|136|138|139)D|GLOTIP2024_Chapter_2|"
                      r"In-Harms-Way")
VERDICTS = {"right", "boundary", "wrong-kind"}


def _rows(sample: str) -> list[dict[str, str]]:
    with (DATA / sample).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _development_files() -> set[str]:
    files = {json.loads(line)["file"] for line in (DATA / "documents.jsonl").read_text().splitlines() if line}
    for path in DATA.glob("gold*.jsonl"):
        files |= {json.loads(line)["file"] for line in path.read_text().splitlines() if line}
    return files


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_is_forty_judged_records_outside_development_and_held_out_sets(sample: str) -> None:
    rows = _rows(sample)
    assert len(rows) == 40
    assert {r["verdict"] for r in rows} <= VERDICTS
    assert all(r["reason"].strip() for r in rows)
    development = _development_files()
    assert not [r["file"] for r in rows if r["file"] in development]
    assert not [r["file"] for r in rows if HELD_OUT.search(r["file"])]


@pytest.mark.parametrize("sample", SAMPLES)
def test_readme_reports_the_sample_counts(sample: str) -> None:
    counts = Counter(r["verdict"] for r in _rows(sample))
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    expected = (f"{counts['right']} right, {counts['boundary']} boundary, {counts['wrong-kind']} wrong-kind: "
                f"precision {counts['right']}/40 = {counts['right'] / 40:.{SAMPLES[sample]}f}")
    assert expected in readme


def test_second_sample_draws_no_record_of_the_first_on_purpose() -> None:
    # a new seed over a population of about 180 records: a few recur by chance, most do not
    first = {(r["file"], r["page"], r["starts"]) for r in _rows("sample_judged_v2.tsv")}
    second = [(r["file"], r["page"], r["starts"]) for r in _rows("sample_judged_v3.tsv")]
    assert sum(key in first for key in second) < 20


@needs_realdocs
@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sampled_record_starts_on_its_page(sample: str) -> None:
    def words(text: str) -> str:
        return re.sub(r"[^\w]+", "", text).lower()

    readers: dict[str, pypdf.PdfReader] = {}
    missing = []
    for r in _rows(sample):
        reader = readers.setdefault(r["file"], pypdf.PdfReader(REALDOCS / r["file"]))
        page = words(reader.pages[int(r["page"]) - 1].extract_text() or "")
        if words(r["starts"])[:30] not in page:
            missing.append((r["file"], r["page"], r["starts"]))
    assert not missing
