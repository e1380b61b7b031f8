"""Accounts as the surfaces see them (`kb.accounts`): add, change and remove accounts, sign in, API tokens.

Sign-in resists guessing three ways: each client's attempts wait their turn in kb.attempts (per client, and a
global rate for clients that guessed wrong); each account's checks run one at a time, so parallel guesses at one
account are counted exactly and it locks after `signin_max_failures` wrong passwords in a row (for
`signin_lock_minutes`, or until `kb users unlock`); and an unknown name costs the same Argon2 check as a known one.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from ..attempts import AttemptLimiter
from ..errors import KBError
from ..permissions import Actor, require, system_actor
from ..store import DocumentStore
from . import audit, passwords, tokens
from .store import AccountStore, check_name, check_role

SHARED_RESEARCHER = "researcher (shared password)"
EXTERNAL_VIAS = ("oidc", "proxy")  # accounts made by sign-in elsewhere: no password, ensure_external keeps them  # the old researcher_password, as one account
TOKEN_TOUCH_SECONDS = 60  # a token's "last used" is written at most once a minute


class SignInFailed(KBError):
    """Wrong name or password, a disabled account or a locked one (the message says which it may tell)."""


class Accounts:
    """Everything about accounts, each change checked through kb.permissions and audited."""

    def __init__(self, store: DocumentStore, *, max_failures: int = 10, lock_minutes: float = 15.0,
                 shared_password: str = "", now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.rows = AccountStore(store)
        self.store = store
        self.max_failures, self.lock_minutes = max(1, max_failures), lock_minutes
        self.shared_password = shared_password
        self.now = now
        self.limiter = AttemptLimiter()
        self._account_locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    # ----- reading -----------------------------------------------------------------------------
    def list(self, actor: Actor | None = None) -> list[dict[str, Any]]:
        """Every account (name, role, source, created, disabled, locked until, wrong passwords in a row)."""
        require(actor or system_actor(), "accounts")
        return [{**row, "disabled": bool(row["disabled"]), "locked": self._locked(row)} for row in self.rows.all()]

    def exists(self) -> bool:
        """Whether any account exists."""
        return bool(self.rows.all())

    def current(self, actor: Actor) -> Actor | None:
        """The actor as its account stands now (its role may have changed); None when the account was removed or
        disabled. Anonymous visitors come back unchanged."""
        if not actor.signed_in:
            return actor
        if actor.name == SHARED_RESEARCHER:
            return actor if self.shared_password else None
        row = self.rows.get(actor.name)
        if row is None or row["disabled"]:
            return None
        return actor if row["role"] == actor.role else Actor(row["name"], row["role"], actor.via, actor.address)

    def disabled(self, name: str) -> bool:
        """True when an account of this name exists and is disabled (its feeds and alerts pause)."""
        row = self.rows.get(name)
        return bool(row and row["disabled"])

    def actor_named(self, name: str, via: str = "cli") -> Actor:
        """The Actor of an existing, enabled account (the command line's --as); a KBError otherwise."""
        row = self._row(name)
        if row["disabled"]:
            raise KBError(f"the account {row['name']!r} is disabled")
        return Actor(row["name"], row["role"], via, "local")

    # ----- changing ----------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str | None, *, actor: Actor | None = None) -> None:
        """Add an account with a password (hashed with Argon2id), or with None one without a password for someone
        who signs in with the organisation's identity (made ahead of time, or let in again after a removal)."""
        require(actor or system_actor(), "accounts")
        self.rows.insert(actor or system_actor(), check_name(name), check_role(role),
                         None if password is None else passwords.hash_password(password),
                         source="local" if password is not None else "external")

    def ensure_external(self, name: str, role: str, via: str, *, address: str = "") -> Actor:
        """The account of someone signed in by the organisation's identity provider or a trusted proxy: created
        without a password when new, its role brought up to date when the provider says otherwise (both audited,
        by the identity itself, via oidc or proxy). Refused (SignInFailed) for a disabled account, for a removed
        one (until an admin adds it again: `kb users add NAME --role ROLE --external`) and for an account with a
        password of the same name, which an identity elsewhere must not take over."""
        if via not in EXTERNAL_VIAS:
            raise ValueError(f"unknown sign-in source {via!r}")
        name, role = check_name(name), check_role(role)
        who = Actor(name, role, via, address)
        row = self.rows.get(name)
        if row is not None and (row["source"] == "local" or row["password_hash"]):
            raise SignInFailed(f"the name {row['name']!r} belongs to an account of this knowledge base with a "
                               "password: sign in with that password, or ask an admin")
        if row is None and self.rows.was_removed(name):
            raise SignInFailed(f"the account {name!r} was removed: ask an admin to add it again")
        if row is None:
            self.rows.insert(who, name, role, None, source=via)
        elif row["disabled"]:
            raise SignInFailed(f"the account {row['name']!r} is disabled: ask an admin")
        elif row["role"] != role:
            self.rows.update(who, row["name"], "account.role", {"from": row["role"], "to": role, "by": via},
                             role=role)
        return Actor(row["name"] if row else name, role, via, address)

    def set_password(self, name: str, password: str, *, actor: Actor | None = None) -> None:
        """Give an account a new password (admins for anyone, everyone for themselves)."""
        actor = actor or system_actor()
        if actor.name != name:
            require(actor, "accounts")
        self.rows.update(actor, self._name(name), "account.password", {}, password_hash=passwords.hash_password(
            password), failed=0, locked_until=None)

    def set_role(self, name: str, role: str, *, actor: Actor | None = None) -> None:
        """Change an account's role (the last admin keeps theirs)."""
        require(actor or system_actor(), "accounts")
        row = self._row(name)
        if row["role"] == "admin" and check_role(role) != "admin":
            self._keep_an_admin(row)
        self.rows.update(actor or system_actor(), row["name"], "account.role",
                         {"from": row["role"], "to": check_role(role)}, role=role)

    def set_disabled(self, name: str, disabled: bool, *, actor: Actor | None = None) -> None:
        """Disable an account (its sessions end at their next page, its tokens stop working) or enable it."""
        require(actor or system_actor(), "accounts")
        row = self._row(name)
        if disabled and row["role"] == "admin":
            self._keep_an_admin(row)
        self.rows.update(actor or system_actor(), row["name"], "account.disable" if disabled else "account.enable",
                         {}, disabled=int(disabled))

    def remove(self, name: str, *, actor: Actor | None = None) -> None:
        """Remove an account, its tokens, its private reading lists and saved searches (its shared lists stay, owned
        by no one)."""
        require(actor or system_actor(), "accounts")
        row = self._row(name)
        if row["role"] == "admin":
            self._keep_an_admin(row)
        self.rows.delete(actor or system_actor(), row["name"])

    def unlock(self, name: str, *, actor: Actor | None = None) -> None:
        """Let a locked account sign in again at once."""
        require(actor or system_actor(), "accounts")
        self.rows.update(actor or system_actor(), self._name(name), "account.unlock", {}, failed=0,
                         locked_until=None)

    # ----- signing in --------------------------------------------------------------------------
    def authenticate(self, name: str, password: str, client: str = "local", via: str = "app") -> Actor:
        """The account's Actor when the password is right; SignInFailed when it is wrong, the account unknown,
        disabled or locked; kb.attempts.TooManyAttempts when this client must wait."""
        name, password = (name or "").strip()[:64], (password or "")[:passwords.MAX_LENGTH + 1]
        outcome: list[Actor] = []
        self.limiter.attempt(client, lambda: self._check(name, password, client, via, outcome))
        if not outcome:
            raise SignInFailed("Wrong name or password.")
        return outcome[0]

    def _check(self, name: str, password: str, client: str, via: str, outcome: list[Actor]) -> bool:
        if not name and self.shared_password:
            if passwords.same_text(password, self.shared_password):
                outcome.append(Actor(SHARED_RESEARCHER, "researcher", via, client))
            return bool(outcome)
        with self._account_lock(name):  # one check per account at a time: parallel guesses are counted exactly
            row = self.rows.get(name) if name else None
            if row is not None and self._locked(row):
                passwords.verify(None, password)  # as slow as any other answer
                raise SignInFailed(f"This account is locked after {self.max_failures} wrong passwords: try again "
                                   f"after {row['locked_until'][11:16]} UTC, or ask an admin to unlock it.")
            right = passwords.verify(row["password_hash"] if row else None, password)
            if row is None:
                return False
            if not right:
                failed = row["failed"] + 1
                until = (self.now() + timedelta(minutes=self.lock_minutes)).replace(microsecond=0).isoformat() \
                    if failed >= self.max_failures else None
                self.rows.count_failure(row["name"], until)
                return False
            if row["disabled"]:
                raise SignInFailed("This account is disabled: ask an admin.")
            self.rows.clear_failures(row["name"])
            outcome.append(Actor(row["name"], row["role"], via, client))
            return True

    def _locked(self, row: dict[str, Any]) -> bool:
        until = row.get("locked_until")
        return bool(until) and until > self.now().replace(microsecond=0).isoformat()

    def _account_lock(self, name: str) -> threading.Lock:
        with self._locks_lock:
            if len(self._account_locks) > 10_000:
                self._account_locks = {k: v for k, v in self._account_locks.items() if v.locked()}
            return self._account_locks.setdefault(name.lower(), threading.Lock())

    # ----- API tokens --------------------------------------------------------------------------
    def new_token(self, name: str, label: str = "", *, actor: Actor | None = None) -> tuple[int, str]:
        """A new API token for an account: (its id, the token, shown this once; only its SHA-256 is kept)."""
        actor = actor or system_actor()
        if actor.name != name:
            require(actor, "accounts")
        token = tokens.new_token()
        return self.rows.add_token(actor, self._name(name), tokens.digest(token), label[:200]), token

    def tokens(self, name: str, *, actor: Actor | None = None) -> list[dict[str, Any]]:
        """An account's tokens: id, label, created, last used."""
        actor = actor or system_actor()
        if actor.name != name:
            require(actor, "accounts")
        return self.rows.tokens(self._name(name))

    def revoke_token(self, name: str, token_id: int, *, actor: Actor | None = None) -> None:
        """Revoke one of an account's tokens."""
        actor = actor or system_actor()
        if actor.name != name:
            require(actor, "accounts")
        self.rows.revoke_token(actor, self._name(name), token_id)

    def actor_for_token(self, token: str, address: str = "") -> Actor | None:
        """The Actor of an API token (via "api"), or None for an unknown or revoked token or a disabled account."""
        if not token or len(token) > 200:
            return None
        row = self.rows.token_owner(tokens.digest(token))
        if row is None or row["disabled"]:
            return None
        now = self.now()
        if not row["last_used"] or row["last_used"] < (now - timedelta(seconds=TOKEN_TOUCH_SECONDS)).isoformat():
            self.rows.touch_token(row["token_id"], now.replace(microsecond=0).isoformat())
        return Actor(row["name"], row["role"], "api", address)

    # ----- audit -------------------------------------------------------------------------------
    def audit(self, *, since: str | None = None, user: str | None = None, action: str | None = None,
              limit: int = 1000, actor: Actor | None = None) -> list[dict[str, Any]]:
        """Audit entries, oldest first (admins only)."""
        require(actor or system_actor(), "audit")
        return audit.entries(self.store.conn, since=since, user=user, action=action, limit=limit)

    # ----- helpers -----------------------------------------------------------------------------
    def _row(self, name: str) -> dict[str, Any]:
        row = self.rows.get(name)
        if row is None:
            raise KBError(f"no account {name!r} (see `kb users list`)")
        return row

    def _name(self, name: str) -> str:
        return self._row(name)["name"]

    def _keep_an_admin(self, row: dict[str, Any]) -> None:
        if not row["disabled"] and self.rows.count_admins() <= 1:
            raise KBError(f"{row['name']!r} is the last admin: make another account admin first")
