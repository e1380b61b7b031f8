"""Reading one file into prepared documents, as a reading worker does: load, metadata, chunks and fingerprint,
within the time and memory allowed; every failure comes back as a reason, never an exception."""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from kb.engines.model_tokenizer import load_tokenizer
from kb.errors import KBError, LoadError
from kb.indexing.fingerprints import fingerprint
from kb.models import LoadedDocument, PreparedDocument

from .chunking import chunk_pages
from .loaders import LoadOptions, loader_for
from .metadata import build_document, layers_beside


@dataclass
class PrepareJob:
    """Everything a worker needs to turn one file into prepared documents."""

    path: str
    options: LoadOptions
    model: str
    chunk_tokens: int
    chunk_overlap: int
    # (source, label, values) metadata layers from the run, lowest precedence first (sidecars come on top)
    layers: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    # the URL a downloaded file came from: the document's source instead of the download's path
    source: str | None = None
    memory_mb: int = 0


@dataclass
class Prepared:
    """A worker's output for one loaded document (doc ids are assigned later by the writer)."""

    loaded: LoadedDocument
    prepared: PreparedDocument | None
    error: str | None = None
    source: str = ""


class TimeUp(BaseException):
    """The hard time limit of one file ran out (a BaseException: no loader's `except Exception` may swallow it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """A hard stop after `seconds` (SIGALRM; only where this runs in the main thread) on top of the loaders'
    own checks between pages."""
    usable = seconds > 0 and threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeUp()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def prepare_file(job: PrepareJob) -> list[Prepared]:
    """Load one file and chunk every document in it (runs in a worker process); every failure is reported."""
    path = Path(job.path)
    out: list[Prepared] = []
    source = job.source or str(path)
    seconds = job.options.seconds_allowed
    try:
        spec = loader_for(path)
        if spec.multi:  # a record file is a whole collection: the time limit is per document file
            seconds = 0.0
        options = replace(job.options, deadline=time.monotonic() + seconds if seconds > 0 else None)
        # the hard stop comes a little after the loaders' own checks, which give the better message
        with time_limit(seconds + 5 if seconds > 0 else 0):
            size = path.stat().st_size
            if size > options.max_file_bytes:
                raise LoadError(source, f"file is {size / 1e6:.0f} MB, over the limit of "
                                        f"{options.max_file_bytes / 1e6:.0f} MB (setting max_file_mb)")
            out.extend(prepare_documents(job, path, spec, options))
    except LoadError as exc:
        out.append(failed(job.source or exc.path, exc.reason))
    except KBError as exc:
        out.append(failed(source, str(exc)))
    except TimeUp:
        out.append(failed(source, f"reading took longer than {seconds:.0f} s and was stopped; raise the setting "
                                   "max_seconds_per_file or split the file"))
    except Exception as exc:  # a bad file must never stop the batch
        if out_of_memory(exc):
            out.append(failed(source, f"refused: reading it needs more than {job.memory_mb} MB of memory "
                                       "(setting max_worker_memory_mb); the file may be a decompression bomb"
                               if job.memory_mb else "file too large to process in memory"))
        else:
            out.append(failed(source, f"unexpected error while reading ({type(exc).__name__}: {exc}); "
                                       "please report it with the file"))
    return out


def out_of_memory(exc: BaseException) -> bool:
    """Whether an error means the memory cap was reached (Python, a shared library or a Rust extension saying so)."""
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return (isinstance(exc, ImportError) and "failed to map" in text) or "out of memory" in text \
        or "cannot allocate memory" in text


def failed(source: str, reason: str) -> Prepared:
    """The output for a source that cannot be read, with the reason."""
    return Prepared(loaded=None, prepared=None, error=reason, source=source)  # type: ignore[arg-type]


def prepare_documents(job: PrepareJob, path: Path, spec: Any, options: LoadOptions) -> Iterator[Prepared]:
    """Each document of the file with its metadata, chunks and fingerprint (or the reason it cannot be read)."""
    layers = list(job.layers) + layers_beside(path)
    tokenizer = load_tokenizer(job.model)
    for result in spec.load(path, options):
        if isinstance(result, LoadError):
            yield failed(result.path, result.reason)
            continue
        if job.source:
            result.source = job.source
        try:
            document = build_document(result, "", layers=layers, fallback_title=path.stem.replace("_", " "))
        except KBError as exc:
            yield failed(result.source, str(exc))
            continue
        chunks = chunk_pages("", result.pages, tokenizer, job.chunk_tokens, job.chunk_overlap)
        document.n_pages = len(result.pages)
        document.n_chunks = len(chunks)
        fp = fingerprint("", document.language, (p.text for p in result.pages)) if not spec.multi else None
        yield Prepared(loaded=result, prepared=PreparedDocument(document, result.pages, chunks, fp),
                       source=result.source)
