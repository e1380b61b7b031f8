"""Recommendations and practices in the document store: written with their document (one transaction), removed
with it, read with the document's metadata."""
from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator

from ..models import Recommendation, sha256_text

# bumped whenever extraction changes, so an older knowledge base is told to run `kb reindex --recommendations`
EXTRACTOR_VERSION = "3"
_META_KEY = "recommendations_extractor"

SCHEMA = """
CREATE TABLE IF NOT EXISTS recommendations (
    rec_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    page INTEGER NOT NULL,
    number TEXT,
    text TEXT NOT NULL,
    addressee TEXT,
    strength TEXT,
    topics TEXT NOT NULL DEFAULT '[]',
    heading TEXT,
    repeats TEXT,
    text_sha256 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS recommendations_doc ON recommendations(doc_id, seq);
"""


def init_schema(conn: sqlite3.Connection) -> None:
    """Create the table (inside the store's schema transaction); a new knowledge base is marked up to date."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    has_documents = conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None
    if not has_documents:
        conn.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (_META_KEY, EXTRACTOR_VERSION))


def replace_records(conn: sqlite3.Connection, doc_id: str, records: Iterable[Recommendation]) -> None:
    """Replace a document's records (inside a transaction)."""
    conn.execute("DELETE FROM recommendations WHERE doc_id=?", (doc_id,))
    conn.executemany(
        "INSERT OR REPLACE INTO recommendations VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(r.rec_id, doc_id, r.seq, r.kind, r.page, r.number, r.text, r.addressee, r.strength,
          json.dumps(r.topics, ensure_ascii=False), r.heading, r.repeats, sha256_text(r.text)) for r in records])


def extraction_current(conn: sqlite3.Connection) -> bool:
    """Whether every document's records come from this version of the extractor."""
    row = conn.execute("SELECT value FROM meta WHERE key=?", (_META_KEY,)).fetchone()
    return row is not None and row[0] == EXTRACTOR_VERSION


def mark_extraction_current(conn: sqlite3.Connection) -> None:
    """Record that every document was extracted by this version (after `kb reindex --recommendations`)."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_META_KEY, EXTRACTOR_VERSION))


def ready_records(conn: sqlite3.Connection) -> Iterator[tuple[Recommendation, str]]:
    """Every record of a ready document with its text hash, document by document in order."""
    rows = conn.execute(
        "SELECT r.* FROM recommendations r JOIN documents d USING (doc_id) WHERE d.state='ready' "
        "ORDER BY d.year IS NULL, d.year, d.title, d.doc_id, r.seq")
    for row in rows:
        yield _row_to_record(row), row["text_sha256"]


def record_hashes(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> list[tuple[str, str]]:
    """(text hash, text) of the records of some documents."""
    out: list[tuple[str, str]] = []
    ids = list(doc_ids)
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        out += [(r["text_sha256"], r["text"]) for r in conn.execute(
            f"SELECT text_sha256, text FROM recommendations WHERE doc_id IN ({','.join('?' * len(part))})", part)]
    return out


def _row_to_record(row: sqlite3.Row) -> Recommendation:
    return Recommendation(rec_id=row["rec_id"], doc_id=row["doc_id"], kind=row["kind"], page=row["page"],
                          text=row["text"], seq=row["seq"], number=row["number"], addressee=row["addressee"],
                          strength=row["strength"], topics=json.loads(row["topics"] or "[]"), heading=row["heading"],
                          repeats=row["repeats"])
