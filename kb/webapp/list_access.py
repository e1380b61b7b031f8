"""The app's reading lists for this session: an account's lists on the server (kept, private or shared), or an
anonymous visitor's lists in the browser session only (gone when the tab closes, exportable all the same).

Both offer the same calls, so that the pages never ask who the visitor is."""
from __future__ import annotations

from typing import Any

import streamlit as st

from kb import KnowledgeBase
from kb.citations import CitationItem
from kb.errors import KBError
from kb.permissions import Actor

from .session_actor import current_actor

SESSION_LISTS = "session_lists"
MAX_SESSION_LISTS, MAX_SESSION_ITEMS = 50, 500  # what a visitor's session may hold


class ServerLists:
    """A signed-in account's view of the reading lists in the knowledge base."""

    kept = True

    def __init__(self, kb: KnowledgeBase, actor: Actor):
        self.kb, self.actor = kb, actor

    def names(self) -> list[dict[str, Any]]:
        """The lists this account may see (own lists first)."""
        return self.kb.reading_lists(actor=self.actor)

    def create(self, name: str, description: str = "") -> None:
        """A new private list of this account."""
        self.kb.create_list(name, description, actor=self.actor)

    def add(self, name: str, doc_id: str, **item: Any) -> int:
        """Add a document or passage."""
        return self.kb.add_to_list(name, doc_id, actor=self.actor, **item)

    def add_recommendation(self, name: str, rec_id: str, query: str | None) -> int:
        """Add a recommendation as a passage."""
        return self.kb.add_recommendation_to_list(name, rec_id, query=query, actor=self.actor)

    def citation_items(self, name: str, owner: str | None = None) -> list[CitationItem]:
        """The list's items for display and export."""
        return self.kb.citation_items(name, actor=self.actor, owner=owner)

    def export(self, name: str, fmt: str, owner: str | None = None) -> str:
        """The list in an export format."""
        return self.kb.export_list(name, fmt, actor=self.actor, owner=owner)

    def describe(self, name: str, description: str, owner: str | None = None) -> None:
        self.kb.describe_list(name, description, actor=self.actor, owner=owner)

    def rename(self, name: str, new_name: str, owner: str | None = None) -> None:
        self.kb.rename_list(name, new_name, actor=self.actor, owner=owner)

    def share(self, name: str, shared: bool, owner: str | None = None) -> None:
        self.kb.share_list(name, shared, actor=self.actor, owner=owner)

    def delete(self, name: str, owner: str | None = None) -> None:
        self.kb.delete_list(name, actor=self.actor, owner=owner)

    def remove(self, name: str, item_id: int, owner: str | None = None) -> None:
        self.kb.remove_from_list(name, item_id, actor=self.actor, owner=owner)

    def move(self, name: str, item_id: int, position: int, owner: str | None = None) -> None:
        self.kb.move_in_list(name, item_id, position, actor=self.actor, owner=owner)

    def annotate(self, name: str, item_id: int, note: str, owner: str | None = None) -> None:
        self.kb.annotate(name, item_id, note, actor=self.actor, owner=owner)


class SessionLists:
    """An anonymous visitor's lists, in this browser session's state only; the team's shared lists beside them,
    to read."""

    kept = False

    def __init__(self, kb: KnowledgeBase, actor: Actor):
        self.kb, self.actor = kb, actor
        self.lists: dict[str, dict[str, Any]] = st.session_state.setdefault(SESSION_LISTS, {})

    def names(self) -> list[dict[str, Any]]:
        """The session's lists by name, then the shared lists of the knowledge base (read only)."""
        own = [{"name": name, "description": entry["description"], "items": len(entry["items"]), "owner": None,
                "shared": False, "may_change": True} for name, entry in sorted(self.lists.items())]
        return own + [e for e in self.kb.reading_lists(actor=self.actor) if e["name"] not in self.lists]

    def _list(self, name: str) -> dict[str, Any]:
        if name not in self.lists:
            raise KBError(f"no reading list {name!r} in this session")
        return self.lists[name]

    def create(self, name: str, description: str = "") -> None:
        """A new list in this session."""
        name = name.strip()[:200]
        if not name:
            raise KBError("a reading list needs a name")
        if name in self.lists:
            raise KBError(f"a reading list named {name!r} exists already")
        if len(self.lists) >= MAX_SESSION_LISTS:
            raise KBError(f"a visitor's session keeps at most {MAX_SESSION_LISTS} lists: sign in to keep more")
        self.lists[name] = {"description": description[:2000], "items": [], "next_id": 1}

    def _append(self, name: str, item: dict[str, Any]) -> int:
        entry = self._list(name)
        if len(entry["items"]) >= MAX_SESSION_ITEMS:
            raise KBError(f"a visitor's list keeps at most {MAX_SESSION_ITEMS} items: sign in to keep more")
        item_id = entry["next_id"]
        entry["next_id"] += 1
        entry["items"].append({**item, "item_id": item_id, "added_at": ""})
        return item_id

    def add(self, name: str, doc_id: str, **item: Any) -> int:
        """Add a document or passage."""
        return self._append(name, self.kb.list_item(doc_id, **item))

    def add_recommendation(self, name: str, rec_id: str, query: str | None) -> int:
        """Add a recommendation as a passage."""
        return self._append(name, self.kb.recommendation_item(rec_id, query=query))

    def citation_items(self, name: str, owner: str | None = None) -> list[CitationItem]:
        """The list's items for display and export."""
        if owner is not None or name not in self.lists:
            return self.kb.citation_items(name, actor=self.actor, owner=owner)
        return self.kb.citations_of(self._list(name)["items"])

    def export(self, name: str, fmt: str, owner: str | None = None) -> str:
        """The list in an export format (the same exporters as kept lists)."""
        if owner is not None or name not in self.lists:
            return self.kb.export_list(name, fmt, actor=self.actor, owner=owner)
        entry = self._list(name)
        return self.kb.export_items(name, entry["description"], entry["items"], fmt)

    def describe(self, name: str, description: str, owner: str | None = None) -> None:
        self._list(name)["description"] = description[:2000]

    def rename(self, name: str, new_name: str, owner: str | None = None) -> None:
        new_name = new_name.strip()[:200]
        if new_name != name:
            if not new_name or new_name in self.lists:
                raise KBError(f"cannot rename {name!r} to {new_name!r}")
            self.lists[new_name] = self.lists.pop(name)

    def share(self, name: str, shared: bool, owner: str | None = None) -> None:
        raise KBError("sharing a list needs an account: sign in")

    def delete(self, name: str, owner: str | None = None) -> None:
        self.lists.pop(name, None)

    def remove(self, name: str, item_id: int, owner: str | None = None) -> None:
        entry = self._list(name)
        entry["items"] = [i for i in entry["items"] if i["item_id"] != item_id]

    def move(self, name: str, item_id: int, position: int, owner: str | None = None) -> None:
        items = self._list(name)["items"]
        moving = [i for i in items if i["item_id"] == item_id]
        rest = [i for i in items if i["item_id"] != item_id]
        rest[max(0, position - 1):max(0, position - 1)] = moving
        items[:] = rest

    def annotate(self, name: str, item_id: int, note: str, owner: str | None = None) -> None:
        for item in self._list(name)["items"]:
            if item["item_id"] == item_id:
                item["note"] = note[:5000]


def lists_for(kb: KnowledgeBase) -> ServerLists | SessionLists:
    """This session's reading lists: kept on the server for accounts, in the browser session for visitors."""
    actor = current_actor(kb)
    return ServerLists(kb, actor) if actor.signed_in else SessionLists(kb, actor)
