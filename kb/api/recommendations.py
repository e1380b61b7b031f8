"""Recommendations and practices: found by a query or filters, paged, and counted by country and topic."""
from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from .auth import Call
from .caching import generation_tag
from .errors import ApiError
from .schemas import ErrorBody, GridOut, RecordsOut
from .search import FILTER_PATTERN

router = APIRouter(prefix="/recommendations", tags=["recommendations"])
ERRORS = {400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 422: {"model": ErrorBody}}
Reading = Annotated[Call, Depends(generation_tag)]
Filter = Annotated[list[str], Query(max_length=50, description="FIELD=VALUE, repeatable: kind, strength, addressee, "
                                                                 "topic, language, country, organisation, year, doc_id",
                                    json_schema_extra={"items": {"type": "string", "pattern": FILTER_PATTERN}})]


class Kind(str, Enum):
    recommendation = "recommendation"
    practice = "practice"


def _checked(q: str | None, filters: list[str], max_chars: int) -> str | None:
    if any(len(f) > 500 for f in filters):
        raise ApiError(400, "a filter is longer than 500 characters", "bad_query")
    if q is not None and len(q) > max_chars:
        raise ApiError(400, f"the query is {len(q):,} characters long; at most {max_chars:,} are searched (setting "
                       "max_query_chars): shorten it", "query_limit")
    return q.strip() or None if q is not None else None


@router.get("", response_model=RecordsOut, responses=ERRORS,
            summary="Recommendations and practices: the best for a query (hybrid search), or all that pass the "
                    "filters in document order; paged")
def records(context: Reading, q: Annotated[str | None, Query(max_length=2000)] = None, kind: Kind | None = None, filter: Filter = [],  # noqa: B006
            offset: Annotated[int, Query(ge=0, le=100000)] = 0,
            limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    kb = context.kb
    query = _checked(q, filter, int(kb.settings.max_query_chars))
    # a query ranks at most max_results records: pages past them are empty
    views = kb.recommendations(query, kind=kind.value if kind else None, filters=filter,
                               k=min(offset + limit, int(kb.settings.max_results)) if query else None)
    return {"total": len(views), "offset": offset,
            "recommendations": [v.to_dict() for v in views[offset:offset + limit]]}


@router.get("/grid", response_model=GridOut, responses=ERRORS,
            summary="How many records each (country, topic) pair holds among those found")
def grid(context: Reading, q: Annotated[str | None, Query(max_length=2000)] = None, kind: Kind | None = None, filter: Filter = []) -> dict:  # noqa: B006
    kb = context.kb
    query = _checked(q, filter, int(kb.settings.max_query_chars))
    cells = kb.recommendation_grid(query, kind=kind.value if kind else None, filters=filter)
    return {"cells": [{"country": c, "topic": t, "count": n} for (c, t), n in sorted(cells.items())]}
