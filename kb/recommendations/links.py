"""Links between recommendations: the same recommendation in a translation of the report, and similar ones in
other reports and years.

Translations are aligned within a pair of documents the knowledge base already links as translations: numbered
items by their number (within the same list, counted from each restart at 1), the others by where they stand in
the document (their relative page, within a few per cent) and the numbers and acronyms they share. Similar
recommendations are found by meaning: the cosine of their embeddings above a threshold.
"""
from __future__ import annotations

import re
from typing import Mapping, Sequence

import numpy as np

from ..models import Recommendation

_POSITION_TOLERANCE = 0.06
_MIN_COSINE = 0.5  # USE puts a sentence and its translation at 0.7–0.9, unrelated ones of one report near 0.3
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
                       b_pages: int, vectors: Mapping[str, np.ndarray] | None = None) -> list[tuple[str, str]]:
    """Pairs of (rec_id in a, rec_id in b) that are the same recommendation in two language editions.

    With `vectors` (multilingual embeddings by rec_id) the unnumbered ones are aligned by meaning too: the pairs
    of best combined score (cosine, shared anchors, nearness of relative page, order), each record used once.
    """
    keys_a, keys_b = _number_keys(a), _number_keys(b)
    pairs = [(keys_a[k].rec_id, keys_b[k].rec_id) for k in keys_a if k in keys_b]
    paired_a, paired_b = {x for x, _ in pairs}, {y for _, y in pairs}
    rest_a = [r for r in a if r.rec_id not in paired_a]
    rest_b = [r for r in b if r.rec_id not in paired_b]
    tolerance = _POSITION_TOLERANCE * (2 if vectors else 1)
    scored: list[tuple[float, int, int]] = []
    for i, record in enumerate(rest_a):
        position = (record.page - 1) / max(1, a_pages)
        anchors = _anchors(record.text)
        for j, other in enumerate(rest_b):
            distance = abs(position - (other.page - 1) / max(1, b_pages))
            if other.kind != record.kind or distance > tolerance or (record.number and other.number):
                continue
            score = len(anchors & _anchors(other.text)) - distance * 20
            if vectors and record.rec_id in vectors and other.rec_id in vectors:
                cosine = float(vectors[record.rec_id] @ vectors[other.rec_id])
                if cosine < _MIN_COSINE:
                    continue
                score += 10 * cosine
            scored.append((score, i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for score, i, j in sorted(scored, reverse=True):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((rest_a[i].rec_id, rest_b[j].rec_id))
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
