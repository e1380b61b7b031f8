"""The data directory's write lock, and the kill points the crash tests use to stop a writer mid-write."""
from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path
from typing import Callable

from .errors import KBError


def _tell(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class IngestLock:
    """An exclusive lock on the data directory for writers; the OS releases it if the process dies.

    A second writer waits for it, says so once, and gives up after `timeout` seconds with a clear message.
    """

    def __init__(self, path: Path, timeout: float = 3600.0, notify: Callable[[str], None] = _tell):
        self.path = path
        self.timeout = timeout
        self.notify = notify
        self._fd: int | None = None
        self._depth = 0

    def _holder(self) -> str:
        try:
            text = self.path.read_text().strip()
        except OSError:
            return "another atkb process"
        return f"atkb process {text}" if text else "another atkb process"

    def acquire(self, wait: bool = True) -> None:
        """Take the lock (waiting up to the timeout for another writer when `wait`)."""
        if self._fd is not None:  # already ours: nested use by the same writer
            self._depth += 1
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + max(0.0, self.timeout)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self._holder()
                if not wait or time.monotonic() >= deadline:
                    os.close(fd)
                    waited = f" for {self.timeout:.0f} s" if wait else ""
                    raise KBError(f"{holder} is writing to {self.path.parent} (waited{waited or ' not at all'}): "
                                  "try again when it has finished, or raise the setting lock_timeout") from None
                if not told:
                    self.notify(f"waiting for another ingest to finish… ({holder} is writing to "
                                f"{self.path.parent}; waiting up to {self.timeout:.0f} s, setting lock_timeout)")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        self._fd = fd
        self._depth = 1

    def release(self) -> None:
        """Release the lock (the outermost release of a nested use)."""
        if self._fd is None:
            return
        self._depth -= 1
        if self._depth > 0:
            return
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        return self._fd is not None

    def __enter__(self) -> "IngestLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def kill_point(name: str) -> None:
    """Fault injection for the crash tests: SIGKILL this process when KB_TEST_KILL_AT names this point."""
    target = os.environ.get("KB_TEST_KILL_AT")
    if not target:
        return
    point, _, count = target.partition(":")
    if point != name:
        return
    counter = f"_KB_KILL_COUNT_{name}"
    seen = int(os.environ.get(counter, "0")) + 1
    os.environ[counter] = str(seen)
    if seen >= int(count or 1):
        os.kill(os.getpid(), 9)
