"""The passages a page of results shows: which matched pages and chunks each document shows (one per page,
keyword and semantic in turn), read from the store in one go for the whole page, cut into snippets with
highlights. Only what will be shown is read and highlighted."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import zip_longest
from typing import AbstractSet, Any, Callable, Iterable, Sequence

from ..engines.keyword import ParsedQuery
from ..models import Chunk, Document, Page, Passage
from .results import DocGroup, make_snippet
from ..store import DocumentStore, chunk_id_covering

Spans = list[tuple[int, int]]
Highlighter = Callable[[ParsedQuery, str, "str | None"], Spans]


@dataclass
class ShownDocument:
    """A document on the results page with what found it: its keyword pages (and the parsed query that matched
    them, which for a document in another language is the translated one) and its semantic chunks."""

    doc: Document
    query: ParsedQuery
    keyword: DocGroup | None = None
    semantic: DocGroup | None = None


@dataclass(frozen=True)
class Pick:
    """One passage to show: a keyword page (a PageHit) or a semantic chunk (a ChunkHit)."""

    kind: str
    ranked: Any

    @property
    def key(self) -> tuple[Any, ...]:
        """What the store is asked for: ("page", doc id, number) or ("chunk", chunk id)."""
        if self.kind == "keyword":
            return ("page", self.ranked.doc_id, self.ranked.page)
        return ("chunk", self.ranked.chunk_id)


@dataclass
class _Material:
    """What the store gave for the picks so far, and what it did not have."""

    pages: dict[tuple[str, int], Page] = field(default_factory=dict)
    chunk_starts: dict[tuple[str, int], list[tuple[int, str]]] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)
    missing: set[tuple[Any, ...]] = field(default_factory=set)

    def has(self, key: tuple[Any, ...]) -> bool:
        """Whether the store was already asked for this (found or not)."""
        if key[0] == "page":
            return (key[1], key[2]) in self.pages or key in self.missing
        return key[1] in self.chunks or key in self.missing


def pick_passages(shown: ShownDocument, limit: int, missing: AbstractSet[tuple[Any, ...]] = frozenset()) -> list[Pick]:
    """Keyword pages and semantic chunks in turn, best first, one per page, up to limit, leaving out what the
    store lacks."""
    keyword = [Pick("keyword", r) for r in (shown.keyword.chunks if shown.keyword else [])]
    semantic = [Pick("semantic", r) for r in (shown.semantic.chunks if shown.semantic else [])]
    out: list[Pick] = []
    pages: set[int] = set()
    pairs = zip_longest(*([p for p in picks if p.key not in missing] for picks in (keyword, semantic)))
    for pair in pairs if limit > 0 else ():
        for pick in pair:
            if pick is None or pick.ranked.page in pages:
                continue
            out.append(pick)
            pages.add(pick.ranked.page)
            if len(out) == limit:
                return out
    return out


class PassageMaker:
    """Builds the passages of a results page from a store."""

    def __init__(self, store: DocumentStore, highlight: Highlighter, snippet_chars: int, limit: int):
        self.store = store
        self.highlight = highlight
        self.snippet_chars = snippet_chars
        self.limit = limit

    def passages(self, shown: Sequence[ShownDocument]) -> list[list[Passage]]:
        """Each document's passages, in the order of `shown`."""
        material = _Material()
        picks: list[list[Pick]] = [[] for _ in shown]
        pending = list(range(len(shown)))
        while pending:
            # a pick the store turns out to lack is replaced by the document's next one, read in another round
            for n in pending:
                picks[n] = pick_passages(shown[n], self.limit, material.missing)
            self._read(material, [p for n in pending for p in picks[n]])
            pending = [n for n in pending if any(p.key in material.missing for p in picks[n])]
        return [[self._passage(s, p, material) for p in doc_picks] for s, doc_picks in zip(shown, picks)]

    def _read(self, material: _Material, picks: Iterable[Pick]) -> None:
        keys = [key for key in dict.fromkeys(p.key for p in picks) if not material.has(key)]
        page_keys = [(k[1], k[2]) for k in keys if k[0] == "page"]
        chunk_ids = [k[1] for k in keys if k[0] == "chunk"]
        material.pages.update(self.store.get_pages(page_keys))
        material.chunk_starts.update(self.store.chunk_starts(page_keys))
        material.chunks.update(self.store.get_chunks(chunk_ids))
        material.missing.update(k for k in keys if not material.has(k))

    def _passage(self, shown: ShownDocument, pick: Pick, material: _Material) -> Passage:
        doc = shown.doc
        if pick.kind == "semantic":
            chunk = material.chunks[pick.ranked.chunk_id]
            # cut like a keyword page's snippet, so every mode shows passages of one length
            text, marks, _ = make_snippet(chunk.text, self.highlight(shown.query, chunk.text, doc.language),
                                          self.snippet_chars)
            return Passage(chunk.chunk_id, chunk.page, text, pick.ranked.score, marks)
        # the snippet is cut where the page's highlights are, so the whole page is highlighted
        page = material.pages[(doc.doc_id, pick.ranked.page)]
        spans = self.highlight(shown.query, page.text, doc.language)
        text, marks, start = make_snippet(page.text, spans, self.snippet_chars)
        anchor = spans[0][0] if spans else start
        chunk_id = chunk_id_covering(material.chunk_starts.get((doc.doc_id, page.number), []), anchor)
        return Passage(chunk_id, page.number, text, pick.ranked.score, marks)
