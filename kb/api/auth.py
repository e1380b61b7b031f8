"""Who is asking: the one place where a request becomes an Actor (kb.permissions), and the per-request context
(the knowledge base, the actor) that every endpoint receives.

A request without credentials is an anonymous visitor, who may read when the setting public_access is "read" (with
"none", every endpoint but the schema and its documentation page answers 401). `Authorization: Bearer TOKEN` names
an account by one of its API tokens (`kb users token NAME`, kb.accounts): an unknown or revoked token, or one of a
disabled account, is a 401; the account's role decides the rest.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from ..facade import KnowledgeBase
from ..permissions import PUBLIC_ACCESS, Actor, anonymous, require
from .errors import ApiError

# Declares the scheme in the OpenAPI schema; the header itself is read by request_actor.
BEARER = HTTPBearer(auto_error=False, description="An API token of an account: `Authorization: Bearer TOKEN`.")
MAX_TOKEN_CHARS = 512


def public_access(kb: KnowledgeBase) -> str:
    """What anonymous visitors may do: "read" or "none" (setting public_access)."""
    value = str(getattr(kb.settings, "public_access", "read"))
    return value if value in PUBLIC_ACCESS else "none"


def bearer_token(request: Request) -> str | None:
    """The request's bearer token; None without an Authorization header; a 401 for any other credentials."""
    header = request.headers.get("authorization", "").strip()
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        raise ApiError(401, "send an API token as `Authorization: Bearer TOKEN` (an account's token, from "
                       "`kb users token NAME`)", headers={"WWW-Authenticate": "Bearer"})
    return token


def request_actor(kb: KnowledgeBase, request: Request) -> Actor:
    """The Actor a request acts as (via "api"): the account of its bearer token, or an anonymous visitor."""
    address = request.client.host if request.client else ""
    token = bearer_token(request)
    if token is None:
        return anonymous("api", address)
    actor = kb.accounts.actor_for_token(token, address)
    if actor is None:
        raise ApiError(401, "this API token is unknown or revoked, or its account is disabled: ask for a new one "
                       "(`kb users token NAME`)", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return actor


def admitted(kb: KnowledgeBase, actor: Actor) -> None:
    """A 401 for anonymous visitors where public_access is none (nothing but the schema is public then)."""
    if not actor.signed_in and public_access(kb) != "read":
        raise ApiError(401, "this server is not public: send an account's API token as `Authorization: Bearer "
                       "TOKEN` (`kb users token NAME`)", headers={"WWW-Authenticate": "Bearer"})


@dataclass
class Call:
    """One request's context: the knowledge base, who is asking, and the lock that keeps writes one at a time."""

    kb: KnowledgeBase
    actor: Actor
    request: Request
    write_lock: Any

    def require(self, action: str) -> None:
        """Raise PermissionDenied unless the actor may take the action (kb.permissions decides)."""
        require(self.actor, action, public_access=public_access(self.kb))


def call(request: Request, _credentials: Any = Depends(BEARER)) -> Call:
    """The context of a request (a FastAPI dependency of every endpoint): anonymous visitors are turned away here
    where public_access is none."""
    kb = request.app.state.open_kb()
    actor = request_actor(kb, request)
    request.state.actor = actor
    admitted(kb, actor)
    lock = getattr(request.app.state, "write_lock", None) or _LOCK
    return Call(kb, actor, request, lock)


def reader(context: Call = Depends(call)) -> Call:
    """The context of a request that reads (search, documents, statistics): the "read" permission is checked."""
    context.require("read")
    return context


_LOCK = threading.RLock()
