"""Titles and metadata from evidence about the document, rule by rule on generated text and PDFs: text-layer damage
mended, a file's own title only when its pages bear it out, colophon references, speeches with their occasion,
letters by sender and subject, journal articles, full names that exports cite, subject countries, years and types."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from ingest.detect import detect_doc_type, detect_metadata, detect_year, subject_country
from ingest.loaders import LoadOptions
from ingest.loaders.pdf import clean_page_text
from ingest.organisations import Found, detect_organisation, full_name
from ingest.pipeline import detect_file
from ingest.text_repair import mend, vocabulary
from ingest.titles import own_reference, printed_on, speech_heading, subject_line, tidied
from kb import KnowledgeBase
from kb.models import LoadedDocument, Page

from .fixtures import make_pdf, with_info

OPTIONS = LoadOptions(ocr="off")
BODY = ("Mensenhandel is een ernstige schending van mensenrechten. De Nationaal Rapporteur Mensenhandel en Seksueel "
        "Geweld tegen Kinderen rapporteert over de aard en omvang van mensenhandel in Nederland. ") * 4


def pdf_with(path: Path, lines: list[tuple[float, str]], more_pages: list[str] = (), wide: bool = False) -> Path:
    """A PDF whose first page sets each (size, text) line in its own type size, then plain pages."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=landscape(A4) if wide else A4)
    y = 540 if wide else 800
    for size, text in lines:
        c.setFont("Helvetica", size)
        c.drawString(40, y, text)
        y -= size + 6
    c.showPage()
    for text in more_pages:
        c.setFont("Helvetica", 10)
        for n, line in enumerate(text.split("\n")):
            c.drawString(40, 800 - 16 * n, line)
        c.showPage()
    c.save()
    path.write_bytes(buffer.getvalue())
    return path



def detected(path: Path):
    [doc] = detect_file(path, OPTIONS).documents
    return doc


def loaded(pages: list[str], **metadata) -> LoadedDocument:
    return LoadedDocument("x.pdf", "", [Page(n, text) for n, text in enumerate(pages, 1)], metadata=metadata)


# ----- text-layer damage ---------------------------------------------------------------------------
TEXT = ("Trafficking in human beings is a crime. Victims of trafficking in human beings need protection. "
        "The National Rapporteur reports on trafficking. Human trafficking is everywhere.")


@pytest.mark.parametrize("damaged, mended", [
    ("RAFFICKING IN UMAN EINGS", "TRAFFICKING IN HUMAN BEINGS"),        # decorated initials set apart and lost
    ("Human tra ficking: the art of seeing", "Human trafficking: the art of seeing"),  # a lost 'ffi' ligature
    ("The National Ra pporteur", "The National Rapporteur"),            # a word split by odd spacing
    ("T R A F F I C K I N G in human beings", "TRAFFICKING in human beings"),          # spaced letters
    ("ProtectionOfVictimsOfTrafficking", "Protection Of Victims Of Trafficking"),      # every space lost
])
def test_text_layer_damage_is_mended_by_the_documents_own_spelling(damaged: str, mended: str) -> None:
    assert mend(damaged, vocabulary([TEXT, damaged])) == mended


def test_mending_leaves_words_the_document_does_not_spell_otherwise() -> None:
    words = vocabulary([TEXT])
    assert mend("In deed a new era", words) == "In deed a new era"  # "indeed" is no word of the document
    assert mend("UMAN", vocabulary(["uman"])) == "UMAN"


def test_soft_hyphens_are_no_characters_of_the_text() -> None:
    assert clean_page_text("Van aardbeien en telefoon\u00ad\nabonnementen") == "Van aardbeien en telefoonabonnementen"


def test_a_title_with_dropped_initials_is_mended_when_ingested(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "report.pdf", ["RAFFICKING IN UMAN EINGS\n" + TEXT, TEXT])
    doc = detected(path)
    assert doc.title == "TRAFFICKING IN HUMAN BEINGS"
    assert "mended" in doc.provenance["title"]["evidence"]


# ----- which title ---------------------------------------------------------------------------------
def test_a_pdfs_own_title_counts_only_when_its_first_pages_bear_it_out(tmp_path: Path) -> None:
    pages = ["Prostitutie en mensenhandel\n" + BODY, BODY]
    other = with_info(make_pdf(tmp_path / "a.pdf", pages), {"/Title": "De klant erbij"})
    assert detected(other).title == "Prostitutie en mensenhandel"
    assert printed_on("Prostitutie en mensenhandel", [Page(1, pages[0])])
    assert not printed_on("De klant erbij", [Page(1, pages[0])])
    # a title whose words the pages hold, in another order, is the file's own (and wins over the large type)
    own = with_info(make_pdf(tmp_path / "b.pdf", pages), {"/Title": "Mensenhandel en prostitutie in Nederland"})
    assert detected(own).title == "Mensenhandel en prostitutie in Nederland"
    # an acronym is no title, and a file's title that is only part of the cover's title yields to the whole
    acronym = with_info(make_pdf(tmp_path / "c.pdf", ["Human trafficking: the art of seeing\nEHRC\n" + TEXT, TEXT]),
                        {"/Title": "EHRC"})
    assert detected(acronym).title == "Human trafficking: the art of seeing"
    part = with_info(make_pdf(tmp_path / "d.pdf", ["Human trafficking: the art of seeing\n" + TEXT, TEXT]),
                     {"/Title": "Human trafficking"})
    assert detected(part).title == "Human trafficking: the art of seeing"


COLOPHON = ("Colofon\nReferentie: Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen (2015).\n"
            "Mensenhandel in en uit beeld. Update cijfers schadevergoedingen 2010-2014. Den Haag: Nationaal "
            "Rapporteur.\nPostbus 20301")


def test_the_publications_own_reference_gives_title_author_and_year(tmp_path: Path) -> None:
    reference = own_reference([Page(1, "Mensenhandel in en uit beeld"), Page(2, COLOPHON)])
    assert reference == {"author": "Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen",
                         "year": "2015", "page": "2",
                         "title": "Mensenhandel in en uit beeld. Update cijfers schadevergoedingen 2010-2014"}
    path = with_info(make_pdf(tmp_path / "r.pdf", ["Mensenhandel in en uit beeld\n" + BODY, COLOPHON, BODY]),
                     {"/Title": "Mensenhandel in en uit beeld - Update cijfers vervolging en berechting"})
    doc = detected(path)
    assert doc.title == "Mensenhandel in en uit beeld. Update cijfers schadevergoedingen 2010-2014"
    assert doc.year == 2015 and "own reference" in doc.provenance["title"]["evidence"]


def test_the_covers_title_block_keeps_its_kicker_and_subtitle(tmp_path: Path) -> None:
    path = pdf_with(tmp_path / "cover.pdf", [
        (9, "Nationaal Rapporteur Mensenhandel"), (30, "Mensenhandel in en uit beeld"),
        (22, "Update cijfers vervolging en berechting 2009-2013"), (10, "Den Haag, december 2014")], [BODY, BODY])
    assert detected(path).title == "Mensenhandel in en uit beeld: Update cijfers vervolging en berechting 2009-2013"
    article = pdf_with(tmp_path / "article.pdf", [
        (18, "Van aardbeien en telefoonabonnementen"), (14, "Een nieuw beoordelingsschema voor het bewijs"),
        (10, "Luuk Esser en Corinne Dettmeijer-Vermeulen"), (9, BODY[:90])], [BODY])
    assert detected(article).title == "Van aardbeien en telefoonabonnementen: Een nieuw beoordelingsschema voor het bewijs"


@pytest.mark.parametrize("title, tidy", [
    ("Artikelen Minderjarige slachtoffers in mensenhandelzaken: Ze wilde het zelf. Toch? 2",
     "Minderjarige slachtoffers in mensenhandelzaken: Ze wilde het zelf. Toch?"),
    ("Artikel 4 EVRM en de aanpak van mensenhandel", "Artikel 4 EVRM en de aanpak van mensenhandel"),
    ("Ontucht voor de rechter Deel 1", "Ontucht voor de rechter Deel 1"),
])
def test_a_journals_rubric_and_a_footnote_mark_are_no_part_of_a_title(title: str, tidy: str) -> None:
    assert tidied(title) == tidy


def test_a_letters_subject_goes_on_over_its_lines() -> None:
    page = ("Datum 5 oktober 2016\nOnderwerp Standpunt Nationaal Rapporteur t.a.v. advies Aanscherping en\n"
            "verbetering Meldcode en werkwijze Veilig Thuis\n\nGeachte voorzitter,\nHet advies is goed.")
    assert subject_line([Page(1, page)]) == ("Standpunt Nationaal Rapporteur t.a.v. advies Aanscherping en "
                                             "verbetering Meldcode en werkwijze Veilig Thuis")
    glued = "Datum8februari2013\nOnderwerpBeleidsdoorlichtingKoninklijkeMarechaussee\nGeachtevoorzitter,"
    assert subject_line([Page(1, glued)]) == "BeleidsdoorlichtingKoninklijkeMarechaussee"


SPEECH = ("1\nToespraak van de Nationaal Rapporteur Mensenhandel,\nmr. C.E. Dettmeijer-Vermeulen\n\n"
          "Ter gelegenheid van de aanbieding van het rapport ‘Negende rapportage’\naan de minister van Justitie\n\n"
          "Den Haag, 10 september 2013.\n\nExcellentie, geachte aanwezigen,\nMensenhandel is om ons heen.")


def test_a_speech_is_titled_by_its_heading_and_occasion(tmp_path: Path) -> None:
    assert speech_heading([Page(1, SPEECH)]) == (
        "Toespraak van de Nationaal Rapporteur Mensenhandel, mr. C.E. Dettmeijer-Vermeulen: Ter gelegenheid van de "
        "aanbieding van het rapport ‘Negende rapportage’ aan de minister van Justitie")
    # no heading words: the short lines above the audience's salutation
    journey = "Journey\n14 October\n\nMr Mayor, ladies and gentlemen, distinguished guests,\nWelcome to Journey."
    assert speech_heading([Page(1, journey)]) == "Journey: 14 October"
    doc = detected(make_pdf(tmp_path / "s.pdf", [SPEECH, BODY], heading_size=10))
    assert doc.title.startswith("Toespraak van de Nationaal Rapporteur") and "Ter gelegenheid" in doc.title
    assert doc.doc_type == "speech"


def test_a_speech_that_opens_with_its_salutation_keeps_its_files_title(tmp_path: Path) -> None:
    text = "Excellenties, Dames en Heren,\n\nTwee jaar geleden werd mijn mandaat uitgebreid met kinderpornografie."
    path = with_info(make_pdf(tmp_path / "s.pdf", [text, BODY], heading_size=10),
                     {"/Title": "Speech aanbieding eerste rapportage kinderpornografie"})
    assert detected(path).title == "Speech aanbieding eerste rapportage kinderpornografie"


# ----- organisation ---------------------------------------------------------------------------------
LETTER = ["> Retouradres Postbus 20301 2500 EH Den Haag\nMinisterie van Veiligheid en Justitie\nDatum 21 maart 2014\n"
          "Onderwerp Consultatie Verdrag van de Raad van Europa inzake geweld tegen vrouwen\n\nExcellentie,\n"
          "Bij e-mail heeft u mij verzocht te adviseren over het Verdrag van de Raad van Europa.",
          "Met vriendelijke groet,\n\nCorinne Dettmeijer-Vermeulen\nNationaal Rapporteur Mensenhandel en\n"
          "Seksueel Geweld tegen Kinderen"]


def test_a_letter_is_issued_by_its_signatory_not_by_what_its_subject_names() -> None:
    found = detect_metadata(loaded(LETTER), "Consultatie Verdrag van de Raad van Europa inzake geweld tegen vrouwen")
    assert found["organisation"].value == "National rapporteur"
    assert found["organisation_name"].value == "Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen"
    assert found["doc_type"].value == "letter" and found["country"].value == "NL"


def test_a_name_in_the_letterhead_or_running_footer_speaks_for_the_document() -> None:
    footer = "\nNationaal Rapporteur Mensenhandel\nen Seksueel Geweld tegen Kinderen"
    pages = ["Gedwongen arbeid, opnieuw op de agenda\nAanvullende regels bij het ILO-Verdrag\nDe ILO vergadert. "
             "De ILO wil het verdrag aanvullen. Het ILO-Verdrag dateert uit 1930." + footer,
             "2\nGedwongen arbeid\nHet protocol van de ILO." + footer, "3\nGedwongen arbeid\nMeer tekst." + footer]
    assert detect_organisation("Gedwongen arbeid, opnieuw op de agenda", "", pages).value == "National rapporteur"


def test_in_a_journal_article_the_authors_affiliations_are_not_its_issuer() -> None:
    pages = ["9 Afl. 1 - januari 2015 DD 2015/2\nA.K. Bosma & L. van Krimpen\nHet slachtoffer verklaart\n"
             "De politie houdt rekening met onjuiste verklaringen.\n1 De auteurs werken bij het Bureau Nationaal "
             "Rapporteur Mensenhandel.",
             "10 Afl. 1 - januari 2015 DD 2015/2\nDe Nationaal Rapporteur Mensenhandel schreef eerder daarover."]
    found = detect_metadata(loaded(pages), "Het slachtoffer verklaart")
    assert "organisation" not in found
    assert found["doc_type"].value == "article" and found["year"].value == 2015


def test_the_full_name_as_printed_then_of_its_period_then_as_known() -> None:
    pages = ["Speech by the Dutch National Rapporteur on Trafficking in Human Beings and Sexual Violence against "
             "Children"]
    assert full_name("National rapporteur", pages, "en").value == (
        "National Rapporteur on Trafficking in Human Beings and Sexual Violence against Children")
    dutch = Found("NL", "BNRM")
    assert full_name("National rapporteur", ["De rapporteur sprak."], "nl", 2010, dutch).value == \
        "Nationaal Rapporteur Mensenhandel"
    assert full_name("National rapporteur", ["De rapporteur sprak."], "nl", 2015, dutch).value == \
        "Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen"
    assert full_name("UNODC", ["UNODC"], "en").value == "United Nations Office on Drugs and Crime (UNODC)"


def test_exports_cite_the_full_name_and_facets_keep_the_short_form(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.ingest([make_pdf(tmp_path / "letter.pdf", LETTER)])
    [doc] = [kb.get_document(doc_id) for doc_id in kb.doc_ids()]
    assert doc.organisation == "National rapporteur"
    kb.create_list("briefing")
    kb.add_to_list("briefing", doc.doc_id)
    bibtex = kb.export_list("briefing", "bibtex")
    assert "{Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen}" in bibtex
    # a corrected organisation is cited as corrected, never with the full name of the one it replaced
    kb.correct_metadata(doc.doc_id, {"organisation": "GRETA"})
    assert "Nationaal Rapporteur" not in kb.export_list("briefing", "bibtex")


def test_an_organisation_the_file_declares_drops_the_full_name_detected_for_another(tmp_path: Path) -> None:
    path = with_info(make_pdf(tmp_path / "letter.pdf", LETTER), {"/Organisation": "Council of Europe"})
    doc = detected(path)
    assert doc.organisation == "Council of Europe" and "organisation_name" not in doc.extra
    assert detected(make_pdf(tmp_path / "plain.pdf", LETTER)).extra["organisation_name"] == \
        "Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen"


# ----- country, year, type ----------------------------------------------------------------------------
def test_the_subject_country_comes_from_the_title_or_the_issuing_national_body() -> None:
    rapporteur = Found("National rapporteur", "letterhead")
    abroad = ["Speech by the Dutch National Rapporteur\nResidence of the Ambassador, Washington DC, United States\n"
              "The United States and Togo and the United States again."]
    assert subject_country("Speech on vulnerability", abroad, rapporteur).value == "NL"
    assert subject_country("Trafficking in Belgium and France", abroad, rapporteur).value == "BE,FR"
    # a global report names many countries about as often: it is about none of them in particular
    world = ["Global report on trafficking in persons", "Victims from Nigeria, Romania, Ukraine, India, Brazil, "
             "Thailand, Mexico and Albania. Nigeria, Romania, Ukraine, India, Brazil, Thailand, Mexico, Albania."]
    assert subject_country("Global report on trafficking in persons", world, None) is None
    # "Indien" is Dutch for "if", not India
    assert subject_country("Advies", ["Indien u prijs stelt op een toelichting. Indien nodig."], None) is None


def test_a_date_inside_a_sentence_or_a_footnote_is_no_publication_date() -> None:
    pages = ["Jaarplan 2014\nOp 15 november 2013 werd de wet van kracht en dat was in\nSeptember 2012.\n"
             "1 Zie het Verdrag van 28 juni 1930, Stb. 1933, 236.", "Tekst."]
    assert detect_year(pages, None).weak  # only the cover's latest year, which the file's own date beats
    assert detect_year(["Overheid schiet tekort", "Den Haag, 12 oktober 2011\nNoot voor de redactie"], None).value \
        == 2011


@pytest.mark.parametrize("title, pages, n_pages, doc_type", [
    ("Nationaal Rapporteur biedt vijfde rapportage aan", ["PERSBERICHT\n15 juni 2007\nDe rapporteur biedt aan."], 2,
     "press-release"),
    ("Journey", ["Journey\n16 October\nYour Majesty, Your Excellencies, Mr Mayor,\nWelcome."], 2, "speech"),
    ("Ze wilde het zelf", ["Ze wilde het zelf. Toch?\nTekst.", "artikel: Ze wilde het zelf. Toch?\nMeer tekst."], 8,
     "article"),
    ("Zicht op kwetsbaarheid", ["ZICHT OP KWETSBAARHEID\nKinderen in de prostitutie. Onderzoek."], 1, "factsheet"),
    ("Jaarplan 2015", ["Jaarplan 2015\nDit jaar onderzoek ik."], 22, "strategy"),
    ("Ontucht voor de rechter", ["Ontucht voor de rechter\nDe zaken."], 30, "report"),
])
def test_the_kind_of_document_by_its_form_before_its_words(title: str, pages: list[str], n_pages: int,
                                                          doc_type: str) -> None:
    assert detect_doc_type(title, pages, n_pages=n_pages).value == doc_type


def test_an_infographic_in_landscape_is_a_factsheet_and_slides_a_presentation() -> None:
    figures = ["2010 N = 135 2011 N = 126 2012 N = 147 61% 61% 73% 75% veroordelingen voor mensenhandel"]
    assert detect_doc_type("Veroordelingen", figures, landscape=True, n_pages=1).value == "factsheet"
    assert detect_doc_type("Conference day 1", ["Slide one", "Slide two"], landscape=True).value == "presentation"
