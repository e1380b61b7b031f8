"""The search's cache of ready documents: read once per generation, and never showing a document as it was once
another process has changed, hidden or removed it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kb.models import Chunk, Document, Page, PreparedDocument, chunk_id_for
from kb.search.ready_documents import ReadyDocuments
from kb.store import READY, DocumentStore

ROOT = Path(__file__).resolve().parents[1]


def _prepared(doc_id: str, country: str, title: str = "") -> PreparedDocument:
    page = Page(1, f"text of {doc_id}")
    chunk = Chunk(chunk_id_for(doc_id, 1, 0), doc_id, 1, 0, 0, len(page.text), page.text)
    doc = Document(doc_id, f"/d/{doc_id}.pdf", f"sha-{doc_id}", title=title or doc_id.upper(), country=country)
    return PreparedDocument(doc, [page], [chunk])


def _store(path: Path) -> DocumentStore:
    store = DocumentStore(path)
    for doc_id, country in (("a", "Netherlands"), ("b", "Netherlands; Belgium"), ("c", "France")):
        store.write_document(_prepared(doc_id, country))
    store.set_state(["a", "b"], READY)  # c stays pending
    return store


def _in_another_process(path: Path, code: str) -> None:
    script = f"from kb.store import DocumentStore\nstore = DocumentStore({str(path)!r})\n{code}\nstore.close()\n"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)


def test_only_ready_documents_come_back_and_the_store_is_read_once(tmp_path: Path) -> None:
    store = _store(tmp_path / "kb.sqlite")
    ready = ReadyDocuments(store)
    reads: list[list[str]] = []
    original = store.get_documents
    store.get_documents = lambda ids, ready_only=False: reads.append(list(ids)) or original(ids, ready_only)
    assert list(ready.get(["b", "c", "a", "missing"])) == ["b", "a"]
    assert [doc.title for doc in ready.get(["a", "b"]).values()] == ["A", "B"]
    assert ready.get(["c", "missing"]) == {}
    assert reads == [["b", "c", "a", "missing"]]


def test_a_change_in_another_process_is_seen_at_the_next_search(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    ready = ReadyDocuments(_store(path))
    assert ready.get(["a"])["a"].title == "A"
    _in_another_process(path, "doc = store.get_document('a')\ndoc.title = 'Corrected title'\n"
                              "store.update_metadata(doc)\nstore.set_state(['c'], 'ready')")
    assert ready.get(["a"])["a"].title == "Corrected title"
    assert list(ready.get(["c"])) == ["c"]
    _in_another_process(path, "store.delete_documents(['b'])")
    assert list(ready.get(["a", "b"])) == ["a"]


def test_a_ready_document_written_again_leaves_the_search_until_it_is_ready(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    ready = ReadyDocuments(_store(path))
    assert list(ready.get(["a", "b"])) == ["a", "b"]
    _in_another_process(path, "from tests.test_ready_documents import _prepared\n"
                              "store.write_document(_prepared('a', 'Germany', 'A again'))")
    assert list(ready.get(["a", "b"])) == ["b"]
    _in_another_process(path, "store.set_state(['a'], 'ready')")
    assert ready.get(["a"])["a"].title == "A again"


def test_facets_count_each_value_of_a_multi_valued_field_and_follow_corrections(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    ready = ReadyDocuments(_store(path))
    docs = ready.get(["a", "b"]).values()
    assert ready.count_facets(docs, ["country", "year"]) == {"country": {"Netherlands": 2, "Belgium": 1},
                                                             "year": {}}
    _in_another_process(path, "doc = store.get_document('b')\ndoc.country = 'Belgium'\nstore.update_metadata(doc)")
    docs = ready.get(["a", "b"]).values()
    assert ready.count_facets(docs, ["country"]) == {"country": {"Belgium": 1, "Netherlands": 1}}


def test_the_cache_starts_again_past_its_limit(tmp_path: Path) -> None:
    store = _store(tmp_path / "kb.sqlite")
    ready = ReadyDocuments(store, limit=2)
    reads: list[list[str]] = []
    original = store.get_documents
    store.get_documents = lambda ids, ready_only=False: reads.append(list(ids)) or original(ids, ready_only)
    ready.get(["a", "b", "c"])
    ready.get(["a"])
    assert reads == [["a", "b", "c"], ["a"]]


def test_links_are_read_once_and_links_changed_in_another_process_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    store = _store(path)
    ready = ReadyDocuments(store)
    reads: list[list[str]] = []
    original = store.relations
    store.relations = lambda ids, ready_only=True: reads.append(list(ids)) or original(ids, ready_only)
    assert ready.relations(["a", "b"]) == {"a": [], "b": []}
    assert ready.relations(["b", "a"]) == {"b": [], "a": []}
    assert reads == [["a", "b"]]
    _in_another_process(path, "from kb.indexing.fingerprints import fingerprint\nlinks = [('b', 'translation', 0.9)]\n"
                              "store.set_fingerprint(fingerprint('a', 'en', ['text of a']), links)")
    assert ready.relations(["a", "b"]) == {"a": [("b", "translation", 0.9)], "b": [("a", "translation", 0.9)]}
    _in_another_process(path, "store.clear_relations()")
    assert ready.relations(["a"]) == {"a": []}
