"""In Chromium at a desktop width (Playwright, Debian's /usr/bin/chromium): the reading-list picker keeps the list a
signed-in reader made and chose across pages and adds to the list it names; the pages show overview chart labels in full
and Markdown documents formatted, never as raw Markdown markers."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .test_accounts_e2e import sign_in
from .test_app_e2e import CHROMIUM, OUTPUT, ROOT, serving

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")

LONG_ORGANISATION = "European Commission Directorate-General for Migration and Home Affairs"
NEW_LIST = "Organ trafficking briefing"
RAW_MARKDOWN = re.compile(r"\*\*|__|^\s{0,3}#{1,6}\s|^\s*\|.*\|\s*$|\|\s*-{3,}", re.M)


@pytest.fixture
def site(tmp_path: Path, corpus_dir: Path):
    home = tmp_path / "home"
    long_name = tmp_path / "strategy.md"
    long_name.write_text(f"---\ntitle: Strategy on trafficking in human beings\norganisation: {LONG_ORGANISATION}\n"
                         "doc_type: strategy\nlanguage: en\n---\n\n# Strategy\n\nThe **strategy** protects victims "
                         "of trafficking in human beings and prevents the crime.\n")
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([corpus_dir, long_name, ROOT / "corpus" / "kmop-activate-conference-2022.md"], workers=1)
        kb.accounts.add("ana", "reader", "ana's password")
        kb.create_list("Existing list", actor=kb.accounts.actor_named("ana"))
    with serving(home) as base:
        yield base, home


@pytest.fixture
def desktop():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield browser.new_page(viewport={"width": 1440, "height": 900})
        browser.close()


def _open(page, url: str, ready: str) -> None:
    page.goto(url, wait_until="networkidle")
    page.locator(ready).first.wait_for(timeout=90000)


CHOSEN_IS = """n => [...document.querySelectorAll('[data-testid=stSidebar] input[aria-label="Add results to"]')]
    .some(e => e.value === n)"""


def _chosen(page) -> str:
    picker = page.locator("[data-testid='stSidebar'] input[aria-label='Add results to']")
    picker.wait_for(timeout=60000)
    return picker.input_value()


def _items(home: Path, total: int) -> dict[str, int]:
    """Items per list once `total` items are stored (the click's run may still be writing; 30 s at most)."""
    deadline = time.monotonic() + 30
    while True:
        with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
            ana = kb.accounts.actor_named("ana")
            counts = {e["name"]: len(kb.list_items(e["name"], actor=ana)) for e in kb.reading_lists(actor=ana)}
        if sum(counts.values()) >= total or time.monotonic() > deadline:
            return counts
        time.sleep(0.3)


def test_a_new_reading_list_is_chosen_kept_across_pages_and_added_to(site, desktop) -> None:
    base, home = site
    page = desktop
    sign_in(page, f"{base}/?q=greenhouses&mode=keyword", "ana", "ana's password")
    page.locator(".kb-title").first.wait_for(timeout=90000)
    assert _chosen(page) == "Existing list"
    page.get_by_text("New reading list").first.click()
    page.get_by_label("Name").last.fill(NEW_LIST)
    page.get_by_role("button", name="Create").click()
    page.wait_for_function(CHOSEN_IS, arg=NEW_LIST, timeout=30000)
    assert _chosen(page) == NEW_LIST
    page.get_by_role("button", name="+ Add to list").first.click()
    page.get_by_text(f"Added to “{NEW_LIST}”").first.wait_for(timeout=30000)
    assert _items(home, 1) == {"Existing list": 0, NEW_LIST: 1}

    # other pages, then back: the choice stays, and the document view adds to it too
    page.get_by_text("Corpus overview").first.click()
    page.get_by_text("By organisation").first.wait_for(timeout=30000)
    page.get_by_text("Search", exact=True).first.click()
    page.locator(".kb-title").first.wait_for(timeout=60000)
    assert _chosen(page) == NEW_LIST
    page.get_by_role("button", name="Open document").first.click()
    page.get_by_text("Full text").first.wait_for(timeout=30000)
    assert _chosen(page) == NEW_LIST
    page.get_by_role("button", name="+ Add to list").first.click()
    page.get_by_text(f"Added to “{NEW_LIST}”").first.wait_for(timeout=30000)
    assert _items(home, 2) == {"Existing list": 0, NEW_LIST: 2}


def _chart_labels(page) -> list[list[str]]:
    """The texts of each overview chart (organisation, topic, language, year, document type)."""
    page.wait_for_function("() => document.querySelectorAll('.vega-embed svg').length >= 5", timeout=60000)
    charts = page.eval_on_selector_all(".vega-embed svg", "svgs => svgs.map(s => [...s.querySelectorAll('text')]"
                                                          ".map(t => t.textContent.trim()).filter(t => t))")
    return charts


def _passages(page) -> list[str]:
    return page.locator(".kb-text").all_inner_texts()


def test_pages_at_desktop_width_show_labels_in_full_and_no_raw_markdown(site, desktop) -> None:
    base, _ = site
    page = desktop
    OUTPUT.mkdir(exist_ok=True)
    _open(page, f"{base}/?view=overview", "text=By organisation")
    charts = _chart_labels(page)
    page.screenshot(path=str(OUTPUT / "e2e-overview.png"), full_page=True)
    labels = [t for chart in charts for t in chart]
    assert LONG_ORGANISATION in charts[0]
    assert not [t for t in labels if t.endswith(("…", "..."))], labels
    years = charts[3]
    assert "2022" in years and not [t for t in years if t.isalpha() and t not in ("Year", "documents", "pages")], years

    for query in ("Marina Ntonopoulou Global Estimates speakers", "ACTIVATE project partners e-learning"):
        _open(page, f"{base}/?q={query.replace(' ', '+')}&mode=keyword", ".kb-text")
        passages = _passages(page)
        assert passages and not [p for p in passages if RAW_MARKDOWN.search(p)], passages
        assert page.locator(".kb-text mark").count() > 0
    page.screenshot(path=str(OUTPUT / "e2e-markdown-passages.png"), full_page=True)

    page.get_by_role("button", name="Open document").first.click()
    page.get_by_text("Full text").first.wait_for(timeout=30000)
    page.locator(".kb-text table").first.wait_for(timeout=30000)  # the speakers' table, rendered as a table
    full = _passages(page)
    assert not [p for p in full if RAW_MARKDOWN.search(p)]
    sizes = page.evaluate("""() => [document.querySelector('.kb-doc-title'),
        [...document.querySelectorAll('h1, h2, h3')].find(h => h.innerText.trim() === 'Full text')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes[0] > sizes[1], sizes  # the document's title is larger than its "Full text" heading
    page.screenshot(path=str(OUTPUT / "e2e-markdown-document.png"), full_page=True)
