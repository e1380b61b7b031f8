"""The KnowledgeBase facade: the one object the CLI, the app and the tests use."""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from .embedding import Embedder, hashing_dimension, load_embedder
from .errors import DocumentNotFoundError, KBError, ModeUnavailableError
from .evaluation import evaluate_run
from .filters import Filters
from .fusion import reciprocal_rank_fusion
from .keyword import WhooshKeywordIndex, page_id_for
from .models import Chunk, Document, Hit, Page, Passage, as_int

if TYPE_CHECKING:
    from .citations import CitationItem
from .search import DocGroup, count_facets, group_by_document, make_snippet
from .settings import Settings
from .store import DELETING, PENDING, READY, DocumentStore
from .vectors import ExactVectorIndex
from .writer import BatchWriter, IngestLock, _kill_point

MODES = ("hybrid", "keyword", "semantic")
FACET_FIELDS = ("organisation", "country", "year", "language", "doc_type")
Progress = Callable[[int], None]


@dataclass
class SearchResults:
    """A page of results plus what produced it."""

    query: str
    mode: str
    hits: list[Hit]
    total_documents: int
    took_ms: float
    filters: dict[str, Any] = field(default_factory=dict)
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form following the command-line contract."""
        return {"query": self.query, "mode": self.mode, "filters": self.filters, "offset": self.offset,
                "total_documents": self.total_documents, "took_ms": round(self.took_ms, 2),
                "facets": self.facets, "results": [h.to_dict() for h in self.hits]}


def embedder_model_id(backend: str, model: str) -> str:
    """The id an embedder will record in the vector index, known without loading the model."""
    return f"hashing-{hashing_dimension(model)}" if backend == "hashing" else f"st:{model}"


class KnowledgeBase:
    """Documents, their pages and chunks, and the indexes that search them, under one data directory."""

    def __init__(self, settings: Settings | None = None, **overrides: Any):
        self.settings = settings or Settings.load(overrides)
        self.home = self.settings.home_path
        self.home.mkdir(parents=True, exist_ok=True)
        self._store = DocumentStore(self.home / "kb.sqlite")
        self._keyword = WhooshKeywordIndex(self.home / "keyword", title_boost=self.settings.title_boost,
                                           k1=self.settings.bm25_k1, b=self.settings.bm25_b,
                                           fallback_language=self.settings.fallback_language)
        self._lock = IngestLock(self.home / "write.lock")
        self._embedder_instance: Embedder | None = None
        self._vectors: ExactVectorIndex | None = None
        if self.settings.semantic:
            _finish_vector_swap(self.home)
            self._vectors = ExactVectorIndex(self.home / "vectors", model_id=self.model_id)
        self.recover()

    # ----- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        """Release files and connections."""
        self._keyword.close()
        self._store.close()

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def model_id(self) -> str:
        """The configured embedding model's id."""
        return embedder_model_id(self.settings.embedder, self.settings.embed_model)

    @property
    def tokenizer_model(self) -> str:
        """The model whose tokenizer sizes chunks (the default model's for the hashing embedder)."""
        return self.settings.embed_model if self.settings.embedder == "sentence-transformers" else "all-MiniLM-L6-v2"

    @property
    def available_modes(self) -> tuple[str, ...]:
        """Search modes this knowledge base offers."""
        return MODES if self._vectors is not None else ("keyword",)

    @property
    def default_mode(self) -> str:
        """The mode used when none is given."""
        mode = self.settings.default_mode
        return mode if mode in self.available_modes else "keyword"

    def embedder(self) -> Embedder:
        """The embedding model, loaded once per process on first use."""
        if self._embedder_instance is None:
            self._embedder_instance = load_embedder(self.settings.embedder, self.settings.embed_model)
        return self._embedder_instance

    def recover(self) -> dict[str, int]:
        """Finish writes that a killed process left half-done, unless another writer is at work."""
        if not self._store.doc_ids(PENDING) and not self._store.doc_ids(DELETING):
            return {"reindexed": 0, "deleted": 0}
        try:
            self._lock.acquire(wait=False)
        except KBError:
            return {"reindexed": 0, "deleted": 0}  # a live writer owns these documents
        try:
            return self._finish_unfinished()
        finally:
            self._lock.release()

    def _finish_unfinished(self, progress: Progress | None = None) -> dict[str, int]:
        """Complete pending documents and interrupted deletions (caller holds the write lock)."""
        deleting = self._store.doc_ids(DELETING)
        self._finish_deletes(deleting)
        pending = self._store.doc_ids(PENDING)
        self._reindex_from_store(pending, embed_progress=progress)
        return {"reindexed": len(pending), "deleted": len(deleting)}

    def _finish_deletes(self, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        docs = self._store.get_documents(doc_ids)
        self._keyword.delete_documents(doc_ids)
        if self._vectors is not None:
            self._vectors.delete_documents(doc_ids)
        self._store.delete_documents(doc_ids)
        for doc in docs.values():
            self._remove_original(doc)

    def _reindex_from_store(self, doc_ids: list[str], progress: Progress | None = None, batch: int = 200,
                            embed_progress: Progress | None = None) -> None:
        for start in range(0, len(doc_ids), batch):
            part = doc_ids[start:start + batch]
            docs = self._store.get_documents(part)
            self._index_documents([(docs[d], self._store.pages(d), self._store.chunks(d)) for d in part if d in docs],
                                  embed_progress=embed_progress)
            self._store.set_state(part, READY)
            if progress:
                progress(len(part))

    def _index_documents(self, docs: Sequence[tuple[Document, Sequence[Page], Sequence[Chunk]]],
                         embed_progress: Progress | None = None) -> None:
        """Write documents to every index; each index replaces the documents atomically."""
        self._keyword.replace_documents([(doc, pages) for doc, pages, _ in docs])
        _kill_point("after_keyword_commit")
        if self._vectors is not None:
            chunks = [c for _, _, doc_chunks in docs for c in doc_chunks]
            vectors = self._embed_chunks(chunks, embed_progress)
            self._vectors.replace_documents([(c.chunk_id, c.doc_id, c.page) for c in chunks], vectors,
                                            [doc.doc_id for doc, _, _ in docs])

    def _embed_chunks(self, chunks: Sequence[Chunk], progress: Progress | None = None) -> np.ndarray:
        """Vectors for chunks, from the cache by (model, text hash) where possible; new ones are cached."""
        hashes = [c.text_sha256 for c in chunks]
        cached = self._store.get_embeddings(self.model_id, hashes)
        todo: dict[str, str] = {}
        for chunk, digest in zip(chunks, hashes):
            if digest not in cached and digest not in todo:
                todo[digest] = chunk.text
        if todo:
            embedder = self.embedder()
            items = list(todo.items())
            step = max(self.settings.embed_batch_size * 8, 1)
            for start in range(0, len(items), step):
                part = items[start:start + step]
                matrix = embedder.embed([text for _, text in part], batch_size=self.settings.embed_batch_size,
                                        progress=progress)
                blobs = [(digest, matrix[i].astype(np.float32).tobytes()) for i, (digest, _) in enumerate(part)]
                self._store.put_embeddings(self.model_id, blobs)  # cached at once: a crash keeps the work
                _kill_point("after_embeddings_cached")
                cached.update(blobs)
        if progress and len(chunks) > len(todo):
            progress(len(chunks) - len(todo))  # the embedder reported the new texts; this is the rest
        dim = len(next(iter(cached.values()))) // 4 if cached else 0
        out = np.zeros((len(chunks), dim), dtype=np.float32)
        for i, digest in enumerate(hashes):
            out[i] = np.frombuffer(cached[digest], dtype=np.float32)
        return out

    # ----- writing -----------------------------------------------------------------------------
    def batch_writer(self, embed_progress: Progress | None = None) -> "_WriterContext":
        """A locked writer for ingestion; commits what is staged when the context ends."""
        self._check_vector_model()
        return _WriterContext(self, embed_progress)

    def _check_vector_model(self) -> None:
        if self._vectors is not None and self._vectors.model_id not in (None, self.model_id):
            raise KBError(
                f"the vector index holds embeddings of {self._vectors.model_id!r} but the configured model is "
                f"{self.model_id!r}: run `kb reindex --vectors` to re-embed everything with the new model, or set "
                "KB_EMBED_MODEL back")

    def ingest(self, targets: Sequence[str | Path], *, meta_file: str | Path | None = None,
               record_options: Any = None, progress: bool = False, workers: int | None = None,
               meta: Mapping[str, Any] | None = None, on_file: Callable[[str, list[Any]], None] | None = None) -> Any:
        """Ingest files, folders, URLs and record files; return the ingest report."""
        from ingest.pipeline import run_ingest  # the facade is the one entry point every surface calls

        return run_ingest(self, [str(t) for t in targets], meta_file=meta_file, record_options=record_options,
                          progress=progress, workers=workers, meta=meta, on_file=on_file)

    def remove(self, ref: str) -> Document:
        """Delete a document (by id or by the source it was ingested from) from the store and every index."""
        doc = self.resolve_document(ref)
        self._lock.acquire()
        try:
            self._store.set_state([doc.doc_id], DELETING)
            self._finish_deletes([doc.doc_id])
        finally:
            self._lock.release()
        return doc

    def correct_metadata(self, ref: str, values: Mapping[str, Any]) -> Document:
        """Set metadata fields of a document by hand (an empty value clears one); kept across re-ingestion."""
        from ingest.metadata import apply_corrections, check_correction

        doc = self.resolve_document(ref)
        cleaned = {name: check_correction(name, value) for name, value in values.items()}
        if not cleaned:
            raise KBError("nothing to correct: give field=value pairs, e.g. organisation=GRETA year=2023")
        self._lock.acquire()
        try:
            when = self._store.set_corrections(doc.doc_id, cleaned)
            doc = apply_corrections(doc, {name: (value, when) for name, value in cleaned.items()})
            self._store.update_metadata(doc)
            if {"title", "language"} & set(cleaned):  # both shape the keyword index (title field, analyzers)
                self._keyword.replace_documents([(doc, self._store.pages(doc.doc_id))])
        finally:
            self._lock.release()
        return doc

    def _attach_related(self, hits: Sequence[Hit]) -> None:
        related = self.related([h.document.doc_id for h in hits])
        for hit in hits:
            hit.related = [{"doc_id": other.doc_id, "title": other.title, "language": other.language, "kind": kind,
                            "score": round(score, 3)} for other, kind, score in related.get(hit.document.doc_id, [])]

    def provenance(self, doc: Document) -> dict[str, dict[str, str]]:
        """Where each metadata field of a document came from: {field: {source, evidence}}."""
        return doc.provenance

    def related(self, doc_ids: Sequence[str]) -> dict[str, list[tuple[Document, str, float]]]:
        """Translations and near-duplicates of each document: {doc id: [(document, kind, score), ...]}."""
        links = self._store.relations(doc_ids)
        others = self._store.get_documents({o for items in links.values() for o, _, _ in items}, ready_only=True)
        return {d: [(others[o], kind, score) for o, kind, score in items if o in others]
                for d, items in links.items()}

    def reindex(self, progress: Progress | None = None, *, keyword: bool = True, vectors: bool = True,
                embed_progress: Progress | None = None) -> int:
        """Rebuild indexes from the document store; the vector index is rebuilt aside and swapped in."""
        self._lock.acquire()
        try:
            self._finish_unfinished()
            ids = self._store.doc_ids(READY)
            if keyword:
                self._keyword.clear()
                for start in range(0, len(ids), 200):
                    part = ids[start:start + 200]
                    docs = self._store.get_documents(part)
                    self._keyword.replace_documents([(docs[d], self._store.pages(d)) for d in part])
                    if progress:
                        progress(len(part))
                self._keyword.optimize(max_segments=1)
            if vectors and self.settings.semantic:
                self._rebuild_vectors(ids, embed_progress)
            return len(ids)
        finally:
            self._lock.release()

    def relink(self, progress: Progress | None = None) -> int:
        """Fingerprint every document again and find all near-duplicates and translations afresh."""
        from ingest.similarity import fingerprint

        self._lock.acquire()
        try:
            ids = self._store.doc_ids(READY)
            self._store.clear_relations()
            writer = BatchWriter(self, 1, 1)  # its relation finding is the one ingestion uses
            for doc_id in ids:
                doc = self._store.get_document(doc_id)
                if doc is None:
                    continue
                fp = fingerprint(doc_id, doc.language, (p.text for p in self._store.pages(doc_id)))
                self._store.set_fingerprint(fp, writer.find_related(fp))
                if progress:
                    progress(1)
            return len(ids)
        finally:
            self._lock.release()

    def _rebuild_vectors(self, doc_ids: list[str], progress: Progress | None) -> None:
        building = self.home / "vectors.new"
        shutil.rmtree(building, ignore_errors=True)
        fresh = ExactVectorIndex(building, model_id=self.model_id)
        fresh.clear(self.model_id, None)
        for start in range(0, len(doc_ids), 200):
            part = doc_ids[start:start + 200]
            chunks = [c for d in part for c in self._store.chunks(d)]
            vectors = self._embed_chunks(chunks, progress)
            fresh.replace_documents([(c.chunk_id, c.doc_id, c.page) for c in chunks], vectors, part)
        fresh.compact()
        (building / "COMPLETE").write_text("ok")
        _finish_vector_swap(self.home)
        self._vectors = ExactVectorIndex(self.home / "vectors", model_id=self.model_id)

    def _remove_original(self, doc: Document) -> None:
        if doc.stored_file:
            (self.home / "files" / doc.stored_file).unlink(missing_ok=True)

    # ----- reading -----------------------------------------------------------------------------
    def resolve_document(self, ref: str) -> Document:
        """Find a document by id, by source, or by a path that resolves to its source."""
        doc = self._store.get_document(ref) or self._store.find_by_source(ref)
        if doc is None and not ref.startswith(("http://", "https://")):
            path = Path(ref).expanduser()
            doc = self._store.find_by_source(str(path.resolve())) if path.exists() or "/" in ref else None
        if doc is None:
            raise DocumentNotFoundError(f"no document {ref!r}: give a doc_id from `kb search --json` or the "
                                        "path it was ingested from")
        return doc

    def get_document(self, doc_id: str) -> Document:
        """The document with this id."""
        doc = self._store.get_document(doc_id)
        if doc is None:
            raise DocumentNotFoundError(f"no document {doc_id!r}")
        return doc

    def pages(self, doc_id: str) -> list[Page]:
        """The document's text, page by page."""
        return self._store.pages(doc_id)

    def chunks(self, doc_id: str) -> list[Chunk]:
        """The document's chunks in reading order."""
        return self._store.chunks(doc_id)

    def original_file(self, doc: Document) -> Path | None:
        """The stored copy of the document's original file, if there is one."""
        if not doc.stored_file:
            return None
        path = self.home / "files" / doc.stored_file
        return path if path.is_file() else None

    def overview(self, recent: int = 10) -> dict[str, Any]:
        """Documents and pages by organisation, language, year and type, and the latest ingested documents."""
        return {"by": self._store.overview(("organisation", "language", "year", "doc_type", "country")),
                "recent": self._store.recent_documents(recent), "stats": self.stats()}

    # ----- catalogue ---------------------------------------------------------------------------
    def catalogue_documents(self) -> list[Document]:
        """Every document that came from a catalogue entry (fetched or not)."""
        return self._store.documents_with_field("catalogue_id")

    def fetch_catalogue(self, ids: list[str] | None = None, *, progress: Progress | None = None,
                        refetch: bool = False) -> Any:
        """Download and ingest the full text of catalogue entries into their own document ids."""
        from ingest.fetch import run_fetch

        return run_fetch(self, ids, progress=progress, refetch=refetch)

    # ----- reading lists -----------------------------------------------------------------------
    def reading_lists(self) -> list[dict[str, Any]]:
        """Every reading list with its item count."""
        return self._store.list_names()

    def create_list(self, name: str, description: str = "") -> None:
        """Create a reading list."""
        name = name.strip()
        if not name:
            raise KBError("a reading list needs a name")
        if self._store.has_list(name):
            raise KBError(f"a reading list named {name!r} exists already")
        self._store.create_list(name, description)

    def add_to_list(self, name: str, doc_id: str, *, chunk_id: str | None = None, page: int | None = None,
                    passage: str | None = None, note: str = "", query: str | None = None) -> int:
        """Add a document, or one of its passages (with its page), to a reading list."""
        if not self._store.has_list(name):
            raise KBError(f"no reading list {name!r}: create it first (kb list create {name!r})")
        doc = self.get_document(doc_id)
        citation = {"title": doc.title, "source": doc.source, **doc.metadata()}
        if page is not None and chunk_id is None and passage is None:
            chunk = self._store.chunk_at(doc.doc_id, page, 0)
            chunk_id = chunk.chunk_id if chunk else None
        return self._store.add_list_item(name, {"doc_id": doc.doc_id, "chunk_id": chunk_id, "page": page,
                                                "passage": passage, "note": note, "query": query,
                                                "citation": citation})

    def list_items(self, name: str) -> list[dict[str, Any]]:
        """The items of a reading list, in order; each says whether its document is still in the knowledge base."""
        self._require_list(name)
        items = self._store.list_items(name)
        present = set(self._store.get_documents([i["doc_id"] for i in items if i["doc_id"]]))
        for item in items:
            item["in_knowledge_base"] = item["doc_id"] in present
        return items

    def _require_list(self, name: str) -> dict[str, Any]:
        entry = self._store.get_list(name)
        if entry is None:
            known = ", ".join(e["name"] for e in self._store.list_names()) or "none yet"
            raise KBError(f"no reading list {name!r} (lists: {known})")
        return entry

    def rename_list(self, name: str, new_name: str) -> None:
        """Give a list a new name."""
        self._require_list(name)
        new_name = new_name.strip()
        if not new_name:
            raise KBError("a reading list needs a name")
        if new_name != name and self._store.has_list(new_name):
            raise KBError(f"a reading list named {new_name!r} exists already")
        self._store.update_list(name, new_name=new_name)

    def describe_list(self, name: str, description: str) -> None:
        """Set a list's description."""
        self._require_list(name)
        self._store.update_list(name, description=description)

    def delete_list(self, name: str) -> None:
        """Delete a list and its items (the documents stay)."""
        self._require_list(name)
        self._store.delete_list(name)

    def remove_from_list(self, name: str, item_id: int) -> None:
        """Remove one item from a list."""
        self._require_list(name)
        if not self._store.remove_item(name, item_id):
            raise KBError(f"reading list {name!r} has no item {item_id} (see `kb list show {name!r}`)")

    def move_in_list(self, name: str, item_id: int, position: int) -> None:
        """Move an item to a 1-based position."""
        self._require_list(name)
        if not self._store.move_item(name, item_id, position):
            raise KBError(f"reading list {name!r} has no item {item_id}")

    def annotate(self, name: str, item_id: int, note: str) -> None:
        """Set an item's note."""
        self._require_list(name)
        if not self._store.update_item(name, item_id, note=note):
            raise KBError(f"reading list {name!r} has no item {item_id}")

    def citation_items(self, name: str) -> list["CitationItem"]:
        """The list as citation items: current metadata for documents still here, the snapshot for others."""
        from .citations import CitationItem, item_type_for

        out = []
        for n, item in enumerate(self.list_items(name), start=1):
            doc = self._store.get_document(item["doc_id"]) if item["in_knowledge_base"] else None
            snap = item["citation"]
            meta = ({"title": doc.title, "source": doc.source, **doc.metadata()} if doc else snap)
            source = meta.get("source")
            url = meta.get("url") or (source if source and str(source).startswith(("http://", "https://")) else None)
            out.append(CitationItem(
                item_id=item["item_id"], position=n, title=meta.get("title") or source or "(untitled)",
                item_type=snap.get("item_type") or item_type_for(meta.get("doc_type"), source),
                doc_id=item["doc_id"], in_knowledge_base=item["in_knowledge_base"],
                organisation=meta.get("organisation"), authors=list(meta.get("authors") or []),
                year=as_int(meta.get("year")), publisher=meta.get("publisher") or meta.get("organisation"),
                place=meta.get("place"), symbol=meta.get("symbol"), url=url, source=source,
                language=meta.get("language"), country=meta.get("country"), page=item["page"],
                passage=item["passage"], note=item["note"] or "", query=item["query"],
                accessed=(item["added_at"] or "")[:10] or None))
        return out

    def export_list(self, name: str, fmt: str) -> str:
        """A reading list as Markdown, CSV, BibTeX, RIS or CSL-JSON."""
        from .citations import export

        entry = self._require_list(name)
        return export(fmt, name, entry["description"], self.citation_items(name))

    def import_list(self, text: str, name: str, fmt: str | None = None) -> dict[str, int]:
        """Add CSL-JSON or RIS entries to a list (created if needed), matching documents by URL, symbol or title."""
        from .citations import parse_import

        entries = parse_import(text, fmt)
        if not self._store.has_list(name):
            self.create_list(name)
        matched = 0
        for entry in entries:
            doc = self._match_document(entry)
            citation = {k: v for k, v in entry.items() if v not in (None, "", [])}
            if doc is not None:
                matched += 1
                citation = {"title": doc.title, "source": doc.source, **doc.metadata(), **{
                    k: v for k, v in citation.items() if k in ("authors", "place", "item_type")}}
            self._store.add_list_item(name, {"doc_id": doc.doc_id if doc else None, "page": entry.get("page"),
                                             "note": entry.get("note") or "", "citation": citation})
        return {"items": len(entries), "matched": matched, "unmatched": len(entries) - matched}

    def _match_document(self, entry: Mapping[str, Any]) -> Document | None:
        url = entry.get("url")
        if url:
            doc = self._store.find_by_source(url) or self._store.find_by_field("url", url)
            if doc:
                return doc
        symbol = entry.get("symbol")
        if symbol:
            doc = self._store.find_by_field("symbol", symbol)
            if doc:
                return doc
        title = (entry.get("title") or "").strip()
        return self._store.find_by_field("title", title) if title else None

    def stats(self) -> dict[str, Any]:
        """Counts of documents, pages and chunks, and where the data lives."""
        out = self._store.stats()
        out["home"] = str(self.home)
        out["modes"] = list(self.available_modes)
        if self._vectors is not None:
            out["vectors"] = {"model": self._vectors.model_id, "dimension": self._vectors.dimension,
                              "chunks": len(self._vectors)}
        return out

    def check(self) -> dict[str, Any]:
        """Compare the store with every index; list every disagreement."""
        stored_pages = {d: {page_id_for(d, n) for n in numbers} for d, numbers in self._store.page_keys_by_doc().items()}
        stored_chunks = self._store.chunk_ids_by_doc()
        ready = set(self._store.doc_ids(READY))
        every = set(self._store.doc_ids(None))
        problems: list[str] = []
        problems += _compare("keyword index", "pages", stored_pages, self._keyword.indexed_page_ids(), ready, every)
        if self._vectors is not None:
            problems += _compare("vector index", "chunks", stored_chunks, self._vectors.indexed_chunk_ids(),
                                 ready, every)
        for doc in self._store.get_documents(ready).values():
            if doc.n_chunks != len(stored_chunks.get(doc.doc_id, ())):
                problems.append(f"{doc.doc_id}: document says {doc.n_chunks} chunks, store has "
                                f"{len(stored_chunks.get(doc.doc_id, ()))}")
        pending = self._store.doc_ids(PENDING) + self._store.doc_ids(DELETING)
        return {"ok": not problems and not pending, "problems": problems, "unfinished": pending,
                "documents": len(ready), "chunks": sum(len(v) for v in stored_chunks.values())}

    # ----- searching ---------------------------------------------------------------------------
    def search(self, query: str, *, mode: str | None = None, k: int = 10, offset: int = 0,
               filters: Filters | Mapping[str, Any] | Iterable[str] | None = None, raw: bool = False,
               facets: bool = False) -> SearchResults:
        """Documents ranked best first, each with its best passages (page numbers and highlights)."""
        started = time.perf_counter()
        mode = (mode or self.default_mode).lower()
        if mode not in MODES:
            raise KBError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if mode not in self.available_modes:
            raise ModeUnavailableError(
                f"search mode {mode!r} is not available: semantic search is switched off (setting semantic, "
                f"KB_SEMANTIC); available: {', '.join(self.available_modes)} (use --mode keyword)")
        if mode != "keyword":
            self._check_vector_model()
        parsed_filters = Filters.parse(filters)
        allowed = self._store.filter_doc_ids(parsed_filters) if parsed_filters else None
        wanted = offset + k
        parsed = self._keyword.parse(query, raw=raw)
        keyword_groups: list[DocGroup] = []
        semantic_groups: list[DocGroup] = []
        if mode in ("keyword", "hybrid"):
            keyword_groups = self._keyword_groups(query, raw, parsed, allowed, wanted)
        if mode in ("semantic", "hybrid"):
            semantic_groups = self._semantic_groups(query, allowed, wanted)
        if mode == "keyword":
            ranked = [(g.doc_id, g.score) for g in keyword_groups]
        elif mode == "semantic":
            ranked = [(g.doc_id, g.score) for g in semantic_groups]
        else:
            weights = _parse_weights(self.settings.hybrid_weights)
            ranked = reciprocal_rank_fusion([[g.doc_id for g in keyword_groups], [g.doc_id for g in semantic_groups]],
                                            weights, k=self.settings.rrf_k)
        docs = self._store.get_documents([d for d, _ in ranked], ready_only=True)
        ranked = [(d, s) for d, s in ranked if d in docs]
        page = ranked[offset:offset + k]
        hits = self._build_hits(page, docs, {g.doc_id: g for g in keyword_groups},
                                {g.doc_id: g for g in semantic_groups}, parsed)
        self._attach_related(hits)
        facet_counts = count_facets(docs.values(), FACET_FIELDS) if facets else {}
        return SearchResults(query=query, mode=mode, hits=hits, total_documents=len(ranked),
                             took_ms=(time.perf_counter() - started) * 1000, filters=parsed_filters.to_dict(),
                             offset=offset, facets=facet_counts)

    def _keyword_groups(self, query: str, raw: bool, parsed: Any, allowed: set[str] | None,
                        wanted: int) -> list[DocGroup]:
        limit = max(self.settings.search_candidates, wanted * 10)
        while True:
            page_hits, _ = self._keyword.search(query, raw=raw, limit=limit, doc_ids=allowed, parsed=parsed)
            groups = group_by_document(page_hits, self.settings.passages_per_hit)
            if len(groups) >= wanted or len(page_hits) < limit or limit >= 20000:
                return groups
            limit *= 4

    def _semantic_groups(self, query: str, allowed: set[str] | None, wanted: int) -> list[DocGroup]:
        assert self._vectors is not None
        if allowed is not None and not allowed:
            return []
        vector = self.embedder().embed_query(query)
        limit = max(self.settings.semantic_candidates, wanted * 10)
        while True:
            chunk_hits = self._vectors.search(vector, limit, allowed)
            groups = group_by_document(chunk_hits, self.settings.passages_per_hit)
            if len(groups) >= wanted or len(chunk_hits) < limit or limit >= 50000:
                return groups
            limit *= 4

    def _build_hits(self, ranked: list[tuple[str, float]], docs: Mapping[str, Document],
                    keyword: dict[str, DocGroup], semantic: dict[str, DocGroup], parsed: Any) -> list[Hit]:
        hits: list[Hit] = []
        for doc_id, score in ranked:
            doc = docs.get(doc_id)
            if doc is None:
                continue
            kw = self._keyword_passages(doc, keyword.get(doc_id), parsed)
            sem = self._semantic_passages(doc, semantic.get(doc_id), parsed)
            hits.append(Hit(doc, score, _interleave(kw, sem, self.settings.passages_per_hit)))
        return hits

    def _keyword_passages(self, doc: Document, group: DocGroup | None, parsed: Any) -> list[Passage]:
        if group is None:
            return []
        pages = self._store.get_pages([(doc.doc_id, p.page) for p in group.chunks])
        passages = []
        for ranked in group.chunks:
            page = pages.get((doc.doc_id, ranked.page))
            if page is None:
                continue
            spans = self._keyword.highlight_spans(parsed, page.text, doc.language)
            text, shown, start = make_snippet(page.text, spans, self.settings.snippet_chars)
            anchor = spans[0][0] if spans else start
            chunk = self._store.chunk_at(doc.doc_id, page.number, anchor)
            passages.append(Passage(chunk.chunk_id if chunk else "", page.number, text, ranked.score, shown))
        return passages

    def _semantic_passages(self, doc: Document, group: DocGroup | None, parsed: Any) -> list[Passage]:
        if group is None:
            return []
        chunks = self._store.get_chunks([c.chunk_id for c in group.chunks])
        passages = []
        for ranked in group.chunks:
            chunk = chunks.get(ranked.chunk_id)
            if chunk is None:
                continue
            spans = self._keyword.highlight_spans(parsed, chunk.text, doc.language)
            passages.append(Passage(chunk.chunk_id, chunk.page, chunk.text, ranked.score, spans))
        return passages

    def highlight(self, query: str, text: str, language: str | None, raw: bool = False) -> list[tuple[int, int]]:
        """Character spans of the query's words in a text (as the keyword index matches them)."""
        try:
            parsed = self._keyword.parse(query, raw=raw)
        except KBError:
            return []
        return self._keyword.highlight_spans(parsed, text, language)

    def similar(self, doc_id: str, k: int = 10) -> list[Hit]:
        """Documents closest in meaning (mean chunk vectors), without the document itself or its duplicates."""
        if self._vectors is None:
            raise ModeUnavailableError("similar documents need the vector index: semantic search is switched off")
        self._check_vector_model()
        doc = self.get_document(doc_id)
        ids, matrix = self._vectors.document_vectors()
        if doc_id not in ids:
            raise DocumentNotFoundError(f"document {doc_id!r} has no vectors yet (nothing to compare)")
        scores = matrix @ matrix[ids.index(doc_id)]
        excluded = {doc_id, *self._duplicate_ids(doc)}
        ranked = [(ids[i], float(scores[i])) for i in np.argsort(-scores) if ids[i] not in excluded]
        ready = set(self._store.doc_ids(READY))
        ranked = [(d, s) for d, s in ranked if d in ready][:k]
        docs = self._store.get_documents([d for d, _ in ranked])
        return [Hit(docs[d], s, []) for d, s in ranked if d in docs]

    def _duplicate_ids(self, doc: Document) -> set[str]:
        same = {d.doc_id for d in [self._store.find_by_sha256(doc.sha256)] if d is not None}
        same.update(o for o, kind, _ in self._store.relations([doc.doc_id])[doc.doc_id] if kind == "near-duplicate")
        for key in ("duplicate_of", "near_duplicate_of", "duplicates"):
            value = doc.extra.get(key)
            if isinstance(value, str):
                same.add(value)
            elif isinstance(value, list):
                same.update(str(v) for v in value)
        return same

    def evaluate(self, queries: Mapping[str, str], qrels: Mapping[str, Mapping[str, int]], *, mode: str | None = None,
                 k: int = 10, progress: Progress | None = None) -> dict[str, Any]:
        """Run every judged query and compute nDCG@k, Recall@k and MRR@k against the qrels."""
        run: dict[str, list[str]] = {}
        latencies: list[float] = []
        for qid, text in queries.items():
            if qid not in qrels:
                continue
            results = self.search(text, mode=mode, k=k)
            latencies.append(results.took_ms)
            run[qid] = [h.document.extra.get("record_id", h.document.doc_id) for h in results.hits]
            if progress:
                progress(1)
        metrics = evaluate_run(run, qrels, k)
        metrics["mode"] = mode or self.default_mode
        latencies.sort()
        if latencies:
            metrics["latency_ms_p50"] = latencies[len(latencies) // 2]
            metrics["latency_ms_p95"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        return metrics


def _compare(index: str, unit: str, stored: dict[str, set[str]], indexed: dict[str, set[str]], ready: set[str],
             every: set[str]) -> list[str]:
    problems = []
    for doc_id in sorted(set(stored) | set(indexed)):
        in_store, in_index = stored.get(doc_id, set()), indexed.get(doc_id, set())
        if doc_id in ready and in_store != in_index:
            problems.append(f"{doc_id}: {len(in_store)} {unit} in the store, {len(in_index)} in the {index}")
        if doc_id not in every and in_index:
            problems.append(f"{doc_id}: in the {index} but not in the store")
    return problems


def _interleave(first: list[Passage], second: list[Passage], limit: int) -> list[Passage]:
    """Alternate passages from two lists, one per page, up to limit."""
    out: list[Passage] = []
    seen_pages: set[int] = set()
    for i in range(max(len(first), len(second))):
        for source in (first, second):
            if i < len(source) and source[i].page not in seen_pages and len(out) < limit:
                out.append(source[i])
                seen_pages.add(source[i].page)
    return out


def _parse_weights(text: str) -> list[float]:
    try:
        weights = [float(part) for part in str(text).split(",")]
    except ValueError:
        raise KBError(f"hybrid_weights {text!r} must be two numbers such as 1.0,1.0") from None
    if len(weights) != 2:
        raise KBError(f"hybrid_weights {text!r} must be two numbers: keyword,semantic")
    return weights


def _finish_vector_swap(home: Path) -> None:
    """Complete or discard a vector index rebuild that a crash interrupted."""
    current, building, old = home / "vectors", home / "vectors.new", home / "vectors.old"
    if building.exists():
        if (building / "COMPLETE").exists():
            if current.exists():
                os.replace(current, old) if not old.exists() else shutil.rmtree(current)
            os.replace(building, current)
            (current / "COMPLETE").unlink(missing_ok=True)
        else:
            shutil.rmtree(building, ignore_errors=True)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


class _WriterContext:
    """Holds the write lock for the duration of an ingest and flushes the batch at the end."""

    def __init__(self, kb: KnowledgeBase, embed_progress: Progress | None):
        self.kb = kb
        self.embed_progress = embed_progress
        self.writer = BatchWriter(kb, kb.settings.index_batch_docs, kb.settings.index_batch_pages, embed_progress)

    def __enter__(self) -> BatchWriter:
        self.kb._lock.acquire()
        # a killed earlier run may have left documents half-written: finish them first
        self.kb._finish_unfinished(self.embed_progress)
        return self.writer

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None or exc_type is KeyboardInterrupt:
                self.writer.flush()
                self.kb._keyword.optimize()
        finally:
            self.kb._lock.release()
