"""`kb alerts`: saved searches on the command line (add, list, remove, feed) and the alert run for cron.

They act as the command's actor (kb/cli/common.py): with `kb --as NAME`, that account's own saved searches only;
without it, the operating-system user, an admin who holds the data directory, lists and reaches everyone's and
keeps its own under its user name."""
from __future__ import annotations

import sys

import click

from ..facade import MODES
from .common import Context, emit_json, say


@click.group()
def alerts() -> None:
    """Saved searches and their alerts: `kb alerts run` (for cron) e-mails or prints what is new to each."""


@alerts.command("run")
@click.option("--json", "as_json", is_flag=True, help="Print what was found and sent as JSON.")
@click.option("--dry-run", is_flag=True, help="Show what is new without sending or recording anything.")
@click.pass_obj
def run_command(obj: Context, as_json: bool, dry_run: bool) -> None:
    """For every saved search, what was ingested since its last run and matches it: one digest per owner and address,
    e-mailed when smtp_host is set (printed otherwise). A digest that could not be sent is sent again next run."""
    run = obj.kb.run_alerts(dry_run=dry_run)
    if as_json:
        emit_json(run.to_dict())
    else:
        if not run.deliveries and not run.errors:
            say("nothing new for any saved search")
        for delivery in run.deliveries:
            where = f" to {delivery.email}" if delivery.email else ""
            say(f"== {delivery.owner}{where}: {delivery.status}" + (f" ({delivery.error})" if delivery.error else ""))
            if delivery.status != "sent":
                say(delivery.text)
    for alert in run.errors:
        say(f"error: saved search {alert.saved.saved_id} ({alert.saved.name}) of {alert.saved.owner} could not run: "
            f"{alert.error}; it is tried again by the next run", err=True)
    if run.failed:
        say(f"error: {len(run.failed)} digest(s) could not be sent; they are sent again by the next run",
            err=True)
    if run.failed or run.errors:
        sys.exit(1)


@alerts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with each feed's address).")
@click.pass_obj
def list_command(obj: Context, as_json: bool) -> None:
    """Your saved searches with their ids (without --as: everyone's, with their owners)."""
    every = obj.as_name is None
    saved = obj.kb.saved_searches(obj.actor, every_owner=every)
    if as_json:
        emit_json({"saved_searches": [{**s.to_dict(), "feed_url": obj.kb.feed_url(s)} for s in saved]})
        return
    if not saved:
        say("no saved searches: `kb alerts add NAME QUERY` keeps one")
    for s in saved:
        filters = " ".join(f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in s.filters.items())
        say(f"{s.saved_id}. {s.name}: “{s.query}” {s.mode or ''} {filters}".rstrip()
            + (f" → {s.email}" if s.email else "") + (f"  [{s.owner}]" if every else "")
            + f"  (new since {s.last_alerted_at})")


@alerts.command("add")
@click.argument("name")
@click.argument("query")
@click.option("--mode", type=click.Choice([*MODES, "meaning"]), default=None,
              help="Search mode (default: setting default_mode).")
@click.option("--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Only documents whose metadata matches (repeatable; year=2015..2020 for ranges).")
@click.option("--translate/--no-translate", default=True, help="Also search the query's translation (hybrid).")
@click.option("--email", default="", help="Where `kb alerts run` e-mails this search's digest.")
@click.option("--json", "as_json", is_flag=True, help="Print the saved search as JSON.")
@click.pass_obj
def add_command(obj: Context, name: str, query: str, mode: str | None, filters: tuple[str, ...], translate: bool,
                email: str, as_json: bool) -> None:
    """Save a search; documents ingested from now on that match it are its alerts."""
    saved = obj.kb.save_search(obj.actor, name, query, mode, filters, translate, email)
    if as_json:
        emit_json({**saved.to_dict(), "feed_url": obj.kb.feed_url(saved)})
        return
    say(f"saved search {saved.saved_id}: {saved.name}")
    say(f"feed: {obj.kb.feed_url(saved)}")


@alerts.command("remove")
@click.argument("saved_id", type=int)
@click.pass_obj
def remove_command(obj: Context, saved_id: int) -> None:
    """Remove a saved search (its feed stops at once); with --as, only one of that account's."""
    saved = obj.kb.delete_saved_search(obj.actor, saved_id, every_owner=obj.as_name is None)
    say(f"removed saved search {saved.saved_id}: {saved.name}")


@alerts.command("feed")
@click.argument("saved_id", type=int)
@click.option("--new-key", is_flag=True, help="Give the feed a new secret first (the old address stops working).")
@click.pass_obj
def feed_command(obj: Context, saved_id: int, new_key: bool) -> None:
    """Print a saved search's Atom feed address (with its secret; absolute when public_url is set); with --as, only
    one of that account's."""
    actor, every = obj.actor, obj.as_name is None
    saved = obj.kb.rotate_feed_secret(actor, saved_id, every_owner=every) if new_key \
        else obj.kb.saved_search(actor, saved_id, every_owner=every)
    say(obj.kb.feed_url(saved))
    if not obj.kb.settings.public_url:
        say("note: the address is under the app's own (set public_url for it in full)", err=True)
