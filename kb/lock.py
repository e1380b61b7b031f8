"""The data directory's write lock, and the kill points the crash tests use to stop a writer mid-write."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .errors import KBError


class IngestLock:
    """An exclusive lock on the data directory for writers; the OS releases it if the process dies."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self, wait: bool = True) -> None:
        """Take the lock (waiting for another writer when `wait`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            raise KBError(f"another atkb process is writing to {self.path.parent}; wait for it to finish") from None
        self._fd = fd

    def release(self) -> None:
        """Release the lock."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

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
