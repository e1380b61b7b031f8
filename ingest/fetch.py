"""Fetching catalogue entries' full texts: landing pages to PDFs, retries, resume, verification, one report."""
from __future__ import annotations

import hashlib
import http.client
import ipaddress
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin, urlparse

from kb.errors import KBError, LoadError
from kb.models import LoadedDocument, Page, PreparedDocument, sha256_bytes
from kb.indexing.fingerprints import fingerprint
from kb.engines.model_tokenizer import load_tokenizer

from .chunking import chunk_pages
from .loaders import LoadOptions
from .loaders.pdf import load_pdf
from .loaders.webpage import html_document

ACCEPTED_SUFFIX = {"application/pdf": ".pdf", "text/html": ".html", "application/xhtml+xml": ".html",
                   "text/plain": ".txt"}
ACCEPTED = tuple(ACCEPTED_SUFFIX)
MAX_REDIRECTS = 5


@dataclass
class FetchItem:
    """What happened to one catalogue entry."""

    catalogue_id: str
    status: str  # fetched | failed | skipped
    doc_id: str | None = None
    url: str | None = None
    reason: str | None = None
    kind: str | None = None
    pages: int = 0
    sha256: str | None = None

    def line(self) -> str:
        """One human-readable line."""
        if self.status == "fetched":
            return f"fetched  {self.catalogue_id}: {self.kind}, {self.pages} page(s) from {self.url}"
        if self.status == "skipped":
            return f"skipped  {self.catalogue_id}: {self.reason}"
        return f"failed   {self.catalogue_id}: {self.reason}"


@dataclass
class FetchReport:
    """Every entry of one fetch run."""

    items: list[FetchItem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Entries per status."""
        out = {"fetched": 0, "skipped": 0, "failed": 0}
        for item in self.items:
            out[item.status] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        from dataclasses import asdict

        return {"counts": self.counts(), "items": [asdict(i) for i in self.items]}


class FetchError(Exception):
    """A download failed; `retry` says whether trying again may help."""

    def __init__(self, message: str, retry: bool = False):
        super().__init__(message)
        self.retry = retry


def check_address(url: str, allow_private: bool, what: str = "address") -> None:
    """Refuse every scheme but http and https, and (unless allowed) hosts on private, loopback or link-local
    networks; FetchError says which and why."""
    try:
        parsed = urlparse(url)
        port = parsed.port
    except ValueError as exc:  # an unclosed [IPv6] host, a port that is no number from 0 to 65535
        raise FetchError(f"refused the {what} {url!r}: it is not a valid address ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(f"refused the {what} {url!r}: only http:// and https:// addresses are fetched")
    if not parsed.hostname:
        raise FetchError(f"refused the {what} {url!r}: it names no host")
    try:
        parsed.hostname.encode("idna")
    except UnicodeError:  # a host name no DNS name can spell
        raise FetchError(f"refused the {what} {url!r}: {parsed.hostname!r} is not a valid host name") from None
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parsed.hostname, port or None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise FetchError(f"cannot resolve the host of {url}: {exc}", retry=True) from None
    for info in infos:
        _refuse_local(info[4][0], f"the {what} {url!r}: {parsed.hostname}")


def _refuse_local(peer: str, what: str) -> None:
    address = ipaddress.ip_address(peer.split("%", 1)[0])
    if (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified):
        raise FetchError(f"refused {what} is on a private or local network ({address}); set "
                         "fetch_private_addresses = \"allow\" to fetch from it")


def _connect_checked(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
    """A connection whose peer, the address actually connected to, is checked before a byte is sent: a name that
    resolves to a public address when checked and to a local one when connecting (DNS rebinding) is refused."""
    sock = socket.create_connection(address, *args, **kwargs)
    try:
        _refuse_local(sock.getpeername()[0], f"the connection to {address[0]}:")
    except FetchError:
        sock.close()
        raise
    return sock


class _CheckedHTTP(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_checked


class _CheckedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_checked


class _CheckedHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """HTTP and HTTPS that check the address they connect to (unless a proxy connects for them)."""

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(http.client.HTTPConnection if _proxied(req) else _CheckedHTTP, req)

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(http.client.HTTPSConnection if _proxied(req) else _CheckedHTTPS, req,
                            context=self._context)


def _proxied(req: urllib.request.Request) -> bool:
    return req.has_proxy() or bool(getattr(req, "_tunnel_host", None))


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        check_address(newurl, self.allow_private, "redirect to")
        if urlparse(req.full_url).scheme == "https" and urlparse(newurl).scheme == "http":
            raise FetchError(f"refused a redirect from https to plain http ({newurl!r})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Links(HTMLParser):
    """Links of an HTML page with their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self._href: tuple[str, str] | None = None
        self._anchor: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            attributes = dict(attrs)
            self._href = (attributes.get("href") or "", attributes.get("type") or "")
            self._anchor = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href[0], self._href[1], " ".join(self._anchor)))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._anchor.append(data.strip())


class Fetcher:
    """Polite HTTP downloads: user agent, delay between requests, timeout, size limit, retries, resume."""

    def __init__(self, folder: Path, *, user_agent: str, delay: float, timeout: float, retries: int,
                 max_bytes: int, backoff: float = 1.0, accepted: dict[str, str] | None = None,
                 limit_setting: str = "max_file_mb", deadline: float = 900.0, allow_private: bool = True):
        self.folder = folder
        self.accepted = accepted or ACCEPTED_SUFFIX
        self.limit_setting = limit_setting
        self.user_agent, self.delay, self.timeout = user_agent, delay, timeout
        self.retries, self.max_bytes, self.backoff = retries, max_bytes, backoff
        self.deadline, self.allow_private = deadline, allow_private
        self._last_request = 0.0
        # only our handlers: no file://, ftp:// or data: opener exists to fall back on
        self._opener = urllib.request.OpenerDirector()
        # without private addresses, each connection checks the address it reached (no second lookup to trust)
        plain = [urllib.request.HTTPHandler(), urllib.request.HTTPSHandler()] if allow_private else [_CheckedHandler()]
        for handler in (urllib.request.ProxyHandler(), *plain,
                        urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor(),
                        _SafeRedirects(allow_private)):
            self._opener.add_handler(handler)

    @classmethod
    def from_settings(cls, folder: Path, settings: Any, **changes: Any) -> "Fetcher":
        """A fetcher with the user agent, delays, time limits, retries, size limit and address policy of the
        settings (`changes` override any of them)."""
        values = dict(user_agent=settings.fetch_user_agent, delay=settings.fetch_delay,
                      timeout=settings.fetch_timeout, retries=settings.fetch_retries,
                      max_bytes=int(settings.max_file_mb * 1024 * 1024), backoff=settings.fetch_backoff,
                      deadline=settings.fetch_deadline,
                      allow_private=str(settings.fetch_private_addresses).lower() != "refuse")
        values.update(changes)
        return cls(folder, **values)

    def download(self, url: str, name: str) -> tuple[Path, str, str]:
        """Download with retries; returns (file, content type, final URL)."""
        attempt = 0
        while True:
            try:
                return self._download_once(url, name)
            except FetchError as exc:
                attempt += 1
                if not exc.retry or attempt > self.retries:
                    raise
                time.sleep(self.backoff * (2 ** (attempt - 1)))

    def _wait_turn(self) -> None:
        pause = self.delay - (time.monotonic() - self._last_request)
        if pause > 0:
            time.sleep(pause)
        self._last_request = time.monotonic()

    def _save_body(self, response: Any, part: Path, url: str, have: int, started: float) -> None:
        """Append the response body to the partial file (`have` bytes already there), within the size limit and
        the total deadline of the download (a server that sends a byte now and then is cut off too)."""
        written = have
        try:
            with part.open("ab" if have else "wb") as handle:
                while True:
                    # read1: whatever has arrived, so that the deadline is checked however slowly bytes come
                    block = response.read1(1 << 16) if hasattr(response, "read1") else response.read(1 << 16)
                    if not block:
                        break
                    if time.monotonic() - started > self.deadline:
                        raise FetchError(f"the download of {url} took longer than {self.deadline:.0f} s and was "
                                         "stopped (setting fetch_deadline)")
                    written += len(block)
                    if written > self.max_bytes:
                        raise FetchError(f"{url} is over the limit of {self.max_bytes / 1e6:.1f} MB "
                                         f"(setting {self.limit_setting})")
                    handle.write(block)
        except (socket.timeout, TimeoutError, ConnectionError) as exc:
            raise FetchError(f"the download of {url} broke off ({exc}); it resumes on the next try",
                             retry=True) from None
        except FetchError:
            part.unlink(missing_ok=True)
            raise

    def _download_once(self, url: str, name: str) -> tuple[Path, str, str]:
        check_address(url, self.allow_private)
        started = time.monotonic()
        self.folder.mkdir(parents=True, exist_ok=True)
        part = self.folder / f"{name}.part"
        have = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": self.user_agent, "Accept": ", ".join(self.accepted)}
        if have:
            headers["Range"] = f"bytes={have}-"
        self._wait_turn()
        request = urllib.request.Request(url, headers=headers)
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have:  # the partial file does not fit the server's file: start again
                part.unlink(missing_ok=True)
                raise FetchError(f"{url}: the partial download did not match; downloading again", retry=True)
            raise FetchError(f"HTTP {exc.code} {exc.reason} from {url}", retry=exc.code >= 500 or exc.code == 429)
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"cannot reach {url}: {reason}", retry=True) from None
        with response:
            content_type = (response.headers.get_content_type() or "").lower()
            if content_type not in self.accepted:
                raise FetchError(f"unexpected content type {content_type!r} from {url} (accepted: "
                                 f"{', '.join(sorted(self.accepted))})")
            length = response.headers.get("Content-Length")
            resumed = response.status == 206
            total = (int(length) + (have if resumed else 0)) if length and length.isdigit() else None
            if total is not None and total > self.max_bytes:
                raise FetchError(f"{url} is {total / 1e6:.1f} MB, over the limit of {self.max_bytes / 1e6:.1f} MB "
                                 f"(setting {self.limit_setting})")
            self._save_body(response, part, url, have if resumed else 0, started)
            final_url = response.geturl()
        suffix = self.accepted[content_type] or _sniff_suffix(part, final_url)
        target = self.folder / f"{name}{suffix}"
        part.replace(target)
        return target, content_type, final_url


def _sniff_suffix(path: Path, url: str) -> str:
    """The suffix of a download served as generic binary data, from its first bytes and its address."""
    with path.open("rb") as handle:
        head = handle.read(8)
    url_suffix = Path(urlparse(url).path).suffix.lower()
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04") and url_suffix in (".docx", ".pptx"):
        return url_suffix
    path.unlink(missing_ok=True)
    raise FetchError(f"{url} was served as generic binary data that is neither a PDF nor a .docx/.pptx file")


def parse_page(html: str) -> _Links:
    """An HTML page's links and readable text (scripts, navigation and forms left out)."""
    parser = _Links()
    parser.feed(html)
    return parser


def best_pdf_link(page: _Links, base_url: str, title: str) -> str | None:
    """The link on a landing page most likely to be the document's PDF."""
    title_words = set(re.findall(r"\w{4,}", title.lower()))
    base_host = urlparse(base_url).netloc
    best: tuple[float, str] | None = None
    for href, mime, text in page.links:
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        absolute = urljoin(base_url, href)
        if urlparse(absolute).scheme not in ("http", "https"):
            continue
        is_pdf = urlparse(absolute).path.lower().endswith(".pdf") or "pdf" in mime.lower() or "pdf" in text.lower()
        if not is_pdf:
            continue
        words = set(re.findall(r"\w{4,}", (text + " " + absolute).lower()))
        score = len(words & title_words) + (1.0 if urlparse(absolute).netloc == base_host else 0.0)
        if best is None or score > best[0]:
            best = (score, absolute)
    return best[1] if best else None


def check_network(urls: list[str]) -> None:
    """Fail fast, with one message, when none of the hosts can even be resolved."""
    hosts = list(dict.fromkeys(urlparse(u).hostname for u in urls if urlparse(u).hostname))
    for host in hosts[:5]:
        try:
            socket.getaddrinfo(host, None)
            return
        except OSError:
            continue
    if hosts:
        raise KBError(f"no network: cannot resolve {', '.join(hosts[:3])}; `kb corpus fetch` needs internet access. "
                      "Nothing was changed.")


def run_fetch(kb: Any, ids: list[str] | None = None, *, progress: Callable[[int], None] | None = None,
              refetch: bool = False) -> FetchReport:
    """Fetch the full text of catalogue entries (all unfetched ones when no ids are given)."""
    settings = kb.settings
    stubs = kb.catalogue_documents()
    by_id = {d.extra.get("catalogue_id"): d for d in stubs}
    report = FetchReport()
    wanted = ids or [cid for cid, d in by_id.items() if not d.extra.get("fetched_at")]
    unknown = [i for i in wanted if i not in by_id]
    for cid in unknown:
        report.items.append(FetchItem(cid, "failed", reason="no catalogue entry with this id in the knowledge base "
                                                            "(ingest the catalogue first: kb ingest corpus/)"))
    todo = []
    for cid in wanted:
        doc = by_id.get(cid)
        if doc is None:
            continue
        if doc.extra.get("fetched_at") and not refetch:
            report.items.append(FetchItem(cid, "skipped", doc_id=doc.doc_id, reason="full text already fetched"))
            continue
        todo.append(doc)
    if not todo:
        return report
    check_network([d.extra["url"] for d in todo])
    fetcher = Fetcher.from_settings(kb.home / "downloads", settings)
    tokenizer = load_tokenizer(kb.tokenizer_model)
    with kb.batch_writer() as writer:
        for doc in todo:
            cid = doc.extra["catalogue_id"]
            try:
                item = _fetch_one(kb, writer, fetcher, tokenizer, doc)
            except (FetchError, LoadError) as exc:
                item = FetchItem(cid, "failed", doc_id=doc.doc_id, url=doc.extra.get("url"), reason=str(exc))
            report.items.append(item)
            if progress:
                progress(1)
    return report


def _fetch_one(kb: Any, writer: Any, fetcher: Fetcher, tokenizer: Any, doc: Any) -> FetchItem:
    cid, url = doc.extra["catalogue_id"], doc.extra["url"]
    options = LoadOptions.from_settings(kb.settings)
    path, content_type, final_url = fetcher.download(url, cid)
    kind = "pdf"
    if "html" in content_type:
        page = parse_page(path.read_text(encoding="utf-8", errors="replace"))
        link = best_pdf_link(page, final_url, doc.title)
        if link:
            path, content_type, final_url = fetcher.download(link, f"{cid}-document")
        if "html" in content_type:
            kind = "web page"
            try:  # the main text, as a web page file would give it
                loaded = html_document(path.read_bytes(), doc.source, options)
            except LoadError:
                raise FetchError(f"the page at {final_url} has no readable text and links to no PDF") from None
    if content_type == "application/pdf":
        [loaded] = list(load_pdf(path, options))  # verifies that the PDF opens and has text
    elif content_type == "text/plain":
        kind = "text"
        loaded = LoadedDocument(source=doc.source, sha256=sha256_bytes(path.read_bytes()),
                                pages=[Page(1, path.read_text(encoding="utf-8", errors="replace"))])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    extra = {k: v for k, v in doc.extra.items() if k != "catalogue_stub"}
    extra.update({"catalogue_status": "full text fetched", "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                  time.gmtime()), "fetched_url": final_url, "content_type": content_type, "file_sha256": digest})
    chunks = chunk_pages(doc.doc_id, loaded.pages, tokenizer, kb.settings.chunk_tokens, kb.settings.chunk_overlap)
    document = replace(doc, sha256=digest, extra=extra, n_pages=len(loaded.pages), n_chunks=len(chunks))
    document.stored_file = writer.store_original(path, doc.doc_id)
    writer.stage(PreparedDocument(document, loaded.pages, chunks,
                                  fingerprint(doc.doc_id, document.language, (p.text for p in loaded.pages))))
    return FetchItem(cid, "fetched", doc_id=doc.doc_id, url=final_url, kind=kind, pages=len(loaded.pages),
                     sha256=digest)
