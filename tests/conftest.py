"""Shared fixtures: a fresh knowledge base per test, generated documents, and ../shared when present."""
from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from kb import KnowledgeBase, Settings

from .exit_watch import watch_the_exit
from .fixtures import make_bad_inputs, make_corpus
from .milvus_server import running_server

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KB_SHARED_DIR", REPO.parent / "shared"))
REALDOCS = SHARED / "realdocs"
SCIFACT = SHARED / "beir" / "scifact"

needs_realdocs = pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs is not present")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data directory."""
    return tmp_path / "home"


# The keyword engine every test runs on (the default unless ATKB_TEST_KEYWORD_BACKEND names the other one): CI
# runs the whole suite on the default and the contract suite on both.
KEYWORD_BACKEND = os.environ.get("ATKB_TEST_KEYWORD_BACKEND") or Settings.load(environ={}).keyword_backend
# The deterministic lexical embedder (no model to load); keyword as the default mode so that tests of keyword
# behaviour say so once. Semantic and hybrid tests name their mode.
FAST = {"embedder": "hashing", "default_mode": "keyword", "ocr": "off", "keyword_backend": KEYWORD_BACKEND}


@pytest.fixture(autouse=True)
def _fast_embedder_by_default(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Unit tests use the hashing embedder; tests marked `integration` get the real model."""
    for name in list(os.environ):
        if name.startswith("KB_") and not name.startswith(("KB_E2E_", "KB_SHARED_DIR")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KB_KEYWORD_BACKEND", KEYWORD_BACKEND)
    if "integration" not in request.keywords:
        for name, value in FAST.items():
            monkeypatch.setenv(f"KB_{name.upper()}", value)


@pytest.fixture(autouse=True)
def _nothing_frozen_past_a_test() -> Iterator[None]:
    """The app freezes what it holds once open (kb.heap); in the test process that would keep each test's cyclic
    garbage to the end, so what a test froze goes back to the collector after it."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URI of a Milvus Lite server process shared by the session's tests (each test uses its own
    collections)."""
    yield from running_server(tmp_path_factory.mktemp("milvus") / "data")


# The search backend's settings for the processes a test starts: empty (the local indexes) unless the test takes the
# `search_backend` fixture, which runs it on the local indexes and on Milvus.
SEARCH_ENV: dict[str, str] = {}


@pytest.fixture(params=["local", "milvus"])
def search_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The test run on the local indexes and on Milvus (the session's Milvus Lite server, shared by processes)."""
    if request.param == "milvus":
        SEARCH_ENV.update({"KB_SEARCH_BACKEND": "milvus", "KB_MILVUS_URI": request.getfixturevalue("milvus_uri")})
    yield request.param
    SEARCH_ENV.clear()


@pytest.fixture
def kb(home: Path):
    """A fresh knowledge base on an empty data directory, with the hashing embedder."""
    base = KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={}))
    yield base
    base.close()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated documents (English and Dutch PDFs, a two-column PDF, Markdown, JSONL records)."""
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder)
    return folder


@pytest.fixture(scope="session")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files that must be refused: encrypted, truncated, HTML saved as PDF, empty, scanned, unsupported."""
    folder = tmp_path_factory.mktemp("bad")
    make_bad_inputs(folder)
    return folder


@pytest.fixture(scope="session")
def whole_app_client() -> Iterator[Any]:
    """The whole ASGI app of app.py (pages, routes, API) under Starlette's test client, entered once per test
    process: Streamlit's runtime starts once per process, and a second start of the same app waits for ever."""
    from starlette.testclient import TestClient

    import app

    with TestClient(app.app) as client:
        yield client


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """A run whose process then does not exit fails with what held it printed (tests/exit_watch.py)."""
    watch_the_exit()
