"""Sign-in and sign-out in the sidebar, the sign-in page for servers closed to anonymous visitors, and the notes a
page shows when an action needs another role."""
from __future__ import annotations

import streamlit as st

from kb import KnowledgeBase
from kb.attempts import TooManyAttempts
from kb.errors import KBError
from kb.permissions import ACTIONS

from .external_sign_in import external_sign_in_offer, sign_out_at_provider
from .identity import oidc_configured
from .render import plain
from .session_actor import ENDED_KEY, client_key, current_actor, may, sign_in_as, sign_out

MIGRATE_NOTE = ("This server still uses the shared researcher password (setting `researcher_password`). Give each "
                "person an account (`kb users add NAME --role researcher`), then remove the setting.")


def sign_in_sidebar(kb: KnowledgeBase) -> None:
    """The signed-in name and role (and how: a password, the organisation's identity provider, the sign-in proxy)
    with sign-out; or the ways to sign in: "Sign in with <provider>" when OpenID Connect is configured, and the
    form for accounts with a password."""
    with st.sidebar:
        actor = current_actor(kb)
        if actor.signed_in:
            how = {"oidc": f" with {kb.settings.oidc_provider_name}", "proxy": " by the sign-in proxy"}
            st.caption(f"Signed in{plain(how.get(actor.via, ''))} as **{plain(actor.name)}** ({actor.role})")
            if actor.name and "shared password" in actor.name:
                st.caption(MIGRATE_NOTE)
            if actor.via == "oidc":
                st.button("Sign out", key="oidc_sign_out", on_click=sign_out_at_provider)
            elif actor.via == "proxy":
                st.caption("To sign out, sign out where the sign-in proxy signed you in.")
            elif st.button("Sign out", key="sign_out"):
                sign_out()
                st.rerun()
            return
        _ended_note()
        external_sign_in_offer(kb)
        if not _sign_in_offered(kb):
            return
        label = "Sign in with a password" if oidc_configured(kb.settings) else "Sign in"
        with st.expander(label, expanded=kb.settings.public_access == "none"):
            sign_in_form(kb)


def _sign_in_offered(kb: KnowledgeBase) -> bool:
    return bool(kb.settings.researcher_password) or kb.accounts.exists() or kb.settings.public_access == "none"


def _ended_note() -> None:
    ended = st.session_state.get(ENDED_KEY)
    if ended:
        st.warning(f"The account {plain(ended)} was removed or disabled: this session was signed out.")


def sign_in_form(kb: KnowledgeBase) -> None:
    """Name and password; a wrong answer says so in one line, and waits as kb.attempts and the account's lock
    decide."""
    with st.form("sign_in"):
        name = st.text_input("Name", key="sign_in_name", max_chars=64,
                             help="Leave empty to use the shared researcher password" if
                             kb.settings.researcher_password else None)
        password = st.text_input("Password", type="password", key="sign_in_password", max_chars=1024)
        if not st.form_submit_button("Sign in"):
            return
    try:
        actor = kb.accounts.authenticate(name, password, client_key(), "app")
    except TooManyAttempts as exc:
        st.error(str(exc))
        return
    except KBError as exc:
        st.error(plain(exc))
        return
    sign_in_as(actor)
    st.rerun()


def sign_in_page(kb: KnowledgeBase) -> None:
    """All an anonymous visitor sees when public_access is none."""
    st.title("atkb — sign in")
    st.write("This knowledge base is open to its team only: sign in with your account.")
    _ended_note()
    external_sign_in_offer(kb)
    if oidc_configured(kb.settings):
        st.caption("Or with a password, for accounts of this knowledge base that have one:")
    sign_in_form(kb)


def require_action(kb: KnowledgeBase, action: str, what: str) -> bool:
    """True when this session may take the action; else a note that says which role it needs."""
    if may(kb, action):
        return True
    need = ACTIONS[action]
    if current_actor(kb).signed_in:
        st.info(f"{what} needs the {need} role; your account has the {current_actor(kb).role} role.")
    elif oidc_configured(kb.settings) or _sign_in_offered(kb):
        st.info(f"{what} is for accounts with the {need} role: sign in in the sidebar.")
    elif kb.settings.auth_header.strip():
        st.info(f"{what} is for accounts with the {need} role: sign in through the organisation's sign-in proxy.")
    else:
        st.info(f"{what} is for accounts with the {need} role, and this server has none yet: make the first on the "
                "command line with `kb users add NAME --role admin`, then sign in in the sidebar.")
    return False
