"""Stopping the servers the tests start, so that none outlives its test."""
from __future__ import annotations

import subprocess


def stop_process(process: subprocess.Popen, grace: float = 30) -> bool:
    """Ask a process to stop; kill it when it has not stopped after `grace` seconds. Returns whether it stopped
    when asked."""
    process.terminate()
    try:
        process.wait(timeout=grace)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False
