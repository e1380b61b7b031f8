"""A Milvus Lite server in its own process for the tests: several processes (as the app, the CLI and a benchmark
do) connect to it by URI, as they would to a Milvus server or cluster."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

from .processes import stop_process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Start `milvus-lite server` on a free port; return the process and its URI once it answers."""
    port = free_port()
    # the server's log goes to a file beside its data: a pipe nobody reads stalls it once its buffer is full
    log = open(Path(data_dir).parent / f"milvus-server-{port}.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                                "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=log)
    log.close()  # the child holds its own descriptor
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = (Path(data_dir).parent / f"milvus-server-{port}.log").read_text(errors="replace")
            raise RuntimeError(f"milvus-lite server exited: {text[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, uri
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("milvus-lite server did not start within 60 s")


def running_server(data_dir: Path) -> Iterator[str]:
    """A server for the duration of a fixture."""
    process, uri = start_server(data_dir)
    try:
        yield uri
    finally:
        stop_process(process, grace=10)
