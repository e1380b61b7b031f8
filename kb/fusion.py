"""Fusion of ranked lists: reciprocal rank fusion (the default for hybrid search)."""
from __future__ import annotations

from typing import Sequence


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


FUSIONS = {"rrf": reciprocal_rank_fusion}
