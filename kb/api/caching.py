"""The store generation as an ETag: every change visible to readers (ingestion, removal, a correction, a reindex)
increases it, so a client that sends the tag back in If-None-Match gets 304 until something changed. Reading lists
change without a new generation; their answers are tagged by their content instead."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse

from .auth import Call, reader
from .errors import NotModified


def _matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    wanted = {t.strip() for t in header.split(",")}
    return "*" in wanted or tag in wanted or tag.removeprefix("W/") in {t.removeprefix("W/") for t in wanted}


def tag_headers(tag: str) -> dict[str, str]:
    """The ETag and how caches may keep the answer: privately, asking again each time (answers differ by token)."""
    return {"ETag": tag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}


def _tag_headers(response: Response, tag: str) -> None:
    response.headers.update(tag_headers(tag))


def generation_tag(request: Request, response: Response, context: Call = Depends(reader)) -> Call:
    """A dependency of reading endpoints: 304 when the client's copy is of this generation, else the ETag set."""
    tag = f'W/"g{context.kb.generation()}"'
    if _matches(request.headers.get("if-none-match"), tag):
        raise NotModified(tag)
    _tag_headers(response, tag)
    request.state.etag = tag  # for endpoints that answer with a Response of their own
    return context


def content_tagged(request: Request, data: Any, status_code: int = 200) -> Response:
    """A JSON answer tagged by its content (304 when the client has it)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    tag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if _matches(request.headers.get("if-none-match"), tag):
        raise NotModified(tag)
    response = JSONResponse(data, status_code=status_code)
    _tag_headers(response, tag)
    return response
