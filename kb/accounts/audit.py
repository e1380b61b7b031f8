"""The audit trail: who changed what, when, from where — each entry written in the transaction of its change."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any, Protocol

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    user TEXT NOT NULL,
    via TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_time ON audit(time);
CREATE INDEX IF NOT EXISTS audit_user ON audit(user, time)
"""
MAX_DETAIL_CHARS = 4000  # a detail is a summary: long values (a whole passage) are cut


class Who(Protocol):
    """Whoever acts: what the audit trail needs of an Actor."""

    @property
    def label(self) -> str: ...
    via: str
    address: str


def init_schema(conn: sqlite3.Connection) -> None:
    """Create the audit table (inside the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def now_iso() -> str:
    """The current UTC time as ISO 8601 with microseconds (entries of one second keep their order)."""
    return datetime.now(timezone.utc).isoformat()


def record(conn: sqlite3.Connection, who: Who, action: str, target: str = "",
           detail: dict[str, Any] | None = None) -> None:
    """Write one entry with the caller's connection, so that it commits or rolls back with the change."""
    text = json.dumps(detail or {}, ensure_ascii=False, default=str)
    if len(text) > MAX_DETAIL_CHARS:
        text = json.dumps({"summary": text[:MAX_DETAIL_CHARS]}, ensure_ascii=False)
    conn.execute("INSERT INTO audit (time, user, via, address, action, target, detail) VALUES (?,?,?,?,?,?,?)",
                 (now_iso(), who.label, who.via, who.address or "", action, str(target), text))


def entries(conn: sqlite3.Connection, *, since: str | None = None, user: str | None = None,
            action: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """Entries oldest first, filtered by start time (ISO date or time), user and action (an action prefix such as
    `list` matches `list.create` and the rest)."""
    where, params = ["1=1"], []
    if since:
        where.append("time >= ?")
        params.append(since)
    if user:
        where.append("user = ?")
        params.append(user)
    if action:
        where.append("(action = ? OR action LIKE ?)")
        params += [action, action.replace("%", "").replace("_", "") + ".%"]
    rows = conn.execute(f"SELECT * FROM (SELECT * FROM audit WHERE {' AND '.join(where)} ORDER BY entry_id DESC "
                        "LIMIT ?) ORDER BY entry_id", (*params, limit)).fetchall()
    return [{"id": r["entry_id"], "time": r["time"], "user": r["user"], "via": r["via"], "address": r["address"],
             "action": r["action"], "target": r["target"], "detail": json.loads(r["detail"] or "{}")} for r in rows]
