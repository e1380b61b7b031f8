"""Shared fixtures: a fresh knowledge base per test, generated documents, and ../shared when present."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .fixtures import make_bad_inputs, make_corpus

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KB_SHARED_DIR", REPO.parent / "shared"))
REALDOCS = SHARED / "realdocs"
SCIFACT = SHARED / "beir" / "scifact"

needs_realdocs = pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs is not present")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data directory."""
    return tmp_path / "home"


@pytest.fixture
def kb(home: Path):
    """A fresh knowledge base on an empty data directory (single-process ingestion for speed)."""
    base = KnowledgeBase(Settings.load({"home": str(home)}, environ={}))
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
