"""Ranking records for a query by words and by meaning: BM25 of the user's words, BM25 of the query's thesaurus
translation (records in the knowledge base's other languages), the English model's cosine (only where it reads the
query's language and the record's; a query in another language it reads through the query's thesaurus translation)
and the multilingual model's cosine (every record, any language), fused by
weighted reciprocal rank fusion. The weights were chosen on the development queries of
tests/data/recommendations (scripts/benchmark_recommendation_search.py, leave-one-query-out)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Callable, Collection, Mapping, Sequence

import numpy as np

from ..search.fusion import reciprocal_rank_fusion
from ..search.translation import LABELS_PER_CONCEPT
from ..text.thesaurus import Thesaurus, is_acronym

CANDIDATES = 300  # records each ranker hands to the fusion


@dataclass(frozen=True)
class RecordFusion:
    """The weights of the four rankings and the fusion constant k."""

    keyword: float = 1.0
    translated: float = 1.0
    # the English model reads fewer records (its language only) and is half as sure as the words
    primary: float = 0.5
    # the multilingual model alone ranks cross-language matches the thesaurus does not name; on the development
    # queries any larger share lowered nDCG@10 (it ranks by the field's common subject more than by the query's)
    multilingual: float = 0.25
    k: int = 10

    def describe(self) -> str:
        """`name=value` pairs, as a report prints them."""
        return ",".join(f"{f.name}={getattr(self, f.name):g}" for f in fields(self))


@dataclass
class RecordRankings:
    """Each ranker's record ids for one query, best first."""

    keyword: list[str] = field(default_factory=list)
    translated: list[str] = field(default_factory=list)
    primary: list[str] = field(default_factory=list)
    multilingual: list[str] = field(default_factory=list)


def fuse_records(rankings: RecordRankings, fusion: RecordFusion) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of the rankings (a ranking weighted 0 brings in nothing); best first."""
    lists = [(getattr(rankings, name), getattr(fusion, name))
             for name in ("keyword", "translated", "primary", "multilingual")]
    kept = [(ranking, weight) for ranking, weight in lists if weight > 0 and ranking]
    if not kept:
        return []
    return reciprocal_rank_fusion([r for r, _ in kept], [w for _, w in kept], k=fusion.k)


def translation_into(text: str, thesaurus: Thesaurus | None, languages: Collection[str]) -> str:
    """The labels, in the given languages, of the thesaurus concepts a query names (empty when it names none)."""
    if thesaurus is None:
        return ""
    words: list[str] = []
    for concept in dict.fromkeys(m.concept for m in thesaurus.find(text)):
        for language in sorted(languages):
            labels = [label for label in thesaurus.concepts[concept].labels.get(language, ()) if not is_acronym(label)]
            words.extend(labels[:LABELS_PER_CONCEPT])
    return " ".join(dict.fromkeys(words))


def meaning_rankings(matrix: np.ndarray, ids: Sequence[str], languages: Mapping[str, str | None], embedder: object,
                     query: str, primary_query: str | None, primary_reads: Callable[[str | None], bool],
                     allowed: Collection[str], limit: int = CANDIDATES) -> tuple[list[str], list[str]]:
    """(the primary model's ranking, the multilingual model's) of the allowed records by cosine with the query.

    With two models side by side in one vector (a composite embedder), each half is ranked on its own: the
    multilingual model's by the query, the primary model's by `primary_query` (the query, or its translation into
    a language the primary model reads; None: no primary ranking) over the records in a language it reads. With
    one model, its ranking of the query is the primary one."""
    if not len(ids):
        return [], []

    def best(scores: np.ndarray, keep: Callable[[str], bool]) -> list[str]:
        order = np.argsort(-scores, kind="stable")
        return [ids[i] for i in order if ids[i] in allowed and keep(ids[i])][:limit]

    halves = getattr(embedder, "half_queries", None)
    if halves is None:
        vector = np.asarray(embedder.embed_query(query), dtype=np.float32)  # type: ignore[attr-defined]
        return best(matrix @ vector, lambda _: True), []
    multilingual = best(matrix @ halves(query)[1], lambda _: True)
    if not primary_query:
        return [], multilingual
    first = halves(primary_query)[0]
    return best(matrix @ first, lambda rec_id: primary_reads(languages.get(rec_id))), multilingual
