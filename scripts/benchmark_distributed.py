"""Beyond one machine, measured on this one, in one run: the realdocs PDFs ingested by the local pipeline and by
`kb ingest --ray` (a local Ray instance), each into a fresh knowledge base with the default settings; then search
on the local indexes and on Milvus Lite (the local knowledge base's indexes rebuilt into Milvus by `kb reindex`),
per mode over the practitioners' queries, single-threaded, each in a fresh process.

Writes its section of docs/benchmarks.md between `<!-- distributed -->` markers. Not part of the tests.
Usage: python scripts/benchmark_distributed.py [--shared DIR] [--work DIR] [--files N] [--reuse]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb import KnowledgeBase, Settings  # noqa: E402
from kb.engines.milvus_client import close_clients  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402
from scripts.benchmark_scale import MODES, WARM_UP, folder_mb, practitioner_queries, rss_mb  # noqa: E402

START, END = "<!-- distributed -->", "<!-- /distributed -->"


def ingest(home: Path, files: list[Path], ray: str | None) -> dict[str, Any]:
    """Ingest into a fresh knowledge base and time it (the local run's model loaded first; the Ray instance started
    first, its workers load the models in their first task, inside the timing)."""
    shutil.rmtree(home, ignore_errors=True)
    with KnowledgeBase(Settings.load({"home": str(home)}, environ={})) as kb:
        if ray is None:
            kb.indexer.backends.embedder().embed(["warm up"])
        else:
            from ingest.ray_ingest import start_ray

            start_ray(ray)
        started = time.perf_counter()
        report = kb.ingest(files, progress=True, ray=ray)
        seconds = time.perf_counter() - started
        stats = kb.stats()
    return {"seconds": seconds, "counts": report.counts(), "pages": stats["pages"], "chunks": stats["chunks"],
            "documents": stats["documents"]}


def to_milvus(home: Path, target: Path) -> dict[str, Any]:
    """A copy of the knowledge base whose indexes are rebuilt into Milvus Lite (vectors from the embedding cache)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(home, target, ignore=shutil.ignore_patterns("keyword", "vectors", "files"))
    started = time.perf_counter()
    with KnowledgeBase(Settings.load({"home": str(target), "search_backend": "milvus"}, environ={})) as kb:
        kb.reindex()
        ok = kb.check()["ok"]
    seconds = time.perf_counter() - started
    close_clients()  # Milvus Lite: the measuring process opens the file next
    return {"seconds": seconds, "ok": ok, "disk_mb": folder_mb(target / "milvus.db")}


def measure(home: Path, overrides: dict[str, str]) -> dict[str, Any]:
    """Open the knowledge base in this (fresh) process and time every query in every mode."""
    out: dict[str, Any] = {}
    with KnowledgeBase(Settings.load({"home": str(home), **overrides}, environ={})) as kb:
        for mode in MODES:
            for query in WARM_UP:
                kb.search(query, mode=mode, k=10, facets=True)
        out["rss_open_mb"] = rss_mb()
        for mode in MODES:
            times, found = [], 0
            for query in practitioner_queries():
                began = time.perf_counter()
                results = kb.search(query, mode=mode, k=10, facets=True)
                times.append((time.perf_counter() - began) * 1000)
                found += bool(results.hits)
            out[mode] = {"p50": statistics.median(times), "p95": float(np.percentile(times, 95)), "found": found,
                         "queries": len(times),
                         "top": [h.document.doc_id for h in kb.search("labour exploitation", mode=mode, k=10).hits]}
    return out


def measure_in_fresh_process(home: Path, overrides: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", str(home)] + [f"--set={k}={v}" for k, v in overrides.items()]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def overlap(a: list[str], b: list[str]) -> float:
    return len(set(a) & set(b)) / max(1, len(set(a)))


def section(files: int, local: dict, ray: dict, milvus: dict, search: dict[str, dict]) -> str:
    def rate(run: dict) -> str:
        return f"{run['seconds']:.0f} s, {run['pages'] / run['seconds']:.1f} pages/s, " \
               f"{run['chunks'] / run['seconds']:.1f} chunks/s"

    lines = [START, "## Beyond one machine: Ray ingestion and Milvus search, on this machine", "",
             f"Written by `scripts/benchmark_distributed.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
             f"machine: {machine()}. Default settings (both embedding models, int8 ONNX). Ray and Milvus here are "
             "the single-machine forms (a local Ray instance, Milvus Lite in the process): the numbers say what they "
             "cost on a laptop, not what a cluster gives.", "",
             f"Ingestion of {files} realdocs PDFs, each run into a fresh knowledge base:", "",
             "| pipeline | documents | pages | chunks | time and rate |", "|---|---|---|---|---|",
             f"| local (2 reading workers, embedding in the writer) | {local['documents']} | {local['pages']} | "
             f"{local['chunks']} | {rate(local)} |",
             f"| `--ray` (local instance; one task per file reads, chunks and embeds) | {ray['documents']} | "
             f"{ray['pages']} | {ray['chunks']} | {rate(ray)} |", "",
             *(["Times: the elapsed times of the runs' progress bars (this run's own timing was lost to a bug in "
                "the script's last step, fixed since).", ""] if local.get("seconds_from") else []),
             f"The local knowledge base's indexes rebuilt into Milvus Lite by `kb reindex`: {milvus['seconds']:.0f} s, "
             f"{milvus['disk_mb']:.0f} MB on disk, `kb check` {'ok' if milvus['ok'] else 'NOT ok'}.", "",
             f"Search over {search['local']['keyword']['queries']} practitioners' queries per mode (k = 10, passages, "
             "highlights, facets), single-threaded, in a fresh process:", "",
             "| search backend | memory | keyword p50 / p95 | semantic p50 / p95 | hybrid p50 / p95 |",
             "|---|---|---|---|---|"]
    for name, result in search.items():
        cells = [f"{result[m]['p50']:.1f} / {result[m]['p95']:.1f} ms" for m in MODES]
        lines.append(f"| {name} | {result['rss_open_mb']:.0f} MB | " + " | ".join(cells) + " |")
    shared = {m: overlap(search["local"][m]["top"], search["Milvus Lite"][m]["top"]) for m in MODES}
    lines += ["", "Top 10 for 'labour exploitation' shared by the two backends: "
              + ", ".join(f"{m} {v:.0%}" for m, v in shared.items()) + ".", "", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--reuse", action="store_true", help="keep the phases an earlier run saved in WORK")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--set", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, dict(item.split("=", 1) for item in args.set))))
        return
    if not (args.shared / "realdocs").is_dir():
        sys.exit(f"{args.shared}/realdocs not found: the benchmark needs ../shared")
    files = sorted((args.shared / "realdocs").rglob("*.pdf"))[:args.files]
    saved = args.work / "distributed.json"
    done: dict[str, Any] = json.loads(saved.read_text()) if args.reuse and saved.exists() else {}
    phases: list[tuple[str, Callable[[], Any]]] = [
        ("local", lambda: ingest(args.work / "distributed-local", files, None)),
        ("ray", lambda: ingest(args.work / "distributed-ray", files, "local")),
        ("milvus", lambda: to_milvus(args.work / "distributed-local", args.work / "distributed-milvus")),
        ("search", lambda: {"local": measure_in_fresh_process(args.work / "distributed-local", {}),
                            "Milvus Lite": measure_in_fresh_process(args.work / "distributed-milvus",
                                                                    {"search_backend": "milvus"})})]
    for name, run in phases:
        if name not in done:
            done[name] = run()
            saved.write_text(json.dumps(done, indent=2))  # each phase kept as it ends (--reuse goes on from it)
    local, ray, milvus, search = (done[name] for name, _ in phases)
    text = section(len(files), local, ray, milvus, search)
    write_section(args.output, text, START, END)
    print(text)


if __name__ == "__main__":
    main()
