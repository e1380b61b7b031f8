"""Shared state of the app: one knowledge base per server process, search state mirrored in the URL."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from kb import KnowledgeBase, Settings
from kb.errors import KBError
from kb.heap import freeze_long_lived
from kb.models import Document, as_int

from .originals import original_link

FILTER_FIELDS = ("topic", "organisation", "country", "language", "doc_type")
PAGE_SIZE = 10
# Streamlit serves sessions from several threads. Searches and reads run side by side (the engines guard what they
# share); the app's own writes (reading lists, corrections, uploads, fetches) go one at a time.
WRITE_LOCK = threading.RLock()


@st.cache_resource(show_spinner="Opening the knowledge base…")
def open_kb(home: str, environment: tuple[tuple[str, str], ...] = ()) -> KnowledgeBase:
    """The knowledge base for a data directory, opened once per server process (with its model loaded)."""
    os.umask(0o077)  # the server's files stay private to its user however it was started
    settings = Settings.load({"home": home})
    if settings.fetch_private_addresses == "auto":  # a web app must not become a window onto its own network
        settings = Settings.load({"home": home, "fetch_private_addresses": "refuse"})
    kb = KnowledgeBase(settings)
    if "semantic" in kb.available_modes:
        kb.embedder()  # load the model now, so that the first search is as fast as the next
    _warm_up(kb)
    freeze_long_lived()  # what the server holds from now on is long-lived: later full collections skip it
    return kb


def _warm_up(kb: KnowledgeBase) -> None:
    """One search through every part a search uses (the model's first run, the indexes' files, the thesaurus, the
    documents' rows), so that the first visitor's search is not the slowest."""
    try:
        if kb.stats()["documents"]:
            kb.search("victims of trafficking", k=10, facets=True)
    except KBError:
        pass  # a knowledge base that cannot search says so on the page, where the visitor can read it


def current_kb() -> KnowledgeBase:
    """The knowledge base named by KB_HOME (or the default data directory), per set of KB_* settings."""
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("KB_")))
    return open_kb(os.environ.get("KB_HOME") or Settings.load().home, environment)


@dataclass
class SearchState:
    """Everything that defines a search; round-trips through the URL."""

    query: str = ""
    mode: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    year_min: int | None = None
    year_max: int | None = None
    shown: int = PAGE_SIZE
    raw: bool = False
    translate: bool = True  # hybrid search also runs the query translated into the other languages

    @classmethod
    def from_params(cls, params: Any) -> "SearchState":
        """Read the state from st.query_params."""
        state = cls(query=params.get("q", ""), mode=params.get("mode", ""), raw=params.get("raw") == "1",
                    translate=params.get("tr") != "0")
        for name in FILTER_FIELDS:
            values = params.get_all(name)
            if values:
                state.filters[name] = list(values)
        state.year_min = as_int(params.get("year_min"))
        state.year_max = as_int(params.get("year_max"))
        state.shown = max(PAGE_SIZE, as_int(params.get("n")) or PAGE_SIZE)
        return state

    def to_params(self) -> dict[str, Any]:
        """The query parameters that reproduce this search."""
        params: dict[str, Any] = {}
        if self.query:
            params["q"] = self.query
        if self.mode:
            params["mode"] = self.mode
        if self.raw:
            params["raw"] = "1"
        if not self.translate:
            params["tr"] = "0"
        for name, values in self.filters.items():
            if values:
                params[name] = values
        if self.year_min is not None:
            params["year_min"] = str(self.year_min)
        if self.year_max is not None:
            params["year_max"] = str(self.year_max)
        if self.shown != PAGE_SIZE:
            params["n"] = str(self.shown)
        return params

    def signature(self) -> str:
        """A short stable digest of the state (used in widget keys)."""
        import hashlib
        import json

        return hashlib.sha1(json.dumps(self.to_params(), sort_keys=True).encode()).hexdigest()[:10]

    def filter_spec(self) -> dict[str, Any]:
        """Filters for KnowledgeBase.search."""
        spec: dict[str, Any] = {k: v for k, v in self.filters.items() if v}
        if self.year_min is not None:
            spec["year_min"] = self.year_min
        if self.year_max is not None:
            spec["year_max"] = self.year_max
        return spec

    def has_filters(self) -> bool:
        """True when any filter is set."""
        return bool(self.filter_spec())


def pdf_link(kb: KnowledgeBase, doc: Document, page: int) -> str | None:
    """The address of the stored original PDF opened at a page (served by the app's originals route)."""
    original = kb.original_file(doc)
    if original is None or original.suffix.lower() != ".pdf":
        return None
    # visitors must sign in: the link is signed for this signed-in session (the route checks it)
    key = kb.link_key() if kb.settings.public_access != "read" else None
    return original_link(doc.doc_id, page, key)
