"""Stored originals never run in the app's origin: only PDFs open in the browser, the rest are sandboxed downloads."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from kb.webapp.originals import routes

SCRIPT = "<script>document.title = 'owned'</script>"
FILES = {
    "a1a1a1a1a1a1a1a1.html": f"<html><body>{SCRIPT}<form action='https://evil.test'></form></body></html>",
    "b2b2b2b2b2b2b2b2.xhtml": f"<html xmlns='http://www.w3.org/1999/xhtml'><body>{SCRIPT}</body></html>",
    "c3c3c3c3c3c3c3c3.svg": f"<svg xmlns='http://www.w3.org/2000/svg'>{SCRIPT}</svg>",
    "d4d4d4d4d4d4d4d4.pdf": "%PDF-1.4\n%%EOF\n",
}


@pytest.fixture()
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    (tmp_path / "files").mkdir()
    conn = sqlite3.connect(tmp_path / "kb.sqlite")
    conn.execute("CREATE TABLE documents (doc_id TEXT, stored_file TEXT, state TEXT)")
    for name, text in FILES.items():
        (tmp_path / "files" / name).write_text(text)
        conn.execute("INSERT INTO documents VALUES (?, ?, 'ready')", (name.split(".")[0], name))
    conn.commit()
    conn.close()
    monkeypatch.setenv("KB_HOME", str(tmp_path))
    return TestClient(Starlette(routes=routes()))


@pytest.mark.parametrize("name", [n for n in FILES if not n.endswith(".pdf")])
def test_html_xhtml_and_svg_originals_download_sandboxed_and_never_as_pages(client: TestClient, name: str) -> None:
    response = client.get(f"/originals/{name.split('.')[0]}")
    assert response.status_code == 200 and SCRIPT in response.text
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = [p.strip() for p in response.headers["content-security-policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy


def test_pdf_originals_open_inline_without_the_apps_origin(client: TestClient) -> None:
    response = client.get("/originals/d4d4d4d4d4d4d4d4")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("sandbox")


def test_the_apps_own_pages_keep_script_forms_and_frames_to_their_origin(whole_app_client: TestClient) -> None:
    page = whole_app_client.get("/")
    missing = whole_app_client.get("/originals/0000000000000000")
    assert page.status_code == 200
    policy = {p.strip().split(" ")[0]: p.strip() for p in page.headers["content-security-policy"].split(";")}
    assert policy["form-action"] == "form-action 'self'" and policy["frame-ancestors"] == "frame-ancestors 'self'"
    assert policy["object-src"] == "object-src 'none'" and policy["default-src"] == "default-src 'self'"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert missing.status_code == 404 and "form-action 'self'" in missing.headers["content-security-policy"]
