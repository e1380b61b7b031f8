"""Freezing what a long-running search process holds once it is open, out of the collector's later walks."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb.heap import freeze_long_lived

from .test_app import APP, app_home  # noqa: F401  (the fixture)


@pytest.fixture
def thawed() -> None:
    """Nothing frozen when the test starts (conftest thaws after every test)."""
    gc.unfreeze()


def _tracked(obj: object) -> bool:
    return any(o is obj for generation in range(3) for o in gc.get_objects(generation))


def test_objects_alive_when_frozen_are_left_out_of_later_collections(thawed: None) -> None:
    held = [{"a long-lived": "cache"}]
    assert _tracked(held)
    frozen = freeze_long_lived()
    assert frozen == gc.get_freeze_count() > 0
    assert not _tracked(held)
    later = [{"a query's": "objects"}]
    assert _tracked(later)  # what comes after is collected as before


def test_the_app_freezes_what_it_holds_once_the_knowledge_base_is_open(app_home: Path, thawed: None) -> None:  # noqa: F811
    assert gc.get_freeze_count() == 0
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert gc.get_freeze_count() > 0
