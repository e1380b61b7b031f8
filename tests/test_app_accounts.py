"""Who may do what in the app: public_access, a reader reaching for researcher actions by every path (pages, URL
parameters, the originals route), a removed account's session, the admin page."""
from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from kb import KnowledgeBase, Settings
from kb.errors import KBError
from kb.webapp.originals import original_link, routes

from .fixtures import GRETA_PAGES, make_pdf
from .test_app import html_of, run_app, shown, signed_in_app


@pytest.fixture
def home(tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([corpus_dir, make_pdf(tmp_path / "greta.pdf", GRETA_PAGES)], workers=1)
        kb.accounts.add("ada", "admin", "ada's password")
        kb.accounts.add("rosa", "reader", "rosa's password")
    monkeypatch.setenv("KB_HOME", str(home))
    return home


def _pdf_doc(home: Path) -> str:
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        return next(d for d in kb.doc_ids() if (kb.get_document(d).stored_file or "").endswith(".pdf"))


def test_public_access_none_shows_anonymous_visitors_only_the_sign_in_page(home: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_PUBLIC_ACCESS", "none")
    doc_id = _pdf_doc(home)
    for params in ({"q": "greenhouses", "mode": "keyword"}, {"view": "doc", "doc": doc_id}, {"view": "lists"},
                   {"view": "upload"}, {"view": "admin"}):
        at = run_app(**params)
        assert not at.exception and at.title[0].value == "atkb — sign in"
        assert "Labour exploitation" not in html_of(at) and len(at.get("file_uploader")) == 0
    at = run_app(q="greenhouses", mode="keyword")
    at.text_input(key="sign_in_name").input("rosa")
    at.text_input(key="sign_in_password").input("rosa's password")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert "Labour exploitation report" in html_of(at)


def test_a_reader_reaches_no_researcher_action_by_any_page_or_parameter(home: Path) -> None:
    doc_id = _pdf_doc(home)
    upload = signed_in_app(home, "rosa", "reader", view="upload").run()
    assert len(upload.get("file_uploader")) == 0 and "needs the researcher role" in upload.info[0].value
    doc = signed_in_app(home, "rosa", "reader", view="doc", doc=doc_id).run()
    assert not any(b.label == "Save corrections" for b in doc.button)
    assert any("needs the researcher role" in i.value for i in doc.info)
    admin = signed_in_app(home, "rosa", "reader", view="admin").run()
    assert "needs the admin role" in admin.info[0].value and not admin.get("dataframe")
    assert "Accounts and audit" not in next(r for r in admin.radio if r.label == "Go to").options
    # the facade refuses too, whatever a page offered
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        rosa = kb.accounts.actor_named("rosa", "app")
        for call in (lambda: kb.correct_metadata(doc_id, {"year": "2020"}, actor=rosa),
                     lambda: kb.remove(doc_id, actor=rosa), lambda: kb.reindex(actor=rosa),
                     lambda: kb.accounts.set_role("rosa", "admin", actor=rosa)):
            with pytest.raises(KBError):
                call()


def test_a_removed_accounts_session_ends_at_its_next_page(home: Path) -> None:
    at = signed_in_app(home, "rosa", "reader", view="lists").run()
    assert any("Signed in as **rosa** (reader)" in c.value for c in at.caption)
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.accounts.remove("rosa")
    at.run()
    assert not any("Signed in as" in c.value for c in at.caption) and "actor" not in at.session_state
    assert "removed or disabled" in shown(at.warning[0].value)


def test_the_admin_page_manages_accounts_and_filters_the_audit_trail(home: Path) -> None:
    at = signed_in_app(home, "ada", "admin", view="admin").run()
    at.text_input(key="admin_new_name").input("rene")
    at.selectbox(key="admin_new_role").set_value("researcher")
    at.text_input(key="admin_new_password").input("rene's password")
    next(b for b in at.button if b.label == "Add account").click().run()
    assert not at.exception
    at.selectbox(key="admin_account").set_value("rosa").run()
    at.selectbox(key="admin_role").set_value("researcher")
    next(b for b in at.button if b.label == "Set role").click().run()
    at.text_input(key="audit_user").input("ada").run()
    audit = at.get("arrow_data_frame")[-1].value if at.get("arrow_data_frame") else at.dataframe[-1].value
    assert list(audit["action"])[:2] == ["account.role", "account.add"]  # newest first
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        roles = {r["name"]: r["role"] for r in kb.accounts.list()}
    assert roles == {"ada": "admin", "rene": "researcher", "rosa": "researcher"}


def test_originals_need_a_link_signed_for_a_session_when_visitors_must_sign_in(home: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    doc_id = _pdf_doc(home)
    client = TestClient(Starlette(routes=routes()))
    assert client.get(f"/originals/{doc_id}").status_code == 200  # public_access = read: as public as the text
    monkeypatch.setenv("KB_PUBLIC_ACCESS", "none")
    assert client.get(f"/originals/{doc_id}").status_code == 403
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        key = kb.link_key()
    signed = "/" + original_link(doc_id, None, key)
    assert client.get(signed).status_code == 200
    assert client.get(signed.replace("sig=", "sig=0")[:-1]).status_code == 403  # a changed signature
    other = _other_doc(home, doc_id)
    assert client.get(signed.replace(doc_id, other)).status_code == 403  # a signature opens its own document only
    old = "/" + original_link(doc_id, None, key, now=0)  # expired long ago
    assert client.get(old).status_code == 403


def _other_doc(home: Path, doc_id: str) -> str:
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        return next(d for d in kb.doc_ids() if d != doc_id)


def test_the_citation_page_link_is_signed_for_the_session_when_visitors_must_sign_in(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc_id = _pdf_doc(home)
    open_view = signed_in_app(home, "rosa", "reader", view="doc", doc=doc_id).run()
    assert f"d/{doc_id}'" in html_of(open_view)  # public_access = read: the plain address
    monkeypatch.setenv("KB_PUBLIC_ACCESS", "none")
    closed = signed_in_app(home, "rosa", "reader", view="doc", doc=doc_id).run()
    assert f"d/{doc_id}?exp=" in html_of(closed) and "sig=" in html_of(closed)
