"""Settings: defaults, TOML file, KB_* environment and explicit overrides, with clear errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import SettingsError
from kb.settings import SETTINGS, Settings


def test_defaults() -> None:
    s = Settings.load(environ={})
    for setting in SETTINGS:
        assert getattr(s, setting.name) == setting.type(setting.default)


def test_precedence_toml_then_env_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[kb]\nchunk_tokens = 200\ntitle_boost = 3.0\nsearch_candidates = 50\n")
    env = {"KB_HOME": str(tmp_path), "KB_TITLE_BOOST": "4.5"}
    s = Settings.load({"search_candidates": 70}, environ=env)
    assert s.chunk_tokens == 200
    assert s.title_boost == 4.5
    assert s.search_candidates == 70
    assert s.home_path == tmp_path.resolve()


def test_bad_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="KB_CHUNK_TOKENS"):
        Settings.load(environ={"KB_CHUNK_TOKENS": "many", "KB_HOME": str(tmp_path)})
    (tmp_path / "config.toml").write_text("colour = 'red'\n")
    with pytest.raises(SettingsError, match="unknown settings colour"):
        Settings.load(environ={"KB_HOME": str(tmp_path)})
    with pytest.raises(SettingsError, match="chunk_overlap"):
        Settings.load({"chunk_overlap": 300}, environ={"KB_HOME": str(tmp_path / 'x')})
