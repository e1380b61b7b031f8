"""Sign-in with the organisation's identity in the app: Streamlit's OpenID Connect sign-in (st.login, st.user,
st.logout) and a trusted proxy's header, each turned into an `Actor` by kb/webapp/identity.py; the sidebar's
"Sign in with ..." button, the signed-in name and role, and sign-out."""
from __future__ import annotations

import logging
import streamlit as st

from kb import KnowledgeBase
from kb.errors import KBError
from kb.permissions import Actor

from .identity import (Refusal, client_address, header_value, oidc_configured, oidc_identity, parse_networks,
                       proxy_identity)

RECORDED_KEY = "external_account_recorded"
_LOG = logging.getLogger("atkb.app")


def external_actor(kb: KnowledgeBase) -> Actor | Refusal | None:
    """This session's actor proven from outside: a trusted proxy's header first, then a signed-in OpenID Connect
    identity; a Refusal when the identity is proven but let in with no role; None when there is neither."""
    settings = kb.settings
    try:
        peer = st.context.ip_address
        headers = {name: st.context.headers.get_all(name) for name in st.context.headers}
    except Exception:  # no browser session (a script run): no peer, no headers
        peer, headers = None, {}
    try:
        found = proxy_identity(headers, peer, settings)
        if found is None and oidc_configured(settings) and _oidc_ready() and st.user.is_logged_in:
            address = client_address(peer, header_value(headers, "X-Forwarded-For") or "",
                                     parse_networks(settings.trusted_proxies))
            found = oidc_identity(st.user.to_dict(), settings, address)
    except KBError as exc:  # a sign-in setting that cannot work: said once in the log, one sentence on the page
        _LOG.error("sign-in settings: %s", exc)
        return Refusal(f"Sign-in is misconfigured on this server ({exc}). Tell the people who run it.")
    if isinstance(found, Actor):
        return record_account(kb, found)
    return found


def record_account(kb: KnowledgeBase, actor: Actor) -> Actor | Refusal:
    """Keep the external identity as a password-less account of the knowledge base (once per session and role),
    where the knowledge base keeps accounts; its refusal (a name taken by a local account) becomes a Refusal."""
    accounts = getattr(kb, "accounts", None)
    ensure = getattr(accounts, "ensure_external", None)
    if ensure is None:  # a knowledge base without accounts: the role comes from the mapping alone
        return actor
    recorded = (actor.name, actor.role, actor.via)
    if st.session_state.get(RECORDED_KEY) == recorded:
        return actor
    try:
        ensure(actor.name, actor.role, actor.via)
    except KBError as exc:
        return Refusal(f"You cannot sign in as {actor.name} here: {exc}")
    st.session_state[RECORDED_KEY] = recorded
    return actor


def external_sign_in_sidebar(kb: KnowledgeBase) -> Actor | Refusal | None:
    """The sidebar's part of external sign-in: who is signed in (name, role) with sign-out, a refusal's message,
    or the "Sign in with ..." button; returns this session's external actor (see external_actor)."""
    settings = kb.settings
    actor = external_actor(kb)
    signed_in_at_provider = oidc_configured(settings) and _oidc_ready() and bool(st.user.is_logged_in)
    with st.sidebar:
        if isinstance(actor, Actor):
            how = "by the sign-in proxy" if actor.via == "proxy" else f"with {settings.oidc_provider_name}"
            st.caption(f"Signed in {how} as **{_plain(actor.name)}** ({actor.role})")
            if actor.via == "oidc":
                st.button("Sign out", key="oidc_sign_out", on_click=st.logout)
        elif isinstance(actor, Refusal):
            st.error(_plain(actor.reason))
            if actor.sign_in_again:
                st.button(f"Sign in with {settings.oidc_provider_name}", key="oidc_sign_in", on_click=_login)
            if signed_in_at_provider:
                st.button("Sign out", key="oidc_sign_out", on_click=st.logout)
        elif oidc_configured(settings):
            if _oidc_ready():
                st.button(f"Sign in with {settings.oidc_provider_name}", key="oidc_sign_in", on_click=_login)
            else:
                st.caption("Sign-in with the organisation's identity is configured but this server was not started "
                           "with `kb serve`, which hands it to the app.")
    return actor


def _login() -> None:
    st.login()


def _oidc_ready() -> bool:
    """True when Streamlit holds an [auth] table (kb serve writes it from the oidc_* settings)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _plain(text: str) -> str:
    """A name shown inside Markdown as text."""
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~$" else c for c in text)

