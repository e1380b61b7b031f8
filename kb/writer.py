"""Batched, crash-safe writes: store first (pending), then the indexes, then the document is marked ready."""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .errors import KBError
from .models import Document, PreparedDocument, new_doc_id
from .store import READY

if TYPE_CHECKING:
    from .facade import KnowledgeBase


class IngestLock:
    """An exclusive lock on the data directory for writers; the OS releases it if the process dies."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self, wait: bool = True) -> None:
        """Take the lock (waiting for another writer when `wait`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            raise KBError(f"another atkb process is writing to {self.path.parent}; wait for it to finish") from None
        self._fd = fd

    def release(self) -> None:
        """Release the lock."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _kill_point(name: str) -> None:
    """Fault injection for the crash tests: SIGKILL this process when KB_TEST_KILL_AT names this point."""
    target = os.environ.get("KB_TEST_KILL_AT")
    if not target:
        return
    point, _, count = target.partition(":")
    if point != name:
        return
    counter = f"_KB_KILL_COUNT_{name}"
    seen = int(os.environ.get(counter, "0")) + 1
    os.environ[counter] = str(seen)
    if seen >= int(count or 1):
        os.kill(os.getpid(), 9)


class BatchWriter:
    """Stages prepared documents and commits them to the indexes in batches."""

    def __init__(self, kb: "KnowledgeBase", batch_docs: int, batch_pages: int,
                 embed_progress: Callable[[int], None] | None = None):
        self.kb = kb
        self.embed_progress = embed_progress
        self.batch_docs = max(1, batch_docs)
        self.batch_pages = max(1, batch_pages)
        self._staged: list[PreparedDocument] = []
        self._staged_pages = 0
        self._fingerprints: dict[str, Any] | None = None

    # lookups used by the ingestion pipeline to decide what to do with a source
    def document_for_source(self, source: str) -> Document | None:
        """The document previously ingested from this source."""
        return self.kb._store.find_by_source(source)

    def document_with_content(self, sha256: str) -> Document | None:
        """A document whose content has this hash."""
        return self.kb._store.find_by_sha256(sha256)

    def duplicate_target(self, source: str) -> str | None:
        """The document this source was recorded as a duplicate of."""
        return self.kb._store.alias_of(source)

    def unique_doc_id(self, sha256: str, source: str) -> str:
        """A new document id derived from content, disambiguated if an updated document already holds it."""
        doc_id = new_doc_id(sha256)
        if self.kb._store.get_document(doc_id) is None:
            return doc_id
        from .models import sha256_text

        return new_doc_id(sha256_text(sha256 + "\n" + source))

    def record_duplicate(self, source: str, doc_id: str) -> None:
        """Remember that `source` holds the same bytes as `doc_id`."""
        self.kb._store.add_alias(source, doc_id)

    def store_original(self, path: Path, doc_id: str) -> str | None:
        """Copy the original file under HOME/files (atomically) and return its relative name."""
        if not self.kb.settings.store_originals:
            return None
        files_dir = self.kb.home / "files"
        files_dir.mkdir(parents=True, exist_ok=True)
        name = f"{doc_id}{path.suffix.lower()}"
        tmp = files_dir / f".{name}.tmp"
        shutil.copyfile(path, tmp)
        os.replace(tmp, files_dir / name)
        return name

    def corrections(self, doc_id: str) -> dict[str, tuple[Any, str]]:
        """A researcher's corrections of this document, which every new version keeps."""
        return self.kb._store.corrections(doc_id)

    def stage(self, prepared: PreparedDocument) -> list[tuple[Document, str, float]]:
        """Write the document to the store as pending (index it with the next batch); return the near-duplicates
        and translations found for it."""
        related = self.find_related(prepared.fingerprint) if prepared.fingerprint is not None else None
        self.kb._store.write_document(prepared, related)
        _kill_point("after_store_write")
        self._staged.append(prepared)
        self._staged_pages += len(prepared.pages)
        if len(self._staged) >= self.batch_docs or self._staged_pages >= self.batch_pages:
            self.flush()
        others = self.kb._store.get_documents(other for other, _, _ in related or [])
        return [(others[o], kind, score) for o, kind, score in related or [] if o in others]

    def find_related(self, fp: Any) -> list[tuple[str, str, float]]:
        """Near-duplicates and translations of a document about to be written (or fingerprinted afresh)."""
        from ingest.similarity import find_relations, from_blobs

        if self._fingerprints is None:
            self._fingerprints = {r["doc_id"]: from_blobs(r["doc_id"], r["language"], r["n_pages"], r["minhash"],
                                                          r["pair_hashes"], r["pair_counts"])
                                  for r in self.kb._store.fingerprint_rows()}
        self._fingerprints[fp.doc_id] = fp
        store = self.kb._store

        def linked_score(other_id: str, language: str | None) -> float:
            scores = [score for oid, kind, score in store.relations([other_id], ready_only=False)[other_id]
                      if kind == "translation" and oid != fp.doc_id
                      and getattr(self._fingerprints.get(oid), "language", None) == language]
            return max(scores, default=0.0)

        settings = self.kb.settings
        return find_relations(fp, self._fingerprints.values(), settings.near_duplicate_threshold,
                              settings.translation_threshold, linked_score)

    def flush(self) -> None:
        """Index the staged documents in one commit, then mark them ready."""
        if not self._staged:
            return
        batch, self._staged, self._staged_pages = self._staged, [], 0
        self.kb._index_documents([(p.document, p.pages, p.chunks) for p in batch], embed_progress=self.embed_progress)
        _kill_point("after_index_commit")
        self.kb._store.set_state([p.document.doc_id for p in batch], READY)
        _kill_point("after_mark_ready")
