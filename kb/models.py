"""The record types that flow through atkb unchanged: Document, Page, Chunk, Passage, Hit."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Metadata fields with their own column in the store; anything else lives in `extra`.
CORE_FIELDS = ("title", "organisation", "year", "language", "doc_type", "country", "symbol")


def as_int(value: Any) -> int | None:
    """An integer from a metadata or form value (None when it is empty or not a number)."""
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """Return the hex SHA-256 of a string's UTF-8 encoding."""
    return sha256_bytes(text.encode("utf-8"))


def new_doc_id(content_sha256: str) -> str:
    """Derive a document id from the content hash of its first ingested version."""
    return content_sha256[:16]


def chunk_id_for(doc_id: str, page: int, seq: int) -> str:
    """Return the stable id of the seq-th chunk on a page of a document."""
    return f"{doc_id}-p{page}-c{seq}"


@dataclass
class Page:
    """One page of a document's text (1-based number in the file's own page order)."""

    number: int
    text: str


@dataclass
class Chunk:
    """A passage of one page, sized for the embedding model, with its offsets in the page text."""

    chunk_id: str
    doc_id: str
    page: int
    seq: int
    start: int
    end: int
    text: str
    n_tokens: int = 0

    @property
    def text_sha256(self) -> str:
        """Hash of the chunk text, the key of the embedding cache."""
        return sha256_text(self.text)


@dataclass
class Document:
    """A document as the knowledge base knows it: identity, provenance and metadata."""

    doc_id: str
    source: str
    sha256: str
    title: str = ""
    organisation: str | None = None
    year: int | None = None
    language: str | None = None
    doc_type: str | None = None
    country: str | None = None
    symbol: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    ingested_at: str | None = None
    n_pages: int = 0
    n_chunks: int = 0
    stored_file: str | None = None

    def metadata(self) -> dict[str, Any]:
        """Return the known metadata (core fields that are set, then free fields)."""
        meta: dict[str, Any] = {}
        for name in CORE_FIELDS[1:]:
            value = getattr(self, name)
            if value not in (None, ""):
                meta[name] = value
        for key, value in self.extra.items():
            if key not in meta and value not in (None, "") and not key.startswith("_"):
                meta[key] = value
        return meta

    @property
    def provenance(self) -> dict[str, dict[str, str]]:
        """Where each metadata field came from: {field: {"source", "evidence"}}."""
        return dict(self.extra.get("_provenance") or {})

    def described_fields(self) -> dict[str, dict[str, Any]]:
        """Title and metadata, each as {"value", "source", "evidence"} (the last two when known)."""
        provenance = self.provenance
        return {name: {"value": value, **provenance.get(name, {})}
                for name, value in {"title": self.title, **self.metadata()}.items()}

    def get(self, name: str) -> Any:
        """Return a core or free metadata field by name (None when unknown)."""
        if name in CORE_FIELDS or name in ("doc_id", "source", "sha256"):
            return getattr(self, name)
        return self.extra.get(name)


@dataclass
class Passage:
    """A matching chunk shown to the user: page number, text and highlight spans within it."""

    chunk_id: str
    page: int
    text: str
    score: float
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "chunk_id": self.chunk_id,
            "page": self.page,
            "text": self.text,
            "score": round(self.score, 6),
            "highlights": [list(span) for span in self.highlights],
        }


@dataclass
class Hit:
    """One search result: a document, its score and its best passages."""

    document: Document
    score: float
    passages: list[Passage]
    # other language versions and near-duplicates: {"doc_id", "title", "language", "kind", "score"}
    related: list[dict[str, Any]] = field(default_factory=list)
    # how a document in another language than the query was reached: "translated_query" (the query's words in its
    # language, from the thesaurus), "translation_link" (the edition of a result) or "other_language" (the
    # query's own words or meaning); None: in the query's language (or not a hybrid search)
    found_via: str | None = None

    @property
    def translations(self) -> list[dict[str, Any]]:
        """The document's other language versions."""
        return [r for r in self.related if r["kind"] == "translation"]

    @property
    def near_duplicates(self) -> list[dict[str, Any]]:
        """Documents with nearly the same text."""
        return [r for r in self.related if r["kind"] == "near-duplicate"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form following the command-line contract."""
        doc = self.document
        out: dict[str, Any] = {
            "doc_id": doc.doc_id,
            "title": doc.title,
            "source": doc.source,
            "score": round(self.score, 6),
        }
        out.update(doc.metadata())
        out["passages"] = [p.to_dict() for p in self.passages]
        out["translations"] = self.translations
        out["near_duplicates"] = self.near_duplicates
        out["found_via"] = self.found_via
        return out


@dataclass
class LoadedDocument:
    """What a loader produces: text pages plus whatever metadata the file itself carries."""

    source: str
    sha256: str
    pages: list[Page]
    metadata: dict[str, Any] = field(default_factory=dict)
    original_path: str | None = None
    # Loader-level problem that is not fatal (reported as a warning).
    warnings: list[str] = field(default_factory=list)

    @property
    def text_chars(self) -> int:
        """Total characters of text over all pages."""
        return sum(len(p.text) for p in self.pages)


@dataclass
class PreparedDocument:
    """A document ready to be written: metadata, pages and chunks."""

    document: Document
    pages: list[Page]
    chunks: list[Chunk]
    # ingest.similarity.Fingerprint of the text, for near-duplicate and translation links
    fingerprint: Any = None
    # the recommendations and practices found in its pages (None: leave the stored ones as they are)
    recommendations: list["Recommendation"] | None = None


@dataclass
class RecordOptions:
    """How to map the fields of JSONL/CSV records to documents (BEIR's `_id`/`title`/`text` by default)."""

    id_field: str = "_id"
    title_field: str = "title"
    text_fields: tuple[str, ...] = ("text",)


def chunks_of(docs: Sequence[tuple[Document, Sequence[Page], Sequence[Chunk]]]) -> list[Chunk]:
    """Every chunk of the documents, in order."""
    return [c for _, _, doc_chunks in docs for c in doc_chunks]


@dataclass
class Recommendation:
    """A recommendation (or a practice held up as good) as a report states it, with where it stands."""

    rec_id: str
    doc_id: str
    kind: str  # "recommendation" | "practice"
    page: int
    text: str
    seq: int = 0  # order in the document
    number: str | None = None  # as printed: "12", "b", "Recommendation 5"
    language: str | None = None
    addressee: str | None = None
    strength: str | None = None  # GRETA: urge > consider > invite; otherwise recommend
    topics: list[str] = field(default_factory=list)
    heading: str | None = None  # the sub-heading the item stands under, if any
    repeats: str | None = None  # rec_id of the full text that a summary list repeats


def rec_id_for(doc_id: str, page: int, text: str) -> str:
    """A recommendation's stable id, derived from its document, page and text."""
    return f"{doc_id}-r{sha256_text(f'{page}|{text}')[:10]}"
