"""The vector indexes at scale, side by side: exact and HNSW at 150k and 1M chunks of 384 dimensions.

Vectors: the real all-MiniLM-L6-v2 (int8 ONNX) embeddings of SciFact's chunks, from the knowledge base that
scripts/benchmark_embedding.py builds, repeated with a little Gaussian noise (σ = 0.02 per dimension, then
normalised) up to the size — a documented stand-in: embedding a million real chunks takes hours on two cores.
Queries: the 300 SciFact test questions, embedded by the same model. For each backend: build time, disk, memory
of a fresh process after opening, single-threaded top-10 latency p50/p95, and recall@10 against exact search.
Writes its section of docs/benchmarks.md between `<!-- vector-backends -->` markers. Not part of the tests.
Usage: python scripts/benchmark_vectors.py [--work DIR] [--sizes 150000,1000000]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.engines.registry import load_embedder  # noqa: E402
from kb.search.evaluation import read_queries  # noqa: E402
from kb.engines.vectors import ExactVectorIndex  # noqa: E402
from kb.engines.hnsw_vectors import HnswVectorIndex  # noqa: E402
from scripts.benchmark import machine, percentile  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402

START, END = "<!-- vector-backends -->", "<!-- /vector-backends -->"
BATCH = 100_000
MEASURE = """
import json, resource, sys, time, numpy as np
from kb.engines.vectors import ExactVectorIndex
from kb.engines.hnsw_vectors import HnswVectorIndex
backend, path, queries = sys.argv[1], sys.argv[2], np.load(sys.argv[3])
index = (HnswVectorIndex(path, model_id="bench", ann_min_rows=50_000) if backend == "hnsw"
         else ExactVectorIndex(path, model_id="bench"))
index.search(queries[0], 10)  # open the graph (memory-mapped) or page in the matrix once
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
times, found = [], []
for query in queries:
    started = time.perf_counter()
    hits = index.search(query, 10)
    times.append((time.perf_counter() - started) * 1000)
    found.append([h.chunk_id for h in hits])
print(json.dumps({"rss_mb": rss_mb, "times": times, "found": found}))
"""


def source_vectors(work: Path) -> np.ndarray:
    base = ExactVectorIndex(work / "embedding-scifact-onnx-int8" / "vectors")
    if not len(base):
        sys.exit("run scripts/benchmark_embedding.py first: its SciFact knowledge base holds the real vectors")
    return np.asarray(base._matrix[np.flatnonzero(base._live)], dtype=np.float32)


def stand_in(base: np.ndarray, start: int, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = base[np.arange(start, start + count) % len(base)] + rng.normal(scale=0.02, size=(count, base.shape[1]))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def build(index: ExactVectorIndex, base: np.ndarray, size: int) -> float:
    started = time.perf_counter()
    for n, start in enumerate(range(0, size, BATCH)):
        count = min(BATCH, size - start)
        rows = [(f"c{start + i}", f"d{(start + i) // 50}", 1) for i in range(count)]
        index.replace_documents(rows, stand_in(base, start, count, seed=n), sorted({r[1] for r in rows}))
    return time.perf_counter() - started


def measure(backend: str, path: Path, queries: Path) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", MEASURE, backend, str(path), str(queries)], env=env,
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def bench(work: Path, sizes: list[int]) -> dict:
    base = source_vectors(work)
    embedder = load_embedder("sentence-transformers", "all-MiniLM-L6-v2", "onnx-int8", work / "models")
    texts = list(read_queries(ROOT.parent / "shared" / "beir" / "scifact" / "queries.jsonl").values())[:300]
    query_file = work / "vector-queries.npy"
    np.save(query_file, embedder.embed(texts))
    results: dict = {"source_vectors": len(base), "sizes": {}}
    for size in sizes:
        runs = {}
        for backend, make in (("exact", lambda p: ExactVectorIndex(p, model_id="bench")),
                              ("hnsw", lambda p: HnswVectorIndex(p, model_id="bench", ann_min_rows=50_000))):
            path = work / f"vectors-{size}-{backend}"
            shutil.rmtree(path, ignore_errors=True)
            print(f"{size}: building {backend}", file=sys.stderr)
            seconds = build(make(path), base, size)
            disk = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6
            print(f"{size}: measuring {backend}", file=sys.stderr)
            runs[backend] = {"build_seconds": seconds, "disk_mb": disk, **measure(backend, path, query_file)}
        exact_found = runs["exact"]["found"]
        for backend, run in runs.items():
            recall = [len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(run.pop("found"), exact_found)]
            times = run.pop("times")
            run.update(recall_at_10=float(np.mean(recall)), p50_ms=percentile(times, 50),
                       p95_ms=percentile(times, 95))
        results["sizes"][size] = runs
    return results


def section(results: dict) -> str:
    lines = [START, "## Vector indexes at scale: exact and HNSW", "",
             f"Written by `scripts/benchmark_vectors.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
             f"machine: {machine()}. Stand-in vectors: the {results['source_vectors']:,} real int8-ONNX "
             "all-MiniLM-L6-v2 embeddings of SciFact's chunks repeated with Gaussian noise (σ 0.02 per dimension, "
             "normalised); queries: the 300 SciFact questions embedded by the same model. Top 10, single-threaded, "
             "in a fresh process that opened the index (memory: its peak RSS). HNSW: usearch, int8 graph, "
             "connectivity 16, built with breadth 128, searched with breadth 384, its 384 candidates rescored "
             "exactly.", "",
             "| chunks | backend | build | disk | memory | p50 | p95 | recall@10 |", "|---|---|---|---|---|---|---|---|"]
    for size, runs in results["sizes"].items():
        for backend, r in runs.items():
            lines.append(f"| {int(size):,} | {backend} | {r['build_seconds']:.0f} s | {r['disk_mb']:.0f} MB | "
                         f"{r['rss_mb']:.0f} MB | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | "
                         f"{r['recall_at_10']:.3f} |")
    lines += ["", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--sizes", default="150000,1000000")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    results = bench(args.work, [int(s) for s in args.sizes.split(",") if s])
    (args.work / "vector-results.json").write_text(json.dumps(results, indent=2))
    text = section(results)
    write_section(args.output, text, START, END)
    print(text)


if __name__ == "__main__":
    main()
