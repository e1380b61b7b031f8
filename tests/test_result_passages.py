"""The passages of a results page: one per page, keyword and semantic in turn, and only what is shown read."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.engines.keyword import PageHit
from kb.models import Document
from kb.search.passages import PassageMaker, ShownDocument, pick_passages
from kb.search.results import DocGroup
from kb.engines.vectors import ChunkHit


def shown(keyword_pages: list[int], semantic: list[tuple[str, int]]) -> ShownDocument:
    doc = Document(doc_id="d1", source="a.pdf", sha256="0" * 64, title="A report")
    keyword = DocGroup("d1", 1.0, [PageHit(f"d1:{p}", "d1", p, 1.0 - n / 10) for n, p in enumerate(keyword_pages)])
    chunks = DocGroup("d1", 1.0, [ChunkHit(c, "d1", p, 0.9 - n / 10) for n, (c, p) in enumerate(semantic)])
    return ShownDocument(doc, query=None, keyword=keyword, semantic=chunks)  # type: ignore[arg-type]


def described(picks) -> list[tuple[str, int]]:
    return [(p.kind, p.ranked.page) for p in picks]


def test_picks_alternate_keyword_and_semantic_one_per_page() -> None:
    document = shown([4, 7, 9], [("c1", 4), ("c2", 5), ("c3", 7)])
    # page 4 is already shown by its keyword passage, so the semantic chunk on page 4 is passed over
    assert described(pick_passages(document, 3)) == [("keyword", 4), ("keyword", 7), ("semantic", 5)]
    assert described(pick_passages(document, 5)) == [("keyword", 4), ("keyword", 7), ("semantic", 5),
                                                      ("keyword", 9)]
    assert pick_passages(document, 0) == []


def test_picks_leave_out_what_the_store_lacks() -> None:
    document = shown([4, 7], [("c2", 5)])
    picks = pick_passages(document, 2, missing={("page", "d1", 4)})
    assert described(picks) == [("keyword", 7), ("semantic", 5)]


class RecordingStore:
    """The real store, remembering what the passages asked it for."""

    def __init__(self, store):
        self.store = store
        self.pages: list[tuple[str, int]] = []
        self.chunks: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self.store, name)

    def get_pages(self, keys):
        keys = list(keys)
        self.pages += keys
        return self.store.get_pages(keys)

    def chunk_starts(self, keys):
        return self.store.chunk_starts(keys)

    def get_chunks(self, ids):
        ids = list(ids)
        self.chunks += ids
        return self.store.get_chunks(ids)


@pytest.fixture
def loaded(kb: KnowledgeBase, corpus_dir: Path) -> KnowledgeBase:
    kb.ingest([corpus_dir], workers=1)
    return kb


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_a_results_page_reads_only_the_pages_and_chunks_it_shows(loaded: KnowledgeBase, mode: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    searcher = loaded.searcher
    recording = RecordingStore(searcher.store)
    monkeypatch.setattr(searcher, "store", recording)
    results = loaded.search("victims of labour exploitation and compensation", mode=mode)
    shown = [(h.document.doc_id, p.page) for h in results.hits for p in h.passages]
    assert shown, "the query finds passages"
    # each passage was read once, as a page or as a chunk, and nothing else was read
    assert len(recording.pages) + len(recording.chunks) == len(shown)
    assert set(recording.pages) <= set(shown)
    chunk_pages = {c.chunk_id: (c.doc_id, c.page) for c in searcher.store.store.get_chunks(recording.chunks).values()}
    assert {chunk_pages[c] for c in recording.chunks} <= set(shown)
    if mode == "keyword":
        assert recording.chunks == []
    if mode == "semantic":
        assert recording.pages == []


def test_a_page_the_store_lacks_gives_way_to_the_next_one(loaded: KnowledgeBase) -> None:
    store = loaded.searcher.store
    results = loaded.search("compensation", mode="keyword")
    hit = results.hits[0]
    real_pages = [p.page for p in hit.passages]
    fake = PageHit("none", hit.document.doc_id, 999, 5.0)
    keyword = DocGroup(hit.document.doc_id, 5.0, [fake, *[PageHit("p", hit.document.doc_id, p, 1.0)
                                                            for p in real_pages]])
    parsed = loaded.searcher.backends.keyword.parse("compensation", raw=False)
    maker = PassageMaker(store, loaded.searcher._spans, 320, 3)
    [passages] = maker.passages([ShownDocument(hit.document, parsed, keyword=keyword)])
    assert [p.page for p in passages] == real_pages[:3]
    assert any(p.text[s:e].lower() == "compensation" for p in passages for s, e in p.highlights)
