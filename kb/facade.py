"""The KnowledgeBase facade: the one object the CLI, the app and the tests use."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from .errors import DocumentNotFoundError, KBError, ModeUnavailableError
from .evaluation import evaluate_run
from .filters import Filters
from .keyword import WhooshKeywordIndex, page_id_for
from .models import Chunk, Document, Hit, Page, Passage
from .search import group_by_document, make_snippet
from .settings import Settings
from .store import DELETING, PENDING, READY, DocumentStore
from .writer import BatchWriter, IngestLock

MODES = ("hybrid", "keyword", "semantic")
AVAILABLE_MODES = ("keyword",)
DEFAULT_MODE = "keyword"


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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form following the command-line contract."""
        return {"query": self.query, "mode": self.mode, "filters": self.filters, "offset": self.offset,
                "total_documents": self.total_documents, "took_ms": round(self.took_ms, 2),
                "results": [h.to_dict() for h in self.hits]}


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

    def recover(self) -> dict[str, int]:
        """Finish writes that a killed process left half-done, unless another writer is at work."""
        pending = self._store.doc_ids(PENDING)
        deleting = self._store.doc_ids(DELETING)
        if not pending and not deleting:
            return {"reindexed": 0, "deleted": 0}
        try:
            self._lock.acquire(wait=False)
        except KBError:
            return {"reindexed": 0, "deleted": 0}  # a live writer owns these documents
        try:
            pending = self._store.doc_ids(PENDING)
            deleting = self._store.doc_ids(DELETING)
            self._finish_deletes(deleting)
            self._reindex_from_store(pending)
            return {"reindexed": len(pending), "deleted": len(deleting)}
        finally:
            self._lock.release()

    def _finish_deletes(self, doc_ids: list[str]) -> None:
        if not doc_ids:
            return
        docs = self._store.get_documents(doc_ids)
        self._keyword.delete_documents(doc_ids)
        self._store.delete_documents(doc_ids)
        for doc in docs.values():
            self._remove_original(doc)

    def _reindex_from_store(self, doc_ids: list[str], progress: Callable[[int], None] | None = None,
                            batch: int = 200) -> None:
        for start in range(0, len(doc_ids), batch):
            part = doc_ids[start:start + batch]
            docs = self._store.get_documents(part)
            self._index_documents([(docs[d], self._store.pages(d)) for d in part if d in docs])
            self._store.set_state(part, READY)
            if progress:
                progress(len(part))

    def _index_documents(self, docs: Sequence[tuple[Document, Sequence[Page]]]) -> None:
        """Write documents to every index (one commit per index)."""
        self._keyword.replace_documents(docs)

    # ----- writing -----------------------------------------------------------------------------
    def batch_writer(self) -> "_WriterContext":
        """A locked writer for ingestion; commits what is staged when the context ends."""
        return _WriterContext(self)

    def ingest(self, targets: Sequence[str | Path], *, meta_file: str | Path | None = None,
               record_options: Any = None, progress: bool = False, workers: int | None = None) -> Any:
        """Ingest files, folders and record files; return the ingest report."""
        from ingest.pipeline import run_ingest  # the facade is the one entry point every surface calls

        return run_ingest(self, [str(t) for t in targets], meta_file=meta_file, record_options=record_options,
                          progress=progress, workers=workers)

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

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the keyword index from the document store."""
        self._lock.acquire()
        try:
            self._keyword.clear()
            ids = self._store.doc_ids(None)
            self._store.set_state(ids, PENDING)
            self._reindex_from_store(ids, progress)
            self._keyword.optimize(max_segments=1)
            return len(ids)
        finally:
            self._lock.release()

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

    def stats(self) -> dict[str, Any]:
        """Counts of documents, pages and chunks, and where the data lives."""
        out = self._store.stats()
        out["home"] = str(self.home)
        out["modes"] = list(AVAILABLE_MODES)
        return out

    def check(self) -> dict[str, Any]:
        """Compare the store with the keyword index; list every disagreement."""
        stored_pages = {d: {page_id_for(d, n) for n in numbers} for d, numbers in self._store.page_keys_by_doc().items()}
        stored_chunks = self._store.chunk_ids_by_doc()
        ready = set(self._store.doc_ids(READY))
        every = set(self._store.doc_ids(None))
        indexed = self._keyword.indexed_page_ids()
        problems: list[str] = []
        for doc_id in sorted(set(stored_pages) | set(indexed)):
            in_store, in_index = stored_pages.get(doc_id, set()), indexed.get(doc_id, set())
            if doc_id in ready and in_store != in_index:
                problems.append(f"{doc_id}: {len(in_store)} pages in the store, {len(in_index)} in the keyword index")
            if doc_id not in every and in_index:
                problems.append(f"{doc_id}: in the keyword index but not in the store")
        for doc in self._store.get_documents(ready).values():
            if doc.n_chunks != len(stored_chunks.get(doc.doc_id, ())):
                problems.append(f"{doc.doc_id}: document says {doc.n_chunks} chunks, store has "
                                f"{len(stored_chunks.get(doc.doc_id, ()))}")
        pending = self._store.doc_ids(PENDING) + self._store.doc_ids(DELETING)
        return {"ok": not problems and not pending, "problems": problems, "unfinished": pending,
                "documents": len(ready), "chunks": sum(len(v) for v in stored_chunks.values())}

    # ----- searching ---------------------------------------------------------------------------
    def search(self, query: str, *, mode: str | None = None, k: int = 10, offset: int = 0,
               filters: Filters | Mapping[str, Any] | Iterable[str] | None = None, raw: bool = False) -> SearchResults:
        """Documents ranked best first, each with its best passages (page numbers and highlights)."""
        started = time.perf_counter()
        mode = (mode or DEFAULT_MODE).lower()
        if mode not in MODES:
            raise KBError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if mode not in AVAILABLE_MODES:
            raise ModeUnavailableError(
                f"search mode {mode!r} is not available yet in this version of atkb; available: "
                f"{', '.join(AVAILABLE_MODES)} (use --mode keyword)")
        parsed_filters = Filters.parse(filters)
        allowed = self._store.filter_doc_ids(parsed_filters) if parsed_filters else None
        wanted = offset + k
        limit = max(self.settings.search_candidates, wanted * 10)
        while True:
            page_hits, parsed = self._keyword.search(query, raw=raw, limit=limit, doc_ids=allowed)
            groups = group_by_document(page_hits, self.settings.passages_per_hit)
            if len(groups) >= wanted or len(page_hits) < limit or limit >= 20000:
                break
            limit *= 4
        ready = set(self._store.get_documents([g.doc_id for g in groups]))
        groups = [g for g in groups if g.doc_id in ready]
        page_groups = groups[offset:offset + k]
        hits = self._build_hits(page_groups, parsed)
        return SearchResults(query=query, mode=mode, hits=hits, total_documents=len(groups),
                             took_ms=(time.perf_counter() - started) * 1000, filters=parsed_filters.to_dict(),
                             offset=offset)

    def _build_hits(self, groups: list[Any], parsed: Any) -> list[Hit]:
        docs = self._store.get_documents([g.doc_id for g in groups])
        pages = self._store.get_pages([(g.doc_id, p.page) for g in groups for p in g.chunks])
        hits: list[Hit] = []
        for group in groups:
            doc = docs.get(group.doc_id)
            if doc is None:
                continue
            passages = []
            for ranked in group.chunks:
                page = pages.get((group.doc_id, ranked.page))
                if page is None:
                    continue
                spans = self._keyword.highlight_spans(parsed, page.text, doc.language)
                text, shown, start = make_snippet(page.text, spans, self.settings.snippet_chars)
                anchor = spans[0][0] if spans else start
                chunk = self._store.chunk_at(doc.doc_id, page.number, anchor)
                passages.append(Passage(chunk.chunk_id if chunk else "", page.number, text, ranked.score, shown))
            hits.append(Hit(doc, group.score, passages))
        return hits

    def evaluate(self, queries: Mapping[str, str], qrels: Mapping[str, Mapping[str, int]], *, mode: str | None = None,
                 k: int = 10, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
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
        metrics["mode"] = (mode or DEFAULT_MODE)
        latencies.sort()
        if latencies:
            metrics["latency_ms_p50"] = latencies[len(latencies) // 2]
            metrics["latency_ms_p95"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
        return metrics


class _WriterContext:
    """Holds the write lock for the duration of an ingest and flushes the batch at the end."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.writer = BatchWriter(kb, kb.settings.index_batch_docs, kb.settings.index_batch_pages)

    def __enter__(self) -> BatchWriter:
        self.kb._lock.acquire()
        # a killed earlier run may have left documents half-written: finish them first
        pending = self.kb._store.doc_ids(PENDING)
        self.kb._finish_deletes(self.kb._store.doc_ids(DELETING))
        self.kb._reindex_from_store(pending)
        return self.writer

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None or exc_type is KeyboardInterrupt:
                self.writer.flush()
                self.kb._keyword.optimize()
        finally:
            self.kb._lock.release()
