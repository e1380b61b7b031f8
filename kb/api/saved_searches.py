"""Saved searches of the token's account: keep the current search (query, mode, filters, translation), list and
forget them, and get each one's Atom feed address (with its secret; a new secret stops the old address). Alerts by
e-mail go out with `kb alerts run`; the feeds are served by the app at /feeds/ID.atom."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field

from ..alerts.store import SavedSearch
from ..errors import KBError
from .auth import Call, call
from .errors import ApiError
from .links import base_url
from .schemas import ErrorBody, SavedSearchesOut, SavedSearchOut
from .search import FILTER_PATTERN, Mode

router = APIRouter(prefix="/saved-searches", tags=["saved searches"])
ERRORS = {400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 403: {"model": ErrorBody},
          404: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}}
Context = Annotated[Call, Depends(call)]
SavedId = Annotated[int, Path(ge=1, le=2**62, description="The saved search's id")]
EMAIL = r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"'.]+$"


class NewSavedSearch(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    q: str = Field(min_length=1, max_length=2000, pattern=r"\S", description="The query")
    mode: Mode | None = Field(None, description="The search mode (the server's default when left out)")
    filter: list[Annotated[str, Field(pattern=FILTER_PATTERN)]] = Field(
        [], max_length=50, description="FIELD=VALUE, as in GET /search: organisation=GRETA, year=2015..2020")
    translate: bool = Field(True, description="Also search the query translated into the other languages")
    email: str = Field("", max_length=254, pattern=f"{EMAIL}|^$",
                       description="Where `kb alerts run` sends this search's alerts (none when empty)")


def _out(context: Call, saved: SavedSearch) -> dict[str, Any]:
    return {**saved.to_dict(), "feed_url": context.kb.feed_url(saved, base_url(context.kb, context.request))}


def _own(context: Call, saved_id: int) -> SavedSearch:
    """One of the account's saved searches; anyone else's is 'not found', as an unknown id is."""
    context.require("searches.own")
    try:
        return context.kb.saved_search(context.actor, saved_id)
    except KBError:
        raise ApiError(404, f"no saved search {saved_id} of yours: GET /saved-searches lists them") from None


@router.get("", response_model=SavedSearchesOut, responses=ERRORS, summary="Your saved searches")
def saved_searches(context: Context) -> dict:
    context.require("searches.own")
    return {"saved_searches": [_out(context, s) for s in context.kb.saved_searches(context.actor)]}


@router.post("", status_code=201, response_model=SavedSearchOut, responses=ERRORS,
             summary="Save a search; its feed shows the documents that newly match it")
def save(body: NewSavedSearch, context: Context) -> dict:
    context.require("searches.own")
    kb, actor = context.kb, context.actor
    with context.write_lock:
        kept = kb.saved_searches(actor)
        if any(s.name == body.name.strip() for s in kept):
            raise ApiError(409, f"you have a saved search named {body.name.strip()!r} already: choose another name "
                           "or delete that one first")
        if len(kept) >= int(kb.settings.max_saved_searches):
            raise ApiError(409, f"you keep {kb.settings.max_saved_searches} saved searches already (setting "
                           "max_saved_searches): delete one first")
        saved = kb.save_search(actor, body.name, body.q, body.mode.value if body.mode else None, body.filter,
                               body.translate, body.email)
    return _out(context, saved)


@router.get("/{saved_id}", response_model=SavedSearchOut, responses=ERRORS,
            summary="One of your saved searches, with its feed's address")
def saved_search(saved_id: SavedId, context: Context) -> dict:
    return _out(context, _own(context, saved_id))


@router.post("/{saved_id}/feed-secret", response_model=SavedSearchOut, responses=ERRORS,
             summary="Give the feed a new secret: the old feed address stops working")
def new_feed_secret(saved_id: SavedId, context: Context) -> dict:
    with context.write_lock:
        saved = _own(context, saved_id)
        return _out(context, context.kb.rotate_feed_secret(context.actor, saved.saved_id))


@router.delete("/{saved_id}", status_code=204, responses=ERRORS, summary="Forget a saved search (its feed stops)")
def delete(saved_id: SavedId, context: Context) -> Response:
    with context.write_lock:
        saved = _own(context, saved_id)
        context.kb.delete_saved_search(context.actor, saved.saved_id)
    return Response(status_code=204)
