"""The tantivy index reads its hits' documents from a fast field of document keys, not from each hit's stored
fields; an index built before the keys existed is still read (and written) through its stored fields, and a key
two documents shared would be read from the stored fields too."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tantivy

from kb.engines import tantivy_doc_keys
from kb.engines import tantivy_keyword as keyword_tantivy
from kb.engines.tantivy_keyword import TantivyKeywordIndex
from kb.models import Document, Page
from kb.engines.tantivy_doc_keys import index_has_keys

DOCS = [
    (Document("d-labour", "labour.pdf", "a" * 64, title="Labour exploitation", language="en"),
     [Page(1, "Labour inspectors visited greenhouses."), Page(2, "Forced labour in agriculture and construction.")]),
    (Document("d-shelter", "shelter.pdf", "b" * 64, title="Shelters", language="en"),
     [Page(1, "Shelters for victims of forced labour."), Page(3, "Compensation for victims.")]),
    (Document("d-nl", "nl.pdf", "c" * 64, title="Mensenhandel", language="nl"),
     [Page(4, "Arbeidsuitbuiting in de land- en tuinbouw.")]),
]
EXPECTED = {("d-labour-p2", "d-labour", 2), ("d-shelter-p1", "d-shelter", 1)}  # the pages with "forced labour"


class _CountingSearcher:
    """A tantivy searcher that counts the stored documents read through it."""

    def __init__(self, searcher: tantivy.Searcher):
        self._searcher, self.stored_reads = searcher, 0

    def doc(self, address: Any) -> Any:
        self.stored_reads += 1
        return self._searcher.doc(address)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._searcher, name)


def _counted(index: TantivyKeywordIndex, monkeypatch: pytest.MonkeyPatch) -> list[_CountingSearcher]:
    taken: list[_CountingSearcher] = []
    plain = index._searcher

    def counting() -> _CountingSearcher:
        taken.append(_CountingSearcher(plain()))
        return taken[-1]

    monkeypatch.setattr(index, "_searcher", counting)
    return taken


def _found(index: TantivyKeywordIndex) -> set[tuple[str, str, int]]:
    return {(h.page_id, h.doc_id, h.page) for h in index.search(index.parse('"forced labour"', raw=False))}


def test_hits_name_their_documents_from_the_key_column_without_reading_stored_fields(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = TantivyKeywordIndex(tmp_path / "keyword")
    index.replace_documents(DOCS)
    assert index_has_keys(tmp_path / "keyword")
    taken = _counted(index, monkeypatch)
    assert _found(index) == EXPECTED
    assert sum(s.stored_reads for s in taken) == 0


def test_an_index_built_before_the_keys_is_read_and_written_through_its_stored_fields(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keyword"
    keyed = keyword_tantivy._schema
    monkeypatch.setattr(keyword_tantivy, "_schema", lambda: keyed(keys=False))  # as built before the keys
    TantivyKeywordIndex(path).replace_documents(DOCS[:1])
    monkeypatch.undo()
    assert not index_has_keys(path)
    index = TantivyKeywordIndex(path)
    index.replace_documents(DOCS[1:])  # a write keeps to the index's own schema
    taken = _counted(index, monkeypatch)
    assert _found(index) == EXPECTED
    assert sum(s.stored_reads for s in taken) == len(EXPECTED)
    index.clear()  # what `kb reindex --keyword` does first: the rebuilt index has the keys
    index.replace_documents(DOCS)
    assert index_has_keys(path) and _found(index) == EXPECTED


def test_documents_sharing_a_key_are_told_apart_by_their_stored_fields(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tantivy_doc_keys, "doc_key", lambda doc_id: 7)
    monkeypatch.setattr(keyword_tantivy, "doc_key", lambda doc_id: 7)
    index = TantivyKeywordIndex(tmp_path / "keyword")
    index.replace_documents(DOCS)
    assert _found(index) == EXPECTED


def test_a_reader_names_the_documents_another_writer_added_since_its_last_query(tmp_path: Path) -> None:
    reader = TantivyKeywordIndex(tmp_path / "keyword")
    writer = TantivyKeywordIndex(tmp_path / "keyword")
    writer.replace_documents(DOCS[:1])
    assert _found(reader) == {("d-labour-p2", "d-labour", 2)}
    writer.replace_documents(DOCS[1:])
    assert _found(reader) == EXPECTED
