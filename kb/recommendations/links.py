"""Links between recommendations: the same recommendation in a translation of the report, and similar ones in
other reports and years.

Translations are aligned within a pair of documents the knowledge base already links as translations: numbered
items by their number (within the same list, counted from each restart at 1), the others by where they stand in
the document (their relative page, within a few per cent) and the numbers and acronyms they share. Similar
recommendations are found by meaning: the cosine of their embeddings above a threshold.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from ..models import Recommendation

_POSITION_TOLERANCE = 0.06
_ANCHOR = re.compile(r"\b(?:\d[\d./-]*|[A-Z][A-Z0-9]{1,}[a-z]?)\b")


def _number_keys(records: Sequence[Recommendation]) -> dict[tuple[int, str, str], Recommendation]:
    keys: dict[tuple[int, str, str], Recommendation] = {}
    lists = 0
    for record in records:
        if record.number is None:
            continue
        if record.number in ("1", "a") and keys:
            lists += 1
        keys.setdefault((lists, record.kind, record.number), record)
    return keys


def _anchors(text: str) -> set[str]:
    return set(_ANCHOR.findall(text))


def align_translations(a: Sequence[Recommendation], a_pages: int, b: Sequence[Recommendation],
                       b_pages: int) -> list[tuple[str, str]]:
    """Pairs of (rec_id in a, rec_id in b) that are the same recommendation in two language editions."""
    keys_a, keys_b = _number_keys(a), _number_keys(b)
    pairs = [(keys_a[k].rec_id, keys_b[k].rec_id) for k in keys_a if k in keys_b]
    paired_a, paired_b = {x for x, _ in pairs}, {y for _, y in pairs}
    rest_b = [r for r in b if r.rec_id not in paired_b and r.number is None]
    for record in (r for r in a if r.rec_id not in paired_a and r.number is None):
        position = (record.page - 1) / max(1, a_pages)
        anchors = _anchors(record.text)
        best, best_score = None, None
        for other in rest_b:
            distance = abs(position - (other.page - 1) / max(1, b_pages))
            if other.kind != record.kind or distance > _POSITION_TOLERANCE:
                continue
            score = len(anchors & _anchors(other.text)) - distance * 20
            if best_score is None or score > best_score:
                best, best_score = other, score
        if best is not None:
            pairs.append((record.rec_id, best.rec_id))
            rest_b.remove(best)
    return pairs


def similar_rows(matrix: np.ndarray, threshold: float, limit: int, block: int = 2048) -> list[list[tuple[int, float]]]:
    """For every row of a normalised matrix, the other rows whose cosine reaches the threshold, best first (at most
    `limit`); computed block by block, so memory stays at block × rows scores."""
    out: list[list[tuple[int, float]]] = []
    for start in range(0, len(matrix), block):
        scores = matrix[start:start + block] @ matrix.T
        for offset, row_scores in enumerate(scores):
            row_scores[start + offset] = -1.0
            take = min(limit, len(row_scores))
            best = np.argpartition(-row_scores, take - 1)[:take] if take else np.array([], dtype=int)
            best = best[np.argsort(-row_scores[best])]
            out.append([(int(i), float(row_scores[i])) for i in best if row_scores[i] >= threshold])
    return out
