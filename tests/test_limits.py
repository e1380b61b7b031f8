"""Limits against hostile files: size, pages, time, zip and stream bombs, huge images, memory."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.loaders import LoadOptions, loader_for
from ingest.prepare import TimeUp, time_limit
from kb import KnowledgeBase, Settings
from kb.errors import LoadError

from .conftest import FAST
from .fixtures import (ENGLISH_PAGES, make_docx, make_image_bomb_pdf, make_pdf, make_pptx, make_slow_page_pdf,
                       make_stream_bomb_pdf, make_zip_bomb_docx)


def limited_kb(home: Path, **settings) -> KnowledgeBase:
    return KnowledgeBase(Settings.load({"home": str(home), **FAST, **settings}, environ={}))


def reason(report, name: str) -> str:
    failed = {Path(i.source).name: i.reason for i in report.failed}
    assert name in failed, [i.line() for i in report.items]
    return failed[name]


def test_file_size_page_and_slide_limits_are_settings(home: Path, tmp_path: Path) -> None:
    make_pdf(tmp_path / "long.pdf", ENGLISH_PAGES)
    make_pptx(tmp_path / "talk.pptx")
    make_pdf(tmp_path / "short.pdf", ENGLISH_PAGES[:2])
    with limited_kb(home, max_pages=2) as kb:
        report = kb.ingest([tmp_path], workers=1)
    assert "3 pages, over the limit of 2 (setting max_pages)" in reason(report, "long.pdf")
    assert "3 slides, over the limit of 2 (setting max_pages)" in reason(report, "talk.pptx")
    assert report.counts()["added"] == 1
    with limited_kb(tmp_path / "other", max_file_mb=0.001) as kb:
        report = kb.ingest([tmp_path / "short.pdf"], workers=1)
    assert "over the limit of 0 MB (setting max_file_mb)" in reason(report, "short.pdf")


def test_time_per_file_stops_a_slow_file_and_the_batch_goes_on(home: Path, tmp_path: Path) -> None:
    slow = make_pdf(tmp_path / "slow.pdf", ENGLISH_PAGES * 20)
    with limited_kb(home, max_seconds_per_file=0.0001) as kb:
        report = kb.ingest([slow, tmp_path / "missing.pdf"], workers=1)
    assert "reading took longer than 0 s" in reason(report, "slow.pdf")
    assert "max_seconds_per_file" in reason(report, "slow.pdf")
    assert len(report.items) == 2


def test_hard_time_limit_interrupts_code_that_never_checks() -> None:
    started = time.monotonic()
    with pytest.raises(TimeUp):
        with time_limit(0.3):
            time.sleep(5)
    assert time.monotonic() - started < 3


def test_office_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = make_zip_bomb_docx(tmp_path / "bomb.docx", unpacked_mb=60)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(LoadError, match="decompression bomb"):
        list(loader_for(bomb).load(bomb, LoadOptions()))
    plain = make_docx(tmp_path / "plain.docx")
    with pytest.raises(LoadError, match=r"unpack to \d+ MB, over the limit of 0 MB \(setting max_unpacked_mb\)"):
        list(loader_for(plain).load(plain, LoadOptions(max_unpacked_bytes=1000)))


def test_pdf_stream_bomb_is_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    bomb = make_stream_bomb_pdf(tmp_path / "bomb.pdf")
    assert bomb.stat().st_size < 1_000_000
    report = kb.ingest([bomb])
    assert "refused: a compressed stream on page 1 unpacks beyond" in reason(report, "bomb.pdf")


def test_huge_image_only_pdf_is_refused_without_decoding_it(tmp_path: Path, home: Path) -> None:
    bomb = make_image_bomb_pdf(tmp_path / "scan.pdf", 60000, 60000)
    with limited_kb(home, ocr="auto") as kb:
        report = kb.ingest([bomb])
    assert "page 1 holds an image of 60000×60000 pixels (3600 megapixels), over the limit of 200" in \
        reason(report, "scan.pdf")


def test_worker_memory_cap_turns_exhaustion_into_memory_error() -> None:
    code = ("from ingest.pipeline import _limit_memory; _limit_memory(400)\n"
            "try:\n    bytearray(800 * 1024 * 1024)\nexcept MemoryError:\n    print('refused')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "refused", result.stderr


def _ingest_in_a_thread(kb: KnowledgeBase, path: Path):
    """Ingest as the app does: from a thread that is not the main one (where SIGALRM cannot be used)."""
    import threading

    out = {}
    # a daemon: an ingest that never ends fails this test below and cannot hold the test process at its exit
    thread = threading.Thread(target=lambda: out.setdefault("report", kb.ingest([path], workers=1)), daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), f"ingesting {path.name} from a thread did not end within 120 s"
    return out["report"]


def test_a_single_file_is_read_under_the_memory_cap(home: Path, tmp_path: Path) -> None:
    # 64 MB cannot hold a Python that reads a PDF: refused only if the file is read in a capped worker process
    pdf = make_pdf(tmp_path / "one.pdf", ENGLISH_PAGES)
    with limited_kb(home, max_worker_memory_mb=64) as kb:
        direct = kb.ingest([pdf], workers=1)
        threaded = _ingest_in_a_thread(kb, pdf)
    for report in (direct, threaded):
        assert "needs more than 64 MB of memory (setting max_worker_memory_mb)" in reason(report, "one.pdf")


def test_the_hard_deadline_stops_a_slow_page_even_from_the_apps_thread(home: Path, tmp_path: Path) -> None:
    slow = make_slow_page_pdf(tmp_path / "slow.pdf")  # one page, about 10 s to extract: no check between pages
    with limited_kb(home, max_seconds_per_file=1) as kb:
        started = time.monotonic()
        report = _ingest_in_a_thread(kb, slow)
        took = time.monotonic() - started
        assert kb.stats()["documents"] == 0
    assert "reading took longer than 1 s and was stopped" in reason(report, "slow.pdf")
    assert took < 30
