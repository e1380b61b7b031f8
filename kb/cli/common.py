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
from ..permissions import Actor, system_actor
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


def emit_data(text: str) -> None:
    """Print data for programs (an export) byte for byte, as UTF-8: nothing is replaced or translated."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def say(message: Any = "", **kwargs: Any) -> None:
    """click.echo for people: control characters from documents never reach the terminal."""
    click.echo(CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(message)), **kwargs)


class Context:
    """The command's data directory and its knowledge base, opened on first use."""

    def __init__(self, home: str | None, as_name: str | None = None):
        self.home = home
        self.as_name = as_name
        self.owner: str | None = None  # `kb list --owner`
        self._kb: KnowledgeBase | None = None

    @property
    def actor(self) -> Actor:
        """Who this command acts as: the account of --as, else the operating-system user as admin (who has the
        data directory's files anyway)."""
        if self.as_name is None:
            return system_actor()
        return self.kb.accounts.actor_named(self.as_name, via="cli")

    def as_actor(self, owner: bool = True) -> dict[str, Any]:
        """The actor (and the list owner asked for) as keyword arguments of a facade call."""
        return {"actor": self.actor, **({"owner": self.owner} if owner else {})}

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = KnowledgeBase(Settings.load({"home": self.home}))
        return self._kb

    def searchable(self) -> KnowledgeBase:
        """The knowledge base for a command that reads documents; one that does not exist or holds none is an
        error that says where it looked and how to ingest (a missing one is not created)."""
        home = Settings.load({"home": self.home}).home_path
        how = (f"ingest documents first, e.g. `kb --home {home} ingest corpus/` (or point KB_HOME or --home at the "
               "data directory you ingested into)")
        if not (home / "kb.sqlite").exists():
            raise KBError(f"no knowledge base in {home}: {how}")
        if not self.kb.stats().get("documents"):
            raise KBError(f"the knowledge base in {home} holds no documents: {how}")
        return self.kb

    def close(self) -> None:
        if self._kb is not None:
            self._kb.close()


class KBGroup(click.Group):
    """Turns KBError into a one-line message and exit code 1 (2 for usage errors, as click does)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands with their whole first sentence, wrapped rather than cut with "…"."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KBError as exc:
            say(f"error: {mask_secrets(str(exc))}", err=True)
            sys.exit(1)
