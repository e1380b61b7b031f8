"""Search: every mode, filters, facets, translation on or off, offset paging; and the result set as a download
(the reading lists' exporters, up to max_export_results documents)."""
from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ..citations import EXTENSIONS, FORMATS, MEDIA_TYPES
from ..facade import KnowledgeBase, SearchResults
from ..models import Document
from .auth import Call
from .caching import generation_tag, tag_headers
from .errors import ApiError
from .links import absolute, download_name, page_link
from .schemas import ErrorBody, SearchOut

router = APIRouter(tags=["search"])
ERRORS = {400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 422: {"model": ErrorBody},
          503: {"model": ErrorBody}}
ExportFormat = Enum("ExportFormat", {f.replace("-", "_"): f for f in FORMATS}, type=str)  # type: ignore[misc]


class Mode(str, Enum):
    hybrid = "hybrid"
    keyword = "keyword"
    semantic = "semantic"
    meaning = "meaning"


Q = Annotated[str, Query(min_length=1, max_length=2000, description="The query (also bounded by the settings "
                                                                    "max_query_chars and max_query_terms).")]
FILTER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*=.{0,500}$"
Filter = Annotated[list[str], Query(max_length=50, description="FIELD=VALUE, repeatable: organisation=GRETA, "
                                                                 "year=2015..2020, topic=compensation, language=nl",
                                    json_schema_extra={"items": {"type": "string", "pattern": FILTER_PATTERN}})]


def run_search(kb: KnowledgeBase, q: str, mode: Mode | None, k: int, offset: int, filters: list[str], raw: bool,
               translate: bool | None, facets: bool) -> SearchResults:
    """One search with the API's parameters (the limits are the searcher's own: max_results, max_query_chars...)."""
    if any(len(f) > 500 for f in filters):
        raise ApiError(400, "a filter is longer than 500 characters", "bad_query")
    wanted = None if mode is None else ("semantic" if mode is Mode.meaning else mode.value)
    return kb.search(q, mode=wanted, k=k, offset=offset, filters=filters, raw=raw, facets=facets, translate=translate)


@router.get("/search", response_model=SearchOut, responses=ERRORS, response_model_exclude_unset=True,
            summary="Search documents; results are documents with their best passages (as `kb search --json`)")
def search(q: Q, context: Annotated[Call, Depends(generation_tag)], mode: Mode | None = None,
           k: Annotated[int, Query(ge=1, le=100, description="Documents per page (k + offset <= max_results)")] = 10,
           offset: Annotated[int, Query(ge=0, le=100, description="Documents skipped (paging)")] = 0, filter: Filter = [],  # noqa: B006 (FastAPI copies)
           raw: bool = False, translate: bool | None = None, facets: bool = False) -> dict:
    return run_search(context.kb, q, mode, k, offset, filter, raw, translate, facets).to_dict()


@router.get("/search/export", responses={**ERRORS, 200: {"content": {t: {} for t in MEDIA_TYPES.values()},
                                                          "description": "The result set in the format asked for"}},
            response_class=Response,
            summary="Download a result set: CSV, BibTeX, RIS, CSL-JSON or a Markdown briefing")
def export_results(q: Q, format: ExportFormat, request: Request,  # noqa: A002 (the parameter's public name)
                   context: Annotated[Call, Depends(generation_tag)], mode: Mode | None = None,
                   k: Annotated[int | None, Query(ge=1, le=1000, description="Results (default and most: "
                                                                              "max_export_results)")] = None,
                   filter: Filter = [], raw: bool = False, translate: bool | None = None) -> Response:  # noqa: B006
    kb = context.kb
    cap = min(int(kb.settings.max_export_results), int(kb.settings.max_results))
    results = run_search(kb, q, mode, min(k or cap, cap), 0, filter, raw, translate, False)

    def link(doc: Document, page: int | None) -> str:
        return absolute(kb, request, page_link(kb, doc, page))
    fmt = format.value
    text = kb.export_results(results, fmt, link=link)
    headers = {**tag_headers(request.state.etag), "Content-Disposition": f'attachment; filename="{download_name(q)}.{EXTENSIONS[fmt]}"'}
    return Response(text.encode("utf-8"), media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8", headers=headers)
