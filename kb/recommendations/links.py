"""Links between recommendations: the same recommendation in a translation of the report, and similar ones in
other reports and years.

Translations are aligned within a pair of documents the knowledge base already links as translations: numbered
items by their number within the same list (the lists of the two editions matched in order, so that a list found in
one edition only shifts no other), the others by a one-to-one assignment over a combined score: their meaning across
languages (multilingual vectors), the numbers and acronyms they share, and where they stand (their page mapped
through the pages of the numbered items already paired). A record found in one edition only stays unpaired rather
than taking another's partner. Similar recommendations are found by meaning: the cosine of their embeddings above a
threshold.
"""
from __future__ import annotations

import re
from typing import Callable, Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..models import Recommendation

_POSITION_TOLERANCE = 0.06
_MIN_COSINE = 0.5  # USE puts a sentence and its translation at 0.7–0.9, unrelated ones of one report near 0.3
_ANCHOR = re.compile(r"\b(?:\d[\d./-]*|[A-Z][A-Z0-9]{1,}[a-z]?)\b")
_RESTARTS = ("1", "a")  # not "i": the ninth item of a lettered list


def _numbered_lists(records: Sequence[Recommendation]) -> list[dict[tuple[str, str], Recommendation]]:
    """The numbered records split into lists (a new list at each restart at 1 or a), keyed by (kind, number)."""
    lists: list[dict[tuple[str, str], Recommendation]] = []
    for record in records:
        if record.number is None:
            continue
        if not lists or (record.number in _RESTARTS and lists[-1]):
            lists.append({})
        lists[-1].setdefault((record.kind, record.number), record)
    return [items for items in lists if items]


def _list_score(x: dict, y: dict, x_pages: int, y_pages: int, vectors: Mapping[str, np.ndarray] | None) -> float:
    """How surely two numbered lists are one list in two editions: the share of numbers they have in common, their
    nearness in the document and (with vectors) the meaning of their common items; 0 or less: not the same list."""
    common = [key for key in x if key in y]
    if not common:
        return 0.0
    start_x = (min(r.page for r in x.values()) - 1) / max(1, x_pages)
    start_y = (min(r.page for r in y.values()) - 1) / max(1, y_pages)
    score = len(common) / max(len(x), len(y)) - 2 * abs(start_x - start_y)
    if vectors:
        cosines = [_cosine(x[k], y[k], vectors) for k in common]
        known = [c for c in cosines if c is not None]
        if known:
            score += float(np.mean(known)) - _MIN_COSINE
    return score


def _align_lists(lists_a: list[dict], a_pages: int, lists_b: list[dict], b_pages: int,
                 vectors: Mapping[str, np.ndarray] | None) -> list[tuple[int, int]]:
    """The lists of one edition matched to the other's, in order (a list found in one edition only is skipped, so
    it shifts no other list's partner): the order-keeping matching of greatest total score."""
    n, m = len(lists_a), len(lists_b)
    scores = [[_list_score(x, y, a_pages, b_pages, vectors) for y in lists_b] for x in lists_a]
    best = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            take = best[i - 1, j - 1] + scores[i - 1][j - 1] if scores[i - 1][j - 1] > 0 else -np.inf
            best[i, j] = max(best[i - 1, j], best[i, j - 1], take)
    matched: list[tuple[int, int]] = []
    i, j = n, m
    while i and j:
        if best[i, j] == best[i - 1, j]:
            i -= 1
        elif best[i, j] == best[i, j - 1]:
            j -= 1
        else:
            matched.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return matched[::-1]


def _page_map(knots: list[tuple[int, int]], a_pages: int, b_pages: int) -> Callable[[int], float]:
    """Where a page of one edition falls in the other (0-based, fractional): straight lines between the pages of
    the items already paired, so that editions whose front matter or chapters differ in length still line up."""
    xs, ys = [0.0], [0.0]
    for x, y in sorted(knots):
        if x - 1 > xs[-1] and y - 1 >= ys[-1]:
            xs.append(float(x - 1))
            ys.append(float(y - 1))
    xs.append(max(float(a_pages), xs[-1] + 1))
    ys.append(max(float(b_pages), ys[-1]))
    return lambda page: float(np.interp(page - 1, xs, ys))


def _cosine(x: Recommendation, y: Recommendation, vectors: Mapping[str, np.ndarray] | None) -> float | None:
    if not vectors or x.rec_id not in vectors or y.rec_id not in vectors:
        return None
    return float(vectors[x.rec_id] @ vectors[y.rec_id])


def _anchors(text: str) -> set[str]:
    return set(_ANCHOR.findall(text))


def align_translations(a: Sequence[Recommendation], a_pages: int, b: Sequence[Recommendation],
                       b_pages: int, vectors: Mapping[str, np.ndarray] | None = None) -> list[tuple[str, str]]:
    """Pairs of (rec_id in a, rec_id in b) that are the same recommendation in two language editions.

    Numbered items pair by number within the same list (lists matched in order, by the numbers they share, where
    they stand and, with vectors, their meaning). The others are assigned one to one, the assignment of greatest
    total score: cosine of their multilingual vectors (`vectors` by rec_id; at least 0.5), shared numbers and
    acronyms, and nearness to where the paired items put their page in the other edition.
    """
    a = [r for r in a if r.repeats is None]  # a summary list's repeat is linked to its full text, not translated
    b = [r for r in b if r.repeats is None]
    lists_a, lists_b = _numbered_lists(a), _numbered_lists(b)
    pairs: list[tuple[str, str]] = []
    knots: list[tuple[int, int]] = []
    for i, j in _align_lists(lists_a, a_pages, lists_b, b_pages, vectors):
        for key, x in lists_a[i].items():
            if key in lists_b[j]:
                pairs.append((x.rec_id, lists_b[j][key].rec_id))
                knots.append((x.page, lists_b[j][key].page))
    paired_a, paired_b = {x for x, _ in pairs}, {y for _, y in pairs}
    rest_a = [r for r in a if r.rec_id not in paired_a]
    rest_b = [r for r in b if r.rec_id not in paired_b]
    if not rest_a or not rest_b:
        return pairs
    where = _page_map(knots, a_pages, b_pages)
    tolerance = _POSITION_TOLERANCE * (2 if vectors else 1)
    weights = np.zeros((len(rest_a), len(rest_b)))
    for i, record in enumerate(rest_a):
        anchors = _anchors(record.text)
        expected = where(record.page)
        for j, other in enumerate(rest_b):
            distance = abs(expected - (other.page - 1)) / max(1, b_pages)
            if other.kind != record.kind or distance > tolerance or (record.number and other.number):
                continue
            score = min(3, len(anchors & _anchors(other.text))) + 2 * (1 - distance / tolerance)
            cosine = _cosine(record, other, vectors)
            if cosine is not None:
                if cosine < _MIN_COSINE:
                    continue
                score += 10 * cosine
            weights[i, j] = score + 1e-6  # a pair within reach is worth taking, however weak
    for i, j in zip(*linear_sum_assignment(weights, maximize=True)):
        if weights[i, j] > 0:
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
