"""Titles a person would recognise: letters by their subject, no return addresses, file names, table headers,
references, dates or greetings, and titles cut off at a line end completed from the next line."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import LoadOptions
from ingest.pipeline import detect_file
from ingest.titles import complete_line, subject_line, title_problem
from kb.models import Page

from .fixtures import make_pdf

LETTER = ("Pagina 1 van 3\n> Retouradres Postbus 20301 2500 EH Den Haag\nDe vaste commissie voor Justitie\n"
          "Binnenhof 4\n2513 AA Den Haag\nDatum 19 april 2019\nOnderwerp Inbreng voor AO Huiselijk geweld\n"
          "Geachte Kamerleden,\nIn verband met het algemeen overleg over mensenhandel wil ik u informeren.")


def test_a_letter_is_known_by_its_subject_line(tmp_path: Path) -> None:
    assert subject_line([Page(1, LETTER)]) == "Inbreng voor AO Huiselijk geweld"
    assert subject_line([Page(1, "Subject: Referral of victims\nDear colleagues,")]) == "Referral of victims"
    # a sentence that begins with the word is not a label: English labels need their colon
    assert subject_line([Page(1, "subject that I am confronted with all too often in my work")]) is None
    path = make_pdf(tmp_path / "brief.pdf", [LETTER, "Tweede pagina van de brief over mensenhandel."])
    [doc] = detect_file(path, LoadOptions(ocr="off")).documents
    assert doc.title == "Inbreng voor AO Huiselijk geweld"
    assert doc.provenance["title"]["evidence"] == "the letter's subject line"


@pytest.mark.parametrize("title, problem", [
    ("> Retouradres Postbus 20301 2500 EH Den Haag", "a return address"),
    ("P0121D01", "the file name"), ("txd50049 1..3", "not words"),
    ("Nederlands (n=315) Nederlands (n=337) Nederlands (n=428)", "a row of table headers"),
    ("Bicanic, I. & Kremers, A. (2007). Cognitieve gedragstherapie bij PTSS.", "a reference"),
    ("15 juni 2007", ""), ("14 October 2014, Amsterdam", "a date"), ("Mr Mayor, Ladies and gentlemen, distinguished guests,", "a greeting"),
    ("Table of Contents", "a heading of the contents"), ("Embargo tot 18 okt. 2012, 12.30 uur", ""),
    ("Embargo: the report of the rapporteur", "a page or press"),
    ("Toespraak van de", "cut off"),
])
def test_what_is_not_a_title(title: str, problem: str) -> None:
    why = title_problem(title, "P0121D01")
    assert why and problem in why


@pytest.mark.parametrize("title", ["Jaarplan 2015", "Mensenhandel in en uit beeld II", "Zicht op kwetsbaarheid",
                                   "Combating Child Sex Trafficking: A Guide for Law Enforcement Leaders"])
def test_real_titles_pass(title: str) -> None:
    assert title_problem(title, "P0068D01") is None
    # a title the file declares may end in a short word ("… Ten Years On"): only lines of text can be cut off
    assert title_problem("The National Rapporteur in the Netherlands: Ten Years On", from_text=False) is None


def test_a_title_cut_off_at_its_line_end_goes_on_on_the_next_line(tmp_path: Path) -> None:
    lines = ["Toespraak van de", "Nationaal Rapporteur Mensenhandel", "Den Haag, 12 oktober 2012"]
    assert complete_line(lines, 0) == "Toespraak van de Nationaal Rapporteur Mensenhandel"
    path = make_pdf(tmp_path / "speech.pdf", ["\n".join(lines) + "\nDames en heren, welkom.", "Tweede pagina."])
    [doc] = detect_file(path, LoadOptions(ocr="off")).documents
    assert doc.title == "Toespraak van de Nationaal Rapporteur Mensenhandel"
