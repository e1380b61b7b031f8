"""The `kb users` commands (accounts, roles, passwords, API tokens) and `kb audit` (who changed what)."""
from __future__ import annotations

import sys
from datetime import date, datetime

import click

from ..errors import KBError
from ..permissions import require
from .common import Context, KBGroup, emit_json, say


@click.group(name="users", cls=KBGroup)
def users_group() -> None:
    """Accounts: add, list, change password or role, disable, unlock, remove; API tokens. The first admin is made
    here: `kb users add NAME --role admin`."""


def _password(stdin: bool, name: str) -> str:
    if stdin:
        line = sys.stdin.readline()
        if not line:
            raise KBError("no password on standard input")
        return line.rstrip("\r\n")
    return click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)


@users_group.command(name="add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reader", "researcher", "admin"]), required=True,
              help="reader: search, read, own reading lists; researcher: also add, correct and remove documents and "
                   "manage shared lists; admin: also manage accounts and read the audit trail.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--external", is_flag=True,
              help="No password: for someone who signs in with the organisation's identity (OpenID Connect or the "
                   "sign-in proxy); lets a removed identity in again.")
@click.pass_obj
def users_add(obj: Context, name: str, role: str, password_stdin: bool, external: bool) -> None:
    """Add an account (the password is asked twice, hidden, unless --password-stdin or --external)."""
    require(obj.actor, "accounts")  # before the password is asked for
    if external and password_stdin:
        raise click.UsageError("--external accounts have no password: leave out --password-stdin")
    obj.kb.accounts.add(name, role, None if external else _password(password_stdin, name), actor=obj.actor)
    say(f"added {name} ({role}" + (", signs in with the organisation's identity)" if external else ")"))


@users_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def users_list(obj: Context, as_json: bool) -> None:
    """Every account with its role and state."""
    rows = obj.kb.accounts.list(actor=obj.actor)
    if as_json:
        emit_json({"users": rows})
        return
    for row in rows:
        state = "disabled" if row["disabled"] else f"locked until {row['locked_until']}" if row["locked"] else "active"
        say(f"{row['name']}  {row['role']}  {state}  ({row['source']}, since {row['created_at'][:10]})")
    if not rows:
        say("no accounts yet: kb users add NAME --role admin")


@users_group.command(name="passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@click.pass_obj
def users_passwd(obj: Context, name: str, password_stdin: bool) -> None:
    """Set an account's password (its lock and count of wrong passwords are cleared)."""
    obj.kb.accounts.set_password(name, _password(password_stdin, name), actor=obj.actor)
    say(f"changed the password of {name}")


@users_group.command(name="role")
@click.argument("name")
@click.argument("role", type=click.Choice(["reader", "researcher", "admin"]))
@click.pass_obj
def users_role(obj: Context, name: str, role: str) -> None:
    """Change an account's role (its open sessions get it at their next page)."""
    obj.kb.accounts.set_role(name, role, actor=obj.actor)
    say(f"{name} is {role} now")


@users_group.command(name="disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the account again.")
@click.pass_obj
def users_disable(obj: Context, name: str, enable: bool) -> None:
    """Disable an account (its sessions end, its tokens stop working) or, with --enable, enable it again."""
    obj.kb.accounts.set_disabled(name, not enable, actor=obj.actor)
    say(f"{name} is {'enabled' if enable else 'disabled'}")


@users_group.command(name="remove")
@click.argument("name")
@click.pass_obj
def users_remove(obj: Context, name: str) -> None:
    """Remove an account with its tokens and private reading lists (its shared lists stay, owned by no one)."""
    obj.kb.accounts.remove(name, actor=obj.actor)
    say(f"removed {name}")


@users_group.command(name="unlock")
@click.argument("name")
@click.pass_obj
def users_unlock(obj: Context, name: str) -> None:
    """Let an account locked by wrong passwords sign in again now."""
    obj.kb.accounts.unlock(name, actor=obj.actor)
    say(f"unlocked {name}")


@users_group.command(name="token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for (shown in `kb users tokens`).")
@click.pass_obj
def users_token(obj: Context, name: str, label: str) -> None:
    """Make an API token for an account and print it, this once (only its hash is kept)."""
    token_id, token = obj.kb.accounts.new_token(name, label, actor=obj.actor)
    click.echo(token)
    say(f"token {token_id} for {name}: keep it now, it is not shown again", err=True)


@users_group.command(name="tokens")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def users_tokens(obj: Context, name: str, as_json: bool) -> None:
    """An account's API tokens: id, label, created, last used."""
    rows = obj.kb.accounts.tokens(name, actor=obj.actor)
    if as_json:
        emit_json({"tokens": rows})
        return
    for row in rows:
        say(f"{row['id']}  {row['label'] or '-'}  created {row['created']}  last used {row['last_used'] or 'never'}")


@users_group.command(name="revoke")
@click.argument("name")
@click.argument("token_id", type=int)
@click.pass_obj
def users_revoke(obj: Context, name: str, token_id: int) -> None:
    """Revoke one of an account's API tokens."""
    obj.kb.accounts.revoke_token(name, token_id, actor=obj.actor)
    say(f"revoked token {token_id} of {name}")


def _since(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return (datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM)",
                                 param_hint="--since") from None


@click.command(name="audit")
@click.option("--since", default=None, metavar="DATE", help="Entries from this date (YYYY-MM-DD) or time on (UTC).")
@click.option("--user", default=None, help="Entries of this user only.")
@click.option("--action", default=None,
              help="Entries of this action only (ingest, upload, fetch, correct, remove, reindex, list, account, "
                   "token, or a full name such as list.delete).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True, help="The latest N.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def audit_command(obj: Context, since: str | None, user: str | None, action: str | None, limit: int,
                  as_json: bool) -> None:
    """The audit trail: who changed what, when and from where (admins)."""
    rows = obj.kb.accounts.audit(since=_since(since), user=user, action=action, limit=limit, actor=obj.actor)
    if as_json:
        emit_json({"entries": rows})
        return
    for row in rows:
        where = f" from {row['address']}" if row["address"] and row["address"] != "local" else ""
        say(f"{row['time'][:19]}  {row['user']} ({row['via']}{where})  {row['action']}  {row['target']}")
