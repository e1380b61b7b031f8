"""PDF loader: pypdf, page by page, with clear reasons for encrypted, damaged, fake and scanned files."""
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
from ..titles import AUTHORS
from .common import PLACEHOLDERS

# Fewer characters than this over the whole file means there is no usable text layer.
MIN_TEXT_CHARS = 40
# A page with images and fewer characters than this has no text layer of its own.
MIN_PAGE_CHARS = 20
# A page without images needs this much drawing (content stream bytes) to be worth OCR: outlined text, not a
# blank or ruled page. On ../shared/realdocs this keeps the 5 of 235 empty-text pages OCR finds text on.
OUTLINE_TEXT_BYTES = 2000
# A page whose text layer lost the spaces between words ("benikvanmeningdateendergelijkeuitleg", an OCR layer some
# scanners write): most of its letters stand in "words" of this many letters or more, and its words are long on
# average. On ../shared/realdocs the 5 such pages (two letters) have 0.74-0.89 of their letters in such words and
# 36-57 letters a word; every other page of 7,400 at most 0.26, and about 5.5 letters a word.
GLUED_WORD_LETTERS = 20
GLUED_SHARE = 0.5
GLUED_MEAN_LETTERS = 12
_GLUED_MIN_LETTERS = 100  # too little text to tell
# letters of the scripts that put spaces between words (Latin, Greek, Cyrillic, Hebrew, Arabic): Chinese or Japanese
# text runs on by nature
_SPACED_LETTERS = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff]+")
# OCR's text replaces a spaceless layer only when it holds at least this share of the layer's letters
_OCR_KEEPS_LETTERS = 0.5
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_SOFT_HYPHEN = re.compile(r"\u00ad\s*")  # a soft hyphen marks where a word may break: it is no character of the text
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
    text = _HYPHEN_BREAK.sub(r"\1\2", _SOFT_HYPHEN.sub("", text))
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def load_pdf(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """Read a PDF into pages; raise LoadError with a remedy when it cannot be read."""
    data = path.read_bytes()
    _check_is_pdf(path, data)
    reader = _open_reader(path, data)
    n_pages = len(reader.pages)
    options.check_pages(path, n_pages)
    pages, warnings = _extract_pages(path, reader, n_pages, options)
    ocr_done = _read_unreadable_pages(path, reader, pages, options, warnings)
    if sum(len(p.text) for p in pages) < MIN_TEXT_CHARS:
        raise LoadError(str(path), _no_text_reason(n_pages, ocr_done, options))
    metadata = _pdf_metadata(reader)
    title = _layout_title(reader.pages[0])  # weighed against the file's own title by the metadata step
    if title and len(title.split()) >= 2:
        metadata["_detected"] = {"title": (title, "largest type on page 1")}
    if ocr_done:
        metadata["ocr_pages"] = ocr_done
    if _mostly_landscape(reader):
        metadata["landscape"] = True
    yield LoadedDocument(source=str(path), sha256=sha256_bytes(data), pages=pages,
                         metadata=metadata, original_path=str(path), warnings=warnings)


def _check_is_pdf(path: Path, data: bytes) -> None:
    kind = sniff_kind(data[:2048])
    if kind == "empty":
        raise LoadError(str(path), "empty file: nothing to index; replace it with the real document")
    if kind == "html":
        raise LoadError(str(path), "not a PDF but an HTML page saved with a .pdf name: download the PDF itself "
                                   "(not the web page that links to it) and ingest again")
    if kind != "pdf":
        raise LoadError(str(path), f"not a PDF (no %PDF header; looks like {kind} data): check the file "
                                   "or give it the right extension")


def _open_reader(path: Path, data: bytes) -> Any:
    """A pypdf reader with at least one page (decrypted when it has an empty password)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)  # data is also on disk: OCR renders from the path
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
    return reader


def _extract_pages(path: Path, reader: Any, n_pages: int, options: LoadOptions) -> tuple[list[Page], list[str]]:
    """The text of each page (a page that fails is kept empty, with a warning); at least one must be read."""
    from pypdf.errors import LimitReachedError

    pages: list[Page] = []
    warnings: list[str] = []
    failed_pages = 0
    for number in range(1, min(n_pages, options.first_pages or n_pages) + 1):
        options.check_time(path, f"page {number}")
        try:
            raw = reader.pages[number - 1].extract_text() or ""
        except LimitReachedError as exc:
            raise LoadError(str(path), f"refused: a compressed stream on page {number} unpacks beyond pypdf's "
                                       f"safety limit (a decompression bomb?): {exc}") from None
        except Exception as exc:  # one broken page must not lose the rest of the document
            failed_pages += 1
            if failed_pages <= 3:
                warnings.append(f"page {number}: text could not be extracted ({type(exc).__name__})")
            raw = ""
        pages.append(Page(number, clean_page_text(raw)))
    if failed_pages == len(pages):
        raise LoadError(str(path), "damaged or truncated PDF (no page could be read): download the file again")
    return pages, warnings


def _no_text_reason(n_pages: int, ocr_done: Any, options: LoadOptions) -> str:
    if ocr_done:
        return (f"no text layer, and OCR found no text on its {n_pages} page(s): the pages hold only pictures or "
                "drawings; nothing to index")
    from .ocr import ocr_unavailable_reason

    why = ocr_unavailable_reason(options)
    if why is None:
        return (f"no text on its {n_pages} page(s), and nothing that OCR could read (blank pages or simple "
                "drawings); nothing to index")
    return f"no text layer: needs OCR (scanned PDF, {n_pages} page(s) of images); {why}"


def _layout_title(page: Any) -> str | None:
    """The text set in the largest type on the first page, when it stands out from the body text, with the lines in
    large type just before and after it (a kicker, a subtitle) that belong to the same block."""
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
    body = _body_size(wordy)
    # a year, a range of years or a volume's roman numeral set large belongs to the title ("… 2012-2016", "… II")
    kept = [(size, text) for size, text in fragments if (size, text) in wordy or _NUMBERING.fullmatch(text)]
    for top in sorted({size for size, _ in wordy if size >= body * 1.3}, reverse=True):
        blocks = [b for b in _blocks(kept, max(body * 1.2, top * 0.28)) if any(abs(s - top) < 0.6 for s, _ in b)]
        at = [n for n, (s, _) in enumerate(kept) if abs(s - top) < 0.6]
        if len(at) > 1 and all(len(kept[n][1].split()) == 1 for n in at) and all(b - a > 1 for a, b in zip(at, at[1:])):
            continue  # single words in the largest type, apart: section labels ("Victims", "Offenders")
        for block in blocks:
            if not _kind_only(block):
                title = _joined_block(_without_sigil(_two_sizes(block)))
                return title[:300] if len(title) >= 6 else None
    return None


# "Luuk Esser en Corinne Dettmeijer-Vermeulen*": two people's names under a title
_PERSONS = re.compile(r"^[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)+ (?:en|and|und|et|&) [A-Z][\w'’-]+(?: [A-Z][\w'’-]+)+\W*$")
_NUMBERING = re.compile(r"(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?|[ivxIVX]{1,4}")


def _body_size(fragments: list[tuple[float, str]]) -> float:
    """The size of the body text: the median by characters; on a cover with little text, its smallest type."""
    if sum(len(text) for _, text in fragments) < 600:
        return min(size for size, _ in fragments)
    weighted = sorted((size, len(text)) for size, text in fragments)
    half, seen = sum(n for _, n in weighted) / 2, 0
    for size, n in weighted:
        seen += n
        if seen >= half:
            return size
    return weighted[-1][0]


def _blocks(fragments: list[tuple[float, str]], large: float) -> list[list[tuple[float, str]]]:
    """Runs of consecutive fragments in large type."""
    blocks: list[list[tuple[float, str]]] = [[]]
    for size, text in fragments:
        if AUTHORS.search(text):  # the authors' names end the title's block
            blocks.append([])
        elif size >= large:
            blocks[-1].append((size, text))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _two_sizes(block: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """The block up to a third size of type: a title and its kicker or subtitle, not the text set below them."""
    sizes: list[float] = []
    for n, (size, _) in enumerate(block):
        if not any(abs(size - seen) < 0.6 for seen in sizes):
            if len(sizes) == 2:
                return block[:n]
            sizes.append(size)
    return block


def _without_sigil(block: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """The block without a one-word tail in smaller type (a journal's sigil after the title: "… Toch? TPWS")."""
    top = max(size for size, _ in block)
    while len(block) > 1 and block[-1][0] < top - 0.5 and (_PERSONS.match(block[-1][1]) or (
            len(block[-1][1].split()) == 1 and not _NUMBERING.fullmatch(block[-1][1]))):
        block = block[:-1]
    return block


def _kind_only(block: list[tuple[float, str]]) -> bool:
    """A block that only names the kind of document ("Research brief", "Factsheet")."""
    text = " ".join(t for _, t in block).lower()
    return bool(re.fullmatch(r"(research |policy )?(brief|report|rapport|factsheet|fact sheet|persbericht|"
                             r"press release|summary|samenvatting)", text.strip()))


def _joined_block(block: list[tuple[float, str]]) -> str:
    """The block's lines: one size runs on, a change of size starts a subtitle (after a colon)."""
    out = ""
    previous = None
    for size, text in block:
        if previous is not None and abs(size - previous) >= 0.6 and not out.rstrip().endswith((":", ".", "?", "!")):
            out += ":"
        out = f"{out} {text}" if out else text
        previous = size
    return re.sub(r"\s+", " ", out).strip()


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
    if author and author.lower() not in PLACEHOLDERS:
        meta["author"] = author
    try:
        created = info.creation_date
    except Exception:
        created = None
    if created is not None and 1980 <= created.year <= 2100:
        meta["file_year"] = created.year
    for key, name in (("/Subject", "subject"), ("/Keywords", "keywords")):
        value = str(info.get(key) or "").strip()
        if value and value.lower() not in PLACEHOLDERS:
            meta[name] = value
    # custom entries some publishers and tools set, e.g. /Symbol (GRETA(2023)05) or /Organisation
    for key in ("/Organisation", "/Organization", "/Symbol", "/Country", "/Language", "/DocType", "/Year"):
        value = str(info.get(key) or "").strip()
        if value:
            meta[{"/Organization": "organisation", "/DocType": "doc_type"}.get(key, key[1:].lower())] = value
    return meta


def _mostly_landscape(reader: Any, sample: int = 10) -> bool:
    """True when most of the first pages are wider than tall (slides saved as PDF)."""
    wide = total = 0
    for page in reader.pages[:sample]:
        try:
            box = page.mediabox
            rotated = (int(page.get("/Rotate", 0) or 0) // 90) % 2 == 1
            width, height = (float(box.height), float(box.width)) if rotated else (float(box.width), float(box.height))
        except Exception:
            continue
        total += 1
        wide += width > height * 1.1
    return total > 0 and wide > total / 2


def _page_images(page: Any, depth: int = 0) -> list[tuple[int, int]]:
    """Width and height of every image drawn on a page (from the dictionaries: nothing is decoded)."""
    sizes: list[tuple[int, int]] = []
    try:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                sizes.append((int(obj.get("/Width", 0)), int(obj.get("/Height", 0))))
            elif obj.get("/Subtype") == "/Form" and depth < 3:
                sizes.extend(_page_images(obj, depth + 1))
    except Exception:  # odd resources: treat as no images
        pass
    return sizes


def _outlined_text(page: Any) -> bool:
    """True for a page with enough drawing to be text set as outlines (not a blank or ruled page)."""
    try:
        contents = page.get_contents()
        return contents is not None and len(contents.get_data()) > OUTLINE_TEXT_BYTES
    except Exception:
        return False


def _letters(text: str) -> int:
    return sum(map(len, _SPACED_LETTERS.findall(text)))


def lost_spaces(text: str) -> bool:
    """Whether a page's text lost the spaces between its words: most of its letters run on in very long "words"."""
    words = _SPACED_LETTERS.findall(text)
    letters = sum(map(len, words))
    if letters < _GLUED_MIN_LETTERS or letters / len(words) < GLUED_MEAN_LETTERS:
        return False
    return sum(len(w) for w in words if len(w) >= GLUED_WORD_LETTERS) / letters >= GLUED_SHARE


def _read_unreadable_pages(path: Path, reader: Any, pages: list[Page], options: LoadOptions,
                           warnings: list[str]) -> list[int]:
    """OCR the pages without a text layer and those whose layer lost its spaces (or warn); returns the OCRed pages."""
    textless = _textless_pages(path, reader, pages, options)
    glued = [page for page in pages if lost_spaces(page.text)]
    if not textless and not glued:
        return []
    from .ocr import ocr_pdf_pages, ocr_unavailable_reason

    why = ocr_unavailable_reason(options)
    if why is not None:
        if textless and len(textless) < len(pages):
            warnings.append(f"needs OCR: {_page_list(textless)} without a text layer were left empty; {why}")
        if glued:
            warnings.append(f"needs OCR: {_page_list([p.number for p in glued])} kept as the text layer has it, "
                            f"without spaces between words (search cannot find their words); {why}")
        return []
    read = []
    if textless:
        texts = ocr_pdf_pages(path, textless, options)
        for page in pages:
            if page.number in texts:
                page.text = clean_page_text(texts[page.number])
        warnings.append(f"OCR read {_page_list(textless)} (no text layer)")
        read += textless
    # a page whose images are over the pixel limit is never rendered: its layer stays, spaceless
    too_large = [p.number for p in glued if _over_limit(_page_images(reader.pages[p.number - 1]), options)]
    if too_large:
        warnings.append(f"{_page_list(too_large)} kept without spaces between words: an image over the limit of "
                        f"{options.max_image_pixels / 1e6:.0f} megapixels (setting max_image_megapixels) is not OCRed")
    if glued := [p for p in glued if p.number not in too_large]:
        read += _mend_glued_pages(path, glued, options, warnings)
    return sorted(read)


def _mend_glued_pages(path: Path, glued: list[Page], options: LoadOptions, warnings: list[str]) -> list[int]:
    """Replace spaceless text layers by OCR's text where it reads better; the layer stays where OCR fails."""
    from .ocr import ocr_pdf_pages

    try:
        texts = ocr_pdf_pages(path, [page.number for page in glued], options)
    except LoadError as exc:  # out of time or too large to render: the layer is still better than nothing
        warnings.append(f"{_page_list([p.number for p in glued])} kept without spaces between words: "
                        f"OCR stopped ({exc.reason})")
        return []
    mended = []
    for page in glued:
        text = clean_page_text(texts.get(page.number, ""))
        if not lost_spaces(text) and _letters(text) >= _OCR_KEEPS_LETTERS * _letters(page.text):
            page.text = text
            mended.append(page.number)
    if mended:
        warnings.append(f"OCR read {_page_list(mended)} (text layer without spaces between words)")
    if kept := [page.number for page in glued if page.number not in mended]:
        warnings.append(f"{_page_list(kept)} kept without spaces between words: OCR read no better text")
    return mended


def _textless_pages(path: Path, reader: Any, pages: list[Page], options: LoadOptions) -> list[int]:
    """The pages with images of text, or text drawn as outlines, and no text of their own (blank pages are not)."""
    textless = []
    for page in pages:
        if len(page.text) >= MIN_PAGE_CHARS:
            continue
        pdf_page = reader.pages[page.number - 1]
        if _check_images(path, pdf_page, page.number, options) or _outlined_text(pdf_page):
            textless.append(page.number)
    return textless


def _check_images(path: Path, pdf_page: Any, number: int, options: LoadOptions) -> list[tuple[int, int]]:
    """The page's image sizes; an image over the pixel limit refuses the file before anything decodes it."""
    images = _page_images(pdf_page)
    if (large := _over_limit(images, options)) is not None:
        width, height = large
        raise LoadError(str(path), f"refused: page {number} holds an image of {width}×{height} pixels "
                                   f"({width * height / 1e6:.0f} megapixels), over the limit of "
                                   f"{options.max_image_pixels / 1e6:.0f} (setting max_image_megapixels)")
    return images


def _over_limit(images: list[tuple[int, int]], options: LoadOptions) -> tuple[int, int] | None:
    """The first image over the pixel limit (width, height), if any."""
    return next(((w, h) for w, h in images if w * h > options.max_image_pixels), None)


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return f"page{'s' if len(numbers) > 1 else ''} {shown}{more}"


register(LoaderSpec("pdf", (".pdf",), load_pdf))
