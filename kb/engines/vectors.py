"""Vector search: the VectorIndex protocol and an exact, memory-mapped, crash-safe implementation."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

import numpy as np

from .aside import finish_swap, start_aside, swap_in
from ..errors import IndexDamagedError, SchemaVersionError

VECTOR_SCHEMA_VERSION = 1
KEY_ROW_BITS = 24  # a row's key: its first segment's number, then its place in that segment


@dataclass
class ChunkHit:
    """One retrieved chunk with its cosine similarity."""

    chunk_id: str
    doc_id: str
    page: int
    score: float


class VectorIndex(Protocol):
    """What the knowledge base needs from a vector index (rows are chunks)."""

    model_id: str | None
    dimension: int | None

    def replace_documents(self, rows: Sequence[tuple[str, str, int]], vectors: np.ndarray,
                          doc_ids: Iterable[str]) -> None:
        """Atomically drop every row of `doc_ids` and add the given rows (chunk id, doc id, page)."""

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Atomically drop every row of these documents."""

    def search(self, query: np.ndarray, k: int, doc_ids: set[str] | None = None) -> list[ChunkHit]:
        """The k most similar live chunks, optionally only within some documents."""

    def search_many(self, queries: Sequence[np.ndarray], k: int,
                    doc_ids: set[str] | None = None) -> list[list[ChunkHit]]:
        """`search` for several query vectors at once (an exact index reads its matrix once for all of them)."""

    def indexed_chunk_ids(self) -> dict[str, set[str]]:
        """Live chunk ids grouped by document id."""

    def document_vectors(self) -> tuple[list[str], np.ndarray]:
        """One normalised mean vector per document (for similar documents)."""

    def compact(self) -> None:
        """Merge what is live into as few files as possible."""

    def refresh(self) -> bool:
        """Reload when another process changed the index since; True when it did."""

    def remove_orphans(self) -> None:
        """Delete files no live state refers to (the writer only)."""

    def clear(self, model_id: str | None, dimension: int | None) -> None:
        """Drop everything and start empty for a model."""

    def __len__(self) -> int:
        """Number of live rows."""


class ExactVectorIndex:
    """Normalised float32 segments on disk, memory-mapped; cosine similarity is a dot product.

    Each write adds a segment file and then replaces `manifest.json` atomically; the manifest names the live
    segments and, per document, up to which segment its rows are dead. A crash before the manifest is
    replaced leaves the previous state intact. Opening never changes a file: only the writer (who holds the
    data directory's write lock) removes the segment files no manifest names, and every write starts from the
    manifest on disk, so a writer never overwrites what another process wrote since it opened the index.
    """

    def __init__(self, path: Path, model_id: str | None = None, dimension: int | None = None,
                 max_segments: int = 8):
        self.path = Path(path)
        self.max_segments = max_segments
        self.path.mkdir(parents=True, exist_ok=True)
        self._model_hint = (model_id, dimension)
        self._reload()

    def _reload(self) -> None:
        """Read the manifest and the segments it names; a writer may replace both meanwhile, so a segment
        that disappeared under a manifest that has changed since is read again from the new manifest."""
        for _ in range(10):
            stamp = self._manifest_stamp()
            self._manifest = self._read_manifest(*self._model_hint)
            try:
                self._load()
                self._stamp = stamp
                return
            except IndexDamagedError:
                if self._manifest_stamp() == stamp:
                    raise
        raise IndexDamagedError(f"the vector index {self.path} kept changing while it was read: try again")

    def _read_manifest(self, model_id: str | None = None, dimension: int | None = None) -> dict:
        manifest_path = self.path / "manifest.json"
        if not manifest_path.exists() and (self.path / "atkb-milvus.json").exists():
            raise SchemaVersionError(f"vector index {self.path} is kept in Milvus, but the setting search_backend is "
                                     "'local': run `kb reindex --vectors` to rebuild it here, or set "
                                     "KB_SEARCH_BACKEND=milvus")
        if not manifest_path.exists():
            return {"schema_version": VECTOR_SCHEMA_VERSION, "model_id": model_id, "dimension": dimension,
                    "next_segment": 0, "segments": [], "dead_until": {}}
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, ValueError) as exc:
            raise IndexDamagedError(f"the vector index manifest {manifest_path} cannot be read ({exc}): run "
                                    "`kb reindex --vectors` to rebuild the vector index from the store") from None
        if manifest.get("schema_version") != VECTOR_SCHEMA_VERSION:
            raise SchemaVersionError(f"vector index {self.path} has schema version "
                                     f"{manifest.get('schema_version')}: run `kb reindex --vectors`")
        return manifest

    def _manifest_stamp(self) -> tuple[int, int]:
        try:
            stat = (self.path / "manifest.json").stat()
        except OSError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_ino)

    def refresh(self) -> bool:
        """Reload when another process replaced the manifest since; True when it did."""
        if self._manifest_stamp() == self._stamp:
            return False
        self._reload()
        return True

    # ----- properties --------------------------------------------------------------------------
    @property
    def model_id(self) -> str | None:
        return self._manifest.get("model_id")

    @property
    def dimension(self) -> int | None:
        return self._manifest.get("dimension")

    def __len__(self) -> int:
        return int(self._live.sum()) if self._live is not None else 0

    # ----- loading -----------------------------------------------------------------------------
    def remove_orphans(self) -> None:
        """Delete segment files that no manifest names (left by a writer that was killed); writer only."""
        self.refresh()
        live = {seg["name"] for seg in self._manifest["segments"]}
        for file in self.path.iterdir():
            stem = file.name.split(".", 1)[0]
            if file.name.startswith("seg-") and stem not in live:
                file.unlink(missing_ok=True)
            elif file.name.endswith(".tmp"):
                file.unlink(missing_ok=True)

    def _load(self) -> None:
        matrices, chunk_ids, doc_ids, pages, seg_numbers, keys = [], [], [], [], [], []
        for seg in self._manifest["segments"]:
            matrix, meta = self._read_segment(seg["name"])
            # a row's key stays the same when compaction moves it (ANN graphs refer to rows by key)
            keys.append(np.asarray(meta["keys"], dtype=np.uint64) if "keys" in meta else
                        (np.uint64(seg["number"]) << np.uint64(KEY_ROW_BITS)) + np.arange(len(matrix), dtype=np.uint64))
            matrices.append(matrix)
            chunk_ids.extend(meta["chunk_ids"])
            doc_ids.extend(meta["doc_ids"])
            pages.extend(meta["pages"])
            seg_numbers.extend([seg["number"]] * len(meta["chunk_ids"]))
        dim = self.dimension or 0
        self._matrices = matrices
        self._matrix = (np.concatenate(matrices) if len(matrices) > 1 else
                        (matrices[0] if matrices else np.zeros((0, dim), dtype=np.float32)))
        # an array, not a list: the collector walks every item of a list at each full collection
        self._chunk_ids = np.array(chunk_ids, dtype=object)
        self._keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
        self._doc_ids = np.array(doc_ids, dtype=object)
        self._pages = np.array(pages, dtype=np.int32)
        segs = np.array(seg_numbers, dtype=np.int64)
        dead_until = self._manifest["dead_until"]
        if dead_until and len(segs):
            limits = np.array([dead_until.get(d, -1) for d in doc_ids], dtype=np.int64)
            self._live = segs > limits
        else:
            self._live = np.ones(len(segs), dtype=bool)
        self._rows_by_doc: dict[str, np.ndarray] = {}
        if len(doc_ids):
            order = np.argsort(self._doc_ids.astype(str), kind="stable")
            sorted_ids = self._doc_ids[order]
            boundaries = np.flatnonzero(sorted_ids[1:] != sorted_ids[:-1]) + 1
            for group in np.split(order, boundaries):
                rows = group[self._live[group]]
                if len(rows):
                    self._rows_by_doc[str(self._doc_ids[group[0]])] = rows
        self._doc_vectors: tuple[list[str], np.ndarray] | None = None

    def _read_segment(self, name: str) -> tuple[np.ndarray, dict]:
        current = None
        try:
            current = self.path / f"{name}.npy"
            matrix = np.load(current, mmap_mode="r")
            current = self.path / f"{name}.json"
            meta = json.loads(current.read_text())
            if len(meta["chunk_ids"]) != len(matrix):
                raise ValueError(f"{len(meta['chunk_ids'])} chunk ids for {len(matrix)} vectors")
        except (OSError, ValueError, KeyError) as exc:
            raise IndexDamagedError(f"the vector index file {current} is missing or damaged ({exc}): run "
                                    "`kb reindex --vectors` to rebuild the vector index from the store") from None
        return matrix, meta

    def _write_manifest(self) -> None:
        tmp = self.path / "manifest.json.tmp"
        tmp.write_text(json.dumps(self._manifest))
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.path / "manifest.json")
        self._stamp = self._manifest_stamp()

    # ----- writes ------------------------------------------------------------------------------
    def replace_documents(self, rows: Sequence[tuple[str, str, int]], vectors: np.ndarray,
                          doc_ids: Iterable[str]) -> None:
        """Add one segment with the new rows and mark the documents' older rows dead, in one manifest write."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(rows) != len(vectors):
            raise ValueError("rows and vectors differ in length")
        self.refresh()  # start from what is on disk: another writer may have added segments since we opened
        if len(rows) and self.dimension is None:
            self._manifest["dimension"] = int(vectors.shape[1])
        number = self._manifest["next_segment"]
        for doc_id in doc_ids:
            self._manifest["dead_until"][doc_id] = number - 1
        if len(rows):
            name = f"seg-{number:06d}"
            with open(self.path / f"{name}.npy", "wb") as handle:
                np.save(handle, vectors)
                handle.flush()
                os.fsync(handle.fileno())
            (self.path / f"{name}.json").write_text(json.dumps({
                "chunk_ids": [r[0] for r in rows], "doc_ids": [r[1] for r in rows], "pages": [r[2] for r in rows]}))
            self._manifest["segments"].append({"name": name, "number": number, "rows": len(rows)})
        self._manifest["next_segment"] = number + 1
        self._prune_dead_marks()
        self._write_manifest()
        self._load()
        if len(self._manifest["segments"]) > self.max_segments:
            self.compact()

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Mark every row of these documents dead."""
        self.replace_documents([], np.zeros((0, self.dimension or 1), dtype=np.float32), doc_ids)

    def _prune_dead_marks(self) -> None:
        # a dead mark older than every live segment can go
        oldest = min((s["number"] for s in self._manifest["segments"]), default=None)
        if oldest is None:
            self._manifest["dead_until"] = {}
            return
        self._manifest["dead_until"] = {d: n for d, n in self._manifest["dead_until"].items() if n >= oldest}

    def compact(self) -> None:
        """Merge the live rows of every segment into one segment."""
        self.refresh()
        live = np.flatnonzero(self._live)
        rows = [(self._chunk_ids[i], str(self._doc_ids[i]), int(self._pages[i])) for i in live]
        vectors = np.asarray(self._matrix[live], dtype=np.float32)
        old = [seg["name"] for seg in self._manifest["segments"]]
        self._manifest["segments"] = []
        self._manifest["dead_until"] = {}
        number = self._manifest["next_segment"]
        name = f"seg-{number:06d}"
        with open(self.path / f"{name}.npy", "wb") as handle:
            np.save(handle, vectors if len(rows) else np.zeros((0, self.dimension or 1), np.float32))
            handle.flush()
            os.fsync(handle.fileno())
        (self.path / f"{name}.json").write_text(json.dumps({
            "chunk_ids": [r[0] for r in rows], "doc_ids": [r[1] for r in rows], "pages": [r[2] for r in rows],
            "keys": [int(k) for k in self._keys[live]]}))
        self._manifest["segments"] = [{"name": name, "number": number, "rows": len(rows)}] if rows else []
        self._manifest["next_segment"] = number + 1
        self._write_manifest()
        self._matrices = []
        self._matrix = np.zeros((0, self.dimension or 0), np.float32)
        for stale in old:
            for suffix in (".npy", ".json"):
                (self.path / f"{stale}{suffix}").unlink(missing_ok=True)
        self._load()

    # ----- reads -------------------------------------------------------------------------------
    def search(self, query: np.ndarray, k: int, doc_ids: set[str] | None = None) -> list[ChunkHit]:
        """Exact top-k by dot product; a selective filter scores only the rows of the allowed documents."""
        return self.search_many([query], k, doc_ids)[0]

    def search_many(self, queries: Sequence[np.ndarray], k: int,
                    doc_ids: set[str] | None = None) -> list[list[ChunkHit]]:
        """Exact top-k of each query, the matrix read once for all of them (memory bandwidth is the cost)."""
        if len(self._chunk_ids) == 0 or k <= 0 or not len(queries):
            return [[] for _ in queries]
        stacked = np.stack([np.asarray(q, dtype=np.float32) for q in queries], axis=1)
        rows = None
        if doc_ids is not None:
            parts = [self._rows_by_doc[d] for d in doc_ids if d in self._rows_by_doc]
            if not parts:
                return [[] for _ in queries]
            rows = np.concatenate(parts)
            scores = np.asarray(self._matrix[rows] @ stacked)
        else:
            scores = np.asarray(self._matrix @ stacked)
            scores[~self._live] = -np.inf
        return [self._top(scores[:, n], k, rows) for n in range(len(queries))]

    def _top(self, scores: np.ndarray, k: int, rows: np.ndarray | None) -> list[ChunkHit]:
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return self._hits(rows[top] if rows is not None else top, scores[top])

    def _hits(self, rows: np.ndarray, scores: np.ndarray) -> list[ChunkHit]:
        """The chunks of these rows with their scores, in order; unrelated ones (orthogonal, opposite or filtered
        out as -inf) left out."""
        keep = np.isfinite(scores) & (scores > 0.0)
        rows, scores = rows[keep], scores[keep]
        return [ChunkHit(chunk_id, str(doc_id), page, score) for chunk_id, doc_id, page, score in
                zip(self._chunk_ids[rows].tolist(), self._doc_ids[rows].tolist(), self._pages[rows].tolist(),
                    scores.tolist())]

    def indexed_chunk_ids(self) -> dict[str, set[str]]:
        """Live chunk ids grouped by document id."""
        return {d: {self._chunk_ids[i] for i in rows} for d, rows in self._rows_by_doc.items()}

    def document_vectors(self) -> tuple[list[str], np.ndarray]:
        """Normalised mean chunk vector of every document (computed once per index state)."""
        if self._doc_vectors is None:
            ids = sorted(self._rows_by_doc)
            dim = self.dimension or 0
            matrix = np.zeros((len(ids), dim), dtype=np.float32)
            for n, doc_id in enumerate(ids):
                matrix[n] = np.asarray(self._matrix[self._rows_by_doc[doc_id]]).mean(axis=0)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            self._doc_vectors = (ids, matrix / norms)
        return self._doc_vectors

    def clear(self, model_id: str | None, dimension: int | None) -> None:
        """Drop everything and start empty for a model."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)
        self._model_hint = (model_id, dimension)
        self._manifest = {"schema_version": VECTOR_SCHEMA_VERSION, "model_id": model_id, "dimension": dimension,
                          "next_segment": 0, "segments": [], "dead_until": {}}
        self._write_manifest()
        self._load()


# ----- rebuilding aside -------------------------------------------------------------------------
# A rebuild writes HOME/vectors.new and swaps it for HOME/vectors (kb.engines.aside): a crash at any point leaves either
# the old or the new index in place.

def vectors_path(home: Path) -> Path:
    """Where the live vector index of a data directory is."""
    return Path(home) / "vectors"


def finish_vector_swap(home: Path) -> None:
    """Complete or discard a vector index rebuild that a crash interrupted."""
    finish_swap(vectors_path(home))


def rebuild_vectors_aside(home: Path, model_id: str, fill: Callable[[VectorIndex], None],
                          open_index: Callable[[Path], VectorIndex] | None = None) -> None:
    """Build a fresh vector index beside the live one with `fill`, then swap it in (open_index: the configured
    kind of index in a folder; exact by default)."""
    building = start_aside(vectors_path(home))
    fresh = open_index(building) if open_index else ExactVectorIndex(building, model_id=model_id)
    fresh.clear(model_id, None)
    fill(fresh)
    fresh.compact()
    swap_in(vectors_path(home))
