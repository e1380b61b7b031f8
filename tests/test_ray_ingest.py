"""`kb ingest --ray`: files read, chunked and embedded by tasks on a local Ray instance, written by the one writer;
the report is a local run's, a worker that dies is that file's failure, and a killed run is finished by the next."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from kb import KnowledgeBase, Settings
from kb.indexing.indexer import Indexer

from .conftest import FAST
from .fixtures import DUTCH_PAGES, ENGLISH_PAGES, make_pdf

ray = pytest.importorskip("ray")
CRASHING = "crash-me.pdf"  # its Ray task kills its worker process (fault injection of the tests)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One local Ray instance for the module; its workers kill themselves on the file CRASHING."""
    from ingest.ray_ingest import start_ray

    os.environ["KB_TEST_KILL_AT"] = f"ray_task_{CRASHING}"  # inherited by the workers Ray starts
    os.environ["RAY_AUTH_MODE"] = "disabled"  # what a user may have set; the local instance requires its token anyway
    try:
        start_ray("local")
    finally:
        del os.environ["KB_TEST_KILL_AT"]
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ray-docs")
    make_pdf(out / "labour.pdf", ENGLISH_PAGES, title="Labour exploitation report")
    make_pdf(out / "mensenhandel.pdf", DUTCH_PAGES, title="Rapportage mensenhandel")
    make_pdf(out / "second.pdf", [p + " Second edition." for p in ENGLISH_PAGES], title="Second report")
    (out / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    make_pdf(out / CRASHING, ["A page about shelters."], title="Crashing")
    return out


def _items(report: dict) -> list[tuple]:
    return sorted((Path(i["source"]).name, i["status"], i.get("doc_id"), i.get("pages"), i.get("chunks"))
                  for i in report["items"])


def test_ray_ingestion_reports_as_a_local_run_and_embeds_on_the_workers(
        local_ray: None, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with KnowledgeBase(Settings.load({"home": str(tmp_path / "local"), **FAST}, environ={})) as kb:
        local = kb.ingest([folder], workers=1).to_dict()

    embedded_here: list[str] = []
    embed_texts = Indexer.embed_texts

    def local_embedding(self: Indexer, texts: list[str], progress: object = None) -> object:
        embedded_here.extend(texts)
        return embed_texts(self, texts, progress)

    monkeypatch.setattr(Indexer, "embed_texts", local_embedding)
    with KnowledgeBase(Settings.load({"home": str(tmp_path / "ray"), **FAST}, environ={})) as kb:
        remote = kb.ingest([folder], ray="local").to_dict()
        # the Ray workers embedded every chunk; the writer embeds only the few records found, for record search
        assert set(embedded_here) <= {view.record.text for view in kb.recommendations()}
        assert {r["doc_id"] for r in kb.search("greenhouses", mode="semantic", k=10).to_dict()["results"]} \
            >= {i["doc_id"] for i in remote["items"] if Path(i["source"]).name in ("labour.pdf", "second.pdf")}
        assert kb.check()["ok"]

    expected = [item for item in _items(local) if item[0] != CRASHING]
    assert [item for item in _items(remote) if item[0] != CRASHING] == expected
    assert remote["counts"]["added"] == 3 and remote["counts"]["failed"] == 2
    crashed = next(i for i in remote["items"] if Path(i["source"]).name == CRASHING)
    assert crashed["status"] == "failed" and "Ray worker" in crashed["reason"]
    broken = next(i for i in remote["items"] if Path(i["source"]).name == "broken.pdf")
    assert broken["reason"] == next(i for i in local["items"] if Path(i["source"]).name == "broken.pdf")["reason"]


def _threads_of_a_worker_embedder(settings_values: dict) -> int:
    from ingest.ray_ingest import worker_embedder
    from kb.engines.embedding import embedding_threads

    worker_embedder(Settings(settings_values))
    return embedding_threads()


def test_a_ray_workers_model_computes_with_the_cpus_of_its_task_not_of_the_node(local_ray: None) -> None:
    task = ray.remote(_threads_of_a_worker_embedder).options(num_cpus=1, max_retries=0)
    assert ray.get(task.remote(Settings.load(FAST, environ={}).as_dict())) == 1  # on a node of several cores


def _cli(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({f"KB_{k.upper()}": str(v) for k, v in FAST.items()})
    env.update({"KB_INDEX_BATCH_DOCS": "1", **extra})
    return subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), *args], env=env,
                          capture_output=True, text=True, timeout=600)


def test_a_killed_ray_run_is_finished_by_the_next_one_from_the_cli(folder: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("labour.pdf", "mensenhandel.pdf", "second.pdf"):
        (docs / name).write_bytes((folder / name).read_bytes())
    home = tmp_path / "home"
    killed = _cli(home, "ingest", str(docs), "--ray", "--json", KB_TEST_KILL_AT="after_store_write:2")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    done = _cli(home, "ingest", "--ray", str(docs), "--json")  # the option's value may come first, too
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["counts"]
    assert counts["added"] + counts["unchanged"] == 3 and counts["failed"] == 0
    check = _cli(home, "check", "--json")
    assert check.returncode == 0 and json.loads(check.stdout)["documents"] == 3
    found = _cli(home, "search", "schadevergoeding", "--mode", "keyword", "--json")
    assert json.loads(found.stdout)["results"][0]["title"] == "Rapportage mensenhandel"


def test_a_local_ray_instance_is_given_minutes_to_start_its_control_server(local_ray: None) -> None:
    from ingest.ray_ingest import GCS_WAIT_VARIABLE

    # Ray's own wait is 30 s, which a busy machine of 2 cores has been seen to exceed
    assert int(os.environ[GCS_WAIT_VARIABLE]) >= 120


def test_a_local_ray_instance_refuses_a_client_without_its_token(local_ray: None, tmp_path: Path) -> None:
    gcs = ray._private.worker._global_node.gcs_address
    # one read of the instance's control store over its network address, as a client on another machine would
    read = ("from ray._raylet import GcsClient; "
            f"print('READ', GcsClient(address={gcs!r}).internal_kv_get(b'session_name', b'session', timeout=30))")
    stranger = dict(os.environ, HOME=str(tmp_path), RAY_AUTH_MODE="token", RAY_AUTH_TOKEN="0" * 32)
    stranger.pop("RAY_AUTH_TOKEN_PATH", None)
    refused = subprocess.run([sys.executable, "-c", read], env=stranger, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "READ" not in refused.stdout
    assert "InvalidAuthToken" in refused.stderr
    own = subprocess.run([sys.executable, "-c", read], env=dict(os.environ), capture_output=True, text=True,
                         timeout=120)
    assert "READ b'session_" in own.stdout  # the same read with the instance's token succeeds
    assert os.environ["RAY_AUTH_MODE"] == "token"
