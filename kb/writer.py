"""Batched, crash-safe writes: store first (pending), then the indexes, then the document is marked ready."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .lock import kill_point
from .models import Document, PreparedDocument, new_doc_id, sha256_text
from .relations import RelationFinder
from .store import READY

if TYPE_CHECKING:
    from .indexer import Indexer


class BatchWriter:
    """Stages prepared documents and commits them to the indexes in batches (the indexer holds the write lock)."""

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

    def stage(self, prepared: PreparedDocument) -> list[tuple[Document, str, float]]:
        """Write the document to the store as pending (index it with the next batch); return the near-duplicates
        and translations found for it."""
        related = self._relations.find(prepared.fingerprint) if prepared.fingerprint is not None else None
        self.store.write_document(prepared, related)
        kill_point("after_store_write")
        self._staged.append(prepared)
        self._staged_pages += len(prepared.pages)
        if len(self._staged) >= self.batch_docs or self._staged_pages >= self.batch_pages:
            self.flush()
        others = self.store.get_documents(other for other, _, _ in related or [])
        return [(others[o], kind, score) for o, kind, score in related or [] if o in others]

    def flush(self) -> None:
        """Index the staged documents in one commit, then mark them ready."""
        if not self._staged:
            return
        batch, self._staged, self._staged_pages = self._staged, [], 0
        self.indexer.index_documents([(p.document, p.pages, p.chunks) for p in batch],
                                     embed_progress=self.embed_progress)
        kill_point("after_index_commit")
        self.store.set_state([p.document.doc_id for p in batch], READY)
        kill_point("after_mark_ready")
