"""Response models: what each endpoint answers, as the OpenAPI schema describes it. A document's metadata fields
beyond the ones named here (round, topic, url, organisation_name, ...) come as further properties."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """A model that keeps properties it does not name (a document's free metadata fields)."""

    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    code: str = Field(description="A short machine-readable code: not_found, query_limit, forbidden, ...")
    message: str = Field(description="One sentence saying what was wrong and what to do.")


class ErrorBody(BaseModel):
    error: ErrorDetail


class PassageOut(BaseModel):
    chunk_id: str
    page: int = Field(description="1-based, in the file's own page order")
    text: str
    score: float
    highlights: list[list[int]] = Field(description="Character spans [start, end] of the query's words in text")


class RelatedOut(Open):
    doc_id: str
    title: str | None = None
    language: str | None = None
    kind: str = Field(description="translation or near-duplicate")
    score: float | None = None


class HitOut(Open):
    """One result, as `kb search --json` prints it: the document, its metadata, its best passages."""

    doc_id: str
    title: str
    source: str
    score: float
    organisation: str | None = None
    year: int | None = None
    language: str | None = None
    country: str | None = None
    doc_type: str | None = None
    symbol: str | None = None
    passages: list[PassageOut]
    translations: list[RelatedOut]
    near_duplicates: list[RelatedOut]
    found_via: str | None = None


class SearchOut(BaseModel):
    query: str
    mode: str
    filters: dict[str, Any]
    offset: int
    total_documents: int
    word_matches: int
    meaning_matches: int
    took_ms: float
    facets: dict[str, dict[str, int]]
    query_plan: dict[str, Any]
    results: list[HitOut]


class FieldOut(BaseModel):
    value: Any = None
    source: str | None = None
    evidence: str | None = None


class DocumentOut(BaseModel):
    doc_id: str
    source: str
    title: str
    metadata: dict[str, Any]
    fields: dict[str, FieldOut] = Field(description="Title and metadata, each with where it came from")
    n_pages: int
    ingested_at: str | None = None
    related: list[RelatedOut]
    links: dict[str, str | None] = Field(description="landing (the citation page), original (the stored file)")


class PageOut(BaseModel):
    number: int
    text: str


class PagesOut(BaseModel):
    doc_id: str
    total_pages: int
    pages: list[PageOut]


class PassagesOut(BaseModel):
    doc_id: str
    query: str
    passages: list[PassageOut]


class DocumentBrief(Open):
    doc_id: str
    title: str
    source: str
    organisation: str | None = None
    year: int | None = None
    language: str | None = None


class SimilarOut(BaseModel):
    doc_id: str
    results: list[HitOut]


class RelatedListOut(BaseModel):
    doc_id: str
    related: list[RelatedOut]


class RecordOut(Open):
    rec_id: str
    kind: str
    doc_id: str
    title: str
    page: int
    text: str
    score: float | None = None


class RecordsOut(BaseModel):
    total: int
    offset: int
    recommendations: list[RecordOut]


class GridCell(BaseModel):
    country: str
    topic: str
    count: int


class GridOut(BaseModel):
    cells: list[GridCell]


class TopicOut(BaseModel):
    id: str
    label: str
    documents: int


class TopicsOut(BaseModel):
    topics: list[TopicOut]


class BrowseOut(BaseModel):
    documents: list[DocumentBrief]


class ConceptOut(BaseModel):
    id: str
    labels: dict[str, list[str]]
    broader: str | None = None
    topic: str | None = None


class ConceptsOut(BaseModel):
    concepts: list[ConceptOut]


class StatsOut(BaseModel):
    documents: int
    pages: int
    chunks: int
    pending: int
    by_language: dict[str, int]
    modes: list[str]
    generation: int


class OverviewOut(BaseModel):
    by: dict[str, dict[str, dict[str, int]]]
    recent: list[DocumentBrief]


class ListSummary(Open):
    name: str
    description: str
    owner: str | None = Field(description="The account that owns the list (null: no one, a list from before "
                                           "accounts)")
    shared: bool
    may_change: bool = Field(description="Whether your token may change the list")
    items: int
    created_at: str | None = None
    updated_at: str | None = None


class ListsOut(BaseModel):
    lists: list[ListSummary]


class ListItemOut(Open):
    item_id: int
    doc_id: str | None = None
    page: int | None = None
    passage: str | None = None
    note: str
    query: str | None = None
    added_at: str | None = None
    in_knowledge_base: bool


class ListOut(BaseModel):
    name: str
    description: str
    owner: str | None
    shared: bool
    may_change: bool
    items: list[ListItemOut]


class ItemCreated(BaseModel):
    item_id: int


class IngestItemOut(Open):
    status: str


class IngestOut(Open):
    items: list[IngestItemOut]


class RemovedOut(BaseModel):
    doc_id: str
    title: str
    source: str


class SavedSearchOut(BaseModel):
    id: int
    owner: str
    name: str
    query: str
    mode: str = Field(description="The search mode (empty: the server's default)")
    filters: dict[str, Any]
    translate: bool
    email: str
    created_at: str
    last_alerted_at: str | None = None
    feed_url: str = Field(description="The Atom feed of documents that newly match, with its secret: keep it private")


class SavedSearchesOut(BaseModel):
    saved_searches: list[SavedSearchOut]
