"""Addresses of a document on this server: its landing page, its stored original opened at a page, its page in
the app's document view; absolute where they leave the server (exports, landing pages)."""
from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from starlette.requests import Request

from ..facade import KnowledgeBase
from ..models import Document
from ..webapp.originals import original_link

LANDING_PREFIX = "d"


def landing_link(doc_id: str, key: str | None = None) -> str:
    """The server-relative address of a document's landing page (citation metadata for Zotero and harvesters);
    signed with `key` (kb.link_key()) as links to originals are, for servers whose public_access is none."""
    link = f"/{LANDING_PREFIX}/{quote(doc_id)}"
    if key:
        signed = original_link(doc_id, key=key)
        link += signed[signed.index("?"):]
    return link


def original_path(kb: KnowledgeBase, doc: Document) -> str | None:
    """The server-relative address of a document's stored original, or None when no file is kept."""
    return f"/originals/{quote(doc.doc_id)}" if kb.original_file(doc) is not None else None


def page_link(kb: KnowledgeBase, doc: Document, page: int | None) -> str:
    """A page of a document: the stored PDF opened at it, or else the app's document view at it."""
    original = kb.original_file(doc)
    if original is not None and original.suffix.lower() == ".pdf":
        return f"/originals/{quote(doc.doc_id)}" + (f"#page={page}" if page else "")
    return "/?" + urlencode({"view": "doc", "doc": doc.doc_id, **({"page": page} if page else {})})


def base_url(kb: KnowledgeBase, request: Request) -> str:
    """The server's address as the outside sees it: the setting public_url, else the request's own."""
    configured = str(getattr(kb.settings, "public_url", "") or "").strip().rstrip("/")
    if configured:
        return configured
    root = str(request.base_url).rstrip("/")
    mount = request.scope.get("root_path", "")
    return root[: -len(mount)] if mount and root.endswith(mount) else root


def absolute(kb: KnowledgeBase, request: Request, path: str) -> str:
    """A server-relative address made absolute."""
    return base_url(kb, request) + path


def download_name(text: str) -> str:
    """A safe file-name stem for a download named after a query or a list."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:60]
    return stem or "results"
