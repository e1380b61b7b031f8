"""The one ingestion entry point: expand targets, load, add metadata, chunk, dedupe, write in batches."""
from __future__ import annotations

import os
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from kb.errors import KBError, LoadError
from kb.models import LoadedDocument, PreparedDocument, chunk_id_for
from kb.tokenization import load_tokenizer

from .chunking import chunk_pages
from .loaders import LoadOptions, RecordOptions, loader_for
from .metadata import build_document, is_sidecar, read_meta_file, sidecar_for
from .report import IngestItem, IngestReport


@dataclass
class PrepareJob:
    """Everything a worker needs to turn one file into prepared documents."""

    path: str
    options: LoadOptions
    model: str
    chunk_tokens: int
    chunk_overlap: int
    run_meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Prepared:
    """A worker's output for one loaded document (doc ids are assigned later by the writer)."""

    loaded: LoadedDocument
    prepared: PreparedDocument | None
    error: str | None = None
    source: str = ""


def expand_targets(targets: Sequence[str]) -> Iterator[tuple[str, Path | None, str | None]]:
    """Yield (target, path, problem) for every file under the targets, folders recursively, in order."""
    for target in targets:
        if target.startswith(("http://", "https://")):
            yield target, None, "URLs are not supported by this version yet: download the file and ingest it"
            continue
        path = Path(target).expanduser()
        if not path.exists():
            yield target, None, "no such file or folder: check the path"
            continue
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or is_sidecar(file):
                    continue
                yield str(file), file.resolve(), None
        else:
            yield target, path.resolve(), None


def prepare_file(job: PrepareJob) -> list[Prepared]:
    """Load one file and chunk every document in it (runs in a worker process)."""
    path = Path(job.path)
    out: list[Prepared] = []
    try:
        spec = loader_for(path)
        size = path.stat().st_size
        if size > job.options.max_file_bytes:
            raise LoadError(str(path), f"file is {size / 1e6:.0f} MB, over the limit of "
                                       f"{job.options.max_file_bytes / 1e6:.0f} MB (setting max_file_mb)")
        sidecar = sidecar_for(path)
        tokenizer = load_tokenizer(job.model)
        for result in spec.load(path, job.options):
            if isinstance(result, LoadError):
                out.append(Prepared(loaded=None, prepared=None, error=result.reason, source=result.path))  # type: ignore[arg-type]
                continue
            try:
                document = build_document(result, "", run_meta=job.run_meta, sidecar=sidecar,
                                          fallback_title=path.stem.replace("_", " "))
            except KBError as exc:
                out.append(Prepared(loaded=None, prepared=None, error=str(exc), source=result.source))  # type: ignore[arg-type]
                continue
            chunks = chunk_pages("", result.pages, tokenizer, job.chunk_tokens, job.chunk_overlap)
            document.n_pages = len(result.pages)
            document.n_chunks = len(chunks)
            out.append(Prepared(loaded=result, prepared=PreparedDocument(document, result.pages, chunks),
                                source=result.source))
    except LoadError as exc:
        out.append(Prepared(loaded=None, prepared=None, error=exc.reason, source=exc.path))  # type: ignore[arg-type]
    except KBError as exc:
        out.append(Prepared(loaded=None, prepared=None, error=str(exc), source=str(path)))  # type: ignore[arg-type]
    except MemoryError:
        out.append(Prepared(loaded=None, prepared=None, error="file too large to process in memory",  # type: ignore[arg-type]
                            source=str(path)))
    except Exception as exc:  # a bad file must never stop the batch
        out.append(Prepared(loaded=None, prepared=None, source=str(path),  # type: ignore[arg-type]
                            error=f"unexpected error while reading ({type(exc).__name__}: {exc}); "
                                  "please report it with the file"))
    return out


def _assign_doc_id(prepared: PreparedDocument, doc_id: str) -> PreparedDocument:
    prepared.document.doc_id = doc_id
    for chunk in prepared.chunks:
        chunk.doc_id = doc_id
        chunk.chunk_id = chunk_id_for(doc_id, chunk.page, chunk.seq)
    return prepared


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_ingest(kb: Any, targets: Sequence[str], *, meta_file: str | Path | None = None,
               record_options: RecordOptions | None = None, progress: bool = False,
               workers: int | None = None) -> IngestReport:
    """Ingest every target into the knowledge base and return the report."""
    started = time.perf_counter()
    report = IngestReport()
    settings = kb.settings
    run_meta: Mapping[str, Any] = read_meta_file(Path(meta_file)) if meta_file else {}
    manifest = run_meta.get("__manifest__", {}) if isinstance(run_meta, dict) else {}
    options = LoadOptions(records=record_options or RecordOptions(),
                          max_file_bytes=int(settings.max_file_mb * 1024 * 1024))
    load_tokenizer(kb.tokenizer_model)  # fail fast, before any work, if the tokenizer is missing

    files = list(expand_targets(targets))
    bar = _progress_bar(len(files), progress, "ingest", "file")
    embed_bar = _progress_bar(None, progress and kb.settings.semantic, "embed ", "chunk", position=1)
    with kb.batch_writer(embed_progress=embed_bar.update) as writer:
        jobs: list[PrepareJob] = []
        for target, path, problem in files:
            if problem or path is None:
                report.add(IngestItem(source=target, status="failed", reason=problem))
                bar.update(1)
                continue
            try:
                spec = loader_for(path)
            except LoadError as exc:
                report.add(IngestItem(source=str(path), status="failed", reason=exc.reason))
                bar.update(1)
                continue
            if not spec.multi and _skip_unchanged_file(writer, path, report):
                bar.update(1)
                continue
            meta = dict(run_meta) if not manifest else dict(manifest.get(path.name, manifest.get(target, {})))
            meta.pop("__manifest__", None)
            jobs.append(PrepareJob(str(path), options, kb.tokenizer_model, settings.chunk_tokens,
                                   settings.chunk_overlap, meta))
        for job, results in _run_jobs(jobs, workers):
            for result in results:
                _write_result(writer, result, Path(job.path), report)
            bar.update(1)
            bar.set_postfix_str(_postfix(report), refresh=False)
    bar.close()
    embed_bar.close()
    report.seconds = time.perf_counter() - started
    return report


def _known_content(writer: Any, source: str, sha: str, existing: Any) -> IngestItem | None:
    """The report item when this content is already indexed: unchanged at this source, or a duplicate of another."""
    if existing is not None and existing.sha256 == sha:
        return IngestItem(source=source, status="unchanged", doc_id=existing.doc_id, title=existing.title)
    same = writer.document_with_content(sha)
    if same is not None and same.source != source:
        writer.record_duplicate(source, same.doc_id)
        return IngestItem(source=source, status="duplicate", doc_id=same.doc_id, title=same.title,
                          duplicate_of=f"{same.doc_id} ({same.source})")
    return None


def _skip_unchanged_file(writer: Any, path: Path, report: IngestReport) -> bool:
    """Report an unchanged file or a byte-identical duplicate without reading it again."""
    source = str(path)
    known = _known_content(writer, source, _file_sha256(path), writer.document_for_source(source))
    if known is not None:
        report.add(known)
    return known is not None


def _write_result(writer: Any, result: Prepared, path: Path, report: IngestReport) -> None:
    if result.error is not None or result.prepared is None:
        report.add(IngestItem(source=result.source or str(path), status="failed", reason=result.error))
        return
    prepared, loaded = result.prepared, result.loaded
    source = loaded.source
    existing = writer.document_for_source(source)
    if existing is not None and loaded.metadata.get("catalogue_stub") and existing.extra.get("fetched_at"):
        # the entry's full text was fetched since: the stub must not replace it
        report.add(IngestItem(source=source, status="unchanged", doc_id=existing.doc_id, title=existing.title))
        return
    known = _known_content(writer, source, loaded.sha256, existing)
    if known is not None:
        report.add(known)
        return
    doc_id = existing.doc_id if existing is not None else writer.unique_doc_id(loaded.sha256, source)
    _assign_doc_id(prepared, doc_id)
    if loaded.original_path:
        prepared.document.stored_file = writer.store_original(Path(loaded.original_path), doc_id)
    writer.stage(prepared)
    report.add(IngestItem(source=source, status="updated" if existing else "added", doc_id=doc_id,
                          title=prepared.document.title, pages=len(prepared.pages), chunks=len(prepared.chunks),
                          warnings=list(loaded.warnings)))


def _run_jobs(jobs: list[PrepareJob], workers: int | None) -> Iterator[tuple[PrepareJob, list[Prepared]]]:
    """Run prepare_file over the jobs in order, in worker processes when there is more than one file."""
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if n_workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job, prepare_file(job)
        return
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=get_context("spawn")) as pool:
        in_flight: deque[tuple[PrepareJob, Future]] = deque()
        queue = iter(jobs)
        for job in queue:
            in_flight.append((job, pool.submit(prepare_file, job)))
            if len(in_flight) >= n_workers * 2:
                break
        while in_flight:
            job, future = in_flight.popleft()
            try:
                results = future.result()
            except Exception as exc:  # a worker died (e.g. killed by the OS for memory)
                results = [Prepared(loaded=None, prepared=None, source=job.path,  # type: ignore[arg-type]
                                    error=f"reading the file crashed its worker ({type(exc).__name__}); "
                                          "check the file or ingest it alone")]
            yield job, results
            nxt = next(queue, None)
            if nxt is not None:
                in_flight.append((nxt, pool.submit(prepare_file, nxt)))


def _postfix(report: IngestReport) -> str:
    counts = report.counts()
    return " ".join(f"{k}={v}" for k, v in counts.items() if v)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int | None, enabled: bool, desc: str, unit: str, position: int = 0) -> Any:
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, dynamic_ncols=True, position=position,
                leave=True)
