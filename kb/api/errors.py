"""JSON errors: `{"error": {"code": ..., "message": ...}}` with a fitting status, for atkb's own errors, invalid
requests and anything unexpected (logged on the server, answered as "internal error" without details)."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (DocumentNotFoundError, IndexDamagedError, KBError, LoadError, ModeUnavailableError,
                      QueryLimitError, QuerySyntaxError, SchemaVersionError, SearchTimeoutError)
from ..permissions import PermissionDenied
from ..settings import mask_secrets
from ..webapp.headers import Receive, Send

log = logging.getLogger("kb.api")
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                422: "invalid_request", 500: "internal_error", 503: "unavailable"}
# atkb's errors, most specific first: (class, status, code)
KB_ERRORS: tuple[tuple[type[KBError], int, str], ...] = (
    (DocumentNotFoundError, 404, "not_found"),
    (QueryLimitError, 400, "query_limit"),
    (QuerySyntaxError, 400, "bad_query"),
    (ModeUnavailableError, 400, "mode_unavailable"),
    (SearchTimeoutError, 503, "search_timeout"),
    (IndexDamagedError, 503, "index_unavailable"),
    (SchemaVersionError, 503, "index_unavailable"),
    (LoadError, 422, "unreadable_file"),
)


class ApiError(KBError):
    """An error the API answers with its own status and code (a missing reading list, a name taken, ...)."""

    def __init__(self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.headers = headers or {}


class NotModified(Exception):
    """The client's cached copy (If-None-Match) is current: 304 with the ETag."""

    def __init__(self, etag: str):
        super().__init__(etag)
        self.etag = etag


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The one shape of every error answer."""
    return JSONResponse({"error": {"code": code, "message": mask_secrets(message)}}, status_code=status,
                        headers=headers)


def _kb_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, str(exc), exc.headers)
    if isinstance(exc, PermissionDenied):
        actor = getattr(request.state, "actor", None)
        if actor is None or not actor.signed_in:  # no credentials: say so, as HTTP wants
            return error_response(401, "unauthorized", str(exc), {"WWW-Authenticate": "Bearer"})
        return error_response(403, "forbidden", str(exc))
    for kind, status, code in KB_ERRORS:
        if isinstance(exc, kind):
            return error_response(status, code, str(exc))
    return error_response(400, "bad_request", str(exc))


def _validation_error(request: Request, exc: Exception) -> Response:
    problems = []
    for error in getattr(exc, "errors", lambda: [])()[:10]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body",)) or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return error_response(422, "invalid_request", "; ".join(problems) or "the request is not valid")


def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", None)
    message = detail if isinstance(detail, str) else "the request cannot be answered"
    if status == 404 and message == "Not Found":
        message = f"no such address in the API: {request.url.path} (see {request.scope.get('root_path', '')}/docs)"
    return error_response(status, STATUS_CODES.get(status, "error"), message, getattr(exc, "headers", None))


def _not_modified(request: Request, exc: Exception) -> Response:
    return Response(status_code=304, headers={"ETag": getattr(exc, "etag", "")})


def install_error_handlers(api: FastAPI) -> None:
    """Answer every error as JSON (see the module's docstring)."""
    api.add_exception_handler(KBError, _kb_error)
    api.add_exception_handler(RequestValidationError, _validation_error)
    api.add_exception_handler(StarletteHTTPException, _http_error)
    api.add_exception_handler(NotModified, _not_modified)
    api.add_middleware(CatchAll)


class CatchAll:
    """ASGI middleware: an exception no handler took is logged with its traceback and answered as a plain 500
    "internal error" (Starlette's own server-error handler would raise it on into the app around the API)."""

    def __init__(self, app: Callable[..., Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)
        try:
            await self.app(scope, receive, tracking)
        except Exception:
            log.exception("API request %s %s failed", scope.get("method"), scope.get("path"))
            if not started:
                await error_response(500, "internal_error", "internal error")(scope, receive, send)
