"""Statistics: counts of documents, pages and chunks, and the corpus overview by field."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from .auth import Call
from .caching import generation_tag
from .schemas import ErrorBody, OverviewOut, StatsOut
from .topics import brief

router = APIRouter(tags=["statistics"])
ERRORS = {401: {"model": ErrorBody}, 422: {"model": ErrorBody}}
Reading = Annotated[Call, Depends(generation_tag)]


@router.get("/stats", response_model=StatsOut, responses=ERRORS, summary="Counts of documents, pages and chunks")
def stats(context: Reading) -> dict:
    data = context.kb.stats()
    # where the data lives and which engines run stay on the server
    return {"documents": data["documents"], "pages": data["pages"], "chunks": data["chunks"],
            "pending": data["pending"], "by_language": data["by_language"], "modes": data["modes"],
            "generation": context.kb.generation()}


@router.get("/overview", response_model=OverviewOut, responses=ERRORS,
            summary="Documents and pages by organisation, topic, language, year, type and country; the latest")
def overview(context: Reading, recent: Annotated[int, Query(ge=0, le=100)] = 10) -> dict:
    data = context.kb.overview(recent=recent)
    return {"by": data["by"], "recent": [brief(d) for d in data["recent"]]}
