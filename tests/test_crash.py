"""Crash safety: SIGKILL a real ingest at many moments; the store and index must open, agree, and finish later."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings
from kb.backends import build_keyword_index
from kb.store import DocumentStore
from kb.vectors import ExactVectorIndex

from .conftest import KEYWORD_BACKEND
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
    env.update(extra)
    return env


def _assert_consistent_and_finishable(home: Path, folder: Path) -> None:
    # the raw store and keyword index open cleanly, before any recovery
    DocumentStore(home / "kb.sqlite").close()
    build_keyword_index(Settings.load({"home": str(home)}, environ={}), home / "keyword").close()
    ExactVectorIndex(home / "vectors")
    # the facade finishes half-done work on open; then store and index agree
    with KnowledgeBase(Settings.load({"home": str(home), "embedder": "hashing"}, environ={})) as kb:
        result = kb.check()
        assert result["ok"], result
        ready_before = result["documents"]
        assert ready_before <= N_DOCS
    # no stale lock: the next run finishes the work
    done = subprocess.run(_ingest_cmd(home, folder), env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with KnowledgeBase(Settings.load({"home": str(home), "embedder": "hashing"}, environ={})) as kb:
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
def test_kill_at_named_points(tmp_path: Path, crash_corpus: Path, point: str) -> None:
    home = tmp_path / "home"
    proc = subprocess.run(_ingest_cmd(home, crash_corpus), env=_env(KB_TEST_KILL_AT=point),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    _assert_consistent_and_finishable(home, crash_corpus)


@pytest.fixture(scope="module")
def full_run_seconds(crash_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long an uninterrupted ingest of the crash corpus takes here, start-up included."""
    home = tmp_path_factory.mktemp("timing") / "home"
    started = time.perf_counter()
    subprocess.run(_ingest_cmd(home, crash_corpus), env=_env(), capture_output=True, check=True, timeout=300)
    return time.perf_counter() - started


@pytest.mark.parametrize("fraction", [0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 0.97])
def test_kill_at_moments_spread_over_the_run(tmp_path: Path, crash_corpus: Path, full_run_seconds: float,
                                             fraction: float) -> None:
    home = tmp_path / "home"
    proc = subprocess.Popen(_ingest_cmd(home, crash_corpus), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(full_run_seconds * fraction)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    _assert_consistent_and_finishable(home, crash_corpus)


def test_update_killed_midway_keeps_one_consistent_version(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    path = make_pdf(folder / "report.pdf", ENGLISH_PAGES)
    home = tmp_path / "home"
    assert subprocess.run(_ingest_cmd(home, folder), env=_env(), capture_output=True).returncode == 0
    make_pdf(path, DUTCH_PAGES)
    proc = subprocess.run(_ingest_cmd(home, folder), env=_env(KB_TEST_KILL_AT="after_store_write:1"),
                          capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    with KnowledgeBase(Settings.load({"home": str(home), "embedder": "hashing"}, environ={})) as kb:
        assert kb.check()["ok"]
        assert kb.search("greenhouses", mode="keyword").hits == []  # the old version is gone from the index
        assert kb.search("schadevergoeding", mode="keyword").hits
        [hit] = kb.search("schadevergoeding", mode="semantic").hits
        assert all("greenhouses" not in p.text for p in hit.passages)
        assert kb.stats()["documents"] == 1
