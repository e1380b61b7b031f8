"""Chunking: page-aware, sized in model tokens (special tokens included), offsets into the page text."""
from __future__ import annotations

from ingest.chunking import chunk_pages
from kb.models import Page
from kb.engines.model_tokenizer import load_tokenizer

TOKENIZER = load_tokenizer("all-MiniLM-L6-v2")


def _long_page(number: int, sentences: int) -> Page:
    text = " ".join(f"Sentence {i} describes how trafficking victims on page {number} were identified by inspectors."
                    for i in range(sentences))
    return Page(number, text)


def test_chunks_never_cross_pages_and_keep_offsets() -> None:
    pages = [_long_page(1, 60), Page(2, ""), _long_page(3, 5)]
    chunks = chunk_pages("doc", pages, TOKENIZER, 256, 32)
    assert {c.page for c in chunks} == {1, 3}
    for c in chunks:
        assert pages[c.page - 1].text[c.start:c.end] == c.text
        assert c.chunk_id == f"doc-p{c.page}-c{c.seq}"


def test_chunks_fit_the_model_with_special_tokens() -> None:
    chunks = chunk_pages("doc", [_long_page(1, 200)], TOKENIZER, 256, 32)
    assert len(chunks) > 5
    for c in chunks:
        n = len(TOKENIZER.offsets([c.text])[0]) + 2  # [CLS] and [SEP]
        assert n <= 256, n


def test_chunks_overlap_and_end_on_sentence_boundaries() -> None:
    chunks = chunk_pages("doc", [_long_page(1, 80)], TOKENIZER, 128, 20)
    for before, after in zip(chunks, chunks[1:]):
        assert after.start < before.end  # overlap
        assert before.text.endswith(".")
    assert chunks[-1].end == len(_long_page(1, 80).text)


def test_words_are_never_split_at_chunk_starts() -> None:
    text = " ".join(["antitrafficking"] * 400)
    chunks = chunk_pages("doc", [Page(1, text)], TOKENIZER, 64, 16)
    for c in chunks:
        assert c.text.startswith("antitrafficking")
        assert c.text.endswith("antitrafficking")


def test_short_page_is_one_chunk() -> None:
    [chunk] = chunk_pages("d", [Page(4, "Short page.")], TOKENIZER)
    assert (chunk.page, chunk.start, chunk.end, chunk.text) == (4, 0, 11, "Short page.")
