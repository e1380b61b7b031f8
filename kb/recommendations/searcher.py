"""The recommendations searcher: lists, ranks and links the records of the current generation of the knowledge
base (another process's writes are noticed by the generation counter)."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from . import store as rec_store
from ..errors import KBError
from ..filters import Filters
from .extraction import KINDS
from ..search.searcher import parse_weights
from ..search.fusion import reciprocal_rank_fusion
from ..search.limits import check_query
from .catalogue import RecordCatalogue, RecordView, country_topic_grid, record_matches, split_filters

if TYPE_CHECKING:
    from ..backends import Backends

RELATED_LIMIT = 6
_CANDIDATES = 300


class RecommendationSearcher:
    """Recommendations and practices: every record, filtered, or the best for a query; each with its links."""

    def __init__(self, backends: "Backends"):
        self.backends = backends
        self.settings = backends.settings
        self._catalogue: RecordCatalogue | None = None
        self._generation: int | None = None
        self._lock = threading.Lock()

    def catalogue(self) -> RecordCatalogue:
        """The records of the knowledge base as it is now (read again when another process changed it)."""
        generation = self.backends.store.generation()
        with self._lock:
            if self._catalogue is None or generation != self._generation:
                self._catalogue, self._generation = RecordCatalogue(self.backends), generation
            return self._catalogue

    def extraction_current(self) -> bool:
        """Whether the stored records come from this version of the extractor (else `kb reindex --recommendations`)."""
        return rec_store.extraction_current(self.backends.store.conn)

    def find(self, query: str | None = None, *, kind: str | None = None, filters: Any = None,
             k: int | None = None) -> list[RecordView]:
        """Every record that passes the filters, in document order, or — with a query — the best k for it."""
        if kind is not None and kind not in KINDS:
            raise KBError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        catalogue = self.catalogue()
        wanted = Filters.parse(filters)
        if kind:
            wanted = Filters({**wanted.values, "kind": [kind]}, wanted.year_min, wanted.year_max)
        own, of_document = split_filters(wanted)
        # document fields mean what they mean to `kb search --filter`: the store's filters decide
        documents = self.backends.store.filter_doc_ids(of_document) if of_document else catalogue.docs.keys()
        allowed = [r for r in catalogue.records if r.doc_id in documents and record_matches(r, own)]
        if not query or not query.strip():
            chosen = [(r.rec_id, None) for r in allowed]
        else:
            check_query(self.settings, query, raw=False)  # the bounds of every search
            chosen = self._rank(catalogue, query, {r.rec_id for r in allowed})
        if k is not None:
            chosen = chosen[:max(0, k)]
        return [self.view(catalogue, rec_id, score) for rec_id, score in chosen]

    def _rank(self, catalogue: RecordCatalogue, query: str, allowed: set[str]) -> list[tuple[str, float | None]]:
        keyword = [rec_id for rec_id, _ in catalogue.keyword.search(query, len(catalogue.records)) if rec_id in allowed]
        semantic: list[str] = []
        if catalogue.vector_ids:
            vector = np.asarray(self.backends.embedder().embed_query(query), dtype=np.float32)
            scores = catalogue.matrix @ vector
            order = np.argsort(-scores)
            semantic = [catalogue.vector_ids[i] for i in order if catalogue.vector_ids[i] in allowed][:_CANDIDATES]
        weights = parse_weights(self.settings.hybrid_weights)
        return list(reciprocal_rank_fusion([keyword[:_CANDIDATES], semantic], weights, k=self.settings.rrf_k))

    def view(self, catalogue: RecordCatalogue, rec_id: str, score: float | None = None) -> RecordView:
        """One record with its document and links."""
        record = catalogue.by_id[rec_id]
        translations = catalogue.translations.get(rec_id, [])
        return RecordView(record, catalogue.docs[record.doc_id], score, translations, catalogue.originals.get(rec_id),
                          self._related(catalogue, rec_id, set(translations)), catalogue.repeated_on.get(rec_id, []))

    def _related(self, catalogue: RecordCatalogue, rec_id: str, translations: set[str]) -> list[str]:
        doc_id = catalogue.by_id[rec_id].doc_id
        found = [catalogue.by_id[other] for other in catalogue.similar(
            rec_id, self.settings.related_recommendation_threshold, RELATED_LIMIT)
            if catalogue.by_id[other].doc_id != doc_id and other not in translations][:RELATED_LIMIT]
        return [r.rec_id for r in sorted(found, key=lambda r: (catalogue.docs[r.doc_id].year or 0, r.doc_id))]

    def get(self, rec_ids: Iterable[str]) -> list[RecordView]:
        """Records by id (ids no longer in the knowledge base are left out)."""
        catalogue = self.catalogue()
        return [self.view(catalogue, rec_id) for rec_id in rec_ids if rec_id in catalogue.by_id]

    def for_document(self, doc_id: str) -> list[RecordView]:
        """A document's records in document order."""
        return self.find(filters={"doc_id": doc_id})

    def grid(self, query: str | None = None, *, kind: str | None = None, filters: Any = None) -> dict[tuple[str, str], int]:
        """Records per (country, topic) among those that pass the filters (and match the query, when given)."""
        return country_topic_grid(self.find(query, kind=kind, filters=filters))

