"""The Milvus vector index: one row per chunk (its id, document, page and vector), searched inside Milvus by inner
product of normalised vectors (cosine), filters as a document-id expression that Milvus applies exactly."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from ..errors import SchemaVersionError
from .milvus_client import delete_documents as delete_rows
from .milvus_client import (
    CONSISTENCY, client_for, ensure_loaded, guarded, in_list, new_collection_name, read_marker, write_marker,
)
from .vectors import ChunkHit

SCHEMA_VERSION = 1
WRITE_ROWS = 1000


class MilvusVectorIndex:
    """Chunk vectors in a Milvus collection; the folder beside the store records which collection and model."""

    def __init__(self, path: Path, *, uri: str, milvus_token: str = "", collection_prefix: str = "atkb",
                 model_id: str | None = None, milvus_vector_index: str = "AUTOINDEX"):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.uri = uri
        self.index_type = milvus_vector_index
        self._prefix = collection_prefix
        self._lock = threading.RLock()
        self.client = client_for(uri, milvus_token)
        marker = read_marker(self.path)
        if marker is None:
            marker = {"schema_version": SCHEMA_VERSION, "model_id": model_id, "dimension": None,
                      "collection": new_collection_name(collection_prefix, "chunks"), "writes": 0}
            write_marker(self.path, marker)
        elif marker.get("schema_version") != SCHEMA_VERSION:
            raise SchemaVersionError(f"vector index {self.path} was not written by the Milvus backend of this atkb "
                                     "(or by another schema version): run `kb reindex --vectors`")
        self._marker = marker
        self._doc_vectors: tuple[int, tuple[list[str], np.ndarray]] | None = None
        self._ready: str | None = None  # the collection known to exist and be loaded

    @property
    def model_id(self) -> str | None:
        """The model whose embeddings the collection holds."""
        return self._marker.get("model_id")

    @property
    def dimension(self) -> int | None:
        """The vectors' dimension (None before the first write)."""
        return self._marker.get("dimension")

    @property
    def collection(self) -> str:
        """The Milvus collection holding the chunks."""
        return str(self._marker["collection"])

    def _exists(self) -> bool:
        """Whether the collection has been made (at the first write) and is ready for searches (asked of Milvus
        once per collection: a rebuild or a clear names a new one in the marker)."""
        if self._ready == self.collection:
            return True
        if not self.dimension or not guarded(self.uri, lambda: self.client.has_collection(self.collection)):
            return False
        ensure_loaded(self.client, self.uri, self.collection)
        self._ready = self.collection
        return True

    def _create(self, dimension: int) -> None:
        from pymilvus import DataType

        schema = self.client.create_schema(auto_id=False, description="atkb chunks: embeddings")
        schema.add_field("chunk_id", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=256)
        schema.add_field("page", DataType.INT64)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
        params = self.client.prepare_index_params()
        params.add_index(field_name="vector", index_type=self.index_type, metric_type="IP")
        guarded(self.uri, lambda: self.client.create_collection(self.collection, schema=schema, index_params=params,
                                                                consistency_level=CONSISTENCY))
        self._marker = {**self._marker, "dimension": dimension}
        write_marker(self.path, self._marker)

    def _wrote(self) -> None:
        # sealed on disk before the store marks the documents ready (and Milvus Lite's BM25 statistics of
        # unsealed rows differ)
        guarded(self.uri, lambda: self.client.flush(self.collection))
        latest = read_marker(self.path) or self._marker
        self._marker = {**latest, "writes": int(latest.get("writes", 0)) + 1}
        write_marker(self.path, self._marker)

    # ----- writes ------------------------------------------------------------------------------
    def replace_documents(self, rows: Sequence[tuple[str, str, int]], vectors: np.ndarray,
                          doc_ids: Iterable[str]) -> None:
        """Drop every row of `doc_ids`, then add the given rows (the store keeps the documents pending meanwhile)."""
        ids = list(doc_ids)
        matrix = np.asarray(vectors, dtype=np.float32)
        with self._lock:
            self.refresh()
            if len(rows) and not self._exists():
                self._create(int(matrix.shape[1]))
            if self._exists():
                self._delete(ids)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True) if len(rows) else None
            if norms is not None:
                matrix = matrix / np.where(norms == 0, 1.0, norms)
            data = [{"chunk_id": c, "doc_id": d, "page": int(p), "vector": matrix[n].tolist()}
                    for n, (c, d, p) in enumerate(rows)]
            for start in range(0, len(data), WRITE_ROWS):
                part = data[start:start + WRITE_ROWS]
                guarded(self.uri, lambda: self.client.insert(self.collection, part))
            self._wrote()

    def _delete(self, doc_ids: list[str]) -> None:
        delete_rows(self.client, self.uri, self.collection, doc_ids)

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Drop every row of these documents."""
        ids = list(doc_ids)
        with self._lock:
            self.refresh()
            if ids and self._exists():
                self._delete(ids)
                self._wrote()

    def compact(self) -> None:
        """Ask Milvus to merge small segments."""
        if self._exists():
            guarded(self.uri, lambda: self.client.compact(self.collection))

    def refresh(self) -> bool:
        """Read the folder's marker again; True when another process wrote since."""
        latest = read_marker(self.path) or self._marker
        changed = latest.get("writes") != self._marker.get("writes") or latest != self._marker
        self._marker = latest
        return changed

    def remove_orphans(self) -> None:
        """Nothing to remove here: Milvus owns its files (collections of rebuilt indexes are dropped by
        `drop_unused_collections`)."""

    def clear(self, model_id: str | None, dimension: int | None) -> None:
        """Drop everything and start empty for a model (in a new collection)."""
        with self._lock:
            if self._exists():
                old = self.collection
                guarded(self.uri, lambda: self.client.drop_collection(old))
            self._marker = {"schema_version": SCHEMA_VERSION, "model_id": model_id, "dimension": None,
                            "collection": new_collection_name(self._prefix, "chunks"),
                            "writes": int(self._marker.get("writes", 0)) + 1}
            write_marker(self.path, self._marker)
            if dimension:
                self._create(dimension)

    # ----- reads -------------------------------------------------------------------------------
    def search(self, query: np.ndarray, k: int, doc_ids: set[str] | None = None) -> list[ChunkHit]:
        """The k chunks with the highest cosine similarity (above 0), optionally only within some documents."""
        return self.search_many([query], k, doc_ids)[0]

    def search_many(self, queries: Sequence[np.ndarray], k: int,
                    doc_ids: set[str] | None = None) -> list[list[ChunkHit]]:
        """`search` for several query vectors in one request."""
        self.refresh()
        if k <= 0 or not len(queries) or (doc_ids is not None and not doc_ids) or not self._exists():
            return [[] for _ in queries]
        data = [np.asarray(q, dtype=np.float32).tolist() for q in queries]
        where = in_list("doc_id", doc_ids) if doc_ids is not None else ""
        result = guarded(self.uri, lambda: self.client.search(
            self.collection, data=data, anns_field="vector", limit=min(k, 16_384), filter=where,
            output_fields=["chunk_id", "doc_id", "page"], search_params={"metric_type": "IP"},
            consistency_level=CONSISTENCY))
        return [[hit for hit in (ChunkHit(str(h["entity"]["chunk_id"]), str(h["entity"]["doc_id"]),
                                          int(h["entity"]["page"]), float(h["distance"])) for h in found)
                 if hit.score > 0.0] for found in result]

    def _rows(self, outputs: list[str]) -> Iterable[dict[str, Any]]:
        if not self._exists():
            return
        iterator = guarded(self.uri, lambda: self.client.query_iterator(
            self.collection, batch_size=2000, filter='chunk_id != ""', output_fields=outputs,
            consistency_level=CONSISTENCY))
        while batch := guarded(self.uri, iterator.next):
            yield from batch
        iterator.close()

    def indexed_chunk_ids(self) -> dict[str, set[str]]:
        """Chunk ids grouped by document id."""
        self.refresh()
        out: dict[str, set[str]] = {}
        for row in self._rows(["doc_id"]):
            out.setdefault(row["doc_id"], set()).add(row["chunk_id"])
        return out

    def document_vectors(self) -> tuple[list[str], np.ndarray]:
        """One normalised mean chunk vector per document (read once per state of the index)."""
        self.refresh()
        writes = int(self._marker.get("writes", 0))
        if self._doc_vectors is None or self._doc_vectors[0] != writes:
            sums: dict[str, np.ndarray] = {}
            for row in self._rows(["doc_id", "vector"]):
                vector = np.asarray(row["vector"], dtype=np.float32)
                sums[row["doc_id"]] = sums.get(row["doc_id"], 0) + vector
            ids = sorted(sums)
            matrix = np.array([sums[d] for d in ids], dtype=np.float32).reshape(len(ids), self.dimension or 0)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            self._doc_vectors = (writes, (ids, matrix / np.where(norms == 0, 1.0, norms)))
        return self._doc_vectors[1]

    def __len__(self) -> int:
        self.refresh()
        if not self._exists():
            return 0
        rows = guarded(self.uri, lambda: self.client.query(self.collection, filter="", output_fields=["count(*)"],
                                                           consistency_level=CONSISTENCY))
        return int(rows[0]["count(*)"]) if rows else 0
