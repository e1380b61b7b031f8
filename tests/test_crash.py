"""Crash safety: SIGKILL a real ingest at many moments; the store and index must open, agree, and finish later."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings
from kb.engines.registry import build_keyword_index, build_vector_index
from kb.store import DocumentStore

from .conftest import KEYWORD_BACKEND, SEARCH_ENV
from .fixtures import DUTCH_PAGES, ENGLISH_PAGES, make_pdf

N_DOCS = 24


@pytest.fixture(scope="module")
def crash_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash-corpus")
    for i in range(N_DOCS):
        pages = [f"Document {i} page {p}. " + text for p, text in enumerate((ENGLISH_PAGES + DUTCH_PAGES) * 2)]
        make_pdf(folder / f"doc{i:02d}.pdf", pages)
    return folder


def _ingest_cmd(home: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "kb.cli", "--home", str(home), "ingest", str(folder), "--workers", "1",
            "--no-progress", "--json"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["KB_INDEX_BATCH_DOCS"] = "3"
    env["KB_EMBEDDER"] = "hashing"
    env["KB_KEYWORD_BACKEND"] = KEYWORD_BACKEND  # the engine this test run uses
    env.update(SEARCH_ENV)
    env.update(extra)
    return env


def _assert_consistent_and_finishable(home: Path, folder: Path) -> None:
    # the raw store and keyword index open cleanly, before any recovery
    DocumentStore(home / "kb.sqlite").close()
    settings = Settings.load({"home": str(home)}, environ=_env())
    owner = DocumentStore(home / "kb.sqlite").kb_id()
    build_keyword_index(settings, home / "keyword", owner).close()
    build_vector_index(settings, home / "vectors", owner)
    # the facade finishes half-done work on open; then store and index agree
    with KnowledgeBase(Settings.load({"home": str(home)}, environ=_env())) as kb:
        result = kb.check()
        assert result["ok"], result
        ready_before = result["documents"]
        assert ready_before <= N_DOCS
    # no stale lock: the next run finishes the work
    done = subprocess.run(_ingest_cmd(home, folder), env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with KnowledgeBase(Settings.load({"home": str(home)}, environ=_env())) as kb:
        result = kb.check()
        assert result["ok"], result
        assert result["documents"] == N_DOCS
        assert len(kb.search("greenhouses", k=50, mode="keyword").hits) == N_DOCS
        assert len(kb.search("greenhouses", k=50, mode="semantic").hits) == N_DOCS
        stats = kb.stats()
        assert stats["documents"] == N_DOCS and stats["pending"] == 0


@pytest.mark.parametrize("point", [
    "after_store_write:1", "after_store_write:5", "after_keyword_commit:2", "after_embeddings_cached:1",
    "after_index_commit:1", "after_index_commit:3", "after_mark_ready:2",
])
def test_kill_at_named_points(tmp_path: Path, crash_corpus: Path, point: str, search_backend: str) -> None:
    home = tmp_path / "home"
    proc = subprocess.run(_ingest_cmd(home, crash_corpus), env=_env(KB_TEST_KILL_AT=point),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    _assert_consistent_and_finishable(home, crash_corpus)


def _store_counts(db: Path) -> tuple[int, int]:
    """(documents written, documents ready) in a store another process is writing, read without changing it."""
    if not db.exists():
        return 0, 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT count(*), coalesce(sum(state = 'ready'), 0) FROM documents").fetchone()
        return int(row[0]), int(row[1])
    except sqlite3.OperationalError:  # the schema is still being created
        return 0, 0
    finally:
        conn.close()


# Kill when the run has got this far, observed in the store: (documents written, documents ready) at least.
MOMENTS = {"first document written": (1, 0), "first batch pending": (2, 0), "first batch ready": (3, 3),
           "second batch written": (5, 3), "half ready": (12, 12), "most written": (20, 18),
           "one batch left": (22, 21)}


@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_kill_at_moments_spread_over_the_run(tmp_path: Path, crash_corpus: Path, moment: str) -> None:
    home = tmp_path / "home"
    written, ready = MOMENTS[moment]
    proc = subprocess.Popen(_ingest_cmd(home, crash_corpus), env=_env(KB_INDEX_BATCH_PAGES="100000"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    seen = (0, 0)
    while proc.poll() is None and time.monotonic() < deadline:
        seen = _store_counts(home / "kb.sqlite")
        if seen[0] >= written and seen[1] >= ready:
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    # the kill landed mid-run: the process was still running, and the store was not finished
    assert proc.returncode == -signal.SIGKILL, f"the ingest ended before {moment} was seen"
    assert seen[0] >= written and seen[1] >= ready
    assert seen[1] < N_DOCS
    _assert_consistent_and_finishable(home, crash_corpus)


def test_update_killed_midway_keeps_one_consistent_version(tmp_path: Path, search_backend: str) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    path = make_pdf(folder / "report.pdf", ENGLISH_PAGES)
    home = tmp_path / "home"
    assert subprocess.run(_ingest_cmd(home, folder), env=_env(), capture_output=True).returncode == 0
    make_pdf(path, DUTCH_PAGES)
    proc = subprocess.run(_ingest_cmd(home, folder), env=_env(KB_TEST_KILL_AT="after_store_write:1"),
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    with KnowledgeBase(Settings.load({"home": str(home)}, environ=_env())) as kb:
        assert kb.check()["ok"]
        assert kb.search("greenhouses", mode="keyword").hits == []  # the old version is gone from the index
        assert kb.search("schadevergoeding", mode="keyword").hits
        [hit] = kb.search("schadevergoeding", mode="semantic").hits
        assert all("greenhouses" not in p.text for p in hit.passages)
        assert kb.stats()["documents"] == 1
