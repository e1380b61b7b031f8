"""The smaller points of a shared server: secrets masked, workers that never outlive their parent, downloads that
connect where they checked, thesaurus errors that name file and line, private files however the app starts."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase, Settings
from kb.cli import main
from kb.errors import KBError
from kb.settings import mask_secrets
from kb.text.thesaurus import read_thesaurus

from .conftest import FAST
from .http_site import Site

ROOT = Path(__file__).resolve().parents[1]


def test_credentials_inside_addresses_are_masked_in_settings_and_messages(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert mask_secrets("http://user:pa55@milvus.example:19530/x") == "http://***@milvus.example:19530/x"
    assert mask_secrets("https://h.example/?db=1&token=abc123&x=2") == "https://h.example/?db=1&token=***&x=2"
    monkeypatch.setenv("KB_MILVUS_URI", "http://atkb:pa55word@127.0.0.1:9")
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "settings"])
    assert result.exit_code == 0 and "pa55word" not in result.output and "http://***@127.0.0.1:9" in result.output
    from kb.engines.milvus_client import unavailable

    message = str(unavailable("http://atkb:pa55word@127.0.0.1:9", ConnectionError("http://atkb:pa55word@x failed")))
    assert "pa55word" not in message and "search is unavailable" in message


def test_milvus_refusing_a_request_is_not_reported_as_unreachable() -> None:
    from pymilvus.exceptions import MilvusException

    from kb.engines.milvus_client import guarded

    def bad_request() -> None:
        raise MilvusException(code=1100, message="invalid expression: page == 99999999999999999999999")
    with pytest.raises(KBError) as caught:
        guarded(str(Path("/tmp/x/milvus.db")), bad_request)
    assert "refused the request" in str(caught.value) and "cannot be opened" not in str(caught.value)


def test_a_reading_worker_whose_parent_is_already_gone_exits_at_once() -> None:
    code = "from ingest.pipeline import start_worker; start_worker(0, parent=1); print('still reading')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and "still reading" not in done.stdout


def test_a_download_connects_only_to_the_address_it_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site").mkdir()
    site = Site(tmp_path / "site")
    real = socket.getaddrinfo
    answers = {"count": 0}

    def rebinding(host: str, *args: object, **kwargs: object) -> list:
        if host != "rebind.example":
            return real(host, *args, **kwargs)
        answers["count"] += 1  # public when checked, loopback when connecting
        address = "93.184.216.34" if answers["count"] == 1 else "127.0.0.1"
        return real(address, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = site.base.replace("127.0.0.1", "rebind.example") + "/direct.pdf"
    try:
        with KnowledgeBase(Settings.load({"home": str(tmp_path / "h"), **FAST, "fetch_private_addresses": "refuse",
                                          "fetch_retries": 0, "fetch_timeout": 2}, environ={})) as kb:
            report = kb.ingest([url])
    finally:
        site.close()
    assert report.failed and "private or local network (127.0.0.1)" in report.failed[0].reason
    assert answers["count"] >= 2 and not site.hits.get("/direct.pdf")


@pytest.mark.parametrize(("content", "expected"), [
    (b"id,facet,broader,related,en,nl\nabc,,,,x,y\nab\xffc,,,,x,y\n", ":3: the thesaurus is not UTF-8"),
    (b"id,facet,broader,related,en,nl\nabc,,,,x,y\n\"" + b"x" * 200_000 + b"\",,,,x,y\n",
     ":3: the thesaurus is not valid CSV"),
])
def test_thesaurus_errors_name_file_and_line(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "concepts.csv"
    path.write_bytes(content)
    with pytest.raises(KBError) as caught:
        read_thesaurus(path)
    assert str(caught.value).startswith(str(path)) and expected in str(caught.value)


@pytest.mark.parametrize("start", ["import app", "import kb.webapp.state as s; s.open_kb.__wrapped__(HOME)"])
def test_the_app_keeps_its_files_private_however_it_starts(tmp_path: Path, start: str) -> None:
    home = tmp_path / "home"
    code = (f"import os; HOME = {str(home)!r}; os.umask(0o022); {start}; "
            "from kb import KnowledgeBase, Settings; kb = KnowledgeBase(Settings.load({'home': HOME})); "
            "kb.create_list('x'); (kb.home / 'files').mkdir(exist_ok=True); print(oct(os.umask(0)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "KB_HOME": str(home)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("0o77")
    for path in [home, *home.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
