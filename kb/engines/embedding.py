"""What every embedder shares: the Embedder protocol, the threads a model computes with, normalised batches, the
query-vector cache and the device a model runs on."""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Callable, Protocol, Sequence

import numpy as np



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


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class QueryCache:
    """A small LRU of query vectors: repeated queries skip the model."""

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, compute: Callable[[str], np.ndarray]) -> np.ndarray:
        """The cached vector of a query, computed on a miss."""
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
        out[start:start + len(part)] = normalise(np.asarray(encode(part)).reshape(len(part), dimension))
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
