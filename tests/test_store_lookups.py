"""A results page reads its pages and chunks by key: the store's lookups use its indexes, never a table scan
(at a million chunks a scan costs more than the whole query budget)."""
from __future__ import annotations

from pathlib import Path

from typing import Any, Callable

from kb.models import Chunk, Document, Page, PreparedDocument, chunk_id_for
from kb.store import DocumentStore


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
    assert any("USING INDEX chunks_page" in p for p in plans), plans


def test_a_documents_chunks_use_the_page_index(tmp_path: Path) -> None:
    store = _store_with_documents(tmp_path / "kb.sqlite")
    plans, chunks = _plans(store, lambda: store.chunks("doc1"))
    assert [c.page for c in chunks] == [1, 2, 3, 4]
    assert not [p for p in plans if p.startswith("SCAN chunks")], plans
