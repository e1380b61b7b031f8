"""The embedding backends side by side, in one run: chunks per second on real chunks, agreement with torch fp32,
and SciFact semantic nDCG@10 for each.

Real chunks come from the realdocs PDFs (read and chunked as ingestion does, first pages of each file). Writes its
section of docs/benchmarks.md between `<!-- embedding-backends -->` markers. Not part of the tests.
Usage: python scripts/benchmark_embedding.py [--shared DIR] [--work DIR] [--chunks 1024] [--skip-scifact] [--reuse]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.chunking import chunk_pages  # noqa: E402
from ingest.loaders import LoadOptions, loader_for  # noqa: E402
from kb import KnowledgeBase, Settings  # noqa: E402
from kb.engines.registry import load_embedder  # noqa: E402
from kb.search.evaluation import read_qrels, read_queries  # noqa: E402
from kb.engines.model_tokenizer import load_tokenizer  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402

BACKENDS = ("torch", "onnx-int8")
START, END = "<!-- embedding-backends -->", "<!-- /embedding-backends -->"


def real_chunks(shared: Path, wanted: int) -> list[str]:
    """Chunks of the real documents, as ingestion makes them (a few pages of each PDF, in turn)."""
    tokenizer = load_tokenizer("all-MiniLM-L6-v2")
    options = LoadOptions(first_pages=6, ocr="off")
    texts: list[str] = []
    for path in sorted((shared / "realdocs").rglob("*.pdf")):
        try:
            [loaded] = list(loader_for(path).load(path, options))
        except Exception:  # a file that cannot be read gives no chunks here
            continue
        texts += [c.text for c in chunk_pages("", loaded.pages, tokenizer, 256, 32)]
        if len(texts) >= wanted:
            break
    return texts[:wanted]


def sampled_chunks(home: Path, wanted: int) -> list[str]:
    """A random sample of every chunk of a knowledge base that ingested realdocs (full-length passages from every
    part of the documents, not only their first pages)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{home / 'kb.sqlite'}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT text FROM chunks ORDER BY random() LIMIT ?", (wanted,))]
    finally:
        conn.close()


def speed(work: Path, texts: list[str]) -> dict:
    vectors, out = {}, {}
    for backend in BACKENDS:
        embedder = load_embedder("sentence-transformers", "all-MiniLM-L6-v2", backend, work / "models")
        embedder.embed(texts[:64])  # warm up
        started = time.perf_counter()
        vectors[backend] = embedder.embed(texts, batch_size=32)
        out[backend] = {"chunks_per_second": len(texts) / (time.perf_counter() - started)}
    for backend in BACKENDS:
        cosine = (vectors[backend] * vectors["torch"]).sum(axis=1)
        out[backend].update(cosine_mean=float(cosine.mean()), cosine_min=float(cosine.min()),
                            speedup=out[backend]["chunks_per_second"] / out["torch"]["chunks_per_second"])
    return out


def scifact(shared: Path, work: Path, reuse: bool) -> dict:
    folder = shared / "beir" / "scifact"
    queries = read_queries(folder / "queries.jsonl")
    qrels = read_qrels(folder / "qrels" / "test.tsv")
    out = {}
    for backend in BACKENDS:
        home = work / f"embedding-scifact-{backend}"
        timing = home / "ingest-seconds.txt"
        if not (reuse and timing.exists()):
            shutil.rmtree(home, ignore_errors=True)
        print(f"scifact: {backend}", file=sys.stderr)
        with KnowledgeBase(Settings.load({"home": str(home), "embed_backend": backend}, environ={})) as kb:
            if not timing.exists():
                started = time.perf_counter()
                kb.ingest([folder / "corpus.jsonl"])
                timing.write_text(str(time.perf_counter() - started))
            out[backend] = {"ingest_seconds": float(timing.read_text()), "chunks": kb.stats()["chunks"]}
            for mode in ("semantic", "hybrid"):
                metrics = kb.evaluate(queries, qrels, mode=mode, k=10)
                out[backend][mode] = {k: metrics[k] for k in ("ndcg@10", "recall@10", "mrr@10")}
    return out


def previous_quality_lines(previous: str) -> list[str]:
    """The SciFact table of the section as the last full run wrote it (empty when there is none)."""
    if START not in previous or "SciFact (" not in previous:
        return []
    body = previous[previous.index(START):previous.index(END)]
    return [""] + body[body.index("SciFact ("):].rstrip().splitlines()


def section(chunks: int, rates: dict, quality: dict | None, origin: str, previous: str = "") -> str:
    lines = [START, "## Embedding backends side by side: torch fp32 and int8 ONNX", "",
             f"Written by `scripts/benchmark_embedding.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
             f"machine: {machine()}. all-MiniLM-L6-v2 from the bundled package; int8 = dynamic per-channel "
             "quantisation of the MatMul weights, exported once from the same model (`embed_backend = "
             "\"onnx-int8\"`).", "",
             f"{chunks} real chunks of up to 256 tokens ({origin}), batch 32:", "",
             "| backend | chunks/s | × torch | cosine to torch (mean) | cosine (min) |", "|---|---|---|---|---|"]
    for backend, r in rates.items():
        lines.append(f"| {backend} | {r['chunks_per_second']:.1f} | {r['speedup']:.2f} | {r['cosine_mean']:.4f} | "
                     f"{r['cosine_min']:.4f} |")
    if quality is None:  # SciFact not run this time: its table from the previous run stays
        lines += previous_quality_lines(previous)
    if quality:
        lines += ["", "SciFact (5,183 abstracts, 300 test queries), each backend ingesting the corpus into its own "
                      "knowledge base (keyword engine: the default):", "",
                  "| backend | mode | nDCG@10 | Recall@10 | MRR@10 | ingestion |", "|---|---|---|---|---|---|"]
        for backend, m in quality.items():
            for mode in ("semantic", "hybrid"):
                q = m[mode]
                lines.append(f"| {backend} | {mode} | {q['ndcg@10']:.4f} | {q['recall@10']:.4f} | {q['mrr@10']:.4f} | "
                             f"{m['ingest_seconds']:.0f} s ({m['chunks'] / m['ingest_seconds']:.1f} chunks/s) |")
    lines += ["", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--chunks", type=int, default=1024)
    parser.add_argument("--skip-scifact", action="store_true")
    parser.add_argument("--sample-from", type=Path, help="a realdocs knowledge base: sample its chunks instead")
    parser.add_argument("--reuse", action="store_true", help="evaluate SciFact knowledge bases an earlier run built")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not args.shared.is_dir():
        sys.exit(f"{args.shared} not found: the benchmark needs ../shared (realdocs and beir/scifact)")
    args.work.mkdir(parents=True, exist_ok=True)
    texts = sampled_chunks(args.sample_from, args.chunks) if args.sample_from else real_chunks(args.shared, args.chunks)
    print(f"speed: {len(texts)} real chunks", file=sys.stderr)
    rates = speed(args.work, texts)
    quality = None if args.skip_scifact else scifact(args.shared, args.work, args.reuse)
    (args.work / "embedding-results.json").write_text(json.dumps({"speed": rates, "scifact": quality}, indent=2))
    origin = ("a random sample of all the chunks of the realdocs knowledge base" if args.sample_from
              else "the first pages of the realdocs PDFs")
    previous = args.output.read_text() if args.output.exists() else ""
    text = section(len(texts), rates, quality, origin, previous)
    write_section(args.output, text, START, END)
    print(text)


if __name__ == "__main__":
    main()
