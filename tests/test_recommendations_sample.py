"""The judged samples (tests/data/recommendations/sample_judged_v2.tsv … v5.tsv, 40 records drawn each; the
censuses v6 and v7, every record no earlier one had judged): none
from the development set or a held-out publication, the later ones none that an earlier one judged, the counts in
their README agree with the verdicts, every record's first words are on its page of the PDF (that part skipped
without ../shared), and the records judged again after their text changed are records of the samples."""
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
SAMPLES = {"sample_judged_v2.tsv": 2, "sample_judged_v3.tsv": 3, "sample_judged_v4.tsv": 2, "sample_judged_v5.tsv": 3}
HELD_OUT = re.compile(r"P0(?:008|010|042|060|075|088|092|104|110|122|125|131|135|136|138|139)D|GLOTIP2024_Chapter_2|"
                      r"In-Harms-Way")
VERDICTS = {"right", "boundary", "wrong-kind"}
# every record no earlier sample judged, not 40 drawn (v7: every record the writing set's rules added)
CENSUSES = ("sample_judged_v6.tsv", "sample_judged_v7.tsv")


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


def _key(row: dict[str, str]) -> tuple[str, str, str]:
    return row["file"], row["page"], " ".join(row["text"].split())[:40].lower()


@pytest.mark.parametrize("later", ["sample_judged_v4.tsv", "sample_judged_v5.tsv"])
def test_a_later_sample_draws_no_record_an_earlier_one_judged(later: str) -> None:
    earlier = [name for name in SAMPLES if name < later]
    seen = {_key(r) for name in earlier for r in _rows(name)}
    assert not [r["starts"] for r in _rows(later) if _key(r) in seen]


def test_records_judged_again_are_sampled_records_with_both_verdicts() -> None:
    sampled = {_key(r) for name in SAMPLES for r in _rows(name)}
    again = _rows("rejudged.tsv")
    assert again and all(_key(r) in sampled for r in again)
    assert all(r["verdict"] in VERDICTS and r["old_verdict"] in VERDICTS and r["reason"].strip() for r in again)
    assert all(" ".join(r["text"].split()) != " ".join(r["old_text"].split()) for r in again)


@pytest.mark.parametrize("census_file", CENSUSES)
def test_the_census_judges_every_record_no_sample_had_judged_and_its_readme_counts_agree(census_file: str) -> None:
    census = _rows(census_file)
    assert census and {r["verdict"] for r in census} <= VERDICTS and all(r["reason"].strip() for r in census)
    earlier = [*SAMPLES, *CENSUSES[:CENSUSES.index(census_file)]]
    seen = {_key(r) for name in earlier for r in _rows(name)}
    assert not [r["starts"] for r in census if _key(r) in seen]
    assert not [r["file"] for r in census if r["file"] in _development_files() or HELD_OUT.search(r["file"])]
    counts = Counter(r["verdict"] for r in census)
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert (f"{counts['right']} right, {counts['boundary']} boundary, {counts['wrong-kind']} wrong-kind: precision "
            f"{counts['right']}/{len(census)} = {counts['right'] / len(census):.2f}") in readme


@needs_realdocs
@pytest.mark.parametrize("sample", [*SAMPLES, *CENSUSES])
def test_every_sampled_record_starts_on_its_page(sample: str) -> None:
    def words(text: str) -> str:
        return re.sub(r"[\W\d_]+", "", text).lower()  # page numbers may stand between two pages' words

    readers: dict[str, pypdf.PdfReader] = {}
    missing = []
    for r in _rows(sample):
        reader = readers.setdefault(r["file"], pypdf.PdfReader(REALDOCS / r["file"]))
        number = int(r["page"])  # a record that starts at a page's last sentence runs on to the next page
        page = words(" ".join(reader.pages[n].extract_text() or "" for n in range(number - 1, min(number + 1,
                                                                                                len(reader.pages)))))
        if words(r["starts"])[:30] not in page:
            missing.append((r["file"], r["page"], r["starts"]))
    assert not missing
