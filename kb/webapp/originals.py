"""The stored originals, served by a route of the app: `/originals/DOC_ID` (a PDF opens at `#page=N`).

Each request looks the document up in the store, so a removed document's original is never served again and a
changed one is served in its new version; files of any size are streamed (no static-file size limit).
"""
from __future__ import annotations

import mimetypes
import os
import re
import sqlite3
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from kb.settings import Settings

PREFIX = "originals"
_DOC_ID = re.compile(r"^[0-9a-f]{16}$")


def original_link(doc_id: str, page: int | None = None) -> str:
    """The app-relative address of a document's stored original, opened at a page."""
    return f"{PREFIX}/{doc_id}" + (f"#page={page}" if page else "")


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
    home = Settings.load({"home": os.environ.get("KB_HOME") or None}).home_path
    path = stored_original(home, request.path_params["doc_id"])
    if path is None:
        return PlainTextResponse("This document is not in the knowledge base (any more).", status_code=404)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type, filename=path.name, content_disposition_type="inline",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def routes() -> list[Route]:
    """The app's own routes, beside Streamlit's."""
    return [Route(f"/{PREFIX}/{{doc_id}}", _serve, methods=["GET", "HEAD"])]
