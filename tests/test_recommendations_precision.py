"""What the extractor must not take for a recommendation, and where an item must end: footnotes, sentences that ask
for nothing in the document's own voice, weak prose demands, over-long unnumbered items, sub-headings inside a
section, letterheads over a page break, and a numbered item announced by a lead-in."""
from __future__ import annotations

import textwrap

from kb.models import Document, Page
from kb.recommendations.extraction import MAX_RECORD, extract_recommendations
from kb.recommendations.footnotes import footnote_lines
from kb.recommendations.lines import document_lines
from kb.recommendations.voice import asks_nothing, inside_quotation, weak_demand


def _extract(pages: list[str], language: str = "en"):
    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language=language)
    return extract_recommendations(doc, [Page(n, text) for n, text in enumerate(pages, start=1)])


BODY = ["The hotline received more calls this year than in any year before, and the share of calls about labour",
        "exploitation rose again.12 Most callers were victims themselves or their relatives, and most of them",
        "called about situations in the construction and agricultural sectors of the country, 13 as in the years",
        "before the pandemic, when the hotline first opened its lines to the public for reports of this kind."]


def test_footnotes_are_found_by_their_numbers_and_kept_out_of_the_running_text() -> None:
    notes = ["12 GRETA urges the authorities to ensure that every victim is granted a recovery period.",
             "13 The Special Rapporteur recommended that the government should set up a fund for",
             "victims, in her report of 2019."]
    lines = BODY + notes
    assert footnote_lines(lines) == {4, 5, 6}
    # a numbered line the text above never refers to is no footnote ("Article 73" names no note)
    assert footnote_lines(BODY + ["73 In het plan worden oplossingen gezocht."]) == set()
    records = _extract(["\n".join(lines)])
    assert records == []  # GRETA quoted and another body's recommendation, both in notes: not the document's
    stream, kept = [], []
    stream = document_lines([Page(1, "\n".join(lines))], kept)
    assert [line.text for line in kept] == notes and all(not line.text.startswith("12 ") for line in stream)


def test_a_footnote_that_recommends_in_the_documents_own_voice_still_counts() -> None:
    lines = BODY + ["12 Notitie van augustus 2006.",
                    "13 Een portefeuillehouder bij het parket is aan te bevelen omdat dit leiding geeft aan de dienst."]
    records = _extract(["\n".join(lines)], language="nl")
    assert [r.text for r in records] == ["Een portefeuillehouder bij het parket is aan te bevelen omdat dit leiding "
                                         "geeft aan de dienst."]


def test_a_footnote_block_ends_where_the_next_column_resumes() -> None:
    lines = BODY[:2] + ["12 Zie het jaarverslag van 2014.", "De politie moet daarom alle meldingen registreren en",
                        "de gemeenten dienen daarbij te helpen."]
    assert footnote_lines(lines) == {2}


def test_cue_sentences_that_ask_for_nothing() -> None:
    assert asks_nothing("Ik vraag mij dan ook af of deze aanbeveling wel is uitgevoerd.")
    assert asks_nothing("Ik laat de vraag bij u of dit de aanbevolen weg is.")
    assert asks_nothing("De Staatssecretaris volgt mijn tweede aanbeveling en past de regeling aan.")
    assert asks_nothing("Deze aanbeveling luidt: 'Zorg voor een landelijk dekkend netwerk'.")
    assert asks_nothing("In de Zevende rapportage werd over dit punt het volgende aanbevolen: het OM moet melden.")
    assert asks_nothing("One of the recommendations made in this Declaration was that states should appoint "
                        "national rapporteurs.")
    assert asks_nothing("The second recommendation is addressed to schools in primary and secondary education.")
    assert asks_nothing("These figures should be interpreted with caution, as recommended by the statisticians.")
    assert asks_nothing("Abonnees wordt aanbevolen de losse nummers tijdig te bestellen.")
    assert asks_nothing("Should the minister not recommend a change of the law?")
    assert not asks_nothing("It is recommended that the legislator develops a national framework.")
    assert not asks_nothing("Ik beveel de minister aan om de regeling aan te passen.")
    # GRETA's present demand that points back to earlier recommendations is GRETA's own
    assert not asks_nothing("GRETA urges the authorities to implement the recommendations made in its first report.")
    assert not asks_nothing("Het verdient aanbeveling om, zoals bepaald in de richtlijn, slachtoffers te informeren.")


def test_weak_prose_demands() -> None:
    assert weak_demand("I ask that you take a moment to think of the survivors.")
    assert weak_demand("If the police had acted sooner, it is crucial that the case would have ended.")
    assert weak_demand("However, our definition leaves aside domestic travellers; two countries must be involved.")
    assert weak_demand("It is important that they practice safety online.")
    assert weak_demand("As prescribed in the Model Law, organizations should play a supporting role.")
    assert not weak_demand("It is crucial that the authorities involved recognize victims as victims of a crime.")
    assert not weak_demand("Governments should therefore devote specific attention to cross-border cooperation.")


def test_a_sentence_inside_a_quotation_is_another_voice() -> None:
    text = "A survivor told us: “I was afraid. We urge the police to listen.” Then she left."
    assert inside_quotation(text, text.index("We urge"))
    assert not inside_quotation(text, text.index("Then"))


SPEECH = ("Dames en heren,\nIk heb vandaag een verhaal over de aanpak van mensenhandel.\nEen speech\n"
          + "\n".join(["In de afgelopen jaren hebben wij gezien dat de aanpak van mensenhandel in Nederland "
                       "veranderd is en dat veel partijen samenwerken."] * 6)
          + "\nIk pleit ervoor dat gemeenten een eigen coördinator aanstellen voor deze taak.\n"
          + "\n".join(["Ook hebben wij gezien dat slachtoffers vaak lang wachten op hulp en dat de "
                       "opvang niet altijd beschikbaar is in alle regio's."] * 6) + "\nTot slot.")


def test_an_overlong_unnumbered_item_is_judged_by_its_sentences() -> None:
    pages = ["Aanbevelingen:\n• " + SPEECH.replace("\n", " ")]
    records = _extract(pages, language="nl")
    assert all(len(r.text) <= MAX_RECORD for r in records)
    assert [r.text for r in records] == ["Ik pleit ervoor dat gemeenten een eigen coördinator aanstellen voor deze "
                                         "taak."]


def test_a_numbered_item_ends_at_the_next_sub_heading() -> None:
    page = ("Aanbevelingen\n"
            "1. Ik beveel u aan om de registratie van meldingen op uniforme wijze in te richten voor alle\n"
            "organisaties in het land.\n"
            "Melding niet omzetten in advies, maar behandelen als melding\n"
            "Veilig Thuis-organisaties kunnen een contact in eerste instantie aannemen als een melding, maar het\n"
            "toch niet opvolgen door onderzoek of overdracht. Zo'n melding zetten zij dan om in een advies aan de\n"
            "melder, waarna de gegevens worden vernietigd.\n"
            "2. Ik beveel u aan om het niet meer mogelijk te maken een melding om te zetten in een advies.")
    records = _extract([page], language="nl")
    assert [(r.number, r.text) for r in records] == [
        ("1", "Ik beveel u aan om de registratie van meldingen op uniforme wijze in te richten voor alle "
              "organisaties in het land."),
        ("2", "Ik beveel u aan om het niet meer mogelijk te maken een melding om te zetten in een advies.")]


def test_a_sentence_runs_over_the_page_past_a_letterhead() -> None:
    first = ("Geachte minister,\nIn mijn rapportage heb ik gekeken naar de registratie van slachtoffers.\n"
             "Ik verzoek u daarom de registratie van slachtoffers van mensenhandel bij alle betrokken")
    second = "Datum 3 juni 2014\nOns kenmerk\n9767\nPagina 2 van 2\ninstanties te uniformeren.\nHoogachtend,"
    records = _extract([first, second], language="nl")
    assert [r.text for r in records] == ["Ik verzoek u daarom de registratie van slachtoffers van mensenhandel bij "
                                         "alle betrokken instanties te uniformeren."]


def test_an_item_announced_by_a_lead_in_starts_at_its_number() -> None:
    page = ("Naar aanleiding van deze bevindingen is de volgende aanbeveling geformuleerd: 3 De minister van "
            "Justitie zorgt voor een landelijk dekkend aanbod van opvang.")
    records = _extract([page], language="nl")
    assert [(r.number, r.text) for r in records] == [
        ("3", "De minister van Justitie zorgt voor een landelijk dekkend aanbod van opvang.")]


def test_a_sentence_goes_on_over_a_page_whose_first_line_looks_like_a_heading() -> None:
    first = ("Geachte minister,\nIn mijn rapportage heb ik gekeken naar de registratie van slachtoffers.\n"
             "Ik verzoek u daarom de registratie van slachtoffers van mensenhandel en van de\n"
             "slachtoffers van arbeidsuitbuiting en van criminele uitbuiting in het bijzonder bij de")
    second = ("Nationale Politie, de Koninklijke Marechaussee en de gemeenten\n"
              "Te uniformeren, zodat de cijfers vergelijkbaar worden.\nHoogachtend,")
    records = _extract([first, second], language="nl")
    assert [r.text for r in records] == ["Ik verzoek u daarom de registratie van slachtoffers van mensenhandel en van "
                                         "de slachtoffers van arbeidsuitbuiting en van criminele uitbuiting in het "
                                         "bijzonder bij de Nationale Politie, de Koninklijke Marechaussee en de "
                                         "gemeenten Te "
                                         "uniformeren, zodat de cijfers vergelijkbaar worden."]


def test_a_demand_quoted_in_a_speech_is_not_the_speakers() -> None:
    page = ("Dames en heren,\nEen slachtoffer vertelde ons vorig jaar over haar ervaringen met de hulpverlening: “Ik "
            "was bang en niemand hielp mij. Ik roep de politie op beter te luisteren naar slachtoffers.” Dat heeft "
            "mij geraakt.\nIk pleit ervoor dat gemeenten een eigen coördinator aanstellen voor deze taak.")
    records = _extract([page], language="nl")
    assert [r.text for r in records] == ["Ik pleit ervoor dat gemeenten een eigen coördinator aanstellen voor deze "
                                         "taak."]


def test_a_labelled_item_that_nothing_closes_ends_within_its_bound() -> None:
    reasoning = " ".join(["Daarnaast is gebleken dat de registratie van meldingen per regio sterk verschilt en dat "
                          "de organisaties elk hun eigen werkwijze hanteren bij het vastleggen van gegevens."] * 16)
    page = ("Aanbeveling 1\nIk beveel de minister aan om de registratie van meldingen landelijk te uniformeren en "
            "daarvoor één protocol vast te stellen.\n" + textwrap.fill(reasoning, 90))
    records = _extract([page], language="nl")
    assert len(records) == 1 and records[0].number == "1"
    assert records[0].text.startswith("Ik beveel de minister aan") and len(records[0].text) <= 2000
    assert records[0].text.endswith(".")
