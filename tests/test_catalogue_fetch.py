"""The corpus catalogue: validation, stubs in the knowledge base, and fetching from a local HTTP server."""
from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase, Settings
from kb.catalogue import COLUMNS, DOCUMENT_TYPES, ORGANISATIONS, parse_catalogue, read_catalogue
from kb.cli import main
from kb.errors import KBError

from .http_site import Site

CATALOGUE = Path(__file__).resolve().parents[1] / "corpus" / "key-documents.catalogue.csv"


def test_bundled_catalogue_is_valid() -> None:
    entries = read_catalogue(CATALOGUE)
    assert len(entries) == 106
    assert len({e.id for e in entries}) == 106
    assert all(o in ORGANISATIONS for e in entries for o in e.organisations)
    assert all(e.document_type in DOCUMENT_TYPES for e in entries)
    greta = [e for e in entries if e.symbol.startswith("GRETA(")]
    assert greta and all(e.url.startswith(("http://", "https://")) for e in entries)


def _row(**values: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    base = {"id": "x-1", "title": "T", "organisation": "IOM", "document_type": "report", "language": "en",
            "url": "https://example.org/a.pdf", "url_kind": "pdf"}
    writer.writerow({**base, **values})
    return buffer.getvalue()


@pytest.mark.parametrize("values, problem", [
    ({"title": ""}, "title: required"),
    ({"organisation": "Some NGO"}, "organisation: 'Some NGO' is not in the vocabulary"),
    ({"document_type": "memo"}, "document_type: 'memo' is not one of"),
    ({"country": "XX"}, "country: 'XX' is not an ISO 3166-1 alpha-2 code"),
    ({"language": "english"}, "language: 'english' is not an ISO 639-1 code"),
    ({"url": "ftp://example.org/a.pdf"}, "url: must start with http"),
    ({"id": "Bad Id"}, "must be a lowercase slug"),
    ({"year": "20x1"}, "year: '20x1' is not a year"),
])
def test_catalogue_validation_names_row_and_field(values: dict, problem: str) -> None:
    _, problems = parse_catalogue(_row(**values))
    assert any(problem in p and p.startswith("row 2") for p in problems), problems


def test_duplicate_ids_are_refused() -> None:
    text = _row() + _row().split("\n", 1)[1]
    assert any("duplicate id 'x-1'" in p for p in parse_catalogue(text)[1])


def test_catalogue_entries_are_searchable_stubs(kb: KnowledgeBase) -> None:
    report = kb.ingest([CATALOGUE], workers=1)
    assert report.counts()["added"] == 106
    hit = kb.search("GRETA evaluation report Netherlands", mode="keyword").hits[0]
    doc = hit.document
    assert doc.extra["catalogue_status"] == "catalogue entry — full text not fetched"
    assert doc.extra["url"].startswith("http") and doc.country == "NL"
    assert "Official link:" in kb.pages(doc.doc_id)[0].text
    assert kb.search("Netherlands", mode="keyword", filters={"symbol": "GRETA(2014)10"}).hits
    assert kb.ingest([CATALOGUE], workers=1).counts()["unchanged"] == 106


ENTRIES = {
    "landing": ("/landing.html", "landing"), "direct": ("/direct.pdf", "pdf"), "redirect": ("/redirect", "pdf"),
    "article": ("/article.html", "page"), "flaky": ("/flaky.pdf", "pdf"), "missing": ("/missing.pdf", "pdf"),
    "slow": ("/slow.pdf", "pdf"), "wrong-type": ("/wrong-type", "pdf"), "huge": ("/huge.pdf", "pdf"),
    "bad-redirect": ("/bad-redirect", "pdf"),
}


@pytest.fixture
def site(tmp_path: Path):
    served = Site(tmp_path)
    yield served
    served.close()


@pytest.fixture
def fetch_kb(home: Path, tmp_path: Path, site: Site):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry_id, (path, kind) in ENTRIES.items():
        writer.writerow({"id": entry_id, "title": "Served report" if entry_id != "article" else "Forced begging",
                         "organisation": "IOM", "document_type": "report", "language": "en", "symbol": f"S-{entry_id}",
                         "url": site.base + path, "url_kind": kind, "country": "BE", "year": "2020"})
    catalogue = tmp_path / "test.catalogue.csv"
    catalogue.write_text(buffer.getvalue())
    settings = Settings.load({"home": str(home), "embedder": "hashing", "default_mode": "keyword", "fetch_delay": 0,
                              "fetch_timeout": 0.5, "fetch_retries": 1, "fetch_backoff": 0.05, "max_file_mb": 1},
                             environ={})
    kb = KnowledgeBase(settings)
    kb.ingest([catalogue], workers=1)
    yield kb, catalogue
    kb.close()


def test_fetch_follows_landing_pages_and_reports_every_entry(fetch_kb, site: Site) -> None:
    kb, catalogue = fetch_kb
    before = {d.extra["catalogue_id"]: d.doc_id for d in kb.catalogue_documents()}
    report = kb.fetch_catalogue()
    status = {i.catalogue_id: i for i in report.items}
    assert {k for k, v in status.items() if v.status == "fetched"} == {"landing", "direct", "redirect", "article",
                                                                        "flaky"}
    assert status["landing"].url.endswith("/files/served-report.pdf") and status["landing"].kind == "pdf"
    assert site.hits.get("/about.pdf") is None  # the navigation link was not taken for the document
    assert status["redirect"].url.endswith("/final.pdf")
    assert status["article"].kind == "web page"
    assert site.hits["/flaky.pdf"] == 2  # retried after a 503
    assert "HTTP 404" in status["missing"].reason
    assert "cannot reach" in status["slow"].reason
    assert "unexpected content type 'application/zip'" in status["wrong-type"].reason
    assert "over the limit" in status["huge"].reason
    assert "file:///etc/passwd" in status["bad-redirect"].reason and status["bad-redirect"].status == "failed"
    assert all(ua.startswith("atkb/") for ua in site.user_agents)
    # fetched entries became full documents under the same ids, keeping their catalogue metadata
    after = {d.extra["catalogue_id"]: d for d in kb.catalogue_documents()}
    assert {k: d.doc_id for k, d in after.items()} == before
    landing = after["landing"]
    assert landing.extra["catalogue_status"] == "full text fetched" and landing.symbol == "S-landing"
    assert landing.extra["file_sha256"] and landing.n_pages == 3 and landing.country == "BE"
    assert kb.original_file(landing).read_bytes()[:5] == b"%PDF-"
    hits = kb.search("greenhouses", mode="keyword", k=20).hits
    assert landing.doc_id in {h.document.doc_id for h in hits}
    begging = kb.search("family network beg", mode="keyword").hits[0].document
    assert begging.extra["catalogue_id"] == "article"
    assert "var x" not in kb.pages(begging.doc_id)[0].text and "Menu" not in kb.pages(begging.doc_id)[0].text
    assert kb.check()["ok"]
    fetched = {e["target"] for e in kb.accounts.audit(action="fetch")}  # each fetch in the audit trail
    assert fetched == {d.doc_id for k, d in after.items() if d.extra["catalogue_status"] == "full text fetched"}
    # re-ingesting the catalogue keeps the fetched texts; fetching again skips them
    assert kb.ingest([catalogue], workers=1).counts()["unchanged"] == len(ENTRIES)
    assert kb.search("greenhouses", mode="keyword", k=20).hits
    again = {i.catalogue_id: i.status for i in kb.fetch_catalogue(["landing", "nope"]).items}
    assert again == {"landing": "skipped", "nope": "failed"}


def test_fetch_refuses_a_local_file_named_by_an_entry_or_a_correction(fetch_kb, tmp_path: Path) -> None:
    kb, _ = fetch_kb
    secret = tmp_path / "secret.txt"
    secret.write_text("the researcher password is hunter2")
    stub = next(d for d in kb.catalogue_documents() if d.extra["catalogue_id"] == "direct")
    kb.correct_metadata(stub.doc_id, {"url": secret.as_uri()})  # a correction whose url is file:///...
    [item] = kb.fetch_catalogue(["direct"]).items
    assert item.status == "failed" and "only http:// and https://" in item.reason and secret.as_uri() in item.reason
    assert not kb.search("hunter2", mode="keyword").hits
    assert not list((kb.home / "downloads").glob("direct*"))


def test_fetch_resumes_a_partial_download(fetch_kb, site: Site) -> None:
    kb, _ = fetch_kb
    downloads = kb.home / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    (downloads / "direct.part").write_bytes(site.pdf[:1000])
    [item] = kb.fetch_catalogue(["direct"]).items
    assert item.status == "fetched"
    import hashlib

    assert item.sha256 == hashlib.sha256(site.pdf).hexdigest()


def test_without_network_fetch_fails_fast_and_changes_nothing(home: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "offline.catalogue.csv"
    catalogue.write_text(_row(url="https://unreachable.invalid/report.pdf"))
    with KnowledgeBase(Settings.load({"home": str(home), "embedder": "hashing"}, environ={})) as kb:
        kb.ingest([catalogue], workers=1)
        before = kb.stats()
        started = time.perf_counter()
        with pytest.raises(KBError, match="no network: cannot resolve unreachable.invalid"):
            kb.fetch_catalogue()
        assert time.perf_counter() - started < 10
        assert kb.stats() == before


def test_corpus_add_keeps_the_catalogue_valid(home: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "mine.catalogue.csv"
    catalogue.write_text(_row())
    runner = CliRunner()
    ok = runner.invoke(main, ["--home", str(home), "corpus", "add", "https://example.org/greta-2023-05.pdf",
                              "--org", "Council of Europe; GRETA", "--type", "evaluation-report", "--title",
                              "GRETA report on Greece", "--symbol", "GRETA(2023)05", "--country", "GR", "--year",
                              "2023", "--round", "3", "--catalogue", str(catalogue)])
    assert ok.exit_code == 0, ok.output
    entries = read_catalogue(catalogue)
    assert entries[-1].id == "greta-report-on-greece" and entries[-1].url_kind == "pdf"
    bad = runner.invoke(main, ["--home", str(home), "corpus", "add", "https://example.org/x", "--org", "Nobody",
                               "--type", "report", "--title", "X", "--catalogue", str(catalogue)])
    assert bad.exit_code == 1 and "'Nobody' is not in the vocabulary" in bad.stderr
    assert len(read_catalogue(catalogue)) == 2
    found = runner.invoke(main, ["--home", str(home), "search", "Greece", "--json"])
    assert json.loads(found.stdout)["results"][0]["symbol"] == "GRETA(2023)05"


def test_fetcher_waits_between_requests_and_sends_its_user_agent(site: Site, tmp_path: Path) -> None:
    from ingest.fetch import Fetcher

    fetcher = Fetcher(tmp_path / "dl", user_agent="polite-test/1", delay=0.4, timeout=5, retries=0,
                      max_bytes=10_000_000)
    started = time.perf_counter()
    fetcher.download(site.base + "/direct.pdf", "one")
    fetcher.download(site.base + "/direct.pdf", "two")
    assert time.perf_counter() - started >= 0.4
    assert site.user_agents[-2:] == ["polite-test/1", "polite-test/1"]
