"""Reading lists: create, read, add, reorder, annotate, remove items, rename, delete, and export in every format.

Who may see and change a list is kb.permissions' decision (may_view_list, may_change_list) from the list's owner
and its shared flag; a list without an owner (made before accounts) counts as shared.
"""
from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from ..citations import EXTENSIONS, FORMATS, MEDIA_TYPES
from ..permissions import may_change_list, may_view_list
from .auth import Call, call, public_access
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


class NewList(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)


class ListChange(BaseModel):
    new_name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)


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


def _entry(context: Call, name: str) -> dict[str, Any]:
    for entry in context.kb.reading_lists():
        if entry["name"] == name:
            return entry
    raise ApiError(404, f"no reading list {name!r}: GET /lists shows the lists you may see")


def _visible(context: Call, entry: dict[str, Any]) -> bool:
    owner = entry.get("owner")
    return may_view_list(context.actor, owner, bool(entry.get("shared", owner is None)),
                         public_access=public_access(context.kb))


def _viewable(context: Call, name: str) -> dict[str, Any]:
    entry = _entry(context, name)
    if not _visible(context, entry):
        raise ApiError(404, f"no reading list {name!r}: GET /lists shows the lists you may see")
    return entry


def _changeable(context: Call, name: str) -> dict[str, Any]:
    entry = _viewable(context, name)
    owner = entry.get("owner")
    if not may_change_list(context.actor, owner, bool(entry.get("shared", owner is None))):
        if not context.actor.signed_in:
            raise ApiError(401, "changing a reading list needs an account: send its API token as `Authorization: "
                           "Bearer TOKEN`", headers={"WWW-Authenticate": "Bearer"})
        raise ApiError(403, f"reading list {name!r} is not yours: its owner (or a researcher, for a shared list) "
                       "may change it")
    return entry


def _item_ids(context: Call, name: str) -> set[int]:
    return {item["item_id"] for item in context.kb.list_items(name)}


@router.get("", response_model=ListsOut, responses=ERRORS, summary="The reading lists you may see")
def lists(request: Request, context: Context) -> Response:
    context.require("read")
    return content_tagged(request, {"lists": [e for e in context.kb.reading_lists() if _visible(context, e)]})


@router.post("", status_code=201, response_model=ListOut, responses=ERRORS, summary="Create a reading list")
def create(body: NewList, context: Context) -> dict:
    context.require("lists.own")
    name = body.name.strip()
    with context.write_lock:
        if any(e["name"] == name for e in context.kb.reading_lists()):
            raise ApiError(409, f"a reading list named {name!r} exists already")
        context.kb.create_list(name, body.description)
    return {"name": name, "description": body.description, "items": []}


@router.get("/{name}", response_model=ListOut, responses=ERRORS, summary="A reading list with its items, in order")
def read(name: Name, request: Request, context: Context) -> Response:
    entry = _viewable(context, name)
    return content_tagged(request, {"name": entry["name"], "description": entry["description"],
                                    "items": context.kb.list_items(name)})


@router.patch("/{name}", response_model=ListOut, responses=ERRORS, summary="Rename a list or change its description")
def change(name: Name, body: ListChange, context: Context) -> dict:
    with context.write_lock:
        _changeable(context, name)
        if body.description is not None:
            context.kb.describe_list(name, body.description)
        if body.new_name is not None and body.new_name.strip() != name:
            if any(e["name"] == body.new_name.strip() for e in context.kb.reading_lists()):
                raise ApiError(409, f"a reading list named {body.new_name.strip()!r} exists already")
            context.kb.rename_list(name, body.new_name)
            name = body.new_name.strip()
        entry = _entry(context, name)
        return {"name": entry["name"], "description": entry["description"], "items": context.kb.list_items(name)}


@router.delete("/{name}", status_code=204, responses=ERRORS, summary="Delete a list (the documents stay)")
def delete(name: Name, context: Context) -> Response:
    with context.write_lock:
        _changeable(context, name)
        context.kb.delete_list(name)
    return Response(status_code=204)


@router.post("/{name}/items", status_code=201, response_model=ItemCreated, responses=ERRORS,
             summary="Add a document, or one of its passages with its page, to a list")
def add(name: Name, body: NewItem, context: Context) -> dict:
    with context.write_lock:
        _changeable(context, name)
        context.kb.get_document(body.doc_id)
        item_id = context.kb.add_to_list(name, body.doc_id, chunk_id=body.chunk_id, page=body.page,
                                         passage=body.passage, note=body.note, query=body.query)
    return {"item_id": item_id}


@router.patch("/{name}/items/{item_id}", response_model=ListOut, responses=ERRORS,
              summary="Change an item's note or move it to another place in the list")
def change_item(name: Name, item_id: Annotated[int, Path(ge=1, le=2**62)], body: ItemChange,
                context: Context) -> dict:
    with context.write_lock:
        entry = _changeable(context, name)
        if item_id not in _item_ids(context, name):
            raise ApiError(404, f"reading list {name!r} has no item {item_id}")
        if body.note is not None:
            context.kb.annotate(name, item_id, body.note)
        if body.position is not None:
            context.kb.move_in_list(name, item_id, body.position)
        return {"name": name, "description": entry["description"], "items": context.kb.list_items(name)}


@router.delete("/{name}/items/{item_id}", status_code=204, responses=ERRORS, summary="Remove an item from a list")
def remove_item(name: Name, item_id: Annotated[int, Path(ge=1, le=2**62)], context: Context) -> Response:
    with context.write_lock:
        _changeable(context, name)
        if item_id not in _item_ids(context, name):
            raise ApiError(404, f"reading list {name!r} has no item {item_id}")
        context.kb.remove_from_list(name, item_id)
    return Response(status_code=204)


@router.get("/{name}/export", response_class=Response,
            responses={**ERRORS, 200: {"content": {t: {} for t in MEDIA_TYPES.values()},
                                       "description": "The list in the format asked for"}},
            summary="Export a list: Markdown, CSV, BibTeX, RIS or CSL-JSON")
def export(name: Name, format: Annotated[ListFormat, Query()], context: Context) -> Response:  # noqa: A002
    _viewable(context, name)
    fmt = format.value
    text = context.kb.export_list(name, fmt)
    return Response(text.encode("utf-8"), media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{download_name(name)}.{EXTENSIONS[fmt]}"'})
