"""Contract every VectorIndex backend must pass: exact top-k, replace/delete semantics, filters, persistence."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from kb.engines.vectors import ExactVectorIndex
from kb.engines.hnsw_vectors import HnswVectorIndex
from kb.engines.milvus_vectors import MilvusVectorIndex

DIM = 16
Factory = Callable[[Path], object]
BACKENDS: dict[str, Factory] = {
    "exact": lambda path: ExactVectorIndex(path, model_id="test-model"),
    # the graph from the first row on, so that every contract test goes through it
    "hnsw": lambda path: HnswVectorIndex(path, model_id="test-model", ann_min_rows=0),
}



@pytest.fixture(params=[*sorted(BACKENDS), "milvus"])
def make_index(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "milvus":  # the session's Milvus Lite server, exact search inside Milvus
        uri = request.getfixturevalue("milvus_uri")
        return lambda: MilvusVectorIndex(tmp_path / "vectors", uri=uri, model_id="test-model", milvus_vector_index="FLAT")
    factory = BACKENDS[request.param]
    return lambda: factory(tmp_path / "vectors")


@pytest.fixture(params=sorted(BACKENDS))
def make_file_index(request: pytest.FixtureRequest, tmp_path: Path):
    """The indexes whose segment files live in the data directory (Milvus keeps its own)."""
    factory = BACKENDS[request.param]
    return lambda: factory(tmp_path / "vectors")


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    m = rng.normal(size=(n, DIM)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def add_docs(index, rng, docs: dict[str, int]) -> dict[str, np.ndarray]:
    vectors = {}
    for doc_id, n in docs.items():
        v = unit(rng, n)
        index.replace_documents([(f"{doc_id}-c{i}", doc_id, i + 1) for i in range(n)], v, [doc_id])
        vectors[doc_id] = v
    return vectors


def brute_force(vectors: dict[str, np.ndarray], query: np.ndarray, allowed=None) -> list[str]:
    scored = [(float(v @ query), f"{d}-c{i}") for d, m in vectors.items() if allowed is None or d in allowed
              for i, v in enumerate(m)]
    return [cid for s, cid in sorted(scored, reverse=True) if s > 0]


def test_empty_index_returns_nothing(make_index) -> None:
    index = make_index()
    assert index.search(np.ones(DIM, np.float32) / 4, 5) == []
    assert index.indexed_chunk_ids() == {}


def test_top_k_is_exact_and_sorted(make_index) -> None:
    rng = np.random.default_rng(1)
    index = make_index()
    vectors = add_docs(index, rng, {"a": 30, "b": 20, "c": 25})
    query = unit(rng, 1)[0]
    hits = index.search(query, 10)
    assert [h.chunk_id for h in hits] == brute_force(vectors, query)[:10]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].page == int(hits[0].chunk_id.rsplit("c", 1)[1]) + 1


def test_filter_restricts_to_documents(make_index) -> None:
    rng = np.random.default_rng(2)
    index = make_index()
    vectors = add_docs(index, rng, {"a": 30, "b": 20, "c": 25})
    query = unit(rng, 1)[0]
    hits = index.search(query, 5, doc_ids={"b"})
    assert {h.doc_id for h in hits} == {"b"}
    assert [h.chunk_id for h in hits] == brute_force(vectors, query, {"b"})[:5]
    assert index.search(query, 5, doc_ids={"missing"}) == []


def test_several_queries_at_once_get_each_its_own_exact_top_k(make_index) -> None:
    rng = np.random.default_rng(12)
    index = make_index()
    vectors = add_docs(index, rng, {"a": 30, "b": 20, "c": 25})
    index.delete_documents(["c"])  # dead rows must not come back in any query's answer
    del vectors["c"]
    queries = list(unit(rng, 3))
    many = index.search_many(queries, 7)
    assert [[h.chunk_id for h in hits] for hits in many] == [brute_force(vectors, q)[:7] for q in queries]
    filtered = index.search_many(queries[:2], 4, doc_ids={"b"})
    assert [[h.chunk_id for h in hits] for hits in filtered] == [brute_force(vectors, q, {"b"})[:4]
                                                                 for q in queries[:2]]
    assert index.search_many([], 5) == [] and index.search_many(queries, 0) == [[], [], []]


def test_replace_drops_old_rows(make_index) -> None:
    rng = np.random.default_rng(3)
    index = make_index()
    add_docs(index, rng, {"a": 5, "b": 5})
    new = unit(rng, 2)
    index.replace_documents([("a-new0", "a", 1), ("a-new1", "a", 2)], new, ["a"])
    assert index.indexed_chunk_ids()["a"] == {"a-new0", "a-new1"}
    hit = index.search(new[0], 1)[0]
    assert hit.chunk_id == "a-new0" and hit.score == pytest.approx(1.0, abs=1e-5)


def test_delete_and_persistence(make_index) -> None:
    rng = np.random.default_rng(4)
    index = make_index()
    vectors = add_docs(index, rng, {"a": 5, "b": 5, "c": 5})
    index.delete_documents(["b"])
    reopened = make_index()
    assert set(reopened.indexed_chunk_ids()) == {"a", "c"}
    assert reopened.model_id == "test-model" and reopened.dimension == DIM
    query = vectors["b"][0]
    assert all(h.doc_id != "b" for h in reopened.search(query, 15))


def test_many_writes_stay_correct_after_compaction(make_index) -> None:
    rng = np.random.default_rng(5)
    index = make_index()
    vectors: dict[str, np.ndarray] = {}
    for round_ in range(12):  # more writes than segments allowed before compaction
        vectors.update(add_docs(index, rng, {f"d{round_ % 5}": 3}))
    query = unit(rng, 1)[0]
    assert {d for d, ids in index.indexed_chunk_ids().items()} == set(vectors)
    assert [h.chunk_id for h in index.search(query, 8)] == brute_force(vectors, query)[:8]


def test_document_vectors_are_normalised_means(make_index) -> None:
    rng = np.random.default_rng(6)
    index = make_index()
    vectors = add_docs(index, rng, {"a": 4, "b": 3})
    ids, matrix = index.document_vectors()
    assert ids == ["a", "b"]
    expected = vectors["a"].mean(axis=0)
    np.testing.assert_allclose(matrix[0], expected / np.linalg.norm(expected), rtol=1e-5)


def test_a_write_interrupted_before_its_manifest_leaves_the_old_state(make_file_index, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    make_index = make_file_index
    index = make_index()
    add_docs(index, rng, {"a": 3})
    # an orphan segment, as a process killed between writing the segment and the manifest leaves it
    (tmp_path / "vectors" / "seg-999999.npy").write_bytes(b"partial")
    (tmp_path / "vectors" / "manifest.json.tmp").write_text("{")
    reopened = make_index()
    assert set(reopened.indexed_chunk_ids()) == {"a"}
    # opening never deletes (a reader cannot tell an orphan from a segment being written); the writer cleans up
    assert (tmp_path / "vectors" / "seg-999999.npy").exists()
    reopened.remove_orphans()
    assert not (tmp_path / "vectors" / "seg-999999.npy").exists()
    assert not (tmp_path / "vectors" / "manifest.json.tmp").exists()
    assert set(reopened.indexed_chunk_ids()) == {"a"}


def test_a_writer_starts_from_what_another_process_wrote(make_index) -> None:
    rng = np.random.default_rng(8)
    first, second = make_index(), make_index()  # both open the same, empty index
    add_docs(first, rng, {"a": 3})
    add_docs(second, rng, {"b": 2})  # must not overwrite a's segment or manifest
    assert set(make_index().indexed_chunk_ids()) == {"a", "b"}
    assert second.refresh() is False and set(second.indexed_chunk_ids()) == {"a", "b"}
    assert first.refresh() is True and set(first.indexed_chunk_ids()) == {"a", "b"}


def test_a_missing_segment_is_reported_with_the_file_and_the_fix(make_file_index, tmp_path: Path) -> None:
    from kb.errors import IndexDamagedError

    make_index = make_file_index
    add_docs(make_index(), np.random.default_rng(9), {"a": 3})
    for segment in (tmp_path / "vectors").glob("seg-*.npy"):
        segment.unlink()
    with pytest.raises(IndexDamagedError, match=r"seg-\d+\.npy.*kb reindex --vectors"):
        make_index()
