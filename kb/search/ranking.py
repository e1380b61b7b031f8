"""Ranking documents from what the retrievers found: one retriever's order, or the hybrid fusion of keyword,
meaning and the query's translation, with the other-language editions of the best results."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence

from ..text.analysis import analyze, index_language
from .translation import QueryPlan
from .fusion import (FusionInput, FusionWeights, add_translations, meaning_ranking, reciprocal_rank_fusion,
                     weighted_fusion)
from ..engines.keyword import ParsedQuery
from ..models import Document
from .results import DocGroup

TITLE_MEMO = 50_000  # titles whose terms are remembered
TITLE_SHARE = 0.75  # a title must hold this share of the query's words to count as naming the document


@dataclass
class Retrieved:
    """The documents each retriever found for one query, best first."""

    keyword: list[DocGroup] = field(default_factory=list)
    semantic: list[DocGroup] = field(default_factory=list)
    # the multilingual model's own ranking, when chunks carry its vectors beside the primary model's
    multilingual: list[DocGroup] = field(default_factory=list)
    translated: list[DocGroup] = field(default_factory=list)
    translated_query: ParsedQuery | None = None

    def doc_ids(self) -> list[str]:
        """Every document found, once."""
        return list(dict.fromkeys(g.doc_id for groups in (self.keyword, self.semantic, self.multilingual,
                                                          self.translated) for g in groups))

    def meaning(self) -> list[DocGroup]:
        """Every document found by meaning (by either model), its best passages first."""
        groups = {g.doc_id: g for g in self.multilingual}
        groups.update({g.doc_id: g for g in self.semantic})
        return list(groups.values())


@dataclass
class Ranking:
    """Documents best first, and how the ones in another language than the query were reached."""

    scores: list[tuple[str, float]]
    found_via: dict[str, str] = field(default_factory=dict)


def title_share(query_terms: set[str], title: str, language: str) -> float:
    """The share of the query's terms that the title holds (0 below TITLE_SHARE), under one analyzer."""
    if not query_terms:
        return 0.0
    share = len(query_terms & _title_terms(language, title)) / len(query_terms)
    return share if share >= TITLE_SHARE else 0.0


@lru_cache(maxsize=TITLE_MEMO)
def _title_terms(language: str, title: str) -> frozenset[str]:
    """A title's index terms (each candidate's title is read again by every query that finds it)."""
    return frozenset(analyze(language, title))


def _fusion_input(found: Retrieved, plan: QueryPlan, docs: Mapping[str, Document],
                  model_languages: frozenset[str] | None, titles: bool) -> FusionInput:
    pairs = lambda groups: [(g.doc_id, g.score) for g in groups]  # noqa: E731
    analyzer = index_language(plan.language)
    terms = set(analyze(analyzer, plan.text)) if titles else set()
    return FusionInput(keyword=pairs(found.keyword), semantic=pairs(found.semantic),
                       multilingual=pairs(found.multilingual), translated=pairs(found.translated),
                       query_language=plan.language, doc_languages={d: doc.language for d, doc in docs.items()},
                       model_languages=model_languages,
                       title_matches={d: s for d, doc in docs.items() if (s := title_share(terms, doc.title, analyzer))})


def rank_single(groups: Sequence[DocGroup]) -> Ranking:
    """One retriever's order."""
    return Ranking([(g.doc_id, g.score) for g in groups])


def rank_rrf(found: Retrieved, weights: Sequence[float], k: int) -> Ranking:
    """Reciprocal rank fusion of the keyword and semantic rankings (setting fusion = rrf)."""
    return Ranking(reciprocal_rank_fusion([[g.doc_id for g in found.keyword], [g.doc_id for g in found.semantic]],
                                          weights, k=k))


def rank_meaning(found: Retrieved, plan: QueryPlan, docs: Mapping[str, Document], weights: FusionWeights,
                 model_languages: frozenset[str] | None) -> Ranking:
    """Semantic mode with two models: each document by the model that reads its language and the query's."""
    return Ranking(meaning_ranking(_fusion_input(found, plan, docs, model_languages, titles=False), weights))


def rank_weighted(found: Retrieved, plan: QueryPlan, docs: Mapping[str, Document], weights: FusionWeights,
                  model_languages: frozenset[str] | None, translations: Mapping[str, Sequence[str]]) -> Ranking:
    """The weighted fusion, then the other-language editions of the best results."""
    fused = weighted_fusion(_fusion_input(found, plan, docs, model_languages, titles=True), weights)
    scores = add_translations(fused, translations, weights.translation_link) if translations else fused
    return Ranking(scores, _found_via(scores, fused, found, plan, docs))


def _found_via(scores: list[tuple[str, float]], fused: list[tuple[str, float]], found: Retrieved, plan: QueryPlan,
               docs: Mapping[str, Document]) -> dict[str, str]:
    """How each document in another language than the query was reached: as the edition of a result, by the
    translated query, or else by the user's own words or their meaning."""
    before = dict(fused)
    translated = {g.doc_id for g in found.translated}
    out: dict[str, str] = {}
    for doc_id, score in scores:
        doc = docs.get(doc_id)
        if doc is None or not doc.language or doc.language == plan.language:
            continue
        if score > before.get(doc_id, 0.0):
            out[doc_id] = "translation_link"
        else:
            out[doc_id] = "translated_query" if doc_id in translated else "other_language"
    return out
