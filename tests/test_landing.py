"""Landing pages `/d/DOC_ID` that citation managers save: parsed by extruct (the metadata extractor behind many
harvesters), the Highwire `citation_*` tags and the schema.org JSON-LD give title, organisation, year and the PDF."""
from __future__ import annotations

import json
from pathlib import Path

import extruct
import httpx

from kb import KnowledgeBase, Settings

from .api_server import serving
from .conftest import FAST
from .fixtures import ENGLISH_PAGES, make_pdf

HOSTILE = 'Report </script><script>alert(1)</script> & "quotes"'


def _meta(html: str) -> dict[str, list[str]]:
    import lxml.html

    found: dict[str, list[str]] = {}
    for tag in lxml.html.fromstring(html).iter("meta"):
        if tag.get("name", "").startswith("citation_"):
            found.setdefault(tag.get("name"), []).append(tag.get("content"))
    return found


def test_a_landing_page_yields_title_organisation_year_and_pdf(tmp_path: Path) -> None:
    report = make_pdf(tmp_path / "greta.pdf", ENGLISH_PAGES, title="Evaluation report on Greece")
    (tmp_path / "greta.pdf.meta.json").write_text(json.dumps({
        "title": "Evaluation report on Greece", "organisation": "GRETA", "organisation_name": "Council of Europe – "
        "GRETA", "year": 2023, "symbol": "GRETA(2023)05", "language": "en"}))
    hostile = make_pdf(tmp_path / "hostile.pdf", ENGLISH_PAGES[1:])
    (tmp_path / "hostile.pdf.meta.json").write_text(json.dumps({"title": HOSTILE, "organisation": "A<b>&B"}))
    with KnowledgeBase(Settings.load({"home": str(tmp_path / "home"), **FAST}, environ={})) as kb, \
            serving(kb) as base:
        kb.ingest([report, hostile], workers=1)
        doc_id = kb.resolve_document(str(report)).doc_id
        page = httpx.get(f"{base}/d/{doc_id}")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        data = extruct.extract(page.text, base_url=f"{base}/d/{doc_id}", syntaxes=["json-ld"])
        report_ld = data["json-ld"][0]
        assert report_ld["@type"] == "Report" and report_ld["name"] == "Evaluation report on Greece"
        assert report_ld["author"] == {"@type": "Organization", "name": "Council of Europe – GRETA"}
        assert report_ld["datePublished"] == "2023" and report_ld["inLanguage"] == "en"
        pdf_url = report_ld["encoding"]["contentUrl"]
        assert pdf_url == f"{base}/originals/{doc_id}"
        meta = _meta(page.text)
        assert meta["citation_title"] == ["Evaluation report on Greece"]
        assert meta["citation_author"] == ["Council of Europe – GRETA"]
        assert meta["citation_publication_date"] == ["2023"] and meta["citation_pdf_url"] == [pdf_url]
        assert meta["citation_technical_report_number"] == ["GRETA(2023)05"]
        assert meta["citation_language"] == ["en"] and meta["citation_publisher"] == ["Council of Europe – GRETA"]

        other = kb.resolve_document(str(hostile)).doc_id
        text = httpx.get(f"{base}/d/{other}").text
        assert "<script>alert(1)" not in text and "<b>" not in text
        assert _meta(text)["citation_title"] == [HOSTILE]  # escaped, and read back as written
        assert extruct.extract(text, syntaxes=["json-ld"])["json-ld"][0]["name"] == HOSTILE
        assert httpx.get(f"{base}/d/0123456789abcdef").status_code == 404
        assert httpx.get(f"{base}/d/..%2Fkb.sqlite").status_code == 404
