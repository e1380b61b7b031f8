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


DEPLOY = (ROOT / "docs" / "deploy.md").read_text()


def _deploy_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.+?)\n```", DEPLOY, flags=re.S)


def test_every_kb_command_in_the_deployment_guide_parses() -> None:
    import shlex

    import click

    lines = [line.split("#")[0].strip() for block in _deploy_blocks("bash") for line in block.splitlines()]
    commands = [line for line in lines if re.search(r"(^|/|\s)kb\s", line)]
    assert len(commands) >= 10
    for line in commands:
        words = shlex.split(line)
        start = next(i for i, w in enumerate(words) if w == "kb" or w.endswith("/kb"))
        args = words[start + 1:]
        if args[:1] == ["--home"]:  # the one option of the group itself
            args = args[2:]
        assert args and args[0] in main.commands, line
        try:
            main.commands[args[0]].make_context(args[0], args[1:])
        except click.UsageError as exc:
            raise AssertionError(f"{line}: {exc}") from None
        for word in words[:start]:
            if "=" in word and word.startswith("KB_"):
                assert word.split("=")[0] in {s.env_var for s in SETTINGS}, (line, word)


def test_every_setting_in_the_deployment_guide_exists_and_loads() -> None:
    import tomllib

    from kb.settings import Settings

    blocks = _deploy_blocks("toml")
    assert len(blocks) >= 2
    for block in blocks:
        values = tomllib.loads(block)["kb"]
        Settings.load(values, environ={})  # an unknown setting or a bad value raises
    named = set(re.findall(r"\b(KB_[A-Z_]+)=", DEPLOY))
    assert named and named <= {s.env_var for s in SETTINGS}
