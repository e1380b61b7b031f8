"""Scanned pages: OCR with Tesseract when it is installed, otherwise "needs OCR" and how to enable it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

import ingest.loaders.ocr
from ingest.loaders import LoadOptions
from ingest.loaders.ocr import ocr_unavailable_reason
from ingest.loaders.pdf import load_pdf, lost_spaces
from kb.errors import LoadError
from kb import KnowledgeBase, Settings

from .conftest import FAST
from .fixtures import ENGLISH_PAGES, make_glued_scan_pdf, make_pdf, make_scanned_text_pdf

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None or ingest.loaders.ocr.ocr_unavailable_reason(
    LoadOptions(ocr="auto")) is not None, reason="Tesseract (the OCR extra) is not installed")

SCANNED_EN = ["Trafficking in human beings", "Labour exploitation in agriculture",
              "Victims need shelter and legal aid"]
SCANNED_NL = ["Mensenhandel in Nederland", "Slachtoffers hebben recht op opvang",
              "en op juridische bijstand van een advocaat"]


def ocr_kb(home: Path, ocr: str) -> KnowledgeBase:
    return KnowledgeBase(Settings.load({"home": str(home), **FAST, "ocr": ocr}, environ={}))


def mixed_pdf(tmp_path: Path) -> Path:
    """Page 1 has a text layer, page 2 is a scan."""
    writer = PdfWriter()
    for part in (make_pdf(tmp_path / "text.pdf", ENGLISH_PAGES[:1]),
                 make_scanned_text_pdf(tmp_path / "scan.pdf", SCANNED_EN)):
        writer.append(PdfReader(str(part)))
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@needs_tesseract
def test_scanned_pages_are_read_by_ocr(home: Path, tmp_path: Path) -> None:
    english = make_scanned_text_pdf(tmp_path / "scan-en.pdf", SCANNED_EN)
    dutch = make_scanned_text_pdf(tmp_path / "scan-nl.pdf", SCANNED_NL)
    with ocr_kb(home, "auto") as kb:
        report = kb.ingest([english, dutch], workers=1)
        assert report.counts()["added"] == 2, [i.line() for i in report.items]
        assert any("OCR read page 1" in w for w in report.items[0].warnings)
        doc = kb.resolve_document(str(english))
        text = kb.pages(doc.doc_id)[0].text.lower()
        assert "labour exploitation" in text and "legal aid" in text
        assert doc.extra["ocr_pages"] == [1]
        assert kb.search("labour exploitation agriculture").hits[0].document.doc_id == doc.doc_id
        assert kb.resolve_document(str(dutch)).language == "nl"


@needs_tesseract
def test_only_pages_without_text_are_ocred(home: Path, tmp_path: Path) -> None:
    with ocr_kb(home, "auto") as kb:
        kb.ingest([mixed_pdf(tmp_path)])
        doc = kb.resolve_document(str(tmp_path / "mixed.pdf"))
        assert doc.extra["ocr_pages"] == [2]
        first, second = kb.pages(doc.doc_id)
        assert "greenhouses" in first.text and "legal aid" in second.text.lower()


def test_without_ocr_a_scan_fails_with_how_to_enable_it(home: Path, tmp_path: Path) -> None:
    scan = make_scanned_text_pdf(tmp_path / "scan.pdf", SCANNED_EN)
    with ocr_kb(home, "off") as kb:
        report = kb.ingest([scan, mixed_pdf(tmp_path)], workers=1)
    by_name = {Path(i.source).name: i for i in report.items}
    assert by_name["scan.pdf"].status == "failed"
    assert "no text layer: needs OCR" in by_name["scan.pdf"].reason and "KB_OCR=auto" in by_name["scan.pdf"].reason
    mixed = by_name["mixed.pdf"]
    assert mixed.status == "added" and any(w.startswith("needs OCR: page 2 without a text layer")
                                           for w in mixed.warnings)


def test_when_tesseract_is_missing_the_reason_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.loaders.ocr.shutil, "which", lambda name: None)
    why = ocr_unavailable_reason(LoadOptions(ocr="auto"))
    assert "Tesseract is not installed" in why
    assert "pip install 'atkb[ocr]'" in why and "tesseract-ocr-nld" in why


# a scanner's OCR layer without spaces (the shape of two letters of ../shared/realdocs)
GLUED = ("Hoewelikbegriphebvoordewensomnadereuitlegtegevenaanditdelictsbestanddeel,benikvanmeningdateendergelijke "
         "uitlegbeterthuishoortindememorievantoelichting.Vandeanderedwangmiddelenisimmersookgeendefinitieopgenomen")
NORMAL_DUTCH = ("De Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen beveelt aan de "
                "mensenhandelbestrijdingsorganisaties en arbeidsuitbuitingsonderzoeken beter te financieren; "
                "de uitvoeringsorganisaties moeten samenwerken met de vreemdelingenpolitie en gemeenten.")


LETTER_NL = [*SCANNED_NL, "Ik adviseer u de opvang van slachtoffers", "in de memorie van toelichting te regelen",
             "en de gemeenten daarvoor middelen te geven"]


def test_a_text_layer_without_spaces_is_told_from_text_with_long_compounds() -> None:
    assert lost_spaces(GLUED)
    assert not lost_spaces(NORMAL_DUTCH)  # Dutch compounds of 20 letters and more, in running text
    assert not lost_spaces("Mensenhandelbestrijding")  # too little text to tell
    assert not lost_spaces(" ".join(["Arbeidsuitbuitingsonderzoek"] * 3 + NORMAL_DUTCH.split()))
    # Chinese and Japanese put no spaces between words: their text is whole as it is
    assert not lost_spaces("人身取引は重大な人権侵害であり、被害者の保護と支援のために関係機関が連携して取り組む必要がある。" * 4)
    assert not lost_spaces("贩运人口是严重侵犯人权的行为，各国政府应当加强合作，保护受害者并起诉贩运者。" * 4)


@needs_tesseract
def test_a_page_whose_text_layer_lost_its_spaces_is_read_by_ocr(home: Path, tmp_path: Path) -> None:
    glued = make_glued_scan_pdf(tmp_path / "letter.pdf", LETTER_NL)
    assert "Slachtoffershebbenrechtopopvang" in (PdfReader(str(glued)).pages[0].extract_text() or "")
    with ocr_kb(home, "auto") as kb:
        report = kb.ingest([glued], workers=1)
        assert report.counts()["added"] == 1, [i.line() for i in report.items]
        assert "OCR read page 1 (text layer without spaces between words)" in report.items[0].warnings
        doc = kb.resolve_document(str(glued))
        text = kb.pages(doc.doc_id)[0].text.lower()
        assert "slachtoffers hebben recht op opvang" in text and "memorie van toelichting" in text
        assert doc.extra["ocr_pages"] == [1]
        assert kb.search("memorie van toelichting").hits[0].document.doc_id == doc.doc_id


def test_without_ocr_a_page_without_spaces_keeps_its_text_and_says_so(home: Path, tmp_path: Path) -> None:
    glued = make_glued_scan_pdf(tmp_path / "letter.pdf", LETTER_NL)
    with ocr_kb(home, "off") as kb:
        report = kb.ingest([glued], workers=1)
        [item] = report.items
        assert item.status == "added"
        assert any(w.startswith("needs OCR: page 1 kept as the text layer has it, without spaces between words")
                   and "KB_OCR=auto" in w for w in item.warnings), item.warnings
        doc = kb.resolve_document(str(glued))
        assert "Slachtoffershebbenrechtopopvang" in kb.pages(doc.doc_id)[0].text
        assert "ocr_pages" not in doc.extra


def _fake_ocr(monkeypatch: pytest.MonkeyPatch, read: object) -> list[list[int]]:
    """OCR that is available and answers `read(numbers)` (a dict of texts, or raises); returns the pages asked."""
    asked: list[list[int]] = []

    def ocr_pdf_pages(path: Path, numbers: list[int], options: LoadOptions) -> dict[int, str]:
        asked.append(list(numbers))
        return read(numbers)  # type: ignore[operator]

    monkeypatch.setattr(ingest.loaders.ocr, "ocr_unavailable_reason", lambda options: None)
    monkeypatch.setattr(ingest.loaders.ocr, "ocr_pdf_pages", ocr_pdf_pages)
    return asked


def test_ocr_that_reads_less_than_the_spaceless_layer_leaves_the_layer(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    glued = make_glued_scan_pdf(tmp_path / "letter.pdf", LETTER_NL)
    asked = _fake_ocr(monkeypatch, lambda numbers: {n: "Mensenhandel in Nederland" for n in numbers})
    [doc] = load_pdf(glued, LoadOptions(ocr="auto"))
    assert asked == [[1]]
    assert "Slachtoffershebbenrechtopopvang" in doc.pages[0].text
    assert "ocr_pages" not in doc.metadata
    assert "page 1 kept without spaces between words: OCR read no better text" in doc.warnings


def test_ocr_that_stops_on_a_spaceless_page_keeps_the_layer_and_the_file(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    glued = make_glued_scan_pdf(tmp_path / "letter.pdf", LETTER_NL)

    def out_of_time(numbers: list[int]) -> dict[int, str]:
        raise LoadError(str(glued), "OCR of page 1 took too long")

    _fake_ocr(monkeypatch, out_of_time)
    [doc] = load_pdf(glued, LoadOptions(ocr="auto"))
    assert "Slachtoffershebbenrechtopopvang" in doc.pages[0].text
    assert "page 1 kept without spaces between words: OCR stopped (OCR of page 1 took too long)" in doc.warnings


def test_a_spaceless_page_with_an_image_over_the_limit_is_not_rendered(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    glued = make_glued_scan_pdf(tmp_path / "letter.pdf", LETTER_NL)  # a 1654×2339 scan: 3.9 megapixels
    asked = _fake_ocr(monkeypatch, lambda numbers: {n: " ".join(LETTER_NL) for n in numbers})
    [doc] = load_pdf(glued, LoadOptions(ocr="auto", max_image_pixels=2_000_000))
    assert asked == []
    assert "Slachtoffershebbenrechtopopvang" in doc.pages[0].text
    assert any(w.startswith("page 1 kept without spaces between words: an image over the limit of 2 megapixels")
               for w in doc.warnings), doc.warnings


def test_a_scan_and_a_spaceless_page_in_one_file_are_both_read(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    writer = PdfWriter()
    for part in (make_scanned_text_pdf(tmp_path / "scan.pdf", SCANNED_EN),
                 make_glued_scan_pdf(tmp_path / "glued.pdf", LETTER_NL)):
        writer.append(PdfReader(str(part)))
    path = tmp_path / "both.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    read = {1: "\n".join(SCANNED_EN), 2: "\n".join(LETTER_NL)}
    asked = _fake_ocr(monkeypatch, lambda numbers: {n: read[n] for n in numbers})
    [doc] = load_pdf(path, LoadOptions(ocr="auto"))
    assert asked == [[1], [2]]
    assert "legal aid" in doc.pages[0].text and "memorie van toelichting" in doc.pages[1].text
    assert doc.metadata["ocr_pages"] == [1, 2]
    assert doc.warnings == ["OCR read page 1 (no text layer)",
                            "OCR read page 2 (text layer without spaces between words)"]
