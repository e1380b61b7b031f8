"""The app keeps shared things safe: Markdown in document text is shown as written, shared reading lists need the
researcher role to delete or to remove others' items, and wrong passwords slow down."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .test_app import html_of, run_app
from .test_app_upload import signed_in

LURE = "[re-login](https://evil.example/login) ![x](http://evil.example/pixel.png) :red[alert]"


def markdown_texts(at) -> list[str]:
    """Every text the app handed to an element that reads Markdown."""
    texts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "toast", "subheader", "title"):
        texts += [str(element.value) for element in at.get(kind)]
    texts += [str(getattr(e, "label", "")) for e in at.get("expander")]
    texts += [str(getattr(b, "help", "") or "") for b in at.button]
    return texts


@pytest.fixture
def lure_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    home = tmp_path / "home"
    doc = tmp_path / "lure.md"
    doc.write_text(f"---\ntitle: \"Shelters {LURE}\"\norganisation: \"{LURE}\"\n---\n\nShelters for victims.\n")
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([doc], workers=1)
        doc_id = kb.doc_ids()[0]
    monkeypatch.setenv("KB_HOME", str(home))
    return home, doc_id


def test_titles_and_metadata_are_never_read_as_markdown(lure_home: tuple[Path, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _, doc_id = lure_home
    monkeypatch.setenv("KB_RESEARCHER_PASSWORD", "s3cret")
    pages = [run_app(q="shelters", mode="keyword"), signed_in(view="doc", doc=doc_id), run_app(view="overview"),
             run_app(q=f"{LURE} AND (", mode="keyword", raw="1")]  # the query comes back in the error message
    for at in pages:
        assert not at.exception
        texts = markdown_texts(at)
        assert not any("](http" in t or ":red[" in t for t in texts), [t for t in texts if "evil" in t]
    assert LURE in html_of(pages[0])  # the title is shown as written, as text
    assert "\\(the default\\)" in pages[3].warning[0].value  # the error's own text is escaped as well


def test_shared_lists_are_changed_by_their_owner_and_researchers_only(tmp_path: Path, corpus_dir: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_app import signed_in_app

    home = tmp_path / "home"
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        kb.ingest([corpus_dir], workers=1)
        kb.create_list("Team", shared=True)  # the command line's user shares a list
        kb.add_to_list("Team", kb.search("greenhouses", mode="keyword").hits[0].document.doc_id)
    monkeypatch.setenv("KB_HOME", str(home))

    for at in (run_app(view="lists"), signed_in_app(home, "rosa", "reader", view="lists").run()):
        assert "Labour exploitation report" in html_of(at)  # readable by everyone let in
        assert not [b for b in at.button if b.label in ("Remove", "Delete list", "Save note")]  # not changeable
    researcher = signed_in_app(home, "rene", "researcher", view="lists").run()
    assert [b.label for b in researcher.button if b.label in ("Remove", "Delete list")] == ["Delete list", "Remove"]
    next(b for b in researcher.button if b.label == "Delete list").click().run()
    with KnowledgeBase(Settings.load({"home": str(home)})) as kb:
        assert kb.reading_lists() == []
        [entry] = kb.accounts.audit(action="list.delete")
        assert (entry["user"], entry["via"], entry["target"]) == ("rene", "app", "Team")
