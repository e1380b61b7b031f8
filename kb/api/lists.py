"""Reading lists: create, read, add, reorder, annotate, remove items, rename, delete, and export in every format.

Every list has an owner (the account whose token made it) and is private or shared; who may see and change it is
the facade's decision (kb.permissions' may_view_list and may_change_list), and every change names the token's
account so that the audit trail records it (via "api"). Someone else's private list is answered as "not found".
Where several lists you may see share a name, `?owner=NAME` says whose.
"""
from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from ..citations import EXTENSIONS, FORMATS, MEDIA_TYPES
from ..reading_lists import NO_OWNER
from .auth import Call, call
from .caching import content_tagged
from .errors import ApiError
from .links import download_name
from .schemas import ErrorBody, ItemCreated, ListOut, ListsOut

router = APIRouter(prefix="/lists", tags=["reading lists"])
ERRORS = {400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 403: {"model": ErrorBody},
          404: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}}
Name = Annotated[str, Path(min_length=1, max_length=200, description="The list's name")]
Context = Annotated[Call, Depends(call)]
ListFormat = Enum("ListFormat", {f.replace("-", "_"): f for f in FORMATS}, type=str)  # type: ignore[misc]


Owner = Annotated[str | None, Query(min_length=1, max_length=64,
                                    description="Whose list, where several you may see share the name ('-': the "
                                                "one owned by no one); by default your own")]


class NewList(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S", description="Not only spaces")
    description: str = Field("", max_length=2000)
    shared: bool = Field(False, description="Readable by everyone allowed in (making a list shared: researchers)")


class ListChange(BaseModel):
    new_name: str | None = Field(None, min_length=1, max_length=200, pattern=r"\S")
    description: str | None = Field(None, max_length=2000)
    shared: bool | None = Field(None, description="Share the list (researchers) or make it private again (its "
                                                  "owner)")


class NewItem(BaseModel):
    doc_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    page: int | None = Field(None, ge=1, le=10**6)
    chunk_id: str | None = Field(None, max_length=100)
    passage: str | None = Field(None, max_length=10000)
    note: str = Field("", max_length=5000)
    query: str | None = Field(None, max_length=2000)


class ItemChange(BaseModel):
    note: str | None = Field(None, max_length=5000)
    position: int | None = Field(None, ge=1, le=10**6, description="The item's new 1-based place in the list")


def _not_found(name: str) -> ApiError:
    return ApiError(404, f"no reading list {name!r} that you may see: GET /lists shows them")


def _viewable(context: Call, name: str, owner: str | None) -> dict[str, Any]:
    """The list the actor means among those they may see: of `owner` when given, else their own, else the one of
    that name; a private list of someone else is 'not found' (its existence is nobody else's business)."""
    rows = [e for e in context.kb.reading_lists(actor=context.actor) if e["name"] == name]
    if owner is not None:
        rows = [e for e in rows if (e["owner"] or NO_OWNER) == owner]
    own = [e for e in rows if e["owner"] is not None and e["owner"] == context.actor.name]
    if own or len(rows) == 1:
        return (own or rows)[0]
    if not rows:
        raise _not_found(name)
    raise ApiError(409, f"several reading lists you may see are named {name!r} (owners: "
                   f"{', '.join(e['owner'] or NO_OWNER for e in rows)}): say whose with ?owner=NAME ('-' for the one "
                   "owned by no one)", "ambiguous")


def _changeable(context: Call, name: str, owner: str | None) -> dict[str, Any]:
    context.require("lists.own")  # without an account: 401 before anything is looked up
    entry = _viewable(context, name, owner)
    if not entry["may_change"]:
        if not context.actor.signed_in:
            raise ApiError(401, "changing a reading list needs an account: send its API token as `Authorization: "
                           "Bearer TOKEN`", headers={"WWW-Authenticate": "Bearer"})
        raise ApiError(403, f"reading list {name!r} is not yours: its owner (or a researcher, for a shared list) "
                       "may change it")
    return entry


def _whose(entry: dict[str, Any]) -> str:
    """How the facade names the list's owner (NO_OWNER for none)."""
    return entry["owner"] or NO_OWNER


def _shown(context: Call, entry: dict[str, Any]) -> dict[str, Any]:
    items = context.kb.list_items(entry["name"], actor=context.actor, owner=_whose(entry))
    return {"name": entry["name"], "description": entry["description"], "owner": entry["owner"],
            "shared": entry["shared"], "may_change": entry["may_change"], "items": items}


def _item_ids(context: Call, entry: dict[str, Any]) -> set[int]:
    return {i["item_id"] for i in context.kb.list_items(entry["name"], actor=context.actor, owner=_whose(entry))}


@router.get("", response_model=ListsOut, responses=ERRORS,
            summary="The reading lists you may see: your own, and the shared ones")
def lists(request: Request, context: Context) -> Response:
    context.require("read")
    return content_tagged(request, {"lists": context.kb.reading_lists(actor=context.actor)})


@router.post("", status_code=201, response_model=ListOut, responses=ERRORS,
             summary="Create a reading list of your own (private unless shared)")
def create(body: NewList, context: Context) -> dict:
    context.require("lists.own")
    name = body.name.strip()
    with context.write_lock:
        if any(e["name"] == name and e["owner"] == context.actor.name
               for e in context.kb.reading_lists(actor=context.actor)):
            raise ApiError(409, f"you have a reading list named {name!r} already")
        context.kb.create_list(name, body.description, actor=context.actor, shared=body.shared)
        return _shown(context, _viewable(context, name, context.actor.name))


@router.get("/{name}", response_model=ListOut, responses=ERRORS, summary="A reading list with its items, in order")
def read(name: Name, request: Request, context: Context, owner: Owner = None) -> Response:
    context.require("read")
    return content_tagged(request, _shown(context, _viewable(context, name, owner)))


@router.patch("/{name}", response_model=ListOut, responses=ERRORS,
              summary="Rename a list, change its description, or share it (or make it private again)")
def change(name: Name, body: ListChange, context: Context, owner: Owner = None) -> dict:
    with context.write_lock:
        entry = _changeable(context, name, owner)
        whose, actor = _whose(entry), context.actor
        if body.description is not None:
            context.kb.describe_list(name, body.description, actor=actor, owner=whose)
        if body.shared is not None and body.shared != entry["shared"]:
            context.kb.share_list(name, body.shared, actor=actor, owner=whose)
        if body.new_name is not None and body.new_name.strip() != name:
            new_name = body.new_name.strip()
            if any(e["name"] == new_name and e["owner"] == entry["owner"]
                   for e in context.kb.reading_lists(actor=actor)):
                raise ApiError(409, f"a reading list named {new_name!r} exists already")
            context.kb.rename_list(name, new_name, actor=actor, owner=whose)
            name = new_name
        return _shown(context, _viewable(context, name, whose))


@router.delete("/{name}", status_code=204, responses=ERRORS, summary="Delete a list (the documents stay)")
def delete(name: Name, context: Context, owner: Owner = None) -> Response:
    with context.write_lock:
        entry = _changeable(context, name, owner)
        context.kb.delete_list(name, actor=context.actor, owner=_whose(entry))
    return Response(status_code=204)


@router.post("/{name}/items", status_code=201, response_model=ItemCreated, responses=ERRORS,
             summary="Add a document, or one of its passages with its page, to a list")
def add(name: Name, body: NewItem, context: Context, owner: Owner = None) -> dict:
    with context.write_lock:
        entry = _changeable(context, name, owner)
        context.kb.get_document(body.doc_id)
        item_id = context.kb.add_to_list(name, body.doc_id, chunk_id=body.chunk_id, page=body.page,
                                         passage=body.passage, note=body.note, query=body.query,
                                         actor=context.actor, owner=_whose(entry))
    return {"item_id": item_id}


@router.patch("/{name}/items/{item_id}", response_model=ListOut, responses=ERRORS,
              summary="Change an item's note or move it to another place in the list")
def change_item(name: Name, item_id: Annotated[int, Path(ge=1, le=2**62)], body: ItemChange,
                context: Context, owner: Owner = None) -> dict:
    with context.write_lock:
        entry = _changeable(context, name, owner)
        if item_id not in _item_ids(context, entry):
            raise ApiError(404, f"reading list {name!r} has no item {item_id}")
        if body.note is not None:
            context.kb.annotate(name, item_id, body.note, actor=context.actor, owner=_whose(entry))
        if body.position is not None:
            context.kb.move_in_list(name, item_id, body.position, actor=context.actor, owner=_whose(entry))
        return _shown(context, entry)


@router.delete("/{name}/items/{item_id}", status_code=204, responses=ERRORS, summary="Remove an item from a list")
def remove_item(name: Name, item_id: Annotated[int, Path(ge=1, le=2**62)], context: Context,
                owner: Owner = None) -> Response:
    with context.write_lock:
        entry = _changeable(context, name, owner)
        if item_id not in _item_ids(context, entry):
            raise ApiError(404, f"reading list {name!r} has no item {item_id}")
        context.kb.remove_from_list(name, item_id, actor=context.actor, owner=_whose(entry))
    return Response(status_code=204)


@router.get("/{name}/export", response_class=Response,
            responses={**ERRORS, 200: {"content": {t: {} for t in MEDIA_TYPES.values()},
                                       "description": "The list in the format asked for"}},
            summary="Export a list: Markdown, CSV, BibTeX, RIS or CSL-JSON")
def export(name: Name, format: Annotated[ListFormat, Query()], context: Context,  # noqa: A002
           owner: Owner = None) -> Response:
    context.require("read")
    entry = _viewable(context, name, owner)
    fmt = format.value
    text = context.kb.export_list(name, fmt, actor=context.actor, owner=_whose(entry))
    return Response(text.encode("utf-8"), media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{download_name(name)}.{EXTENSIONS[fmt]}"'})
