"""The ready documents a search shows and their links, read from the store once per generation: at a million
chunks a query's candidates are a few hundred of the same few thousand documents, and reading and decoding their
rows (and looking up their translations) again for every query cost more than the engines' own work. Any change
readers must see bumps the store's generation, which empties the cache."""
from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Iterable

from ..filters import split_values
from ..models import Document
from ..store import DocumentStore

# Past this many documents the cache starts again (a knowledge base of millions of records stays bounded).
CACHE_LIMIT = 100_000


class ReadyDocuments:
    """Ready documents by id and their facet values, cached until the store's generation changes."""

    def __init__(self, store: DocumentStore, limit: int = CACHE_LIMIT):
        self.store = store
        self.limit = limit
        self._generation = -1
        self._docs: dict[str, Document | None] = {}
        self._facets: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, ...], ...]] = {}
        self._links: dict[str, list[tuple[str, str, float]]] = {}

    def _current(self) -> None:
        generation = self.store.generation()
        if generation != self._generation or max(len(self._docs), len(self._links)) > self.limit:
            self._generation, self._docs, self._facets, self._links = generation, {}, {}, {}

    def get(self, doc_ids: Iterable[str]) -> dict[str, Document]:
        """The ready documents among these ids (others left out), in the order asked."""
        self._current()
        ids = list(dict.fromkeys(doc_ids))
        missing = [d for d in ids if d not in self._docs]
        if missing:
            found = self.store.get_documents(missing, ready_only=True)
            for doc_id in missing:
                self._docs[doc_id] = found.get(doc_id)
        return {d: doc for d in ids if (doc := self._docs[d]) is not None}

    def relations(self, doc_ids: Iterable[str]) -> dict[str, list[tuple[str, str, float]]]:
        """Each document's links to ready documents, {doc id: [(other id, kind, score), ...]} best first (the
        store's `relations`; a hybrid query asks for the translations of its few hundred candidates)."""
        self._current()
        ids = list(dict.fromkeys(doc_ids))
        missing = [d for d in ids if d not in self._links]
        if missing:
            self._links.update(self.store.relations(missing))
        return {d: self._links[d] for d in ids}

    def count_facets(self, docs: Iterable[Document], fields: Iterable[str]) -> dict[str, dict[str, int]]:
        """For each field, how many of the documents carry each value (multi-valued fields counted per value),
        most first."""
        fields = tuple(fields)
        rows = [self._values(doc, fields) for doc in docs]
        out: dict[str, dict[str, int]] = {}
        for n, name in enumerate(fields):
            counts = Counter(chain.from_iterable(row[n] for row in rows))
            out[name] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        return out

    def _values(self, doc: Document, fields: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """The document's values of each field, split once per generation (one lookup per document and query)."""
        key = (doc.doc_id, fields)
        values = self._facets.get(key)
        if values is None:
            values = self._facets[key] = tuple(tuple(dict.fromkeys(split_values(name, doc.get(name))))
                                               for name in fields)
        return values
