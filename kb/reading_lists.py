"""Reading lists: their tables in the store's database, and the service that keeps, orders, exports and imports
them (documents are cited with their current metadata while they are in the knowledge base)."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Mapping

from .citations import CitationItem, export, item_type_for, parse_import
from .accounts import audit
from .errors import DocumentNotFoundError, KBError
from .models import Document, Hit, as_int
from .permissions import Actor, PermissionDenied, may_change_list, may_view_list, require
from .store import DocumentStore, utc_now

MAX_NAME_CHARS = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reading_lists (
    list_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    owner TEXT,
    shared INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS reading_lists_owner_name ON reading_lists(coalesce(owner, ''), name);
CREATE TABLE IF NOT EXISTS list_items (
    item_id INTEGER PRIMARY KEY AUTOINCREMENT,
    list_id INTEGER NOT NULL REFERENCES reading_lists(list_id) ON DELETE CASCADE,
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
CREATE INDEX IF NOT EXISTS list_items_list ON list_items(list_id, position)
"""
# Lists of a knowledge base written before lists had owners (keyed by name alone) become shared lists owned by no
# one; their items, notes and order are kept.
_MIGRATE = """
ALTER TABLE reading_lists RENAME TO reading_lists_unowned;
ALTER TABLE list_items RENAME TO list_items_unowned;
DROP INDEX IF EXISTS list_items_list;
{schema};
INSERT INTO reading_lists (name, owner, shared, description, created_at, updated_at)
    SELECT name, NULL, 1, description, created_at, updated_at FROM reading_lists_unowned;
INSERT INTO list_items (item_id, list_id, position, doc_id, chunk_id, page, passage, note, query, citation, added_at)
    SELECT i.item_id, l.list_id, i.position, i.doc_id, i.chunk_id, i.page, i.passage, i.note, i.query, i.citation,
           i.added_at FROM list_items_unowned i JOIN reading_lists l ON l.name = i.list_name AND l.owner IS NULL;
DROP TABLE list_items_unowned;
DROP TABLE reading_lists_unowned
"""
NO_OWNER = "-"  # names the lists owned by no one where an owner is asked for


class ReadingListStore:
    """The reading-list tables, in the same SQLite database (and transactions) as the documents; each change is
    audited in its own transaction."""

    def __init__(self, store: DocumentStore):
        self.store = store
        with store.transaction() as conn:
            columns = {r[1] for r in conn.execute("PRAGMA table_info(reading_lists)")}
            script = _MIGRATE.format(schema=_SCHEMA) if columns and "list_id" not in columns else _SCHEMA
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def rows(self, name: str | None = None) -> list[dict[str, Any]]:
        """Lists (of one name, or all) with their item counts."""
        where, params = ("WHERE l.name = ?", (name,)) if name is not None else ("", ())
        rows = self.store.conn.execute(
            "SELECT l.list_id, l.name, l.owner, l.shared, l.description, l.created_at, l.updated_at, "
            f"count(i.item_id) AS items FROM reading_lists l LEFT JOIN list_items i ON i.list_id = l.list_id {where} "
            "GROUP BY l.list_id ORDER BY l.name, coalesce(l.owner, '')", params)
        return [{**dict(r), "shared": bool(r["shared"])} for r in rows]

    def get(self, list_id: int) -> dict[str, Any] | None:
        """One list's row."""
        row = self.store.conn.execute("SELECT * FROM reading_lists WHERE list_id=?", (list_id,)).fetchone()
        return {**dict(row), "shared": bool(row["shared"])} if row else None

    def exists(self, name: str, owner: str | None) -> bool:
        """True when the owner (None: no one) has a list of this name."""
        return self.store.conn.execute("SELECT 1 FROM reading_lists WHERE name=? AND coalesce(owner, '')=?",
                                       (name, owner or "")).fetchone() is not None

    def create(self, name: str, owner: str | None, shared: bool, description: str = "") -> int:
        """Create a list; returns its id."""
        with self.store.transaction() as conn:
            return self._create(conn, name, owner, shared, description)

    def _create(self, conn: Any, name: str, owner: str | None, shared: bool, description: str) -> int:
        now = utc_now()
        cursor = conn.execute("INSERT INTO reading_lists (name, owner, shared, description, created_at, updated_at) "
                              "VALUES (?,?,?,?,?,?)", (name, owner, int(shared), description, now, now))
        audit.record(conn, self.store.actor, "list.create", name, {"owner": owner, "shared": shared})
        return int(cursor.lastrowid)

    def add_item(self, list_id: int, item: dict[str, Any]) -> int:
        """Append an item to a list; returns its id."""
        with self.store.transaction() as conn:
            return self._append(conn, list_id, item)

    def import_items(self, list_id: int | None, name: str, owner: str | None, items: list[dict[str, Any]]) -> None:
        """Append every item to the list (created first when list_id is None), in one transaction."""
        with self.store.transaction() as conn:
            if list_id is None:
                list_id = self._create(conn, name, owner, False, "")
            for item in items:
                self._append(conn, list_id, item)
            audit.record(conn, self.store.actor, "list.import", name, {"owner": owner, "items": len(items)})

    @staticmethod
    def _append(conn: Any, list_id: int, item: dict[str, Any]) -> int:
        now = utc_now()
        position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM list_items WHERE list_id=?",
                                (list_id,)).fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO list_items (list_id, position, doc_id, chunk_id, page, passage, note, query, citation, "
            "added_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (list_id, position, item["doc_id"], item.get("chunk_id"), item.get("page"), item.get("passage"),
             item.get("note") or "", item.get("query"), json.dumps(item.get("citation") or {}, ensure_ascii=False),
             now))
        conn.execute("UPDATE reading_lists SET updated_at=? WHERE list_id=?", (now, list_id))
        return int(cursor.lastrowid)

    def update(self, entry: dict[str, Any], action: str, **values: Any) -> None:
        """Change columns of a list (name, description, shared, owner) and audit it as `action`."""
        sets = ", ".join(f"{column}=?" for column in values)
        with self.store.transaction() as conn:
            conn.execute(f"UPDATE reading_lists SET {sets}, updated_at=? WHERE list_id=?",
                         (*values.values(), utc_now(), entry["list_id"]))
            audit.record(conn, self.store.actor, action, entry["name"], {"owner": entry["owner"], **values})

    def delete(self, entry: dict[str, Any]) -> None:
        """Delete a list and its items."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM reading_lists WHERE list_id=?", (entry["list_id"],))
            audit.record(conn, self.store.actor, "list.delete", entry["name"], {"owner": entry["owner"]})

    def change_item(self, list_id: int, item_id: int, sql: str, *params: Any) -> bool:
        """Run one change of an item (`sql` ends in `WHERE ... list_id=? AND item_id=?`); False when none."""
        with self.store.transaction() as conn:
            return conn.execute(sql, (*params, list_id, item_id)).rowcount > 0

    def move_item(self, list_id: int, item_id: int, position: int) -> bool:
        """Move an item to a 1-based position, renumbering the others."""
        with self.store.transaction() as conn:
            ids = [r[0] for r in conn.execute(
                "SELECT item_id FROM list_items WHERE list_id=? ORDER BY position, item_id", (list_id,))]
            if item_id not in ids:
                return False
            ids.remove(item_id)
            ids.insert(max(0, min(len(ids), position - 1)), item_id)
            conn.executemany("UPDATE list_items SET position=? WHERE item_id=?",
                             [(n, i) for n, i in enumerate(ids, start=1)])
            return True

    def items(self, list_id: int) -> list[dict[str, Any]]:
        """A list's items in order."""
        rows = self.store.conn.execute("SELECT * FROM list_items WHERE list_id=? ORDER BY position, item_id",
                                       (list_id,))
        items = []
        for row in rows:
            item = dict(row)
            item["citation"] = json.loads(item["citation"] or "{}")
            items.append(item)
        return items

    def account_exists(self, name: str) -> bool:
        """Whether an account of this name exists (a list can only be given to one)."""
        return self.store.conn.execute("SELECT 1 FROM accounts WHERE name=?", (name,)).fetchone() is not None


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
    """Named lists of documents and passages, with notes, order, exports for citation managers and imports; each
    has an owner (or none) and is private or shared, and every call names the actor (kb.permissions decides)."""

    def __init__(self, store: DocumentStore):
        self.store = store
        self.lists = ReadingListStore(store)

    # ----- finding a list ----------------------------------------------------------------------
    def names(self, actor: Actor) -> list[dict[str, Any]]:
        """The lists the actor may see (own lists first), each with its item count, owner, whether it is shared
        and whether the actor may change it."""
        out = [{**e, "may_change": may_change_list(actor, e["owner"], e["shared"])}
               for e in self.lists.rows() if may_view_list(actor, e["owner"], e["shared"])]
        return sorted(out, key=lambda e: (e["owner"] != actor.name, e["name"].lower(), e["owner"] or ""))

    def find(self, name: str, actor: Actor, owner: str | None = None) -> dict[str, Any]:
        """The list of this name the actor means: of the owner given ("-": owned by no one), else the actor's own,
        else the one visible list of that name; a KBError that says which owners to choose from when several are."""
        rows = [e for e in self.lists.rows(name) if may_view_list(actor, e["owner"], e["shared"])]
        if owner is not None:
            rows = [e for e in rows if (e["owner"] or NO_OWNER) == owner]
        own = [e for e in rows if e["owner"] is not None and e["owner"] == actor.name]
        if own or len(rows) == 1:
            return (own or rows)[0]
        if not rows:
            known = ", ".join(sorted({e["name"] for e in self.names(actor)})) or "none yet"
            raise KBError(f"no reading list {name!r} (lists: {known})")
        owners = ", ".join(e["owner"] or "-" for e in rows)
        raise KBError(f"several reading lists are named {name!r} (owners: {owners}): say whose with "
                      f"`kb list --owner OWNER` ('-' for the one owned by no one)")

    def _changeable(self, name: str, actor: Actor, owner: Any) -> dict[str, Any]:
        entry = self.find(name, actor, owner)
        if not may_change_list(actor, entry["owner"], entry["shared"]):
            raise PermissionDenied(f"the reading list {name!r} is {_whose(entry)}: only its owner and researchers "
                                   "may change it")
        return entry

    # ----- changing lists ----------------------------------------------------------------------
    def create(self, name: str, description: str = "", *, actor: Actor, shared: bool = False) -> None:
        """Create a reading list owned by the actor (private unless shared; sharing needs the researcher role)."""
        require(actor, "lists.shared" if shared else "lists.own")
        name = _list_name(name)
        if self.lists.exists(name, actor.name):
            raise KBError(f"you have a reading list named {name!r} already")
        self.lists.create(name, actor.name, shared, description)

    def share(self, name: str, shared: bool, *, actor: Actor, owner: str | None = None) -> None:
        """Make a list shared (researchers) or private again (its owner)."""
        entry = self._changeable(name, actor, owner)
        if shared:
            require(actor, "lists.shared")
        elif entry["owner"] != actor.name:
            raise PermissionDenied(f"only the owner of {name!r} may make it private")
        self.lists.update(entry, "list.share" if shared else "list.unshare", shared=int(shared))

    def assign(self, name: str, new_owner: str | None, *, actor: Actor, owner: str | None = None) -> None:
        """Give a list to an account, or to no one (admins)."""
        require(actor, "accounts")
        entry = self.find(name, actor, owner)
        new_owner = None if new_owner in (None, "", NO_OWNER) else new_owner
        if new_owner and not self.lists.account_exists(new_owner):
            raise KBError(f"no account {new_owner!r} (see `kb users list`)")
        if self.lists.exists(entry["name"], new_owner):
            raise KBError(f"{new_owner or 'no one'} has a reading list named {entry['name']!r} already")
        self.lists.update(entry, "list.owner", owner=None if new_owner in (None, "", NO_OWNER) else new_owner)

    def _document(self, doc_id: str) -> Document:
        doc = self.store.get_document(doc_id)
        if doc is None:
            raise DocumentNotFoundError(f"no document {doc_id!r}")
        return doc

    def item_for(self, doc_id: str, *, chunk_id: str | None = None, page: int | None = None,
                 passage: str | None = None, note: str = "", query: str | None = None,
                 locator: str | None = None) -> dict[str, Any]:
        """A list item for a document or one of its passages (with its citation as the document stands now)."""
        doc = self._document(doc_id)
        citation = {"title": doc.title, "source": doc.source, **doc.metadata()}
        if locator:
            citation["locator"] = locator
        if page is not None and chunk_id is None and passage is None:
            chunk = self.store.chunk_at(doc.doc_id, page, 0)
            chunk_id = chunk.chunk_id if chunk else None
        return {"doc_id": doc.doc_id, "chunk_id": chunk_id, "page": page, "passage": passage, "note": note,
                "query": query, "citation": citation}

    def add(self, name: str, doc_id: str, *, actor: Actor, owner: str | None = None, **item: Any) -> int:
        """Add a document, or one of its passages (with its page, and a locator such as "Recommendation 12"), to a
        reading list."""
        try:
            entry = self._changeable(name, actor, owner)
        except PermissionDenied:
            raise
        except KBError:
            raise KBError(f"no reading list {name!r}: create it first (kb list create {name!r})") from None
        return self.lists.add_item(entry["list_id"], self.item_for(doc_id, **item))

    def items(self, name: str, *, actor: Actor, owner: str | None = None) -> list[dict[str, Any]]:
        """The items of a list, in order; each says whether its document is still in the knowledge base."""
        return self.with_presence(self.lists.items(self.find(name, actor, owner)["list_id"]))

    def with_presence(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Items marked with whether their document is still in the knowledge base."""
        present = set(self.store.get_documents([i["doc_id"] for i in items if i["doc_id"]]))
        for item in items:
            item["in_knowledge_base"] = item["doc_id"] in present
        return items

    def rename(self, name: str, new_name: str, *, actor: Actor, owner: str | None = None) -> None:
        """Give a list a new name."""
        entry = self._changeable(name, actor, owner)
        new_name = _list_name(new_name)
        if new_name != entry["name"] and self.lists.exists(new_name, entry["owner"]):
            raise KBError(f"a reading list named {new_name!r} exists already")
        self.lists.update(entry, "list.rename", name=new_name)

    def describe(self, name: str, description: str, *, actor: Actor, owner: str | None = None) -> None:
        """Set a list's description."""
        self.lists.update(self._changeable(name, actor, owner), "list.describe", description=description)

    def delete(self, name: str, *, actor: Actor, owner: str | None = None) -> None:
        """Delete a list and its items (the documents stay)."""
        self.lists.delete(self._changeable(name, actor, owner))

    def remove(self, name: str, item_id: int, *, actor: Actor, owner: str | None = None) -> None:
        """Remove one item from a list."""
        entry = self._changeable(name, actor, owner)
        if not self.lists.change_item(entry["list_id"], item_id, "DELETE FROM list_items WHERE list_id=? AND "
                                      "item_id=?"):
            raise KBError(f"reading list {name!r} has no item {item_id} (see `kb list show {name!r}`)")

    def move(self, name: str, item_id: int, position: int, *, actor: Actor, owner: str | None = None) -> None:
        """Move an item to a 1-based position."""
        if not self.lists.move_item(self._changeable(name, actor, owner)["list_id"], item_id, position):
            raise KBError(f"reading list {name!r} has no item {item_id}")

    def annotate(self, name: str, item_id: int, note: str, *, actor: Actor, owner: str | None = None) -> None:
        """Set an item's note."""
        entry = self._changeable(name, actor, owner)
        if not self.lists.change_item(entry["list_id"], item_id, "UPDATE list_items SET note=? WHERE list_id=? AND "
                                      "item_id=?", note):
            raise KBError(f"reading list {name!r} has no item {item_id}")

    def citation_items(self, name: str, *, actor: Actor, owner: str | None = None) -> list[CitationItem]:
        """The list as citation items: current metadata for documents still here, the snapshot for others."""
        return self.as_citations(self.items(name, actor=actor, owner=owner))

    def as_citations(self, items: list[dict[str, Any]]) -> list[CitationItem]:
        """Items (from a list here, or kept in a visitor's browser session) as citation items."""
        out = []
        for n, item in enumerate(self.with_presence(items), start=1):
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

    def export(self, name: str, fmt: str, *, actor: Actor, owner: str | None = None) -> str:
        """A reading list as Markdown, CSV, BibTeX, RIS or CSL-JSON."""
        entry = self.find(name, actor, owner)
        return export(fmt, entry["name"], entry["description"], self.citation_items(name, actor=actor, owner=owner))

    def import_entries(self, text: str, name: str, fmt: str | None = None, *, actor: Actor,
                       owner: str | None = None) -> dict[str, int]:
        """Add CSL-JSON or RIS entries to a list (the actor's own, created if needed), matching documents by URL,
        symbol or title."""
        entries = parse_import(text, fmt)  # every entry is checked before anything is written
        name = _list_name(name)
        try:
            list_id: int | None = self._changeable(name, actor, owner)["list_id"]
        except PermissionDenied:
            raise
        except KBError:
            require(actor, "lists.own")
            list_id = None
        items = []
        for entry in entries:
            doc = self._match_document(entry)
            citation = {k: v for k, v in entry.items() if v not in (None, "", [])}
            if doc is not None:
                citation = {"title": doc.title, "source": doc.source, **doc.metadata(), **{
                    k: v for k, v in citation.items() if k in ("authors", "place", "item_type")}}
            items.append({"doc_id": doc.doc_id if doc else None, "page": entry.get("page"),
                          "note": entry.get("note") or "", "citation": citation})
        self.lists.import_items(list_id, name, actor.name, items)  # the list and its items in one transaction
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


def _list_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise KBError("a reading list needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise KBError(f"a reading list's name may have at most {MAX_NAME_CHARS} characters")
    return name


def _whose(entry: dict[str, Any]) -> str:
    kind = "shared" if entry["shared"] else "private"
    return f"{kind}, owned by {entry['owner']}" if entry["owner"] else f"{kind}, owned by no one"
