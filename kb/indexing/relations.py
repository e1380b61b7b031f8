"""Finding a document's near-duplicates and translations among the fingerprints already stored."""
from __future__ import annotations

from ..settings import Settings
from .fingerprints import Fingerprint, find_relations, from_blobs
from ..store import DocumentStore


class RelationFinder:
    """Compares new fingerprints with every stored one (loaded once per writer)."""

    def __init__(self, store: DocumentStore, settings: Settings):
        self.store = store
        self.settings = settings
        self._fingerprints: dict[str, Fingerprint] | None = None

    def find(self, fp: Fingerprint) -> list[tuple[str, str, float]]:
        """(other doc id, kind, score) for a document about to be written (or fingerprinted afresh)."""
        if self._fingerprints is None:
            self._fingerprints = {r["doc_id"]: from_blobs(r["doc_id"], r["language"], r["n_pages"], r["minhash"],
                                                          r["pair_hashes"], r["pair_counts"])
                                  for r in self.store.fingerprint_rows()}
        self._fingerprints[fp.doc_id] = fp
        fingerprints = self._fingerprints

        def linked_score(other_id: str, language: str | None) -> float:
            scores = [score for oid, kind, score in self.store.relations([other_id], ready_only=False)[other_id]
                      if kind == "translation" and oid != fp.doc_id
                      and getattr(fingerprints.get(oid), "language", None) == language]
            return max(scores, default=0.0)

        return find_relations(fp, fingerprints.values(), self.settings.near_duplicate_threshold,
                              self.settings.translation_threshold, linked_score)
