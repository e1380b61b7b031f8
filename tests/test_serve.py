"""`kb serve`: this machine only unless --host says otherwise, and stopping it stops the server."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import KEYWORD_BACKEND
from .processes import stop_process


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> set[str]:
    """Local addresses listening on a TCP port, from /proc/net/tcp and tcp6 (Linux)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def _start(args: list[str], port: int) -> subprocess.Popen:
    """Start `kb serve` and wait until it answers."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "KB_EMBEDDER": "hashing"})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail("kb serve did not start")


@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="reads the listening sockets from /proc")
@pytest.mark.parametrize("host, expected", [(None, {"0100007F"}), ("0.0.0.0", {"00000000"})])
def test_serve_binds_to_loopback_unless_told_and_stops_with_its_process(tmp_path: Path, host: str | None,
                                                                         expected: set[str]) -> None:
    port = _free_port()
    args = [sys.executable, "-m", "kb.cli", "--home", str(tmp_path / "home"), "serve", "--port", str(port)]
    if host:
        args += ["--host", host]
    proc = _start(args, port)
    try:
        assert _listening(port) == expected
    finally:
        stopped = stop_process(proc)
    assert stopped  # `kb serve` stops when asked
    assert _listening(port) == set()  # no server left behind by the stopped `kb serve`


def _status(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read(8)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), b""


def test_originals_are_served_by_route_never_after_removal_and_at_any_size(tmp_path: Path, corpus_dir: Path) -> None:
    from kb import KnowledgeBase, Settings

    home = tmp_path / "home"
    settings = Settings.load({"home": str(home), "embedder": "hashing", "keyword_backend": KEYWORD_BACKEND},
                             environ={})
    with KnowledgeBase(settings) as kb:
        kb.ingest([corpus_dir], workers=1)
        pdfs = [kb.get_document(d) for d in kb.doc_ids() if kb.get_document(d).source.endswith(".pdf")]
        kept, removed, big = pdfs[0], pdfs[1], pdfs[2]
    big_file = home / "files" / big.stored_file
    with big_file.open("r+b") as handle:  # 210 MB, sparse: over Streamlit's 200 MB static-file limit
        handle.truncate(210 * 1024 * 1024)
    port = _free_port()
    proc = _start([sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", str(port)], port)
    try:
        base = f"http://127.0.0.1:{port}/originals"
        code, headers, start = _status(f"{base}/{kept.doc_id}")
        assert code == 200 and headers["content-type"] == "application/pdf" and start.startswith(b"%PDF-")
        assert _status(f"{base}/{removed.doc_id}")[0] == 200
        done = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), "remove", removed.doc_id],
                              env={**os.environ, "KB_EMBEDDER": "hashing"}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert _status(f"{base}/{removed.doc_id}")[0] == 404  # at once, without a rerun of the app
        code, headers, _ = _status(f"{base}/{big.doc_id}", method="HEAD")
        assert code == 200 and int(headers["content-length"]) == 210 * 1024 * 1024
        assert _status(f"{base}/..%2Fkb.sqlite")[0] in (400, 404)
        assert _status(f"{base}/0000000000000000")[0] == 404
    finally:
        stop_process(proc)
