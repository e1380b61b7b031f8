"""A results page reads its pages and chunks by key: the store's lookups use its indexes, never a table scan
(at a million chunks a scan costs more than the whole query budget)."""
from __future__ import annotations

from pathlib import Path

from typing import Any, Callable

from kb.models import Chunk, Document, Page, PreparedDocument, chunk_id_for
from kb.store import DocumentStore, chunk_id_covering


def _store_with_documents(path: Path, n_docs: int = 3, n_pages: int = 4) -> DocumentStore:
    store = DocumentStore(path)
    for d in range(n_docs):
        doc_id = f"doc{d}"
        pages = [Page(p, f"page {p} of document {d}: victims and traffickers") for p in range(1, n_pages + 1)]
        chunks = [Chunk(chunk_id_for(doc_id, p.number, 0), doc_id, p.number, 0, 0, len(p.text), p.text)
                  for p in pages]
        store.write_document(PreparedDocument(Document(doc_id, f"/d/{doc_id}.pdf", f"sha{d}", title=f"D{d}"),
                                              pages, chunks))
    return store


def _plans(store: DocumentStore, call: Callable[[], Any]) -> tuple[list[str], Any]:
    """The query plans of the SELECTs a call runs, and its result."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        result = call()
    finally:
        store.conn.set_trace_callback(None)
    plans = []
    for sql in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            plans += [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert plans, "no SELECT was traced"
    return plans, result


def test_pages_and_chunks_of_a_results_page_are_looked_up_by_key(tmp_path: Path) -> None:
    store = _store_with_documents(tmp_path / "kb.sqlite")
    keys = [("doc0", 2), ("doc2", 4), ("doc1", 1)]
    plans, pages = _plans(store, lambda: store.get_pages(keys))
    assert {key: page.number for key, page in pages.items()} == {("doc0", 2): 2, ("doc2", 4): 4, ("doc1", 1): 1}
    assert pages[("doc2", 4)].text.startswith("page 4 of document 2")
    assert not [p for p in plans if p.startswith("SCAN pages")], plans

    plans, chunks = _plans(store, lambda: store.chunks_on_pages(keys))
    assert sorted(chunks) == sorted(keys)
    assert [c.chunk_id for c in chunks[("doc1", 1)]] == [chunk_id_for("doc1", 1, 0)]
    assert not [p for p in plans if p.startswith("SCAN chunks")], plans
    assert any("USING INDEX chunks_page_start" in p for p in plans), plans


def test_where_a_pages_chunks_start_is_read_from_the_index_alone(tmp_path: Path) -> None:
    """A results page places each snippet in a chunk: the starts and ids come from the page index, without
    reading a chunk row (whose text a million-chunk store would fetch from disk)."""
    store = _store_with_documents(tmp_path / "kb.sqlite")
    first, second = (chunk_id_for("doc1", 2, n) for n in (0, 1))
    with store.transaction() as conn:  # page 2 of doc1 in two chunks
        conn.execute("UPDATE chunks SET end=10 WHERE chunk_id=?", (first,))
        conn.execute("INSERT INTO chunks (chunk_id, doc_id, page, seq, start, end, text, text_sha256) "
                     "VALUES (?, 'doc1', 2, 1, 10, 40, 'the second chunk', '')", (second,))
    plans, starts = _plans(store, lambda: store.chunk_starts([("doc1", 2), ("doc0", 3), ("doc9", 1)]))
    assert starts == {("doc1", 2): [(0, first), (10, second)], ("doc0", 3): [(0, chunk_id_for("doc0", 3, 0))]}
    assert all("USING COVERING INDEX chunks_page_start" in p for p in plans if "chunks" in p), plans
    assert chunk_id_covering(starts[("doc1", 2)], 25) == second
    assert chunk_id_covering(starts[("doc1", 2)], 3) == first
    assert chunk_id_covering([], 3) == ""


def test_a_store_with_the_old_page_index_gets_the_new_one(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    store = _store_with_documents(path)
    store.conn.execute("DROP INDEX chunks_page_start")
    store.conn.execute("CREATE INDEX chunks_page ON chunks(doc_id, page, seq)")
    store.close()
    reopened = DocumentStore(path)
    names = {row[0] for row in reopened.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "chunks_page_start" in names and "chunks_page" not in names
    assert reopened.chunk_starts([("doc2", 1)]) == {("doc2", 1): [(0, chunk_id_for("doc2", 1, 0))]}


def test_a_documents_chunks_use_the_page_index(tmp_path: Path) -> None:
    store = _store_with_documents(tmp_path / "kb.sqlite")
    plans, chunks = _plans(store, lambda: store.chunks("doc1"))
    assert [c.page for c in chunks] == [1, 2, 3, 4]
    assert not [p for p in plans if p.startswith("SCAN chunks")], plans


def test_ready_documents_and_their_links_are_looked_up_by_id(tmp_path: Path) -> None:
    """A results page asks for a few documents among thousands: by their ids, never every ready document through
    the state index (each lookup would grow with the knowledge base)."""
    store = _store_with_documents(tmp_path / "kb.sqlite", n_docs=6)
    store.set_state(["doc0", "doc1", "doc2", "doc3", "doc4"], "ready")  # doc5 stays pending
    with store.transaction() as conn:
        conn.executemany("INSERT INTO relations VALUES (?,?,?,?)",
                         [("doc0", "doc1", "translation", 0.9), ("doc0", "doc5", "near-duplicate", 0.8),
                          ("doc2", "doc3", "near-duplicate", 0.7)])
    plans, docs = _plans(store, lambda: store.get_documents(["doc4", "doc0", "doc5"], ready_only=True))
    assert sorted(docs) == ["doc0", "doc4"]
    assert not [p for p in plans if "documents_state" in p or p.startswith("SCAN documents")], plans

    plans, links = _plans(store, lambda: store.relations(["doc0", "doc2", "doc4"]))
    assert links == {"doc0": [("doc1", "translation", 0.9)], "doc2": [("doc3", "near-duplicate", 0.7)], "doc4": []}
    assert not [p for p in plans if "documents_state" in p or p.startswith("SCAN")], plans
