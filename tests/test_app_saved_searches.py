"""Saved searches in the app (AppTest): a signed-in user saves the current search and finds it, with its feed, on the
Reading lists page; an anonymous visitor is asked to sign in."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb import KnowledgeBase, Settings
from kb.permissions import Actor

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "kb" / "webapp" / "page.py")
ALICE = Actor("alice", "reader")


@pytest.fixture
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    note = tmp_path / "farms.md"
    note.write_text("---\nlanguage: en\n---\n\n# Farm work\n\nSeasonal workers in agriculture were recruited by "
                    "agencies; labour inspectors found passports taken.\n")
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([note], workers=1)
        for name in ("alice", "bob"):
            kb.accounts.add(name, "reader", f"{name}'s password")
    monkeypatch.setenv("KB_HOME", str(home))
    return home


def app(actor: Actor | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if actor is not None:
        at.session_state["actor"] = actor
    return at.run()


def html_of(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def test_anonymous_visitors_are_asked_to_sign_in(app_home: Path) -> None:
    for at in (app(q="seasonal workers", mode="keyword"), app(view="lists")):
        assert not at.exception
        assert any("Sign in to save searches" in c.value for c in at.caption)
        assert not [b for b in at.button if b.label == "Save search"]


def test_a_signed_in_user_saves_the_search_and_sees_it_with_its_feed(app_home: Path) -> None:
    at = app(ALICE, q="seasonal workers", mode="keyword", language="en")
    assert not at.exception
    name = next(t for t in at.text_input if t.label == "Name")
    email = next(t for t in at.text_input if t.label.startswith("E-mail"))
    name.set_value("Farms")
    email.set_value("alice@example.org")
    next(b for b in at.button if b.label == "Save search").click()
    at.run()
    assert not at.exception
    assert any("Saved “Farms”" in s.value for s in at.success)
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        saved = kb.saved_searches(ALICE)
        assert [(s.name, s.query, s.mode, s.filters, s.email) for s in saved] == \
            [("Farms", "seasonal workers", "keyword", {"language": ["en"]}, "alice@example.org")]
        url = kb.feed_url(saved[0])
    assert f"href='{url}'" in html_of(at)

    lists = app(ALICE, view="lists")
    assert not lists.exception
    body = html_of(lists)
    assert "<strong>Farms</strong>" in body and "?q=seasonal+workers&amp;mode=keyword&amp;language=en" in body
    assert url in body
    next(b for b in lists.button if b.label == "Remove").click()
    lists.run()
    assert any("No saved searches yet" in c.value for c in lists.caption)
    other = app(Actor("bob", "reader"), view="lists")
    assert "Farms" not in html_of(other)


def test_a_session_whose_account_is_gone_saves_nothing(app_home: Path) -> None:
    """The session's actor is checked against its account (current_actor): a name that is no account saves
    nothing, and a removed account's session ends."""
    ghost = app(Actor("ghost", "reader"), q="seasonal workers", mode="keyword")
    assert not ghost.exception and not [b for b in ghost.button if b.label == "Save search"]
    assert any("Sign in to save searches" in c.value for c in ghost.caption)
    at = app(ALICE, view="lists")
    assert not [c for c in at.caption if "Sign in to save searches" in c.value]
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        kb.accounts.remove("alice")
    at.run()
    assert any("Sign in to save searches" in c.value for c in at.caption)
    assert any("removed or disabled" in w.value for w in at.warning)
