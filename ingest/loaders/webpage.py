"""Web page loader: the main text extracted by trafilatura (menus, footers and banners removed), headings kept."""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Iterator

from kb.errors import LoadError
from kb.models import LoadedDocument, Page, sha256_bytes

from .base import LoaderSpec
from .base import LoadOptions
from .base import LoadResult
from .base import register
from .common import PAGE_CHARS, paginate, year_of

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
MIN_TEXT_CHARS = 40


def load_html(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """Read a saved web page (.html/.htm)."""
    data = path.read_bytes()
    if not data.strip():
        raise LoadError(str(path), "empty file: nothing to index; replace it with the real page")
    yield html_document(data, str(path), options, original_path=str(path))


def html_document(data: bytes, source: str, options: LoadOptions, original_path: str | None = None) -> LoadedDocument:
    """Turn the bytes of a web page into a document of its main text."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    markdown = trafilatura.extract(data, output_format="markdown", include_tables=True, include_comments=False,
                                   include_links=False, include_images=False, favor_recall=True) or ""
    if len(markdown.strip()) < MIN_TEXT_CHARS:
        raise LoadError(source, "no main text found in the web page (it may need JavaScript, or only link to the "
                                "document): save the document itself, or its text, and ingest that")
    lines: list[str] = []
    headings: list[dict[str, Any]] = []
    for line in markdown.splitlines():
        match = _MD_HEADING.match(line)
        if match:
            headings.append({"level": len(match.group(1)), "text": match.group(2)})
            line = match.group(2)
        lines.append(line)
    pages_text = paginate(lines, PAGE_CHARS)
    options.check_pages(Path(source), len(pages_text))
    pages = [Page(i, text) for i, text in enumerate(pages_text, start=1)]
    for heading in headings:
        heading["page"] = next((p.number for p in pages if heading["text"] in p.text), 1)
    metadata: dict[str, Any] = {"doc_type": "web-page"}
    found = trafilatura.extract_metadata(data)
    if found is not None:
        for attribute, name in (("title", "title"), ("author", "author"), ("sitename", "publisher"), ("url", "url")):
            if getattr(found, attribute, None):
                metadata[name] = getattr(found, attribute)
        year = year_of(found.date)
        if year:
            metadata["year"] = year  # the page's publication date
    if headings:
        metadata["_detected"] = {"title": (headings[0]["text"], "first heading")}
    metadata["headings"] = headings
    return LoadedDocument(source=source, sha256=sha256_bytes(data), pages=pages, metadata=metadata,
                          original_path=original_path)


register(LoaderSpec("html", (".html", ".htm", ".xhtml"), load_html))
