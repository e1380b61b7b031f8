"""Docs that can drift are checked: every command, option group and setting is in the README; CI runs its test command."""
from __future__ import annotations

import re
from pathlib import Path

from kb.cli import main
from kb.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert f"kb {name}" in README, name


def test_every_setting_is_documented() -> None:
    for setting in SETTINGS:
        assert f"| {setting.name} | `{setting.env_var}` |" in README, setting.name


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_command() -> None:
    commands = re.findall(r"```bash\n(.+?)\n```", README)
    assert len(commands) >= 2
    setup, test = commands[0], commands[1]
    assert "ingest corpus/" in setup and setup.endswith("serve")
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci
