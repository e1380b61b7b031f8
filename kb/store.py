"""The document store: documents, pages and chunks in SQLite (WAL mode), the source of truth."""
from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from .accounts import audit
from .errors import SchemaVersionError
from .filters import Filters, field_sql, split_values
from .models import Chunk, Document, Page, PreparedDocument
from .permissions import Actor, system_actor
from .recommendations import store as rec_store

SCHEMA_VERSION = 1

# Document states: written to the store but not yet in every index / fully indexed / being removed.
PENDING, READY, DELETING = "pending", "ready", "deleting"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
DROP TABLE IF EXISTS aliases;
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    organisation TEXT,
    year INTEGER,
    language TEXT,
    doc_type TEXT,
    country TEXT,
    symbol TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    ingested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    n_pages INTEGER NOT NULL DEFAULT 0,
    n_chunks INTEGER NOT NULL DEFAULT 0,
    stored_file TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
CREATE INDEX IF NOT EXISTS documents_state ON documents(state);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, number)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    n_tokens INTEGER NOT NULL DEFAULT 0,
    text_sha256 TEXT NOT NULL
);
-- a document's chunks, and a page's, found without scanning, and where a page's chunks start read from the index
-- alone (a results page places its snippets in chunks without reading their text). It replaces chunks_doc(doc_id)
-- and chunks_page(doc_id, page, seq).
CREATE INDEX IF NOT EXISTS chunks_page_start ON chunks(doc_id, page, seq, start, chunk_id);
DROP INDEX IF EXISTS chunks_page;
DROP INDEX IF EXISTS chunks_doc;
CREATE TABLE IF NOT EXISTS fingerprints (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    language TEXT,
    n_pages INTEGER NOT NULL,
    minhash BLOB NOT NULL,
    pair_hashes BLOB NOT NULL,
    pair_counts BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS relations (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    other_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (doc_id, other_id)
);
CREATE TABLE IF NOT EXISTS corrections (
    doc_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    corrected_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, field)
);
CREATE TABLE IF NOT EXISTS embeddings (
    model_id TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, text_sha256)
);
"""

_DOC_COLUMNS = (
    "doc_id, source, sha256, title, organisation, year, language, doc_type, country, symbol, extra, "
    "ingested_at, n_pages, n_chunks, stored_file"
)


def utc_now() -> str:
    """Current UTC time as ISO 8601 with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class DocumentStore:
    """SQLite store of documents, pages and chunks; every write is one transaction."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), timeout=60, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        # who the audit trail names for the changes written now, and what adding a document counts as
        self.actor: Actor = system_actor()
        self.activity = "ingest"
        self._acting = threading.RLock()
        # one transaction at a time on this connection: a sign-in's count of wrong passwords may come from another
        # thread of the app while an upload writes
        self._transacting = threading.Lock()
        self._init_schema()

    def _init_schema(self) -> None:
        with self.transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.conn.execute(statement)
            rec_store.init_schema(self.conn)
            audit.init_schema(self.conn)
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                self.conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row["value"]) != SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path} was written by schema version {row['value']}, this atkb uses {SCHEMA_VERSION}: "
                    "run `kb reindex` to rebuild the data directory from its stored originals"
                )

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: committed on success, rolled back on any error."""
        with self._transacting:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    @contextmanager
    def acting(self, actor: Actor | None, activity: str = "ingest") -> Iterator[None]:
        """Changes written inside are audited as this actor's (`activity`: what adding a document counts as, such
        as upload or fetch); one actor at a time per store."""
        with self._acting:
            before = self.actor, self.activity
            self.actor, self.activity = actor or system_actor(), activity
            try:
                yield
            finally:
                self.actor, self.activity = before

    def record(self, action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
        """An audit entry of a change that is not a row of this store (a rebuilt index), in its own transaction."""
        with self.transaction() as conn:
            audit.record(conn, self.actor, action, target, detail)

    # ----- reads -------------------------------------------------------------------------------
    def generation(self) -> int:
        """A counter that every change visible to searches increases (other processes compare it to reload)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row["value"]) if row else 0

    def kb_id(self) -> str:
        """This knowledge base's own random id, made on first use (it names its collections on a shared Milvus)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='kb_id'").fetchone()
        if row:
            return str(row["value"])
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('kb_id', ?)", (secrets.token_hex(4),))
        return str(self.conn.execute("SELECT value FROM meta WHERE key='kb_id'").fetchone()["value"])

    def link_key(self) -> str:
        """A random secret of this knowledge base, made on first use, that signs links to stored originals."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='link_key'").fetchone()
        if row:
            return str(row["value"])
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('link_key', ?)", (secrets.token_hex(32),))
        return str(self.conn.execute("SELECT value FROM meta WHERE key='link_key'").fetchone()["value"])

    def bump_generation(self) -> None:
        """Tell every reader that the documents or the indexes changed."""
        with self.transaction() as conn:
            _bump_generation(conn)

    def get_document(self, doc_id: str) -> Document | None:
        """The document with this id, in any state."""
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _row_to_document(row) if row else None

    def get_documents(self, doc_ids: Iterable[str], ready_only: bool = False) -> dict[str, Document]:
        """Documents by id (missing ids, and unfinished ones when ready_only, are left out)."""
        ids = list(dict.fromkeys(doc_ids))
        out: dict[str, Document] = {}
        # the unary + keeps SQLite from reading every ready document through the state index to find a few ids
        state = " AND +state='ready'" if ready_only else ""
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(
                    f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc_id IN ({marks}){state}", part):
                out[row["doc_id"]] = _row_to_document(row)
        return out

    def find_by_source(self, source: str) -> Document | None:
        """The document ingested from this source (or recorded as its duplicate)."""
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE source=?", (source,)).fetchone()
        if row:
            return _row_to_document(row)
        return None

    def find_by_field(self, name: str, value: str) -> Document | None:
        """A ready document whose field (a column or a free metadata field) equals value, ignoring case."""
        if name in ("title", "symbol", "source", "organisation"):
            sql = f"SELECT {_DOC_COLUMNS} FROM documents WHERE state='ready' AND lower({name}) = lower(?) LIMIT 1"
            row = self.conn.execute(sql, (value,)).fetchone()
        else:
            row = self.conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE state='ready' AND "
                "lower(CAST(json_extract(extra, ?) AS TEXT)) = lower(?) LIMIT 1", (f'$."{name}"', value)).fetchone()
        return _row_to_document(row) if row else None

    def documents_with_field(self, name: str) -> list[Document]:
        """Ready documents that carry a free metadata field."""
        rows = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE state='ready' AND "
                                 "json_extract(extra, ?) IS NOT NULL ORDER BY doc_id", (f'$."{name}"',))
        return [_row_to_document(r) for r in rows]

    def find_by_sha256(self, sha256: str) -> Document | None:
        """A document whose current content has this hash."""
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE sha256=? LIMIT 1", (sha256,)).fetchone()
        return _row_to_document(row) if row else None

    def doc_ids(self, state: str | None = READY) -> list[str]:
        """Ids of documents in a state (all states when None)."""
        if state is None:
            rows = self.conn.execute("SELECT doc_id FROM documents ORDER BY doc_id")
        else:
            rows = self.conn.execute("SELECT doc_id FROM documents WHERE state=? ORDER BY doc_id", (state,))
        return [r["doc_id"] for r in rows]

    def pages(self, doc_id: str) -> list[Page]:
        """All pages of a document in order."""
        rows = self.conn.execute("SELECT number, text FROM pages WHERE doc_id=? ORDER BY number", (doc_id,))
        return [Page(r["number"], r["text"]) for r in rows]

    def get_pages(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Page]:
        """Pages by (doc_id, number), in one query per 400 of them."""
        out: dict[tuple[str, int], Page] = {}
        for part, marks, values in _row_values(keys):
            # a join from the keys, so each page is looked up by its primary key (an IN over row values scans)
            for row in self.conn.execute(f"SELECT p.doc_id, p.number, p.text FROM (VALUES {marks}) AS k "
                                         "JOIN pages p ON p.doc_id = k.column1 AND p.number = k.column2", values):
                out[(row["doc_id"], row["number"])] = Page(row["number"], row["text"])
        return out

    def chunks_on_pages(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[Chunk]]:
        """Every chunk of the pages (doc_id, number), in reading order, in one query per 400 pages."""
        out: dict[tuple[str, int], list[Chunk]] = {}
        for part, marks, values in _row_values(keys):
            for row in self.conn.execute(f"SELECT c.* FROM (VALUES {marks}) AS k JOIN chunks c "
                                         "ON c.doc_id = k.column1 AND c.page = k.column2 "
                                         "ORDER BY c.doc_id, c.page, c.seq", values):
                out.setdefault((row["doc_id"], row["page"]), []).append(_row_to_chunk(row))
        return out

    def chunk_starts(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], list[tuple[int, str]]]:
        """Where every chunk of the pages (doc_id, number) starts: (start, chunk id) in reading order, read from the
        page index alone (no chunk text), in one query per 400 pages."""
        out: dict[tuple[str, int], list[tuple[int, str]]] = {}
        for part, marks, values in _row_values(keys):
            for doc_id, page, start, chunk_id in self.conn.execute(
                    f"SELECT c.doc_id, c.page, c.start, c.chunk_id FROM (VALUES {marks}) AS k "
                    "JOIN chunks c INDEXED BY chunks_page_start ON c.doc_id = k.column1 AND c.page = k.column2 "
                    "ORDER BY c.doc_id, c.page, c.seq", values):
                out.setdefault((doc_id, page), []).append((start, chunk_id))
        return out

    def chunk_at(self, doc_id: str, page: int, position: int) -> Chunk | None:
        """The chunk of a page that covers a character position (else the page's nearest chunk)."""
        return chunk_covering(self.chunks_on_pages([(doc_id, page)]).get((doc_id, page), []), position)

    def page_keys_by_doc(self) -> dict[str, set[int]]:
        """Numbers of the non-empty pages of every document (used by consistency checks)."""
        out: dict[str, set[int]] = {}
        for row in self.conn.execute("SELECT doc_id, number FROM pages WHERE length(trim(text)) > 0"):
            out.setdefault(row["doc_id"], set()).add(row["number"])
        return out

    def chunks(self, doc_id: str) -> list[Chunk]:
        """All chunks of a document in reading order."""
        rows = self.conn.execute("SELECT * FROM chunks WHERE doc_id=? ORDER BY page, seq", (doc_id,))
        return [_row_to_chunk(r) for r in rows]

    def get_chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        """Chunks by id."""
        ids = list(dict.fromkeys(chunk_ids))
        out: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(f"SELECT * FROM chunks WHERE chunk_id IN ({marks})", part):
                out[row["chunk_id"]] = _row_to_chunk(row)
        return out

    def chunk_ids_by_doc(self) -> dict[str, set[str]]:
        """Every chunk id, grouped by document id (used by consistency checks)."""
        out: dict[str, set[str]] = {}
        for row in self.conn.execute("SELECT doc_id, chunk_id FROM chunks"):
            out.setdefault(row["doc_id"], set()).add(row["chunk_id"])
        return out

    def filter_doc_ids(self, filters: Filters) -> set[str]:
        """Ids of ready documents that satisfy the filters."""
        where, params = filters.to_sql()
        rows = self.conn.execute(f"SELECT doc_id FROM documents WHERE state='ready' AND {where}", params)
        return {r["doc_id"] for r in rows}

    def languages(self) -> list[str]:
        """The languages of the ready documents, most documents first."""
        rows = self.conn.execute("SELECT language, count(*) FROM documents WHERE state='ready' AND language IS NOT "
                                 "NULL AND language != '' GROUP BY language ORDER BY 2 DESC")
        return [r[0] for r in rows]

    def stats(self) -> dict[str, Any]:
        """Counts of documents, pages and chunks (ready documents only), and by language."""
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        by_language = {
            (r[0] or "unknown"): r[1]
            for r in self.conn.execute(
                "SELECT language, count(*) FROM documents WHERE state='ready' GROUP BY language ORDER BY 2 DESC")
        }
        return {
            "documents": one("SELECT count(*) FROM documents WHERE state='ready'"),
            "pages": one("SELECT coalesce(sum(n_pages), 0) FROM documents WHERE state='ready'"),
            "chunks": one("SELECT coalesce(sum(n_chunks), 0) FROM documents WHERE state='ready'"),
            "pending": one("SELECT count(*) FROM documents WHERE state!='ready'"),
            "by_language": by_language,
        }

    def get_embeddings(self, model_id: str, text_hashes: Iterable[str]) -> dict[str, bytes]:
        """Cached embeddings (raw float32 bytes) by chunk-text hash for one model."""
        hashes = list(dict.fromkeys(text_hashes))
        out: dict[str, bytes] = {}
        for start in range(0, len(hashes), 500):
            part = hashes[start:start + 500]
            marks = ",".join("?" * len(part))
            for row in self.conn.execute(
                    f"SELECT text_sha256, vector FROM embeddings WHERE model_id=? AND text_sha256 IN ({marks})",
                    [model_id, *part]):
                out[row["text_sha256"]] = row["vector"]
        return out

    def put_embeddings(self, model_id: str, items: Iterable[tuple[str, bytes]]) -> None:
        """Cache embeddings by chunk-text hash (one transaction)."""
        with self.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                             [(model_id, sha, blob) for sha, blob in items])

    def overview(self, fields: Iterable[str]) -> dict[str, dict[str, dict[str, int]]]:
        """Documents and pages of ready documents by each value of each field (a document counts once for each of
        the values of a multi-valued field), most documents first."""
        out: dict[str, dict[str, dict[str, int]]] = {}
        for name in fields:
            groups: dict[str, dict[str, int]] = {}
            rows = self.conn.execute(f"SELECT CAST({field_sql(name)} AS TEXT) AS value, n_pages FROM documents "
                                     "WHERE state='ready'")
            for row in rows:
                for value in dict.fromkeys(split_values(name, row["value"])) or ["unknown"]:
                    group = groups.setdefault(value, {"documents": 0, "pages": 0})
                    group["documents"] += 1
                    group["pages"] += row["n_pages"] or 0
            out[name] = dict(sorted(groups.items(), key=lambda item: (-item[1]["documents"], item[0])))
        return out

    def browse(self, filters: Filters, limit: int) -> list[Document]:
        """Ready documents that satisfy the filters, newest first (then by title)."""
        where, params = filters.to_sql()
        rows = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE state='ready' AND {where} "
                                 "ORDER BY year IS NULL, year DESC, title LIMIT ?", [*params, limit])
        return [_row_to_document(r) for r in rows]

    def recent_documents(self, limit: int) -> list[Document]:
        """The most recently ingested ready documents."""
        rows = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE state='ready' "
                                 "ORDER BY updated_at DESC, doc_id LIMIT ?", (limit,))
        return [_row_to_document(r) for r in rows]

    # ----- writes ------------------------------------------------------------------------------
    def write_document(self, prepared: PreparedDocument,
                       related: Iterable[tuple[str, str, float]] | None = None) -> None:
        """Insert or replace a document with its pages, chunks, fingerprint and links, in state 'pending',
        atomically (`related`: (other doc id, kind, score); None keeps the links it has)."""
        doc = prepared.document
        now = utc_now()
        with self.transaction() as conn:
            old = conn.execute("SELECT ingested_at, state FROM documents WHERE doc_id=?", (doc.doc_id,)).fetchone()
            ingested_at = old["ingested_at"] if old else (doc.ingested_at or now)
            if old and old["state"] == READY:
                _bump_generation(conn)  # a ready document leaves the search until it is ready again
            conn.execute("DELETE FROM pages WHERE doc_id=?", (doc.doc_id,))
            conn.execute("DELETE FROM chunks WHERE doc_id=?", (doc.doc_id,))
            conn.execute(
                "INSERT INTO documents (doc_id, source, sha256, title, organisation, year, language, doc_type, "
                "country, symbol, extra, ingested_at, updated_at, n_pages, n_chunks, stored_file, state) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, 'pending') "
                "ON CONFLICT(doc_id) DO UPDATE SET source=excluded.source, sha256=excluded.sha256, "
                "title=excluded.title, organisation=excluded.organisation, year=excluded.year, "
                "language=excluded.language, doc_type=excluded.doc_type, country=excluded.country, "
                "symbol=excluded.symbol, extra=excluded.extra, updated_at=excluded.updated_at, "
                "n_pages=excluded.n_pages, n_chunks=excluded.n_chunks, stored_file=excluded.stored_file, "
                "state='pending'",
                (doc.doc_id, doc.source, doc.sha256, doc.title, doc.organisation, doc.year, doc.language,
                 doc.doc_type, doc.country, doc.symbol, json.dumps(doc.extra, ensure_ascii=False, default=str),
                 ingested_at, now, len(prepared.pages), len(prepared.chunks), doc.stored_file),
            )
            conn.executemany("INSERT INTO pages VALUES (?,?,?)",
                             [(doc.doc_id, p.number, p.text) for p in prepared.pages])
            conn.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)",
                [(c.chunk_id, c.doc_id, c.page, c.seq, c.start, c.end, c.text, c.n_tokens, c.text_sha256)
                 for c in prepared.chunks],
            )
            if prepared.recommendations is not None:
                rec_store.replace_records(conn, doc.doc_id, prepared.recommendations)
            if prepared.fingerprint is not None:
                _write_fingerprint(conn, prepared.fingerprint)
            if related is not None:
                _replace_relations(conn, doc.doc_id, related)
            audit.record(conn, self.actor, self.activity, doc.doc_id,
                         {"source": doc.source, "title": doc.title[:200], "again": old is not None})
        doc.ingested_at = ingested_at

    def update_metadata(self, doc: Document) -> None:
        """Write a document's metadata fields (not its text) back to the store."""
        with self.transaction() as conn:
            conn.execute("UPDATE documents SET title=?, organisation=?, year=?, language=?, doc_type=?, country=?, "
                         "symbol=?, extra=?, updated_at=? WHERE doc_id=?",
                         (doc.title, doc.organisation, doc.year, doc.language, doc.doc_type, doc.country, doc.symbol,
                          json.dumps(doc.extra, ensure_ascii=False, default=str), utc_now(), doc.doc_id))
            _bump_generation(conn)

    # ----- corrections, fingerprints and relations ------------------------------------------------
    def corrections(self, doc_id: str) -> dict[str, tuple[Any, str]]:
        """A researcher's corrections of a document: {field: (value, when)}."""
        rows = self.conn.execute("SELECT field, value, corrected_at FROM corrections WHERE doc_id=? ORDER BY field",
                                 (doc_id,)).fetchall()
        return {r["field"]: (json.loads(r["value"]) if r["value"] is not None else None, r["corrected_at"])
                for r in rows}

    def set_corrections(self, doc_id: str, values: dict[str, Any]) -> str:
        """Record corrections (a None value clears the field); returns when."""
        now = utc_now()
        with self.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO corrections VALUES (?,?,?,?)",
                             [(doc_id, k, json.dumps(v, ensure_ascii=False), now) for k, v in values.items()])
            audit.record(conn, self.actor, "correct", doc_id, {"fields": values})
        return now

    def set_fingerprint(self, fp: Any, related: Iterable[tuple[str, str, float]]) -> None:
        """Store a document's fingerprint and replace its links, in one transaction."""
        with self.transaction() as conn:
            _write_fingerprint(conn, fp)
            _replace_relations(conn, fp.doc_id, related)
            _bump_generation(conn)  # readers keep links by generation

    def clear_relations(self) -> None:
        """Forget every near-duplicate and translation link."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM relations")
            _bump_generation(conn)

    def fingerprint_rows(self) -> list[sqlite3.Row]:
        """Every stored fingerprint (documents not being removed)."""
        return self.conn.execute(
            "SELECT f.* FROM fingerprints f JOIN documents d USING (doc_id) WHERE d.state != 'deleting'").fetchall()

    def relations(self, doc_ids: Iterable[str], ready_only: bool = True) -> dict[str, list[tuple[str, str, float]]]:
        """{doc id: [(other id, kind, score), ...]} best first (links to ready documents only, by default)."""
        ids = list(doc_ids)
        out: dict[str, list[tuple[str, str, float]]] = {d: [] for d in ids}
        state = " AND +d.state='ready'" if ready_only else ""  # by the ids, not every ready document (as above)
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT r.doc_id, r.other_id, r.kind, r.score FROM relations r JOIN documents d "
                f"ON d.doc_id = r.other_id WHERE r.doc_id IN ({marks}){state} "
                f"ORDER BY r.score DESC",
                part).fetchall()
            for r in rows:
                out[r["doc_id"]].append((r["other_id"], r["kind"], r["score"]))
        return out

    def set_state(self, doc_ids: Iterable[str], state: str) -> None:
        """Move documents to a state in one transaction."""
        ids = list(doc_ids)
        if not ids:
            return
        with self.transaction() as conn:
            conn.executemany("UPDATE documents SET state=? WHERE doc_id=?", [(state, d) for d in ids])
            _bump_generation(conn)
            if state == DELETING:  # the removal is decided here; the rows go once every index has let them go
                for doc_id in ids:
                    row = conn.execute("SELECT source, title FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
                    audit.record(conn, self.actor, "remove", doc_id,
                                 {"source": row["source"], "title": row["title"][:200]} if row else {})

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Delete documents with their pages and chunks."""
        ids = list(doc_ids)
        if not ids:
            return
        with self.transaction() as conn:
            conn.executemany("DELETE FROM documents WHERE doc_id=?", [(d,) for d in ids])
            _bump_generation(conn)


def chunk_covering(chunks: list[Chunk], position: int) -> Chunk | None:
    """Of a page's chunks, the one that starts nearest before a character position (else the nearest after)."""
    return min(chunks, key=lambda c: _nearness(c.start, position), default=None)


def chunk_id_covering(starts: list[tuple[int, str]], position: int) -> str:
    """The same choice from a page's (start, chunk id) pairs: the chunk id ("" for a page without chunks)."""
    best = min(starts, key=lambda item: _nearness(item[0], position), default=None)
    return best[1] if best is not None else ""


def _nearness(start: int, position: int) -> tuple[bool, int]:
    """Chunks starting at or before the position first, then the nearest."""
    return start > position, abs(start - position)


def _row_values(keys: Iterable[tuple[str, int]], size: int = 400) -> Iterator[tuple[list, str, list]]:
    """(keys, "(?,?),(?,?)…", flat values) in parts small enough for one SQLite statement."""
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), size):
        part = unique[start:start + size]
        yield part, ",".join("(?,?)" for _ in part), [v for key in part for v in key]


def _bump_generation(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO meta VALUES ('generation', '1') "
                 "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def _write_fingerprint(conn: sqlite3.Connection, fp: Any) -> None:
    conn.execute("INSERT OR REPLACE INTO fingerprints VALUES (?,?,?,?,?,?)",
                 (fp.doc_id, fp.language, fp.n_pages, fp.minhash.tobytes(), fp.pair_hashes.tobytes(),
                  fp.pair_counts.tobytes()))


def _replace_relations(conn: sqlite3.Connection, doc_id: str, found: Iterable[tuple[str, str, float]]) -> None:
    """Set a document's near-duplicate and translation links (stored in both directions).

    A document has one translation per language: a new link replaces the other document's weaker link to a
    document in the new one's language (the new link is only made when it scores better). Needs the new
    document's fingerprint written first.
    """
    items = list(found)
    conn.execute("DELETE FROM relations WHERE doc_id=? OR other_id=?", (doc_id, doc_id))
    for other, kind, _ in items:
        if kind != "translation":
            continue
        conn.execute(
            "DELETE FROM relations WHERE kind='translation' AND ((doc_id=:o AND other_id IN (SELECT f.doc_id FROM "
            "fingerprints f WHERE f.language=(SELECT language FROM fingerprints WHERE doc_id=:d))) OR "
            "(other_id=:o AND doc_id IN (SELECT f.doc_id FROM fingerprints f WHERE f.language=(SELECT language "
            "FROM fingerprints WHERE doc_id=:d))))", {"o": other, "d": doc_id})
    conn.executemany("INSERT OR REPLACE INTO relations VALUES (?,?,?,?)",
                     [row for other, kind, score in items
                      for row in ((doc_id, other, kind, score), (other, doc_id, kind, score))])


def _row_to_document(row: sqlite3.Row) -> Document:
    return Document(
        doc_id=row["doc_id"], source=row["source"], sha256=row["sha256"], title=row["title"],
        organisation=row["organisation"], year=row["year"], language=row["language"], doc_type=row["doc_type"],
        country=row["country"], symbol=row["symbol"], extra=json.loads(row["extra"] or "{}"),
        ingested_at=row["ingested_at"], n_pages=row["n_pages"], n_chunks=row["n_chunks"],
        stored_file=row["stored_file"],
    )


def _row_to_chunk(row: sqlite3.Row) -> Chunk:
    return Chunk(chunk_id=row["chunk_id"], doc_id=row["doc_id"], page=row["page"], seq=row["seq"],
                 start=row["start"], end=row["end"], text=row["text"], n_tokens=row["n_tokens"])
