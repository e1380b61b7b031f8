"""Fusion of ranked lists: a weighted fusion that knows which retriever to trust (the default for hybrid
search), and reciprocal rank fusion (setting fusion = rrf)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Mapping, Sequence

from ..errors import KBError


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None,
                           k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1; best first, ties by first seen."""
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    order: dict[str, int] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            order.setdefault(item, len(order))
    return sorted(scores.items(), key=lambda pair: (-pair[1], order[pair[0]]))



@dataclass(frozen=True)
class FusionWeights:
    """The weights of the weighted fusion (setting `fusion_weights`, e.g. "keyword=0.6,semantic=0.4")."""

    keyword: float = 0.6
    semantic: float = 0.4
    # a document in another language than the query is scored by the query's translation into its language,
    # at this share of the user's own words
    translated: float = 0.8
    # the semantic score where the embedding model does not read the query's or the document's language
    unread_language: float = 0.3
    # where the primary model reads both languages, its share of the meaning score beside the multilingual model's
    primary_model: float = 0.5
    # a title holding most of the query's words (a report asked for by name)
    title: float = 0.5
    # a top result's edition in another language, at this share of the result's score
    translation_link: float = 0.7

    @classmethod
    def parse(cls, text: str) -> "FusionWeights":
        """Weights from `name=value` pairs separated by commas; names left out keep their defaults."""
        values: dict[str, float] = {}
        known = {f.name for f in fields(cls)}
        for part in filter(None, (p.strip() for p in str(text).split(","))):
            name, _, value = part.partition("=")
            if name.strip() not in known:
                raise KBError(f"fusion_weights: unknown weight {name.strip()!r}; known: {', '.join(sorted(known))}")
            try:
                values[name.strip()] = float(value)
            except ValueError:
                raise KBError(f"fusion_weights: {part!r} must be name=number, e.g. keyword=0.6") from None
        return cls(**values)


@dataclass
class FusionInput:
    """The rankings and what the fusion needs to know about the query and the documents."""

    keyword: Sequence[tuple[str, float]]
    semantic: Sequence[tuple[str, float]]
    # the multilingual model's ranking (empty when there is no multilingual model beside the primary one)
    multilingual: Sequence[tuple[str, float]] = ()
    translated: Sequence[tuple[str, float]] = ()
    query_language: str = "en"
    doc_languages: Mapping[str, str | None] = field(default_factory=dict)
    # languages the primary embedding model reads (None: any)
    model_languages: frozenset[str] | None = None
    title_matches: Mapping[str, float] = field(default_factory=dict)


def min_max(ranking: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Scores rescaled to 0..1 within one ranking (the best 1, the last 0; all 1 when they are equal)."""
    if not ranking:
        return {}
    scores = [s for _, s in ranking]
    hi, lo = max(scores), min(scores)
    return {d: (s - lo) / (hi - lo) if hi > lo else 1.0 for d, s in ranking}


def weighted_fusion(given: FusionInput, weights: FusionWeights) -> list[tuple[str, float]]:
    """A convex combination of rescaled keyword and semantic scores that knows which retriever to trust for
    which document: another language's documents are matched by the translated query too (weighted below the
    user's words), the semantic score counts fully only where the model reads both languages, and a title
    that holds the query's words lifts a known item. Best first."""
    keyword = min_max(given.keyword)
    # Another language's documents are scored by either query on one scale, the best lexical match of both (the
    # two are BM25 of one engine): the user's words found in an English summary of a Dutch report weigh what
    # they weigh, and the translation counts where it matches at least as strongly.
    top = max([s for _, s in given.keyword] + [s for _, s in given.translated] + [0.0])
    on_one_scale = {d: s / top for d, s in given.keyword} if top > 0 else {}
    translated = {d: s / top for d, s in given.translated} if top > 0 else {}
    meaning_of = _meaning(given, weights)
    scores: dict[str, float] = {}
    for doc_id in dict.fromkeys([*keyword, *meaning_of, *translated]):
        language = given.doc_languages.get(doc_id)
        if language == given.query_language:
            lexical = keyword.get(doc_id, 0.0)
        else:
            lexical = max(on_one_scale.get(doc_id, 0.0), weights.translated * translated.get(doc_id, 0.0))
        scores[doc_id] = (weights.keyword * lexical + weights.semantic * meaning_of.get(doc_id, 0.0)
                          + weights.title * given.title_matches.get(doc_id, 0.0))
    return sorted(scores.items(), key=lambda pair: -pair[1])


def _meaning(given: FusionInput, weights: FusionWeights) -> dict[str, float]:
    """Each document's meaning score from the model that reads its language and the query's: the primary model
    (mixed with the multilingual one) where it reads both, else the multilingual model; without a multilingual
    model, the primary model's score, reduced where it does not read them."""
    primary, multilingual = min_max(given.semantic), min_max(given.multilingual)
    readable = given.model_languages

    def reads(language: str | None) -> bool:
        return readable is None or (language or "") in readable

    out: dict[str, float] = {}
    for doc_id in dict.fromkeys([*primary, *multilingual]):
        both_read = reads(given.doc_languages.get(doc_id)) and reads(given.query_language)
        if multilingual and both_read:
            share = weights.primary_model
            out[doc_id] = share * primary.get(doc_id, 0.0) + (1 - share) * multilingual.get(doc_id, 0.0)
        elif multilingual:
            out[doc_id] = multilingual.get(doc_id, 0.0)
        else:
            out[doc_id] = primary.get(doc_id, 0.0) * (1.0 if both_read else weights.unread_language)
    return out


def meaning_ranking(given: FusionInput, weights: FusionWeights) -> list[tuple[str, float]]:
    """Documents by meaning alone (semantic mode), each scored by the model that reads its language."""
    return sorted(_meaning(given, weights).items(), key=lambda pair: -pair[1])


def add_translations(ranked: Sequence[tuple[str, float]], translations: Mapping[str, Sequence[str]], share: float,
                     top: int = 20) -> list[tuple[str, float]]:
    """Bring in the other-language editions of the top results, each at `share` of its original's score (or
    its own score when that is higher). Best first."""
    scores = dict(ranked)
    for doc_id, score in list(ranked)[:top]:
        for other in translations.get(doc_id, ()):
            scores[other] = max(scores.get(other, 0.0), share * score)
    return sorted(scores.items(), key=lambda pair: -pair[1])


FUSIONS = ("weighted", "rrf")
