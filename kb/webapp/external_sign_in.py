"""Sign-in with the organisation's identity in the app: Streamlit's OpenID Connect sign-in (st.login, st.user,
st.logout) and a trusted proxy's header, each turned into an `Actor` by kb/webapp/identity.py and kept as a
password-less account (`kb.accounts.ensure_external`). Importing this module registers it with
session_actor.EXTERNAL_SOURCES, so that `current_actor` knows such visitors; `external_sign_in_offer` draws the
"Sign in with ..." button, a refusal's reason, and sign-out at the provider."""
from __future__ import annotations

import logging
import streamlit as st

from kb import KnowledgeBase
from kb.errors import KBError
from kb.permissions import Actor

from .identity import (Refusal, client_address, header_value, oidc_configured, oidc_identity, parse_networks,
                       proxy_identity)
from .render import plain
from .session_actor import ENDED_KEY, EXTERNAL_SOURCES, sign_out

RECORDED_KEY = "external_account_recorded"
REFUSAL_KEY = "external_refusal"
_LOG = logging.getLogger("atkb.app")


def external_actor(kb: KnowledgeBase) -> Actor | Refusal | None:
    """This session's actor proven from outside: a trusted proxy's header first, then a signed-in OpenID Connect
    identity; a Refusal when the identity is proven but not let in; None when there is neither."""
    settings = kb.settings
    try:
        peer = st.context.ip_address
        headers = {name: st.context.headers.get_all(name) for name in st.context.headers}
    except Exception:  # no browser session (a script run): no peer, no headers
        peer, headers = None, {}
    try:
        found = proxy_identity(headers, peer, settings)
        if found is None and signed_in_at_provider(kb):
            address = client_address(peer, header_value(headers, "X-Forwarded-For") or "",
                                     parse_networks(settings.trusted_proxies))
            found = oidc_identity(st.user.to_dict(), settings, address)
    except KBError as exc:  # a sign-in setting that cannot work: said in the log, one sentence on the page
        _LOG.error("sign-in settings: %s", exc)
        return Refusal(f"Sign-in is misconfigured on this server ({exc}). Tell the people who run it.")
    if isinstance(found, Actor):
        if st.session_state.get(ENDED_KEY) == found.name:
            return None  # its account was removed or disabled while this session was open: the session stays ended
        return record_account(kb, found)
    return found


def record_account(kb: KnowledgeBase, actor: Actor) -> Actor | Refusal:
    """Keep the external identity as a password-less account of the knowledge base (created, or its role brought
    to the provider's, once per session and role); its refusal (a disabled account, a name taken by a local
    account with a password) becomes a Refusal."""
    recorded = (actor.name, actor.role, actor.via)
    if st.session_state.get(RECORDED_KEY) == recorded:
        return actor
    try:
        kept = kb.accounts.ensure_external(str(actor.name), actor.role, actor.via, address=actor.address)
    except KBError as exc:
        return Refusal(f"You cannot sign in as {actor.name} here: {exc}")
    st.session_state[RECORDED_KEY] = recorded
    return kept


def external_source(kb: KnowledgeBase) -> Actor | None:
    """session_actor's external source: the identity's Actor, or None (a refusal is kept for the sidebar)."""
    found = external_actor(kb)
    if isinstance(found, Refusal):
        st.session_state[REFUSAL_KEY] = found
        return None
    st.session_state.pop(REFUSAL_KEY, None)
    return found


if external_source not in EXTERNAL_SOURCES:
    EXTERNAL_SOURCES.append(external_source)


def signed_in_at_provider(kb: KnowledgeBase) -> bool:
    """True when this browser holds an OpenID Connect sign-in (st.user) of the configured provider."""
    return oidc_configured(kb.settings) and _oidc_ready() and bool(st.user.is_logged_in)


def external_sign_in_offer(kb: KnowledgeBase) -> None:
    """For a visitor not signed in: why an external identity was refused, the "Sign in with ..." button when
    OpenID Connect is configured, and sign-out at the provider for an identity that was refused or whose account
    ended (so that someone else can sign in on this browser)."""
    settings = kb.settings
    refusal = st.session_state.get(REFUSAL_KEY)
    at_provider = signed_in_at_provider(kb)
    if isinstance(refusal, Refusal):
        st.error(plain(refusal.reason))
        if refusal.sign_in_again:
            st.button(f"Sign in with {settings.oidc_provider_name}", key="oidc_sign_in", on_click=_login)
    elif oidc_configured(settings) and not at_provider:
        if _oidc_ready():
            st.button(f"Sign in with {settings.oidc_provider_name}", key="oidc_sign_in", on_click=_login)
        else:
            st.caption("Sign-in with the organisation's identity is configured but this server was not started "
                       "with `kb serve`, which hands it to the app.")
    if at_provider:
        st.button("Sign out", key="oidc_sign_out", on_click=sign_out_at_provider)


def sign_out_at_provider() -> None:
    """Forget this session's actor and end the OpenID Connect sign-in (the provider's own sign-out follows)."""
    sign_out()
    for key in (RECORDED_KEY, REFUSAL_KEY, ENDED_KEY):
        st.session_state.pop(key, None)
    st.logout()


def _login() -> None:
    st.login()


def _oidc_ready() -> bool:
    """True when Streamlit holds an [auth] table (kb serve writes it from the oidc_* settings)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False
