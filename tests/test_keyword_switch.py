"""Switching a knowledge base between keyword engines: refused with the fix until `kb reindex --keyword`, then
the other engine answers the same queries; nothing else is rebuilt and the old engine's files are gone."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import KEYWORD_BACKEND

OTHER = "whoosh" if KEYWORD_BACKEND == "tantivy" else "tantivy"


def kb_cli(home: Path, *args: str, backend: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({"KB_EMBEDDER": "hashing", "KB_OCR": "off", "KB_KEYWORD_BACKEND": backend})
    done = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), *args], env=env,
                          capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def ranked(home: Path, query: str, backend: str) -> list[str]:
    out = kb_cli(home, "search", query, "--mode", "keyword", "--json", backend=backend)
    return [r["title"] for r in json.loads(out.stdout)["results"]]


@pytest.mark.parametrize("query", ["compensation for victims", "schadevergoeding slachtoffers", "labour inspector"])
def test_reindex_keyword_switches_engines(home: Path, corpus_dir: Path, query: str) -> None:
    kb_cli(home, "ingest", str(corpus_dir), "--workers", "1", backend=KEYWORD_BACKEND)
    before = ranked(home, query, KEYWORD_BACKEND)
    assert before
    vectors_manifest = (home / "vectors" / "manifest.json").read_text()

    refused = kb_cli(home, "search", query, "--mode", "keyword", backend=OTHER, check=False)
    assert refused.returncode == 1
    assert f"built by {KEYWORD_BACKEND}" in refused.stderr and "kb reindex --keyword" in refused.stderr
    stats = json.loads(kb_cli(home, "stats", "--json", backend=OTHER).stdout)  # the store still opens
    assert stats["keyword_backend"] == KEYWORD_BACKEND and stats["documents"] == 6

    kb_cli(home, "reindex", "--keyword", backend=OTHER)
    assert json.loads(kb_cli(home, "stats", "--json", backend=OTHER).stdout)["keyword_backend"] == OTHER
    assert set(ranked(home, query, OTHER)[:1]) == set(before[:1])
    assert (home / "vectors" / "manifest.json").read_text() == vectors_manifest  # vectors untouched
    assert not (home / "keyword.new").exists() and not (home / "keyword.old").exists()
    check = kb_cli(home, "check", "--json", backend=OTHER)
    assert json.loads(check.stdout)["ok"]
