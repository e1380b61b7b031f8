"""The bf16 runtime: a sentence-transformers model run by torch on the CPU under bfloat16 autocast, for processors
that compute in bf16 natively (AVX-512-BF16, AMX). The weights stay fp32; matrix multiplications run in bf16 and
the rest (layer norms, softmax, pooling) in fp32, which keeps the vectors at a cosine of about 0.9999 to fp32
(docs/benchmarks.md). Its vectors carry `#torch-bf16` in their model id."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .processor import cpu_has_bf16
from .st_embedder import SentenceTransformerEmbedder

RUNTIME = "torch-bf16"


def bf16_model_id(model_name: str) -> str:
    """The id the bf16 runtime records for a model."""
    return f"st:{model_name}#{RUNTIME}"


def bf16_supported() -> bool:
    """Whether this processor has native bf16 arithmetic (elsewhere bf16 is emulated, slower than fp32)."""
    return cpu_has_bf16()


class TorchBf16Embedder(SentenceTransformerEmbedder):
    """A sentence-transformers model on the CPU under torch's bfloat16 autocast."""

    def __init__(self, model_name: str):
        super().__init__(model_name, device="cpu")
        self.model_id = bf16_model_id(model_name)

    def embed(self, texts: Sequence[str], *, batch_size: int = 32,
              progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed in batches under bf16 autocast (autocast is per thread, so it is entered here, in the caller's)."""
        import torch

        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            return super().embed(texts, batch_size=batch_size, progress=progress)
