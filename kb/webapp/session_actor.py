"""Who this browser session is: the one function every page asks (`current_actor`), checked against the account
on each run, so that a removed or disabled account's session ends and a changed role applies at the next page.

Sign-in by the organisation's identity provider or a trusted proxy header plugs in through EXTERNAL_SOURCES: each
is a function of the knowledge base that returns an Actor for the visitor, or None.
"""
from __future__ import annotations

import ipaddress
from typing import Callable

import streamlit as st

from kb import KnowledgeBase
from kb.permissions import Actor, allowed, anonymous

ACTOR_KEY = "actor"
ENDED_KEY = "session_ended"
# Functions that recognise a visitor signed in elsewhere (OpenID Connect, a trusted proxy header), asked in order
# when the session has no actor of its own.
EXTERNAL_SOURCES: list[Callable[[KnowledgeBase], Actor | None]] = []


def client_key() -> str:
    """Who is visiting, as far as the server can tell (see client_key_of)."""
    try:
        return client_key_of(st.context.ip_address, st.context.headers.get("X-Forwarded-For", ""))
    except Exception:  # no browser session (a script run): one client
        return "local"


def client_key_of(address: str | None, forwarded: str) -> str:
    """The visitor's address (behind a reverse proxy on this machine, the last address it forwards); an IPv6
    address counts by its /64 network, which one holder has whole."""
    if not isinstance(address, str) or address in ("", "127.0.0.1", "::1"):
        address = (forwarded if isinstance(forwarded, str) else "").split(",")[-1].strip() or "local"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def current_actor(kb: KnowledgeBase) -> Actor:
    """This session's Actor: its signed-in account as the account stands now, an identity from an external
    source, or an anonymous visitor."""
    actor = st.session_state.get(ACTOR_KEY)
    kept = actor is not None
    if actor is None:
        for source in EXTERNAL_SOURCES:
            actor = source(kb)
            if actor is not None:
                break
    if actor is None:
        return anonymous("app", client_key())
    now = kb.accounts.current(actor)  # one lookup by primary key per run
    if now is None:
        sign_out()
        st.session_state[ENDED_KEY] = actor.name
        return anonymous("app", client_key())
    if kept and now != actor:  # an external identity is asked again each run, never kept here
        st.session_state[ACTOR_KEY] = now
    return now


def sign_in_as(actor: Actor) -> None:
    """Keep a signed-in actor in this session."""
    st.session_state[ACTOR_KEY] = actor
    st.session_state.pop(ENDED_KEY, None)


def sign_out() -> None:
    """Forget this session's actor (and its choices that belonged to the account)."""
    for key in (ACTOR_KEY, "reading_list", "lists_view_name"):
        st.session_state.pop(key, None)


def may(kb: KnowledgeBase, action: str) -> bool:
    """Whether this session may take an action (kb.permissions decides)."""
    return allowed(current_actor(kb), action, public_access=kb.settings.public_access)
