"""PDF loader: pypdf, page by page, with clear reasons for encrypted, damaged, fake and scanned files."""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Iterator

from kb.errors import LoadError
from kb.models import LoadedDocument, Page, sha256_bytes

from . import LoaderSpec, LoadOptions, LoadResult, register

# Fewer characters than this over the whole file means there is no usable text layer.
MIN_TEXT_CHARS = 40
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_SPACES = re.compile(r"[ \t\u00a0]+")
# Information-dictionary titles that are file names, paths or tool stamps rather than titles.
_BAD_TITLES = re.compile(r"^(untitled|document\d*$|title$)|microsoft (word|powerpoint)|\.(docx?|pdf|indd|pptx?|wpd|"
                         r"qxd|rtf|odt)\b|[a-z]:\\|@ hotfolder", re.I)


def sniff_kind(head: bytes) -> str:
    """Guess what a file really is from its first bytes: pdf, html, zip, empty or unknown."""
    if not head.strip():
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered:
        return "html"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return "unknown"


def clean_page_text(text: str) -> str:
    """Join words hyphenated across lines and collapse runs of spaces, keeping line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def load_pdf(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """Read a PDF into pages; raise LoadError with a remedy when it cannot be read."""
    data = path.read_bytes()
    kind = sniff_kind(data[:2048])
    if kind == "empty":
        raise LoadError(str(path), "empty file: nothing to index; replace it with the real document")
    if kind == "html":
        raise LoadError(str(path), "not a PDF but an HTML page saved with a .pdf name: download the PDF itself "
                                   "(not the web page that links to it) and ingest again")
    if kind != "pdf":
        raise LoadError(str(path), f"not a PDF (no %PDF header; looks like {kind} data): check the file "
                                   "or give it the right extension")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        import io

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # missing crypto backend or unknown algorithm
                raise LoadError(str(path), f"encrypted PDF that cannot be opened ({exc}): remove the protection "
                                           "(e.g. `qpdf --decrypt`) and ingest again") from exc
            if not ok:
                raise LoadError(str(path), "encrypted PDF that needs a password: save an unprotected copy "
                                           "(e.g. `qpdf --decrypt --password=... in.pdf out.pdf`) and ingest that")
        n_pages = len(reader.pages)
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise LoadError(str(path), f"damaged or truncated PDF ({exc}): download the file again") from exc
    if n_pages == 0:
        raise LoadError(str(path), "damaged or truncated PDF (no pages found): download the file again")

    pages: list[Page] = []
    warnings: list[str] = []
    failed_pages = 0
    for number in range(1, n_pages + 1):
        try:
            raw = reader.pages[number - 1].extract_text() or ""
        except Exception as exc:  # one broken page must not lose the rest of the document
            failed_pages += 1
            if failed_pages <= 3:
                warnings.append(f"page {number}: text could not be extracted ({type(exc).__name__})")
            raw = ""
        pages.append(Page(number, clean_page_text(raw)))
    total_chars = sum(len(p.text) for p in pages)
    if failed_pages == n_pages:
        raise LoadError(str(path), "damaged or truncated PDF (no page could be read): download the file again")
    if total_chars < MIN_TEXT_CHARS:
        raise LoadError(str(path), f"no text layer: needs OCR (scanned PDF, {n_pages} page(s) of images); run "
                                   "it through OCR (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the result")
    metadata = _pdf_metadata(reader)
    if "title" not in metadata:
        title = _layout_title(reader.pages[0])
        if title:
            metadata["title"] = title
    yield LoadedDocument(source=str(path), sha256=sha256_bytes(data), pages=pages,
                         metadata=metadata, original_path=str(path), warnings=warnings)


def _layout_title(page: Any) -> str | None:
    """The text set in the largest font on the first page, when it stands out from the body text."""
    fragments: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            scale = (abs(tm[0] * cm[0]) + abs(tm[3] * cm[3])) / 2 or 1.0
            fragments.append((round(size * scale, 1), text.strip()))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:
        return None
    wordy = [(size, text) for size, text in fragments if sum(c.isalpha() for c in text) >= 3]
    if not wordy:
        return None
    sizes = sorted(size for size, _ in wordy)
    body, largest = sizes[len(sizes) // 2], sizes[-1]
    if largest < body * 1.3:
        return None
    title = " ".join(text for size, text in wordy if abs(size - largest) < 0.6)
    title = re.sub(r"\s+", " ", title).strip()
    return title[:200] if len(title) >= 6 else None


def _pdf_metadata(reader: Any) -> dict[str, Any]:
    """Title, author and year from the PDF information dictionary, when they are meaningful."""
    meta: dict[str, Any] = {}
    try:
        info = reader.metadata
    except Exception:
        return meta
    if not info:
        return meta
    title = (getattr(info, "title", None) or "").strip()
    if title and len(title) > 3 and not _BAD_TITLES.search(title):
        meta["title"] = title
    author = (getattr(info, "author", None) or "").strip()
    if author:
        meta["author"] = author
    try:
        created = info.creation_date
    except Exception:
        created = None
    if created is not None and 1980 <= created.year <= 2100:
        meta["pdf_year"] = created.year
    return meta


register(LoaderSpec("pdf", (".pdf",), load_pdf))
