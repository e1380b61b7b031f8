"""The account and API-token tables, in the knowledge base's SQLite file; every change is audited in its own
transaction."""
from __future__ import annotations

import re
import sqlite3
from typing import Any

from ..errors import KBError
from ..permissions import ROLES, Actor
from ..store import DocumentStore, utc_now
from . import audit

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    role TEXT NOT NULL,
    password_hash TEXT,
    source TEXT NOT NULL DEFAULT 'local',
    created_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    failed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE ON UPDATE CASCADE,
    digest TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_used TEXT
)
"""
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
PUBLIC_COLUMNS = "name, role, source, created_at, changed_at, disabled, locked_until, failed"


def check_name(name: str) -> str:
    """An account name as given when it is acceptable; a KBError that says what is allowed otherwise."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise KBError(f"account name {name!r} is not allowed: use 1 to 64 letters, digits and . _ @ + - "
                      "(starting with a letter or digit)")
    return name


def check_role(role: str) -> str:
    """A role name when it is one of reader, researcher, admin."""
    if role not in ROLES:
        raise KBError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


class AccountStore:
    """Rows of accounts and tokens; writes take the actor who makes them, for the audit trail."""

    def __init__(self, store: DocumentStore):
        self.store = store
        with store.transaction() as conn:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    def get(self, name: str) -> dict[str, Any] | None:
        """An account's row with its password hash, or None."""
        row = self.conn.execute("SELECT * FROM accounts WHERE name=?", (name,)).fetchone()
        return dict(row) if row else None

    def all(self) -> list[dict[str, Any]]:
        """Every account, without hashes, by name."""
        rows = self.conn.execute(f"SELECT {PUBLIC_COLUMNS} FROM accounts ORDER BY name COLLATE NOCASE")
        return [dict(r) for r in rows]

    def count_admins(self) -> int:
        """Accounts with the admin role that are not disabled."""
        return int(self.conn.execute("SELECT count(*) FROM accounts WHERE role='admin' AND disabled=0").fetchone()[0])

    def insert(self, actor: Actor, name: str, role: str, password_hash: str | None, source: str = "local") -> None:
        """Add an account (an existing name is an error)."""
        now = utc_now()
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM accounts WHERE name=?", (name,)).fetchone():
                raise KBError(f"an account named {name!r} exists already")
            conn.execute("INSERT INTO accounts (name, role, password_hash, source, created_at, changed_at) "
                         "VALUES (?,?,?,?,?,?)", (name, role, password_hash, source, now, now))
            audit.record(conn, actor, "account.add", name, {"role": role, "source": source})

    def update(self, actor: Actor, name: str, action: str, detail: dict[str, Any], **values: Any) -> None:
        """Change columns of an account and audit it as `action` (the detail never holds a secret)."""
        sets = ", ".join(f"{column}=?" for column in values)
        with self.store.transaction() as conn:
            cursor = conn.execute(f"UPDATE accounts SET {sets}, changed_at=? WHERE name=?",
                                  (*values.values(), utc_now(), name))
            if cursor.rowcount != 1:
                raise KBError(f"no account {name!r} (see `kb users list`)")
            audit.record(conn, actor, action, name, detail)

    def was_removed(self, name: str) -> bool:
        """True when the audit trail's last word on an account of this name is its removal (no account now)."""
        row = self.conn.execute("SELECT action FROM audit WHERE target = ? COLLATE NOCASE AND action IN "
                                "('account.add', 'account.remove') ORDER BY entry_id DESC LIMIT 1", (name,)).fetchone()
        return bool(row) and row[0] == "account.remove"

    def count_failure(self, name: str, locked_until: str | None) -> int:
        """Count a wrong password (and lock until a time, when given); returns the count. Not audited one by one:
        a lock is."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE accounts SET failed=failed+1, locked_until=coalesce(?, locked_until) WHERE name=?",
                         (locked_until, name))
            row = conn.execute("SELECT failed FROM accounts WHERE name=?", (name,)).fetchone()
            if locked_until is not None:
                audit.record(conn, Actor(name, "reader", "app"), "account.lock", name, {"until": locked_until})
            return int(row[0]) if row else 0

    def clear_failures(self, name: str) -> None:
        """A right password: the count starts again."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE accounts SET failed=0, locked_until=NULL WHERE name=? AND failed>0", (name,))

    def delete(self, actor: Actor, name: str) -> None:
        """Remove an account with its tokens; its private reading lists and its saved searches go with it, its
        shared lists stay, owned by no one (so that a later account of the same name inherits nothing)."""
        with self.store.transaction() as conn:
            if conn.execute("DELETE FROM accounts WHERE name=?", (name,)).rowcount != 1:
                raise KBError(f"no account {name!r} (see `kb users list`)")
            private = conn.execute("DELETE FROM reading_lists WHERE owner=? AND shared=0", (name,)).rowcount
            shared = conn.execute("UPDATE reading_lists SET owner=NULL WHERE owner=?", (name,)).rowcount
            detail = {"private_lists_deleted": private, "shared_lists_kept": shared}
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='saved_searches'").fetchone():
                # saved searches are private too: their feeds and e-mailed alerts stop with the account
                detail["saved_searches_deleted"] = conn.execute("DELETE FROM saved_searches WHERE owner=?",
                                                                (name,)).rowcount
            audit.record(conn, actor, "account.remove", name, detail)

    # ----- tokens ------------------------------------------------------------------------------
    def add_token(self, actor: Actor, name: str, digest: str, label: str) -> int:
        """Store a token's digest for an account; returns its id."""
        with self.store.transaction() as conn:
            cursor = conn.execute("INSERT INTO api_tokens (name, digest, label, created_at) VALUES (?,?,?,?)",
                                  (name, digest, label, utc_now()))
            audit.record(conn, actor, "token.add", name, {"token_id": cursor.lastrowid, "label": label})
            return int(cursor.lastrowid)

    def tokens(self, name: str) -> list[dict[str, Any]]:
        """An account's tokens (never their digests)."""
        rows = self.conn.execute("SELECT token_id AS id, label, created_at AS created, last_used FROM api_tokens "
                                 "WHERE name=? ORDER BY token_id", (name,))
        return [dict(r) for r in rows]

    def revoke_token(self, actor: Actor, name: str, token_id: int) -> None:
        """Delete one token of an account."""
        with self.store.transaction() as conn:
            if conn.execute("DELETE FROM api_tokens WHERE name=? AND token_id=?", (name, token_id)).rowcount != 1:
                raise KBError(f"account {name!r} has no token {token_id} (see `kb users tokens {name}`)")
            audit.record(conn, actor, "token.revoke", name, {"token_id": token_id})

    def token_owner(self, digest: str) -> dict[str, Any] | None:
        """The account row of a token's digest (and the token's id), or None."""
        row = self.conn.execute("SELECT t.token_id, t.last_used, a.* FROM api_tokens t JOIN accounts a "
                                "ON a.name = t.name WHERE t.digest=?", (digest,)).fetchone()
        return dict(row) if row else None

    def touch_token(self, token_id: int, when: str) -> None:
        """Note when a token was last used."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE api_tokens SET last_used=? WHERE token_id=?", (when, token_id))
