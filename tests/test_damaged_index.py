"""A damaged index is recoverable: one clear message naming the file and `kb reindex`; `kb check` lists it;
`kb reindex` rebuilds from the store without loading the damaged index; then everything works again."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from kb.engines.registry import KEYWORD_BACKENDS


def _kb(home: Path, backend: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({"KB_EMBEDDER": "hashing", "KB_OCR": "off", "KB_KEYWORD_BACKEND": backend})
    return subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def _largest(folder: Path, pattern: str) -> Path:
    return max((p for p in folder.glob(pattern) if p.is_file()), key=lambda p: p.stat().st_size)


def delete_keyword_segment(home: Path) -> tuple[Path, str]:
    victim = _largest(home / "keyword", "*")
    victim.unlink()
    return victim, "--keyword"


def delete_vector_segment(home: Path) -> tuple[Path, str]:
    victim = _largest(home / "vectors", "seg-*.npy")
    victim.unlink()
    return victim, "--vectors"


def corrupt_vector_manifest(home: Path) -> tuple[Path, str]:
    victim = home / "vectors" / "manifest.json"
    victim.write_text('{"schema_version": 1, "segm')
    return victim, "--vectors"


DAMAGE: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "keyword segment deleted": delete_keyword_segment, "vector segment deleted": delete_vector_segment,
    "vector manifest cut short": corrupt_vector_manifest}


@pytest.mark.parametrize("backend", sorted(KEYWORD_BACKENDS))
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damage_is_named_and_reindex_repairs_it(tmp_path: Path, corpus_dir: Path, backend: str, damage: str) -> None:
    home = tmp_path / "home"
    assert _kb(home, backend, "ingest", str(corpus_dir), "--workers", "1").returncode == 0
    victim, option = DAMAGE[damage](home)
    mode = "keyword" if option == "--keyword" else "semantic"

    search = _kb(home, backend, "search", "greenhouses", "--mode", mode)
    assert search.returncode == 1
    assert "Traceback" not in search.stderr
    assert victim.name in search.stderr and f"kb reindex {option}" in search.stderr

    check = _kb(home, backend, "check", "--json")
    assert check.returncode == 1
    assert any(victim.name in problem for problem in json.loads(check.stdout)["problems"])

    assert _kb(home, backend, "reindex").returncode == 0
    for mode in ("keyword", "semantic", "hybrid"):
        found = _kb(home, backend, "search", "greenhouses", "--mode", mode, "--json")
        assert found.returncode == 0, found.stderr
        assert "Labour exploitation report" in [r["title"] for r in json.loads(found.stdout)["results"]], mode
    assert json.loads(_kb(home, backend, "check", "--json").stdout)["ok"]
