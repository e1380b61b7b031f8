"""The judged random sample (tests/data/recommendations/sample_judged_v2.tsv): 40 judged records, none from the
development set or a held-out publication, the counts in its README agree with the verdicts, and every record's
first words are on its page of the PDF (that part skipped without ../shared)."""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pypdf

from .conftest import REALDOCS, needs_realdocs

DATA = Path(__file__).resolve().parent / "data" / "recommendations"
ROWS = list(csv.DictReader((DATA / "sample_judged_v2.tsv").open(encoding="utf-8"), delimiter="\t"))
HELD_OUT = re.compile(r"P0(?:008|010|042|060|075|088|092|104|110|122|125|131|135|136|138|139)D|GLOTIP2024_Chapter_2|"
                      r"In-Harms-Way")
VERDICTS = {"right", "boundary", "wrong-kind"}


def _development_files() -> set[str]:
    files = {json.loads(line)["file"] for line in (DATA / "documents.jsonl").read_text().splitlines() if line}
    for path in DATA.glob("gold*.jsonl"):
        files |= {json.loads(line)["file"] for line in path.read_text().splitlines() if line}
    return files


def test_sample_is_forty_judged_records_outside_development_and_held_out_sets() -> None:
    assert len(ROWS) == 40
    assert {r["verdict"] for r in ROWS} <= VERDICTS
    assert all(r["reason"].strip() for r in ROWS)
    development = _development_files()
    assert not [r["file"] for r in ROWS if r["file"] in development]
    assert not [r["file"] for r in ROWS if HELD_OUT.search(r["file"])]


def test_readme_reports_the_sample_counts() -> None:
    counts = Counter(r["verdict"] for r in ROWS)
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    expected = (f"{counts['right']} right, {counts['boundary']} boundary, {counts['wrong-kind']} wrong-kind: "
                f"precision {counts['right']}/40 = {counts['right'] / 40:.2f}")
    assert expected in readme


@needs_realdocs
def test_every_sampled_record_starts_on_its_page() -> None:
    def words(text: str) -> str:
        return re.sub(r"[^\w]+", "", text).lower()

    readers: dict[str, pypdf.PdfReader] = {}
    missing = []
    for r in ROWS:
        reader = readers.setdefault(r["file"], pypdf.PdfReader(REALDOCS / r["file"]))
        page = words(reader.pages[int(r["page"]) - 1].extract_text() or "")
        if words(r["starts"])[:30] not in page:
            missing.append((r["file"], r["page"], r["starts"]))
    assert not missing
