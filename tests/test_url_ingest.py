"""Ingesting web addresses from a local server: content types, limits, redirects, the original kept."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .conftest import FAST
from .http_site import Site


@pytest.fixture
def site(tmp_path: Path):
    (tmp_path / "site").mkdir()
    served = Site(tmp_path / "site")
    yield served
    served.close()


@pytest.fixture
def url_kb(home: Path):
    base = KnowledgeBase(Settings.load({"home": str(home), **FAST, "fetch_timeout": 0.5, "fetch_retries": 0,
                                        "url_max_mb": 1}, environ={}))
    yield base
    base.close()


def test_documents_of_every_type_are_ingested_from_urls(url_kb: KnowledgeBase, site: Site) -> None:
    urls = {name: f"{site.base}{path}" for name, path in (
        ("pdf", "/direct.pdf"), ("page", "/article.html"), ("word", "/guide.docx"), ("slides", "/talk.pptx"),
        ("binary", "/download?id=7"))}
    report = url_kb.ingest(list(urls.values()))
    assert report.counts()["added"] == 5, [i.line() for i in report.items]
    pdf = url_kb.resolve_document(urls["pdf"])
    assert pdf.source == urls["pdf"] and pdf.extra["url"] == urls["pdf"] and pdf.extra["fetched_at"]
    original = url_kb.original_file(pdf)
    assert original is not None and original.read_bytes() == site.pdf  # kept for serving pages
    assert url_kb.provenance(pdf)["url"] == {"source": "url", "evidence": f"downloaded from {urls['pdf']}"}
    page = url_kb.resolve_document(urls["page"])
    assert "family network" in url_kb.pages(page.doc_id)[0].text
    assert "Menu Home" not in url_kb.pages(page.doc_id)[0].text
    assert url_kb.resolve_document(urls["word"]).n_pages == 2
    assert url_kb.resolve_document(urls["slides"]).doc_type == "presentation"
    assert url_kb.resolve_document(urls["binary"]).stored_file.endswith(".pdf")  # recognised by its bytes
    assert url_kb.ingest([urls["pdf"]]).counts()["unchanged"] == 1


def test_redirects_are_followed_and_recorded(url_kb: KnowledgeBase, site: Site) -> None:
    url = f"{site.base}/redirect"
    assert url_kb.ingest([url]).counts()["added"] == 1
    assert url_kb.resolve_document(url).extra["fetched_url"] == f"{site.base}/final.pdf"


@pytest.mark.parametrize("path, message", [
    ("/bad-redirect", "'file:///etc/passwd' is not allowed"),
    ("/wrong-type", "unexpected content type 'application/zip'"),
    ("/huge.pdf", "over the limit of 1.0 MB (setting url_max_mb)"),
    ("/slow.pdf", "cannot reach"),
    ("/missing.pdf", "HTTP 404"),
])
def test_bad_downloads_fail_with_a_reason_and_the_batch_goes_on(url_kb: KnowledgeBase, site: Site, path: str,
                                                                message: str) -> None:
    report = url_kb.ingest([f"{site.base}{path}", f"{site.base}/direct.pdf"])
    [failed] = report.failed
    assert failed.source == f"{site.base}{path}" and message in failed.reason, failed.reason
    assert report.counts()["added"] == 1


def test_only_http_and_https_addresses(url_kb: KnowledgeBase) -> None:
    [item] = url_kb.ingest(["ftp://example.org/report.pdf"]).items
    assert item.status == "failed" and "only http:// and https://" in item.reason


def test_a_redirect_from_https_down_to_http_is_refused() -> None:
    import urllib.request

    from ingest.fetch import FetchError, _SafeRedirects

    request = urllib.request.Request("https://reports.example.org/greta.pdf")
    with pytest.raises(FetchError, match="from https to plain http"):
        _SafeRedirects(allow_private=True).redirect_request(request, None, 302, "Found", {}, "http://reports.example.org/greta.pdf")


def test_a_slow_drip_download_is_cut_off_at_the_total_deadline(home: Path, site: Site) -> None:
    import time

    with KnowledgeBase(Settings.load({"home": str(home), **FAST, "fetch_timeout": 5, "fetch_retries": 0,
                                      "fetch_deadline": 1}, environ={})) as kb:
        started = time.monotonic()
        [item] = kb.ingest([f"{site.base}/drip.pdf"]).items
    assert item.status == "failed" and "took longer than 1 s" in item.reason and "fetch_deadline" in item.reason
    assert time.monotonic() - started < 10  # each read came well within fetch_timeout: only the total stopped it


def test_private_addresses_can_be_refused_before_any_request(home: Path, site: Site) -> None:
    with KnowledgeBase(Settings.load({"home": str(home), **FAST, "fetch_private_addresses": "refuse"},
                                     environ={})) as kb:
        [item] = kb.ingest([f"{site.base}/direct.pdf"]).items
    assert item.status == "failed" and "private or local network (127.0.0.1)" in item.reason
    assert site.hits == {}  # refused before connecting


def test_redirects_into_a_private_network_are_refused_too() -> None:
    import urllib.request

    from ingest.fetch import FetchError, _SafeRedirects

    request = urllib.request.Request("http://93.184.216.34/report.pdf")
    with pytest.raises(FetchError, match="private or local network"):
        _SafeRedirects(allow_private=False).redirect_request(request, None, 302, "Found", {},
                                                             "http://127.0.0.1:8080/admin")


@pytest.mark.parametrize("url, reason", [("https://[broken/a.pdf", "not a valid address"),
                                         ("https://example.org:99999/a.pdf", "not a valid address"),
                                         ("https://exa\x99mple.org/a.pdf", "not a valid host name")])
def test_addresses_no_request_could_reach_fail_with_a_reason(url_kb: KnowledgeBase, url: str, reason: str) -> None:
    item = url_kb.ingest([url], workers=1).items[0]
    assert item.status == "failed" and reason in item.reason
