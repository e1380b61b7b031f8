"""Ingestion overlaps reading and indexing with embedding, and stays crash-safe and complete doing so."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pytest

from kb import KnowledgeBase, Settings

from .conftest import FAST, REPO
from .fixtures import DUTCH_PAGES, ENGLISH_PAGES, make_pdf

N_DOCS = 6


class GatedEmbedder:
    """Wraps the real (hashing) embedder: the first call waits until the test opens the gate, and says whether
    it was still waiting when the ingestion went on to stage later documents."""

    def __init__(self, inner: Any, fail: bool = False):
        self.inner = inner
        self.dimension = inner.dimension
        self.meaning_floor = getattr(inner, "meaning_floor", None)  # the hashing embedder's own scale
        self.fail = fail
        self.waiting = threading.Event()
        self.gate = threading.Event()
        self.threads: set[str] = set()
        self.calls = 0
        self.on_main: list[str] = []  # the texts embedded by the writer's own thread

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        if threading.current_thread() is threading.main_thread():
            self.on_main.extend(texts)
        if self.calls == 1:
            self.waiting.set()
            opened = self.gate.wait(timeout=30)
            self.waiting.clear()
            if not opened:
                raise AssertionError("the ingestion waited for the embedding instead of reading on")
        if self.fail:
            raise RuntimeError("the embedding model failed")
        return self.inner.embed(texts, batch_size=batch_size, progress=progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pipelining")
    for i in range(N_DOCS):
        make_pdf(folder / f"report{i}.pdf", [f"Report {i}. " + page for page in ENGLISH_PAGES + DUTCH_PAGES])
    return folder


def _open(home: Path) -> KnowledgeBase:
    return KnowledgeBase(Settings.load({"home": str(home), **FAST, "index_batch_docs": 2}, environ={}))


def test_later_files_are_read_and_staged_while_a_batch_is_embedded(home: Path, folder: Path) -> None:
    with _open(home) as kb:
        gated = GatedEmbedder(kb.indexer.backends.embedder())
        kb.indexer.backends._embedder = gated
        staged_while_embedding: list[str] = []

        def on_file(source: str, items: list) -> None:
            if gated.waiting.is_set():  # the first batch is still being embedded
                staged_while_embedding.append(Path(source).name)
                gated.gate.set()

        report = kb.ingest([folder], workers=1, on_file=on_file)
        assert staged_while_embedding, "no file was staged while the first batch was embedded"
        assert report.counts().get("added") == N_DOCS
        # the chunks were embedded beside the writer; the writer itself embeds only the few records a finished
        # batch yields (recommendations found in these pages), for record search
        assert gated.threads - {threading.current_thread().name}
        records = {view.record.text for view in kb.recommendations()}
        assert set(gated.on_main) <= records
        assert kb.stats()["pending"] == 0
        assert kb.check()["ok"]
        hits = kb.search("greenhouses", k=20, mode="semantic").hits
        assert len({h.document.doc_id for h in hits}) == N_DOCS


def test_a_failing_embedder_leaves_documents_pending_and_the_next_run_finishes_them(home: Path,
                                                                                    folder: Path) -> None:
    with _open(home) as kb:
        gated = GatedEmbedder(kb.indexer.backends.embedder(), fail=True)
        gated.gate.set()
        kb.indexer.backends._embedder = gated
        with pytest.raises(RuntimeError, match="embedding model failed"):
            kb.ingest([folder], workers=1)
        assert kb.stats()["documents"] < N_DOCS  # nothing was marked ready without its vectors
    with _open(home) as kb:  # the next writer finishes the pending documents
        assert kb.stats()["pending"] == 0
        assert kb.check()["ok"]
        kb.ingest([folder], workers=1)
        assert kb.stats()["documents"] == N_DOCS
        assert len(kb.search("greenhouses", k=20, mode="semantic").hits) == N_DOCS


def test_reading_workers_yield_the_cores_to_the_embedder_and_searches(kb: KnowledgeBase, folder: Path) -> None:
    import os

    from ingest.pipeline import READING_NICENESS, _ReadingPool

    kb.ingest([folder / "report0.pdf"], workers=2)
    workers = list(_ReadingPool._current.executor._processes.values())
    assert len(workers) == 2
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    for process in workers:
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(19, mine + READING_NICENESS)


def test_reading_workers_that_cannot_start_are_an_error_not_a_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import ingest.pipeline as pipeline
    from kb.errors import KBError

    class Refusing(ProcessPoolExecutor):
        def submit(self, *args: Any, **kwargs: Any) -> Any:
            raise BrokenProcessPool("a worker died as it started")

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", Refusing)
    outcome: list[BaseException] = []

    def start() -> None:
        try:
            pipeline._ReadingPool.get(3, 777)
        except BaseException as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcome.append(exc)

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the ingest waited for workers that never started"
    assert isinstance(outcome[0], KBError) and "cannot start the worker processes" in str(outcome[0])
    assert pipeline._ReadingPool._current is None or pipeline._ReadingPool._current.key != (3, 777)


# A process whose warm reading worker is busy (here for an hour) when the process ends.
EXIT_WHILE_READING = """
import time
from ingest.pipeline import _ReadingPool
pool = _ReadingPool.get(1, 0)
print(next(iter(pool._workers.values())).pid, flush=True)
task = pool.executor.submit(time.sleep, 3600)
while not task.running():  # handed to the worker: it can no longer be cancelled
    time.sleep(0.05)
"""


def test_a_process_ends_without_waiting_for_its_reading_workers() -> None:
    # the exit stops the kept pool; without that it would wait for the worker's task (an hour here)
    try:
        done = subprocess.run([sys.executable, "-c", EXIT_WHILE_READING], capture_output=True, text=True,
                              timeout=120, cwd=REPO)
    except subprocess.TimeoutExpired:
        pytest.fail("the process was still waiting for its reading worker 120 s after its last line")
    assert done.returncode == 0, done.stderr
    worker = int(done.stdout.split()[0])
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)


def test_at_exit_every_pool_is_stopped_and_no_new_one_starts(kb: KnowledgeBase, folder: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.pipeline import _end_reading_pools_at_exit, _ReadingPool
    from kb.errors import KBError

    kb.ingest([folder / "report0.pdf"], workers=2)
    replaced = _ReadingPool._current
    kb.ingest([folder / "report1.pdf"], workers=1)  # another worker count: a new pool, the first one closed
    current = _ReadingPool._current
    assert current is not replaced
    workers = [p for pool in (replaced, current) for p in pool._workers.values()]
    monkeypatch.setattr(_ReadingPool, "_exiting", False)  # given back to the rest of the run
    _end_reading_pools_at_exit()
    for process in workers:
        process.join(timeout=30)
        assert not process.is_alive()
    assert _ReadingPool._current is None and not _ReadingPool._unended
    with pytest.raises(KBError, match="this process is exiting: no more files are read"):
        _ReadingPool.get(1, 0)
