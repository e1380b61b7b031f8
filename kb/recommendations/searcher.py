"""The recommendations searcher: lists, ranks and links the records of the current generation of the knowledge
base (another process's writes are noticed by the generation counter)."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterable

from . import store as rec_store
from ..errors import KBError
from ..filters import Filters
from .extraction import KINDS
from ..search.limits import check_query
from ..search.translation import plan_query
from .ranking import CANDIDATES, RecordFusion, RecordRankings, fuse_records, meaning_rankings, translation_into
from .catalogue import RecordCatalogue, RecordView, country_topic_grid, record_matches, split_filters

if TYPE_CHECKING:
    from ..backends import Backends

RELATED_LIMIT = 6


class RecommendationSearcher:
    """Recommendations and practices: every record, filtered, or the best for a query; each with its links."""

    def __init__(self, backends: "Backends", fusion: RecordFusion | None = None):
        self.backends = backends
        self.fusion = fusion or RecordFusion()
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
        return list(fuse_records(self.rankings(query, allowed, catalogue), self.fusion))

    def rankings(self, query: str, allowed: set[str] | None = None,
                 catalogue: RecordCatalogue | None = None) -> RecordRankings:
        """Each ranker's records for a query (all records, or the allowed ones), best first, before fusion."""
        catalogue = catalogue or self.catalogue()
        allowed = set(catalogue.by_id) if allowed is None else allowed
        languages = {r.rec_id: catalogue.docs[r.doc_id].language for r in catalogue.records}
        plan = plan_query(query, self.backends.thesaurus(), sorted({lang for lang in languages.values() if lang}),
                          fallback_language=self.settings.fallback_language)
        out = RecordRankings(keyword=self._keyword(catalogue, query, allowed))
        if plan.expansion:  # the query's concepts named in the other languages, for records in those languages
            targets = set(plan.expansion_languages)
            out.translated = self._keyword(catalogue, plan.expansion,
                                           {r for r in allowed if languages.get(r) in targets})
        if catalogue.vector_ids:
            readable = self.backends.primary_languages()
            # the primary model reads the query, or else the query's translation into a language it reads
            primary_query = (query if readable is None or plan.language in readable
                             else translation_into(query, self.backends.thesaurus(), readable))
            out.primary, out.multilingual = meaning_rankings(
                catalogue.matrix, catalogue.vector_ids, languages, self.backends.embedder(), query, primary_query,
                lambda lang: readable is None or lang is None or lang in readable, allowed)
        return out

    @staticmethod
    def _keyword(catalogue: RecordCatalogue, text: str, allowed: set[str]) -> list[str]:
        found = catalogue.keyword.search(text, len(catalogue.records))
        return [rec_id for rec_id, _ in found if rec_id in allowed][:CANDIDATES]

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

