"""End to end in Debian's Chromium: the Recommendations page of `kb serve` — search, the country × topic grid, keep
a recommendation in a reading list."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .fixtures import make_greta_report
from .test_app_e2e import CHROMIUM, OUTPUT, page, serving  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture
def recs_server(tmp_path: Path):
    home = tmp_path / "home"
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([make_greta_report(tmp_path / "greta.pdf")], workers=1)
    with serving(home) as base:
        yield base, home


def test_search_the_grid_and_keep_a_recommendation(recs_server, page) -> None:  # noqa: F811
    base, home = recs_server
    OUTPUT.mkdir(exist_ok=True)
    page.goto(f"{base}/?view=recs", wait_until="networkidle")
    page.get_by_text("GRETA urges the Dutch authorities").first.wait_for(timeout=90000)
    box = page.get_by_placeholder("e.g. compensation for victims")
    box.fill("training labour inspectors")
    page.get_by_role("button", name="Search").click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('rq') === 'training labour inspectors'",
                           timeout=30000)
    page.wait_for_function("""() => { const t = [...document.querySelectorAll('.kb-rec-text')]
        .filter(e => e.offsetParent !== null && !e.closest('[data-stale="true"]'));
        return t.length > 0 && t[0].innerText.startsWith('GRETA invites'); }""", timeout=60000)
    page.screenshot(path=str(OUTPUT / "e2e-recommendations.png"), full_page=True)

    # the country × topic grid: a count opens the records of that cell
    page.goto(f"{base}/?view=recs", wait_until="networkidle")
    page.get_by_role("tab", name="Country × topic").click()
    cell = page.locator("table.kb-grid a[href*='r_topic=labour+exploitation']").first
    cell.wait_for(timeout=60000)
    assert cell.inner_text() == "3"
    cell.click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('r_topic') === 'labour exploitation'",
                           timeout=30000)
    page.get_by_text("3 record(s)").first.wait_for(timeout=60000)
    page.screenshot(path=str(OUTPUT / "e2e-recommendations-grid.png"), full_page=True)

    page.get_by_role("button", name="+ Add to list").first.click()
    page.get_by_text("Added to").first.wait_for(timeout=30000)
    # a visitor who has not signed in keeps it in the browser tab's list, cited by its page
    page.get_by_text("Reading lists", exact=True).first.click()
    page.get_by_text("stay in this browser tab only").first.wait_for(timeout=30000)
    assert "p. 2" in page.locator(".kb-title").first.inner_text()
    assert page.locator("blockquote").first.inner_text().startswith("GRETA")
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        assert kb.reading_lists() == []
