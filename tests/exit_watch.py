"""A test process that does not exit once its tests are done is stopped with what held it printed on standard
output (the end of a CI log): every thread's stack and the child processes still running."""
from __future__ import annotations

import faulthandler
import os
import sys
import threading
import time
import traceback

EXIT_GRACE_S = float(os.environ.get("ATKB_TEST_EXIT_GRACE_S", "120"))
# the C watchdog, for an exit stuck where Python threads no longer run (the interpreter's last cleanup)
LAST_RESORT_S = EXIT_GRACE_S + 120
STACK_DEPTH = 8  # the innermost calls of each thread: where it waits


def watch_the_exit() -> None:
    """From now on the process has EXIT_GRACE_S to end; past that it prints what holds it and exits with 1."""
    threading.Thread(target=_report_a_stuck_exit, name="atkb-exit-watch", daemon=True).start()
    faulthandler.dump_traceback_later(LAST_RESORT_S, exit=True, file=sys.__stdout__)


def _report_a_stuck_exit() -> None:
    time.sleep(EXIT_GRACE_S)
    out = sys.__stdout__
    out.write(f"\nThe test process did not exit within {EXIT_GRACE_S:g} s after its tests ended. What holds it:\n")
    out.write("child processes still running:\n")
    for pid, command in _children():
        out.write(f"  {pid}: {command}\n")
    frames = sys._current_frames()
    for thread in threading.enumerate():
        if thread is threading.current_thread():
            continue
        out.write(f"thread {thread.name!r} (daemon={thread.daemon}), innermost calls last:\n")
        frame = frames.get(thread.ident or -1)
        out.write("".join(traceback.format_stack(frame)[-STACK_DEPTH:]) if frame is not None else "  (no frame)\n")
    out.flush()
    os._exit(1)


def _children() -> list[tuple[int, str]]:
    """(pid, command line) of this process's children, read from /proc."""
    found = []
    me = os.getpid()
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            if parent == me:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    found.append((int(entry), cmdline.read().replace(b"\0", b" ").decode(errors="replace")[:300]))
        except (OSError, ValueError, IndexError):
            continue
    return found
