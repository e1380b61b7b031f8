"""Numeric keys of documents in the tantivy index: a results page reads its hits' documents from a fast field (a
column read) instead of each hit's stored fields (a block of the document store decompressed per hit)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

KEY_FIELD = "doc_key"


def doc_key(doc_id: str) -> int:
    """A document id's key: 63 bits of its BLAKE2b digest (stable across processes and versions)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def index_has_keys(path: Path) -> bool:
    """Whether the tantivy index in `path` was built with the key field (indexes built before it was added lack
    it and are read through their stored fields until `kb reindex --keyword`)."""
    try:
        schema = json.loads((Path(path) / "meta.json").read_text()).get("schema", [])
    except (OSError, ValueError):
        return False
    return any(isinstance(field, dict) and field.get("name") == KEY_FIELD for field in schema)


class DocKeys:
    """The document id of each key in one generation of the index, from its dictionary of document ids."""

    def __init__(self) -> None:
        self._generation: int | None = None
        self._ids: dict[int, str | None] = {}

    def ids(self, searcher: Any, generation: int) -> dict[int, str | None]:
        """{key: document id} for the searcher's documents; None where two ids share a key (never seen in
        practice, 63 bits), so that the caller reads that hit's stored fields instead."""
        if generation != self._generation:
            ids: dict[int, str | None] = {}
            for doc_id, _ in searcher.terms_with_prefix("doc_id", ""):
                key = doc_key(doc_id)
                ids[key] = doc_id if key not in ids else None
            self._ids, self._generation = ids, generation
        return self._ids
