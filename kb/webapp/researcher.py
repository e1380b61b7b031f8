"""The researcher role: a password from the settings unlocks adding documents and correcting metadata."""
from __future__ import annotations

import hmac
import threading
import time

import streamlit as st

from kb import KnowledgeBase

ROLE_KEY = "researcher"
OWN_ITEMS_KEY = "own_list_items"
# Wrong passwords, counted for the whole server (a new browser session does not start afresh): each one makes
# the next attempt wait longer, up to MAX_DELAY seconds; a right one resets the count.
MAX_DELAY = 8.0
_failures = {"count": 0}
_failures_lock = threading.Lock()
HOW_TO_ENABLE = ("Adding documents and correcting metadata are for researchers. To enable them, set a researcher "
                 "password: `researcher_password = \"...\"` in `config.toml` of the data directory, or the "
                 "environment variable `KB_RESEARCHER_PASSWORD`, then restart the app.")


def role_available(kb: KnowledgeBase) -> bool:
    """True when a researcher password is configured."""
    return bool(kb.settings.researcher_password)


def is_researcher(kb: KnowledgeBase) -> bool:
    """True when this browser session signed in with the researcher password."""
    return role_available(kb) and bool(st.session_state.get(ROLE_KEY))


def failure_delay(failures: int) -> float:
    """Seconds an attempt waits after this many wrong passwords in a row: 0, 0.5, 1, 2, 4, then 8."""
    return 0.0 if failures <= 0 else min(MAX_DELAY, 0.5 * 2 ** (failures - 1))


def check_password(kb: KnowledgeBase, given: str) -> bool:
    """Compare in constant time with the configured password; after wrong ones, every attempt waits longer."""
    with _failures_lock:
        delay = failure_delay(_failures["count"])
    if delay:
        time.sleep(delay)
    expected = kb.settings.researcher_password
    right = bool(expected) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
    with _failures_lock:
        _failures["count"] = 0 if right else _failures["count"] + 1
    return right


def may_manage_lists(kb: KnowledgeBase) -> bool:
    """Whether this session may delete reading lists and remove items others added: everyone while no researcher
    password is set, researchers once one is. Creating lists and adding to them stays open to all."""
    return not role_available(kb) or is_researcher(kb)


def own_items() -> set[int]:
    """Ids of the reading-list items this browser session added (their adder may always remove them)."""
    return st.session_state.setdefault(OWN_ITEMS_KEY, set())


def sign_in_sidebar(kb: KnowledgeBase) -> None:
    """Sign-in and sign-out for researchers, in the sidebar (nothing when the role is not configured)."""
    if not role_available(kb):
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
                    if check_password(kb, password):
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
        st.info(f"{what} is for researchers: sign in with the researcher password in the sidebar.")
        return False
    return True
