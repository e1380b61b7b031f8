"""An approximate vector index for large collections: the exact index's segments stay the source of truth (and its
crash safety), and an HNSW graph (usearch, int8) over the live rows answers unfiltered queries; of its candidates
(as many as the search breadth) the best few are rescored exactly with the float32 vectors, the rest keep the
graph's int8 cosine.

Filtered queries, small collections and a graph that does not match the manifest (a writer was killed between the
two) are answered exactly, so a filter never misses a chunk that exact search would return. Only the writer
changes the graph: after every write it removes the rows that died, adds the new ones, and replaces the graph file
and `ann.json` (the manifest state it reflects) atomically; the next writer rebuilds a stale graph.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from .vectors import ChunkHit, ExactVectorIndex

GRAPH, STATE = "ann.usearch", "ann.json"


class HnswVectorIndex(ExactVectorIndex):
    """Exact storage with an HNSW graph for unfiltered top-k over at least `ann_min_rows` live chunks."""

    def __init__(self, path: Path, model_id: str | None = None, dimension: int | None = None, *,
                 ann_min_rows: int = 50_000, ann_expansion: int = 384, ann_rescored: int = 64, connectivity: int = 16,
                 expansion_add: int = 128):
        # the search breadth is the number of candidates; the best `ann_rescored` of them are scored exactly
        self.min_rows, self.expansion, self.rescored = ann_min_rows, ann_expansion, ann_rescored
        self.connectivity = connectivity
        self.expansion_add = expansion_add  # how thoroughly the graph is built (a property of the file)
        self._graph: Any = None
        self._graph_stamp: tuple[int, int] | None = None
        # the writer keeps the graph it saved in memory, for its next write (unless another writer saved since)
        self._writable: Any = None
        self._writable_stamp: tuple[int, int] | None = None
        super().__init__(path, model_id=model_id, dimension=dimension)

    # ----- the graph's state -------------------------------------------------------------------
    def _state_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.path / STATE).stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_ino)

    def _graph_is_current(self) -> bool:
        """Whether the saved graph reflects the manifest this index has loaded."""
        try:
            state = json.loads((self.path / STATE).read_text())
        except (OSError, ValueError):
            return False
        return state.get("next_segment") == self._manifest["next_segment"] and (self.path / GRAPH).exists()

    def _new_graph(self) -> Any:
        from usearch.index import Index

        return Index(ndim=int(self.dimension or 0), metric="cos", dtype="i8", connectivity=self.connectivity,
                     expansion_add=self.expansion_add, expansion_search=self.expansion)

    def _save(self, graph: Any) -> None:
        tmp = self.path / f"{GRAPH}.tmp"
        graph.save(str(tmp))
        os.replace(tmp, self.path / GRAPH)
        state_tmp = self.path / f"{STATE}.tmp"
        state_tmp.write_text(json.dumps({"next_segment": self._manifest["next_segment"], "rows": len(graph)}))
        os.replace(state_tmp, self.path / STATE)
        self._graph, self._graph_stamp = None, None  # readers and this index load the saved one
        self._writable, self._writable_stamp = graph, self._state_stamp()

    def _drop_graph(self) -> None:
        for name in (GRAPH, STATE):
            (self.path / name).unlink(missing_ok=True)
        self._graph, self._graph_stamp = None, None
        self._writable, self._writable_stamp = None, None

    def _load(self) -> None:
        super()._load()
        self._graph, self._graph_stamp = None, None  # the rows moved: map the graph's keys anew

    def _live_keys(self) -> np.ndarray:
        return self._keys[self._live]

    # ----- writes (the writer only) --------------------------------------------------------------
    def _rebuild_graph(self) -> None:
        """A graph over every live row (when there are enough of them to need one)."""
        if len(self) < self.min_rows:
            self._drop_graph()
            return
        live = np.flatnonzero(self._live)
        graph = self._new_graph()
        graph.add(self._keys[live], np.asarray(self._matrix[live], dtype=np.float32))
        self._save(graph)

    def _update_graph(self, before: np.ndarray) -> None:
        """Bring the graph from the live keys `before` a write to the live rows after it."""
        if len(self) < self.min_rows:
            self._drop_graph()
            return
        if not (self.path / GRAPH).exists():
            self._rebuild_graph()
            return
        from usearch.index import Index

        graph = self._writable if self._writable is not None and self._writable_stamp == self._state_stamp() \
            else Index.restore(str(self.path / GRAPH))
        after = self._live_keys()
        removed = np.setdiff1d(before, after, assume_unique=True)
        if len(removed):
            graph.remove(removed)
        added = np.flatnonzero(self._live & ~np.isin(self._keys, before))
        if len(added):
            graph.add(self._keys[added], np.asarray(self._matrix[added], dtype=np.float32))
        self._save(graph)

    def replace_documents(self, rows: Sequence[tuple[str, str, int]], vectors: np.ndarray,
                          doc_ids: Iterable[str]) -> None:
        """Write as the exact index does, then update the graph."""
        self.refresh()
        before = self._live_keys() if self._graph_is_current() else None
        super().replace_documents(rows, vectors, doc_ids)
        if before is None:
            self._rebuild_graph()
        else:
            self._update_graph(before)

    def compact(self) -> None:
        """Compaction moves rows but keeps their keys: the graph needs only its new state recorded."""
        current = self._graph_is_current()
        super().compact()
        if current and (self.path / STATE).exists():
            kept = self._writable_stamp == self._state_stamp()
            state = json.loads((self.path / STATE).read_text())
            state["next_segment"] = self._manifest["next_segment"]
            tmp = self.path / f"{STATE}.tmp"
            tmp.write_text(json.dumps(state))
            os.replace(tmp, self.path / STATE)
            self._writable_stamp = self._state_stamp() if kept else None

    def remove_orphans(self) -> None:
        """The exact index's clean-up, and a graph rebuilt if a killed writer left it behind the manifest."""
        super().remove_orphans()
        (self.path / f"{GRAPH}.tmp").unlink(missing_ok=True)
        if len(self) >= self.min_rows and not self._graph_is_current():
            self._rebuild_graph()

    def clear(self, model_id: str | None, dimension: int | None) -> None:
        """Drop everything (the graph too)."""
        super().clear(model_id, dimension)
        self._graph, self._graph_stamp = None, None

    # ----- reads -------------------------------------------------------------------------------
    def _current_graph(self) -> Any:
        """The saved graph, memory-mapped, when it matches the loaded manifest; else None."""
        stamp = self._state_stamp()
        if stamp is None:
            return None
        if self._graph is not None and stamp == self._graph_stamp:
            return self._graph  # unchanged since it was checked and mapped (a new manifest resets it: _load)
        if not self._graph_is_current():
            return None
        from usearch.index import Index

        self._graph = Index.restore(str(self.path / GRAPH), view=True)
        self._graph.expansion_search = self.expansion  # not kept in the file: a restored graph has the default
        self._graph_stamp = stamp
        order = np.argsort(self._keys)
        self._sorted_keys, self._key_rows = self._keys[order], order
        return self._graph

    def search(self, query: np.ndarray, k: int, doc_ids: set[str] | None = None) -> list[ChunkHit]:
        """Top-k by cosine: HNSW candidates rescored exactly; exact when filtered or small (or the graph is stale)."""
        return self.search_many([query], k, doc_ids)[0]

    def search_many(self, queries: Sequence[np.ndarray], k: int,
                    doc_ids: set[str] | None = None) -> list[list[ChunkHit]]:
        """Each query through the graph; all of them exactly (one read of the matrix) when the graph cannot answer."""
        graph = (None if doc_ids is not None or len(self) < self.min_rows or k <= 0 or not len(queries)
                 else self._current_graph())
        if graph is None:
            return super().search_many(queries, k, doc_ids)
        stacked = np.stack([np.asarray(q, dtype=np.float32) for q in queries])
        # several queries (the composite model's halves) walk the graph at once, one thread each
        asked = max(self.expansion, k)
        found = graph.search(stacked, count=asked, threads=min(len(queries), os.cpu_count() or 1))
        # usearch answers one query with its matches, several with a padded batch and each one's count
        keys = np.asarray(found.keys).reshape(len(stacked), -1)
        distances = np.asarray(found.distances).reshape(len(stacked), -1)
        counts = np.asarray(getattr(found, "counts", [keys.shape[1]]))
        # a walk that brought back fewer candidates than asked while the collection holds more has missed rows the
        # graph cannot reach (HNSW leaves a few unlinked, most often in small graphs): that query is answered exactly
        complete = min(asked, len(self))
        missed = [n for n in range(len(stacked)) if counts[n] < complete]
        exact = dict(zip(missed, super().search_many([stacked[n] for n in missed], k))) if missed else {}
        return [exact[n] if n in exact else self._rescored(query, keys[n][:counts[n]], distances[n][:counts[n]], k)
                for n, query in enumerate(stacked)]

    def _rescored(self, query: np.ndarray, found_keys: Any, distances: Any, k: int) -> list[ChunkHit]:
        """The graph's candidates for a query as chunks, the best rescored exactly."""
        keys = np.asarray(found_keys, dtype=np.uint64)
        if not len(self._sorted_keys):
            return []
        # the graph's cosine of int8 vectors, as a dot product with the unit chunk vectors
        scores = (1.0 - np.asarray(distances, dtype=np.float32)) * float(np.linalg.norm(query))
        places = np.minimum(np.searchsorted(self._sorted_keys, keys), len(self._sorted_keys) - 1)
        known = self._sorted_keys[places] == keys
        rows, scores = self._key_rows[places[known]], scores[known]
        live = self._live[rows]
        rows, scores = rows[live], scores[live]
        if not len(rows):
            return []
        # candidates come best first by the int8 score: the best are rescored exactly (each a read of the float32
        # vectors, from disk when the page cache lacks them), the rest keep the graph's score
        head = min(self.rescored, len(rows))
        scores[:head] = np.asarray(self._matrix[rows[:head]] @ query)
        order = np.argsort(-scores, kind="stable")[:k]
        return self._hits(rows[order], scores[order])
