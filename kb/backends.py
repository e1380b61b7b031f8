"""The holder of one data directory's engines: the store, the write lock, and the keyword index, the vector index
and the embedder that `kb.engines.registry` builds from settings, opened on first use for the indexer and the
searcher."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from .engines.aside import finish_swap
from .engines.embedding import Embedder
from .engines.keyword import KeywordIndex, read_marker
from .engines.registry import (
    build_embedder, build_keyword_index, build_vector_index, embedder_model_id, milvus_prefix, milvus_uri,
    primary_model_languages, search_backend_name,
)
from .engines.runtime_choice import (
    RuntimeChoice, choose_runtime, chosen_threads, machine_calibration, multilingual_threads, stored_model_id,
    with_runtime,
)
from .engines.vectors import VectorIndex, finish_vector_swap, vectors_path
from .errors import IndexDamagedError, KBError
from .lock import IngestLock
from .settings import Settings
from .store import DocumentStore
from .text.thesaurus import Thesaurus, load_thesaurus


def build_thesaurus(settings: Settings) -> Thesaurus | None:
    """The thesaurus of the field (setting thesaurus: a file, empty for the bundled one, off for none)."""
    name = str(settings.thesaurus).strip()
    return None if name.lower() in ("off", "none", "false", "0") else load_thesaurus(name)


class Backends:
    """The store, the keyword index, the vector index and the embedder of one data directory.

    Indexes open on first use, so that a knowledge base whose keyword index must be rebuilt (another engine, an
    old schema) still opens for `kb reindex`, `kb stats` and everything that needs only the store.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.home = settings.home_path
        # private: reports, uploads and the embedding cache; another process may be creating it at this moment
        self.home.mkdir(parents=True, mode=0o700, exist_ok=True)
        new_store = not (self.home / "kb.sqlite").exists()
        self.store = DocumentStore(self.home / "kb.sqlite")
        if new_store:
            os.chmod(self.home / "kb.sqlite", 0o600)
        self.lock = IngestLock(self.home / "write.lock", timeout=settings.lock_timeout)
        self._keyword: KeywordIndex | None = None
        self._vectors: VectorIndex | None = None
        self._embedder: Embedder | None = None
        self._runtime: RuntimeChoice | None = None
        self._engine_settings: Settings | None = None  # for the runtime in use; searches read it every time
        self._generation = self.store.generation()
        # searches run side by side in the app's threads: opening and reopening the engines is what they share
        self._opening = threading.RLock()

    def sync(self) -> None:
        """Reopen the indexes when another process changed the knowledge base since they were opened."""
        generation = self.store.generation()
        if generation != self._generation:
            with self._opening:
                if generation != self._generation:
                    self._generation = generation
                    self.reopen()

    @property
    def owner(self) -> str:
        """The knowledge base's own id (it names the knowledge base's collections on a shared Milvus)."""
        return self.store.kb_id()

    @property
    def keyword_path(self) -> Path:
        """The live keyword index folder."""
        return self.home / "keyword"

    @property
    def semantic(self) -> bool:
        """Whether this knowledge base keeps a vector index."""
        return bool(self.settings.semantic)

    @property
    def runtime(self) -> RuntimeChoice:
        """The runtime the embedding model runs on here, and why (embed_backend = auto keeps the vectors' own)."""
        if self._runtime is None:
            self._runtime = choose_runtime(self.settings, stored_model_id(vectors_path(self.home)))
        return self._runtime

    def choose_runtime_afresh(self) -> None:
        """Before re-embedding everything: under auto, this machine's calibrated runtime, whatever made the
        vectors so far."""
        self._runtime = choose_runtime(self.settings, None, afresh=True)
        self._embedder = None

    @property
    def engine_settings(self) -> Settings:
        """The settings with the embedding runtime resolved: what the embedder and the vector index are built
        from."""
        runtime = self.runtime.runtime
        if self._engine_settings is None or self._engine_settings.embed_backend != runtime:
            self._engine_settings = with_runtime(self.settings, runtime)
        return self._engine_settings

    def runtime_info(self, measure: bool = True) -> dict[str, Any]:
        """The runtime in use, how it was chosen, and this machine's calibration when one is known (`measure` off:
        a machine not yet calibrated is said to be so, not calibrated now)."""
        choice = self._runtime or (self.runtime if measure else
                                   choose_runtime(self.settings, stored_model_id(vectors_path(self.home)),
                                                  measure=False))
        calibration = machine_calibration(self.settings, measure=False) if choice.chosen_by != "not-applicable" \
            else None
        threads = multilingual_threads(self.settings, measure=False)
        return {"embed_backend": str(self.settings.embed_backend), "runtime": choice.runtime,
                "chosen_by": choice.chosen_by, "calibration": calibration.to_dict() if calibration else None,
                "multilingual_calibration": threads.to_dict() if threads else None}

    @property
    def model_id(self) -> str:
        """The configured embedding model's id (with the runtime in use)."""
        return embedder_model_id(self.engine_settings)

    @property
    def tokenizer_model(self) -> str:
        """The model whose tokenizer sizes chunks (the default model's for the hashing embedder)."""
        return self.settings.embed_model if self.settings.embedder == "sentence-transformers" else "all-MiniLM-L6-v2"

    @property
    def keyword(self) -> KeywordIndex:
        """The keyword index (opened on first use; created by the writer only)."""
        with self._opening:
            if self._keyword is None:
                if read_marker(self.keyword_path) is None:
                    self.ensure_keyword_index()
                self._keyword = _opened("keyword", self.keyword_path,
                                        lambda: build_keyword_index(self.settings, self.keyword_path, self.owner))
            return self._keyword

    def ensure_keyword_index(self) -> None:
        """Create the keyword index if there is none yet: under the write lock (a reader that finds the lock taken
        waits a moment for the writer to create it); an existing index is not opened."""
        if read_marker(self.keyword_path) is not None:
            return
        try:
            self.lock.acquire(wait=False)
        except KBError:
            deadline = time.monotonic() + 10
            while read_marker(self.keyword_path) is None and time.monotonic() < deadline:
                time.sleep(0.05)
            return
        try:
            if read_marker(self.keyword_path) is None:
                build_keyword_index(self.settings, self.keyword_path, self.owner).close()
        finally:
            self.lock.release()

    @property
    def vectors(self) -> VectorIndex | None:
        """The vector index, or None when semantic search is switched off."""
        with self._opening:
            if self._vectors is None and self.semantic:
                self._vectors = _opened("vector", vectors_path(self.home),
                                        lambda: build_vector_index(self.engine_settings, vectors_path(self.home),
                                                                   self.owner))
            return self._vectors

    def thesaurus(self) -> Thesaurus | None:
        """The thesaurus of the field (read once per process)."""
        return build_thesaurus(self.settings)

    def primary_languages(self) -> frozenset[str] | None:
        """The languages the primary embedding model reads (None: any or unknown)."""
        return primary_model_languages(self.settings)

    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use."""
        with self._opening:
            if self._embedder is None:
                self._embedder = build_embedder(self.engine_settings,
                                                chosen_threads(multilingual_threads(self.settings)))
            return self._embedder

    def check_vector_model(self) -> None:
        """Refuse to mix embeddings of two models in one vector index."""
        vectors = self.vectors
        if vectors is not None and vectors.model_id not in (None, self.model_id):
            raise KBError(
                f"the vector index holds embeddings of {vectors.model_id!r} but the configured model is "
                f"{self.model_id!r}: run `kb reindex --vectors` to re-embed everything with the new model, or set "
                "KB_EMBED_MODEL back")

    def finish_swaps(self) -> None:
        """Complete index rebuilds that a crash interrupted, and drop the Milvus collections no index uses any more
        (the caller holds the write lock)."""
        finish_swap(self.keyword_path)
        finish_vector_swap(self.home)
        if search_backend_name(self.settings) == "milvus":
            from .engines.milvus_client import drop_unused_collections

            drop_unused_collections(milvus_uri(self.settings), self.settings.milvus_token,
                                    milvus_prefix(self.settings, self.owner),
                                    [self.keyword_path, vectors_path(self.home)])

    def reopen(self) -> None:
        """Forget the open indexes (after a rebuild swapped new ones in, or another process wrote)."""
        with self._opening:
            if self._keyword is not None:
                self._keyword.close()
            self._keyword = None
            self._vectors = None
            if self._runtime is not None and self._runtime.chosen_by not in ("setting", "not-applicable"):
                # chosen again on next use: another process may have re-embedded with another runtime (the models
                # themselves are loaded once per process, so this costs nothing)
                self._runtime = None
                self._embedder = None

    def close(self) -> None:
        """Release files and connections."""
        if self._keyword is not None:
            self._keyword.close()
        self.store.close()


def _opened(kind: str, path: Path, open_index: Callable[[], Any]) -> Any:
    """Open an index; a missing or unreadable file becomes one message that names it and the rebuild."""
    try:
        return open_index()
    except KBError:  # already says what to do (another engine's index, an old schema, a damaged file, no Milvus)
        raise
    except Exception as exc:  # the engines raise OSError, ValueError and their own errors on damaged files
        option = "--keyword" if kind == "keyword" else "--vectors"
        raise IndexDamagedError(f"the {kind} index {path} cannot be opened ({type(exc).__name__}: {exc}): run "
                                f"`kb reindex {option}` to rebuild it from the document store") from None
