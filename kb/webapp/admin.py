"""The admin page: the audit trail with filters, and accounts (add, change role, disable, unlock, remove)."""
from __future__ import annotations

from datetime import date

import streamlit as st

from kb import KnowledgeBase
from kb.errors import KBError
from kb.permissions import ROLES

from .render import plain
from .session_actor import current_actor
from .signin import require_action
from .state import WRITE_LOCK


def admin_view(kb: KnowledgeBase) -> None:
    """Accounts and the audit trail, for admins only."""
    st.title("Accounts and audit")
    if not require_action(kb, "accounts", "Managing accounts"):
        return
    accounts_tab, audit_tab = st.tabs(["Accounts", "Audit trail"])
    with accounts_tab:
        _accounts(kb)
    with audit_tab:
        _audit(kb)


def _accounts(kb: KnowledgeBase) -> None:
    actor = current_actor(kb)
    rows = kb.accounts.list(actor=actor)
    st.dataframe([{"name": r["name"], "role": r["role"], "state": "disabled" if r["disabled"] else
                   "locked" if r["locked"] else "active", "source": r["source"], "since": r["created_at"][:10]}
                  for r in rows], hide_index=True)
    with st.form("admin_add_account", clear_on_submit=True):
        st.markdown("**Add an account**")
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Name", key="admin_new_name", max_chars=64)
        role = c2.selectbox("Role", ROLES, key="admin_new_role")
        password = c3.text_input("Password", type="password", key="admin_new_password", max_chars=1024)
        if st.form_submit_button("Add account"):
            _act(lambda: kb.accounts.add(name, role, password, actor=actor), f"Added {name}.")
    if not rows:
        return
    st.markdown("**Change an account**")
    names = [r["name"] for r in rows]
    chosen = st.selectbox("Account", names, key="admin_account")
    c1, c2, c3, c4, c5 = st.columns(5)
    new_role = c1.selectbox("New role", ROLES, key="admin_role", label_visibility="collapsed")
    if c1.button("Set role", key="admin_set_role"):
        _act(lambda: kb.accounts.set_role(chosen, new_role, actor=actor), f"{chosen} is {new_role} now.")
    disabled = next(r["disabled"] for r in rows if r["name"] == chosen)
    if c2.button("Enable" if disabled else "Disable", key="admin_disable"):
        _act(lambda: kb.accounts.set_disabled(chosen, not disabled, actor=actor), "Done.")
    if c3.button("Unlock", key="admin_unlock"):
        _act(lambda: kb.accounts.unlock(chosen, actor=actor), f"Unlocked {chosen}.")
    if c4.button("Remove", key="admin_remove", type="secondary"):
        _act(lambda: kb.accounts.remove(chosen, actor=actor), f"Removed {chosen}.")


def _act(change: object, done: str) -> None:
    try:
        with WRITE_LOCK:
            change()  # type: ignore[operator]
    except KBError as exc:
        st.error(plain(exc))
        return
    st.success(done)


def _audit(kb: KnowledgeBase) -> None:
    c1, c2, c3 = st.columns(3)
    since = c1.date_input("Since", value=None, key="audit_since")
    user = c2.text_input("User", key="audit_user", max_chars=64).strip()
    action = c3.text_input("Action (e.g. ingest, list, account.role)", key="audit_action", max_chars=64).strip()
    entries = kb.accounts.audit(since=since.isoformat() if isinstance(since, date) else None, user=user or None,
                                action=action or None, limit=500, actor=current_actor(kb))
    st.caption(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} (the latest 500 at most), newest first")
    st.dataframe([{"time": e["time"][:19].replace("T", " "), "user": e["user"], "via": e["via"],
                   "from": e["address"], "action": e["action"], "target": e["target"],
                   "detail": ", ".join(f"{k}={v}" for k, v in e["detail"].items())} for e in reversed(entries)],
                 hide_index=True)
