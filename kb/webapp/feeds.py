"""The Atom feeds of saved searches, served by a route of the app: `/feeds/SAVED_ID.atom?key=SECRET`.

The key is the feed's password (feed readers cannot sign in): a wrong or missing key and an unknown id get the same
404, so nobody learns which saved searches exist. The knowledge base comes from a provider the app passes in (the
one its pages use), and every answer goes through the facade.
"""
from __future__ import annotations

import re
from typing import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kb import KnowledgeBase
from kb.errors import KBError
from kb.settings import mask_secrets

PREFIX = "feeds"
MAX_KEY_CHARS = 100
_NAME = re.compile(r"^(\d{1,12})\.atom$")
_HEADERS = {"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _not_found() -> Response:
    return PlainTextResponse("No such feed.", status_code=404, headers=_HEADERS)


def feed_routes(open_kb: Callable[[], KnowledgeBase]) -> list[Route]:
    """The feed route, answering from the knowledge base that `open_kb` returns."""

    async def serve(request: Request) -> Response:
        match = _NAME.match(request.path_params["name"])
        key = request.query_params.get("key", "")
        if match is None or not key or len(key) > MAX_KEY_CHARS:
            return _not_found()
        base_url = str(request.base_url).rstrip("/")
        try:
            kb = await run_in_threadpool(open_kb)
            body = await run_in_threadpool(kb.saved_search_feed, int(match.group(1)), key, base_url)
        except KBError as exc:  # the search cannot run now (a damaged index, an unreachable Milvus): one sentence
            return PlainTextResponse(f"The feed is unavailable: {mask_secrets(str(exc))}", status_code=503,
                                     headers=_HEADERS)
        if body is None:
            return _not_found()
        return Response(body, media_type="application/atom+xml; charset=utf-8", headers=_HEADERS)

    return [Route(f"/{PREFIX}/{{name}}", serve, methods=["GET", "HEAD"])]
