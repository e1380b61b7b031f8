"""A real HTTP server (uvicorn on a free loopback port, in a thread) around the API and the landing pages, for the
API's tests; and real accounts with API tokens that act in each role there."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware

from kb import KnowledgeBase
from kb.api.app import api_mount, create_api
from kb.api.landing import landing_routes
from kb.webapp.feeds import feed_routes
from kb.webapp.headers import SecurityHeaders
from kb.webapp.originals import routes as original_routes

ACCOUNTS = {"reader": "rita", "researcher": "rob", "admin": "ada"}  # one account per role


def role_headers(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """An account per role (made when missing) and a new API token of each, as request headers by role."""
    known = {row["name"] for row in kb.accounts.list()}
    headers = {}
    for role, name in ACCOUNTS.items():
        if name not in known:
            kb.accounts.add(name, role, f"{name}-password-long-enough")
        headers[role] = {"Authorization": f"Bearer {kb.accounts.new_token(name, 'tests')[1]}"}
    return headers


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_app(kb: KnowledgeBase) -> Starlette:
    """The API mounted as app.py mounts it, with the landing pages, the feeds and the originals, over one knowledge
    base."""
    api = create_api(lambda: kb)
    return Starlette(routes=[*original_routes(), *feed_routes(lambda: kb), *landing_routes(lambda: kb), api_mount(api)],
                     middleware=[Middleware(SecurityHeaders)])


@contextmanager
def serving(kb: KnowledgeBase) -> Iterator[str]:
    """Serve the knowledge base over HTTP; yields the server's base address."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(server_app(kb), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
