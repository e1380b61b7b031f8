"""The one ingestion entry point: expand targets, load, add metadata, chunk, dedupe, write in batches."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import process as futures_process
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from kb.corrections import apply_corrections
from kb.errors import KBError, LoadError
from kb.models import PreparedDocument, RecordOptions, chunk_id_for
from kb.indexing.pipeline_interface import DetectedFile
from kb.indexing.report import IngestItem, IngestReport
from kb.engines.model_tokenizer import load_tokenizer

from .prepare import Prepared, PrepareJob, failed, prepare_file
from .loaders import LoadOptions, loader_for, supported_suffixes
from .metadata import build_document, is_sidecar, layers_beside, read_meta_file


SKIPPED = "skipped: "
READING_NICENESS = 10
# how long the exit waits for the reading pool to wind down once its workers are stopped
EXIT_WAIT_S = 30


def expand_targets(targets: Sequence[str]) -> Iterator[tuple[str, Path | None, str | None]]:
    """Yield (target, path, problem) for every file under the targets, folders recursively, in order.

    URLs are yielded with no path; the caller downloads them.
    """
    for target in targets:
        if target.startswith(("http://", "https://")):
            yield target, None, None
            continue
        if "://" in target[:12]:
            yield target, None, "only http:// and https:// addresses can be ingested"
            continue
        path = Path(target).expanduser()
        if not path.exists():
            yield target, None, "no such file or folder: check the path"
            continue
        if path.is_dir():
            root = path.resolve()
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = file.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or is_sidecar(file):
                    continue
                real = file.resolve()
                if not real.is_relative_to(root):
                    yield str(file), None, SKIPPED + (f"a symbolic link that leads out of {path} (to {real}); ingest "
                                                      "its target by name if it belongs in the knowledge base")
                    continue
                yield str(file), real, None
        else:
            yield target, path.resolve(), None


def _ready() -> bool:
    """A first task: makes the pool start its workers."""
    return True


def start_worker(memory_mb: int, parent: int | None = None) -> None:
    """Set up a reading worker: it dies with the process that started it (even one killed with SIGKILL, and one
    already gone before the worker got here), writes nothing to the terminal or the pipes it inherited (its
    results and errors come back as values), and is held to the memory cap."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:  # the parent died before the signal was set: nobody waits
        os._exit(0)
    try:  # reading runs ahead of the writer: the embedder and the app's searches come first for the cores
        os.nice(READING_NICENESS)
    except (OSError, AttributeError):
        pass
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    import ingest.loaders.pdf  # noqa: F401  (the readers' libraries, loaded before the cap)
    import tokenizers  # noqa: F401

    _limit_memory(memory_mb)


def _limit_memory(megabytes: int) -> None:
    """Cap this worker process's address space so that a hostile file fails with MemoryError, not the machine."""
    if megabytes <= 0:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def detect_file(path: Path, options: LoadOptions) -> DetectedFile:
    """The metadata ingestion would give each document of a file, and the reason for each that cannot be read.
    Nothing is chunked, embedded or written."""
    found = DetectedFile()
    try:
        spec = loader_for(path)
        found.is_record_file = spec.multi
        layers = layers_beside(path)
        for result in spec.load(path, options):
            if isinstance(result, LoadError):
                found.errors.append(result.reason)
                continue
            document = build_document(result, "", layers=layers, fallback_title=path.stem.replace("_", " "))
            document.n_pages = len(result.pages)
            found.documents.append(document)
    except KBError as exc:
        found.errors.append(getattr(exc, "reason", None) or str(exc))
    return found


class Pipeline:
    """atkb's ingestion pipeline, registered as the `atkb.pipelines` entry point `default`."""

    def ingest(self, kb: Any, targets: Sequence[str], **options: Any) -> IngestReport:
        """Ingest every target into the knowledge base and return the report."""
        return run_ingest(kb, targets, **options)

    def detect(self, kb: Any, path: Path) -> DetectedFile:
        """The metadata ingestion would give each document of a file."""
        return detect_file(path, LoadOptions.from_settings(kb.settings))

    def fetch_catalogue(self, kb: Any, ids: list[str] | None, *, progress: Callable[[int], None] | None = None,
                        refetch: bool = False) -> Any:
        """Download and ingest the full text of catalogue entries."""
        from .fetch import run_fetch  # the network client loads only when something is fetched

        return run_fetch(kb, ids, progress=progress, refetch=refetch)

    def supported_suffixes(self) -> list[str]:
        """File name endings the loaders read."""
        return supported_suffixes()


def _assign_doc_id(prepared: PreparedDocument, doc_id: str) -> PreparedDocument:
    prepared.document.doc_id = doc_id
    if prepared.fingerprint is not None:
        prepared.fingerprint.doc_id = doc_id
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


# The metadata each added or updated document shows in the ingest report.
REPORT_FIELDS = ("title", "language", "organisation", "symbol", "round", "country", "year", "doc_type")


def run_ingest(kb: Any, targets: Sequence[str], *, meta_file: str | Path | None = None,
               record_options: RecordOptions | None = None, progress: bool = False,
               workers: int | None = None, meta: Mapping[str, Any] | None = None,
               on_file: Callable[[str, list[IngestItem]], None] | None = None,
               ray: str | None = None) -> IngestReport:
    """Ingest every target into the knowledge base and return the report.

    `meta` applies to every file (above `--meta`, below sidecars); `on_file` hears about each finished file;
    `ray` (a Ray address, or "local") reads, chunks and embeds the files on Ray instead of local workers.
    """
    started = time.perf_counter()
    report = IngestReport()
    settings = kb.settings
    run_meta: Mapping[str, Any] = read_meta_file(Path(meta_file)) if meta_file else {}
    options = LoadOptions.from_settings(settings, records=record_options or RecordOptions())
    load_tokenizer(kb.tokenizer_model)  # fail fast, before any work, if the tokenizer is missing

    files = list(expand_targets(targets))
    bar = _progress_bar(len(files), progress, "ingest", "file")
    embed_bar = _progress_bar(None, progress and kb.settings.semantic, "embed ", "chunk", position=1)

    def finish(source: str, items: list[IngestItem]) -> None:
        for item in items:
            report.add(item)
        bar.update(1)
        if on_file is not None:
            on_file(source, items)

    with kb.batch_writer(embed_progress=embed_bar.update) as writer:
        planner = _Planner(kb, writer, options, run_meta, meta_file, meta)
        jobs: list[PrepareJob] = []
        for target, path, problem in files:
            planned = planner.plan(target, path, problem)
            if isinstance(planned, IngestItem):
                finish(planned.source, [planned])
            else:
                jobs.append(planned)
        for job, results in _prepared(jobs, workers, ray, kb.embedding_settings if ray else settings, writer):
            items: list[IngestItem] = []
            for result in results:
                items.append(_write_result(writer, result, Path(job.path)))
            finish(job.source or job.path, items)
            bar.set_postfix_str(_postfix(report), refresh=False)
    bar.close()
    embed_bar.close()
    report.seconds = time.perf_counter() - started
    return report


class _Planner:
    """Turns each target into a job for a reading worker, or into its report item when there is nothing to read."""

    def __init__(self, kb: Any, writer: Any, options: LoadOptions, run_meta: Mapping[str, Any],
                 meta_file: str | Path | None, meta: Mapping[str, Any] | None):
        self.kb, self.writer, self.options = kb, writer, options
        self.run_meta, self.meta_file, self.meta = run_meta, meta_file, meta
        self.manifest = run_meta.get("__manifest__", {}) if isinstance(run_meta, dict) else {}
        self._downloader: Any = None

    def plan(self, target: str, path: Path | None, problem: str | None) -> PrepareJob | IngestItem:
        """The job for one target, or its report item (failed, unchanged or duplicate)."""
        layers: list[tuple[str, str, dict[str, Any]]] = []
        if problem is None and path is None:  # a URL: download it, then read the file like any other
            try:
                path, url_meta = self._download(target)
            except KBError as exc:
                return IngestItem(source=target, status="failed", reason=getattr(exc, "reason", None) or str(exc))
            layers.append(("url", f"downloaded from {target}", url_meta))
            source = target
        elif problem or path is None:
            if problem and problem.startswith(SKIPPED):
                return IngestItem(source=target, status="skipped", reason=problem[len(SKIPPED):])
            return IngestItem(source=target, status="failed", reason=problem)
        else:
            source = str(path)
        try:
            spec = loader_for(path)
        except LoadError as exc:
            return IngestItem(source=source, status="failed", reason=exc.reason)
        if not spec.multi:
            known = _unchanged_file(self.writer, path, source)
            if known is not None:
                return known
        layers += self._run_layers(target, path)
        settings = self.kb.settings
        return PrepareJob(str(path), self.options, self.kb.tokenizer_model, settings.chunk_tokens,
                          settings.chunk_overlap, layers, source=None if source == str(path) else source,
                          memory_mb=settings.max_worker_memory_mb)

    def _download(self, url: str) -> tuple[Path, dict[str, Any]]:
        from .download import UrlDownloader

        if self._downloader is None:
            self._downloader = UrlDownloader.from_settings(self.kb.home / "downloads", self.kb.settings)
        return self._downloader.download(url)

    def _run_layers(self, target: str, path: Path) -> list[tuple[str, str, dict[str, Any]]]:
        """Metadata given for the run: --meta (an object, or a manifest row) and the upload form's values."""
        layers: list[tuple[str, str, dict[str, Any]]] = []
        if self.manifest:
            row = self.manifest.get(path.name, self.manifest.get(target, {}))
            if row:
                layers.append(("manifest", f"manifest {self.meta_file}", dict(row)))
        elif self.run_meta:
            layers.append(("meta", f"--meta {self.meta_file}", dict(self.run_meta)))
        if self.meta:
            layers.append(("meta", "metadata given with the upload", dict(self.meta)))
        return layers


def _known_content(writer: Any, source: str, sha: str, existing: Any) -> IngestItem | None:
    """The report item when this content is already indexed: unchanged at this source, or a duplicate of another."""
    if existing is not None and existing.sha256 == sha:
        return IngestItem(source=source, status="unchanged", doc_id=existing.doc_id, title=existing.title)
    same = writer.document_with_content(sha)
    if same is not None and same.source != source:
        return IngestItem(source=source, status="duplicate", doc_id=same.doc_id, title=same.title,
                          duplicate_of=f"{same.doc_id} ({same.source})")
    return None


def _unchanged_file(writer: Any, path: Path, source: str) -> IngestItem | None:
    """The report item of an unchanged file or a byte-identical duplicate, found without reading it again."""
    return _known_content(writer, source, _file_sha256(path), writer.document_for_source(source))


def _write_result(writer: Any, result: Prepared, path: Path) -> IngestItem:
    if result.error is not None or result.prepared is None:
        return IngestItem(source=result.source or str(path), status="failed", reason=result.error)
    prepared, loaded = result.prepared, result.loaded
    source = loaded.source
    existing = writer.document_for_source(source)
    if existing is not None and loaded.metadata.get("catalogue_stub") and existing.extra.get("fetched_at"):
        # the entry's full text was fetched since: the stub must not replace it
        return IngestItem(source=source, status="unchanged", doc_id=existing.doc_id, title=existing.title)
    known = _known_content(writer, source, loaded.sha256, existing)
    if known is not None:
        return known
    doc_id = existing.doc_id if existing is not None else writer.unique_doc_id(loaded.sha256, source)
    _assign_doc_id(prepared, doc_id)
    corrections = writer.corrections(doc_id)
    if corrections:
        apply_corrections(prepared.document, corrections)
    if loaded.original_path:
        prepared.document.stored_file = writer.store_original(Path(loaded.original_path), doc_id)
    related = writer.stage(prepared)
    return IngestItem(source=source, status="updated" if existing else "added", doc_id=doc_id,
                      title=prepared.document.title, pages=len(prepared.pages), chunks=len(prepared.chunks),
                      warnings=list(loaded.warnings) + _relation_notes(related),
                      metadata=_metadata_summary(prepared.document))


def _relation_notes(related: list[tuple[Any, str, float]]) -> list[str]:
    """Report lines for the near-duplicates and translations found for a new document."""
    notes = []
    for other, kind, score in related:
        label = f"{other.doc_id} ({other.title[:60]})"
        notes.append(f"{kind} of {label}, similarity {score:.2f}" if kind == "near-duplicate"
                     else f"translation of {label} [{other.language or '?'}], score {score:.2f}")
    return notes


def _metadata_summary(document: Any) -> dict[str, Any]:
    """Field → {value, source, evidence} of the fields the report shows."""
    fields = document.described_fields()
    return {name: fields[name] for name in REPORT_FIELDS if name in fields}


class _ReadingPool:
    """Worker processes that read files under the memory cap (RLIMIT_AS) and the hard deadline (SIGALRM in the
    worker, and a kill from here when even that does not return). Kept for the next run of this process: the app
    and the tests reuse warm workers instead of starting new ones."""

    _current: "_ReadingPool | None" = None
    # every pool of this process not yet ended, replaced ones too (one may still be reading an abandoned file)
    _unended: "set[_ReadingPool]" = set()
    _exiting = False

    def __init__(self, workers: int, memory_mb: int):
        self.key = (workers, memory_mb)
        self.owner = os.getpid()
        # spawned, not forked: a worker inherits no thread or lock of this process (the app's, torch's, tantivy's)
        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                            initializer=start_worker, initargs=(memory_mb, self.owner))
        # The workers are started from a thread that lives as long as the pool: a worker dies with the thread that
        # started it (PR_SET_PDEATHSIG), and the app's script threads end after every rerun.
        self._closed = threading.Event()
        started = threading.Event()
        failure: list[BaseException] = []

        def hold() -> None:
            try:
                for future in [self.executor.submit(_ready) for _ in range(workers)]:
                    future.add_done_callback(lambda _: None)
            except BaseException as exc:  # told to the caller below, which would otherwise wait for ever
                failure.append(exc)
                return
            finally:
                started.set()
            self._closed.wait()

        threading.Thread(target=hold, name="atkb-reading-workers", daemon=True).start()
        started.wait()
        # the executor's own worker table and manager thread (it drops its references to them when shut down):
        # what the exit stops and waits for
        processes = getattr(self.executor, "_processes", None)
        self._workers: dict[int, Any] = processes if processes is not None else {}
        self._manager: threading.Thread | None = getattr(self.executor, "_executor_manager_thread", None)
        if failure:
            self.executor.shutdown(wait=False, cancel_futures=True)
            raise KBError(f"cannot start the worker processes that read files ({type(failure[0]).__name__}: "
                          f"{failure[0]}); check the memory available (setting max_worker_memory_mb) and try again")
        _ReadingPool._unended.add(self)

    @classmethod
    def get(cls, workers: int, memory_mb: int) -> "_ReadingPool":
        """The pool for this many workers and this memory cap (a new one when those changed or it broke)."""
        if cls._exiting:
            raise KBError("this process is exiting: no more files are read")
        pool = cls._current
        if pool is None or pool.key != (workers, memory_mb) or getattr(pool.executor, "_broken", False):
            if pool is not None:
                pool.close()
            cls._unended = {p for p in cls._unended if p._manager is not None and p._manager.is_alive()}
            pool = cls._current = cls(workers, memory_mb)
        return pool

    def kill(self) -> None:
        """Stop every worker at once (one of them is stuck past every limit)."""
        for process in list(self._workers.values()):
            process.kill()
        self.close()

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self._closed.set()
        if _ReadingPool._current is self:
            _ReadingPool._current = None

    def end(self) -> None:
        """Stop the workers and wait (bounded) for the pool's manager thread, which the interpreter's exit joins."""
        self.kill()
        manager = self._manager
        if manager is not None:
            manager.join(timeout=EXIT_WAIT_S)
            if manager.is_alive():  # the interpreter's exit would join it with no limit
                print(f"atkb: the reading pool did not stop within {EXIT_WAIT_S} s; the exit goes on without it",
                      file=sys.stderr)
                getattr(futures_process, "_threads_wakeups", {}).pop(manager, None)
        _ReadingPool._unended.discard(self)


def _end_reading_pools_at_exit() -> None:
    """The pools end with the process, before the interpreter waits for pools: a worker still reading a file (or a
    pool the standard library cannot wind down) would otherwise hold the exit for as long as the read takes, or for
    ever. A thread still ingesting gets an error instead of a new pool."""
    _ReadingPool._exiting = True
    for pool in list(_ReadingPool._unended):
        if pool.owner != os.getpid():  # a forked child's copy: the workers are its parent's
            continue
        try:
            pool.end()
        except Exception as exc:  # noqa: BLE001 - raised here it would stop the interpreter's own exit steps
            print(f"atkb: could not stop the reading workers at exit ({type(exc).__name__}: {exc})", file=sys.stderr)


# threading's exit hooks run, last registered first, before the interpreter joins its threads and pools (and so
# before concurrent.futures' own, registered when it was imported above); atexit's run after those joins, too late.
try:
    threading._register_atexit(_end_reading_pools_at_exit)
except RuntimeError:  # first imported while the interpreter is already exiting: there is nothing to end
    pass


def _run_jobs(jobs: list[PrepareJob], workers: int | None) -> Iterator[tuple[PrepareJob, list[Prepared]]]:
    """Run prepare_file over the jobs in order, always in worker processes (one file alone too), at most
    2 × workers files ahead of the writer. When a worker dies, the files that were in flight are read again one
    at a time, so that only the file that kills its worker is reported."""
    if not jobs:
        return
    n_workers = max(1, workers if workers is not None else min(2, os.cpu_count() or 1))
    memory = jobs[0].memory_mb
    queue = deque(jobs)
    in_flight: deque[tuple[PrepareJob, Future]] = deque()
    alone: set[int] = set()  # jobs to read with nothing else in flight
    pool = _ReadingPool.get(n_workers, memory)
    while queue or in_flight:
        while queue and len(in_flight) < n_workers * 2 and not (in_flight and id(queue[0]) in alone):
            job = queue.popleft()
            in_flight.append((job, pool.executor.submit(prepare_file, job)))
            if id(job) in alone:
                break
        job, future = in_flight.popleft()
        seconds = job.options.seconds_allowed
        try:
            results = future.result(timeout=seconds + 30 if seconds > 0 else None)
        except FutureTimeout:  # stuck in code that even SIGALRM cannot interrupt: stop the workers
            pool.kill()
            results = [failed(job.source or job.path, f"reading took longer than {seconds:.0f} s and was stopped; "
                                                       "raise the setting max_seconds_per_file or split the file")]
        except BrokenProcessPool:  # a worker died (e.g. killed by the OS for memory)
            if in_flight or id(job) not in alone:
                lost = [job] + [other for other, _ in in_flight]
                alone.update(id(j) for j in lost)
                queue.extendleft(reversed(lost))
                in_flight.clear()
                pool = _ReadingPool.get(n_workers, memory)
                continue
            results = [failed(job.source or job.path, _crash_reason(job.memory_mb))]
        if _ReadingPool._current is not pool or getattr(pool.executor, "_broken", False):
            queue.extendleft(reversed([other for other, _ in in_flight]))  # lost with the workers: read again
            in_flight.clear()
            pool = _ReadingPool.get(n_workers, memory)
        yield job, results


def _prepared(jobs: list[PrepareJob], workers: int | None, ray: str | None, settings: Any,
              writer: Any) -> Iterator[tuple[PrepareJob, list[Prepared]]]:
    """Each job with its results: from the local reading workers, or from Ray tasks that embed the chunks too."""
    if ray is None:
        return _run_jobs(jobs, workers)
    from .ray_ingest import run_jobs_on_ray

    return run_jobs_on_ray(jobs, ray, settings, failed, writer.add_embeddings)


def _crash_reason(memory_mb: int) -> str:
    """Why a file whose worker died failed: under a memory cap the cap is the likely cause (the operating system
    may kill the worker before Python can say it ran out)."""
    if memory_mb:
        return (f"refused: reading it needs more than {memory_mb} MB of memory (setting max_worker_memory_mb): its "
                "worker stopped; raise the setting, or check the file (a decompression bomb?)")
    return ("reading the file crashed its worker (out of memory or a fault in a library); check the file or ingest it "
            "alone")


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
