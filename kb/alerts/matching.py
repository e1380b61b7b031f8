"""What a saved search finds among the documents ingested since a time: the real searcher, with the search's own
query, mode, filters and translation, restricted by ingestion time."""
from __future__ import annotations

from dataclasses import dataclass

from ..filters import Filters
from ..models import Document, Hit, Passage
from ..search.searcher import Searcher
from .store import SavedSearch


@dataclass
class Match:
    """A document a saved search found: the document, its best passage, and its stored original's app address."""

    document: Document
    passage: Passage | None
    original: str | None = None  # e.g. originals/DOC_ID#page=3 (only for a stored PDF)

    @property
    def doc_id(self) -> str:
        """The document's id."""
        return self.document.doc_id


def saved_filters(saved: SavedSearch, since: str | None) -> Filters:
    """The saved search's filters, restricted to documents ingested at or after `since` (when given)."""
    filters = Filters.parse(saved.filters)
    restricted = Filters({k: list(v) for k, v in filters.values.items()}, filters.year_min, filters.year_max)
    restricted.ingested_since = since
    return restricted


def new_hits(searcher: Searcher, saved: SavedSearch, since: str | None, k: int) -> tuple[list[Hit], int]:
    """Up to k documents ingested at or after `since` that match the saved search, best first, and how many match
    in all."""
    results = searcher.search(saved.query, mode=saved.mode or None, k=k, filters=saved_filters(saved, since),
                              translate=saved.translate)
    return results.hits, results.total_documents


def newest_first(hits: list[Hit]) -> list[Hit]:
    """Hits ordered by ingestion time, newest first (equal times keep their rank: the sort is stable)."""
    return sorted(hits, key=lambda h: h.document.ingested_at or "", reverse=True)


@dataclass
class Alert:
    """What is new to one saved search in one run: its matches (best first), how many matched in all, and the time
    from which its next run looks."""

    saved: SavedSearch
    matches: list[Match]
    total: int
    watermark: str
    error: str = ""  # the search could not run (it is tried again by the next run)
