"""The HNSW vector index beyond the shared contract: recall against exact search, exact filters, readers in other
processes, a graph left behind by a killed writer, and the size from which the graph is used."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kb.engines.vectors import ExactVectorIndex
from kb.engines.hnsw_vectors import GRAPH, STATE, HnswVectorIndex

DIM = 384


TOPICS = np.random.default_rng(0).normal(size=(40, DIM))


def clustered(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unit vectors around a few dozen topics, as chunk embeddings are (queries come from the same topics)."""
    vectors = TOPICS[rng.integers(0, len(TOPICS), size=n)] + rng.normal(scale=0.6, size=(n, DIM))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def fill(index: ExactVectorIndex, vectors: np.ndarray, per_doc: int = 50, first: int = 0) -> None:
    for start in range(0, len(vectors), per_doc * 40):  # 40 documents per write, as ingestion batches them
        part = vectors[start:start + per_doc * 40]
        rows = [(f"c{first + start + i}", f"d{(first + start + i) // per_doc}", 1) for i in range(len(part))]
        index.replace_documents(rows, part, sorted({r[1] for r in rows}))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    path = tmp_path_factory.mktemp("ann") / "vectors"
    vectors = clustered(np.random.default_rng(3), 20_000)
    fill(HnswVectorIndex(path, model_id="m", ann_min_rows=1000), vectors)
    return path, vectors


def test_recall_at_10_against_exact_search(built: tuple[Path, np.ndarray]) -> None:
    path, vectors = built
    ann, exact = HnswVectorIndex(path, model_id="m", ann_min_rows=1000), ExactVectorIndex(path, model_id="m")
    assert ann._current_graph() is not None  # the saved graph answers, not the exact fallback
    # the search breadth is a setting of the reader, not kept in the file: a restored graph must be given it
    assert HnswVectorIndex(path, model_id="m", ann_min_rows=1000, ann_expansion=300)._current_graph().expansion_search == 300
    queries = clustered(np.random.default_rng(4), 50)
    recall = [len({h.chunk_id for h in ann.search(q, 10)} & {h.chunk_id for h in exact.search(q, 10)}) / 10
              for q in queries]
    assert np.mean(recall) >= 0.95
    hit = ann.search(queries[0], 1)[0]
    assert abs(hit.score - float(vectors[int(hit.chunk_id[1:])] @ queries[0])) < 1e-5  # rescored exactly


def _score_errors(hits: list, vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    return np.array([abs(h.score - float(vectors[int(h.chunk_id[1:])] @ query)) for h in hits])


def test_only_the_best_candidates_are_rescored_the_rest_keep_the_graphs_int8_score(
        built: tuple[Path, np.ndarray]) -> None:
    path, vectors = built
    query = clustered(np.random.default_rng(6), 1)[0]
    few = HnswVectorIndex(path, model_id="m", ann_min_rows=1000, ann_rescored=20).search(query, 200)
    errors = _score_errors(few, vectors, query)
    assert len(few) == 200 and [h.score for h in few] == sorted((h.score for h in few), reverse=True)
    assert errors.max() < 0.02  # the int8 cosine is close to the exact one
    assert (errors < 1e-5).sum() >= 20 and (errors >= 1e-5).sum() >= 150  # 20 rescored, the others not
    every = HnswVectorIndex(path, model_id="m", ann_min_rows=1000, ann_rescored=384).search(query, 200)
    assert _score_errors(every, vectors, query).max() < 1e-5
    # a half query (the composite embedder's, longer than a unit vector) is scored as its dot product
    scaled = HnswVectorIndex(path, model_id="m", ann_min_rows=1000, ann_rescored=0).search(query * np.float32(1.5), 50)
    assert _score_errors(scaled, vectors, query * np.float32(1.5)).max() < 0.03


def test_several_queries_walk_the_graph_at_once_and_find_what_each_finds_alone(
        built: tuple[Path, np.ndarray]) -> None:
    path, vectors = built
    ann = HnswVectorIndex(path, model_id="m", ann_min_rows=1000)
    queries = list(clustered(np.random.default_rng(8), 3))
    together = ann.search_many(queries, 100)
    assert [len(hits) for hits in together] == [100, 100, 100]
    assert together == [ann.search(query, 100) for query in queries]
    assert len({tuple(h.chunk_id for h in hits) for hits in together}) == 3  # each its own query's neighbours
    best = together[1][0]
    assert abs(best.score - float(vectors[int(best.chunk_id[1:])] @ queries[1])) < 1e-5


def test_filtered_queries_are_exact(built: tuple[Path, np.ndarray]) -> None:
    path, _ = built
    ann, exact = HnswVectorIndex(path, model_id="m", ann_min_rows=1000), ExactVectorIndex(path, model_id="m")
    allowed = {f"d{n}" for n in range(0, 400, 7)}
    for query in clustered(np.random.default_rng(5), 10):
        assert ann.search(query, 10, allowed) == exact.search(query, 10, allowed)


def test_a_reader_in_another_process_uses_the_graph_and_sees_new_writes(tmp_path: Path) -> None:
    path = tmp_path / "vectors"
    writer = HnswVectorIndex(path, model_id="m", ann_min_rows=500)
    fill(writer, clustered(np.random.default_rng(6), 3000))
    probe = clustered(np.random.default_rng(7), 1)[0]
    code = ("import sys, numpy as np; from kb.engines.hnsw_vectors import HnswVectorIndex\n"
            f"i = HnswVectorIndex({str(path)!r}, model_id='m', ann_min_rows=500)\n"
            "q = np.array([float(x) for x in sys.argv[1:]], dtype=np.float32)\n"
            "print(i._current_graph() is not None, i.search(q, 1)[0].chunk_id)")
    args = [sys.executable, "-c", code, *map(str, probe)]
    used, nearest = subprocess.run(args, capture_output=True, text=True, check=True).stdout.split()
    assert used == "True"
    writer.replace_documents([("new", "dnew", 1)], probe[None, :], ["dnew"])  # the probe itself, added
    assert subprocess.run(args, capture_output=True, text=True, check=True).stdout.split() == ["True", "new"]
    writer.delete_documents(["dnew"])
    assert subprocess.run(args, capture_output=True, text=True, check=True).stdout.split() == ["True", nearest]


def test_a_graph_behind_the_manifest_is_not_used_and_the_next_writer_rebuilds_it(tmp_path: Path) -> None:
    path = tmp_path / "vectors"
    fill(HnswVectorIndex(path, model_id="m", ann_min_rows=500), clustered(np.random.default_rng(8), 2000))
    state = json.loads((path / STATE).read_text())
    (path / STATE).write_text(json.dumps({**state, "next_segment": state["next_segment"] - 1}))  # a killed writer
    reader = HnswVectorIndex(path, model_id="m", ann_min_rows=500)
    assert reader._current_graph() is None
    query = clustered(np.random.default_rng(9), 1)[0]
    assert reader.search(query, 10) == ExactVectorIndex(path, model_id="m").search(query, 10)
    reader.remove_orphans()  # what the next writer does under the lock
    assert json.loads((path / STATE).read_text())["next_segment"] == state["next_segment"]
    assert HnswVectorIndex(path, model_id="m", ann_min_rows=500)._current_graph() is not None


def test_small_collections_stay_exact_until_they_grow(tmp_path: Path) -> None:
    path = tmp_path / "vectors"
    index = HnswVectorIndex(path, model_id="m", ann_min_rows=1500)
    vectors = clustered(np.random.default_rng(10), 2000)
    fill(index, vectors[:1000])
    assert not (path / GRAPH).exists()
    fill(index, vectors[1000:], first=1000)
    assert (path / GRAPH).exists() and index._current_graph() is not None
    index.delete_documents([f"d{n}" for n in range(30)])  # 1,500 rows gone: below the size again
    assert not (path / GRAPH).exists() and len(index) == 500


def test_reindex_builds_the_graph_so_the_rebuilt_index_is_searched_by_it(tmp_path: Path, corpus_dir: Path) -> None:
    from kb import KnowledgeBase, Settings

    from .conftest import FAST

    settings = Settings.load({"home": str(tmp_path / "home"), **FAST, "vector_backend": "hnsw", "ann_min_rows": 2},
                             environ={})
    with KnowledgeBase(settings) as kb:
        kb.ingest([corpus_dir], workers=1)
        graph = kb.indexer.home / "vectors" / GRAPH
        assert graph.exists()
        graph.unlink()
        kb.reindex(keyword=False, vectors=True)
        assert graph.exists()
        index = kb.indexer.backends.vectors
        assert index._current_graph() is not None
        assert kb.search("greenhouses", mode="semantic").hits


def test_a_row_the_graph_cannot_reach_is_still_found(tmp_path: Path) -> None:
    """HNSW leaves a few rows unlinked, most often in small graphs: a walk that brings back fewer candidates than
    asked while the collection holds more is answered exactly, so the best match is never lost to it."""
    path = tmp_path / "vectors"
    vectors = clustered(np.random.default_rng(11), 60)
    fill(HnswVectorIndex(path, model_id="m", ann_min_rows=0), vectors, per_doc=6)
    query = vectors[17] + np.float32(0.01)
    from usearch.index import Index

    graph = Index.restore(str(path / GRAPH))
    graph.remove(np.uint64(ExactVectorIndex(path, model_id="m")._keys[17]))  # row 17 unlinked, still live
    graph.save(str(path / GRAPH))
    reader = HnswVectorIndex(path, model_id="m", ann_min_rows=0)
    assert reader._current_graph() is not None and len(reader._current_graph()) == 59
    assert [h.chunk_id for h in reader.search(query, 3)] == [h.chunk_id for h in
                                                             ExactVectorIndex(path, model_id="m").search(query, 3)]
    assert reader.search(query, 1)[0].chunk_id == "c17"
