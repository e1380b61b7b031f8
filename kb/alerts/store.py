"""The saved searches' tables in the store's SQLite database: the searches, and the documents each has delivered."""
from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from ..errors import KBError
from ..store import DocumentStore, utc_now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_searches (
    saved_id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL DEFAULT '{}',
    translate INTEGER NOT NULL DEFAULT 1,
    email TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    feed_key TEXT NOT NULL,
    last_alerted_at TEXT NOT NULL,
    UNIQUE (owner, name)
);
-- what is new to a saved search, and a feed's newest documents, are found by ingestion time
CREATE INDEX IF NOT EXISTS documents_ingested ON documents(ingested_at);
CREATE TABLE IF NOT EXISTS saved_search_deliveries (
    saved_id INTEGER NOT NULL REFERENCES saved_searches(saved_id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (saved_id, doc_id)
);
"""


def new_feed_key() -> str:
    """A feed's secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass
class SavedSearch:
    """A search kept by its owner: what it asks, where its alerts go, and how far they have gone."""

    saved_id: int
    owner: str
    name: str
    query: str
    mode: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    translate: bool = True
    email: str = ""
    created_at: str = ""
    feed_key: str = ""
    last_alerted_at: str = ""

    def to_dict(self, with_key: bool = False) -> dict[str, Any]:
        """JSON-ready form (the feed key only when asked for: it is the feed's password)."""
        out = {"id": self.saved_id, "owner": self.owner, "name": self.name, "query": self.query, "mode": self.mode,
               "filters": self.filters, "translate": self.translate, "email": self.email,
               "created_at": self.created_at, "last_alerted_at": self.last_alerted_at}
        if with_key:
            out["feed_key"] = self.feed_key
        return out


class SavedSearchStore:
    """The saved-search tables, in the same SQLite database (and transactions) as the documents."""

    def __init__(self, store: DocumentStore):
        self.store = store
        with store.transaction() as conn:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def add(self, owner: str, name: str, query: str, mode: str, filters: dict[str, Any], translate: bool,
            email: str) -> SavedSearch:
        """Keep a new saved search; its alerts start from now (what is in the knowledge base already is not new)."""
        now = utc_now()
        try:
            with self.store.transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO saved_searches (owner, name, query, mode, filters, translate, email, created_at, "
                    "feed_key, last_alerted_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (owner, name, query, mode, json.dumps(filters, ensure_ascii=False), int(translate), email, now,
                     new_feed_key(), now))
                saved_id = int(cursor.lastrowid or 0)
                # ingestion times have whole seconds: a document ingested in the second the search was saved is
                # not new to it
                conn.execute("INSERT INTO saved_search_deliveries SELECT ?, doc_id, ? FROM documents "
                             "WHERE ingested_at >= ?", (saved_id, now, now))
        except sqlite3.IntegrityError:
            raise KBError(f"{owner} already has a saved search named {name!r}: choose another name or remove "
                          "that one first") from None
        found = self.get(saved_id)
        assert found is not None
        return found

    def get(self, saved_id: int) -> SavedSearch | None:
        """The saved search with this id."""
        row = self.store.conn.execute("SELECT * FROM saved_searches WHERE saved_id=?", (saved_id,)).fetchone()
        return _row_to_saved(row) if row else None

    def of_owner(self, owner: str) -> list[SavedSearch]:
        """An owner's saved searches by name."""
        rows = self.store.conn.execute("SELECT * FROM saved_searches WHERE owner=? ORDER BY name, saved_id",
                                       (owner,))
        return [_row_to_saved(r) for r in rows]

    def every(self) -> list[SavedSearch]:
        """Every saved search, by owner and name."""
        rows = self.store.conn.execute("SELECT * FROM saved_searches ORDER BY owner, name, saved_id")
        return [_row_to_saved(r) for r in rows]

    def delete(self, saved_id: int) -> None:
        """Forget a saved search and what it delivered."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM saved_search_deliveries WHERE saved_id=?", (saved_id,))
            conn.execute("DELETE FROM saved_searches WHERE saved_id=?", (saved_id,))

    def set_feed_key(self, saved_id: int, key: str) -> None:
        """Replace a feed's key (the old address stops working)."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE saved_searches SET feed_key=? WHERE saved_id=?", (key, saved_id))

    def delivered(self, saved_id: int) -> set[str]:
        """Documents already delivered by a saved search (since its last_alerted_at)."""
        rows = self.store.conn.execute("SELECT doc_id FROM saved_search_deliveries WHERE saved_id=?", (saved_id,))
        return {r["doc_id"] for r in rows}

    def oldest_unfinished_since(self, since: str) -> str | None:
        """The earliest ingestion time, at or after `since`, of a document not yet searchable (still being
        indexed): an alert run must not move past it, or that document would never be new to anyone."""
        row = self.store.conn.execute("SELECT min(ingested_at) FROM documents WHERE state='pending' AND "
                                      "ingested_at >= ?", (since,)).fetchone()
        return row[0] if row and row[0] else None

    def newest_ingestion_cutoff(self, n: int) -> str | None:
        """The ingestion time of the n-th most recently ingested searchable document (None when there are fewer):
        a feed looks at the documents ingested from then on."""
        row = self.store.conn.execute("SELECT ingested_at FROM documents WHERE state='ready' "
                                      "ORDER BY ingested_at DESC LIMIT 1 OFFSET ?", (max(0, n - 1),)).fetchone()
        return row[0] if row else None

    def mark_delivered(self, saved_id: int, doc_ids: list[str], watermark: str) -> None:
        """Record a delivery: the documents sent, and the time from which the next run looks (documents ingested
        before it are forgotten; those at or after it that were sent are remembered, so nothing is sent twice)."""
        now = utc_now()
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM saved_searches WHERE saved_id=?", (saved_id,)).fetchone() is None:
                return  # removed while its alert was on its way
            conn.executemany("INSERT OR IGNORE INTO saved_search_deliveries VALUES (?,?,?)",
                             [(saved_id, d, now) for d in doc_ids])
            conn.execute("UPDATE saved_searches SET last_alerted_at=? WHERE saved_id=?", (watermark, saved_id))
            conn.execute("DELETE FROM saved_search_deliveries WHERE saved_id=? AND doc_id NOT IN "
                         "(SELECT doc_id FROM documents WHERE ingested_at >= ?)", (saved_id, watermark))


def _row_to_saved(row: sqlite3.Row) -> SavedSearch:
    return SavedSearch(saved_id=row["saved_id"], owner=row["owner"], name=row["name"], query=row["query"],
                       mode=row["mode"], filters=json.loads(row["filters"] or "{}"), translate=bool(row["translate"]),
                       email=row["email"], created_at=row["created_at"], feed_key=row["feed_key"],
                       last_alerted_at=row["last_alerted_at"])
