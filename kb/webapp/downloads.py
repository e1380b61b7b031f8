"""“Download results” on the search page: the current search's results (up to max_export_results) with their best
passages and page links, as CSV, BibTeX, RIS, CSL-JSON or a Markdown briefing, through the reading lists' exporters."""
from __future__ import annotations

import re
from typing import Callable
from urllib.parse import urlencode, urlsplit

import streamlit as st

from kb import KnowledgeBase
from kb.citations import EXTENSIONS, MEDIA_TYPES
from kb.models import Document

from .state import SearchState, pdf_link

LABELS = {"markdown": "Markdown briefing", "csv": "CSV", "bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}


def server_address(kb: KnowledgeBase) -> str:
    """The address visitors reach the app at: the setting public_url, else the browser's own address."""
    configured = str(kb.settings.public_url or "").strip().rstrip("/")
    if configured:
        return configured
    try:
        parts = urlsplit(st.context.url)
        return f"{parts.scheme}://{parts.netloc}" + parts.path.rstrip("/")
    except Exception:  # no browser session (a script run): links stay relative to the app
        return ""


def page_address(kb: KnowledgeBase, base: str, doc: Document, page: int | None) -> str:
    """A result's page: the stored PDF opened at it, or else the document view at it."""
    link = pdf_link(kb, doc, page or 1) if page else None
    if link:
        return f"{base}/{link}"
    return f"{base}/?" + urlencode({"view": "doc", "doc": doc.doc_id, **({"page": page} if page else {})})


def results_file(kb: KnowledgeBase, state: SearchState, mode: str, fmt: str, base: str) -> Callable[[], bytes]:
    """The export of the search's results in one format, made only when it is downloaded."""
    def make() -> bytes:
        cap = min(int(kb.settings.max_export_results), int(kb.settings.max_results))
        results = kb.search(state.query, mode=mode, k=cap, filters=state.filter_spec(), raw=state.raw,
                            translate=state.translate)
        return kb.export_results(results, fmt, link=lambda doc, page: page_address(kb, base, doc, page)).encode()
    return make


def download_results(kb: KnowledgeBase, state: SearchState, mode: str) -> None:
    """The “Download results” row under the results."""
    cap = min(int(kb.settings.max_export_results), int(kb.settings.max_results))
    base = server_address(kb)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", state.query).strip("-.")[:60] or "results"
    row = st.container(horizontal=True, wrap=True, gap="small")
    row.markdown(f"Download results (up to {cap}):")
    for fmt, label in LABELS.items():
        row.download_button(label, data=results_file(kb, state, mode, fmt, base), file_name=f"{stem}.{EXTENSIONS[fmt]}",
                            mime=MEDIA_TYPES[fmt], key=f"results_{fmt}", width="content", on_click="ignore")

