"""The keyword engines side by side, in one run: SciFact quality, and build time and query latency over realdocs.

Each collection is ingested once without embeddings; then, for each engine, `reindex --keyword` rebuilds the
keyword index from the same store (the build time measured) and the same queries are run (keyword mode, k = 10,
passages and highlights included; with facets for the realdocs queries, as the app asks). Writes its section of
docs/benchmarks.md between `<!-- keyword-engines -->` markers. Not part of the tests.
Usage: python scripts/benchmark_keyword.py [--shared DIR] [--work DIR] [--engines tantivy,whoosh]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb import KnowledgeBase, Settings  # noqa: E402
from kb.search.evaluation import read_qrels, read_queries  # noqa: E402
from scripts.benchmark import REALDOC_QUERIES, machine, percentile  # noqa: E402

START, END = "<!-- keyword-engines -->", "<!-- /keyword-engines -->"


def open_kb(home: Path, engine: str) -> KnowledgeBase:
    return KnowledgeBase(Settings.load({"home": str(home), "semantic": False, "keyword_backend": engine,
                                        "ocr": "off"}, environ={}))


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build(home: Path, engine: str) -> tuple[KnowledgeBase, dict]:
    """Rebuild the keyword index from the store with an engine; the knowledge base on it, build time and size."""
    kb = open_kb(home, engine)  # indexes open on first use: another engine's index does not stop the rebuild
    started, cpu = time.perf_counter(), time.process_time()
    kb.reindex(keyword=True, vectors=False)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return kb, {"build_seconds": seconds, "build_cpu_seconds": cpu_seconds,
                "index_mb": folder_size(home / "keyword") / 1e6}


def latency(kb: KnowledgeBase, queries: list[str], repeats: int, facets: bool) -> dict:
    kb.search(queries[0], mode="keyword", facets=facets)  # warm caches
    wall, cpu = [], []
    for _ in range(repeats):
        for query in queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            kb.search(query, mode="keyword", k=10, facets=facets)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return {"queries": len(wall), "p50_ms": percentile(wall, 50), "p95_ms": percentile(wall, 95),
            "mean_ms": statistics.fmean(wall), "cpu_p50_ms": percentile(cpu, 50), "cpu_p95_ms": percentile(cpu, 95)}


def bench_scifact(shared: Path, work: Path, engines: list[str]) -> dict:
    folder = shared / "beir" / "scifact"
    home = work / "keyword-scifact"
    shutil.rmtree(home, ignore_errors=True)
    print("scifact: ingesting without embeddings", file=sys.stderr)
    with open_kb(home, engines[0]) as kb:
        kb.ingest([folder / "corpus.jsonl"])
    queries = read_queries(folder / "queries.jsonl")
    qrels = read_qrels(folder / "qrels" / "test.tsv")
    out = {}
    for engine in engines:
        print(f"scifact: {engine}", file=sys.stderr)
        kb, built = build(home, engine)
        with kb:
            metrics = kb.evaluate(queries, qrels, mode="keyword", k=10)
            out[engine] = {**built, **{k: metrics[k] for k in ("ndcg@10", "recall@10", "mrr@10")},
                           "latency": latency(kb, [queries[q] for q in list(qrels)[:100]], 1, facets=False),
                           "documents": kb.stats()["documents"]}
    return out


def bench_realdocs(shared: Path, work: Path, engines: list[str]) -> dict:
    home = work / "keyword-realdocs"
    shutil.rmtree(home, ignore_errors=True)
    pdfs = sorted((shared / "realdocs").rglob("*.pdf"))
    print(f"realdocs: ingesting {len(pdfs)} PDFs without embeddings", file=sys.stderr)
    with open_kb(home, engines[0]) as kb:
        started = time.perf_counter()
        kb.ingest(pdfs, progress=sys.stderr.isatty())
        ingest_seconds = time.perf_counter() - started
        stats = kb.stats()
    out: dict = {"documents": stats["documents"], "pages": stats["pages"], "ingest_seconds": ingest_seconds,
                 "engines": {}}
    for engine in engines:
        print(f"realdocs: {engine}", file=sys.stderr)
        kb, built = build(home, engine)
        with kb:
            out["engines"][engine] = {**built, "latency": latency(kb, REALDOC_QUERIES, 3, facets=True),
                                      "top": {q: [h.document.doc_id for h in kb.search(q, mode="keyword", k=10).hits]
                                              for q in REALDOC_QUERIES}}
    first, *others = engines
    for other in others:  # how alike the two rankings are: shared documents in the top 10, on average
        a, b = out["engines"][first]["top"], out["engines"][other]["top"]
        out[f"top10_overlap_{first}_{other}"] = statistics.fmean(
            len(set(a[q]) & set(b[q])) / max(1, len(a[q])) for q in REALDOC_QUERIES)
    return out


def section(scifact: dict | None, realdocs: dict | None) -> str:
    lines = [START, "## Keyword engines side by side: tantivy and whoosh", "",
             f"Written by `scripts/benchmark_keyword.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
             f"machine: {machine()}. One run; both engines index the same store (pages, atkb's analyzers), build "
             "time is `kb reindex --keyword` from the store, latency is single-threaded keyword search with "
             "passages and highlights, k = 10.", ""]
    if scifact:
        lines += ["### SciFact (300 test queries, 5,183 abstracts)", "",
                  "| engine | nDCG@10 | Recall@10 | MRR@10 | build | index | query p50 | query p95 |",
                  "|---|---|---|---|---|---|---|---|"]
        for engine, m in scifact.items():
            lat = m["latency"]
            lines.append(f"| {engine} | {m['ndcg@10']:.4f} | {m['recall@10']:.4f} | {m['mrr@10']:.4f} | "
                         f"{m['build_seconds']:.1f} s | {m['index_mb']:.1f} MB | {lat['p50_ms']:.1f} ms | "
                         f"{lat['p95_ms']:.1f} ms |")
        lines.append("")
    if realdocs:
        r = realdocs
        lines += [f"### Real documents ({r['documents']} PDFs, {r['pages']} pages)", "",
                  f"Ingested once without embeddings in {r['ingest_seconds']:.0f} s. Latency over "
                  f"{len(REALDOC_QUERIES)} English and Dutch practitioners' queries, each run 3 times, with the "
                  "facet counts the app shows (wall clock and CPU of this process):", "",
                  "| engine | build | build CPU | index | p50 | p95 | mean | CPU p50 | CPU p95 |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for engine, m in r["engines"].items():
            lat = m["latency"]
            lines.append(f"| {engine} | {m['build_seconds']:.1f} s | {m['build_cpu_seconds']:.1f} s | "
                         f"{m['index_mb']:.1f} MB | {lat['p50_ms']:.1f} ms | {lat['p95_ms']:.1f} ms | "
                         f"{lat['mean_ms']:.1f} ms | {lat['cpu_p50_ms']:.1f} ms | {lat['cpu_p95_ms']:.1f} ms |")
        for key, value in r.items():
            if key.startswith("top10_overlap_"):
                lines += ["", f"The engines' top 10 ({key[len('top10_overlap_'):].replace('_', ' and ')}) share "
                              f"{value:.0%} of their documents on average over these queries."]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_section(path: Path, text: str, start: str = START, end: str = END) -> None:
    """Put a section between its markers in the report (appended the first time)."""
    previous = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in previous:
        updated = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: text, previous, flags=re.S)
    else:
        updated = previous.rstrip() + "\n\n" + text + "\n"
    path.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--engines", default="tantivy,whoosh")
    parser.add_argument("--skip-scifact", action="store_true")
    parser.add_argument("--skip-realdocs", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not args.shared.is_dir():
        sys.exit(f"{args.shared} not found: the benchmark needs ../shared (realdocs and beir/scifact)")
    engines = [e for e in args.engines.split(",") if e]
    scifact = None if args.skip_scifact else bench_scifact(args.shared, args.work, engines)
    realdocs = None if args.skip_realdocs else bench_realdocs(args.shared, args.work, engines)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "keyword-results.json").write_text(json.dumps({"scifact": scifact, "realdocs": realdocs},
                                                               indent=2))
    text = section(scifact, realdocs)
    write_section(args.output, text)
    print(text)


if __name__ == "__main__":
    main()
