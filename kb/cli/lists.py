"""The `kb list` commands: reading lists with owners, private or shared, for the command line's actor."""
from __future__ import annotations

from pathlib import Path

import click

from .common import Context, KBGroup, emit_data, emit_json, say


@click.group(name="list", cls=KBGroup)
@click.option("--owner", default=None, metavar="USER",
              help="The list of this owner ('-': owned by no one) when several you may see share a name.")
@click.pass_obj
def list_group(obj: Context, owner: str | None) -> None:
    """Reading lists: create, add, show, share, export to citation managers, import. Each list has an owner and
    is private or shared; a NAME means your own list of that name, else the one you may see."""
    obj.owner = owner


@list_group.command(name="ls")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_ls(obj: Context, as_json: bool) -> None:
    """Every reading list with its number of items."""
    lists = obj.kb.reading_lists(**obj.as_actor(owner=False))
    if as_json:
        emit_json({"lists": lists})
        return
    for entry in lists:
        whose = f"{'shared' if entry['shared'] else 'private'}, {entry['owner'] or 'no owner'}"
        say(f"{entry['name']}  ({entry['items']} items; {whose}){'  — ' + entry['description'] if entry['description'] else ''}")
    if not lists:
        say("no reading lists yet: kb list create NAME")


@list_group.command(name="create")
@click.argument("name")
@click.option("--description", default="", help="What the list is for.")
@click.option("--shared", is_flag=True, help="Readable by everyone allowed in (researchers and admins).")
@click.pass_obj
def list_create(obj: Context, name: str, description: str, shared: bool) -> None:
    """Create a reading list of your own (private unless --shared)."""
    obj.kb.create_list(name, description, shared=shared, **obj.as_actor(owner=False))
    say(f"created reading list {name!r}")


@list_group.command(name="share")
@click.argument("name")
@click.option("--private", "private", is_flag=True, help="Make the list private again (its owner only).")
@click.pass_obj
def list_share(obj: Context, name: str, private: bool) -> None:
    """Share a reading list with everyone allowed in (researchers and admins), or make it private again."""
    obj.kb.share_list(name, not private, **obj.as_actor())
    say(f"{name!r} is {'private' if private else 'shared'} now")


@list_group.command(name="owner")
@click.argument("name")
@click.argument("user")
@click.pass_obj
def list_owner(obj: Context, name: str, user: str) -> None:
    """Give a reading list to an account, or to no one with '-' (admins)."""
    obj.kb.assign_list(name, user, **obj.as_actor())
    say(f"{name!r} belongs to {user if user != '-' else 'no one'} now")


@list_group.command(name="rename")
@click.argument("name")
@click.argument("new_name")
@click.pass_obj
def list_rename(obj: Context, name: str, new_name: str) -> None:
    """Rename a reading list."""
    obj.kb.rename_list(name, new_name, **obj.as_actor())
    say(f"renamed {name!r} to {new_name!r}")


@list_group.command(name="describe")
@click.argument("name")
@click.argument("description")
@click.pass_obj
def list_describe(obj: Context, name: str, description: str) -> None:
    """Set a reading list's description."""
    obj.kb.describe_list(name, description, **obj.as_actor())
    say(f"described {name!r}")


@list_group.command(name="delete")
@click.argument("name")
@click.pass_obj
def list_delete(obj: Context, name: str) -> None:
    """Delete a reading list (the documents stay in the knowledge base)."""
    obj.kb.delete_list(name, **obj.as_actor())
    say(f"deleted reading list {name!r}")


@list_group.command(name="add")
@click.argument("name")
@click.argument("doc_id")
@click.option("--page", type=click.IntRange(1), default=None, help="Keep a passage: the page it is on.")
@click.option("--passage", default=None, help="The passage's text (quoted in exports).")
@click.option("--note", default="", help="Your note on this item.")
@click.option("--query", default=None, help="The search that found it.")
@click.pass_obj
def list_add(obj: Context, name: str, doc_id: str, page: int | None, passage: str | None, note: str,
             query: str | None) -> None:
    """Add a document (or, with --page, one of its passages) to a reading list."""
    doc = obj.kb.resolve_document(doc_id)
    item_id = obj.kb.add_to_list(name, doc.doc_id, page=page, passage=passage, note=note, query=query, **obj.as_actor())
    say(f"added item {item_id}: {doc.title or doc.source}{f' (p. {page})' if page else ''}")


@list_group.command(name="remove")
@click.argument("name")
@click.argument("item_id", type=int)
@click.pass_obj
def list_remove(obj: Context, name: str, item_id: int) -> None:
    """Remove an item (by the id `kb list show` prints)."""
    obj.kb.remove_from_list(name, item_id, **obj.as_actor())
    say(f"removed item {item_id}")


@list_group.command(name="move")
@click.argument("name")
@click.argument("item_id", type=int)
@click.argument("position", type=click.IntRange(1))
@click.pass_obj
def list_move(obj: Context, name: str, item_id: int, position: int) -> None:
    """Move an item to a position (1 is first)."""
    obj.kb.move_in_list(name, item_id, position, **obj.as_actor())
    say(f"moved item {item_id} to position {position}")


@list_group.command(name="note")
@click.argument("name")
@click.argument("item_id", type=int)
@click.argument("note")
@click.pass_obj
def list_note(obj: Context, name: str, item_id: int, note: str) -> None:
    """Set the note of an item."""
    obj.kb.annotate(name, item_id, note, **obj.as_actor())
    say(f"noted item {item_id}")


@list_group.command(name="show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_show(obj: Context, name: str, as_json: bool) -> None:
    """The items of a reading list, in order."""
    items = obj.kb.citation_items(name, **obj.as_actor())
    if as_json:
        from dataclasses import asdict

        emit_json({"name": name, "items": [asdict(i) for i in items]})
        return
    for item in items:
        page = f", p. {item.page}" if item.page else ""
        gone = "  [no longer in the knowledge base]" if not item.in_knowledge_base else ""
        say(f"{item.position}. [item {item.item_id}] {item.title} ({item.organisation or '-'}, "
                   f"{item.year or 'n.d.'}{page}){gone}")
        if item.note:
            say(f"   note: {item.note}")


@list_group.command(name="export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["markdown", "csv", "bibtex", "ris", "csl-json"]),
              default="markdown", show_default=True, help="Export format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: standard output).")
@click.pass_obj
def list_export(obj: Context, name: str, fmt: str, output: str | None) -> None:
    """Export a reading list for citation managers, spreadsheets or a briefing."""
    text = obj.kb.export_list(name, fmt, **obj.as_actor())
    if output:
        Path(output).write_bytes(text.encode("utf-8"))
        say(f"wrote {output}", err=True)
    else:
        emit_data(text)


@list_group.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", default=None, help="The list to add to (created if needed; default: the file's name).")
@click.option("--format", "fmt", type=click.Choice(["csl-json", "ris"]), default=None,
              help="Input format (default: guessed from the content).")
@click.pass_obj
def list_import(obj: Context, file: str, name: str | None, fmt: str | None) -> None:
    """Import CSL-JSON or RIS into a reading list, matching documents already in the knowledge base."""
    from ..citations import decode_import

    path = Path(file)
    result = obj.kb.import_list(decode_import(path.read_bytes(), str(path)), name or path.stem, fmt, **obj.as_actor())
    say(f"imported {result['items']} item(s) into {name or path.stem!r}: {result['matched']} matched a "
               f"document, {result['unmatched']} kept as citations only")
