"""OCR of PDF pages without a text layer: pypdfium2 renders the page, Tesseract reads it (the optional `ocr` extra)."""
from __future__ import annotations

import shutil
import time
from functools import lru_cache
from pathlib import Path

from kb.errors import LoadError

from .base import LoadOptions

HOW_TO_ENABLE = ("to enable OCR install the OCR extra (`pip install 'atkb[ocr]'`) and Tesseract with its languages "
                 "(`apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-nld tesseract-ocr-fra "
                 "tesseract-ocr-deu`), then ingest the file again")
# Below this resolution OCR is not worth running; a page that needs less to fit the pixel limit is refused.
MIN_DPI = 100


@lru_cache(maxsize=4)
def _installed_languages() -> frozenset[str]:
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except Exception:
        return frozenset()


def ocr_unavailable_reason(options: LoadOptions) -> str | None:
    """None when OCR can run with these options, else why not and how to enable it."""
    if options.ocr.strip().lower() in ("off", "false", "no", "0"):
        return "OCR is switched off (setting ocr=off); set KB_OCR=auto to read such pages"
    try:
        import pypdfium2  # noqa: F401
        import pytesseract  # noqa: F401
    except ImportError:
        return f"OCR is not installed: {HOW_TO_ENABLE}"
    if shutil.which("tesseract") is None:
        return f"Tesseract is not installed: {HOW_TO_ENABLE}"
    if not usable_languages(options):
        return (f"none of the OCR languages {options.ocr_languages!r} is installed for Tesseract: "
                f"{HOW_TO_ENABLE}")
    return None


def usable_languages(options: LoadOptions) -> str:
    """The requested Tesseract languages that are installed, joined by +."""
    installed = _installed_languages()
    return "+".join(lang for lang in options.ocr_languages.split("+") if lang.strip() in installed)


def ocr_pdf_pages(path: Path, numbers: list[int], options: LoadOptions) -> dict[int, str]:
    """Text of the given 1-based pages, read by Tesseract from renderings within the pixel limit."""
    import pypdfium2
    import pytesseract

    languages = usable_languages(options)
    out: dict[int, str] = {}
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for number in numbers:
            options.check_time(path, f"OCR of page {number}")
            page = pdf[number - 1]
            width_pt, height_pt = page.get_size()
            dpi = float(options.ocr_dpi)
            pixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi)
            if pixels > options.max_image_pixels:
                dpi *= (options.max_image_pixels / pixels) ** 0.5
                if dpi < MIN_DPI:
                    raise LoadError(str(path), f"refused: page {number} is {width_pt / 72:.0f}×{height_pt / 72:.0f} "
                                               f"inches, too large to OCR within {options.max_image_pixels / 1e6:.0f}"
                                               " megapixels (setting max_image_megapixels)")
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            remaining = 0 if options.deadline is None else max(1.0, options.deadline - time.monotonic())
            try:
                text = pytesseract.image_to_string(image, lang=languages, timeout=remaining)
            except RuntimeError as exc:  # pytesseract's timeout
                raise LoadError(str(path), f"OCR of page {number} took too long ({exc}); raise the setting "
                                           "max_seconds_per_file or OCR the file beforehand") from None
            out[number] = text
            page.close()
    finally:
        pdf.close()
    return out
