"""How many of the HNSW graph's candidates to rescore exactly: recall@10 against exact search and latency for
several settings of `ann_rescored`, on the vector indexes of built knowledge bases (the scale benchmark's, whose
vectors are stand-ins, and one of real vectors: a copy of the realdocs one with its graph built by
`kb reindex --vectors` under vector_backend hnsw and a low ann_min_rows).

Queries: the practitioners' queries, embedded by the knowledge base's model as the searcher asks them (with the
composite embedder, each query's two halves, one per model). Truth: exact search over the same index's float32
vectors. Each setting is timed over every query once, single-threaded, after one pass that opened the graph; the
order of settings is rotated per query so that none finds the vectors another just read in the page cache
more often than the others.
Writes its section of docs/benchmarks.md between `<!-- ann-rescoring -->` markers. Not part of the tests.
Usage: python scripts/benchmark_rescoring.py [--homes HOME,HOME] [--settings 0,16,64,384] [--min-rows N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb import Settings  # noqa: E402
from kb.engines.registry import build_embedder, embedder_model_id  # noqa: E402
from kb.engines.vectors import ExactVectorIndex, vectors_path  # noqa: E402
from kb.engines.hnsw_vectors import HnswVectorIndex  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402
from scripts.benchmark_scale import practitioner_queries  # noqa: E402

START, END = "<!-- ann-rescoring -->", "<!-- /ann-rescoring -->"
K = 10


def query_vectors(settings: Settings) -> list[np.ndarray]:
    """Every practitioner's query as the searcher sends it to the vector index."""
    embedder = build_embedder(settings)
    out: list[np.ndarray] = []
    for text in practitioner_queries():
        out += list(embedder.half_queries(text)) if hasattr(embedder, "half_queries") else [embedder.embed_query(text)]
    return out


def measure(home: Path, settings_wanted: list[int], min_rows: int) -> dict:
    """Recall@10 against exact search and latency per setting of ann_rescored."""
    settings = Settings.load({"home": str(home), "vector_backend": "hnsw", "ann_min_rows": min_rows}, environ={})
    queries = query_vectors(settings)
    path, model_id = vectors_path(home), embedder_model_id(settings)
    exact = ExactVectorIndex(path, model_id=model_id)
    truth = [{h.chunk_id for h in exact.search(q, K)} for q in queries]
    indexes = {n: HnswVectorIndex(path, model_id=model_id, ann_rescored=n, ann_expansion=settings.ann_expansion,
                                  ann_min_rows=min_rows) for n in settings_wanted}
    for index in indexes.values():
        index.search(queries[0], K)  # map the graph
    times: dict[int, list[float]] = {n: [] for n in settings_wanted}
    recall: dict[int, list[float]] = {n: [] for n in settings_wanted}
    for i, query in enumerate(queries):
        order = settings_wanted[i % len(settings_wanted):] + settings_wanted[:i % len(settings_wanted)]
        for n in order:
            started = time.perf_counter()
            hits = indexes[n].search(query, settings.semantic_candidates)
            times[n].append((time.perf_counter() - started) * 1000)
            recall[n].append(len({h.chunk_id for h in hits[:K]} & truth[i]) / K)
    return {"chunks": len(exact), "queries": len(queries), "expansion": settings.ann_expansion,
            "candidates": settings.semantic_candidates,
            "runs": {n: {"recall": statistics.fmean(recall[n]), "p50": statistics.median(times[n]),
                         "p95": float(np.percentile(times[n], 95))} for n in settings_wanted}}


def section(results: list[tuple[Path, dict]]) -> str:
    first = results[0][1]
    lines = [START, "## HNSW: how many candidates to rescore", "",
             f"Written by `scripts/benchmark_rescoring.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
             f"machine: {machine()}. The vector index of each knowledge base below, {first['queries']} query vectors "
             "(the practitioners' queries, each model's half as the searcher asks). Each search asks for "
             f"{first['candidates']} chunks from {first['expansion']} graph candidates; recall@10 is against exact "
             "search of the same float32 vectors; time per search, single-threaded, the settings taken in turn per "
             "query.", "",
             "| knowledge base | chunks | ann_rescored | recall@10 | p50 | p95 |", "|---|---|---|---|---|---|"]
    for home, result in results:
        for n, run in result["runs"].items():
            lines.append(f"| `{home.name}` | {result['chunks']:,} | {n} | {run['recall']:.3f} | {run['p50']:.2f} ms | "
                         f"{run['p95']:.2f} ms |")
    lines += ["", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--homes", default=str(ROOT / "bench-work" / "scale-1000000-vectors-hnsw"),
                        help="knowledge bases, comma-separated")
    parser.add_argument("--settings", default="0,16,64,384")
    parser.add_argument("--min-rows", type=int, default=50_000, help="ann_min_rows of the knowledge bases")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    wanted = [int(n) for n in args.settings.split(",") if n]
    results = [(Path(h), measure(Path(h), wanted, args.min_rows)) for h in args.homes.split(",") if h]
    text = section(results)
    write_section(args.output, text, START, END)
    print(text)


if __name__ == "__main__":
    main()
