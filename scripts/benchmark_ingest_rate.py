"""Ingestion against the embedding limit, in one run: a folder of real PDFs ingested into a fresh knowledge base
(reading workers, chunking, keyword indexing and the background embedding overlapping), then the raw rate of the
same embedder on a sample of the same chunks, alone.

Writes its section of docs/benchmarks.md between `<!-- ingestion-rate -->` markers. Not part of the tests.
Usage: python scripts/benchmark_ingest_rate.py [--shared DIR] [--work DIR] [--files N] [--embed-backend B]
       [--sample 2048] [--compare auto,onnx-int8,torch --compare-files 10 --compare-rounds 2]

--compare ingests the first --compare-files PDFs with each named runtime in turn, round after round (a shared
machine's load falls on all alike), and reports each one's best round beside the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb import KnowledgeBase, Settings  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402

START, END = "<!-- ingestion-rate -->", "<!-- /ingestion-rate -->"
COMPARE_START, COMPARE_END = "<!-- ingestion-runtimes -->", "<!-- /ingestion-runtimes -->"
# realdocs before ingestion was pipelined (torch fp32, embedding after reading), from the realdocs section above
EARLIER_PAGES_PER_SECOND = 2.4


def files_to_ingest(shared: Path, limit: int | None) -> list[Path]:
    """The realdocs PDFs, all of them or the first `limit`."""
    files = sorted((shared / "realdocs").rglob("*.pdf"))
    return files[:limit] if limit else files


# the configuration of that first measurement: torch fp32, all-MiniLM-L6-v2 alone
BASELINE = {"embed_backend": "torch", "embed_multilingual": "off"}


def ingest(home: Path, files: list[Path], embed_backend: str, overrides: dict | None = None) -> dict:
    """Ingest into a fresh knowledge base (the model loaded first, outside the timing) and time it."""
    shutil.rmtree(home, ignore_errors=True)
    settings = Settings.load({"home": str(home), "embed_backend": embed_backend, **(overrides or {})}, environ={})
    with KnowledgeBase(settings) as kb:
        kb.indexer.backends.embedder().embed(["warm up"])  # under auto: the calibration too (cached after)
        started = time.perf_counter()
        report = kb.ingest(files, progress=True)
        seconds = time.perf_counter() - started
        stats = kb.stats()
    return {"seconds": seconds, "files": len(files), "counts": report.counts(), "pages": stats["pages"],
            "chunks": stats["chunks"], "documents": stats["documents"], "runtime": stats["embedding"]["runtime"],
            "calibration": stats["embedding"]["calibration"]}


def compare(work: Path, files: list[Path], runtimes: list[str], rounds: int) -> dict:
    """Each runtime ingesting the same files into a fresh knowledge base, in turn, `rounds` times: every run and
    the load average around each round."""
    runs: dict[str, list[dict]] = {r: [] for r in runtimes}
    loads = [f"{os.getloadavg()[0]:.2f}"]
    for _ in range(rounds):
        for runtime in runtimes:
            runs[runtime].append(ingest(work / f"ingest-compare-{runtime}", files, runtime))
            print(runtime, json.dumps({k: v for k, v in runs[runtime][-1].items() if k != "calibration"}),
                  file=sys.stderr)
        loads.append(f"{os.getloadavg()[0]:.2f}")
    return {"runs": runs, "load_average": loads, "files": len(files)}


def compare_lines(result: dict | None) -> list[str]:
    """The runtimes' ingestion rates side by side (best round of each), the first named runtime against the
    others."""
    if not result:
        return []
    best = {r: max(run["pages"] / run["seconds"] for run in runs) for r, runs in result["runs"].items()}
    first = next(iter(best))
    first_runs = next(iter(result["runs"].values()))
    some = first_runs[0]
    lines = ["", f"The first {result['files']} PDFs ({some['pages']} pages, {some['chunks']} chunks), each runtime in "
                 f"turn, {len(first_runs)} rounds, best round (load average "
                 f"around the rounds: {', '.join(result['load_average'])}):", "",
             "| embed_backend | runtime used | pages/s (best) | every round | × " + first + " |", "|---|---|---|---|---|"]
    for runtime, runs in result["runs"].items():
        every = ", ".join(f"{run['pages'] / run['seconds']:.1f}" for run in runs)
        lines.append(f"| {runtime} | {runs[0]['runtime']} | {best[runtime]:.1f} | {every} | "
                     f"{best[runtime] / best[first]:.2f} |")
    calibration = next((run["calibration"] for runs in result["runs"].values() for run in runs
                        if run["calibration"]), None)
    if calibration:
        lines += ["", "This machine's calibration (the choice of `auto`): " + "; ".join(
            f"{name} {t['texts_per_second']:.1f} texts/s, cosine {t['cosine_mean']:.4f} / min {t['cosine_min']:.4f}"
            f"{'' if t['accepted'] else ' (refused)'}" for name, t in calibration["trials"].items())
            + f" → **{calibration['chosen']}**."]
    return lines


def raw_rate(home: Path, embed_backend: str, sample: int) -> dict:
    """The embedder alone on a random sample of the chunks just ingested (no cache, same batch size)."""
    settings = Settings.load({"home": str(home), "embed_backend": embed_backend}, environ={})
    with KnowledgeBase(settings) as kb:
        rows = kb.indexer.store.conn.execute("SELECT text FROM chunks ORDER BY random() LIMIT ?", (sample,)).fetchall()
        texts = [row[0] for row in rows]
        embedder = kb.indexer.backends.embedder()
        embedder.embed(texts[:64])
        started = time.perf_counter()
        embedder.embed(texts, batch_size=settings.embed_batch_size)
        seconds = time.perf_counter() - started
    return {"chunks": len(texts), "seconds": seconds, "chunks_per_second": len(texts) / seconds}


def baseline_lines(baseline: dict | None, same: dict | None) -> list[str]:
    """The same-machine comparison with the first measurement's configuration, when it was run."""
    if not baseline or not same:
        return []
    old, new = baseline["pages"] / baseline["seconds"], same["pages"] / same["seconds"]
    return [f"- The same machine, the first {baseline['files']} of these PDFs ({baseline['pages']} pages) with the "
            "first measurement's configuration (torch fp32, all-MiniLM-L6-v2 alone, through today's pipeline): "
            f"{old:.1f} pages/s; with the defaults above: {new:.1f} pages/s, **{new / old:.2f}×** (both models "
            "embed every chunk now)."]


def compare_section(compared: dict) -> str:
    """The runtimes' section of the report."""
    from kb.engines.processor import cpu_flags, cpu_model

    return "\n".join([
        COMPARE_START, "## Ingestion per embedding runtime", "",
        f"Written by `scripts/benchmark_ingest_rate.py --compare` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"machine: {machine()}; processor: {cpu_model()} ({', '.join(sorted(cpu_flags()))}). Default settings but "
        "`embed_backend` (both models embed every chunk, 2 reading workers); a fresh knowledge base per run; the "
        "model loaded (and under `auto` the calibration made) before the clock starts.", *compare_lines(compared),
        "", COMPARE_END])


def section(result: dict, raw: dict, embed_backend: str, baseline: dict | None = None,
            same: dict | None = None) -> str:
    pages_s = result["pages"] / result["seconds"]
    chunks_s = result["chunks"] / result["seconds"]
    counts = ", ".join(f"{v} {k}" for k, v in result["counts"].items() if v)
    return "\n".join([
        START, "## Ingestion against the embedding limit", "",
        f"Written by `scripts/benchmark_ingest_rate.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"machine: {machine()}. Default settings (embedding backend `{embed_backend}`, 2 reading workers); a fresh "
        "knowledge base; the model loaded before the clock starts.", "",
        f"- {result['files']} realdocs PDFs ({counts}): {result['pages']} pages, {result['chunks']} chunks in "
        f"{result['seconds']:.0f} s: **{pages_s:.1f} pages/s, {chunks_s:.1f} chunks/s**; "
        f"{pages_s / EARLIER_PAGES_PER_SECOND:.1f}× the {EARLIER_PAGES_PER_SECOND} pages/s of ingestion before "
        "int8 embedding and pipelining.",
        f"- The same embedder alone on {raw['chunks']} of these chunks, in the same run: "
        f"{raw['chunks_per_second']:.1f} chunks/s. Ingestion ran at **{chunks_s / raw['chunks_per_second']:.0%}** "
        "of the raw embedding rate.", *baseline_lines(baseline, same), "", END])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--files", type=int, default=None, help="ingest only the first N PDFs")
    parser.add_argument("--embed-backend", default="auto")
    parser.add_argument("--sample", type=int, default=2048)
    parser.add_argument("--baseline-files", type=int, default=0,
                        help="also ingest the first N PDFs with the first measurement's configuration, and with the "
                             "defaults, for a same-machine ratio")
    parser.add_argument("--compare", default="", help="runtimes to ingest the first --compare-files PDFs with, in "
                                                         "turn (e.g. auto,onnx-int8,torch)")
    parser.add_argument("--compare-files", type=int, default=10)
    parser.add_argument("--compare-rounds", type=int, default=2)
    parser.add_argument("--only-compare", action="store_true", help="skip the whole-folder run")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not (args.shared / "realdocs").is_dir():
        sys.exit(f"{args.shared}/realdocs not found: the benchmark needs ../shared")
    compared = compare(args.work, files_to_ingest(args.shared, args.compare_files), args.compare.split(","),
                       args.compare_rounds) if args.compare else None
    if compared:
        (args.work / "ingest-compare.json").write_text(json.dumps(compared, indent=2))
        write_section(args.output, compare_section(compared), COMPARE_START, COMPARE_END)
        print(compare_section(compared))
    if args.only_compare:
        return
    home = args.work / f"ingest-rate-{args.embed_backend}"
    result = ingest(home, files_to_ingest(args.shared, args.files), args.embed_backend)
    raw = raw_rate(home, args.embed_backend, args.sample)
    baseline = same = None
    if args.baseline_files:
        first = files_to_ingest(args.shared, args.baseline_files)
        baseline = ingest(args.work / "ingest-rate-baseline", first, BASELINE["embed_backend"], BASELINE)
        same = ingest(args.work / "ingest-rate-same", first, args.embed_backend)
    (args.work / f"ingest-rate-{args.embed_backend}.json").write_text(json.dumps(
        {"ingest": result, "raw": raw, "baseline": baseline, "same": same}, indent=2))
    text = section(result, raw, args.embed_backend, baseline, same)
    write_section(args.output, text, START, END)
    print(text)


if __name__ == "__main__":
    main()
