"""Benchmarks over ../shared: SciFact retrieval quality per mode, realdocs ingestion speed and query latency.

Writes docs/benchmarks.md. Runs for minutes (the whole realdocs folder and all of SciFact); not part of the tests.
Usage: python scripts/benchmark.py [--shared DIR] [--work DIR] [--modes keyword,...] [--skip-scifact]
       [--skip-realdocs]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.models import RecordOptions  # noqa: E402
from kb import KnowledgeBase, Settings  # noqa: E402
from kb.search.evaluation import read_qrels, read_queries  # noqa: E402

# Practitioners' questions in English and Dutch, used for latency over the real documents.
REALDOC_QUERIES = [
    "loverboys", "schadevergoeding voor slachtoffers", "labour exploitation in agriculture",
    "national referral mechanism", "identification of victims by labour inspectors", "child sex trafficking",
    "minderjarige slachtoffers van seksuele uitbuiting", "forced criminality cannabis", "organ removal",
    "hotline calls by survivors", "grooming and sextortion online", "trafficking in persons in Africa",
    "arbeidsuitbuiting in de land- en tuinbouw", "verblijfsvergunning B8 regeling", "prostitution licensing",
    "debt bondage", "victim compensation fund", "human trafficking indicators for school resource officers",
    "Tier 3 countries forced labor", "mensenhandel cijfers 2013-2017", "domestic servitude",
    "\"sexual exploitation\"", "asylum seekers trafficking Nigeria", "EU anti-trafficking directive",
    "online recruitment via social media", "case law Supreme Court exploitation", "shelter for male victims",
    "schijnhuwelijken", "traffickers of minors six-year analysis", "begging and forced criminality",
]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def fresh_kb(path: Path) -> KnowledgeBase:
    shutil.rmtree(path, ignore_errors=True)
    return KnowledgeBase(Settings.load({"home": str(path)}, environ={}))


def bench_scifact(shared: Path, work: Path, modes: list[str]) -> dict:
    folder = shared / "beir" / "scifact"
    kb = fresh_kb(work / "scifact")
    started = time.perf_counter()
    report = kb.ingest([folder / "corpus.jsonl"])
    ingest_s = time.perf_counter() - started
    queries = read_queries(folder / "queries.jsonl")
    qrels = read_qrels(folder / "qrels" / "test.tsv")
    results = {"documents": kb.stats()["documents"], "ingest_seconds": ingest_s, "failed": len(report.failed),
               "modes": {}}
    for mode in modes:
        print(f"scifact: evaluating {mode}", file=sys.stderr)
        results["modes"][mode] = kb.evaluate(queries, qrels, mode=mode, k=10)
    kb.close()
    return results


def raw_embedding_rate(kb: KnowledgeBase, n: int = 512) -> float:
    """Chunks per second of the embedding model alone, on real chunks of this knowledge base."""
    texts: list[str] = []
    for doc_id in kb.doc_ids():
        texts.extend(c.text for c in kb.chunks(doc_id))
        if len(texts) >= n:
            break
    texts = texts[:n]
    embedder = kb.embedder()
    embedder.embed(texts[:32])  # warm up
    started = time.perf_counter()
    embedder.embed(texts, batch_size=kb.settings.embed_batch_size)
    return len(texts) / (time.perf_counter() - started)


def bench_realdocs(shared: Path, work: Path, modes: list[str]) -> dict:
    folder = shared / "realdocs"
    kb = fresh_kb(work / "realdocs")
    pdfs = [p for p in sorted(folder.rglob("*.pdf"))]
    print(f"realdocs: ingesting {len(pdfs)} PDFs", file=sys.stderr)
    started = time.perf_counter()
    report = kb.ingest(pdfs, progress=sys.stderr.isatty())
    pdf_seconds = time.perf_counter() - started
    records = list(folder.rglob("*.jsonl"))
    started = time.perf_counter()
    record_report = kb.ingest(records, record_options=RecordOptions("country", "country", ("trafficking_profile",)))
    record_seconds = time.perf_counter() - started
    stats = kb.stats()
    pages = report.pages_indexed()
    out = {
        "pdfs": len(pdfs), "documents": stats["documents"], "pages": stats["pages"], "chunks": stats["chunks"],
        "pdf_ingest_seconds": pdf_seconds, "pages_per_second": pages / pdf_seconds if pdf_seconds else 0.0,
        "records_added": record_report.counts()["added"], "record_ingest_seconds": record_seconds,
        "failed": [(i.source, i.reason) for i in report.failed + record_report.failed],
        "latency": {},
        "semantic": kb.settings.semantic,
        "chunks_per_second": stats["chunks"] / pdf_seconds if pdf_seconds else 0.0,
    }
    if kb.settings.semantic:
        print("realdocs: measuring the raw embedding rate", file=sys.stderr)
        out["raw_embedding_rate"] = raw_embedding_rate(kb)
        out["model"] = kb.model_id
    for mode in modes:
        kb.search(REALDOC_QUERIES[0], mode=mode)  # warm caches and models
        timings = []
        for _ in range(3):
            for query in REALDOC_QUERIES:
                started = time.perf_counter()
                kb.search(query, mode=mode, k=10)
                timings.append((time.perf_counter() - started) * 1000)
        out["latency"][mode] = {"queries": len(timings), "p50_ms": percentile(timings, 50),
                                "p95_ms": percentile(timings, 95), "mean_ms": statistics.fmean(timings)}
    kb.close()
    return out


def machine() -> str:
    return (f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def write_report(path: Path, scifact: dict | None, realdocs: dict | None) -> None:
    lines = ["# Benchmarks", "",
             f"Written by `scripts/benchmark.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
             f"machine: {machine()}.", "",
             "Metadata detection, translation links and format reading speed: "
             "[ingestion-benchmark.md](ingestion-benchmark.md) (`scripts/benchmark_ingestion.py`).", ""]
    if scifact:
        lines += ["## Retrieval quality: BEIR SciFact (300 test queries)", "",
                  f"{scifact['documents']} abstracts ingested as JSONL records in {scifact['ingest_seconds']:.0f} s.",
                  "Published reference: BM25 nDCG@10 0.665 (title and body as separate fields; 0.679 concatenated).",
                  "", "| mode | nDCG@10 | Recall@10 | MRR@10 | latency p50 | latency p95 |", "|---|---|---|---|---|---|"]
        for mode, m in scifact["modes"].items():
            lines.append(f"| {mode} | {m['ndcg@10']:.4f} | {m['recall@10']:.4f} | {m['mrr@10']:.4f} | "
                         f"{m['latency_ms_p50']:.0f} ms | {m['latency_ms_p95']:.0f} ms |")
        lines.append("")
    if realdocs:
        r = realdocs
        lines += ["## Real documents: ../shared/realdocs", "",
                  f"- {r['pdfs']} PDFs: {r['pages']} pages and {r['chunks']} chunks in {r['pdf_ingest_seconds']:.0f} s: "
                  f"**{r['pages_per_second']:.1f} pages/s, {r['chunks_per_second']:.1f} chunks/s** (reading, "
                  f"chunking, keyword indexing{', embedding' if r['semantic'] else ''}; 2 reader processes).",
                  f"- Factbook records (`--id-field country --title-field country --text-fields "
                  f"trafficking_profile`): {r['records_added']} added in {r['record_ingest_seconds']:.1f} s.",
                  f"- Documents in the knowledge base: {r['documents']}.", ""]
        if r.get("raw_embedding_rate"):
            rate = r["raw_embedding_rate"]
            lines[-1:-1] = [f"- Raw embedding rate of {r['model']} alone on 512 real chunks: **{rate:.1f} chunks/s**; "
                            f"ingestion runs at {r['chunks_per_second'] / rate:.0%} of it (the rest of the time goes "
                            "to reading PDFs, keyword indexing and writing)."]
        if r["failed"]:
            lines += ["Files that could not be ingested:", ""]
            lines += [f"- `{Path(src).name}`: {reason}" for src, reason in r["failed"]]
            lines.append("")
        lines += [f"Query latency over {len(REALDOC_QUERIES)} English and Dutch practitioners' queries, each run 3 "
                  "times, k = 10, passages and highlights included:", "",
                  "| mode | p50 | p95 | mean |", "|---|---|---|---|"]
        for mode, lat in r["latency"].items():
            lines.append(f"| {mode} | {lat['p50_ms']:.0f} ms | {lat['p95_ms']:.0f} ms | {lat['mean_ms']:.0f} ms |")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    previous = path.read_text() if path.exists() else ""
    # sections written by the other benchmark scripts (each between its own markers) are kept
    for kept in re.finditer(r"<!-- ([a-z-]+) -->.*?<!-- /\1 -->", previous, flags=re.S):
        lines += ["", kept.group(0)]
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--modes", default=",".join(("keyword", "semantic", "hybrid")))
    parser.add_argument("--skip-scifact", action="store_true")
    parser.add_argument("--skip-realdocs", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not args.shared.is_dir():
        sys.exit(f"{args.shared} not found: the benchmarks need ../shared (realdocs and beir/scifact)")
    modes = [m for m in args.modes.split(",") if m]
    scifact = None if args.skip_scifact else bench_scifact(args.shared, args.work, modes)
    realdocs = None if args.skip_realdocs else bench_realdocs(args.shared, args.work, modes)
    (args.work / "results.json").parent.mkdir(parents=True, exist_ok=True)
    (args.work / "results.json").write_text(json.dumps({"scifact": scifact, "realdocs": realdocs}, indent=2))
    write_report(args.output, scifact, realdocs)
    print(args.output.read_text())


if __name__ == "__main__":
    main()
