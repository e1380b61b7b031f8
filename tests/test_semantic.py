"""Semantic and hybrid search: fusion, grouping, embedding cache and model switching (hashing embedder)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings
from kb.errors import KBError
from kb.search.fusion import reciprocal_rank_fusion

from .fixtures import DUTCH_PAGES, ENGLISH_PAGES, make_pdf


def test_rrf_by_hand() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60))
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["d"] == pytest.approx(1 / 62)
    assert [d for d, _ in reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]])][:2] == ["b", "a"]


def test_rrf_weights_and_ties() -> None:
    assert reciprocal_rank_fusion([["a"], ["b"]], [1.0, 2.0])[0][0] == "b"
    assert [d for d, _ in reciprocal_rank_fusion([["a"], ["b"]])] == ["a", "b"]  # tie: first seen wins
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], [1.0, 2.0])


@pytest.fixture
def loaded(kb: KnowledgeBase, corpus_dir: Path) -> KnowledgeBase:
    kb.ingest([corpus_dir], workers=1)
    return kb


def test_semantic_passages_are_the_matching_chunks(loaded: KnowledgeBase) -> None:
    results = loaded.search("labour inspectors identify presumed victims", mode="semantic")
    top = results.hits[0]
    assert top.document.title == "Labour exploitation report"
    chunk_texts = {c.text for c in loaded.chunks(top.document.doc_id)}
    for passage in top.passages:
        assert passage.text in chunk_texts
        assert passage.chunk_id.startswith(top.document.doc_id)
        assert passage.page >= 1


def test_hybrid_fuses_both_rankings(loaded: KnowledgeBase) -> None:
    keyword = [h.document.doc_id for h in loaded.search("reflection period shelters", mode="keyword").hits]
    semantic = [h.document.doc_id for h in loaded.search("reflection period shelters", mode="semantic").hits]
    hybrid = loaded.search("reflection period shelters", mode="hybrid")
    expected = [d for d, _ in reciprocal_rank_fusion([keyword, semantic], k=60)]
    assert [h.document.doc_id for h in hybrid.hits] == expected[:10]
    assert hybrid.hits[0].document.title == "Guide for shelters"
    assert hybrid.hits[0].passages and hybrid.hits[0].passages[0].highlights


def test_hybrid_is_the_default_mode(home: Path, corpus_dir: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(home), "embedder": "hashing"}, environ={})) as kb:
        kb.ingest([corpus_dir], workers=1)
        assert kb.search("shelters").mode == "hybrid"


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_filters_apply_in_every_mode(loaded: KnowledgeBase, mode: str) -> None:
    results = loaded.search("slachtoffers mensenhandel victims", mode=mode, filters=["language=nl"])
    assert results.hits
    assert {h.document.language for h in results.hits} == {"nl"}
    assert loaded.search("victims", mode=mode, filters=["country=XX"]).hits == []


class CountingEmbedder:
    def __init__(self, inner):
        self.inner, self.texts = inner, []
        self.model_id, self.dimension = inner.model_id, inner.dimension

    def embed(self, texts, **kwargs):
        self.texts.extend(texts)
        return self.inner.embed(texts, **kwargs)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_embeddings_are_computed_once(kb: KnowledgeBase, tmp_path: Path) -> None:
    counter = CountingEmbedder(kb.embedder())
    kb.backends._embedder = counter
    path = make_pdf(tmp_path / "r.pdf", ENGLISH_PAGES)
    kb.ingest([path], workers=1)
    first = len(counter.texts)
    chunks = [c.text for c in kb.chunks(kb.resolve_document(str(path)).doc_id)]
    records = {view.record.text for view in kb.recommendations()}  # embedded too, for record search
    assert sorted(t for t in counter.texts if t not in records) == sorted(chunks)
    assert len(counter.texts) == len(set(counter.texts))
    kb.ingest([path], workers=1)  # unchanged: nothing embedded
    assert len(counter.texts) == first
    make_pdf(path, ENGLISH_PAGES[:2] + ["A new third page about shelters for male victims."])
    kb.ingest([path], workers=1)  # updated: only the new page's chunk is embedded
    new = counter.texts[first:]
    assert new == ["A new third page about shelters for male victims."]
    kb.reindex()  # rebuilding the vector index reuses the cache
    assert len(counter.texts) == first + 1
    assert kb.check()["ok"]


def test_switching_model_needs_reindex_and_keyword_keeps_working(home: Path, corpus_dir: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(home), "embedder": "hashing"}, environ={})) as kb:
        kb.ingest([corpus_dir], workers=1)
    switched = Settings.load({"home": str(home), "embedder": "hashing", "embed_model": "hashing-64"}, environ={})
    with KnowledgeBase(switched) as kb:
        with pytest.raises(KBError, match="kb reindex --vectors"):
            kb.search("shelters", mode="semantic")
        with pytest.raises(KBError, match="kb reindex --vectors"):
            kb.ingest([corpus_dir], workers=1)
        assert kb.search("shelters", mode="keyword").hits
        seen: list[int] = []
        kb.reindex(keyword=False, embed_progress=seen.append)
        assert sum(seen) == kb.stats()["chunks"]
        assert kb.stats()["vectors"] == {"model": "hashing-64", "dimension": 64, "chunks": kb.stats()["chunks"]}
        assert kb.search("shelters", mode="semantic").hits
        assert kb.check()["ok"]


def test_similar_documents_exclude_the_document_itself(kb: KnowledgeBase, tmp_path: Path) -> None:
    a = make_pdf(tmp_path / "a.pdf", ENGLISH_PAGES)
    b = make_pdf(tmp_path / "b.pdf", ENGLISH_PAGES[:2] + ["Another page on compensation for victims of labour."])
    c = make_pdf(tmp_path / "c.pdf", DUTCH_PAGES)
    kb.ingest([a, b, c], workers=1)
    doc_a = kb.resolve_document(str(a))
    similar = kb.similar(doc_a.doc_id, k=5)
    assert [Path(h.document.source).name for h in similar][0] == "b.pdf"
    assert doc_a.doc_id not in {h.document.doc_id for h in similar}
    assert all(-1.0 <= h.score <= 1.0 for h in similar)


def test_remove_deletes_vectors_too(loaded: KnowledgeBase) -> None:
    doc = loaded.search("greenhouses", mode="keyword").hits[0].document
    loaded.remove(doc.doc_id)
    assert doc.doc_id not in loaded.backends.vectors.indexed_chunk_ids()
    assert all(h.document.doc_id != doc.doc_id for h in loaded.search("greenhouses", mode="semantic").hits)
    assert loaded.check()["ok"]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_a_document_filling_the_first_candidates_does_not_hide_the_next_one(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    # the first 20 candidates (the retrievers ask for 10 per document wanted) are all pages of one report
    monkeypatch.setenv("KB_SEARCH_CANDIDATES", "5")
    monkeypatch.setenv("KB_SEMANTIC_CANDIDATES", "5")
    (tmp_path / "docs").mkdir()
    make_pdf(tmp_path / "docs" / "many.pdf", ["Seasonal workers forced labour greenhouses."] * 30, title="Many")
    make_pdf(tmp_path / "docs" / "one.pdf", ["Seasonal workers forced labour greenhouses, and also shelters, "
                                             "lawyers, interpreters, inspectors and the reflection period."],
             title="One")
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([tmp_path / "docs"], workers=1)
        first = kb.search("seasonal workers forced labour greenhouses", mode=mode, k=1)
        both = kb.search("seasonal workers forced labour greenhouses", mode=mode, k=2)
    assert [Path(h.document.source).name for h in first.hits] == ["many.pdf"]
    assert [Path(h.document.source).name for h in both.hits] == ["many.pdf", "one.pdf"]
