"""Automatic metadata: every rule on generated text, with the evidence each value came from."""
from __future__ import annotations

import pytest

from ingest.detect import (detect_countries, detect_doc_type, detect_language, detect_metadata, detect_organisation,
                           detect_round, detect_symbol, detect_year)
from kb.models import LoadedDocument, Page

from .fixtures import DUTCH_PAGES, ENGLISH_PAGES, GRETA_PAGES


@pytest.mark.parametrize("text, language", [
    (" ".join(ENGLISH_PAGES), "en"),
    (" ".join(DUTCH_PAGES), "nl"),
    ("La traite des êtres humains est un crime grave. Les victimes ont droit à une protection et à une "
     "assistance, quelle que soit leur nationalité.", "fr"),
    ("Menschenhandel ist eine schwere Straftat. Die Opfer haben Anspruch auf Schutz und Unterstützung, "
     "unabhängig von ihrer Staatsangehörigkeit.", "de"),
])
def test_language_by_the_identifier_with_its_probability(text: str, language: str) -> None:
    found = detect_language(text)
    assert found is not None and found.value == language
    assert "py3langid" in found.evidence and "probability" in found.evidence


def test_language_needs_enough_text() -> None:
    assert detect_language("p. 12") is None


@pytest.mark.parametrize("page, organisation", [
    ("GRETA(2021)10 Report concerning the implementation of the Council of Europe Convention", "GRETA"),
    ("Council of Europe Convention on Action against Trafficking in Human Beings, Warsaw", "Council of Europe"),
    ("OSCE Office for Democratic Institutions and Human Rights (ODIHR) National Referral Mechanisms handbook",
     "OSCE/ODIHR"),
    ("Office of the Special Representative and Co-ordinator for Combating Trafficking in Human Beings",
     "OSCE Special Representative (CTHB)"),
    ("International Organization for Migration (IOM) Counter-trafficking handbook", "IOM"),
    ("United Nations Office on Drugs and Crime: Global Report on Trafficking in Persons", "UNODC"),
    ("European Commission: report on the progress made in the fight against trafficking", "European Commission"),
    ("Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen, Den Haag", "National rapporteur"),
    ("La Strada International NGO platform: report on the rights of trafficked persons", "La Strada International"),
])
def test_organisation_from_the_first_page(page: str, organisation: str) -> None:
    found = detect_organisation("", "", [page, "Body text on the second page."])
    assert found is not None and found.value == organisation
    assert found.evidence.startswith("page 1:")


def test_organisation_named_as_publisher_beats_organisations_merely_cited() -> None:
    pages = ["Monitoring report on victims of trafficking", "Colofon: een uitgave van de Nationaal Rapporteur. "
             "Data from UNODC and UNODC again and UNODC and IOM were used."]
    assert detect_organisation("", "", pages).value == "National rapporteur"


def test_no_organisation_from_a_single_passing_mention() -> None:
    pages = ["A study of seasonal work."] + ["Body text."] * 5 + ["As UNODC once noted, data are scarce."]
    assert detect_organisation("", "", pages) is None


@pytest.mark.parametrize("text, symbol", [
    ("Strasbourg, 12 June 2023 GRETA(2023)05 Evaluation Report", "GRETA(2023)05"),
    ("GRETA (2019) 7 rev Report", "GRETA(2019)7rev"),
    ("Vienna SEC.GAL/123/21 Original: ENGLISH", "SEC.GAL/123/21"),
    ("Decision PC.DEC/557/Rev.1 on the Action Plan", "PC.DEC/557/Rev.1"),
    ("Report of the Special Rapporteur A/HRC/47/34 on trafficking", "A/HRC/47/34"),
    ("Brussels, 14.4.2021 COM(2021) 171 final", "COM(2021) 171 final"),
])
def test_document_symbols(text: str, symbol: str) -> None:
    found = detect_symbol([text])
    assert found is not None and found.value == symbol
    assert "page 1" in found.evidence


def test_greta_round_only_for_greta_documents() -> None:
    assert detect_round(["GRETA third evaluation round: access to justice"]).value == 3
    assert detect_round(["GRETA — deuxième cycle d'évaluation"]).value == 2
    assert detect_round(["The second round of the football league"]) is None


def test_year_from_symbol_then_dated_line_then_copyright_then_cover() -> None:
    assert detect_year(["Some text 2019"], detect_symbol(["GRETA(2023)05"])).value == 2023
    dated = detect_year(["Report on shelters", "Published in March 2021 in The Hague, data 2015-2019"], None)
    assert dated.value == 2021 and "page 2" in dated.evidence
    assert detect_year(["© 2018 Polaris. All rights reserved."], None).value == 2018
    cover = detect_year(["Victim monitor 2015-2019"], None)
    assert cover.value == 2019 and cover.weak


def test_countries_named_in_title_or_first_page_in_english_or_dutch() -> None:
    found = detect_countries("Evaluation report on the Netherlands", ["Body"])
    assert found.value == "NL" and "title" in found.evidence
    assert detect_countries("", ["Mensenhandel in België en Duitsland; België werkt samen met Duitsland."]).value \
        in ("BE,DE", "DE,BE")
    assert detect_countries("", ["No country named here."]) is None
    # a country cited once deep in the text is not what the document is about
    assert detect_countries("", ["Cover", "Body", "Body", "A case in Romania."]) is None


@pytest.mark.parametrize("title, page, doc_type", [
    ("Evaluation Report Netherlands", "", "evaluation-report"),
    ("12th General Report on GRETA's activities", "", "general-report"),
    ("Guidelines for labour inspectors", "", "guide"),
    ("National Referral Mechanisms: a practical handbook", "", "handbook"),
    ("", "Geachte voorzitter, hierbij stuur ik u de rapportage", "letter"),
    ("", "Dear Minister, I write to you about", "letter"),
    ("", "Anti-Trafficking Review, Vol. 12 (2019) Abstract: this article", "article"),
    ("Speech at the United Nations", "", "speech"),
    ("Persbericht", "", "press-release"),
    ("Slachtoffermonitor mensenhandel", "", "report"),
])
def test_document_type_rules(title: str, page: str, doc_type: str) -> None:
    found = detect_doc_type(title, [page or "Body text."])
    assert found is not None and found.value == doc_type


def test_landscape_pages_with_few_words_are_a_presentation() -> None:
    found = detect_doc_type("Conference day 1", ["Slide one", "Slide two"], landscape=True)
    assert found.value == "presentation" and "landscape" in found.evidence


def test_all_fields_of_a_greta_report_with_evidence() -> None:
    loaded = LoadedDocument("greta.pdf", "", [Page(i, t) for i, t in enumerate(GRETA_PAGES, 1)])
    found = detect_metadata(loaded, "Evaluation Report Netherlands")
    values = {name: item.value for name, item in found.items()}
    assert values == {"language": "en", "organisation": "GRETA", "symbol": "GRETA(2023)05", "round": 3,
                      "country": "NL", "doc_type": "evaluation-report", "year": 2023,
                      "organisation_name": "Group of Experts on Action against Trafficking in Human Beings (GRETA)"}
    assert all(item.evidence for item in found.values())


def test_a_national_body_that_names_its_country_gives_it_when_the_text_names_none() -> None:
    pages = ["Vijfde rapportage van de Nationaal Rapporteur Mensenhandel", "De aanpak van mensenhandel in de regio's."]
    loaded = LoadedDocument("vijfde.pdf", "", [Page(i, t) for i, t in enumerate(pages, 1)])
    found = detect_metadata(loaded, "Vijfde rapportage")
    assert found["country"].value == "NL" and "national body" in found["country"].evidence
    assert found["country"].weak  # what the file itself declares wins
    # a country the text names is kept
    pages = ["Report of the Dutch National Rapporteur on trafficking in Belgium", "Belgium and its shelters."]
    loaded = LoadedDocument("be.pdf", "", [Page(i, t) for i, t in enumerate(pages, 1)])
    assert detect_metadata(loaded, "Trafficking in Belgium")["country"].value == "BE"
