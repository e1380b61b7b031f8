"""Reading lists: their tables in the store's database, and the service that keeps, orders, exports and imports
them (documents are cited with their current metadata while they are in the knowledge base)."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Mapping

from .citations import CitationItem, export, item_type_for, parse_import
from .errors import DocumentNotFoundError, KBError
from .models import Document, Hit, as_int
from .store import DocumentStore, utc_now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reading_lists (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS list_items (
    item_id INTEGER PRIMARY KEY AUTOINCREMENT,
    list_name TEXT NOT NULL REFERENCES reading_lists(name) ON DELETE CASCADE ON UPDATE CASCADE,
    position INTEGER NOT NULL,
    doc_id TEXT,
    chunk_id TEXT,
    page INTEGER,
    passage TEXT,
    note TEXT NOT NULL DEFAULT '',
    query TEXT,
    citation TEXT NOT NULL DEFAULT '{}',
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS list_items_list ON list_items(list_name, position);
"""


class ReadingListStore:
    """The reading-list tables, in the same SQLite database (and transactions) as the documents."""

    def __init__(self, store: DocumentStore):
        self.store = store
        with store.transaction() as conn:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def list_names(self) -> list[dict[str, Any]]:
        """Every reading list with its item count."""
        rows = self.store.conn.execute(
            "SELECT l.name, l.description, l.created_at, l.updated_at, count(i.item_id) AS items "
            "FROM reading_lists l LEFT JOIN list_items i ON i.list_name = l.name GROUP BY l.name ORDER BY l.name")
        return [dict(r) for r in rows]

    def create_list(self, name: str, description: str = "") -> None:
        """Create a reading list (an existing name is an error)."""
        now = utc_now()
        with self.store.transaction() as conn:
            conn.execute("INSERT INTO reading_lists VALUES (?, ?, ?, ?)", (name, description, now, now))

    def has_list(self, name: str) -> bool:
        """True when a reading list of this name exists."""
        return self.store.conn.execute("SELECT 1 FROM reading_lists WHERE name=?", (name,)).fetchone() is not None

    def add_list_item(self, name: str, item: dict[str, Any]) -> int:
        """Append an item to a list; returns its id."""
        with self.store.transaction() as conn:
            return self._append(conn, name, item)

    def import_items(self, name: str, items: list[dict[str, Any]]) -> None:
        """Create the list if needed and append every item, in one transaction (all or nothing)."""
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM reading_lists WHERE name=?", (name,)).fetchone() is None:
                now = utc_now()
                conn.execute("INSERT INTO reading_lists VALUES (?, ?, ?, ?)", (name, "", now, now))
            for item in items:
                self._append(conn, name, item)

    @staticmethod
    def _append(conn: Any, name: str, item: dict[str, Any]) -> int:
        now = utc_now()
        position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM list_items WHERE list_name=?",
                                (name,)).fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO list_items (list_name, position, doc_id, chunk_id, page, passage, note, query, citation, "
            "added_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (name, position, item["doc_id"], item.get("chunk_id"), item.get("page"), item.get("passage"),
             item.get("note") or "", item.get("query"), json.dumps(item.get("citation") or {}, ensure_ascii=False),
             now))
        conn.execute("UPDATE reading_lists SET updated_at=? WHERE name=?", (now, name))
        return int(cursor.lastrowid)

    def get_list(self, name: str) -> dict[str, Any] | None:
        """A reading list's row."""
        row = self.store.conn.execute("SELECT * FROM reading_lists WHERE name=?", (name,)).fetchone()
        return dict(row) if row else None

    def update_list(self, name: str, *, new_name: str | None = None, description: str | None = None) -> None:
        """Rename a list and/or change its description (items follow a rename)."""
        with self.store.transaction() as conn:
            if description is not None:
                conn.execute("UPDATE reading_lists SET description=?, updated_at=? WHERE name=?",
                             (description, utc_now(), name))
            if new_name is not None and new_name != name:
                conn.execute("UPDATE reading_lists SET name=?, updated_at=? WHERE name=?", (new_name, utc_now(), name))

    def delete_list(self, name: str) -> None:
        """Delete a list and its items."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM reading_lists WHERE name=?", (name,))

    def update_item(self, name: str, item_id: int, *, note: str | None = None) -> bool:
        """Change an item's note; False when the list has no such item."""
        with self.store.transaction() as conn:
            cursor = conn.execute("UPDATE list_items SET note=? WHERE list_name=? AND item_id=?", (note, name, item_id))
            return cursor.rowcount > 0

    def remove_item(self, name: str, item_id: int) -> bool:
        """Remove an item; False when the list has no such item."""
        with self.store.transaction() as conn:
            cursor = conn.execute("DELETE FROM list_items WHERE list_name=? AND item_id=?", (name, item_id))
            return cursor.rowcount > 0

    def move_item(self, name: str, item_id: int, position: int) -> bool:
        """Move an item to a 1-based position, renumbering the others."""
        with self.store.transaction() as conn:
            ids = [r[0] for r in conn.execute(
                "SELECT item_id FROM list_items WHERE list_name=? ORDER BY position, item_id", (name,))]
            if item_id not in ids:
                return False
            ids.remove(item_id)
            ids.insert(max(0, min(len(ids), position - 1)), item_id)
            conn.executemany("UPDATE list_items SET position=? WHERE item_id=?",
                             [(n, i) for n, i in enumerate(ids, start=1)])
            return True

    def list_items(self, name: str) -> list[dict[str, Any]]:
        """A list's items in order."""
        rows = self.store.conn.execute("SELECT * FROM list_items WHERE list_name=? ORDER BY position, item_id", (name,))
        items = []
        for row in rows:
            item = dict(row)
            item["citation"] = json.loads(item["citation"] or "{}")
            items.append(item)
        return items


def cite(meta: Mapping[str, Any], *, item_id: int, position: int, item_type: str | None = None,
         **fields: Any) -> CitationItem:
    """A citation item from a document's metadata (title, source and metadata fields) and the item's own fields
    (page, passage, note, query, accessed, link, ...)."""
    source = meta.get("source")
    url = meta.get("url") or (source if source and str(source).startswith(("http://", "https://")) else None)
    return CitationItem(
        item_id=item_id, position=position, title=meta.get("title") or source or "(untitled)",
        item_type=item_type or item_type_for(meta.get("doc_type"), source),
        organisation=meta.get("organisation_name") or meta.get("organisation"),
        authors=list(meta.get("authors") or []), year=as_int(meta.get("year")),
        publisher=meta.get("publisher") or meta.get("organisation_name") or meta.get("organisation"),
        place=meta.get("place"), symbol=meta.get("symbol"), url=url, source=source, language=meta.get("language"),
        country=meta.get("country"), **fields)


class ReadingLists:
    """Named lists of documents and passages, with notes, order, exports for citation managers and imports."""

    def __init__(self, store: DocumentStore):
        self.store = store
        self.lists = ReadingListStore(store)

    def names(self) -> list[dict[str, Any]]:
        """Every reading list with its item count."""
        return self.lists.list_names()

    def create(self, name: str, description: str = "") -> None:
        """Create a reading list."""
        name = name.strip()
        if not name:
            raise KBError("a reading list needs a name")
        if self.lists.has_list(name):
            raise KBError(f"a reading list named {name!r} exists already")
        self.lists.create_list(name, description)

    def _document(self, doc_id: str) -> Document:
        doc = self.store.get_document(doc_id)
        if doc is None:
            raise DocumentNotFoundError(f"no document {doc_id!r}")
        return doc

    def add(self, name: str, doc_id: str, *, chunk_id: str | None = None, page: int | None = None,
            passage: str | None = None, note: str = "", query: str | None = None, locator: str | None = None) -> int:
        """Add a document, or one of its passages (with its page, and a locator such as "Recommendation 12"), to a
        reading list."""
        if not self.lists.has_list(name):
            raise KBError(f"no reading list {name!r}: create it first (kb list create {name!r})")
        doc = self._document(doc_id)
        citation = {"title": doc.title, "source": doc.source, **doc.metadata()}
        if locator:
            citation["locator"] = locator
        if page is not None and chunk_id is None and passage is None:
            chunk = self.store.chunk_at(doc.doc_id, page, 0)
            chunk_id = chunk.chunk_id if chunk else None
        return self.lists.add_list_item(name, {"doc_id": doc.doc_id, "chunk_id": chunk_id, "page": page,
                                               "passage": passage, "note": note, "query": query,
                                               "citation": citation})

    def items(self, name: str) -> list[dict[str, Any]]:
        """The items of a list, in order; each says whether its document is still in the knowledge base."""
        self._require(name)
        items = self.lists.list_items(name)
        present = set(self.store.get_documents([i["doc_id"] for i in items if i["doc_id"]]))
        for item in items:
            item["in_knowledge_base"] = item["doc_id"] in present
        return items

    def _require(self, name: str) -> dict[str, Any]:
        entry = self.lists.get_list(name)
        if entry is None:
            known = ", ".join(e["name"] for e in self.lists.list_names()) or "none yet"
            raise KBError(f"no reading list {name!r} (lists: {known})")
        return entry

    def rename(self, name: str, new_name: str) -> None:
        """Give a list a new name."""
        self._require(name)
        new_name = new_name.strip()
        if not new_name:
            raise KBError("a reading list needs a name")
        if new_name != name and self.lists.has_list(new_name):
            raise KBError(f"a reading list named {new_name!r} exists already")
        self.lists.update_list(name, new_name=new_name)

    def describe(self, name: str, description: str) -> None:
        """Set a list's description."""
        self._require(name)
        self.lists.update_list(name, description=description)

    def delete(self, name: str) -> None:
        """Delete a list and its items (the documents stay)."""
        self._require(name)
        self.lists.delete_list(name)

    def remove(self, name: str, item_id: int) -> None:
        """Remove one item from a list."""
        self._require(name)
        if not self.lists.remove_item(name, item_id):
            raise KBError(f"reading list {name!r} has no item {item_id} (see `kb list show {name!r}`)")

    def move(self, name: str, item_id: int, position: int) -> None:
        """Move an item to a 1-based position."""
        self._require(name)
        if not self.lists.move_item(name, item_id, position):
            raise KBError(f"reading list {name!r} has no item {item_id}")

    def annotate(self, name: str, item_id: int, note: str) -> None:
        """Set an item's note."""
        self._require(name)
        if not self.lists.update_item(name, item_id, note=note):
            raise KBError(f"reading list {name!r} has no item {item_id}")

    def citation_items(self, name: str) -> list[CitationItem]:
        """The list as citation items: current metadata for documents still here, the snapshot for others."""
        out = []
        for n, item in enumerate(self.items(name), start=1):
            doc = self.store.get_document(item["doc_id"]) if item["in_knowledge_base"] else None
            snap = item["citation"]
            meta = ({"title": doc.title, "source": doc.source, **doc.metadata()} if doc else snap)
            out.append(cite(meta, item_id=item["item_id"], position=n, item_type=snap.get("item_type"),
                            doc_id=item["doc_id"], in_knowledge_base=item["in_knowledge_base"], page=item["page"],
                            locator=snap.get("locator"), passage=item["passage"], note=item["note"] or "",
                            query=item["query"], accessed=(item["added_at"] or "")[:10] or None))
        return out

    def export_results(self, hits: Iterable[Hit], fmt: str, *, query: str, title: str = "",
                       link: Callable[[Document, int | None], str | None] | None = None) -> str:
        """Search results exported like a reading list: one item per document, with its best passage, the page of
        that passage and (given `link`) the address of the page; the same exporters and escaping as lists."""
        accessed = utc_now()[:10]
        items = []
        for n, hit in enumerate(hits, start=1):
            doc = hit.document
            best = hit.passages[0] if hit.passages else None
            page = best.page if best else None
            items.append(cite({"title": doc.title, "source": doc.source, **doc.metadata()}, item_id=n, position=n,
                              doc_id=doc.doc_id, page=page, passage=" ".join(best.text.split()) if best else None,
                              query=query, accessed=accessed, link=link(doc, page) if link else None))
        return export(fmt, title or f"Search results: {query}", "", items)

    def export(self, name: str, fmt: str) -> str:
        """A reading list as Markdown, CSV, BibTeX, RIS or CSL-JSON."""
        entry = self._require(name)
        return export(fmt, name, entry["description"], self.citation_items(name))

    def import_entries(self, text: str, name: str, fmt: str | None = None) -> dict[str, int]:
        """Add CSL-JSON or RIS entries to a list (created if needed), matching documents by URL, symbol or title."""
        entries = parse_import(text, fmt)  # every entry is checked before anything is written
        name = name.strip()
        if not name:
            raise KBError("a reading list needs a name")
        items = []
        for entry in entries:
            doc = self._match_document(entry)
            citation = {k: v for k, v in entry.items() if v not in (None, "", [])}
            if doc is not None:
                citation = {"title": doc.title, "source": doc.source, **doc.metadata(), **{
                    k: v for k, v in citation.items() if k in ("authors", "place", "item_type")}}
            items.append({"doc_id": doc.doc_id if doc else None, "page": entry.get("page"),
                          "note": entry.get("note") or "", "citation": citation})
        self.lists.import_items(name, items)  # the list and all its items in one transaction
        matched = sum(1 for item in items if item["doc_id"])
        return {"items": len(entries), "matched": matched, "unmatched": len(entries) - matched}

    def _match_document(self, entry: Mapping[str, Any]) -> Document | None:
        url = entry.get("url")
        if url:
            doc = self.store.find_by_source(url) or self.store.find_by_field("url", url)
            if doc:
                return doc
        symbol = entry.get("symbol")
        if symbol:
            doc = self.store.find_by_field("symbol", symbol)
            if doc:
                return doc
        title = (entry.get("title") or "").strip()
        return self.store.find_by_field("title", title) if title else None
