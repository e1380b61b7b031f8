"""The researcher role: a password from the settings unlocks adding documents and correcting metadata."""
from __future__ import annotations

import hmac
import ipaddress

import streamlit as st

from kb import KnowledgeBase
from kb.attempts import AttemptLimiter, TooManyAttempts

from .external_sign_in import external_sign_in_sidebar
from .identity import may, oidc_configured

ROLE_KEY = "researcher"
OWN_ITEMS_KEY = "own_list_items"
EXTERNAL_KEY = "external_actor"  # this run's actor from the organisation's identity (external_sign_in.py)
# Wrong passwords are counted per client (its address) and for the whole server, with every check serialised
# (kb.attempts): parallel sessions gain nothing, and others' guessing never keeps the researcher out for long.
LIMITER = AttemptLimiter()
HOW_TO_ENABLE = ("Adding documents and correcting metadata are for researchers. To enable them, set a researcher "
                 "password: `researcher_password = \"...\"` in `config.toml` of the data directory, or the "
                 "environment variable `KB_RESEARCHER_PASSWORD`, then restart the app.")


def role_available(kb: KnowledgeBase) -> bool:
    """True when a researcher password, or sign-in with the organisation's identity, is configured."""
    return bool(kb.settings.researcher_password) or oidc_configured(kb.settings) or bool(kb.settings.auth_header)


def is_researcher(kb: KnowledgeBase) -> bool:
    """True when this browser session signed in with the researcher password, or as an identity with that role."""
    return (bool(kb.settings.researcher_password) and bool(st.session_state.get(ROLE_KEY))) \
        or may(st.session_state.get(EXTERNAL_KEY), "researcher")


def client_key() -> str:
    """Who is signing in, as far as the server can tell (see client_key_of)."""
    try:
        return client_key_of(st.context.ip_address, st.context.headers.get("X-Forwarded-For", ""))
    except Exception:  # no browser session (a script run): one client
        return "local"


def client_key_of(address: str | None, forwarded: str) -> str:
    """The visitor's address (behind a reverse proxy on this machine, the last address it forwards); an IPv6
    address counts by its /64 network, which one holder has whole."""
    if address in (None, "", "127.0.0.1", "::1"):
        address = forwarded.split(",")[-1].strip() or "local"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def check_password(kb: KnowledgeBase, given: str, client: str = "local") -> bool:
    """Compare in constant time with the configured password, at the turn the limiter gives this client;
    TooManyAttempts when that turn is too far away."""
    expected = kb.settings.researcher_password
    return LIMITER.attempt(client, lambda: bool(expected) and hmac.compare_digest(given.encode("utf-8"),
                                                                                  expected.encode("utf-8")))


def may_manage_lists(kb: KnowledgeBase) -> bool:
    """Whether this session may delete reading lists and remove items others added: everyone while no researcher
    password is set, researchers once one is. Creating lists and adding to them stays open to all."""
    return not role_available(kb) or is_researcher(kb)


def own_items() -> set[int]:
    """Ids of the reading-list items this browser session added (their adder may always remove them)."""
    return st.session_state.setdefault(OWN_ITEMS_KEY, set())


def sign_in_sidebar(kb: KnowledgeBase) -> None:
    """Sign-in and sign-out for researchers, in the sidebar (nothing when the role is not configured)."""
    st.session_state[EXTERNAL_KEY] = external_sign_in_sidebar(kb)
    if not kb.settings.researcher_password or st.session_state[EXTERNAL_KEY] is not None:
        return
    with st.sidebar:
        if is_researcher(kb):
            st.caption("Signed in as researcher")
            if st.button("Sign out", key="researcher_sign_out"):
                st.session_state[ROLE_KEY] = False
                st.rerun()
            return
        with st.expander("Researcher sign-in"):
            with st.form("researcher_sign_in"):
                password = st.text_input("Researcher password", type="password", key="researcher_password")
                if st.form_submit_button("Sign in"):
                    try:
                        right = check_password(kb, password, client_key())
                    except TooManyAttempts as exc:
                        st.error(str(exc))
                        return
                    if right:
                        st.session_state[ROLE_KEY] = True
                        st.rerun()
                    else:
                        st.error("Wrong researcher password.")


def require_researcher(kb: KnowledgeBase, what: str) -> bool:
    """Explain what is needed when this session may not do `what`; True when it may."""
    if not role_available(kb):
        st.info(HOW_TO_ENABLE)
        return False
    if not is_researcher(kb):
        how = "with the researcher password" if kb.settings.researcher_password else "with a researcher's account"
        st.info(f"{what} is for researchers: sign in {how} in the sidebar.")
        return False
    return True
