"""The API application: a FastAPI app mounted at /api/v1 by app.py (or served on its own in tests), with its
routers, its JSON errors, the app's security headers, the OpenAPI schema and an offline documentation page."""
from __future__ import annotations

import os
import re
import threading
from typing import Callable

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from starlette.middleware import Middleware
from starlette.routing import Mount

from ..facade import KnowledgeBase
from ..settings import Settings
from ..webapp.headers import SecurityHeaders
from . import documents, lists, recommendations, researcher, saved_searches, search, stats, topics
from .docs_page import docs_html
from .errors import install_error_handlers

PREFIX = "/api/v1"
DESCRIPTION = ("Search atkb's documents by meaning and by keyword, read their pages and metadata, keep reading lists "
               "and export them. Anonymous requests may read when the server's public_access setting allows it; "
               "everything else needs an account's API token (`kb users token NAME`) as `Authorization: Bearer "
               "TOKEN`.")
_OPENED: dict[tuple, KnowledgeBase] = {}
_OPENING = threading.Lock()


def server_kb() -> KnowledgeBase:
    """The knowledge base named by KB_HOME (or the default data directory), opened once per process and set of
    KB_* settings, refusing downloads from private addresses as the app does."""
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("KB_")))
    home = os.environ.get("KB_HOME") or Settings.load().home
    with _OPENING:
        if (home, environment) not in _OPENED:
            settings = Settings.load({"home": home})
            if settings.fetch_private_addresses == "auto":  # a server must not become a window onto its network
                settings = Settings.load({"home": home, "fetch_private_addresses": "refuse"})
            _OPENED[(home, environment)] = KnowledgeBase(settings)
        return _OPENED[(home, environment)]


def api_mount(api: FastAPI) -> Mount:
    """The API mounted at PREFIX, taking every path under it (a decoded path may hold a line break, which the
    default pattern's `.` would not match, leaving the answer to the app's own router)."""
    mount = Mount(PREFIX, app=api)
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    return mount


def create_api(open_kb: Callable[[], KnowledgeBase] = server_kb, write_lock: threading.RLock | None = None) -> FastAPI:
    """The API app over the knowledge base `open_kb` returns; writes take `write_lock` (share the app's)."""
    api = FastAPI(title="atkb API", version="1", description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", middleware=[Middleware(SecurityHeaders)])
    api.state.open_kb = open_kb
    api.state.write_lock = write_lock or threading.RLock()
    install_error_handlers(api)
    for module in (search, documents, researcher, recommendations, topics, lists, saved_searches, stats):
        api.include_router(module.router)

    def schema() -> dict:
        if api.openapi_schema is None:
            spec = get_openapi(title=api.title, version=api.version, description=api.description, routes=api.routes)
            for path, methods in spec.get("paths", {}).items():
                for method, operation in methods.items():
                    # reading: anonymous visitors too, where public_access is "read" (saved searches are an account's)
                    if method == "get" and not path.startswith("/saved-searches"):
                        operation["security"] = [{}, {"HTTPBearer": []}]
            upload = spec.get("paths", {}).get("/documents/upload", {}).get("post", {})
            for parameter in upload.get("parameters", []):
                if parameter.get("name") == "filename":  # the suffixes this server reads
                    parameter["schema"]["pattern"] = researcher.upload_name_pattern(open_kb().supported_suffixes())
            api.openapi_schema = spec
        return api.openapi_schema
    api.openapi = schema  # type: ignore[method-assign]

    @api.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return HTMLResponse(docs_html(api.openapi(), f"{root}/openapi.json"))
    return api
