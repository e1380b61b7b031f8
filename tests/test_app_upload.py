"""The upload page and metadata corrections in the app: the researcher role, prefilled forms, the report."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb import KnowledgeBase, Settings

from .fixtures import GRETA_PAGES, make_docx, make_pdf, make_pptx
from .test_app import run_app, shown, signed_in_app
from .test_relations import report_pages


@pytest.fixture
def app_kb_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("KB_HOME", str(home))
    return home


def signed_in(**params: str) -> AppTest:
    """The app run for a session signed in to the researcher account rene."""
    import os

    return signed_in_app(Path(os.environ["KB_HOME"]), "rene", "researcher", **params).run()


def test_anonymous_visitors_are_told_how_to_get_an_account_to_upload(app_kb_home: Path) -> None:
    at = run_app(view="upload")
    assert not at.exception
    assert "has none yet" in at.info[0].value and "kb users add NAME --role admin" in at.info[0].value
    assert len(at.get("file_uploader")) == 0
    with KnowledgeBase(Settings.load({"home": str(app_kb_home)})) as kb:
        kb.accounts.add("ada", "admin", "ada's password")
    at = run_app(view="upload")
    assert "sign in in the sidebar" in at.info[0].value and any(e.label == "Sign in" for e in at.expander)


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    return at


def test_only_signed_in_researchers_may_upload(app_kb_home: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(app_kb_home)})) as kb:
        kb.accounts.add("rosa", "reader", "rosa's password")
        kb.accounts.add("rene", "researcher", "rene's password")
    at = run_app(view="upload")
    assert len(at.get("file_uploader")) == 0
    _sign_in(at, "rene", "guess")
    assert "Wrong name or password." in shown(at.error[0].value) and len(at.get("file_uploader")) == 0
    _sign_in(at, "rosa", "rosa's password")
    assert "needs the researcher role; your account has the reader role" in at.info[0].value
    assert len(at.get("file_uploader")) == 0
    next(b for b in at.button if b.label == "Sign out").click().run()
    _sign_in(at, "rene", "rene's password")
    assert len(at.get("file_uploader")) == 1
    assert any("Signed in as **rene** (researcher)" in c.value for c in at.caption)


def test_upload_several_files_check_metadata_and_ingest(app_kb_home: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"greta.pdf": make_pdf(tmp_path / "greta.pdf", GRETA_PAGES), "talk.pptx": make_pptx(tmp_path / "t.pptx"),
             "guide.docx": make_docx(tmp_path / "g.docx")}
    at = signed_in(view="upload")
    at.get("file_uploader")[0].set_value([(name, path.read_bytes(), "application/octet-stream")
                                          for name, path in files.items()] + [("broken.pdf", b"%PDF-1.4 junk", "x")])
    at.run()
    next(b for b in at.button if b.label == "Read and detect metadata").click().run()
    assert not at.exception
    assert at.text_input(key="upload_0_symbol").value == "GRETA(2023)05"  # prefilled from detection
    assert at.text_input(key="upload_0_country").value == "NL"
    assert any("detected: page 1: “GRETA(2023)05" in shown(c.value) for c in at.caption)
    assert any("damaged or truncated PDF" in shown(e.value) for e in at.error)  # the broken file, before ingesting
    at.text_input(key="upload_1_organisation").input("IOM")
    next(b for b in at.button if b.label == "Ingest").click().run()
    assert not at.exception
    report = at.code[0].value
    assert "added      " in report and "GRETA(2023)05" in report and "failed" in report
    assert "3 added" in report
    assert any("added: talk.pptx (3 pages)" in shown(s.value) for s in at.success)
    with KnowledgeBase(Settings.load({"home": str(app_kb_home)})) as kb:
        docs = {Path(d.source).name: d for d in (kb.get_document(i) for i in kb.doc_ids())}
        assert docs["greta.pdf"].symbol == "GRETA(2023)05"
        assert docs["talk.pptx"].organisation == "IOM"
        assert kb.provenance(docs["talk.pptx"])["organisation"] == {"source": "meta",
                                                                    "evidence": "metadata given with the upload"}
        assert kb.original_file(docs["greta.pdf"]) is not None


def test_researchers_correct_metadata_in_the_document_view(app_kb_home: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with KnowledgeBase(Settings.load({"home": str(app_kb_home)})) as kb:
        kb.ingest([make_pdf(tmp_path / "greta.pdf", GRETA_PAGES)])
        doc_id = kb.doc_ids()[0]
    at = run_app(view="doc", doc=doc_id)
    body = "\n".join(e.proto.body for e in at.get("html"))
    assert "GRETA(2023)05" in body and "detected: page 1:" in body  # evidence beside each value
    assert "for accounts with the researcher role" in at.info[0].value  # the correction form says who may correct
    at = signed_in(view="doc", doc=doc_id)
    at.text_input(key=f"correct_{doc_id}_year").input("2024")
    at.text_input(key=f"correct_{doc_id}__name").input("topic")
    at.text_input(key=f"correct_{doc_id}__value").input("access to justice")
    next(b for b in at.button if b.label == "Save corrections").click().run()
    assert not at.exception
    with KnowledgeBase(Settings.load({"home": str(app_kb_home)})) as kb:
        doc = kb.get_document(doc_id)
        assert doc.year == 2024 and kb.provenance(doc)["year"]["source"] == "correction"
        assert doc.extra["topic"] == "access to justice"
        [entry] = kb.accounts.audit(action="correct")  # who corrected what, from the app
        assert (entry["user"], entry["via"], entry["target"]) == ("rene", "app", doc_id)
        assert entry["detail"]["fields"] == {"year": 2024, "topic": "access to justice"}
    at.text_input(key=f"correct_{doc_id}_year").input("next year")
    next(b for b in at.button if b.label == "Save corrections").click().run()
    assert "must be a year" in at.error[0].value


def test_search_cards_show_other_language_versions(app_kb_home: Path, tmp_path: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(app_kb_home)})) as kb:
        kb.ingest([make_pdf(tmp_path / "en.pdf", report_pages("en")), make_pdf(tmp_path / "nl.pdf",
                                                                               report_pages("nl"))], workers=1)
        nl_id = kb.resolve_document(str(tmp_path / "nl.pdf")).doc_id
    at = run_app(q="possible victims registered", mode="keyword")
    body = "\n".join(e.proto.body for e in at.get("html"))
    assert "Also in: <a href=" in body and f"doc={nl_id}" in body and ">Dutch</a>" in body
    with KnowledgeBase(Settings.load({"home": str(app_kb_home)})) as kb:
        en_id = kb.resolve_document(str(tmp_path / "en.pdf")).doc_id
    at = run_app(view="doc", doc=en_id)  # the document view shows its other language versions too
    body = "\n".join(e.proto.body for e in at.get("html"))
    assert "Also in: <a href=" in body and f"doc={nl_id}" in body


def _ingest_addresses(tmp_path: Path, paths: list[str]) -> tuple[AppTest, object]:
    """Give the upload page web addresses on a local test site and ingest them; the page and the site."""
    from .http_site import Site

    (tmp_path / "site").mkdir()
    site = Site(tmp_path / "site")
    try:
        at = signed_in(view="upload")
        at.text_area(key="upload_urls").input("\n".join(f"{site.base}{p}" for p in paths)).run()
        next(b for b in at.button if b.label == "Read and detect metadata").click().run()
        next(b for b in at.button if b.label == "Ingest").click().run()
    finally:
        site.close()
    return at, site


def test_web_addresses_are_ingested_from_the_upload_page(app_kb_home: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_FETCH_PRIVATE_ADDRESSES", "allow")  # the test's web site is on this machine
    at, site = _ingest_addresses(tmp_path, ["/direct.pdf", "/missing.pdf"])
    assert not at.exception
    report = at.code[0].value
    assert f"added      {site.base}/direct.pdf" in report and "HTTP 404" in report
    assert not any(b.label == "Ingest" for b in at.button)  # the form is done with


def test_a_record_file_is_ingested_record_by_record_without_a_form(app_kb_home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    records = b'{"_id": "a", "title": "Debt bondage", "text": "Debt bondage in brick kilns."}\n' \
              b'{"_id": "b", "title": "Organ removal", "text": "Trafficking for organ removal is rare."}\n'
    at = signed_in(view="upload")
    at.get("file_uploader")[0].set_value([("records.jsonl", records, "application/json")])
    at.run()
    next(b for b in at.button if b.label == "Read and detect metadata").click().run()
    assert any("A record file" in c.value for c in at.caption)
    assert not any(t.key.startswith("upload_0_") for t in at.text_input)
    next(b for b in at.button if b.label == "Ingest").click().run()
    assert "2 added" in at.code[0].value


def test_the_app_refuses_addresses_on_its_own_network_by_default(app_kb_home: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    at, site = _ingest_addresses(tmp_path, ["/direct.pdf"])
    report = at.code[0].value
    assert "failed" in report and "private or local network" in report and "fetch_private_addresses" in report
    assert site.hits == {}  # refused before any request
