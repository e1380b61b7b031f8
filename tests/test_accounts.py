"""Accounts: Argon2 hashes, roles through kb.permissions, locks after wrong passwords (also under many parallel
guesses), API tokens, external identities, the audit trail written with each change, and the old lists' migration."""
from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings
from kb.accounts import passwords
from kb.accounts.service import SignInFailed
from kb.attempts import AttemptLimiter
from kb.errors import KBError
from kb.permissions import Actor, PermissionDenied


@pytest.fixture
def kb(tmp_path: Path):
    with KnowledgeBase(Settings.load({"home": str(tmp_path / "home")}, environ={"KB_EMBEDDER": "hashing"})) as kb:
        kb.accounts.limiter = AttemptLimiter(sleep=lambda s: None, max_wait=1e9)  # turns are tested elsewhere
        yield kb


def test_passwords_are_stored_as_argon2id_hashes_only(kb: KnowledgeBase) -> None:
    kb.accounts.add("ada", "admin", "correct horse battery")
    raw = (kb.home / "kb.sqlite").read_bytes() + (kb.home / "kb.sqlite-wal").read_bytes()
    assert b"correct horse battery" not in raw
    row = kb.backends.store.conn.execute("SELECT password_hash FROM accounts WHERE name='ada'").fetchone()
    assert row[0].startswith("$argon2id$")
    assert kb.accounts.authenticate("ada", "correct horse battery") == Actor("ada", "admin", "app", "local")
    with pytest.raises(SignInFailed, match="Wrong name or password"):
        kb.accounts.authenticate("ada", "correct horse")
    with pytest.raises(KBError, match="at least 8"):
        kb.accounts.add("bo", "reader", "short")
    assert "correct horse" not in str(kb.accounts.audit())


def test_unknown_names_cost_a_password_check_as_known_ones_do(kb: KnowledgeBase,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    kb.accounts.add("ada", "admin", "correct horse battery")
    checked: list[str] = []
    real = passwords.HASHER

    class Counting:
        def verify(self, stored: str, given: str) -> bool:
            checked.append(stored)
            return real.verify(stored, given)

    monkeypatch.setattr(passwords, "HASHER", Counting())
    for name in ("ada", "nobody"):
        with pytest.raises(SignInFailed, match="Wrong name or password"):
            kb.accounts.authenticate(name, "guess guess")
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


def test_roles_decide_through_the_permission_check_and_the_audit_names_the_actor(kb: KnowledgeBase,
                                                                                   corpus_dir: Path) -> None:
    kb.accounts.add("rosa", "reader", "rosa's password")
    kb.accounts.add("rene", "researcher", "rene's password")
    rosa, rene = kb.accounts.actor_named("rosa", "app"), kb.accounts.actor_named("rene", "app")
    with pytest.raises(PermissionDenied, match="researcher role"):
        kb.ingest([corpus_dir], workers=1, actor=rosa)
    with pytest.raises(PermissionDenied):
        kb.accounts.add("eve", "admin", "eve's password", actor=rene)
    report = kb.ingest([corpus_dir], workers=1, actor=rene)
    doc_id = kb.doc_ids()[0]
    with pytest.raises(PermissionDenied):
        kb.remove(doc_id, actor=rosa)
    kb.remove(doc_id, actor=rene)
    kb.reindex(actor=rene)
    entries = kb.accounts.audit(user="rene")
    assert entries[-1]["action"] == "reindex" and entries[-1]["detail"]["documents"] == len(kb.doc_ids())
    entries = entries[:-1]
    assert [e["action"] for e in entries].count("ingest") == len(report.items) - len(report.failed)
    assert entries[-1]["action"] == "remove" and entries[-1]["target"] == doc_id and entries[-1]["detail"]["source"]
    with pytest.raises(PermissionDenied):
        kb.accounts.audit(actor=rene)


def test_an_audit_entry_commits_or_rolls_back_with_its_change(kb: KnowledgeBase,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.accounts import audit

    def broken(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(sqlite3.OperationalError):
        kb.create_list("Briefing")
    with pytest.raises(sqlite3.OperationalError):
        kb.accounts.add("ada", "admin", "correct horse battery")
    monkeypatch.undo()
    assert kb.reading_lists() == [] and kb.accounts.list() == []  # no change without its entry


def test_an_account_locks_after_wrong_passwords_and_opens_by_time_or_by_an_admin(tmp_path: Path) -> None:
    now = [datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)]
    settings = Settings.load({"home": str(tmp_path / "h"), "signin_max_failures": 3, "signin_lock_minutes": 10},
                             environ={})
    with KnowledgeBase(settings) as kb:
        kb.accounts.now = lambda: now[0]
        kb.accounts.limiter = AttemptLimiter(sleep=lambda s: None, max_wait=1e9)
        kb.accounts.add("ada", "admin", "correct horse battery")
        for _ in range(3):
            with pytest.raises(SignInFailed, match="Wrong name or password"):
                kb.accounts.authenticate("ada", "guess guess")
        with pytest.raises(SignInFailed, match="locked"):
            kb.accounts.authenticate("ada", "correct horse battery")  # the right password waits too
        now[0] += timedelta(minutes=11)
        assert kb.accounts.authenticate("ada", "correct horse battery").name == "ada"
        for _ in range(3):
            with pytest.raises(SignInFailed):
                kb.accounts.authenticate("ada", "guess guess")
        kb.accounts.unlock("ada")
        assert kb.accounts.authenticate("ada", "correct horse battery").name == "ada"
        assert [e["action"] for e in kb.accounts.audit(action="account")].count("account.lock") == 2


def test_forty_parallel_guessers_get_no_more_wrong_checks_than_the_lock_allows(kb: KnowledgeBase,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    kb.accounts.max_failures = 5
    kb.accounts.add("ada", "admin", "correct horse battery")
    real_checks = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda h, p: real_checks.append(h is not None) or real(h, p))

    def guess(n: int) -> str:
        try:
            kb.accounts.authenticate("ada", f"guess number {n}", client=f"10.0.0.{n}")
        except SignInFailed as exc:
            return "locked" if "locked" in str(exc) else "wrong"
        return "in"

    with ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(guess, range(40)))
    assert outcomes.count("wrong") == 5 and outcomes.count("locked") == 35  # counted exactly, one at a time
    assert real_checks.count(True) == 5  # the hash was compared 5 times; locked attempts only spend the time
    [row] = kb.accounts.list()
    assert row["locked"] and row["failed"] == 5


def test_others_guessing_in_parallel_keeps_the_legitimate_user_out_for_seconds_at_most(kb: KnowledgeBase) -> None:
    lock = threading.Lock()
    clock = {"now": 100.0}
    starts: dict[str, float] = {}

    def sleep(seconds: float) -> None:
        with lock:
            starts[threading.current_thread().name] = clock["now"] + seconds

    kb.accounts.limiter = AttemptLimiter(clock=lambda: clock["now"], sleep=sleep, spacing=0.5, max_wait=5)
    kb.accounts.add("ada", "admin", "correct horse battery")
    kb.accounts.add("bo", "reader", "bo's password")
    for n in range(30):  # thirty clients have guessed wrong already
        with pytest.raises(SignInFailed):
            kb.accounts.authenticate("bo", "guess guess", client=f"10.0.1.{n}")
        clock["now"] += 10
    refused, ada = [], []

    def attacker(n: int) -> None:
        try:
            kb.accounts.authenticate("bo", f"guess {n}", client=f"10.0.1.{n}")
        except KBError as exc:
            refused.append(exc)

    def legitimate() -> None:
        threading.current_thread().name = "ada"
        ada.append(kb.accounts.authenticate("ada", "correct horse battery", client="192.168.7.7"))

    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(30)] + [threading.Thread(target=legitimate)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ada and ada[0].name == "ada"
    assert starts["ada"] - clock["now"] <= 5.0  # her attempt's turn came within five seconds
    assert len(refused) == 30  # every guess was wrong or refused outright


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(kb: KnowledgeBase) -> None:
    kb.accounts.add("rosa", "reader", "rosa's password")
    token_id, token = kb.accounts.new_token("rosa", "laptop")
    assert len(token) > 40
    digests = [r[0] for r in kb.backends.store.conn.execute("SELECT digest FROM api_tokens")]
    assert token not in digests and len(digests[0]) == 64
    assert kb.accounts.actor_for_token(token, "10.1.1.1") == Actor("rosa", "reader", "api", "10.1.1.1")
    assert kb.accounts.actor_for_token(token + "x") is None
    [listed] = kb.accounts.tokens("rosa")
    assert listed["id"] == token_id and listed["label"] == "laptop" and listed["last_used"]
    kb.accounts.set_disabled("rosa", True)
    assert kb.accounts.actor_for_token(token) is None
    kb.accounts.set_disabled("rosa", False)
    kb.accounts.revoke_token("rosa", token_id)
    assert kb.accounts.actor_for_token(token) is None


def test_external_identities_get_accounts_without_passwords(kb: KnowledgeBase) -> None:
    actor = kb.accounts.ensure_external("mira@example.org", "reader", "oidc")
    assert actor == Actor("mira@example.org", "reader", "oidc", "")
    with pytest.raises(SignInFailed):
        kb.accounts.authenticate("mira@example.org", "")
    assert kb.accounts.ensure_external("mira@example.org", "researcher", "oidc").role == "researcher"
    entries = kb.accounts.audit(user="mira@example.org")
    assert [(e["action"], e["via"]) for e in entries] == [("account.add", "oidc"), ("account.role", "oidc")]
    assert entries[0]["detail"] == {"role": "reader", "source": "oidc"}
    listed = {row["name"]: row for row in kb.accounts.list()}
    assert listed["mira@example.org"]["source"] == "oidc" and "password_hash" not in listed["mira@example.org"]
    # a proxy's sign-in makes its own account, audited as via proxy
    kb.accounts.ensure_external("carla", "researcher", "proxy", address="198.51.100.4")
    assert [(e["action"], e["via"], e["address"]) for e in kb.accounts.audit(user="carla")] == \
        [("account.add", "proxy", "198.51.100.4")]


def test_an_external_identity_never_takes_over_a_local_account_nor_a_disabled_one(kb: KnowledgeBase) -> None:
    kb.accounts.add("ada", "admin", "correct horse battery")
    kb.accounts.add("rene", "reader", "rene's password")
    for via in ("oidc", "proxy"):
        with pytest.raises(SignInFailed, match="with a password"):
            kb.accounts.ensure_external("Rene", "admin", via)  # names compare whatever their case
    row = {r["name"]: r for r in kb.accounts.list()}["rene"]
    assert row["role"] == "reader" and row["source"] == "local"
    assert kb.accounts.authenticate("rene", "rene's password").role == "reader"

    kb.accounts.ensure_external("mira", "researcher", "oidc")
    kb.accounts.set_disabled("mira", True)
    with pytest.raises(SignInFailed, match="disabled"):
        kb.accounts.ensure_external("mira", "researcher", "oidc")
    with pytest.raises(SignInFailed, match="disabled"):
        kb.accounts.ensure_external("mira", "admin", "proxy")
    assert kb.accounts.current(Actor("mira", "researcher", "oidc")) is None  # its open sessions end
    # removed: the sessions end and the identity is refused until an admin adds the name again
    kb.accounts.set_disabled("mira", False)
    kb.create_list("mira's notes", actor=Actor("mira", "researcher", "oidc"))
    kb.accounts.remove("mira")
    assert kb.accounts.current(Actor("mira", "researcher", "oidc")) is None
    for via in ("oidc", "proxy"):
        with pytest.raises(SignInFailed, match="was removed"):
            kb.accounts.ensure_external("MIRA", "researcher", via)
    kb.accounts.add("mira", "reader", None)  # `kb users add mira --role reader --external`
    with pytest.raises(SignInFailed):
        kb.accounts.authenticate("mira", "")  # no password to sign in with
    assert kb.accounts.ensure_external("mira", "researcher", "oidc").role == "researcher"  # the provider's role
    assert kb.reading_lists(actor=Actor("mira", "researcher", "oidc")) == []  # nothing of the removed account
    assert [e["action"] for e in kb.accounts.audit(action="account")][-3:] == \
        ["account.remove", "account.add", "account.role"]


def test_a_removed_or_demoted_account_loses_its_role_at_the_next_check(kb: KnowledgeBase) -> None:
    kb.accounts.add("ada", "admin", "correct horse battery")
    kb.accounts.add("rene", "researcher", "rene's password")
    session = kb.accounts.authenticate("rene", "rene's password")
    kb.accounts.set_role("rene", "reader")
    assert kb.accounts.current(session).role == "reader"
    kb.accounts.remove("rene")
    assert kb.accounts.current(session) is None
    with pytest.raises(KBError, match="last admin"):
        kb.accounts.remove("ada")


def test_private_lists_stay_private_and_names_repeat_across_owners(kb: KnowledgeBase, corpus_dir: Path) -> None:
    kb.ingest([corpus_dir], workers=1)
    doc_id = kb.doc_ids()[0]
    for name in ("ana", "bo"):
        kb.accounts.add(name, "reader", f"{name}'s password")
    kb.accounts.add("rene", "researcher", "rene's password")
    ana, bo, rene = (kb.accounts.actor_named(n, "app") for n in ("ana", "bo", "rene"))
    kb.create_list("Case 17", actor=ana)
    kb.add_to_list("Case 17", doc_id, note="victim met on Tuesday", actor=ana)
    kb.create_list("Case 17", actor=bo)  # the same name, another owner
    assert [e["owner"] for e in kb.reading_lists(actor=bo)] == ["bo"]
    assert kb.list_items("Case 17", actor=bo) == []
    for who in (bo, rene):
        with pytest.raises(KBError):
            kb.list_items("Case 17", actor=who, owner="ana")
    with pytest.raises(PermissionDenied):
        kb.share_list("Case 17", actor=ana)  # sharing is for researchers
    kb.create_list("Team", actor=rene, shared=True)
    kb.add_to_list("Team", doc_id, note="for all", actor=rene)
    assert kb.list_items("Team", actor=bo)[0]["note"] == "for all"
    with pytest.raises(PermissionDenied):
        kb.annotate("Team", kb.list_items("Team", actor=bo)[0]["item_id"], "mine now", actor=bo)
    kb.accounts.remove("ana")  # her private lists go with her
    assert kb.backends.store.conn.execute("SELECT count(*) FROM reading_lists WHERE owner='ana'").fetchone()[0] == 0


def test_lists_of_an_older_knowledge_base_become_shared_lists_owned_by_no_one(tmp_path: Path) -> None:
    home = tmp_path / "old"
    home.mkdir()
    conn = sqlite3.connect(home / "kb.sqlite")
    conn.executescript("""
        CREATE TABLE reading_lists (name TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE list_items (item_id INTEGER PRIMARY KEY AUTOINCREMENT, list_name TEXT NOT NULL
            REFERENCES reading_lists(name) ON DELETE CASCADE ON UPDATE CASCADE, position INTEGER NOT NULL,
            doc_id TEXT, chunk_id TEXT, page INTEGER, passage TEXT, note TEXT NOT NULL DEFAULT '', query TEXT,
            citation TEXT NOT NULL DEFAULT '{}', added_at TEXT NOT NULL);
        INSERT INTO reading_lists VALUES ('Field visit', 'Agriculture', '2025-01-01', '2025-01-02');
        INSERT INTO list_items VALUES (7, 'Field visit', 1, NULL, NULL, 3, 'a passage', 'read first', NULL,
            '{"title": "Old report"}', '2025-01-01');
    """)
    conn.close()
    with KnowledgeBase(Settings.load({"home": str(home)}, environ={})) as kb:
        [entry] = kb.reading_lists(actor=Actor("someone", "reader"))
        assert (entry["name"], entry["owner"], entry["shared"], entry["description"]) == \
            ("Field visit", None, True, "Agriculture")
        [item] = kb.list_items("Field visit")
        assert (item["item_id"], item["note"], item["page"]) == (7, "read first", 3)
        kb.accounts.add("ada", "admin", "correct horse battery")
        kb.assign_list("Field visit", "ada")
        assert kb.reading_lists(actor=kb.accounts.actor_named("ada"))[0]["owner"] == "ada"


def test_the_command_line_manages_accounts_acts_as_an_account_and_reads_the_audit(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from kb.cli import main

    home = str(tmp_path / "cli")
    runner = CliRunner()

    def kb(*args: str, stdin: str | None = None, ok: bool = True) -> str:
        result = runner.invoke(main, ["--home", home, *args], input=stdin)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    kb("users", "add", "ada", "--role", "admin", "--password-stdin", stdin="ada's password\n")
    kb("users", "add", "rosa", "--role", "reader", stdin="rosa's password\nrosa's password\n")  # asked twice
    assert "at least 8" in kb("users", "add", "bo", "--role", "reader", "--password-stdin", stdin="short\n", ok=False)
    users = json.loads(kb("users", "list", "--json"))["users"]
    assert [(u["name"], u["role"]) for u in users] == [("ada", "admin"), ("rosa", "reader")]
    assert "may not manage accounts" in kb("--as", "rosa", "users", "list", ok=False)
    kb("--as", "rosa", "list", "create", "Case 17")
    kb("--as", "ada", "list", "create", "Case 17", "--shared")
    assert "owners: ada, rosa" not in kb("--as", "rosa", "list", "show", "Case 17")  # her own first
    kb("list", "create", "Case 17", "--shared")  # the operating-system user's shared list of the same name
    out = kb("--as", "ada", "list", "show", "Case 17")  # ada's own
    assert "several" not in out
    rosa_sees = kb("--as", "rosa", "list", "ls")
    assert rosa_sees.count("Case 17") == 3 and "private, rosa" in rosa_sees
    kb("users", "add", "bo", "--role", "reader", "--password-stdin", stdin="bo's password\n")
    assert "several reading lists are named 'Case 17' (owners: ada, " in kb("--as", "bo", "list", "show", "Case 17",
                                                                           ok=False)
    kb("--as", "bo", "list", "--owner", "ada", "show", "Case 17")  # named with its owner
    assert "only its owner and researchers" in kb("--as", "bo", "list", "--owner", "ada", "note", "Case 17", "1", "x",
                                                 ok=False)
    token = kb("users", "token", "rosa", "--label", "laptop").strip().splitlines()[0]
    assert token.startswith("atkb_")
    assert json.loads(kb("users", "tokens", "rosa", "--json"))["tokens"][0]["label"] == "laptop"
    kb("users", "revoke", "rosa", "1")
    kb("users", "role", "rosa", "researcher")
    entries = json.loads(kb("audit", "--user", "rosa", "--json"))["entries"]
    assert [(e["action"], e["target"], e["via"]) for e in entries] == [("list.create", "Case 17", "cli")]
    roles = json.loads(kb("audit", "--action", "account", "--since", "2000-01-01", "--json"))["entries"]
    assert [e["action"] for e in roles] == ["account.add", "account.add", "account.add", "account.role"]
    assert "not a date" in kb("audit", "--since", "yesterday", ok=False)


def test_a_sign_in_in_another_thread_waits_for_a_write_in_progress(kb: KnowledgeBase) -> None:
    kb.accounts.add("ada", "admin", "correct horse battery")
    inside, release, errors = threading.Event(), threading.Event(), []

    def writer() -> None:  # an upload's transaction, held open on the shared connection
        with kb.backends.store.transaction() as conn:
            conn.execute("INSERT INTO meta VALUES ('probe', '1')")
            inside.set()
            release.wait(10)

    def guess() -> None:
        try:
            kb.accounts.authenticate("ada", "wrong guess", client="10.3.0.1")
        except SignInFailed:
            pass
        except BaseException as exc:  # "cannot start a transaction within a transaction" without the lock
            errors.append(exc)

    w = threading.Thread(target=writer)
    w.start()
    inside.wait(10)
    g = threading.Thread(target=guess)
    g.start()
    g.join(2.0)
    release.set()
    w.join()
    g.join()
    assert errors == [] and kb.accounts.list()[0]["failed"] == 1
