"""What every `kb` command shares: the context that opens the knowledge base once, output for people (control
characters replaced) and for programs (JSON), and the group that turns errors into one line and an exit code."""
from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import click

from ..errors import KBError
from ..facade import KnowledgeBase
from ..settings import Settings, mask_secrets


def use_color() -> bool:
    """Whether standard output is a terminal that takes colours."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def emit_json(obj: Any) -> None:
    """Print data for programs as one line of JSON."""
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))  # JSON escapes control characters itself


# C0 and C1 control characters other than newline and tab: a document title could hold escape sequences that
# rewrite the terminal; they are replaced in everything printed for people.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def say(message: Any = "", **kwargs: Any) -> None:
    """click.echo for people: control characters from documents never reach the terminal."""
    click.echo(CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(message)), **kwargs)


class Context:
    """The command's data directory and its knowledge base, opened on first use."""

    def __init__(self, home: str | None):
        self.home = home
        self._kb: KnowledgeBase | None = None

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = KnowledgeBase(Settings.load({"home": self.home}))
        return self._kb

    def close(self) -> None:
        if self._kb is not None:
            self._kb.close()


class KBGroup(click.Group):
    """Turns KBError into a one-line message and exit code 1 (2 for usage errors, as click does)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KBError as exc:
            say(f"error: {mask_secrets(str(exc))}", err=True)
            sys.exit(1)
