"""Word loader: paragraphs and tables in document order, headings kept, pages at Word's own page breaks."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from kb.errors import LoadError
from kb.models import LoadedDocument, Page, sha256_bytes

from .base import LoaderSpec
from .base import LoadOptions
from .base import LoadResult
from .base import register
from .common import PAGE_CHARS, office_properties, open_office_zip, paginate

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def load_docx(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """Read a .docx file; headings become their own lines and are listed in the metadata."""
    open_office_zip(path, options, "DOCX").close()
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise LoadError(str(path), f"damaged DOCX file ({type(exc).__name__}: {exc}): open and save it again "
                                   "in Word or LibreOffice") from exc
    blocks, headings = _blocks(document)
    explicit_breaks = any(kind == "break" for kind, _ in blocks)
    pages_text: list[str] = []
    if explicit_breaks:
        current: list[str] = []
        for kind, text in blocks:
            if kind == "break":
                pages_text.append("\n".join(current))
                current = []
            else:
                current.append(text)
        pages_text.append("\n".join(current))
        pages_text = [p for p in pages_text if p.strip()]
    else:
        pages_text = paginate((text for kind, text in blocks if kind != "break"), PAGE_CHARS)
    options.check_pages(path, len(pages_text))
    if not pages_text:
        raise LoadError(str(path), "empty document: no text in the DOCX file")
    pages = [Page(i, text.strip()) for i, text in enumerate(pages_text, start=1)]
    page_of = _heading_pages(pages, headings)
    metadata = office_properties(document.core_properties)
    if headings:
        metadata["headings"] = [{"page": page_of.get(i, 1), "text": text, "level": level}
                                for i, (level, text) in enumerate(headings)]
        metadata["_detected"] = {"title": (headings[0][1], "first heading")}
    yield LoadedDocument(source=str(path), sha256=sha256_bytes(path.read_bytes()), pages=pages, metadata=metadata,
                         original_path=str(path))


def _blocks(document: Any) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """("text"|"break", text) in body order, and (level, text) of every heading."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[tuple[str, str]] = []
    headings: list[tuple[int, str]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if _breaks_page_before(item) and blocks:
                blocks.append(("break", ""))
            text = " ".join(item.text.split())
            if text:
                level = _heading_level(item)
                if level is not None:
                    headings.append((level, text))
                blocks.append(("text", text))
        elif isinstance(item, Table):
            for row in item.rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):  # merged cells repeat their text
                        cells.append(value)
                if cells:
                    blocks.append(("text", " | ".join(cells)))
    return blocks, headings


def _heading_level(paragraph: Any) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name == "Title":
        return 0
    if name.startswith("Heading"):
        digits = name.removeprefix("Heading").strip()
        return int(digits) if digits.isdigit() else 1
    return None


def _breaks_page_before(paragraph: Any) -> bool:
    """True when Word started a new page at (or inside, before the text of) this paragraph."""
    element = paragraph._p
    for br in element.iter(f"{_W}br"):
        if br.get(f"{_W}type") == "page":
            return True
    return next(element.iter(f"{_W}lastRenderedPageBreak"), None) is not None


def _heading_pages(pages: list[Page], headings: list[tuple[int, str]]) -> dict[int, int]:
    """Index of each heading → the page it is on (found in page order)."""
    found: dict[int, int] = {}
    page_index = 0
    for i, (_, text) in enumerate(headings):
        while page_index < len(pages) and text not in pages[page_index].text:
            page_index += 1
        if page_index >= len(pages):
            break
        found[i] = pages[page_index].number
    return found


register(LoaderSpec("docx", (".docx",), load_docx))
