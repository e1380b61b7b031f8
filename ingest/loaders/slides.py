"""PowerPoint loader: one page per slide, the slide title as its heading, body text, tables and speaker notes."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from kb.errors import LoadError
from kb.models import LoadedDocument, Page, sha256_bytes

from .base import LoaderSpec
from .base import LoadOptions
from .base import LoadResult
from .base import register
from .common import office_properties, open_office_zip

NOTES_HEADING = "Speaker notes:"


def load_pptx(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """Read a .pptx file slide by slide."""
    open_office_zip(path, options, "PPTX").close()
    from pptx import Presentation

    try:
        deck = Presentation(str(path))
    except Exception as exc:  # python-pptx raises many kinds for broken packages
        raise LoadError(str(path), f"damaged PPTX file ({type(exc).__name__}: {exc}): open and save it again "
                                   "in PowerPoint or LibreOffice") from exc
    slides = list(deck.slides)
    options.check_pages(path, len(slides), "slides")
    pages: list[Page] = []
    headings: list[dict[str, Any]] = []
    for number, slide in enumerate(slides, start=1):
        options.check_time(path, f"slide {number}")
        title = _slide_title(slide)
        lines = [title] if title else []
        title_shape = slide.shapes.title
        for shape in slide.shapes:
            if title_shape is not None and shape.shape_id == title_shape.shape_id:
                continue
            lines.extend(_shape_lines(shape))
        notes = _notes(slide)
        if notes:
            lines += ["", NOTES_HEADING, notes]
        pages.append(Page(number, "\n".join(lines).strip()))
        if title:
            headings.append({"page": number, "text": title})
    if not any(p.text for p in pages):
        raise LoadError(str(path), "no text on any slide (pictures only): export the slides with their text or "
                                   "add speaker notes, then ingest again")
    metadata = office_properties(deck.core_properties)
    metadata.setdefault("doc_type", "presentation")
    if headings:
        metadata["_detected"] = {"title": (headings[0]["text"], f"title of slide {headings[0]['page']}")}
    metadata["headings"] = headings
    yield LoadedDocument(source=str(path), sha256=sha256_bytes(path.read_bytes()), pages=pages, metadata=metadata,
                         original_path=str(path))


def _slide_title(slide: Any) -> str:
    shape = slide.shapes.title
    if shape is None or not shape.has_text_frame:
        return ""
    return " ".join(shape.text_frame.text.split())


def _shape_lines(shape: Any) -> list[str]:
    """Text of a shape in reading order: text frames, table cells row by row, grouped shapes."""
    lines: list[str] = []
    if getattr(shape, "shape_type", None) is not None and hasattr(shape, "shapes"):  # a group
        for inner in shape.shapes:
            lines.extend(_shape_lines(inner))
        return lines
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:
            text = " ".join(paragraph.text.split())
            if text:
                lines.append(text)
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            cells = [" ".join(cell.text.split()) for cell in row.cells]
            if any(cells):
                lines.append(" | ".join(cells))
    return lines


def _notes(slide: Any) -> str:
    if not slide.has_notes_slide:
        return ""
    frame = slide.notes_slide.notes_text_frame
    return frame.text.strip() if frame is not None else ""


register(LoaderSpec("pptx", (".pptx",), load_pptx))
