"""Saved searches in the app: "Save this search" under the results, and the signed-in user's saved searches with
their feed addresses on the Reading lists page. Anonymous visitors are asked to sign in."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from kb import KnowledgeBase
from kb.errors import KBError
from kb.permissions import allowed

from .render import escape, plain
from .session_actor import current_actor
from .state import WRITE_LOCK, SearchState

SIGN_IN = "Sign in to save searches and follow them by feed or e-mail."


def _app_address(kb: KnowledgeBase) -> str | None:
    """Where visitors reach the app: the setting public_url, else the address this page was opened at."""
    if kb.settings.public_url:
        return None  # the facade uses it
    try:
        url = urlsplit(st.context.url or "")
    except Exception:  # no browser session (a script run)
        return None
    return f"{url.scheme}://{url.netloc}{url.path.rstrip('/')}" if url.scheme in ("http", "https") else None


def _feed_link(url: str) -> None:
    st.html(f"<a href='{escape(url)}' target='_blank' rel='noopener noreferrer'>Atom feed</a>")
    st.code(url, language=None)


def save_search_panel(kb: KnowledgeBase, state: SearchState, mode: str) -> None:
    """Save the current search (name, optional e-mail) for the signed-in user."""
    actor = current_actor(kb)
    if not allowed(actor, "searches.own", public_access=kb.settings.public_access):
        st.caption(SIGN_IN)
        return
    with st.expander("Save this search"):
        with st.form(f"save_search_{state.signature()}", border=False):
            name = st.text_input("Name", value=state.query[:80], max_chars=200)
            email = st.text_input("E-mail new documents to (optional)", max_chars=254)
            submitted = st.form_submit_button("Save search")
        if submitted:
            try:
                with WRITE_LOCK:
                    saved = kb.save_search(actor, name, state.query, mode, state.filter_spec(), state.translate,
                                           email)
            except KBError as exc:
                st.error(plain(exc))
                return
            st.success(f"Saved “{plain(saved.name)}”: new documents that match it appear in its feed"
                       + (f" and are e-mailed to {plain(saved.email)}" if saved.email else "") + ".")
            _feed_link(kb.feed_url(saved, _app_address(kb)))


def saved_searches_section(kb: KnowledgeBase) -> None:
    """The signed-in user's saved searches: each opens as a search, with its feed, a new feed key and removal."""
    st.subheader("Saved searches")
    actor = current_actor(kb)
    if not allowed(actor, "searches.own", public_access=kb.settings.public_access):
        st.caption(SIGN_IN)
        return
    saved_searches = kb.saved_searches(actor)
    if not saved_searches:
        st.caption("No saved searches yet: search, then “Save this search” under the results.")
    for saved in saved_searches:
        search = SearchState(query=saved.query, mode=saved.mode, translate=saved.translate)
        for name, values in saved.filters.items():
            if name in ("year_min", "year_max"):
                setattr(search, name, values)
            else:
                search.filters[name] = list(values)
        with st.container(border=True):
            query = urlencode(search.to_params(), doseq=True)
            st.html(f"<strong>{escape(saved.name)}</strong> — <a href='?{escape(query)}' target='_self'>“"
                    f"{escape(saved.query)}”</a>" + (f" · e-mailed to {escape(saved.email)}" if saved.email else ""))
            _feed_link(kb.feed_url(saved, _app_address(kb)))
            cols = st.columns(2)
            if cols[0].button("New feed address", key=f"saved_rotate_{saved.saved_id}",
                              help="The old address stops working"):
                with WRITE_LOCK:
                    kb.rotate_feed_secret(actor, saved.saved_id)
                st.rerun()
            if cols[1].button("Remove", key=f"saved_remove_{saved.saved_id}"):
                with WRITE_LOCK:
                    kb.delete_saved_search(actor, saved.saved_id)
                st.rerun()

