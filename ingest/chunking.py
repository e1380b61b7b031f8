"""Page-aware chunking in tokens of the embedding model: chunks never cross a page and never get truncated."""
from __future__ import annotations

import re

from kb.models import Chunk, Page, chunk_id_for
from kb.engines.model_tokenizer import TokenOffsets

# Tokens reserved for the model's special tokens ([CLS] and [SEP]).
SPECIAL_TOKENS = 2
_SENTENCE_END = re.compile(r"[.!?:;]['\")\]]?$")


def chunk_pages(doc_id: str, pages: list[Page], tokenizer: TokenOffsets,
                max_tokens: int = 256, overlap: int = 32) -> list[Chunk]:
    """Split each page into chunks of at most max_tokens model tokens (special tokens included)."""
    budget = max(8, max_tokens - SPECIAL_TOKENS)
    overlap = min(overlap, budget // 2)
    non_empty = [p for p in pages if p.text.strip()]
    all_offsets = tokenizer.offsets([p.text for p in non_empty]) if non_empty else []
    chunks: list[Chunk] = []
    for page, offsets in zip(non_empty, all_offsets):
        for seq, (start_tok, end_tok) in enumerate(_windows(page.text, offsets, budget, overlap)):
            start_char = offsets[start_tok][0]
            end_char = offsets[end_tok - 1][1]
            chunks.append(Chunk(
                chunk_id=chunk_id_for(doc_id, page.number, seq), doc_id=doc_id, page=page.number, seq=seq,
                start=start_char, end=end_char, text=page.text[start_char:end_char], n_tokens=end_tok - start_tok,
            ))
    return chunks


def _word_start(text: str, offsets: list[tuple[int, int]], i: int) -> bool:
    """True when token i begins a new word (nothing glued to its left)."""
    start = offsets[i][0]
    return i == 0 or start == 0 or offsets[i - 1][1] < start or not text[start - 1].isalnum()


def _windows(text: str, offsets: list[tuple[int, int]], budget: int, overlap: int) -> list[tuple[int, int]]:
    """Token windows [start, end) that end on sentence or word boundaries where possible."""
    n = len(offsets)
    windows: list[tuple[int, int]] = []
    start = 0
    while start < n:
        end = min(start + budget, n)
        if end < n:
            end = _best_cut(text, offsets, start, end)
        windows.append((start, end))
        if end >= n:
            break
        nxt = max(end - overlap, start + 1)
        # begin the next window on a word boundary so no word is split across the overlap
        while nxt < end and not _word_start(text, offsets, nxt):
            nxt += 1
        start = nxt
    return windows


def _best_cut(text: str, offsets: list[tuple[int, int]], start: int, end: int) -> int:
    """The best end (exclusive) in (start, end]: after a sentence in the last half, else a word boundary."""
    half = start + (end - start) // 2
    for i in range(end, half, -1):
        if _word_start(text, offsets, i) and _SENTENCE_END.search(text[offsets[i - 1][0]:offsets[i - 1][1]]):
            return i
    for i in range(end, half, -1):
        if _word_start(text, offsets, i):
            return i
    return end
