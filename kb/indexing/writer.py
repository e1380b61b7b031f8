"""Batched, crash-safe writes: store first (pending), then the indexes, then the document is marked ready."""
from __future__ import annotations

import os
import shutil
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from .embedding_stage import EmbeddingJob, EmbeddingStage, embedding_matrix
from ..lock import kill_point
from ..models import Chunk, Document, Page, PreparedDocument, chunks_of, new_doc_id, sha256_text
from .document_topics import tag_topics
from ..recommendations.classifier import RECORD_VECTORS
from ..recommendations.extraction import extract_with_vectors
from .relations import RelationFinder
from ..store import READY

if TYPE_CHECKING:
    from .indexer import Indexer


@dataclass
class _Batch:
    """Documents in the keyword index whose vectors are being computed."""

    docs: list[tuple[Document, Sequence[Page], Sequence[Chunk]]]
    chunks: list[Chunk]
    cached: dict[str, bytes]
    job: EmbeddingJob | None


class BatchWriter:
    """Stages prepared documents and commits them to the indexes in batches (the indexer holds the write lock).

    A batch's vectors are computed in a background thread while the next batch is read and staged; at most one
    batch waits for them. All writes to the store and the indexes happen in the thread that calls the writer.
    """

    def __init__(self, indexer: "Indexer", batch_docs: int, batch_pages: int,
                 embed_progress: Callable[[int], None] | None = None):
        self.indexer = indexer
        self.store = indexer.store
        self.settings = indexer.settings
        self.embed_progress = embed_progress
        self.batch_docs = max(1, batch_docs)
        self.batch_pages = max(1, batch_pages)
        self._staged: list[PreparedDocument] = []
        self._staged_pages = 0
        self._relations = RelationFinder(self.store, self.settings)
        self._waiting: deque[_Batch] = deque()
        self._fresh: dict[str, bytes] = {}  # vectors computed for the waiting batches, until indexed
        self._stage: EmbeddingStage | None = None

    # lookups used by the ingestion pipeline to decide what to do with a source
    def document_for_source(self, source: str) -> Document | None:
        """The document previously ingested from this source."""
        return self.store.find_by_source(source)

    def document_with_content(self, sha256: str) -> Document | None:
        """A document whose content has this hash."""
        return self.store.find_by_sha256(sha256)

    def unique_doc_id(self, sha256: str, source: str) -> str:
        """A new document id derived from content, disambiguated if an updated document already holds it."""
        doc_id = new_doc_id(sha256)
        if self.store.get_document(doc_id) is None:
            return doc_id
        return new_doc_id(sha256_text(sha256 + "\n" + source))

    def store_original(self, path: Path, doc_id: str) -> str | None:
        """Copy the original file under HOME/files (atomically) and return its relative name."""
        if not self.settings.store_originals:
            return None
        files_dir = self.indexer.home / "files"
        files_dir.mkdir(parents=True, exist_ok=True)
        name = f"{doc_id}{path.suffix.lower()}"
        tmp = files_dir / f".{name}.tmp"
        shutil.copyfile(path, tmp)
        os.replace(tmp, files_dir / name)
        return name

    def corrections(self, doc_id: str) -> dict[str, tuple[Any, str]]:
        """A researcher's corrections of this document, which every new version keeps."""
        return self.store.corrections(doc_id)

    def add_embeddings(self, vectors: dict[str, bytes]) -> None:
        """Put vectors computed elsewhere (by Ray workers) in the embedding cache, by text hash, for the documents
        staged next: the writer then embeds none of their chunks itself."""
        self.store.put_embeddings(self.indexer.backends.model_id, list(vectors.items()))

    def stage(self, prepared: PreparedDocument) -> list[tuple[Document, str, float]]:
        """Write the document to the store as pending (index it with the next batch); return the near-duplicates
        and translations found for it."""
        self._collect()
        related = self._relations.find(prepared.fingerprint) if prepared.fingerprint is not None else None
        prepared.recommendations, vectors = extract_with_vectors(prepared.document, prepared.pages,
                                                                 vectors=self.indexer.record_vectors_wanted())
        tag_topics(self.indexer.backends.thesaurus(), prepared.document, prepared.pages)
        self.store.write_document(prepared, related)
        # the records' multilingual vectors, which align prose records with a translation's (catalogue)
        self.store.put_embeddings(RECORD_VECTORS, [(h, v.tobytes()) for h, v in vectors.items()])
        kill_point("after_store_write")
        self._staged.append(prepared)
        self._staged_pages += len(prepared.pages)
        if len(self._staged) >= self.batch_docs or self._staged_pages >= self.batch_pages or self._embedder_idle():
            self.flush()
        others = self.store.get_documents(other for other, _, _ in related or [])
        return [(others[o], kind, score) for o, kind, score in related or [] if o in others]

    def _embedder_idle(self) -> bool:
        """Whether to hand a smaller batch to the embedding thread, which has nothing to do (at the start)."""
        return not self._waiting and self._staged_pages >= max(1, self.batch_pages // 8) \
            and self.indexer.backends.vectors is not None

    def flush(self) -> None:
        """Index the staged documents: in the keyword index now, their vectors once computed (in the background);
        the batch before them is finished first."""
        if self._staged:
            batch, self._staged, self._staged_pages = self._staged, [], 0
            docs = [(p.document, p.pages, p.chunks) for p in batch]
            self.indexer.index_keyword(docs)
            if self.indexer.backends.vectors is None:
                self._mark_ready(docs)
            else:
                self._waiting.append(self._start_embedding(docs))
        while len(self._waiting) > 1:
            self._finish(self._waiting.popleft())

    def finish(self) -> None:
        """Index everything staged and wait until every document is ready."""
        self.flush()
        while self._waiting:
            self._finish(self._waiting.popleft())
        self.abandon()

    def abandon(self) -> None:
        """Stop the background embedding (documents not finished stay pending: the next writer finishes them)."""
        if self._stage is not None:
            self._stage.close()
            self._stage = None

    def _start_embedding(self, docs: list[tuple[Document, Sequence[Page], Sequence[Chunk]]]) -> _Batch:
        chunks = chunks_of(docs)
        cached, todo = self.indexer.cached_embeddings(chunks)
        if self.embed_progress and len(chunks) > len(todo):
            self.embed_progress(len(chunks) - len(todo))
        job = None
        if todo:
            if self._stage is None:
                self._stage = EmbeddingStage(lambda texts: self.indexer.embed_texts(texts, self.embed_progress),
                                             self.indexer.embed_step)
            job = self._stage.submit(todo)
        return _Batch(docs, chunks, cached, job)

    def _collect(self) -> None:
        """Cache the vectors the background thread has finished (the writer's thread writes the store)."""
        if self._stage is not None:
            for digests, matrix in self._stage.finished_steps():
                self._fresh.update(self.indexer.cache_embeddings(digests, matrix))

    def _finish(self, batch: _Batch) -> None:
        if batch.job is not None and self._stage is not None:
            self._stage.wait(batch.job)
        self._collect()
        hashes = [c.text_sha256 for c in batch.chunks]
        vectors = {**self._fresh, **batch.cached}
        missing = [h for h in hashes if h not in vectors]  # computed for an earlier batch and dropped with it
        if missing:
            vectors.update(self.store.get_embeddings(self.indexer.backends.model_id, missing))
        self.indexer.index_vectors(batch.docs, batch.chunks, embedding_matrix(hashes, vectors))
        self.indexer.embed_records([doc.doc_id for doc, _, _ in batch.docs])
        self._mark_ready(batch.docs)
        for digest, _ in batch.job.items if batch.job is not None else ():  # indexed: not kept for the whole run
            self._fresh.pop(digest, None)

    def _mark_ready(self, docs: list[tuple[Document, Sequence[Page], Sequence[Chunk]]]) -> None:
        kill_point("after_index_commit")
        self.store.set_state([doc.doc_id for doc, _, _ in docs], READY)
        kill_point("after_mark_ready")
