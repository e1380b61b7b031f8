"""Rebuilding an index folder beside the live one and swapping it in, so that a crash leaves one of them whole.

FOLDER.new is built, marked COMPLETE, then FOLDER is moved to FOLDER.old, FOLDER.new to FOLDER, and FOLDER.old is
removed. Whoever opens the data directory next as its writer finishes or discards a swap that a crash interrupted.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

COMPLETE = "COMPLETE"


def start_aside(current: Path) -> Path:
    """An empty FOLDER.new to build the replacement of `current` in."""
    building = current.with_name(current.name + ".new")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    return building


def swap_in(current: Path) -> None:
    """Mark FOLDER.new complete and make it the live folder."""
    building = current.with_name(current.name + ".new")
    (building / COMPLETE).write_text("ok")
    finish_swap(current)


def finish_swap(current: Path) -> None:
    """Complete a swap whose replacement was complete, or discard an unfinished replacement."""
    building = current.with_name(current.name + ".new")
    old = current.with_name(current.name + ".old")
    if building.exists():
        if (building / COMPLETE).exists():
            if current.exists():
                if old.exists():
                    shutil.rmtree(current)
                else:
                    os.replace(current, old)
            os.replace(building, current)
            (current / COMPLETE).unlink(missing_ok=True)
        else:
            shutil.rmtree(building, ignore_errors=True)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
