"""Who may do what: the one permission check that the app, the API and the command line all ask.

An `Actor` is whoever makes a request (a signed-in account, an API token's account, the command line's user, or
an anonymous visitor); `allowed` and `require` answer whether that actor may take an action. Surfaces never
compare roles themselves.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass

from .errors import KBError

ROLES = ("reader", "researcher", "admin")
ANONYMOUS_ROLE = "anonymous"
_RANK = {ANONYMOUS_ROLE: 0, "reader": 1, "researcher": 2, "admin": 3}

# Each action and the lowest role that may take it. "read" (search, documents, pages, originals, records,
# statistics) is also open to anonymous visitors when the setting public_access is "read".
ACTIONS: dict[str, str] = {
    "read": "reader",
    "lists.own": "reader",            # create, change, export and delete one's own reading lists
    "lists.shared": "researcher",     # change or delete shared lists of others, make a list shared
    "searches.own": "reader",         # saved searches and their alerts
    "ingest": "researcher",           # ingest files or URLs, upload, fetch full texts
    "correct": "researcher",          # correct metadata
    "remove": "researcher",           # remove documents
    "reindex": "researcher",
    "accounts": "admin",              # add, change and remove accounts; assign lists
    "audit": "admin",                 # read the audit trail
}
PUBLIC_ACCESS = ("read", "none")


class PermissionDenied(KBError):
    """The actor may not take this action; the message says what is needed."""


@dataclass(frozen=True)
class Actor:
    """Whoever makes a request: an account name and role, or an anonymous visitor (name None)."""

    name: str | None
    role: str = ANONYMOUS_ROLE
    via: str = "app"        # app | api | cli | oidc | proxy
    address: str = ""       # the client's address, as far as the server can tell

    @property
    def signed_in(self) -> bool:
        """True for an account, False for an anonymous visitor."""
        return self.name is not None and self.role in ROLES

    @property
    def label(self) -> str:
        """How the audit trail and the app name this actor."""
        return self.name if self.name is not None else "anonymous"


ANONYMOUS = Actor(None)


def anonymous(via: str = "app", address: str = "") -> Actor:
    """An anonymous visitor on a surface."""
    return Actor(None, ANONYMOUS_ROLE, via, address)


def system_actor(name: str | None = None) -> Actor:
    """The command line's actor: the operating-system user (who has the data directory's files anyway) with the
    admin role, unless a surface names an account instead."""
    if name is None:
        try:
            name = getpass.getuser()
        except Exception:  # no user name in this environment (a container without one)
            name = "local"
    return Actor(name, "admin", "cli", "local")


def has_role(actor: Actor, role: str) -> bool:
    """True when the actor's role is at least `role`."""
    return _RANK.get(actor.role, 0) >= _RANK[role]


def allowed(actor: Actor, action: str, *, public_access: str = "read") -> bool:
    """True when the actor may take the action (see ACTIONS)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action == "read" and not actor.signed_in:
        return public_access == "read"
    return actor.signed_in and has_role(actor, ACTIONS[action])


def require(actor: Actor, action: str, *, public_access: str = "read") -> None:
    """Raise PermissionDenied, saying which role the action needs, unless the actor may take it."""
    if allowed(actor, action, public_access=public_access):
        return
    need = ACTIONS[action]
    who = "anonymous visitors" if not actor.signed_in else f"the {actor.role} role"
    raise PermissionDenied(f"{who} may not {_DESCRIBED[action]}: sign in with an account that has the "
                           f"{need} role or higher")


def may_view_list(actor: Actor, owner: str | None, shared: bool, *, public_access: str = "read") -> bool:
    """A shared list is readable by everyone allowed into the app; a private one only by its owner."""
    if shared:
        return allowed(actor, "read", public_access=public_access)
    return actor.signed_in and owner is not None and owner == actor.name


def may_change_list(actor: Actor, owner: str | None, shared: bool) -> bool:
    """A list is changed by its owner; a shared list also by researchers and admins."""
    if not actor.signed_in:
        return False
    if owner is not None and owner == actor.name:
        return allowed(actor, "lists.own")
    return shared and allowed(actor, "lists.shared")


_DESCRIBED = {
    "read": "read this knowledge base",
    "lists.own": "keep reading lists on the server",
    "lists.shared": "change shared reading lists of others",
    "searches.own": "save searches",
    "ingest": "add documents",
    "correct": "correct metadata",
    "remove": "remove documents",
    "reindex": "rebuild indexes",
    "accounts": "manage accounts",
    "audit": "read the audit trail",
}
