"""Two models in one vector: the primary model (all-MiniLM-L6-v2 by default, English) and a multilingual one
(USE v3), each chunk embedded by both and stored as their two halves side by side, so one vector index serves
both and every existing guarantee (one cache entry per chunk, crash-safe writes) holds.

A chunk's vector is [p / √2 ; m / √2] for the primary vector p and the multilingual vector m (unit length).
Search asks with two half queries, one per model (`half_queries`), so that each document is scored by the model
that reads its language and the query's: both for English to English, the multilingual one alone elsewhere.
One query weighing the halves by its language (`embed_query`: `primary_share · cos_p + (1 − primary_share) ·
cos_m` when the primary model reads it, `cos_m` otherwise) serves where one score is wanted (records).
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from .embedding import Embedder, QueryCache

PRIMARY_SHARE = 0.8


class CompositeEmbedder:
    """The primary and the multilingual model, side by side in one vector."""

    def __init__(self, primary: Embedder, multilingual: Embedder, primary_languages: frozenset[str] | None,
                 primary_share: float = PRIMARY_SHARE):
        self.primary = primary
        self.multilingual = multilingual
        self.primary_languages = primary_languages
        self.primary_share = primary_share
        self.dimension = primary.dimension + multilingual.dimension
        self.model_id = f"{primary.model_id}+{multilingual.model_id}"
        self.max_tokens = getattr(primary, "max_tokens", 256)
        self.languages = frozenset(getattr(multilingual, "languages", ()) or ()) | (primary_languages or frozenset())
        self._cache = QueryCache()

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Both models' vectors of each text, side by side, each half scaled to length 1/√2."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        split = self.primary.dimension
        for start in range(0, len(texts), batch_size):
            part = list(texts[start:start + batch_size])
            out[start:start + len(part), :split] = self.primary.embed(part, batch_size=batch_size)
            out[start:start + len(part), split:] = self.multilingual.embed(part, batch_size=batch_size)
            if progress:
                progress(len(part))
        return out / np.float32(math.sqrt(2.0))

    def embed_query(self, text: str, language: str | None = None) -> np.ndarray:
        """The query's halves weighted by its language (cached per process)."""
        share = self.primary_share if self.reads(language) else 0.0
        return self._cache.get(f"{share}\x00{text}", lambda t: self._query(text, share))

    def half_queries(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Two query vectors whose dot products with a chunk are the primary model's cosine and the multilingual
        model's cosine alone (the searcher weighs them per document language)."""
        first = np.zeros(self.dimension, dtype=np.float32)
        second = np.zeros(self.dimension, dtype=np.float32)
        split = self.primary.dimension
        first[:split] = self.primary.embed_query(text) * math.sqrt(2.0)
        second[split:] = self.multilingual.embed_query(text) * math.sqrt(2.0)
        return first, second

    def reads(self, language: str | None) -> bool:
        """Whether the primary model reads a language (an unknown language counts as read)."""
        return self.primary_languages is None or language is None or language in self.primary_languages

    def _query(self, text: str, share: float) -> np.ndarray:
        # dot products with a chunk's halves (each 1/√2 long) are cos/√2: weights √2·share make them convex
        first = self.primary.embed_query(text) * (share * math.sqrt(2.0))
        second = self.multilingual.embed_query(text) * ((1.0 - share) * math.sqrt(2.0))
        return np.concatenate([first, second]).astype(np.float32)
