"""Helpers shared by loaders: zip-bomb checks for Office files and splitting long text into pages."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Iterable

from kb.errors import LoadError

from .base import LoadOptions

# Values that tools write when nobody filled a field in.
PLACEHOLDERS = {"anonymous", "unknown", "unspecified", "user", "admin", "administrator", "author", "python-docx",
                "python-pptx", "microsoft office user", "windows user", "owner"}
# Text without page breaks (web pages, Word files without rendered breaks) is cut into pages of about this size.
PAGE_CHARS = 3000
# A member that unpacks to more than this many times its packed size is a decompression bomb.
MAX_RATIO = 200


def open_office_zip(path: Path, options: LoadOptions, kind: str) -> zipfile.ZipFile:
    """Open an Office (OOXML) file after checking that it unpacks to a sane size; LoadError otherwise."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise LoadError(str(path), f"not a valid {kind} file (not a zip package): it may be damaged, or an old "
                                   f"binary Office file; save it again as {kind} and ingest that") from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            archive.close()
            raise LoadError(str(path), f"refused: part {info.filename!r} unpacks {info.file_size // max(info.compress_size, 1)}"
                                       f" times larger than it is packed (a decompression bomb)")
    if total > options.max_unpacked_bytes:
        archive.close()
        raise LoadError(str(path), f"refused: its contents unpack to {total / 1e6:.0f} MB, over the limit of "
                                   f"{options.max_unpacked_bytes / 1e6:.0f} MB (setting max_unpacked_mb)")
    return archive


def paginate(paragraphs: Iterable[str], page_chars: int = PAGE_CHARS) -> list[str]:
    """Group paragraphs into pages of about page_chars characters, never splitting a paragraph."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for paragraph in paragraphs:
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if current and size + len(paragraph) > page_chars:
            pages.append("\n".join(current))
            current, size = [], 0
        current.append(paragraph)
        size += len(paragraph) + 1
    if current:
        pages.append("\n".join(current))
    return pages


def year_of(value: object) -> int | None:
    """The year of a date, datetime or date-like string, when it is plausible."""
    year = getattr(value, "year", None)
    if year is None and value:
        text = str(value).strip()
        year = int(text[:4]) if text[:4].isdigit() else None
    return year if year and 1950 <= year <= 2100 else None


def office_properties(props: Any) -> dict[str, Any]:
    """Title, author and year from the Office document properties, when they are filled in."""
    meta: dict[str, Any] = {}
    title = (props.title or "").strip()
    if title and title.lower() not in ("powerpoint presentation", "presentation", "slide 1"):
        meta["title"] = title
    if (props.author or "").strip() and props.author.strip().lower() not in PLACEHOLDERS:
        meta["author"] = props.author.strip()
    year = year_of(props.created)
    if year:
        meta["file_year"] = year
    if (props.subject or "").strip():
        meta["subject"] = props.subject.strip()
    if (props.keywords or "").strip():
        meta["keywords"] = props.keywords.strip()
    return meta
