"""The hashing embedder: deterministic feature hashing of words and word pairs, no model (tests, and machines that
cannot run one)."""
from __future__ import annotations

import hashlib
import re
from typing import Callable, Sequence

import numpy as np

from .embedding import QueryCache, normalise


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic feature hashing of words and word pairs: no model, instant, lexical only.

    For tests of fusion, ranking and crash safety, and for machines that cannot run a model.
    """

    # Its cosines measure shared hashed words against collision noise of about 1/sqrt(dimension), not meaning: no
    # floor (settings meaning_floor, multilingual_floor) fits them, so every document it finds is listed.
    meaning_floor = -1.0

    def __init__(self, dimension: int = 256):
        self.dimension = dimension
        self.model_id = f"hashing-{dimension}"
        self.max_tokens = 10**9
        self._cache = QueryCache()

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
        return normalise(matrix)

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector."""
        return self._cache.get(text, lambda t: self.embed([t])[0])


def hashing_dimension(model_name: str) -> int:
    """Dimension of the hashing embedder: `hashing-N` names N, anything else means 256."""
    match = re.fullmatch(r"hashing-(\d+)", model_name.strip())
    return int(match.group(1)) if match else 256
