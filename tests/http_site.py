"""A local HTTP server for download tests: pages, documents, redirects, errors, slow and wrong answers."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .fixtures import ENGLISH_PAGES, make_docx, make_pdf, make_pptx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


class Site:
    """Serves landing pages, PDFs (with ranges), redirects, errors, slow and wrong answers on 127.0.0.1."""

    def __init__(self, folder: Path):
        self.pdf = make_pdf(folder / "report.pdf", ENGLISH_PAGES, title="Served report").read_bytes()
        self.other_pdf = make_pdf(folder / "other.pdf", ENGLISH_PAGES[1:], title="Other report").read_bytes()
        self.docx = make_docx(folder / "guide.docx").read_bytes()
        self.pptx = make_pptx(folder / "talk.pptx").read_bytes()
        self.hits: dict[str, int] = {}
        self.user_agents: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, code: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

            def do_GET(self) -> None:  # noqa: N802
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                site.user_agents.append(self.headers.get("User-Agent", ""))
                path = self.path
                if path == "/landing.html":
                    body = (b"<html><body><nav><a href='/about.pdf'>About us (PDF)</a></nav>"
                            b"<h1>Served report</h1><p>Read the <a href='/files/served-report.pdf'>"
                            b"Served report (PDF)</a>.</p></body></html>")
                    self._send(200, body, "text/html; charset=utf-8")
                elif path in ("/files/served-report.pdf", "/direct.pdf", "/final.pdf"):
                    rng = self.headers.get("Range")
                    if rng:
                        start = int(rng.split("=")[1].split("-")[0])
                        self._send(206, site.pdf[start:], "application/pdf",
                                   {"Content-Range": f"bytes {start}-{len(site.pdf) - 1}/{len(site.pdf)}"})
                    else:
                        self._send(200, site.pdf, "application/pdf")
                elif path == "/redirect":
                    self._send(302, b"", "text/plain", {"Location": "/final.pdf"})
                elif path == "/bad-redirect":
                    self._send(302, b"", "text/plain", {"Location": "file:///etc/passwd"})
                elif path == "/article.html":
                    body = ("<html><head><script>var x=1;</script></head><body><nav>Menu Home</nav><article>"
                            "<h1>Forced begging in city centres</h1><p>Children were made to beg by a family "
                            "network; the police and child protection services worked together.</p></article>"
                            "</body></html>").encode()
                    self._send(200, body, "text/html")
                elif path == "/flaky.pdf":
                    if site.hits[path] == 1:
                        self._send(503, b"busy", "text/plain")
                    else:
                        self._send(200, site.pdf, "application/pdf")
                elif path == "/slow.pdf":
                    time.sleep(2.0)
                    self._send(200, site.pdf, "application/pdf")
                elif path == "/drip.pdf":  # a byte every 0.2 s, for at most 15 s: each read is quick
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Length", str(len(site.pdf)))
                    self.end_headers()
                    try:
                        for n in range(75):
                            self.wfile.write(site.pdf[n:n + 1])
                            self.wfile.flush()
                            time.sleep(0.2)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                elif path == "/guide.docx":
                    self._send(200, site.docx, DOCX_TYPE)
                elif path == "/talk.pptx":
                    self._send(200, site.pptx, PPTX_TYPE)
                elif path == "/download?id=7":
                    self._send(200, site.other_pdf, "application/octet-stream")
                elif path == "/wrong-type":
                    self._send(200, b"PK\x03\x04zip", "application/zip")
                elif path == "/huge.pdf":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Length", str(50 * 1024 * 1024))
                    self.end_headers()
                    self.wfile.write(b"%PDF-1.4\n" + b"0" * 1024)
                else:
                    self._send(404, b"not found", "text/plain")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
