"""Extracting recommendations and practices from pages: sections and their numbering, cue sentences in the report's
own voice (English, Dutch, French, German), practices, summary lists, addressees and topics."""
from __future__ import annotations

import textwrap

import pytest

from kb.models import Document, Page
from kb.recommendations.addressee import addressee_of
from kb.recommendations.cues import is_practice, recommendation_strength
from kb.recommendations.extraction import extract_recommendations
from kb.recommendations.links import align_translations
from kb.recommendations.topics import topics_of


def _extract(pages: list[str], language: str = "en", organisation: str | None = None):
    """Records of pages whose lines wrap at 90 characters, as a PDF's text layer has them."""
    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language=language, organisation=organisation)
    wrapped = ["\n".join(textwrap.fill(line, 90) for line in text.split("\n")) for text in pages]
    return extract_recommendations(doc, [Page(n, text) for n, text in enumerate(wrapped, start=1)])


HEAD = "TRAFFICKING IN HUMAN BEINGS – FIFTH REPORT"
EN_REPORT = [
    f"{HEAD}\n12\nChapter one about the law.\nThe figures are given below for every year.\nMore text here.",
    f"{HEAD}\n13\nMore narrative text about the police and the courts.\nAnd another line of text here.",
    "201\n10\nRecommendations\nThis chapter contains recommendations. They should be read with the chapters.\n"
    "Legislation\n1. The Netherlands must ratify the Council of Europe Convention on Action against\n"
    "Trafficking in Human Beings as quickly as possible.\n2. It is recommended that the legislator develops a "
    "national frame-\nwork for prostitution policy.\nLaw enforcement in the prostitution sector\n"
    "3. All of the parties involved in the administrative enforcement in the sex industry must ac-",
    f"{HEAD}\n203\ncept their responsibilities and must undertake such enforcement jointly, with the police.\n"
    "4. Victims should be informed at the earliest possible stage of the possibility of obtaining legal aid.\n"
    "Many of the recommendations from the previous reports have found their way into the action plan. It seems\n"
    "likely that the above recommendations will lead to new additions.\n11\nSummary\n11.1 Introduction\n"
    "An important development was the new article in the criminal code.",
]


def test_numbered_items_of_a_recommendations_chapter_with_their_pages_numbers_and_sub_headings() -> None:
    records = _extract(EN_REPORT)
    assert [(r.number, r.page) for r in records] == [("1", 3), ("2", 3), ("3", 3), ("4", 4)]
    assert records[0].text == ("The Netherlands must ratify the Council of Europe Convention on Action against "
                               "Trafficking in Human Beings as quickly as possible.")
    assert records[1].text.endswith("develops a national framework for prostitution policy.")  # line-end hyphen
    # an item that runs over a page break, past the running head and the page number, is one record
    assert records[2].text == ("All of the parties involved in the administrative enforcement in the sex industry "
                               "must accept their responsibilities and must undertake such enforcement jointly, with "
                               "the police.")
    assert records[2].heading == "Law enforcement in the prostitution sector"
    assert records[0].heading == "Legislation"
    # the chapter's closing text is not part of the last item
    assert records[3].text == ("Victims should be informed at the earliest possible stage of the possibility of "
                               "obtaining legal aid.")
    assert {r.kind for r in records} == {"recommendation"} and {r.strength for r in records} == {"recommend"}


def test_a_number_out_of_sequence_is_part_of_the_item_text() -> None:
    pages = ["Recommendations\n1. The authorities should register every case in one system, as in\n"
             "2005. The register must be kept by the police.\n2. Shelters should be opened for men."]
    records = _extract(pages)
    assert [r.number for r in records] == ["1", "2"]
    assert "2005. The register must be kept by the police." in records[0].text


NL_REPORT = [
    "Inleiding\nDe Nationaal Rapporteur beveelt aan dat de minister van Justitie en Veiligheid een landelijk "
    "kader opstelt. In de vorige rapportage werd aanbevolen de opvang uit te breiden. De minister heeft eerder "
    "aanbevolen de wet te wijzigen.\nHet verdient aanbeveling om slachtoffers sneller te informeren over "
    "schadevergoeding.",
    "Aanbevelingen\n1. De wetgever wordt aanbevolen een landelijk kader voor het prostitutiebeleid te ontwikkelen.\n"
    "2. Gemeenten moeten escortbedrijven vergunningplichtig maken.\nSamenvatting\nDit is de samenvatting.",
    "Dit leidt tot de volgende aanbeveling:\nAanbeveling 3\nDe minister voor Medische Zorg wordt aanbevolen ervoor "
    "zorg te dragen dat medische professionals worden getraind in het herkennen van signalen.\n"
    "Uit dit onderzoek komt verder naar voren dat de criteria onvoldoende bekend zijn bij de betrokken organisaties.",
]


def test_dutch_cues_numbering_and_labels() -> None:
    records = _extract(NL_REPORT, "nl")
    texts = [r.text for r in records]
    assert texts[0].startswith("De Nationaal Rapporteur beveelt aan dat de minister van Justitie")
    assert texts[1] == "Het verdient aanbeveling om slachtoffers sneller te informeren over schadevergoeding."
    assert not any("vorige rapportage" in t or "heeft eerder" in t for t in texts)  # narrative, not this report's
    assert [(r.number, r.page) for r in records[2:4]] == [("1", 2), ("2", 2)]
    labelled = records[4]
    assert (labelled.number, labelled.page) == ("3", 3)
    assert labelled.text == ("De minister voor Medische Zorg wordt aanbevolen ervoor zorg te dragen dat medische "
                             "professionals worden getraind in het herkennen van signalen.")
    assert len(records) == 5
    assert records[0].addressee == "de minister van Justitie en Veiligheid"
    assert records[2].addressee == "De wetgever"
    assert records[3].addressee == "Gemeenten"


@pytest.mark.parametrize("sentence, strength", [
    ("GRETA urges the Dutch authorities to ensure that victims receive compensation.", "urge"),
    ("GRETA once again urges the authorities to set up shelters for men.", "urge"),
    ("GRETA considers that the authorities should train labour inspectors.", "consider"),
    ("GRETA invites the authorities to evaluate the national action plan.", "invite"),
    ("Le GRETA exhorte les autorités néerlandaises à garantir une indemnisation.", "urge"),
    ("Le GRETA considère que les autorités devraient former les inspecteurs du travail.", "consider"),
    ("Le GRETA invite les autorités à évaluer le plan d'action.", "invite"),
    ("GRETA fordert die Behörden nachdrücklich auf, Opfer zu entschädigen.", "urge"),
    ("GRETA ist der Auffassung, dass die Behörden Arbeitsinspektoren schulen sollten.", "consider"),
    ("GRETA dringt er bij de Nederlandse autoriteiten op aan slachtoffers schadeloos te stellen.", "urge"),
    ("It is recommended that every municipality should impose a licensing requirement.", "recommend"),
    ("The National Rapporteur recommends that schools choose an effective intervention.", "recommend"),
    ("We recommend that the police register every report.", "recommend"),
    ("Aanbevolen wordt dat alle gemeenten escortbedrijven vergunningplichtig maken.", "recommend"),
    ("Il est recommandé de créer un mécanisme national d'orientation.", "recommend"),
    ("Es wird empfohlen, einen nationalen Verweismechanismus einzurichten.", "recommend"),
])
def test_cues_in_the_reports_own_voice_and_their_strength(sentence: str, strength: str) -> None:
    assert recommendation_strength(sentence) == strength


@pytest.mark.parametrize("sentence", [
    "In its first report, GRETA urged the authorities to improve identification.",
    "GRETA considers that progress has been made in the identification of victims.",
    "The CEDAW Committee recommends that the Netherlands ratify the convention.",
    "That prompted the Rapporteur to recommend that the status of victims be taken into account.",
    "In 2005 the Rapporteur had recommended a national framework.",
    "De minister heeft aanbevolen de wet te wijzigen.",
    "Zoals eerder aanbevolen door de Nationale ombudsman is deze conclusie onder de aandacht gebracht.",
    "My recommendations are aimed at the Dutch government.",
])
def test_narrative_and_other_bodies_recommendations_are_not_this_reports(sentence: str) -> None:
    assert recommendation_strength(sentence) is None


def test_the_documents_own_organisation_recommends_in_its_name() -> None:
    sentence = "UNODC recommends that States collect data on convictions."
    assert recommendation_strength(sentence) is None
    assert recommendation_strength(sentence, ["UNODC"]) == "recommend"


@pytest.mark.parametrize("sentence, expected", [
    ("GRETA welcomes the setting up of a national referral mechanism.", True),
    ("The joint inspections are a promising practice that other regions could follow.", True),
    ("Dit is een goed voorbeeld van samenwerking tussen gemeenten en politie.", True),
    ("Cela constitue une bonne pratique.", True),
    ("The platform collates good practices on juvenile prostitution.", False),
    ("The exchange of best practices between prosecutors was discussed.", False),
])
def test_practices_presented_as_good(sentence: str, expected: bool) -> None:
    assert is_practice(sentence) is expected


def test_a_practice_pointing_back_keeps_the_sentence_it_points_to() -> None:
    pages = ["The labour inspectorate and the police now visit farms together during the harvest season. "
             "This is a good practice that other regions should consider."]
    [record] = _extract(pages)
    assert record.kind == "practice" and record.strength is None
    assert record.text.startswith("The labour inspectorate and the police now visit farms together")


def test_a_summary_list_that_repeats_the_text_is_linked_not_counted_twice() -> None:
    pages = ["45. GRETA urges the Dutch authorities to ensure that victims of trafficking receive compensation from "
             "the perpetrators, using financial investigations.\n46. GRETA invites the authorities to evaluate the "
             "national referral mechanism every two years.",
             "Appendix - List of GRETA's conclusions and proposals for action\n- GRETA urges the Dutch authorities to "
             "ensure that victims of trafficking receive compensation from the perpetrators, using financial "
             "investigations (paragraph 45).\n- GRETA invites the authorities to evaluate the national referral "
             "mechanism every two years (paragraph 46)."]
    records = _extract(pages, organisation="GRETA")
    primary = [r for r in records if r.repeats is None]
    assert [(r.number, r.page, r.strength) for r in primary] == [("45", 1, "urge"), ("46", 1, "invite")]
    repeats = {r.repeats for r in records if r.repeats}
    assert repeats == {r.rec_id for r in primary} and len(records) == 4


def test_a_list_the_report_tells_of_is_not_its_own() -> None:
    pages = ["The researchers interviewed victims in detention.\nRecommendations:\n- priority for identifying "
             "victims;\n- training of duty lawyers.\nThere have been improvements since then."]
    assert _extract(pages) == []


def test_an_index_of_the_report_is_not_read_as_sentences() -> None:
    pages = ["Register\nRaad van State 79, 287 aanbevolen 12, 45, 288 Raad voor de Rechtsbijstand 81 wordt aanbevolen "
             "13, 14, 15, 290 Randstad 12, 44"]
    assert _extract(pages, "nl") == []


@pytest.mark.parametrize("text, expected", [
    ("It is recommended that the Ministry of Foreign Affairs should adopt a policy.", "the Ministry of Foreign Affairs"),
    ("GRETA urges the Dutch authorities to take steps.", "the Dutch authorities"),
    ("The police must immediately inform the Public Prosecution Service.", "The police"),
    ("It is recommended that every municipality should impose a licence.", "every municipality"),
    ("Het OM moet slachtoffers informeren; de politie dient het OM in te lichten.", "de politie"),
    ("Research should be undertaken into couples' clubs.", None),
])
def test_addressees_as_the_report_names_them(text: str, expected: str | None) -> None:
    assert addressee_of(text) == expected


def test_topics_from_the_documented_classifier() -> None:
    assert topics_of("Victims should receive compensation") == ["protection"]
    assert set(topics_of("Meer moet gebeuren om te voorkomen dat ama's slachtoffer worden van uitbuiting")) == {
        "prevention", "protection", "unaccompanied minors"}
    assert topics_of("Police capacity for the investigation of trafficking must be extended") == ["prosecution"]
    assert "children" not in topics_of("this kind of organisation")  # Dutch "kind" is not matched in English
    assert "organ removal" not in topics_of("the organisation of shelters")


def test_translations_are_aligned_by_number_and_by_position() -> None:
    from kb.models import Recommendation as R

    en = [R("e1", "en", "recommendation", 10, "Victims must be informed.", number="1"),
          R("e2", "en", "recommendation", 10, "The B9 must be offered.", number="2"),
          R("e3", "en", "recommendation", 50, "A Taskforce THB should be set up (NAM 2004).")]
    nl = [R("n1", "nl", "recommendation", 12, "Slachtoffers moeten worden geïnformeerd.", number="1"),
          R("n2", "nl", "recommendation", 12, "De B9 moet worden aangeboden.", number="2"),
          R("n3", "nl", "recommendation", 61, "Een Task Force THB moet worden ingesteld (NAM 2004)."),
          R("n4", "nl", "recommendation", 5, "Een andere aanbeveling vooraan.")]
    assert sorted(align_translations(en, 50, nl, 61)) == [("e1", "n1"), ("e2", "n2"), ("e3", "n3")]


def test_the_register_at_the_back_of_a_report_is_no_list_of_recommendations() -> None:
    pages = ["Register\nAanbevelingen\n1. Raad van State 79, 287 Raad voor de Rechtsbijstand 81 Randstad 92, 93\n"
             "2. Registratie jeugdprostitutie 100, 104, 293 Safe houses 88 SAMAH 63, 80, 94-95, 294"]
    assert _extract(pages, "nl") == []


def test_a_national_report_telling_what_an_instrument_asks_of_member_states_is_narrative() -> None:
    sentence = "Ook wordt aanbevolen dat lidstaten gedetailleerde informatie over de problematiek verzamelen."
    assert recommendation_strength(sentence, ["National rapporteur"]) is None
    assert recommendation_strength(sentence, ["European Commission"]) == "recommend"
    assert not is_practice("A toolkit provides examples of promising practices in the fight against trafficking.")
    assert is_practice("The joint patrols are an example of good practice.")


def test_a_numbered_summary_list_is_linked_by_number_to_the_full_items() -> None:
    pages = ["Aanbevelingen\n1. De Nederlandse strafwetgeving dient zo spoedig mogelijk in overeenstemming te worden "
             "gebracht met het VN-protocol mensenhandel.\n2. De wetgever dient het begrip uitbuiting in arbeidssituaties "
             "buiten de seksindustrie scherper af te bakenen.\nSamenvatting\nDit is de samenvatting.",
             "Bijlage 7 Samenvatting van de aanbevelingen\n1. Nederlandse strafwetgeving snel aanpassen aan het "
             "VN-protocol.\n2. Het begrip uitbuiting inhoudelijk scherper afbakenen."]
    records = _extract(pages, "nl")
    full = [r for r in records if r.repeats is None]
    assert [(r.number, r.page) for r in full] == [("1", 1), ("2", 1)]
    assert [(r.number, r.page, r.repeats) for r in records if r.repeats] == [
        ("1", 2, full[0].rec_id), ("2", 2, full[1].rec_id)]


def test_similar_rows_block_by_block_keep_the_threshold_and_the_order() -> None:
    import numpy as np

    from kb.recommendations.links import similar_rows

    matrix = np.array([[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1], [0, 0.6, 0.8], [0.6, 0.8, 0]], dtype=np.float32)
    found = similar_rows(matrix, threshold=0.5, limit=2, block=2)  # blocks of two rows: three blocks
    # a·b 0.8, a·e 0.6, b·e 0.96, c·d 0.8, d·e 0.48 (below), b·d 0.36 (below)
    assert [[i for i, _ in row] for row in found] == [[1, 4], [4, 0], [3], [2], [1, 0]]
    assert found[0][0][1] == pytest.approx(0.8) and found[1][0][1] == pytest.approx(0.96)


LETTER = ("Geachte voorzitter,\nDe aanpak van mensenhandel is de afgelopen jaren versterkt. De politie moet daarom "
          "structureel capaciteit vrijmaken voor de opsporing van uitbuiting. Het is belangrijk om op te merken dat "
          "de cijfers nog voorlopig zijn. Ik pleit er dan ook voor deze twee delicten steeds in samenhang te "
          "beschouwen. De officier had in die zaak eerder moeten ingrijpen. Ik verzoek uw Kamer de start van de "
          "pilot te bespoedigen.\nMet vriendelijke groet,")


def test_a_letter_without_a_recommendations_section_recommends_in_its_own_voice() -> None:
    texts = [r.text for r in _extract([LETTER], language="nl")]
    assert [t.split()[0:2] for t in texts] == [["De", "politie"], ["Ik", "pleit"], ["Ik", "verzoek"]]
    # the same demands beside a recommendations section are the report's reasoning, not records of their own
    report = ["Aanbevelingen\n1. De regering moet het verdrag zo spoedig mogelijk ratificeren.\n"
              "2. Gemeenten moeten escortbedrijven jaarlijks controleren.", LETTER]
    assert [r.number for r in _extract(report, language="nl")] == ["1", "2"]


def test_a_footnote_number_after_a_full_stop_ends_the_sentence() -> None:
    page = ("Dat kan alleen met een aangifte.44 Het is wenselijk dat de politie slachtoffers daarbij helpt "
            "en hen op hun rechten wijst.")
    [record] = _extract([page], language="nl")
    assert record.text.startswith("Het is wenselijk dat de politie")


GUIDE = [
    "Guide for Leaders 5\nLeader Tips\nTip 1. Train Your Officers\n"
    "Awareness and training are key to enabling agencies to identify child victims of trafficking. Agencies can\n"
    "increase awareness and training by doing the following:\n"
    "\uf0b7 Ensure frontline officers know the physical and behavioral indicators needed to ask the relevant questions.\n"
    "\uf0b7 Update agency policies and protocols. Create an identification and response protocol for officers.\n"
    "Tip 2. Know Your Resources\n"
    "Not all agencies are equipped to pursue these investigations. Knowing the local resources is vital.\n"
    "Reach out and identify the best local resource to contact when an officer comes across a victim.\n"
    "Partnerships in Action\n"
    "Contact centres answered many calls last year and the numbers are given in the table of this guide.",
    "Guide for Leaders 6\nThe potential victim(s):\n» Shows signs of fear, anxiety, tension and nervousness.\n"
    "Please follow one of the reporting options below:\n» Call the hotline to report a tip at any time of day.",
]


def test_a_guides_advice_lists_and_tips_count_its_imperatives_and_nothing_else() -> None:
    texts = [r.text for r in _extract(GUIDE)]
    assert [t[:24] for t in texts] == ["Ensure frontline officer", "Update agency policies a",
                                       "Reach out and identify t"]


def test_a_symbol_fonts_bullets_in_a_list_of_recommendations_are_items() -> None:
    page = ("Report 3\nOur recommendations:\n\uf0b7 Establish a national referral mechanism for all victims of "
            "trafficking.\n» Train labour inspectors to recognise the signs of labour exploitation.\nOther text.")
    assert [r.text[:9] for r in _extract([page])] == ["Establish", "Train lab"]


def test_a_letters_repeated_reference_block_does_not_start_the_next_sentence() -> None:
    block = "Pagina {n} van 3\n\n\nDatum\n27 januari 2016\n\nOns kenmerk\n9767\n\n"
    pages = [block.format(n=n) + text for n, text in enumerate((
        "Geachte voorzitter, hierbij reageer ik op het wetsvoorstel over de strafmaat van mensensmokkel.",
        "Gezien de schrijnende situaties van migranten acht ik het noodzakelijk dat goede opsporing mogelijk is.",
        "Aangezien de vragen ook mijn mandaat raken acht ik het passend een inhoudelijke reactie te geven."), 1)]
    texts = [r.text for r in _extract(pages, language="nl")]
    assert texts == ["Gezien de schrijnende situaties van migranten acht ik het noodzakelijk dat goede opsporing "
                     "mogelijk is."]


@pytest.mark.parametrize("sentence", [
    "Daarom doet de rapporteur de aanbeveling aan de zittende magistratuur zich te specialiseren.",
    "De rapporteur acht het dringend noodzakelijk dat er een landelijke visie wordt ontwikkeld.",
    "Ik mis het verband tussen beide delicten en roep u op daar krachtiger in op te treden.",
    "In spite of this we are of the opinion that other forms of exploitation also need to be tackled by the police.",
])
def test_own_voice_demands_of_letters_and_press_releases(sentence: str) -> None:
    language = "en" if sentence.startswith("In spite") else "nl"
    assert [r.text for r in _extract([f"Brief\n{sentence}"], language=language)] == [sentence]


def _raw(pages: list[str]):
    """Records of pages given line by line, as the text layer has them (no re-wrapping)."""
    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language="en")
    return extract_recommendations(doc, [Page(n, text) for n, text in enumerate(pages, start=1)])


def test_a_do_dont_table_gives_one_record_per_row_with_both_cells() -> None:
    page = ("Talking to youth\nBelow are recommendations for how to talk about the crime with the youth you meet.\n"
            "DO DON’T\nTalk about exploitation. Focus conversations on what\nit means to be taken advantage of.\n"
            "Use crime-specific language. The term may not\nresonate with youth at all.\n"
            "Use empowering language. Use language that focuses\non the strengths of the youth you work with.\n"
            "Use “textbook” language. Formal language may make\nit harder for your message to land.\n"
            "Next steps\nThe guide ends with a list of resources for further reading.")
    texts = [r.text for r in _raw([page])]
    assert texts == ["Talk about exploitation. Focus conversations on what it means to be taken advantage of. "
                     "Use crime-specific language. The term may not resonate with youth at all.",
                     "Use empowering language. Use language that focuses on the strengths of the youth you work "
                     "with. Use “textbook” language. Formal language may make it harder for your message to land."]


def test_programmes_introduced_as_effective_are_practices_and_a_plain_description_is_not() -> None:
    body = ("The {city} Police Department created a screening checklist with local schools and\n"
            "victim advocates to identify young people at high risk of being trafficked in the city.\n"
            "The checklist is used by intake officers and welfare agencies when a victim asks for help.\n")
    page = ("Partnerships in Action\nAgencies throughout the nation have worked with community members.\n"
            "The following programs have effectively implemented a multidisciplinary response to\n"
            "identify and respond to victims of child sex trafficking.\nScreening Checklist\n"
            + body.format(city="Denver") + "Neighborhood Block Watch\n" + body.format(city="Toledo")
            + "IACP Resources\nThe following resources are sorted by relevance.\nA training course for officers\n"
              "and a toolkit with videos for training within agencies of all sizes and kinds.\n")
    records = _raw([page])
    assert [(r.kind, r.text[:25]) for r in records] == [("practice", "The Denver Police Departm"),
                                                        ("practice", "The Toledo Police Departm")]
    described = page.replace("have effectively implemented", "have set up")
    assert _raw([described]) == []


def test_numbered_subsections_announced_as_options_are_items() -> None:
    page = ("Tot slot zijn er ook mogelijkheden om het schrijnend pad beter toe te spitsen op de\n"
            "bescherming van de meest kwetsbare slachtoffers. Hier worden er drie genoemd.\n"
            "3.1 multidisciplinaire screening\nTijdens de bedenktijd worden slachtoffers niet gescreend op "
            "beperkingen.\nEen dergelijke screening is wel nodig.\n3.2 slachtofferverklaring\n"
            "Het inbedden van de slachtofferverklaring in bestaande processen zou twee voordelen hebben.\n"
            "3.3 verbinding van de paden\nDe twee paden kunnen worden verbonden zodat de bescherming gewaarborgd is.\n"
            "4 Conclusie\nHet schrijnend pad wordt weinig gebruikt.")
    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language="nl")
    records = extract_recommendations(doc, [Page(1, page)])
    assert [(r.number, r.text[:20]) for r in records] == [("3.1", "Tijdens de bedenktij"), ("3.2", "Het inbedden van de "),
                                                         ("3.3", "De twee paden kunnen")]
    unannounced = page.replace("Hier worden er drie genoemd.", "Dat is lastig.").replace("mogelijkheden", "problemen")
    assert [r.number for r in extract_recommendations(doc, [Page(1, unannounced)])] == []


@pytest.mark.parametrize("sentence, counts", [
    ("As BNRM recommended in its third report, we need to strive for agreement on the scope of the term.", True),
    ("In its third report BNRM recommended that the scope of the term be agreed on.", False),
    ("Such a campaign regarding exploitation outside the sex industry is also needed.", True),
    ("The policy implication of these results is that youth welfare agencies should step up their efforts.", True),
    ("This finding calls for sustained efforts of the police to detect Dutch victims.", True),
    ("While they may be making friends online, it is still important that they practice safety online.", False),
    ("One of the recommendations made in this Declaration was that member states should appoint rapporteurs.", False),
])
def test_own_voice_demands_without_a_section(sentence: str, counts: bool) -> None:
    from kb.recommendations.extraction import prose_demand

    assert prose_demand(sentence) is counts
