"""The searcher: keyword, semantic and hybrid retrieval, results grouped by document with their best passages,
similar documents, and evaluation against judged queries."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..backends import Backends
from ..errors import DocumentNotFoundError, KBError, ModeUnavailableError, QuerySyntaxError
from .evaluation import evaluate_run
from .limits import Deadline, check_query, check_results
from ..filters import Filters
from .translation import QueryPlan, plan_query
from .fusion import FUSIONS, FusionWeights
from ..engines.keyword import ParsedQuery, highlight_spans
from ..models import Document, Hit
from .ranking import Ranking, Retrieved, rank_meaning, rank_rrf, rank_single, rank_weighted
from .ready_documents import ReadyDocuments
from .passages import PassageMaker, ShownDocument
from .results import DocGroup, group_by_document
from ..store import READY
from ..text.thesaurus import Thesaurus

MODES = ("hybrid", "keyword", "semantic")
FACET_FIELDS = ("organisation", "country", "year", "language", "doc_type", "topic")
KEYWORD_CANDIDATE_CAP = 20000
SEMANTIC_CANDIDATE_CAP = 50000


@dataclass
class SearchResults:
    """A page of results plus what produced it."""

    query: str
    mode: str
    hits: list[Hit]
    total_documents: int
    took_ms: float
    filters: dict[str, Any] = field(default_factory=dict)
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # the query's language, thesaurus concepts and translation (kb.search.translation.QueryPlan.to_dict)
    plan: dict[str, Any] = field(default_factory=dict)
    # of total_documents: those that match the query's words (or its translation), and those found by meaning alone
    word_matches: int = 0
    meaning_matches: int = 0
    # the other-language editions the search found, listed as links on a result rather than as results
    editions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def translated(self) -> bool:
        """Whether the query also ran translated into other languages."""
        return bool(self.plan.get("expansion"))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form following the command-line contract."""
        return {"query": self.query, "mode": self.mode, "filters": self.filters, "offset": self.offset,
                "total_documents": self.total_documents, "word_matches": self.word_matches,
                "meaning_matches": self.meaning_matches, "took_ms": round(self.took_ms, 2),
                "facets": self.facets, "query_plan": self.plan, "results": [h.to_dict() for h in self.hits]}


class Searcher:
    """Answers queries from the store and the indexes of one data directory."""

    def __init__(self, backends: Backends):
        self.backends = backends
        self.settings = backends.settings
        self.store = backends.store
        self._languages: tuple[int, list[str]] = (-1, [])
        self.ready = ReadyDocuments(self.store)

    @property
    def available_modes(self) -> tuple[str, ...]:
        """Search modes this knowledge base offers."""
        return MODES if self.backends.semantic else ("keyword",)

    @property
    def default_mode(self) -> str:
        """The mode used when none is given."""
        mode = self.settings.default_mode
        return mode if mode in self.available_modes else "keyword"

    def _check_mode(self, mode: str | None) -> str:
        mode = (mode or self.default_mode).lower()
        if mode not in MODES:
            raise KBError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if mode not in self.available_modes:
            raise ModeUnavailableError(
                f"search mode {mode!r} is not available: semantic search is switched off (setting semantic, "
                f"KB_SEMANTIC); available: {', '.join(self.available_modes)} (use --mode keyword)")
        if mode != "keyword":
            self.backends.check_vector_model()
        return mode

    def search(self, query: str, *, mode: str | None = None, k: int = 10, offset: int = 0,
               filters: Filters | Mapping[str, Any] | Iterable[str] | None = None, raw: bool = False,
               facets: bool = False, translate: bool | None = None) -> SearchResults:
        """Documents ranked best first, each with its best passages (page numbers and highlights). In hybrid
        mode the query also runs translated into the knowledge base's other languages (unless translate is
        False; the setting translate_queries by default)."""
        started = time.perf_counter()
        check_results(self.settings, k, offset)
        check_query(self.settings, query, raw)
        deadline = Deadline(self.settings.search_seconds)
        self.backends.sync()
        mode = self._check_mode(mode)
        parsed_filters = Filters.parse(filters)
        allowed = self.store.filter_doc_ids(parsed_filters) if parsed_filters else None
        parsed = self._parse(query, raw)
        translate = self.settings.translate_queries if translate is None else translate
        plan = self._plan(query, translate and mode == "hybrid" and not raw and self._fusion() == "weighted")
        found = self._retrieve(mode, parsed, plan, query, allowed, offset + k, deadline)
        ranking, docs = self._rank(mode, found, plan)
        deadline.check()
        ranked, words, editions = self._listed(ranking, docs, found, allowed)
        hits = self._build_hits(ranked[offset:offset + k], docs, found, parsed, ranking.found_via)
        for hit in hits:
            hit.found_via = ranking.found_via.get(hit.document.doc_id)
        self._attach_related(hits)
        facet_counts = self.ready.count_facets([docs[d] for d, _ in ranked], FACET_FIELDS) if facets else {}
        deadline.check()
        return SearchResults(query=query, mode=mode, hits=hits, total_documents=len(ranked),
                             took_ms=(time.perf_counter() - started) * 1000, filters=parsed_filters.to_dict(),
                             offset=offset, facets=facet_counts, plan=plan.to_dict(), word_matches=words,
                             meaning_matches=len(ranked) - words, editions=editions)

    def _listed(self, ranking: Ranking, docs: Mapping[str, Document], found: Retrieved,
                allowed: set[str] | None) -> tuple[list[tuple[str, float]], int, dict[str, list[str]]]:
        """The ranked documents a visitor is shown, and how many of them match the words: those that pass the
        filters and match the query's words or its translation, or whose meaning reaches the floor, each report
        once: an edition in another language is a link on the result, not a result (nor one brought in only as a
        result's translation)."""
        words = {g.doc_id for g in (*found.keyword, *found.translated)}
        meaning: set[str] = set()
        if found.semantic or found.multilingual:
            primary, multilingual = self._floors()
            meaning = {g.doc_id for g in found.semantic if g.score >= primary}
            meaning.update(g.doc_id for g in found.multilingual if g.score >= multilingual)
        passing = [(d, s) for d, s in ranking.scores
                   if d in docs and (allowed is None or d in allowed) and (d in words or d in meaning)]
        listed, editions = self._fold_editions(passing)
        return listed, sum(1 for d, _ in listed if d in words), editions

    def _fold_editions(self, listed: list[tuple[str, float]]) -> tuple[list[tuple[str, float]], dict[str, list[str]]]:
        """Another language's edition of a document listed higher is not a result of its own: that document
        names it among its translations ("Also in: English"). Returns the results and, per result, the editions
        folded into it."""
        links = self.ready.relations(d for d, _ in listed)
        kept: list[tuple[str, float]] = []
        edition_of: dict[str, str] = {}
        folded: dict[str, list[str]] = {}
        for doc_id, score in listed:
            if doc_id in edition_of:
                folded.setdefault(edition_of[doc_id], []).append(doc_id)
                continue
            kept.append((doc_id, score))
            for other, kind, _ in links.get(doc_id, []):
                if kind == "translation":
                    edition_of.setdefault(other, doc_id)
        return kept, folded

    def _floors(self) -> tuple[float, float]:
        """The cosines from which the first and the multilingual model find a document by meaning alone: the
        settings, unless the embedder has a scale of its own (the hashing test embedder)."""
        own = getattr(self.backends.embedder(), "meaning_floor", None)
        if own is not None:
            return float(own), float(own)
        return float(self.settings.meaning_floor), float(self.settings.multilingual_floor)

    def _parse(self, query: str, raw: bool) -> ParsedQuery:
        """The keyword engine's query; an engine's own refusal becomes a message about the query."""
        try:
            return self.backends.keyword.parse(query, raw=raw)
        except (ValueError, OverflowError, RuntimeError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise QuerySyntaxError(f"the keyword engine cannot run this query ({reason}): check its syntax, or "
                                   "search without --raw") from None

    def _fusion(self) -> str:
        name = str(self.settings.fusion).strip().lower()
        if name not in FUSIONS:
            raise KBError(f"unknown fusion {self.settings.fusion!r} (KB_FUSION): use {' or '.join(FUSIONS)}")
        return name

    def _plan(self, query: str, translate: bool) -> QueryPlan:
        """The query's language and concepts, and its translation when translating."""
        generation = self.store.generation()
        if self._languages[0] != generation:
            self._languages = (generation, self.store.languages())
        return plan_query(query, self.thesaurus, self._languages[1], translate=translate,
                          fallback_language=self.settings.fallback_language)

    @property
    def thesaurus(self) -> Thesaurus | None:
        """The thesaurus of the field (None when the setting thesaurus is "off")."""
        return self.backends.thesaurus()

    def _retrieve(self, mode: str, parsed: ParsedQuery, plan: QueryPlan, query: str, allowed: set[str] | None,
                  wanted: int, deadline: Deadline) -> Retrieved:
        found = Retrieved()
        if mode != "semantic":
            found.keyword = self._keyword_groups(parsed, allowed, wanted, self.settings.search_candidates, deadline)
        if mode != "keyword":
            found.semantic, found.multilingual = self._semantic_groups(query, allowed, wanted, deadline)
        if plan.expansion:
            found.translated_query = self.backends.keyword.parse(plan.expansion, raw=False)
            found.translated = self._keyword_groups(found.translated_query, allowed, wanted,
                                                    self.settings.translated_candidates, deadline)
        return found

    def _rank(self, mode: str, found: Retrieved, plan: QueryPlan) -> tuple[Ranking, dict[str, Document]]:
        """The ranking, and the ready documents it may show."""
        if mode == "keyword" or (mode == "semantic" and not found.multilingual):
            ranking = rank_single(found.keyword if mode == "keyword" else found.semantic)
            return ranking, self.ready.get(d for d, _ in ranking.scores)
        if mode == "hybrid" and self._fusion() == "rrf":
            ranking = rank_rrf(found, parse_weights(self.settings.hybrid_weights), self.settings.rrf_k)
            return ranking, self.ready.get(d for d, _ in ranking.scores)
        candidates = found.doc_ids()
        translations = {d: [o for o, kind, _ in links if kind == "translation"]
                        for d, links in self.ready.relations(candidates).items()} if plan.expansion else {}
        wanted = [*candidates, *(o for others in translations.values() for o in others)]
        docs = self.ready.get(wanted)
        weights = FusionWeights.parse(self.settings.fusion_weights)
        if mode == "semantic":
            return rank_meaning(found, plan, docs, weights, self.backends.primary_languages()), docs
        return rank_weighted(found, plan, docs, weights, self.backends.primary_languages(), translations), docs

    def _keyword_groups(self, parsed: ParsedQuery, allowed: set[str] | None, wanted: int,
                        candidates: int, deadline: Deadline | None = None) -> list[DocGroup]:
        search = self.backends.keyword.search
        return self._grown([parsed], lambda queries, limit: [search(q, limit=limit, doc_ids=allowed) for q in queries],
                           candidates, KEYWORD_CANDIDATE_CAP, wanted, deadline)[0]

    def _grown(self, queries: Sequence[Any], fetch: Any, first: int, cap: int, wanted: int,
               deadline: Deadline | None = None) -> list[list[DocGroup]]:
        """Each query's documents from a retriever (`fetch(queries, limit)`, one list of ranked items per query),
        the queries with too few asked again for more candidates (×4) until `wanted` documents are found, the
        retriever has no more, or the cap is reached."""
        limit = max(first, wanted * 10)
        out: list[list[DocGroup]] = [[] for _ in queries]
        pending = list(range(len(queries)))
        while pending:
            if deadline is not None:
                deadline.check()
            still = []
            for n, found in zip(pending, fetch([queries[n] for n in pending], limit)):
                out[n] = group_by_document(found, self.settings.passages_per_hit)
                if len(out[n]) < wanted and len(found) >= limit and limit < cap:
                    still.append(n)
            pending, limit = still, limit * 4
        return out

    def _semantic_groups(self, query: str, allowed: set[str] | None, wanted: int,
                         deadline: Deadline | None = None) -> tuple[list[DocGroup], list[DocGroup]]:
        """Documents by meaning: the primary model's ranking, and the multilingual model's when chunks carry
        both (each asked with its own half of the query, both in one pass over the index)."""
        vectors = self.backends.vectors
        if vectors is None or (allowed is not None and not allowed):
            return [], []
        embedder = self.backends.embedder()
        halves = hasattr(embedder, "half_queries")
        queries = list(embedder.half_queries(query)) if halves else [embedder.embed_query(query)]
        groups = self._grown(queries, lambda vs, limit: self.backends.vectors.search_many(vs, limit, allowed),
                             self.settings.semantic_candidates, SEMANTIC_CANDIDATE_CAP, wanted, deadline)
        return (groups[0], groups[1]) if halves else (groups[0], [])

    def _build_hits(self, ranked: list[tuple[str, float]], docs: Mapping[str, Document], found: Retrieved,
                    parsed: ParsedQuery, via: Mapping[str, str]) -> list[Hit]:
        """The page of results with their passages; the store is read once for all of them (pages, chunks). A
        document in another language found by the translated query shows the pages that query matched, with its
        words marked."""
        keyword = {g.doc_id: (g, parsed) for g in found.keyword}
        if found.translated_query is not None:
            for g in found.translated:
                if docs.get(g.doc_id) is not None and (g.doc_id not in keyword
                                                       or via.get(g.doc_id) == "translated_query"):
                    keyword[g.doc_id] = (g, found.translated_query)
        semantic = {g.doc_id: g for g in found.meaning()}
        shown = []
        for doc_id, _ in ranked:
            if docs.get(doc_id) is not None:
                group, query = keyword.get(doc_id, (None, parsed))
                shown.append(ShownDocument(docs[doc_id], query, group, semantic.get(doc_id)))
        maker = PassageMaker(self.store, self._spans, self.settings.snippet_chars, self.settings.passages_per_hit)
        scores = dict(ranked)
        return [Hit(s.doc, scores[s.doc.doc_id], passages) for s, passages in zip(shown, maker.passages(shown))]

    def _spans(self, parsed: ParsedQuery, text: str, language: str | None) -> list[tuple[int, int]]:
        return highlight_spans(parsed, text, language, self.settings.fallback_language)

    def _attach_related(self, hits: Sequence[Hit]) -> None:
        related = self.related([h.document.doc_id for h in hits])
        for hit in hits:
            hit.related = [{"doc_id": other.doc_id, "title": other.title, "language": other.language, "kind": kind,
                            "score": round(score, 3)} for other, kind, score in related.get(hit.document.doc_id, [])]

    def related(self, doc_ids: Sequence[str]) -> dict[str, list[tuple[Document, str, float]]]:
        """Translations and near-duplicates of each document: {doc id: [(document, kind, score), ...]}."""
        links = self.ready.relations(doc_ids)
        others = self.ready.get(o for items in links.values() for o, _, _ in items)
        return {d: [(others[o], kind, score) for o, kind, score in items if o in others]
                for d, items in links.items()}

    def highlight(self, query: str, text: str, language: str | None, raw: bool = False) -> list[tuple[int, int]]:
        """Character spans of the query's words in a text (as the keyword index matches them)."""
        try:
            parsed = self.backends.keyword.parse(query, raw=raw)
        except KBError:
            return []
        return self._spans(parsed, text, language)

    def similar(self, doc: Document, k: int = 10) -> list[Hit]:
        """Documents closest in meaning (mean chunk vectors), without the document itself or its duplicates."""
        self.backends.sync()
        vectors = self.backends.vectors
        if vectors is None:
            raise ModeUnavailableError("similar documents need the vector index: semantic search is switched off")
        self._check_mode("semantic")
        ids, matrix = vectors.document_vectors()
        if doc.doc_id not in ids:
            raise DocumentNotFoundError(f"document {doc.doc_id!r} has no vectors yet (nothing to compare)")
        scores = matrix @ matrix[ids.index(doc.doc_id)]
        excluded = {doc.doc_id, *self._duplicate_ids(doc)}
        ranked = [(ids[i], float(scores[i])) for i in np.argsort(-scores) if ids[i] not in excluded]
        ready = set(self.store.doc_ids(READY))
        ranked = [(d, s) for d, s in ranked if d in ready][:k]
        docs = self.store.get_documents([d for d, _ in ranked])
        return [Hit(docs[d], s, []) for d, s in ranked if d in docs]

    def _duplicate_ids(self, doc: Document) -> set[str]:
        same = {d.doc_id for d in [self.store.find_by_sha256(doc.sha256)] if d is not None}
        same.update(o for o, kind, _ in self.store.relations([doc.doc_id])[doc.doc_id] if kind == "near-duplicate")
        for key in ("duplicate_of", "near_duplicate_of", "duplicates"):
            value = doc.extra.get(key)
            if isinstance(value, str):
                same.add(value)
            elif isinstance(value, list):
                same.update(str(v) for v in value)
        return same

    def evaluate(self, queries: Mapping[str, str], qrels: Mapping[str, Mapping[str, int]], *, mode: str | None = None,
                 k: int = 10, progress: Any = None) -> dict[str, Any]:
        """Run every judged query and compute nDCG@k, Recall@k and MRR@k against the qrels."""
        run: dict[str, list[str]] = {}
        latencies: list[float] = []
        for qid, text in queries.items():
            if qid not in qrels:
                continue
            results = self.search(text, mode=mode, k=k)
            latencies.append(results.took_ms)
            # an edition the search found is shown as a link on its result: it counts right after that result
            run[qid] = [ref for h in results.hits
                        for ref in (h.document.extra.get("record_id", h.document.doc_id),
                                    *results.editions.get(h.document.doc_id, []))]
            if progress:
                progress(1)
        metrics = evaluate_run(run, qrels, k)
        metrics["mode"] = mode or self.default_mode
        latencies.sort()
        if latencies:
            metrics["latency_ms_p50"] = latencies[len(latencies) // 2]
            metrics["latency_ms_p95"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        return metrics


def parse_weights(text: str) -> list[float]:
    """The keyword and semantic weights of hybrid fusion from the setting's text ("1.0,1.0")."""
    try:
        weights = [float(part) for part in str(text).split(",")]
    except ValueError:
        raise KBError(f"hybrid_weights {text!r} must be two numbers such as 1.0,1.0") from None
    if len(weights) != 2:
        raise KBError(f"hybrid_weights {text!r} must be two numbers: keyword,semantic")
    return weights
