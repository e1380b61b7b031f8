"""The GPU runtime: a sentence-transformers model run by torch on a CUDA GPU in half precision (fp16 weights and
activations, the pooled vector normalised in fp32). Its vectors carry `#cuda-fp16` in their model id; a machine
without a GPU cannot add to a knowledge base built with it (`kb reindex --vectors` re-embeds it)."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .processor import cuda_device
from .st_embedder import SentenceTransformerEmbedder

RUNTIME = "cuda-fp16"


def cuda_model_id(model_name: str) -> str:
    """The id the GPU runtime records for a model."""
    return f"st:{model_name}#{RUNTIME}"


def cuda_supported() -> bool:
    """Whether torch sees a CUDA GPU."""
    return cuda_device() is not None


class CudaFp16Embedder(SentenceTransformerEmbedder):
    """A sentence-transformers model in fp16 on the first CUDA GPU."""

    def __init__(self, model_name: str):
        super().__init__(model_name, device="cuda")
        self.model.half()
        self.model_id = cuda_model_id(model_name)

    def embed(self, texts: Sequence[str], *, batch_size: int = 64,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed in batches on the GPU (the rows come back as float32, unit length)."""
        import torch

        with torch.inference_mode():
            return super().embed(texts, batch_size=batch_size, progress=progress)
