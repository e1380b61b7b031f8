"""Who is asking: the one place where a request becomes an Actor (kb.permissions), and the per-request context
(the knowledge base, the actor) that every endpoint receives.

A request without credentials is an anonymous visitor, who may read when the setting public_access is "read".
`Authorization: Bearer TOKEN` names an account through the token resolver: `api.state.actor_for_token`, a function
from a token to an Actor (None for an unknown or revoked token). Until accounts keep tokens, no resolver is set and
every token is refused; tests set one to act in each role.
"""
from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any, Callable

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from ..facade import KnowledgeBase
from ..permissions import PUBLIC_ACCESS, Actor, anonymous, require
from .errors import ApiError

# Declares the scheme in the OpenAPI schema; the header itself is read by request_actor.
BEARER = HTTPBearer(auto_error=False, description="An API token of an account: `Authorization: Bearer TOKEN`.")
TokenResolver = Callable[[str], "Actor | None"]


def public_access(kb: KnowledgeBase) -> str:
    """What anonymous visitors may do: "read" or "none" (setting public_access; "read" where it is not known)."""
    value = str(getattr(kb.settings, "public_access", "read"))
    return value if value in PUBLIC_ACCESS else "none"


def request_actor(kb: KnowledgeBase, request: Request, state: Any = None) -> Actor:
    """The Actor a request acts as: the account of its bearer token, or an anonymous visitor without one (`state`:
    the API app's state, for routes outside it such as the landing pages)."""
    address = request.client.host if request.client else ""
    header = request.headers.get("authorization", "").strip()
    if not header:
        return anonymous("api", address)
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        raise ApiError(401, "send an API token as `Authorization: Bearer TOKEN` (an account's token, from "
                       "`kb users token NAME`)", headers={"WWW-Authenticate": "Bearer"})
    resolver: TokenResolver | None = getattr(state or request.app.state, "actor_for_token", None)
    actor = resolver(token) if resolver is not None else None
    if actor is None:
        raise ApiError(401, "this API token is unknown or revoked: ask for a new one (`kb users token NAME`)",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return dataclasses.replace(actor, via="api", address=address)


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
    """The context of a request (a FastAPI dependency of every endpoint)."""
    kb = request.app.state.open_kb()
    actor = request_actor(kb, request)
    request.state.actor = actor
    lock = getattr(request.app.state, "write_lock", None) or _LOCK
    return Call(kb, actor, request, lock)


def reader(context: Call = Depends(call)) -> Call:
    """The context of a request that reads (search, documents, statistics): the "read" permission is checked."""
    context.require("read")
    return context


_LOCK = threading.RLock()
