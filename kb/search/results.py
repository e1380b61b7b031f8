"""Turning ranked chunks into results: group by document, pick the best passages, cut highlighted snippets."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol



class Ranked(Protocol):
    """Anything ranked that belongs to a document: a page or a chunk with its score."""

    doc_id: str
    page: int
    score: float


@dataclass
class DocGroup:
    """A document's place in the ranking and its best pages or chunks, best first."""

    doc_id: str
    score: float
    chunks: list[Any] = field(default_factory=list)


def group_by_document(ranked: Iterable[Ranked], passages_per_doc: int) -> list[DocGroup]:
    """Group ranked items (best first) by document; a document scores as its best item."""
    groups: dict[str, DocGroup] = {}
    for item in ranked:
        group = groups.get(item.doc_id)
        if group is None:
            group = groups[item.doc_id] = DocGroup(item.doc_id, item.score)
        if len(group.chunks) < passages_per_doc:
            group.chunks.append(item)
    return sorted(groups.values(), key=lambda g: g.score, reverse=True)


def make_snippet(text: str, spans: list[tuple[int, int]],
                 width: int) -> tuple[str, list[tuple[int, int]], int]:
    """Cut about `width` characters around the densest run of highlights (spans sorted, not overlapping).

    Returns the snippet, the highlight spans shifted into it, and where the snippet starts in the text.
    """
    text_len = len(text)
    if text_len <= width:
        return text, spans, 0
    if spans:
        # prefer the window showing the most distinct matching words, then the most matches
        words = [text[s:e].lower() for s, e in spans]
        ends = [e for _, e in spans]
        best_start, best_key = spans[0][0], (0, 0)
        for i, (start, _) in enumerate(spans):
            # spans are sorted and do not overlap: those from i that end inside the window are a run
            last = bisect_right(ends, start + width, lo=i)
            key = (len(set(words[i:last])), last - i)
            if key > best_key:
                best_start, best_key = start, key
        start = max(0, best_start - width // 4)
    else:
        start = 0
    end = min(text_len, start + width)
    start = max(0, min(start, end - width))
    # move the edges to word boundaries
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < text_len:
        space = text.rfind(" ", end - 30, end)
        end = space if space > start else end
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < text_len else ""
    shift = len(prefix) - start
    kept = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + text[start:end] + suffix, kept, start
