"""The test run's exit watch: a process that does not end after its tests fails with what holds it printed."""
from __future__ import annotations

import subprocess
import sys

from .conftest import REPO

HELD = """
import subprocess, threading, time
from tests.exit_watch import watch_the_exit
subprocess.Popen(["sleep", "20"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
threading.Thread(target=time.sleep, args=(3600,), name="held-for-an-hour").start()
watch_the_exit()
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={"ATKB_TEST_EXIT_GRACE_S": "2", "PATH": "/usr/bin:/bin"})


def test_a_process_held_at_its_exit_fails_and_names_what_holds_it() -> None:
    done = _run(HELD)
    assert done.returncode == 1
    assert "did not exit within 2 s after its tests ended" in done.stdout
    assert "thread 'held-for-an-hour' (daemon=False)" in done.stdout
    assert "child processes still running:\n" in done.stdout and "sleep 20" in done.stdout


def test_a_process_that_ends_is_left_alone() -> None:
    done = _run("from tests.exit_watch import watch_the_exit\nwatch_the_exit()\nprint('done')")
    assert done.returncode == 0 and done.stdout == "done\n"
