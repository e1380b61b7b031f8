"""Security headers on every answer of the app: a Content-Security-Policy that keeps script, forms and frames to
the app's own origin, no MIME sniffing, no framing by other sites, and no referrer sent away.

Streamlit's pages need inline styles and charts that compile their specifications at run time, so styles may be
inline and scripts may evaluate; what the policy takes away is every other origin: no script, frame, form target or
plugin from elsewhere, so a page that slipped in could neither load code nor send a sign-in form away.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

APP_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' "
              "'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; "
              "connect-src 'self'; worker-src 'self' blob:; frame-src 'self'; frame-ancestors 'self'; "
              "object-src 'none'; base-uri 'self'; form-action 'self'")
HEADERS = {b"content-security-policy": APP_POLICY.encode(), b"x-content-type-options": b"nosniff",
           b"x-frame-options": b"SAMEORIGIN", b"referrer-policy": b"same-origin"}

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware: adds HEADERS to every HTTP answer that does not set them itself (the originals route
    sends its own, stricter policy)."""

    def __init__(self, app: Callable[..., Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in HEADERS.items() if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)
        await self.app(scope, receive, with_headers)
