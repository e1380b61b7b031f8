"""Several processes on one data directory: writers take turns (the second waits, says so, and never overwrites),
readers never change a file and see what the writers add, and `kb check` agrees afterwards."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings
from kb.lock import IngestLock

from .conftest import KEYWORD_BACKEND, SEARCH_ENV
from .fixtures import make_pdf

MODES = ("keyword", "semantic", "hybrid")
# one word only each batch's documents contain, so every document can be found by it
BATCHES = {"alpha": [f"quokkaword{i}" for i in range(4)], "beta": [f"wombatword{i}" for i in range(4)]}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({"KB_EMBEDDER": "hashing", "KB_OCR": "off", "KB_KEYWORD_BACKEND": KEYWORD_BACKEND,
                "KB_INDEX_BATCH_DOCS": "1",
                # a writer that waits for another gives up in two minutes, not the default hour
                "KB_LOCK_TIMEOUT": "120"})
    env.update(SEARCH_ENV)
    env.update(extra)
    return env


def _kb(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kb.cli", "--home", str(home), *args]


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, words in BATCHES.items():
        folder = tmp_path_factory.mktemp(name)
        for word in words:
            make_pdf(folder / f"{word}.pdf", [f"Report {word} on shelters\nThe {word} programme supports victims.",
                                              f"Second page of {word}: referral and compensation."])
        out[name] = folder
    return out


READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from kb import KnowledgeBase, Settings
    home, stop, words = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(",")
    kb = KnowledgeBase(Settings.load({"home": str(home)}))  # opened once, kept open all along
    searches, errors, deadline = 0, [], time.monotonic() + 240
    while not stop.exists() and time.monotonic() < deadline and searches < 1_000_000:
        for mode in ("keyword", "semantic", "hybrid"):
            try:
                kb.search(words[searches % len(words)], mode=mode, k=5)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            searches += 1
    found = {mode: sorted(w for w in words if kb.search(w, mode=mode, k=3).hits) for mode in ("keyword", "semantic",
             "hybrid")}
    print(json.dumps({"searches": searches, "errors": errors[:5], "found": found}))
""")


def test_two_writers_and_a_reader_on_one_home(tmp_path: Path, batches: dict[str, Path],
                                              search_backend: str) -> None:
    home = tmp_path / "home"
    words = [w for ws in BATCHES.values() for w in ws]
    with KnowledgeBase(Settings.load({"home": str(home)}, environ=_env())):
        pass  # an empty knowledge base, as the app would open it before anything is ingested
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(home), str(stop), ",".join(words)], env=_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writers = [subprocess.Popen(_kb(home, "ingest", str(folder), "--workers", "1", "--json"), env=_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for folder in batches.values()]
    try:
        outputs = [w.communicate(timeout=300) for w in writers]
        stop.write_text("done")
        reader_out, reader_err = reader.communicate(timeout=300)
    finally:  # none of them outlives the test, whatever failed
        for process in (reader, *writers):
            if process.poll() is None:
                process.kill()

    for writer, (out, err) in zip(writers, outputs):
        assert writer.returncode == 0, err
        assert json.loads(out)["counts"]["added"] == 4
    result = json.loads(reader_out.strip().splitlines()[-1])
    assert result["errors"] == [], reader_err
    assert result["searches"] > 0
    # the long-lived reader sees every document of both writers, in every mode, without reopening
    assert result["found"] == {mode: sorted(words) for mode in MODES}

    check = subprocess.run(_kb(home, "check", "--json"), env=_env(), capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert json.loads(check.stdout)["documents"] == 8
    with KnowledgeBase(Settings.load({"home": str(home)}, environ=_env())) as kb:
        for mode in MODES:
            assert all(kb.search(word, mode=mode, k=3).hits for word in words), mode


def test_a_second_writer_waits_says_so_and_then_writes(tmp_path: Path, batches: dict[str, Path]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    lock = IngestLock(home / "write.lock")
    lock.acquire()
    proc = subprocess.Popen(_kb(home, "ingest", str(batches["alpha"]), "--workers", "1"),
                            env=_env(KB_LOCK_TIMEOUT="120"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stderr is not None
        first_line = proc.stderr.readline()  # until the writer says why it waits (it gives up after 120 s)
        assert "waiting for another ingest to finish" in first_line and f"pid {os.getpid()}" in first_line
        assert proc.poll() is None
        lock.release()
        out, _ = proc.communicate(timeout=300)
    finally:
        lock.release()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "4 added" in out


def test_a_writer_gives_up_after_the_timeout_with_a_clear_message(tmp_path: Path, batches: dict[str, Path]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with IngestLock(home / "write.lock"):
        started = time.monotonic()
        done = subprocess.run(_kb(home, "ingest", str(batches["beta"]), "--workers", "1"),
                              env=_env(KB_LOCK_TIMEOUT="1"), capture_output=True, text=True, timeout=120)
        assert time.monotonic() - started >= 1
    assert done.returncode == 1
    assert "is writing to" in done.stderr and "lock_timeout" in done.stderr
    with KnowledgeBase(Settings.load({"home": str(home)}, environ=_env())) as kb:
        assert kb.stats()["documents"] == 0  # nothing half-written


def test_opening_for_reading_changes_no_file(tmp_path: Path, batches: dict[str, Path]) -> None:
    home = tmp_path / "home"
    subprocess.run(_kb(home, "ingest", str(batches["alpha"]), "--workers", "1"), env=_env(), check=True,
                   capture_output=True)
    # a segment file as a writer has it between writing its segment and its manifest
    (home / "vectors" / "seg-999999.npy").write_bytes(b"being written")
    before = {p: p.stat().st_mtime_ns for p in home.rglob("*") if p.is_file() and p.name != "write.lock"}
    with IngestLock(home / "write.lock"):  # a writer is at work: readers must not touch its files
        for args in (("search", "quokkaword1", "--mode", "hybrid"), ("stats",), ("check",)):
            subprocess.run(_kb(home, *args), env=_env(), check=True, capture_output=True)
    after = {p: p.stat().st_mtime_ns for p in home.rglob("*") if p.is_file() and p.name != "write.lock"}
    changed = {p.relative_to(home) for p in set(before) | set(after) if before.get(p) != after.get(p)}
    # SQLite's WAL files are the only ones a reader may touch (its shared-memory index)
    assert {str(p) for p in changed} <= {"kb.sqlite-wal", "kb.sqlite-shm"}
    assert (home / "vectors" / "seg-999999.npy").exists()
