"""The knowledge base and the judging pool of the recommendation-search development set
(tests/data/recommendations/queries.jsonl and qrels.tsv).

`build` ingests the development reports (tests/data/recommendations/documents.jsonl plus EXTRA, none of them
held out) into one knowledge base in the work folder: the pages first without embedding (quick), then every record
extracted afresh and embedded by the configured models (the English model and the multilingual USE beside it), so
the records' vectors are the ones a full ingest would store. `pool` writes, for each query, the union of the top
POOL_DEPTH records of several rankers (BM25 alone, each model's cosine alone, the fusions) with their text, for
judging by reading; records already judged keep their grade.

    python scripts/recommendation_search_pool.py build [--shared ../shared] [--work bench-work/recommendation-search]
    python scripts/recommendation_search_pool.py pool  [--work ...] -o bench-work/recommendation-search/pool.tsv
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "recommendations"
# reports rich in recommendations beside the extraction development set (none of them held out): a child-centred
# protection system for unaccompanied minors, the municipal approach, the victim monitor 2013-2017
EXTRA = ("nl-national-rapporteur/P0061D01.pdf", "nl-national-rapporteur/P0106D01.pdf",
         "nl-national-rapporteur/P0005D01.pdf")
POOL_DEPTH = 20


def pool_files() -> list[str]:
    """The reports the pool is made from: the manifest's and EXTRA, in a stable order."""
    files = [json.loads(line)["file"] for line in (DATA / "documents.jsonl").read_text().splitlines() if line.strip()]
    return sorted(dict.fromkeys([*files, *EXTRA]))


def open_kb(work: Path, semantic: bool = True) -> Any:
    """The pool's knowledge base in the work folder."""
    from kb import KnowledgeBase, Settings

    return KnowledgeBase(Settings.load({"home": str(work / "kb"), "semantic": semantic, "ocr": "off"}, environ={}))


def build(shared: Path, work: Path) -> None:
    """Ingest the reports without embedding their pages, then extract and embed every record."""
    files = pool_files()
    marker = work / "files.json"
    if not marker.exists() or json.loads(marker.read_text()) != files:
        with open_kb(work, semantic=False) as kb:
            report = kb.ingest([shared / "realdocs" / f for f in files])
            print(report.summary() if hasattr(report, "summary") else report, file=sys.stderr)
    with open_kb(work) as kb:
        kb.reextract_recommendations()
        print(f"{len(kb.recommendations())} records", file=sys.stderr)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(files))


def record_key(view: Any, realdocs: Path) -> tuple[str, int, str]:
    """A record's stable name across re-extraction: its file under realdocs, its page, its text's first 40
    characters (whitespace folded)."""
    source = Path(view.document.source)
    try:
        file = source.resolve().relative_to(realdocs.resolve()).as_posix()
    except ValueError:
        file = source.name
    return file, int(view.record.page), prefix_of(view.record.text)


def prefix_of(text: str) -> str:
    """The first 40 characters of a record's text, whitespace folded (the third part of its key)."""
    return " ".join(text.split())[:40]


def read_queries(path: Path = DATA / "queries.jsonl") -> list[dict[str, str]]:
    """The development queries: qid, text, language."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def read_qrels(path: Path = DATA / "qrels.tsv") -> dict[str, dict[tuple[str, int, str], int]]:
    """Graded judgements by query: record key -> grade (2 about the subject, 1 related, 0 not)."""
    out: dict[str, dict[tuple[str, int, str], int]] = {}
    if not path.exists():
        return out
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            out.setdefault(row["qid"], {})[(row["file"], int(row["page"]), row["prefix"])] = int(row["grade"])
    return out


def pool(work: Path, shared: Path, output: Path) -> None:
    """For each query the union of the top POOL_DEPTH records of every ranker, with the grade already given (or
    blank) and the record's text, for judging."""
    from scripts.benchmark_recommendation_search import pooled_rankings

    judged = read_qrels()
    realdocs = shared / "realdocs"
    with open_kb(work) as kb, output.open("w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t")
        out.writerow(["qid", "query", "file", "page", "prefix", "grade", "text"])
        searcher = kb.recs
        catalogue = searcher.catalogue()
        for query in read_queries():
            ids: list[str] = []
            for ranking in pooled_rankings(searcher, query["text"]).values():
                ids.extend(ranking[:POOL_DEPTH])
            for rec_id in dict.fromkeys(ids):
                view = searcher.view(catalogue, rec_id)
                key = record_key(view, realdocs)
                grade = judged.get(query["qid"], {}).get(key, "")
                out.writerow([query["qid"], query["text"], *key, grade, " ".join(view.record.text.split())[:400]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("build", "pool"))
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work" / "recommendation-search")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    if args.step == "build":
        build(args.shared, args.work)
    else:
        pool(args.work, args.shared, args.output or args.work / "pool.tsv")


if __name__ == "__main__":
    main()
