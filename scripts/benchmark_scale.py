"""Whole knowledge bases at the field's scale, side by side: 150k and 1M chunks built from real page texts, for
each keyword and vector backend the build time, disk, memory after open, and per-mode query latency.

Source: a knowledge base that ingested ../shared/realdocs with the real model (by default the one
`scripts/benchmark_ingest_rate.py` builds). Its pages are varied into new documents — each copy of a page keeps
about 85 % of its sentences and takes two sentences of another page of the same language, so no two pages are
duplicates — with the documents' real metadata (the year and country shifted per copy), chunked by the real
chunker and written through the real writer (store, keyword index, vector index, embedding cache).

Vectors: embedding a million chunks with the real model takes about 13 hours here, so a chunk's vector is a
stand-in: the real embedding of the page it came from (the mean of that page's real chunk vectors) plus Gaussian
noise (σ 0.02 per dimension), normalised. Queries are embedded by the real model at search time.

Latency: for each mode a fresh process opens the knowledge base, runs warm-up queries not in the list (three, and
the development set's), then each of the practitioners' queries once, single-threaded, as the app asks (k = 10,
passages, highlights, facets).
Writes its section of docs/benchmarks.md between `<!-- scale -->` markers. Not part of the tests.
Usage: python scripts/benchmark_scale.py [--source HOME] [--work DIR] [--scales 150000,1000000] [--reuse]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.chunking import chunk_pages  # noqa: E402
from kb import KnowledgeBase, Settings  # noqa: E402
from kb.heap import freeze_long_lived  # noqa: E402
from kb.engines.milvus_client import close_clients  # noqa: E402
from kb.models import Document, Page, PreparedDocument, sha256_text  # noqa: E402
from kb.store import READY  # noqa: E402
from kb.engines.model_tokenizer import load_tokenizer  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_devset import devset_queries  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402

QUERIES = ROOT / "scripts" / "data" / "practitioner_queries.txt"
WARM_UP = ["victims of trafficking", "uitbuiting", "forced labour indicators"]
MODES = ("keyword", "semantic", "hybrid")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
NOISE = 0.02
COUNTRIES = ["Netherlands", "Belgium", "Germany", "France", "Greece", "Italy", "Spain", "Poland", "Romania",
             "Bulgaria", "United Kingdom", "United States", "Nigeria", "Ukraine", "Portugal", "Sweden"]


def practitioner_queries() -> list[str]:
    """The benchmark's queries (one per line; # starts a comment)."""
    return [line.strip() for line in QUERIES.read_text().splitlines() if line.strip() and not line.startswith("#")]


def warm_up_queries() -> list[str]:
    """Other queries than the measured ones (the development set's), asked first: a knowledge base in use has
    its engines' dictionaries and the store's indexes in memory, not the pages a new query reads."""
    measured = set(practitioner_queries())
    return [*WARM_UP, *(q["text"] for q in devset_queries() if q["text"] not in measured)]


class Source:
    """The real pages, their documents' metadata and one real vector per page, from an ingested knowledge base."""

    def __init__(self, home: Path):
        with KnowledgeBase(Settings.load({"home": str(home)}, environ={})) as kb:
            store = kb.indexer.store
            model_id = kb.indexer.backends.model_id
            self.docs = [d for d in store.get_documents(store.doc_ids(READY)).values() if d.n_pages]
            self.pages: list[tuple[int, int, str]] = []  # (doc index, page number, text)
            vectors: list[np.ndarray] = []
            for index, doc in enumerate(self.docs):
                chunks = store.chunks(doc.doc_id)
                cached = store.get_embeddings(model_id, [c.text_sha256 for c in chunks])
                by_page: dict[int, list[np.ndarray]] = {}
                for chunk in chunks:
                    blob = cached.get(chunk.text_sha256)
                    if blob is not None:
                        by_page.setdefault(chunk.page, []).append(np.frombuffer(blob, dtype=np.float32))
                for page in store.pages(doc.doc_id):
                    if page.text.strip() and page.number in by_page:
                        self.pages.append((index, page.number, page.text))
                        vectors.append(np.mean(by_page[page.number], axis=0))
        matrix = np.vstack(vectors).astype(np.float32)
        self.vectors = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
        self.by_language: dict[str, list[int]] = {}
        for i, (doc_index, _, _) in enumerate(self.pages):
            self.by_language.setdefault(self.docs[doc_index].language or "", []).append(i)
        self.doc_pages: dict[int, list[int]] = {}
        for i, (doc_index, _, _) in enumerate(self.pages):
            self.doc_pages.setdefault(doc_index, []).append(i)


def varied_page(source: Source, page_index: int, rng: random.Random) -> str:
    """A page's text with ~15 % of its sentences dropped and two sentences of another same-language page added."""
    doc_index, _, text = source.pages[page_index]
    sentences = [s for s in SENTENCE.split(text) if rng.random() > 0.15] or [text]
    pool = source.by_language[source.docs[doc_index].language or ""]
    other = SENTENCE.split(source.pages[rng.choice(pool)][2])
    for sentence in rng.sample(other, min(2, len(other))):
        sentences.insert(rng.randrange(len(sentences) + 1), sentence)
    return " ".join(sentences)


def synthetic_documents(source: Source, chunks_wanted: int, tokenizer: Any,
                        origins: dict[str, int]) -> Iterator[PreparedDocument]:
    """Varied copies of the source documents until `chunks_wanted` chunks; `origins` maps each chunk's text hash
    to the source page it came from (read by the stand-in embedder)."""
    made = 0
    copy = 0
    while made < chunks_wanted:
        for doc_index, page_indexes in source.doc_pages.items():
            if made >= chunks_wanted:
                return
            original = source.docs[doc_index]
            rng = random.Random(f"{copy}:{doc_index}")
            key = sha256_text(f"scale:{copy}:{original.doc_id}")
            doc_id = key[:16]
            pages = [Page(n + 1, varied_page(source, i, rng)) for n, i in enumerate(page_indexes)]
            chunks = chunk_pages(doc_id, pages, tokenizer, 256, 32)
            for chunk in chunks:
                origins[chunk.text_sha256] = page_indexes[chunk.page - 1]
            document = Document(doc_id=doc_id, source=f"scale/{copy}/{Path(original.source).name}", sha256=key,
                                title=f"{original.title} ({copy + 1})", organisation=original.organisation,
                                year=(original.year or 2010) + copy % 8, language=original.language,
                                doc_type=original.doc_type, country=COUNTRIES[(doc_index + copy) % len(COUNTRIES)]
                                if copy else original.country, n_pages=len(pages), n_chunks=len(chunks))
            made += len(chunks)
            yield PreparedDocument(document, pages, chunks, None)
        copy += 1


class StandInEmbedder:
    """Vectors for synthetic chunks: the real vector of the page each came from, with Gaussian noise."""

    def __init__(self, source: Source, origins: dict[str, int]):
        self.source, self.origins = source, origins
        self.dimension = source.vectors.shape[1]
        self.rng = np.random.default_rng(7)

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        # a recommendation the writer found in a varied page is not a chunk: any page's vector stands in for it
        # (recommendation vectors play no part in the searches measured here)
        rows = [self.origins.get(sha256_text(t), 0) for t in texts]
        matrix = self.source.vectors[rows] + self.rng.normal(0, NOISE, (len(rows), self.dimension))
        if progress:
            progress(len(rows))
        return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        raise RuntimeError("the stand-in embedder only builds the benchmark knowledge base")


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


def disk(home: Path) -> dict[str, float]:
    """MB on disk: the store (documents, pages, chunks, embedding cache), the keyword and the vector index (Milvus
    Lite's data, which holds both, counts as the vectors)."""
    store = sum(p.stat().st_size for p in home.glob("kb.sqlite*"))
    vectors = folder_mb(home / "vectors") + folder_mb(home / "milvus.db")
    return {"store": store / 1e6, "keyword": folder_mb(home / "keyword"), "vectors": vectors}


def build(source: Source, home: Path, chunks: int) -> dict[str, Any]:
    """Write a knowledge base of about `chunks` chunks (tantivy and exact vectors, the defaults)."""
    shutil.rmtree(home, ignore_errors=True)
    tokenizer = load_tokenizer("all-MiniLM-L6-v2")
    origins: dict[str, int] = {}
    settings = Settings.load({"home": str(home), "keyword_backend": "tantivy", "vector_backend": "exact"},
                             environ={})
    started = time.perf_counter()
    with KnowledgeBase(settings) as kb:
        kb.indexer.backends.embedder()  # the int8 export, made now: not part of any measurement
        kb.indexer.backends._embedder = StandInEmbedder(source, origins)
        with kb.batch_writer() as writer:
            for n, prepared in enumerate(synthetic_documents(source, chunks, tokenizer, origins)):
                writer.stage(prepared)
                if n % 200 == 0:
                    print(f"  {home.name}: {n} documents", file=sys.stderr)
        stats = kb.stats()
    return {"seconds": time.perf_counter() - started, "documents": stats["documents"], "pages": stats["pages"],
            "chunks": stats["chunks"]}


def variant(base: Path, home: Path, overrides: dict[str, str], rebuilt: str) -> float:
    """A copy of the base knowledge base with another backend, its index (or both, for Milvus) rebuilt from the
    store; the seconds the rebuild took (vectors come from the embedding cache, not the model)."""
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    settings = Settings.load({"home": str(home), **overrides}, environ={})
    started = time.perf_counter()
    with KnowledgeBase(settings) as kb:
        kb.reindex(keyword=rebuilt != "vectors", vectors=rebuilt != "keyword")
    seconds = time.perf_counter() - started
    close_clients()  # Milvus Lite: the measuring process opens the file next
    return seconds


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(home: Path, overrides: dict[str, str], modes: Sequence[str]) -> dict[str, Any]:
    """Open the knowledge base in this (fresh) process and time every query in every mode."""
    settings = Settings.load({"home": str(home), **overrides}, environ={})
    started = time.perf_counter()
    out: dict[str, Any] = {"rss_before_mb": rss_mb()}
    with KnowledgeBase(settings) as kb:
        warm_up = warm_up_queries()
        for mode in modes:
            for query in warm_up:
                kb.search(query, mode=mode, k=10, facets=True)
        freeze_long_lived()  # as the app does once it has opened the knowledge base and searched
        out["open_seconds"] = time.perf_counter() - started
        out["rss_open_mb"] = rss_mb()
        for mode in modes:
            times = []
            for query in practitioner_queries():
                began = time.perf_counter()
                results = kb.search(query, mode=mode, k=10, facets=True)
                times.append((time.perf_counter() - began) * 1000)
                assert results.hits or mode == "keyword", f"{mode}: nothing for {query!r}"
            out[mode] = {"p50": statistics.median(times), "p95": float(np.percentile(times, 95)),
                         "mean": statistics.fmean(times), "queries": len(times)}
        out["rss_after_mb"] = rss_mb()
    return out


def measure_in_fresh_process(home: Path, overrides: dict[str, str], modes: Sequence[str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", str(home), "--modes", ",".join(modes)]
    command += [f"--set={k}={v}" for k, v in overrides.items()]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_modes_apart(home: Path, overrides: dict[str, str], modes: Sequence[str]) -> dict[str, Any]:
    """Each mode in a process of its own, so that no mode finds its queries' vectors cached by another;
    memory is the largest of them."""
    parts = [measure_in_fresh_process(home, overrides, [mode]) for mode in modes]
    out: dict[str, Any] = {mode: part[mode] for mode, part in zip(modes, parts)}
    for key in ("rss_before_mb", "rss_open_mb", "rss_after_mb", "open_seconds"):
        out[key] = max(part[key] for part in parts)
    return out


BACKEND_SETTING = {"keyword": "keyword_backend", "vectors": "vector_backend", "both": "search_backend"}
# (name, settings, modes, what is rebuilt for it: None = the base knowledge base). The configuration meant for
# large collections goes first: exact search of a million chunks reads all 3.6 GB of vectors per query, which would
# push the other configuration's files out of the page cache before it is measured.
CONFIGS = [
    ("tantivy + hnsw", {"keyword_backend": "tantivy", "vector_backend": "hnsw"}, MODES, "vectors"),
    ("tantivy + exact", {"keyword_backend": "tantivy", "vector_backend": "exact"}, MODES, None),
    ("whoosh + exact", {"keyword_backend": "whoosh", "vector_backend": "exact"}, ("keyword", "hybrid"), "keyword"),
    # Milvus Lite in the process (HOME/milvus.db), its vectors searched exactly (its HNSW needs faiss)
    ("Milvus Lite", {"search_backend": "milvus", "milvus_vector_index": "FLAT"}, MODES, "both"),
]


def run_scale(source: Source | None, work: Path, chunks: int, reuse: bool, whoosh: bool,
              milvus: bool, only: set[str]) -> dict[str, Any]:
    base = work / f"scale-{chunks}"
    info_file = base.parent / f"scale-{chunks}.json"
    if reuse and info_file.exists():
        info = json.loads(info_file.read_text())
    else:
        assert source is not None
        info = {"build": build(source, base, chunks), "variants": {}}
        info_file.write_text(json.dumps(info))
    results: dict[str, Any] = {"build": info["build"], "configs": {}}
    for name, overrides, modes, rebuilt in CONFIGS:
        if (rebuilt == "keyword" and not whoosh) or (rebuilt == "both" and not milvus) or (only and name not in only):
            continue
        home = base if rebuilt is None else work / f"scale-{chunks}-{rebuilt}-{overrides[BACKEND_SETTING[rebuilt]]}"
        if rebuilt is None:
            seconds = info["build"]["seconds"]
        elif reuse and name in info["variants"] and home.exists():
            seconds = info["variants"][name]
        else:
            print(f"scale {chunks}: building {name}", file=sys.stderr)
            seconds = info["variants"][name] = variant(base, home, overrides, rebuilt)
            info_file.write_text(json.dumps(info))
        print(f"scale {chunks}: measuring {name}", file=sys.stderr)
        results["configs"][name] = {"rebuilt": rebuilt, "seconds": seconds, "disk": disk(home),
                                    **measure_modes_apart(home, overrides, modes)}
    return results


def _method(source_home: Path) -> str:
    """How the section's numbers were made."""
    return (f"Written by `scripts/benchmark_scale.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: "
            f"{machine()}. Built from the real pages of `{source_home.name}` (realdocs ingested with the real model), "
            "varied per copy so that no two pages are the same, with real metadata; chunk vectors are a stand-in (the "
            f"real vector of the source page plus Gaussian noise σ {NOISE}); queries embedded by the real model. "
            f"{len(practitioner_queries())} practitioners' queries (English and Dutch) per mode, once each, "
            "single-threaded, as the app asks (k = 10, passages, highlights, facets), each mode in a fresh process of "
            "its own (no mode finds its query vectors cached by another); before them, "
            f"{len(warm_up_queries())} other queries (the development set's) warm the process up, as in a knowledge "
            "base in use, and what it then holds is frozen out of the collector (`kb.heap`, as the app does). "
            "Configurations are measured in the table's order, hnsw (the one for large collections) first: exact "
            "search at a million chunks reads all its vectors per query and so empties the page cache of the other "
            "configuration's files. Memory: resident set after opening and the warm-up, the largest over the modes. "
            "Build: the whole write through the real writer for the base (tantivy + exact); for the other backends, "
            "the rebuild of that index from the store (`kb reindex`).")


def section(results: dict[int, dict[str, Any]], source_home: Path, marker: str = "scale") -> str:
    sizes = " and ".join(f"{n // 1000}k" if n < 1_000_000 else f"{n / 1e6:g}M" for n in results)
    title = "Whole knowledge bases at scale" if marker == "scale" else "Whole knowledge bases at scale, with Milvus Lite"
    lines = [f"<!-- {marker} -->", f"## {title}: {sizes} chunks", "",
             _method(source_home), ""]
    lines += ["| chunks | backend | build | store / keyword / vectors on disk | memory | keyword p50 / p95 | "
              "semantic p50 / p95 | hybrid p50 / p95 |", "|---|---|---|---|---|---|---|---|"]
    for chunks, result in results.items():
        b = result["build"]
        for name, c in result["configs"].items():
            d = c["disk"]
            cells = [f"{c[m]['p50']:.1f} / {c[m]['p95']:.1f} ms" if m in c else "—" for m in MODES]
            rebuilt = {"both": "keyword and vectors"}.get(c["rebuilt"], c["rebuilt"])
            build_text = f"{c['seconds']:.0f} s" + ("" if rebuilt is None else f" ({rebuilt} rebuilt)")
            lines.append(f"| {b['chunks']:,} ({b['documents']:,} docs, {b['pages']:,} pages) | {name} | {build_text} | "
                         f"{d['store']:.0f} / {d['keyword']:.0f} / {d['vectors']:.0f} MB | "
                         f"{c['rss_open_mb']:.0f} MB | " + " | ".join(cells) + " |")
    lines += ["", f"<!-- /{marker} -->"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=ROOT / "bench-work" / "ingest-rate-onnx-int8")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--scales", default="150000,1000000")
    parser.add_argument("--reuse", action="store_true", help="measure knowledge bases an earlier run built")
    parser.add_argument("--whoosh-up-to", type=int, default=150000, help="measure whoosh up to this many chunks")
    parser.add_argument("--milvus-up-to", type=int, default=150000,
                        help="measure Milvus Lite up to this many chunks")
    parser.add_argument("--only", default="", help="measure only these backends (names, comma-separated)")
    parser.add_argument("--section", default="scale", help="the report section's marker name")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--modes", default=",".join(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--set", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        overrides = dict(item.split("=", 1) for item in args.set)
        print(json.dumps(measure(args.measure, overrides, args.modes.split(","))))
        return
    scales = [int(s) for s in args.scales.split(",")]
    source = None
    if not (args.reuse and all((args.work / f"scale-{n}.json").exists() for n in scales)):
        if not (args.source / "kb.sqlite").exists():
            sys.exit(f"{args.source} holds no knowledge base: run scripts/benchmark_ingest_rate.py first")
        source = Source(args.source)
        print(f"source: {len(source.docs)} documents, {len(source.pages)} pages", file=sys.stderr)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    results = {n: run_scale(source, args.work, n, args.reuse, n <= args.whoosh_up_to, n <= args.milvus_up_to, only)
               for n in scales}
    (args.work / "scale-results.json").write_text(json.dumps(results, indent=2))
    text = section(results, args.source, args.section)
    write_section(args.output, text, f"<!-- {args.section} -->", f"<!-- /{args.section} -->")
    print(text)


if __name__ == "__main__":
    main()
