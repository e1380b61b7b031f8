"""A knowledge base whose search runs in Milvus (Milvus Lite): the same results, passages and JSON as the local
indexes; SQLite stays the source of truth (`kb check` compares, `kb reindex` rebuilds and drops what it replaced);
switching is refused with the fix; a Milvus that cannot be reached is one clear message, in the CLI and the app."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb import KnowledgeBase, Settings
from kb.engines.registry import milvus_prefix
from kb.engines.milvus_client import client_for, close_clients, collection_stem, read_marker

from .conftest import FAST

APP = str(Path(__file__).resolve().parents[1] / "kb" / "webapp" / "page.py")
QUERIES = ["compensation for victims", "schadevergoeding slachtoffers", "labour inspectors", "debt bondage",
           '"reflection period"']


def kb_cli(home: Path, *args: str, search: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({f"KB_{k.upper()}": str(v) for k, v in {**FAST, **search}.items()})
    done = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), *args], env=env,
                          capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def milvus(uri: str) -> dict[str, str]:
    return {"search_backend": "milvus", "milvus_uri": uri}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> dict[str, Path]:
    """The same corpus ingested into a local knowledge base and into one on a Milvus Lite file (in-process)."""
    root = tmp_path_factory.mktemp("both")
    homes = {"local": root / "local", "milvus": root / "milvus"}
    kb_cli(homes["local"], "ingest", str(corpus_dir), "--workers", "1", search={})
    kb_cli(homes["milvus"], "ingest", str(corpus_dir), "--workers", "1", search=milvus(str(root / "kb-milvus.db")))
    return homes


def results(home: Path, query: str, mode: str, search: dict[str, str]) -> dict:
    return json.loads(kb_cli(home, "search", query, "--mode", mode, "--json", search=search).stdout)


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_milvus_gives_the_local_results_with_passages_and_the_same_json(both: dict[str, Path], mode: str) -> None:
    uri = str(both["milvus"].parent / "kb-milvus.db")
    for query in QUERIES:
        local, remote = results(both["local"], query, mode, {}), results(both["milvus"], query, mode, milvus(uri))
        assert remote["results"], query
        assert set(remote) == set(local)
        assert set(remote["results"][0]) == set(local["results"][0])
        # the same documents on top; Milvus's BM25 (its own k1 and b) may order the tail differently
        assert remote["results"][0]["doc_id"] == local["results"][0]["doc_id"], (query, mode)
        top_local = {r["doc_id"] for r in local["results"][:3]}
        assert len(top_local & {r["doc_id"] for r in remote["results"][:3]}) >= min(2, len(top_local)), (query, mode)
        passage = remote["results"][0]["passages"][0]
        assert passage["page"] >= 1 and passage["text"]
    marked = results(both["milvus"], "labour inspectors", "keyword", milvus(uri))["results"][0]["passages"][0]
    words = {marked["text"][start:end].lower() for start, end in marked["highlights"]}
    assert words and words <= {"labour", "inspector", "inspectors"}


def test_a_quoted_phrase_is_exact_on_milvus(both: dict[str, Path]) -> None:
    uri = str(both["milvus"].parent / "kb-milvus.db")
    assert results(both["milvus"], '"reflection period"', "keyword", milvus(uri))["results"]
    assert not results(both["milvus"], '"period reflection"', "keyword", milvus(uri))["results"]


def test_check_compares_reindex_rebuilds_and_drops_the_replaced_collections(tmp_path: Path, corpus_dir: Path,
                                                                         milvus_uri: str) -> None:
    home, search = tmp_path / "home", milvus(milvus_uri)
    kb_cli(home, "ingest", str(corpus_dir), "--workers", "1", search=search)
    assert json.loads(kb_cli(home, "check", "--json", search=search).stdout)["ok"]
    settings = Settings.load({"home": str(home), **FAST, **search}, environ={})
    with KnowledgeBase(settings) as kb:
        prefix = milvus_prefix(settings, kb.backends.owner)
    pages = read_marker(home / "keyword")["collection"]
    chunks = read_marker(home / "vectors")["collection"]
    client = client_for(milvus_uri)
    client.delete(pages, filter='page == 1')  # pages lost from the index: the store still has them
    checked = kb_cli(home, "check", "--json", search=search, check=False)
    assert checked.returncode != 0 and not json.loads(checked.stdout)["ok"]
    assert "keyword index" in checked.stdout

    kb_cli(home, "reindex", search=search)
    assert json.loads(kb_cli(home, "check", "--json", search=search).stdout)["ok"]
    live = {read_marker(home / "keyword")["collection"], read_marker(home / "vectors")["collection"]}
    assert pages not in live and chunks not in live
    mine = [name for name in client.list_collections() if name.startswith(collection_stem(prefix) + "_")]
    assert sorted(mine) == sorted(live)  # the replaced collections are gone from Milvus
    assert results(home, "debt bondage", "hybrid", search)["results"][0]["title"] == "Debt bondage"


def test_switching_to_milvus_and_back_is_refused_with_the_fix(both: dict[str, Path], tmp_path: Path) -> None:
    refused = kb_cli(both["local"], "search", "debt bondage", "--mode", "keyword",
                     search=milvus(str(tmp_path / "other.db")), check=False)
    assert refused.returncode == 1
    assert "search_backend" in refused.stderr and "kb reindex --keyword" in refused.stderr
    back = kb_cli(both["milvus"], "search", "debt bondage", "--mode", "semantic", search={}, check=False)
    assert back.returncode == 1
    assert "KB_SEARCH_BACKEND=milvus" in back.stderr and "kb reindex --vectors" in back.stderr


def test_an_unreachable_milvus_is_one_message_and_the_store_is_kept(both: dict[str, Path], tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(both["milvus"]), str(home)], check=True)
    down = milvus("http://127.0.0.1:9")  # nothing listens there
    failed = kb_cli(home, "search", "debt bondage", search=down, check=False)
    assert failed.returncode == 1
    assert "search is unavailable" in failed.stderr and "Traceback" not in failed.stderr
    stats = json.loads(kb_cli(home, "stats", "--json", search=down).stdout)  # the store opens without Milvus
    assert stats["documents"] == 6

    monkeypatch.setenv("KB_HOME", str(home))
    for name, value in down.items():
        monkeypatch.setenv(f"KB_{name.upper()}", value)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["q"] = "debt bondage"
    at.run()
    assert not at.exception
    assert any("search is unavailable" in error.value for error in at.error)


def test_a_milvus_lite_file_open_in_another_process_says_how_to_share_it(both: dict[str, Path]) -> None:
    uri = str(both["milvus"].parent / "kb-milvus.db")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pymilvus import MilvusClient; "
                               f"MilvusClient({uri!r}); print('open', flush=True); time.sleep(120)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        refused = kb_cli(both["milvus"], "search", "debt bondage", search=milvus(uri), check=False)
        assert refused.returncode == 1
        assert "one process at a time" in refused.stderr and "milvus-lite server" in refused.stderr
    finally:
        holder.kill()
        holder.wait()


def test_closing_the_clients_frees_a_milvus_lite_file_for_another_process(both: dict[str, Path]) -> None:
    uri = str(both["milvus"].parent / "kb-milvus.db")
    with KnowledgeBase(Settings.load({"home": str(both["milvus"]), **FAST, **milvus(uri)}, environ={})) as kb:
        assert kb.search("debt bondage", mode="keyword").hits
    assert kb_cli(both["milvus"], "search", "debt bondage", search=milvus(uri), check=False).returncode == 1
    close_clients()
    found = kb_cli(both["milvus"], "search", "debt bondage", "--json", search=milvus(uri))
    assert json.loads(found.stdout)["results"]


def test_a_rare_phrase_is_found_behind_many_pages_with_its_words_apart(milvus_uri: str, tmp_path: Path) -> None:
    from kb.engines.registry import build_keyword_index
    from kb.models import Document, Page

    settings = Settings.load({"home": str(tmp_path / "home"), **milvus(milvus_uri)}, environ={})
    index = build_keyword_index(settings, tmp_path / "keyword")
    apart = [(Document(doc_id=f"a{n}", source=f"/a{n}", sha256=f"a{n}", title="Shelters", language="en"),
              [Page(1, "Reflection on shelters. " * 3 + "The period of stay. " * 3)]) for n in range(40)]
    phrase = (Document(doc_id="p", source="/p", sha256="p", title="Guide", language="en"),
              [Page(1, "Victims are offered a reflection period before they decide, and much other text. " * 4)])
    index.replace_documents([*apart, phrase])
    # BM25 ranks the pages with the words apart first: the exact test must look past them
    assert [h.doc_id for h in index.search(index.parse('"reflection period"', raw=False), limit=1)] == ["p"]
    assert [h.doc_id for h in index.search(index.parse('"reflection period"', raw=True), limit=1)] == ["p"]
