"""Ingestion against the embedding limit, in one run: a folder of real PDFs ingested into a fresh knowledge base
(reading workers, chunking, keyword indexing and the background embedding overlapping), then the raw rate of the
same embedder on a sample of the same chunks, alone.

Writes its section of docs/benchmarks.md between `<!-- ingestion-rate -->` markers. Not part of the tests.
Usage: python scripts/benchmark_ingest_rate.py [--shared DIR] [--work DIR] [--files N] [--embed-backend B]
       [--sample 2048]
"""
from __future__ import annotations

import argparse
import json
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
        kb.indexer.backends.embedder().embed(["warm up"])
        started = time.perf_counter()
        report = kb.ingest(files, progress=True)
        seconds = time.perf_counter() - started
        stats = kb.stats()
    return {"seconds": seconds, "files": len(files), "counts": report.counts(), "pages": stats["pages"],
            "chunks": stats["chunks"], "documents": stats["documents"]}


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
    parser.add_argument("--embed-backend", default="onnx-int8")
    parser.add_argument("--sample", type=int, default=2048)
    parser.add_argument("--baseline-files", type=int, default=0,
                        help="also ingest the first N PDFs with the first measurement's configuration, and with the "
                             "defaults, for a same-machine ratio")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not (args.shared / "realdocs").is_dir():
        sys.exit(f"{args.shared}/realdocs not found: the benchmark needs ../shared")
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
