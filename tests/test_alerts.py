"""Saved searches and their alerts: owners and bounds, what is new to a search (the real searcher, by ingestion
time), the Atom feed read back by feedparser, and `kb alerts run` against a real SMTP server on loopback."""
from __future__ import annotations

import json
import socket
import sqlite3
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any, Iterator

import feedparser
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from kb import KnowledgeBase, Settings
from kb.cli import main
from kb.errors import KBError
from kb.permissions import Actor, PermissionDenied, anonymous, system_actor

from .conftest import FAST
from .fixtures import ENGLISH_PAGES, make_pdf
from .processes import stop_process

ALICE = Actor("alice", "reader")
BOB = Actor("bob", "reader")
OLD = "2020-01-01T00:00:00+00:00"


def write_note(folder: Path, name: str, title: str, text: str, language: str = "en") -> Path:
    """A Markdown document with its title and language in front matter."""
    path = folder / f"{name}.md"
    path.write_text(f"---\ntitle: {json.dumps(title)}\nlanguage: {language}\norganisation: GRETA\nyear: 2024\n---\n\n"
                    f"{text}\n", encoding="utf-8")
    return path


def ingest(kb: KnowledgeBase, path: Path) -> str:
    kb.ingest([path], workers=1)
    return kb.resolve_document(str(path)).doc_id


def backdate(kb: KnowledgeBase, doc_id: str, when: str = OLD) -> None:
    """Make a document look ingested long ago (ingestion times have whole seconds, a test runs within one)."""
    kb.backends.store.conn.execute("UPDATE documents SET ingested_at=? WHERE doc_id=?", (when, doc_id))


def since_now(kb: KnowledgeBase, saved_id: int) -> None:
    kb.backends.store.conn.execute("UPDATE saved_searches SET last_alerted_at=? WHERE saved_id=?", (OLD, saved_id))
    kb.backends.store.conn.execute("DELETE FROM saved_search_deliveries WHERE saved_id=?", (saved_id,))


LABOUR = "Seasonal workers in agriculture were recruited by agencies; labour inspectors found passports taken."
OTHER = "Shelters offer a reflection period of three months to presumed victims of trafficking."


# ----- owners, bounds and the store ---------------------------------------------------------------------------
def test_saved_searches_belong_to_their_owner_and_are_bounded(home: Path) -> None:
    kb = KnowledgeBase(Settings.load({"home": str(home), **FAST, "max_saved_searches": 2}, environ={}))
    saved = kb.save_search(ALICE, "  Farms ", "labour exploitation", "meaning", ["language=en", "year=2015..2024"],
                           translate=False, email="alice@example.org")
    assert (saved.owner, saved.name, saved.mode, saved.translate) == ("alice", "Farms", "semantic", False)
    assert saved.filters == {"language": ["en"], "year_min": 2015, "year_max": 2024}
    assert [s.saved_id for s in kb.saved_searches(ALICE)] == [saved.saved_id] and kb.saved_searches(BOB) == []
    assert kb.saved_searches(anonymous()) == []
    with pytest.raises(PermissionDenied, match="save searches"):
        kb.save_search(anonymous(), "x", "labour")
    for actor, action in ((BOB, kb.delete_saved_search), (BOB, kb.rotate_feed_secret), (anonymous(), kb.saved_search)):
        with pytest.raises(KBError, match=f"no saved search {saved.saved_id} of yours"):
            action(actor, saved.saved_id)
    with pytest.raises(KBError, match="already has a saved search named 'Farms'"):
        kb.save_search(ALICE, "Farms", "other words")
    for kwargs, message in (({"name": "n" * 201}, "name of 1 to 200"), ({"query": " "}, "needs a query"),
                            ({"query": "w " * 101}, "max_query_terms"), ({"mode": "fuzzy"}, "unknown search mode"),
                            ({"email": "a@b.org\r\nBcc: x@y.org"}, "not an e-mail address"),
                            ({"filters": ["ingested_since=2020-01-01T00:00:00+00:00"]}, "ingestion time")):
        args = {"name": "Other", "query": "labour", **kwargs}
        with pytest.raises(KBError, match=message):
            kb.save_search(ALICE, **args)
    kb.save_search(ALICE, "Second", "compensation")
    with pytest.raises(KBError, match="max_saved_searches"):
        kb.save_search(ALICE, "Third", "shelters")
    old_key = saved.feed_key
    rotated = kb.rotate_feed_secret(ALICE, saved.saved_id)
    assert rotated.feed_key != old_key and len(rotated.feed_key) >= 40
    admin = Actor("ada", "admin")
    with pytest.raises(KBError, match="of yours"):  # saved searches are private, to an admin's account too
        kb.saved_search(admin, saved.saved_id)
    with pytest.raises(PermissionDenied):
        kb.saved_searches(BOB, every_owner=True)
    assert {s.owner for s in kb.saved_searches(admin, every_owner=True)} == {"alice"}
    # the command line's user without --as (an admin who holds the data directory) reaches everyone's
    assert kb.delete_saved_search(admin, saved.saved_id, every_owner=True).name == "Farms"
    assert [s.name for s in kb.saved_searches(ALICE)] == ["Second"]
    kb.close()


def test_a_knowledge_base_made_before_saved_searches_keeps_its_data(kb: KnowledgeBase, tmp_path: Path) -> None:
    doc_id = ingest(kb, write_note(tmp_path, "farms", "Farm work", LABOUR))
    kb.create_list("Briefing")
    kb.add_to_list("Briefing", doc_id)
    home = kb.home
    kb.close()
    conn = sqlite3.connect(home / "kb.sqlite")  # the tables as an older atkb left them: none for saved searches
    conn.execute("DROP TABLE saved_search_deliveries")
    conn.execute("DROP TABLE saved_searches")
    conn.commit()
    conn.close()
    again = KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={}))
    assert again.doc_ids() == [doc_id] and [i["doc_id"] for i in again.list_items("Briefing")] == [doc_id]
    saved = again.save_search(ALICE, "Farms", "seasonal workers")
    assert again.saved_search(ALICE, saved.saved_id).query == "seasonal workers"
    again.close()


# ----- what is new ----------------------------------------------------------------------------------------------
def test_new_matches_are_the_matching_documents_ingested_since(kb: KnowledgeBase, tmp_path: Path) -> None:
    old = ingest(kb, write_note(tmp_path, "old", "Old farm report", LABOUR))
    backdate(kb, old)
    saved = kb.save_search(ALICE, "Farms", "seasonal workers agriculture", "keyword", ["language=en"])
    assert kb.new_matches(saved, saved.created_at) == []
    new = ingest(kb, write_note(tmp_path, "new", "New farm report", "Greenhouse work. " + LABOUR))
    dutch = ingest(kb, write_note(tmp_path, "nl", "Seasonal workers agriculture (NL)", LABOUR, language="nl"))
    unrelated = ingest(kb, write_note(tmp_path, "shelter", "Shelters", OTHER))
    matches = kb.new_matches(saved, saved.created_at)
    assert [m.doc_id for m in matches] == [new]  # the Dutch one is filtered out, the shelter one does not match
    assert matches[0].passage is not None and "Seasonal workers" in matches[0].passage.text
    assert {m.doc_id for m in kb.new_matches(saved, None)} == {old, new}
    assert dutch and unrelated


# ----- the feed ------------------------------------------------------------------------------------------------
@pytest.fixture
def app_client(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, whole_app_client: Any) -> Iterator[Any]:
    """The app (its real routes and the knowledge base its pages use) on the test's data directory."""
    monkeypatch.setenv("KB_HOME", str(kb.home))
    yield whole_app_client


def test_the_feed_lists_new_matches_for_feed_readers_and_hides_itself_from_others(
        kb: KnowledgeBase, tmp_path: Path, app_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = make_pdf(tmp_path / "report.pdf", ENGLISH_PAGES)
    (tmp_path / "report.pdf.meta.json").write_text(json.dumps(
        {"title": "Farms & <b>greenhouses</b>\x0b report", "organisation": "ILO", "year": 2023}))
    first = ingest(kb, pdf)
    backdate(kb, first, "2024-05-01T10:00:00+00:00")
    saved = kb.save_search(ALICE, "Farms", "labour inspectors passports", "keyword")
    url = f"/feeds/{saved.saved_id}.atom?key={saved.feed_key}"

    response = app_client.get(url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "atkb: Farms" and len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.title == "Farms & <b>greenhouses</b> report"  # escaped text, control character dropped
    assert entry.author == "ILO" and entry.updated == "2024-05-01T10:00:00+00:00"
    assert "ILO · 2023" in entry.summary and "p. 1: " in entry.summary and "passports" in entry.summary
    links = {link.rel: link.href for link in entry.links}
    assert links["alternate"] == f"http://testserver/d/{first}"
    assert links["enclosure"] == f"http://testserver/originals/{first}#page=1"
    assert app_client.get(links["enclosure"].split("#")[0]).content.startswith(b"%PDF")

    newer = ingest(kb, write_note(tmp_path, "new", "Inspectors' new findings", LABOUR))
    ingest(kb, write_note(tmp_path, "shelter", "Shelters", OTHER))
    entries = feedparser.parse(app_client.get(url).content).entries
    assert [e.link for e in entries] == [f"http://testserver/d/{newer}", f"http://testserver/d/{first}"]

    wrong = [f"/feeds/{saved.saved_id}.atom?key={saved.feed_key[:-1]}x", f"/feeds/{saved.saved_id}.atom",
             f"/feeds/{saved.saved_id + 1}.atom?key={saved.feed_key}", f"/feeds/{saved.saved_id}.atom?key=" + "k" * 500,
             f"/feeds/{saved.saved_id}.rss?key={saved.feed_key}"]
    for address in wrong:
        answer = app_client.get(address)
        assert (answer.status_code, answer.text) == (404, "No such feed."), address
    # a server closed to anonymous visitors (public_access = none; the app opens its knowledge base per set of KB_*
    # settings): the feed stays reachable by its key, since feed readers cannot sign in, and the rest stays closed
    monkeypatch.setenv("KB_PUBLIC_ACCESS", "none")
    assert app_client.get(url).status_code == 200 and len(feedparser.parse(app_client.get(url).content).entries) == 2
    assert app_client.get(links["enclosure"].split("#")[0]).status_code == 403
    assert app_client.get(f"/feeds/{saved.saved_id}.atom?key=x").status_code == 404
    kb.rotate_feed_secret(ALICE, saved.saved_id)
    assert app_client.get(url).status_code == 404
    kb.delete_saved_search(ALICE, saved.saved_id)
    assert app_client.get(url).status_code == 404


# ----- alert runs ----------------------------------------------------------------------------------------------
class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def _cli(home: Path, args: list[str], env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["--home", str(home), *args], env=env or {}, catch_exceptions=False)


def test_alerts_run_mails_one_digest_per_owner_and_moves_on_only_after_sending(
        kb: KnowledgeBase, tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    farms = kb.save_search(ALICE, "Farms", "seasonal workers agriculture", "keyword", email="alice@example.org")
    shelters = kb.save_search(ALICE, "Shelters", "reflection period shelters", "keyword", email="alice@example.org")
    kb.save_search(BOB, "Bob's farms", "seasonal workers agriculture", "keyword")  # no address: printed
    farm = ingest(kb, write_note(tmp_path, "farm", "Farm <report> & more", LABOUR))
    shelter = ingest(kb, write_note(tmp_path, "shelter", "Shelter guide", OTHER))
    home = kb.home
    kb.close()
    env = {"KB_SMTP_HOST": "127.0.0.1", "KB_SMTP_PORT": str(port), "KB_SMTP_STARTTLS": "false",
           "KB_SMTP_FROM": "atkb@example.org", "KB_PUBLIC_URL": "https://kb.example.org/"}

    refused = _cli(home, ["alerts", "run", "--json"], {**env, "KB_SMTP_PORT": str(_free_port())})
    assert refused.exit_code == 1 and "sent again by the next run" in refused.stderr
    report = json.loads(refused.stdout)
    alice = next(d for d in report["deliveries"] if d["owner"] == "alice")
    assert alice["status"] == "failed" and "could not send the alert to alice@example.org" in alice["error"]
    assert inbox.messages == []

    result = _cli(home, ["alerts", "run", "--json"], env)
    assert result.exit_code == 0, result.output
    by_owner = {d["owner"]: d for d in json.loads(result.stdout)["deliveries"]}
    assert by_owner["alice"]["status"] == "sent" and "bob" not in by_owner  # bob's news went out with the first run
    assert {s["name"]: s["doc_ids"] for s in by_owner["alice"]["searches"]} == {"Farms": [farm], "Shelters": [shelter]}
    assert len(inbox.messages) == 1
    sender, recipients, message = inbox.messages[0]
    assert (sender, recipients, message["To"]) == ("atkb@example.org", ["alice@example.org"], "alice@example.org")
    assert message["Subject"] == "atkb: 2 new documents for Farms, Shelters"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Farm <report> & more" in text and f"https://kb.example.org/d/{farm}" in text
    assert "GRETA · 2024 — p. 1: Seasonal workers" in text and "Shelter guide" in text
    assert "Farm &lt;report&gt; &amp; more" in html and "<report>" not in html
    assert f'href="https://kb.example.org/d/{shelter}"' in html

    again = _cli(home, ["alerts", "run", "--json"], env)
    assert json.loads(again.stdout)["deliveries"] == [] and len(inbox.messages) == 1  # nothing twice

    reopened = KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={}))
    newer = ingest(reopened, write_note(tmp_path, "farm2", "Second farm report", "Orchards. " + LABOUR))
    reopened.close()
    third = _cli(home, ["alerts", "run", "--json"], env)
    searches = json.loads(third.stdout)["deliveries"][0]["searches"]
    assert {s["name"]: s["doc_ids"] for s in searches if s["doc_ids"]} == {"Farms": [newer]}
    assert len(inbox.messages) == 2 and "Second farm report" in inbox.messages[1][2]["Subject"] + \
        inbox.messages[1][2].get_body(("plain",)).get_content()
    assert farms.saved_id and shelters.saved_id


def test_without_smtp_the_digest_is_printed_and_a_run_still_waits_for_unfinished_documents(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    saved = kb.save_search(ALICE, "Farms", "seasonal workers agriculture", "keyword", email="alice@example.org")
    farm = ingest(kb, write_note(tmp_path, "farm", "Farm report", LABOUR))
    dry = kb.run_alerts(dry_run=True)
    assert [m.doc_id for d in dry.deliveries for a in d.alerts for m in a.matches] == [farm]
    # a document still being indexed when the run starts: the run does not move past its ingestion time
    kb.backends.store.conn.execute("UPDATE documents SET state='pending' WHERE doc_id=?", (farm,))
    assert kb.run_alerts().deliveries == []
    assert kb.saved_search(ALICE, saved.saved_id).last_alerted_at <= kb.get_document(farm).ingested_at
    kb.backends.store.conn.execute("UPDATE documents SET state='ready' WHERE doc_id=?", (farm,))
    kb.backends.store.bump_generation()
    home = kb.home
    kb.close()
    printed = _cli(home, ["alerts", "run"])
    assert printed.exit_code == 0 and "== alice: printed" in printed.stdout and "1. Farm report" in printed.stdout
    assert "nothing new for any saved search" in _cli(home, ["alerts", "run"]).stdout


def test_alerts_commands_keep_the_users_own_searches(home: Path) -> None:
    added = _cli(home, ["alerts", "add", "Farms", "seasonal workers", "--mode", "keyword", "--filter", "language=en",
                        "--email", "me@example.org", "--json"], {"KB_PUBLIC_URL": "https://kb.example.org"})
    saved = json.loads(added.stdout)
    assert saved["owner"] == system_actor().name and saved["filters"] == {"language": ["en"]}
    key = saved["feed_url"].partition("?key=")[2]
    assert saved["feed_url"] == f"https://kb.example.org/feeds/{saved['id']}.atom?key={key}" and len(key) >= 40
    assert "feed_key" not in saved
    listed = _cli(home, ["alerts", "list"])
    assert f"{saved['id']}. Farms: “seasonal workers” keyword language=en → me@example.org" in listed.stdout
    feed = _cli(home, ["alerts", "feed", str(saved["id"])]).stdout.strip()
    assert feed == f"/feeds/{saved['id']}.atom?key={key}"  # under the app's address (setting public_url: in full)
    rotated = _cli(home, ["alerts", "feed", str(saved["id"]), "--new-key"]).stdout.strip()
    assert rotated != feed and rotated.startswith(f"/feeds/{saved['id']}.atom?key=")
    bad = CliRunner().invoke(main, ["--home", str(home), "alerts", "remove", "999"])
    assert bad.exit_code == 1 and "no saved search 999 of yours" in bad.output
    assert "removed saved search" in _cli(home, ["alerts", "remove", str(saved["id"])]).stdout
    assert "no saved searches" in _cli(home, ["alerts", "list"]).stdout


def test_a_served_feed_shows_a_document_ingested_by_another_process(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    home = tmp_path / "home"
    env = {**os.environ, "KB_EMBEDDER": "hashing", "KB_DEFAULT_MODE": "keyword", "KB_OCR": "off"}

    def kb_cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), *args], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    kb_cli("ingest", str(write_note(tmp_path, "farm", "Farm report", LABOUR)))
    saved = json.loads(kb_cli("alerts", "add", "Farms", "seasonal workers agriculture", "--json"))
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def get(url: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(base + url, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, b""
        except OSError:  # not listening yet
            return 0, b""

    try:
        deadline = time.monotonic() + 90
        while get("/_stcore/health")[0] != 200:  # the server is starting
            assert time.monotonic() < deadline and server.poll() is None, "kb serve did not start"
            time.sleep(0.3)
        url = saved["feed_url"]
        status, body = get(url)
        assert status == 200 and [e.title for e in feedparser.parse(body).entries] == ["Farm report"]
        newer = kb_cli("ingest", str(write_note(tmp_path, "new", "Greenhouse inspections", "Greenhouses. " + LABOUR)))
        assert "added" in newer
        entries = feedparser.parse(get(url)[1]).entries
        assert [e.title for e in entries] == ["Greenhouse inspections", "Farm report"]
        assert entries[0].link.startswith(f"{base}/d/")
        assert get(url.replace("?key=", "?key=x"))[0] == 404
    finally:
        stop_process(server)


def test_a_saved_search_that_cannot_run_is_reported_and_kept_while_the_others_go_out(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    meaning = kb.save_search(ALICE, "By meaning", "seasonal workers agriculture", "semantic")
    words = kb.save_search(ALICE, "By words", "seasonal workers agriculture", "keyword")
    farm = ingest(kb, write_note(tmp_path, "farm", "Farm report", LABOUR))
    home = kb.home
    kb.close()
    run = _cli(home, ["alerts", "run", "--json"], {"KB_SEMANTIC": "false"})  # meaning search switched off since
    assert run.exit_code == 1 and "could not run" in run.stderr and "tried again by the next run" in run.stderr
    report = json.loads(run.stdout)
    assert [(e["id"], "not available" in e["error"]) for e in report["errors"]] == [(meaning.saved_id, True)]
    assert [s["doc_ids"] for s in report["deliveries"][0]["searches"]] == [[farm]]
    again = json.loads(_cli(home, ["alerts", "run", "--json"]).stdout)  # semantic search back on
    assert again["errors"] == [] and [(s["id"], s["doc_ids"]) for s in again["deliveries"][0]["searches"]] == \
        [(meaning.saved_id, [farm])]
    assert words.saved_id


def test_a_saved_search_removed_while_its_alert_is_on_its_way_is_left_alone(kb: KnowledgeBase, tmp_path: Path) -> None:
    saved = kb.save_search(ALICE, "Farms", "seasonal workers agriculture", "keyword")
    farm = ingest(kb, write_note(tmp_path, "farm", "Farm report", LABOUR))
    alerts = kb.saved.due("2999-01-01T00:00:00+00:00")
    assert [m.doc_id for a in alerts for m in a.matches] == [farm]
    kb.delete_saved_search(ALICE, saved.saved_id)
    kb.saved.table.mark_delivered(saved.saved_id, [farm], alerts[0].watermark)  # no error, nothing written
    assert kb.backends.store.conn.execute("SELECT count(*) FROM saved_search_deliveries").fetchone()[0] == 0


def test_with_as_the_alerts_commands_reach_only_that_accounts_saved_searches(home: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={})) as kb:
        kb.accounts.add("ada", "admin", "ada's password")
        for name in ("alice", "bob"):
            kb.accounts.add(name, "reader", f"{name}'s password")
    mine = json.loads(_cli(home, ["--as", "alice", "alerts", "add", "Farms", "seasonal workers", "--json"]).stdout)
    assert mine["owner"] == "alice"
    theirs = json.loads(_cli(home, ["--as", "bob", "alerts", "add", "Shelters", "shelters", "--json"]).stdout)
    assert "Farms" in _cli(home, ["--as", "alice", "alerts", "list"]).stdout
    assert "Shelters" not in _cli(home, ["--as", "alice", "alerts", "list"]).stdout
    for args in (["remove", str(theirs["id"])], ["feed", str(theirs["id"])], ["feed", str(theirs["id"]), "--new-key"]):
        for who in ("alice", "ada"):  # another account's, even an admin's: not found
            refused = CliRunner().invoke(main, ["--home", str(home), "--as", who, "alerts", *args])
            assert refused.exit_code == 1 and f"no saved search {theirs['id']} of yours" in refused.output
    assert theirs["feed_url"].endswith(_cli(home, ["--as", "bob", "alerts", "feed", str(theirs["id"])]).stdout.strip())
    # without --as: the operating-system user lists and reaches everyone's, each with its owner
    listed = _cli(home, ["alerts", "list"]).stdout
    assert "Farms" in listed and "[alice]" in listed and "Shelters" in listed and "[bob]" in listed
    assert "removed saved search" in _cli(home, ["alerts", "remove", str(theirs["id"])]).stdout
    assert "Shelters" not in _cli(home, ["alerts", "list"]).stdout


def test_a_removed_accounts_saved_searches_go_and_a_disabled_ones_feed_and_alerts_pause(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.accounts.add("ada", "admin", "ada's password")
    kb.accounts.add("alice", "reader", "alice's password")
    kb.accounts.add("bob", "reader", "bob's password")
    mine = kb.save_search(ALICE, "Farms", "seasonal workers agriculture", "keyword")
    theirs = kb.save_search(BOB, "Farms", "seasonal workers agriculture", "keyword")
    farm = ingest(kb, write_note(tmp_path, "farm", "Farm report", LABOUR))
    assert kb.saved_search_feed(mine.saved_id, mine.feed_key, "http://kb") is not None
    kb.accounts.set_disabled("alice", True)
    assert kb.saved_search_feed(mine.saved_id, mine.feed_key, "http://kb") is None
    assert {d.owner for d in kb.run_alerts().deliveries} == {"bob"}
    kb.accounts.set_disabled("alice", False)  # alerts resume where they stopped
    assert [(d.owner, [m.doc_id for a in d.alerts for m in a.matches]) for d in kb.run_alerts().deliveries] == \
        [("alice", [farm])]
    kb.accounts.remove("bob")
    assert kb.saved_searches(BOB) == [] and kb.saved_search_feed(theirs.saved_id, theirs.feed_key, "x") is None
    assert kb.accounts.audit(action="account.remove")[-1]["detail"]["saved_searches_deleted"] == 1
