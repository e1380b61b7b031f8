"""End to end: `kb serve` on a temporary knowledge base, driven by Debian's Chromium through Playwright.

Set KB_E2E_HOME to an existing data directory to time searches on it instead (scripts/benchmark.py does this
for the real documents); timings go to test-output/e2e-timing.json, screenshots to test-output/.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from kb import KnowledgeBase, Settings

from .processes import stop_process

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
QUERIES = ["greenhouses", "compensation for victims", "reflection period shelters"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(home: Path, env: dict[str, str] | None = None, host: str = "127.0.0.1") -> Iterator[str]:
    """`kb serve` on a data directory (listening on `host`) for the length of the block; yields its base URL."""
    port = _free_port()
    # the server's log goes to a file: a pipe nobody reads stalls the server once its 64 KiB buffer is full
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", str(port),
                             "--host", host],
                            env=env, stdout=subprocess.DEVNULL, stderr=log, cwd=str(ROOT))
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        log.seek(0)
        pytest.fail(f"kb serve did not start: {log.read().decode(errors='replace')[-2000:]}")
    try:
        yield base
    finally:
        stop_process(proc, grace=20)
        log.close()


@pytest.fixture
def server(tmp_path: Path, corpus_dir: Path):
    home = Path(os.environ["KB_E2E_HOME"]) if os.environ.get("KB_E2E_HOME") else tmp_path / "home"
    if not os.environ.get("KB_E2E_HOME"):
        with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
            kb.ingest([corpus_dir], workers=1)
    env = {k: v for k, v in os.environ.items() if k != "KB_DEFAULT_MODE"}
    if os.environ.get("KB_E2E_HOME"):
        env = {k: v for k, v in env.items() if not k.startswith("KB_") or k.startswith("KB_E2E_")}
        env.pop("KB_EMBEDDER", None)  # time the real model on a real knowledge base
    with serving(home, env) as base:
        yield base, home


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser.new_page(viewport={"width": 1300, "height": 1000})
        browser.close()


FRESH_CARD = """() => [...document.querySelectorAll('.kb-title')].some(
    card => card.offsetParent !== null && !card.closest('[data-stale="true"]'))"""


def _search(page, query: str) -> float:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    boxes = page.get_by_placeholder("A question in your own words, or keywords")
    page.wait_for_function("() => document.querySelectorAll('input[aria-label=\"Search\"]').length === 1",
                           timeout=60000)
    for attempt in range(3):
        # the app may still re-render the box for the previous search (its key follows the URL): a box typed into
        # just before it is replaced loses the text, so a search that did not start is typed again
        box = boxes.first
        box.fill(query)
        started = time.perf_counter()
        box.press("Enter")
        try:
            page.wait_for_function("q => new URL(location.href).searchParams.get('q') === q", arg=query,
                                   timeout=20000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    # a card of this run: Streamlit marks what the previous run drew as stale until this run replaces it
    page.wait_for_function(FRESH_CARD, timeout=60000)
    return (time.perf_counter() - started) * 1000


def test_search_open_follow_page_link_and_keep(server, page) -> None:
    base, home = server
    OUTPUT.mkdir(exist_ok=True)
    page.goto(base, wait_until="networkidle")
    page.get_by_placeholder("A question in your own words, or keywords").first.wait_for(timeout=90000)
    queries = json.loads(os.environ["KB_E2E_QUERIES"]) if os.environ.get("KB_E2E_QUERIES") else QUERIES
    timings = [_search(page, q) for q in queries]
    (OUTPUT / "e2e-timing.json").write_text(json.dumps({
        "home": str(home), "queries": queries, "enter_to_first_card_ms": timings,
        "median_ms": statistics.median(timings)}, indent=2))
    page.screenshot(path=str(OUTPUT / "e2e-results.png"))
    if os.environ.get("KB_E2E_HOME"):
        return  # timing run on someone's data: look, do not touch

    page.goto(f"{base}/?q=greenhouses&mode=keyword", wait_until="networkidle")
    page.locator(".kb-title").first.wait_for(timeout=60000)
    assert "Labour exploitation report" in page.locator(".kb-title").first.inner_text()

    # the page link opens the stored original at that page
    href = page.locator("a.kb-page").first.get_attribute("href")
    assert href and href.startswith("originals/") and "#page=" in href
    response = page.request.get(f"{base}/{href.split('#')[0]}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    with page.context.expect_page(timeout=30000) as opened:
        page.locator("a.kb-page").first.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert "/originals/" in viewer.url and viewer.url.endswith("#page=1")
    viewer.close()

    # keep it in a reading list
    page.get_by_role("button", name="+ Add to list").first.click()
    page.get_by_text("Added to").first.wait_for(timeout=30000)
    page.screenshot(path=str(OUTPUT / "e2e-added.png"))
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        assert kb.reading_lists() == []  # an anonymous visitor's list stays in the browser session

    # open the document
    page.get_by_role("button", name="Open document").first.click()
    page.get_by_text("Full text").first.wait_for(timeout=30000)
    assert "view=doc" in page.url
    page.screenshot(path=str(OUTPUT / "e2e-document.png"), full_page=True)


@pytest.fixture
def researcher_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KB_RESEARCHER_PASSWORD", "e2e-s3cret")
    return "e2e-s3cret"


def test_researcher_signs_in_uploads_files_and_gets_the_report(researcher_password, server, page,
                                                                tmp_path: Path) -> None:
    if os.environ.get("KB_E2E_HOME"):
        pytest.skip("timing run on someone's data: nothing is uploaded")
    from .fixtures import GRETA_PAGES, make_docx, make_pdf

    base, home = server
    OUTPUT.mkdir(exist_ok=True)
    files = [make_pdf(tmp_path / "greta-report.pdf", GRETA_PAGES), make_docx(tmp_path / "compensation-guide.docx")]
    page.goto(f"{base}/?view=upload", wait_until="networkidle")
    page.get_by_text("sign in in the sidebar").first.wait_for(timeout=60000)
    page.get_by_text("Sign in", exact=True).first.click()
    page.get_by_label("Password", exact=True).fill(researcher_password)  # name left empty: the shared password
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[type=file]").first.wait_for(state="attached", timeout=60000)
    page.locator("input[type=file]").first.set_input_files([str(f) for f in files])
    page.get_by_text("greta-report.pdf").first.wait_for(timeout=60000)
    page.get_by_role("button", name="Read and detect metadata").click()
    page.get_by_role("button", name="Ingest").wait_for(timeout=120000)
    assert page.locator("input[value='GRETA(2023)05']").count() == 1  # the symbol found on page 1, prefilled
    page.screenshot(path=str(OUTPUT / "e2e-upload-form.png"), full_page=True)
    page.get_by_role("button", name="Ingest").click()
    page.get_by_text("Ingest report").first.wait_for(timeout=120000)
    page.screenshot(path=str(OUTPUT / "e2e-upload-report.png"), full_page=True)
    assert "2 added" in page.locator("code").last.inner_text()
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        titles = {kb.get_document(d).symbol for d in kb.doc_ids()}
    assert "GRETA(2023)05" in titles
