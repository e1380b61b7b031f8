"""The stored originals, served by a route of the app: `/originals/DOC_ID` (a PDF opens at `#page=N`).

When the setting public_access is none, an original is only served to a link the app signed for a signed-in
session (an HMAC of the document id and an expiry, with a random key kept in the knowledge base); such a link works
for LINK_HOURS at most. When it is read, originals are as public as the documents' text.

Each request looks the document up in the store, so a removed document's original is never served again and a
changed one is served in its new version; files of any size are streamed (no static-file size limit).

An original is whatever someone ingested, web pages included: only PDFs open in the browser, every other file is
sent as a download, and every answer carries `Content-Security-Policy: sandbox` and `nosniff`, so that no stored
file ever runs script in the app's origin.
"""
from __future__ import annotations

import hashlib
import hmac
import mimetypes
import os
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from kb.settings import Settings

PREFIX = "originals"
# The browser's PDF viewer runs inside the page (so no `sandbox` without allow-scripts, which Chromium's viewer
# needs); nothing else may load or be framed.
PDF_POLICY = "sandbox allow-scripts allow-downloads; default-src 'none'; object-src 'self'; frame-ancestors 'self'"
_DOC_ID = re.compile(r"^[0-9a-f]{16}$")
LINK_HOURS = 12


def original_link(doc_id: str, page: int | None = None, key: str | None = None, now: float | None = None) -> str:
    """The app-relative address of a document's stored original, opened at a page; signed with `key` when given
    (valid for LINK_HOURS, ending on a whole hour so that the link stays the same from one page to the next)."""
    query = ""
    if key:
        expires = (int((time.time() if now is None else now) // 3600) + 1 + LINK_HOURS) * 3600
        query = f"?exp={expires}&sig={link_signature(key, doc_id, expires)}"
    return f"{PREFIX}/{doc_id}{query}" + (f"#page={page}" if page else "")


def link_signature(key: str, doc_id: str, expires: int) -> str:
    """The HMAC-SHA256 that lets a link open one original until a time."""
    return hmac.new(key.encode(), f"{doc_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def signed_link_valid(key: str | None, doc_id: str, exp: str, sig: str, now: float | None = None) -> bool:
    """Whether a link's signature is right and not expired (compared in constant time)."""
    if not key or not exp.isdigit() or len(exp) > 12 or len(sig) != 64:
        return False
    if int(exp) < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(link_signature(key, doc_id, int(exp)), sig)


def _link_key(home: Path) -> str | None:
    conn = sqlite3.connect(f"file:{home / 'kb.sqlite'}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='link_key'").fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else None


def stored_original(home: Path, doc_id: str) -> Path | None:
    """The stored original of a searchable document, or None (unknown, removed, unfinished, or no file kept)."""
    if not _DOC_ID.match(doc_id) or not (home / "kb.sqlite").exists():
        return None
    conn = sqlite3.connect(f"file:{home / 'kb.sqlite'}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute("SELECT stored_file FROM documents WHERE doc_id=? AND state='ready'", (doc_id,)).fetchone()
    finally:
        conn.close()
    if not row or not row[0]:
        return None
    folder = (home / "files").resolve()
    path = (folder / row[0]).resolve()
    return path if path.parent == folder and path.is_file() else None


async def _serve(request: Request) -> Response:
    settings = Settings.load({"home": os.environ.get("KB_HOME") or None})
    home, doc_id = settings.home_path, request.path_params["doc_id"]
    if settings.public_access != "read":
        params = request.query_params
        if not ((home / "kb.sqlite").exists() and signed_link_valid(_link_key(home), doc_id, params.get("exp", ""),
                                                                   params.get("sig", ""))):
            return PlainTextResponse("Sign in to the app to open this document (or open it again from the app: "
                                     "links to originals expire).", status_code=403)
    path = stored_original(home, doc_id)
    if path is None:
        return PlainTextResponse("This document is not in the knowledge base (any more).", status_code=404)
    return FileResponse(path, **original_headers(path.name))


def original_headers(name: str) -> dict[str, Any]:
    """How an original is sent: PDFs inline, every other file as an attachment, of a type that never renders as a
    page (HTML, XHTML, SVG and other XML as bytes); always sandboxed (no script, an opaque origin), never sniffed."""
    inline = name.lower().endswith(".pdf")
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if inline:
        media_type = "application/pdf"
    elif any(kind in media_type for kind in ("html", "xml", "svg", "script")):
        media_type = "application/octet-stream"
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
               "Content-Security-Policy": PDF_POLICY if inline else "sandbox; default-src 'none'"}
    return {"media_type": media_type, "filename": name, "headers": headers,
            "content_disposition_type": "inline" if inline else "attachment"}


def routes() -> list[Route]:
    """The app's own routes, beside Streamlit's."""
    return [Route(f"/{PREFIX}/{{doc_id}}", _serve, methods=["GET", "HEAD"])]
