"""A random sample of the records the extractor gives on the real documents outside the development set and the
held-out documents, for judging by hand: ingests those files into a scratch knowledge base (no embedding, no OCR),
extracts every document's records from its stored pages as `kb reindex --recommendations` does, draws records
uniformly at random (fixed seed) and writes them as a TSV with empty `verdict` and `reason` columns.

    python scripts/sample_recommendations.py [--shared ../shared] [--work bench-work/recommendations-sample]
        [--size 40] [--seed 30] [--output tests/data/recommendations/sample_judged_v2.tsv] [--force]

The held-out publications (../shared/DESIGN.md) are left out by name before anything is read from them.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.recommendations_devset import DATA, load_pages, read_manifest  # noqa: E402

FOLDERS = ("nl-national-rapporteur", "us-ngo-unodc-mixed")
# held out for the recommendations extractor: every file of these Rapporteur publications, and two others
HELD_OUT_PUBLICATIONS = frozenset({"P0008", "P0010", "P0042", "P0060", "P0075", "P0088", "P0092", "P0104",
                                   "P0110", "P0122", "P0125", "P0131", "P0135", "P0136", "P0138", "P0139"})
HELD_OUT_FILES = re.compile(r"GLOTIP2024_Chapter_2|In-Harms-Way", re.I)
_PUBLICATION = re.compile(r"^(P\d{4})D\d+")
COLUMNS = ("file", "page", "kind", "number", "starts", "text", "verdict", "reason")


def held_out(file: str) -> bool:
    """Whether a realdocs file is kept for held-out evaluation of the recommendations extractor."""
    match = _PUBLICATION.match(Path(file).stem)
    return bool(match and match.group(1) in HELD_OUT_PUBLICATIONS) or bool(HELD_OUT_FILES.search(file))


def population(shared: Path) -> list[str]:
    """The realdocs PDFs (relative to realdocs/) that are neither in the development set nor held out."""
    development = {d.file for d in read_manifest(DATA)}
    files = []
    for folder in FOLDERS:
        for path in sorted((shared / "realdocs" / folder).glob("*.pdf")):
            file = f"{folder}/{path.name}"
            if file not in development and not held_out(file):
                files.append(file)
    return files


class _Doc:
    """The minimum `load_pages` fills in: a file, its document and its pages."""

    def __init__(self, file: str):
        self.file = file
        self.doc = None
        self.pages: list = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work" / "recommendations-sample")
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument("--output", type=Path, default=DATA / "sample_judged_v2.tsv")
    parser.add_argument("--force", action="store_true", help="overwrite an existing sample (and its verdicts)")
    parser.add_argument("--include-judged", action="store_true",
                        help="draw also records an earlier sample judged (by default they are left out: their verdicts "
                             "train the learned check)")
    args = parser.parse_args()
    if args.output.exists() and not args.force:
        sys.exit(f"{args.output} exists (it holds judged verdicts): pass --force to draw it again, or --output")
    from kb.recommendations.extraction import extract_recommendations

    files = population(args.shared)
    docs = [_Doc(f) for f in files]
    load_pages(docs, args.shared, args.work)  # type: ignore[arg-type]
    from scripts.recommendations_judged import judged_keys, record_key

    seen = set() if args.include_judged else judged_keys(DATA)
    records = []
    per_file = {}
    for d in docs:
        found = [r for r in extract_recommendations(d.doc, d.pages) if r.repeats is None  # as the catalogue lists
                 and (d.file, r.page, record_key(r.text)) not in seen]
        per_file[d.file] = len(found)
        records += [(d.file, r) for r in found]
    chosen = sorted(random.Random(args.seed).sample(range(len(records)), min(args.size, len(records))))
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "population.json").write_text(json.dumps(
        {"files": len(files), "records": len(records), "documents_with_records": sum(n > 0 for n in per_file.values()),
         "per_file": per_file}, indent=2))
    with args.output.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for i in chosen:
            file, r = records[i]
            text = " ".join(r.text.split())
            writer.writerow([file, r.page, r.kind, r.number or "", text[:60], text, "", ""])
    print(f"{len(files)} files, {len(records)} records in {sum(n > 0 for n in per_file.values())} documents; "
          f"{len(chosen)} sampled (seed {args.seed}) -> {args.output}")


if __name__ == "__main__":
    main()
