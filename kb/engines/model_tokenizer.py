"""The embedding model's tokenizer, used to size chunks in the tokens the model will see."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ..errors import KBError
from .model_paths import resolve_model_path


class TokenOffsets(Protocol):
    """Anything that maps texts to the character spans of their tokens (special tokens excluded)."""

    def offsets(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Character (start, end) of each token of each text."""


class FastTokenizer:
    """A Hugging Face `tokenizers` tokenizer without padding or truncation."""

    def __init__(self, tokenizer_json: Path):
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(tokenizer_json))
        self._tok.no_padding()
        self._tok.no_truncation()

    def offsets(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Character spans of the tokens of each text."""
        encodings = self._tok.encode_batch(texts, add_special_tokens=False)
        return [[tuple(o) for o in enc.offsets] for enc in encodings]  # type: ignore[misc]


class TransformersTokenizer:
    """Fallback for models without a tokenizer.json: transformers' AutoTokenizer (offline cache allowed)."""

    def __init__(self, name: str):
        from transformers import AutoTokenizer

        self._tok = AutoTokenizer.from_pretrained(name)

    def offsets(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """Character spans of the tokens of each text."""
        enc = self._tok(texts, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
        return [[tuple(o) for o in row] for row in enc["offset_mapping"]]  # type: ignore[misc]


@lru_cache(maxsize=4)
def load_tokenizer(model_name: str) -> TokenOffsets:
    """The tokenizer of a sentence-transformers model by name or path."""
    location = resolve_model_path(model_name)
    tokenizer_json = Path(location) / "tokenizer.json"
    if tokenizer_json.is_file():
        return FastTokenizer(tokenizer_json)
    try:
        return TransformersTokenizer(location)
    except Exception as exc:
        raise KBError(
            f"cannot load the tokenizer of embedding model {model_name!r}: {exc}. Set KB_EMBED_MODEL to a local "
            "sentence-transformers model directory, or download the model once while online"
        ) from exc
