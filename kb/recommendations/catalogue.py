"""Finding recommendations and practices: every record of the ready documents (one catalogue per generation of
the knowledge base), filtered by their own fields and their document's metadata, ranked by hybrid search, with
their translations and similar records in other reports."""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from . import store as rec_store
from ..filters import Filters, split_values
from ..models import Document, Recommendation
from .keyword_index import RecordKeywordIndex
from .classifier import RECORD_VECTORS
from .links import align_translations, similar_rows

if TYPE_CHECKING:
    from ..backends import Backends

RECORD_FIELDS = ("kind", "strength", "addressee", "topic", "topics", "number", "heading")
_CANDIDATES = 300


@dataclass
class RecordView:
    """A record as it is shown: with its document, its score for the query, and its links."""

    record: Recommendation
    document: Document
    score: float | None = None
    translations: list[str] = field(default_factory=list)
    translation_of: str | None = None
    related: list[str] = field(default_factory=list)
    repeated_on: list[int] = field(default_factory=list)

    @property
    def locator(self) -> str:
        """How a citation points at the record: "Recommendation 12" (or "Good practice", when not numbered)."""
        label = "Recommendation" if self.record.kind == "recommendation" else "Good practice"
        return f"{label} {self.record.number}" if self.record.number else label

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form following the command-line contract."""
        r, doc = self.record, self.document
        out: dict[str, Any] = {
            "rec_id": r.rec_id, "kind": r.kind, "doc_id": r.doc_id, "title": doc.title, "source": doc.source,
            "page": r.page, "number": r.number, "text": r.text, "language": doc.language, "addressee": r.addressee,
            "strength": r.strength, "topics": list(r.topics), "organisation": doc.organisation,
            "country": doc.country, "year": doc.year, "symbol": doc.symbol, "round": doc.get("round"),
            "heading": r.heading, "translation_of": self.translation_of, "translations": list(self.translations),
            "related": list(self.related), "repeated_on_pages": list(self.repeated_on)}
        if self.score is not None:
            out["score"] = round(self.score, 6)
        return out


# a country's own language: where a report exists in it and in another, that edition is the original
COUNTRY_LANGUAGE = {"NL": "nl", "BE": "nl", "DE": "de", "AT": "de", "FR": "fr", "LU": "fr", "GR": "el", "CY": "el",
                    "GB": "en", "IE": "en", "US": "en", "MT": "en"}


def split_filters(filters: Filters) -> tuple[Filters, Filters]:
    """(the filters on a record's own fields, the filters on its document: metadata and years)."""
    own = Filters({k: v for k, v in filters.values.items() if k in RECORD_FIELDS})
    of_document = Filters({k: v for k, v in filters.values.items() if k not in RECORD_FIELDS},
                          filters.year_min, filters.year_max)
    return own, of_document


def record_matches(record: Recommendation, filters: Filters) -> bool:
    """Whether a record passes filters on its own fields (its document's are the store's to check)."""
    return all(any(_value_matches(name, wanted, record) for wanted in values)
               for name, values in filters.values.items())


def _value_matches(name: str, wanted: str, record: Recommendation) -> bool:
    wanted = wanted.strip().casefold()
    if name in ("topic", "topics"):
        return wanted in (t.casefold() for t in record.topics)
    if name == "addressee":
        return bool(record.addressee) and wanted.rstrip("*") in record.addressee.casefold()
    value = getattr(record, name)
    candidate = str(value).casefold() if value is not None else None
    return candidate is not None and (candidate == wanted or
                                      (wanted.endswith("*") and candidate.startswith(wanted[:-1])))


class RecordCatalogue:
    """Every record of the ready documents at one generation, with what searching them needs."""

    def __init__(self, backends: "Backends"):
        store = backends.store
        rows = list(rec_store.ready_records(store.conn))
        self.docs = store.get_documents({r.doc_id for r, _ in rows})
        self.records = [r for r, _ in rows if r.repeats is None and r.doc_id in self.docs]
        self.by_id = {r.rec_id: r for r in self.records}
        self.repeated_on: dict[str, list[int]] = {}
        for r, _ in rows:
            if r.repeats is not None:
                self.repeated_on.setdefault(r.repeats, []).append(r.page)
        hashes = {r.rec_id: h for r, h in rows}
        found = store.get_embeddings(backends.model_id, {hashes[r.rec_id] for r in self.records}) \
            if backends.semantic else {}
        with_vectors = [r for r in self.records if hashes[r.rec_id] in found]
        self.vector_rows = {r.rec_id: i for i, r in enumerate(with_vectors)}
        self.vector_ids = [r.rec_id for r in with_vectors]
        self.matrix = (np.vstack([np.frombuffer(found[hashes[r.rec_id]], dtype=np.float32) for r in with_vectors])
                       if with_vectors else np.zeros((0, 1), dtype=np.float32))
        self.translations, self.originals = self._align(store, hashes)
        self._keyword: RecordKeywordIndex | None = None
        self._similar: list[list[tuple[int, float]]] | None = None
        self._similar_lock = threading.Lock()
        self.fallback_language = backends.settings.fallback_language

    def _align(self, store: Any, hashes: dict[str, str]) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Records of documents linked as translations aligned: numbered ones by number, the others by meaning
        (their multilingual vectors, cached when they were written), place and shared anchors."""
        by_doc: dict[str, list[Recommendation]] = {}
        for r in self.records:
            by_doc.setdefault(r.doc_id, []).append(r)
        links: dict[str, list[str]] = {}
        originals: dict[str, str] = {}
        pairs = [(doc_id, other_id) for doc_id, related in store.relations(list(by_doc)).items()
                 for other_id, kind, _ in related if kind == "translation" and other_id in by_doc and other_id > doc_id]
        in_pairs = [r for a, b in pairs for r in by_doc[a] + by_doc[b]]
        found = store.get_embeddings(RECORD_VECTORS, {hashes[r.rec_id] for r in in_pairs}) if in_pairs else {}
        vectors = {r.rec_id: np.frombuffer(found[hashes[r.rec_id]], dtype=np.float32) for r in in_pairs
                   if hashes[r.rec_id] in found}
        for doc_id, other_id in pairs:
            a, b = self.docs[doc_id], self.docs[other_id]
            for x, y in align_translations(by_doc[doc_id], a.n_pages, by_doc[other_id], b.n_pages, vectors or None):
                links.setdefault(x, []).append(y)
                links.setdefault(y, []).append(x)
                original = _original_of(a, x, b, y)
                if original is not None:
                    copy = y if original == x else x
                    originals[copy] = original
        return links, originals

    def similar(self, rec_id: str, threshold: float, limit: int) -> list[str]:
        """Records of other documents at least this similar by meaning (computed once for all, on first use)."""
        row = self.vector_rows.get(rec_id)
        if row is None:
            return []
        with self._similar_lock:
            if self._similar is None:
                # a few more than asked: the same document's and the translations' are left out afterwards
                self._similar = similar_rows(self.matrix, threshold, limit + 8)
        return [self.vector_ids[i] for i, _ in self._similar[row]]

    @property
    def keyword(self) -> RecordKeywordIndex:
        """The in-memory keyword index of the records (built on first use)."""
        if self._keyword is None:
            self._keyword = RecordKeywordIndex([(r, self.docs[r.doc_id].language) for r in self.records],
                                               self.fallback_language)
        return self._keyword


def _original_of(a: Document, x: str, b: Document, y: str) -> str | None:
    """Of two linked records, the original: the one in the language of the country the report is about, else the
    one whose edition came out first (None when nothing tells)."""
    countries = split_values("country", a.country) or split_values("country", b.country)
    native = {COUNTRY_LANGUAGE.get(c.upper()) for c in countries} - {None}
    if a.language in native and b.language not in native:
        return x
    if b.language in native and a.language not in native:
        return y
    if a.year and b.year and a.year != b.year:  # otherwise the edition that came out first
        return x if a.year < b.year else y
    return None


def country_topic_grid(views: Iterable[RecordView]) -> dict[tuple[str, str], int]:
    """How many records each (country, topic) pair holds; a record counts once per country and per topic."""
    counts: Counter[tuple[str, str]] = Counter()
    for view in views:
        countries = split_values("country", view.document.country) or ["(none)"]
        for country in countries:
            for topic in view.record.topics or ["(none)"]:
                counts[(country, topic)] += 1
    return dict(counts)
