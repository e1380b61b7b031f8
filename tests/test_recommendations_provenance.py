"""Where the extractor's rules came from: every rule written from a development document names it, switching a
document's rules off switches exactly those off (and only in that block and thread), and each switched-off rule
stops acting: what the benchmark's leave-one-document-out headline rests on."""
from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
import pytest

from kb.models import Document, Page
from kb.recommendations import provenance
from kb.recommendations.cues import DEMAND, DEMAND_FORMS, OWN_VOICE_CUES, is_practice, own_demand, recommendation_strength
from kb.recommendations.extraction import RULES_ONLY, extract_recommendations, prose_demand, propose
from kb.recommendations.lines import _boundary, running_heads, sentence_spans
from kb.recommendations.provenance import WRITTEN_FROM, rule_on, rules_from, without_rules, without_rules_from
from kb.recommendations.sections import bullet, numbered
from kb.recommendations.voice import asks_nothing, talks_about_recommendations, weak_demand
from scripts.recommendations_devset import ORIGINAL_SETS, read_manifest
from tests.conftest import SHARED, needs_realdocs
from tests.test_recommendations_devset import HELD_OUT_FILES, HELD_OUT_PUBLICATIONS

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "kb" / "recommendations").glob("*.py")))


def _extract(pages: list[str], language: str = "nl"):
    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language=language)
    return extract_recommendations(doc, [Page(n, text) for n, text in enumerate(pages, start=1)], RULES_ONLY)


def test_every_rule_named_is_one_the_extractor_checks() -> None:
    for name in WRITTEN_FROM:
        assert f'"{name}"' in SOURCE.replace(f'"{name}": ', ""), name  # not only the registry's own key


def test_every_rule_the_extractor_checks_by_name_has_its_sources() -> None:
    checked = set(re.findall(r'rule_on\("([^"]+)"\)', SOURCE))
    assert checked and checked <= set(WRITTEN_FROM)  # a misspelt name would never be switched off


def test_every_source_is_a_development_publication_not_an_original_set_nor_held_out() -> None:
    documents = read_manifest()
    development = {d.publication for d in documents if d.gold_set not in ORIGINAL_SETS}
    originals = {d.publication for d in documents if d.gold_set in ORIGINAL_SETS}
    sources = set().union(*WRITTEN_FROM.values())
    assert sources <= development
    assert not sources & originals
    assert not sources & HELD_OUT_PUBLICATIONS
    assert not sources & {Path(f).stem for f in HELD_OUT_FILES}


def test_no_rule_is_written_from_a_document_labelled_blind_after_the_rules_were_frozen() -> None:
    blind = {d.publication for d in read_manifest() if d.rules_frozen_at}
    assert blind
    assert not set().union(*WRITTEN_FROM.values()) & blind


def test_a_publications_rules_are_off_inside_the_block_only() -> None:
    off_for_letter = rules_from({"P0020"})
    assert "demand.verzoek" in off_for_letter and "blocks.do-dont" not in off_for_letter
    assert all("P0020" in WRITTEN_FROM[name] for name in off_for_letter)
    with without_rules_from({"P0020"}) as off:
        assert off == off_for_letter
        assert not rule_on("demand.verzoek") and rule_on("blocks.do-dont")
        with without_rules_from({provenance.YOUTH_GUIDE}):
            assert not rule_on("demand.verzoek") and not rule_on("blocks.do-dont")
        assert rule_on("blocks.do-dont")
    assert rule_on("demand.verzoek")
    with provenance.without_rules({"blocks.do-dont"}) as off:
        assert off == {"blocks.do-dont"} and not rule_on("blocks.do-dont") and rule_on("demand.verzoek")
    assert rule_on("blocks.do-dont")


def test_another_thread_runs_with_every_rule_on() -> None:
    seen: list[bool] = []
    with without_rules_from({"P0020"}):
        thread = threading.Thread(target=lambda: seen.append(rule_on("demand.verzoek")))
        thread.start()
        thread.join()
        assert not rule_on("demand.verzoek")
    assert seen == [True]


# one sentence in each demand and cue form written from a development document
DEMAND_EXAMPLES = {
    "demand.plead": "Ik pleit er dan ook voor de strafmaxima voor mensensmokkel te verhogen.",
    "demand.verzoek": "Ik verzoek uw Kamer de minister te vragen de opvang van slachtoffers te verzekeren.",
    "demand.beroep": "Ik doe daarom een beroep op alle partijen om de registratie te verbeteren.",
    "demand.acht-nodig": "Daarnaast acht ik het noodzakelijk dat de politie meer capaciteit krijgt.",
    "demand.roep-op": "Ik mis een visie op de aanpak van uitbuiting en roep u op die te ontwikkelen.",
    "demand.of-the-opinion": "We are of the opinion that the police should be alert to signs of exploitation.",
    "demand.crucial-that": "It is crucial that the authorities identify victims of labour exploitation early.",
    "demand.implication": "The policy implication of these results is that inspectors should step up their efforts.",
    "demand.calls-for": "This finding calls for sustained efforts of the police in every region.",
    "demand.also-needed": "Meer bewustwording is daarom nodig onder advocaten en hulpverleners.",
    "demand.we-need-to": "We need to strive for agreement on the scope of the term exploitation.",
    "demand.encourage": "We encourage the continuing development and validation of the estimation method.",
    "demand.advise": "Ik adviseer u in de wet te regelen dat gegevensdragers altijd in beslag worden genomen.",
    "demand.roep-ik-op": "Met deze brief roep ik u op om middelen ter beschikking te stellen voor het onderzoek.",
    "demand.own-judgement": "Ik ben van oordeel dat de strafbaarstelling ook op hen van toepassing moet zijn.",
    "demand.verdient": "De toelichting verdient daarom verduidelijking ten aanzien van het te beschermen belang.",
    "demand.vraagt-om-actie": "De huidige situatie vraagt dan ook om voortvarende actie van gemeenten.",
}
CUE_EXAMPLES = {
    "cue.advisable": "Het is raadzaam de termijn van de regeling te verlengen.",
    "cue.overall-recommendation": "The overall recommendation for future studies is to include the nationality.",
    "cue.doet-aanbeveling": "Daarom doet de rapporteur de aanbeveling aan de magistratuur zich te specialiseren.",
}


@pytest.mark.parametrize("name", sorted(set(WRITTEN_FROM) & {n for n, _ in DEMAND_FORMS}))
def test_each_demand_form_written_from_a_document_stops_acting_alone_when_switched_off(name: str) -> None:
    sentence = DEMAND_EXAMPLES[name]
    assert own_demand(sentence)
    with without_rules({name}):
        assert not own_demand(sentence)
        # the other forms still act
        assert all(own_demand(other) for form, other in DEMAND_EXAMPLES.items() if form != name)


@pytest.mark.parametrize("name", sorted(set(WRITTEN_FROM) & {n for n, _ in OWN_VOICE_CUES}))
def test_each_cue_written_from_a_document_stops_acting_alone_when_switched_off(name: str) -> None:
    sentence = CUE_EXAMPLES[name]
    assert recommendation_strength(sentence) == "recommend"
    with without_rules({name}):
        assert recommendation_strength(sentence) is None
        assert all(recommendation_strength(other) == "recommend" for cue, other in CUE_EXAMPLES.items() if cue != name)


def test_with_every_rule_on_the_named_pieces_are_the_patterns_they_were_cut_from() -> None:
    """The product runs with every rule on: the pieces put together are the extractor's patterns as they were."""
    assert _boundary(True, True).pattern == (
        r"(?:(?<=[.!?])|(?<=[^\W\d_][.!?]\d)|(?<=[^\W\d_][.!?]\d\d)|(?<=aanbeveling:)|(?<=recommendation:))"
        r"[\"'’”)]*\s+(?=[\"'‘“(]?[A-ZÀ-Ý0-9•▪])")
    assert all(f"(?:{pattern.pattern})" in DEMAND.pattern for _, pattern in DEMAND_FORMS)
    for name, sentence in DEMAND_EXAMPLES.items():
        assert bool(DEMAND.search(sentence)) is own_demand(sentence) is True, name


def test_a_symbol_fonts_bullet_is_a_bullet_only_while_its_rule_is_on() -> None:
    assert bullet("» Train officers to recognise the signs").group(1) == "Train officers to recognise the signs"
    assert bullet("\uf0b7 Train officers").group(1) == "Train officers"
    assert bullet("• Train officers") is not None
    with without_rules_from(WRITTEN_FROM["bullets.symbol-glyphs"]):
        assert bullet("» Train officers to recognise the signs") is None
        assert bullet("• Train officers") is not None  # a plain bullet is no rule of a development document


def test_a_letters_demand_is_a_record_unless_the_letters_rules_are_off() -> None:
    page = ("Geachte voorzitter,\n"
            "Op 12 juni debatteert uw Kamer over mensenhandel. Graag breng ik het volgende onder uw aandacht.\n"
            "Ik verzoek uw Kamer de minister te vragen de opvang van minderjarige slachtoffers te verzekeren.\n"
            "Met vriendelijke groet,")
    records = _extract([page])
    assert [r.text for r in records] == [
        "Ik verzoek uw Kamer de minister te vragen de opvang van minderjarige slachtoffers te verzekeren."]
    with without_rules_from(WRITTEN_FROM["demand.verzoek"]):
        assert _extract([page]) == []



@needs_realdocs
@pytest.mark.integration
def test_the_benchmark_scores_a_real_letter_without_the_rules_written_from_it(tmp_path: Path) -> None:
    from scripts.benchmark_recommendations import evaluate
    from scripts.recommendations_devset import load_pages

    files = {"nl-national-rapporteur/P0049D01.pdf", "nl-national-rapporteur/P0001D01.pdf"}
    documents = [d for d in read_manifest() if d.file in files]
    kb = load_pages(documents, SHARED, tmp_path)
    try:
        for d in documents:  # no vectors: neither document has a translation to align with
            d.proposals = propose(d.doc, d.pages)
            d.rows = np.zeros((len(d.proposals), 545), dtype=np.float32)
        off: dict[str, list[str]] = {}
        in_sample = evaluate(documents, "rules")
        held_out = evaluate(documents, "rules-lodo", embed=lambda texts: np.zeros((len(texts), 512)), off=off)
    finally:
        kb.close()
    letter, factsheet = "nl-national-rapporteur/P0049D01.pdf", "nl-national-rapporteur/P0001D01.pdf"
    # the letter's five demands (tests/data/recommendations): four found by rules written from it, none without them
    assert (in_sample[letter]["gold"], in_sample[letter]["true_positives"]) == (5, 4)
    assert held_out[letter]["true_positives"] == 0
    assert {"demand.plead", "demand.roep-op", "heads.reference-block"} <= set(off[letter])
    # the factsheet's numbered items come from rules written from no development document
    assert off[factsheet] == [] and held_out[factsheet]["true_positives"] == 5


def test_a_rule_counts_as_used_outside_the_set_by_the_judged_right_records_that_need_it() -> None:
    from scripts.benchmark_recommendations import used_outside
    from scripts.recommendations_judged import JudgedDocument

    demand = "Ik verzoek uw Kamer de minister te vragen de opvang van minderjarige slachtoffers te verzekeren."
    page = ("Geachte voorzitter,\nOp 12 juni debatteert uw Kamer over mensenhandel. Graag breng ik het volgende "
            f"onder uw aandacht.\n{demand}\nMet vriendelijke groet,")
    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language="nl")
    pages = [Page(1, page)]
    letter = JudgedDocument("letters/x.pdf", [{"page": "1", "text": demand, "verdict": "right",
                                               "variants": {demand: "right"}}], doc, pages, propose(doc, pages))
    counts = used_outside([letter])
    # the demand's form, and the rule that keeps demands where a document has no recommendations section
    assert {name for name, count in counts.items() if count} == {"demand.verzoek", "prose.demand-without-section"}
    assert counts["demand.verzoek"] == 1 and set(counts) == set(WRITTEN_FROM)
    # judged wrong, the same record needs no rule of the set
    letter.judged[0]["verdict"] = letter.judged[0]["variants"][demand] = "wrong-kind"
    assert sum(used_outside([letter]).values()) == 0


def _records(pages: list[str], language: str = "en") -> list[str]:
    doc = Document(doc_id="d1", source="/x.pdf", sha256="0", language=language)
    return [r.text[:30] for r in extract_recommendations(doc, [Page(n, t) for n, t in enumerate(pages, 1)], RULES_ONLY)]


DO_DONT = ("Talking to youth\nBelow are recommendations for how to talk about the crime with the youth you meet.\n"
           "DO DON’T\nTalk about exploitation. Focus conversations on what\nit means to be taken advantage of.\n"
           "Use crime-specific language. The term may not\nresonate with youth at all.\n"
           "Next steps\nThe guide ends with a list of resources for further reading.")
PROGRAMMES = ("Partnerships in Action\nAgencies throughout the nation have worked with community members.\n"
              "The following programs have effectively implemented a multidisciplinary response to\n"
              "identify and respond to victims of child sex trafficking.\nScreening Checklist\n"
              + "Neighborhood Block Watch\n".join(
                  f"The {city} Police Department created a screening checklist with local schools and\n"
                  "victim advocates to identify young people at high risk of being trafficked in the city.\n"
                  "The checklist is used by intake officers and welfare agencies when a victim asks for help.\n"
                  for city in ("Denver", "Toledo"))
              + "IACP Resources\nThe following resources are sorted by relevance.\nA training course for officers\n"
              "and a toolkit with videos for training within agencies of all sizes and kinds.\n")
OPTIONS = ("Tot slot zijn er ook mogelijkheden om het schrijnend pad beter toe te spitsen op de\n"
           "bescherming van de meest kwetsbare slachtoffers. Hier worden er twee genoemd.\n"
           "3.1 multidisciplinaire screening\nTijdens de bedenktijd worden slachtoffers niet gescreend op "
           "beperkingen.\n3.2 verbinding van de paden\nDe twee paden kunnen worden verbonden zodat de bescherming "
           "gewaarborgd is.\n4 Conclusie\nHet schrijnend pad wordt weinig gebruikt.")
TIPS = ("Guide for Leaders 5\nLeader Tips\nTip 1. Train Your Officers\n"
        "Awareness and training are key to enabling agencies to identify child victims of trafficking. Agencies can\n"
        "increase awareness and training by doing the following:\n"
        "• Ensure frontline officers know the physical and behavioral indicators needed to ask the relevant questions.\n"
        "Tip 2. Know Your Resources\n"
        "Not all agencies are equipped to pursue these investigations. Knowing the local resources is vital.\n"
        "Reach out and identify the best local resource to contact when an officer comes across a victim.\n"
        "Partnerships in Action\nContact centres answered many calls last year.")
LETTER_BLOCK = "Pagina {n} van 3\n\n\nDatum\n27 januari 2016\n\nOns kenmerk\n9767\n\n"
LETTER_PAGES = [LETTER_BLOCK.format(n=n) + text for n, text in enumerate((
    "Geachte voorzitter, hierbij reageer ik op het wetsvoorstel over de strafmaat van mensensmokkel.",
    "Gezien de schrijnende situaties van migranten acht ik het noodzakelijk dat goede opsporing mogelijk is.",
    "Aangezien de vragen ook mijn mandaat raken wil ik een inhoudelijke reactie geven."), 1)]
DAARTOE = ("Brief\nIk verzoek uw Kamer de minister te vragen een register van slachtoffers in te stellen. Daartoe is "
           "een wettelijke basis hard nodig. De rest van de brief gaat over andere zaken.")

# each gate, a check of what it decides, and that check's value with every rule on and with the gate alone off
GATES = {
    "voice.werd-aanbevolen": (lambda: asks_nothing("In de Zevende rapportage werd over dit punt het volgende "
                                                   "aanbevolen aan de minister."), True, False),
    "narrative.made-in-by": (lambda: asks_nothing("One of the recommendations made in this Declaration was that "
                                                  "member states should appoint rapporteurs."), True, False),
    "voice.as-prescribed": (lambda: weak_demand("As prescribed in the Model Law, organizations should train their "
                                                "staff."), True, False),
    "voice.own-method": (lambda: weak_demand("However, our definition leaves aside cases where governments should "
                                             "act."), True, False),
    "voice.no-actor-after-that": (lambda: weak_demand("It is still important that they practice safety online."),
                                  True, False),
    "voice.ordinal-talk": (lambda: talks_about_recommendations("The third and final recommendation relates to "
                                                               "compensation."), True, False),
    "cue.goed-voorbeeld-te-zien": (lambda: is_practice("In de Kroepoekzaak is een goed voorbeeld te zien van een "
                                                       "uitbuitingssituatie."), False, True),
    "prose.actor-asks": (lambda: prose_demand("Governments should therefore devote more resources to prevention."),
                         True, False),
    "prose.points-back": (lambda: prose_demand("As BNRM recommended in its third report, we need to strive for "
                                               "agreement on the scope of the term."), True, False),
    "prose.hindsight": (lambda: prose_demand("The police should have provided her with specialised services."),
                        False, True),
    "sections.parenthesised-numbers": (lambda: numbered("(1) Article 3 of the Protocol should be applied.") is not None,
                                       True, False),
    "split.footnote-number": (lambda: len(sentence_spans("Dat is in de wet vastgelegd.44 Het OM moet vaker "
                                                         "rechercheren.")), 2, 1),
    "split.recommendation-colon": (lambda: len(sentence_spans("De rapporteur doet daarom de volgende aanbeveling: De "
                                                              "minister moet de regeling aanpassen.")), 2, 1),
    "bullets.symbol-glyphs": (lambda: bullet("» Train officers to recognise the signs") is not None, True, False),
    "blocks.do-dont": (lambda: _records([DO_DONT]), ["Talk about exploitation. Focus"], []),
    "blocks.effective-practices": (lambda: _records([PROGRAMMES]), ["The Denver Police Department c",
                                                                    "The Toledo Police Department c"], []),
    "blocks.announced-subsections": (lambda: _records([OPTIONS], "nl"), ["Tijdens de bedenktijd worden s",
                                                                         "De twee paden kunnen worden ve"], []),
    "bullets.advice-list": (lambda: _records([TIPS]), ["Ensure frontline officers know",
                                                       "Reach out and identify the bes"],
                            ["Reach out and identify the bes"]),
    "bullets.advice-paragraphs": (lambda: _records([TIPS]), ["Ensure frontline officers know",
                                                             "Reach out and identify the bes"],
                                  ["Ensure frontline officers know"]),
    # the reference number under "Ons kenmerk" on every page is a running head
    "heads.reference-block": (lambda: "#" in running_heads([Page(n, t + "\nDe brief gaat verder.\nEn eindigt hier.")
                                                            for n, t in enumerate(LETTER_PAGES, 1)]),
                              True, False),
    # another body named in the writer's own first-person demand is what the demand is about
    "prose.first-person-over-other": (lambda: prose_demand("Met deze brief roep ik u op om middelen ter beschikking "
                                                           "te stellen voor het onderzoek naar deze kinderen."),
                                      True, False),
    "items.continues-daartoe": (lambda: [r.text[-12:] for r in extract_recommendations(
        Document(doc_id="d1", source="/x.pdf", sha256="0", language="nl"), [Page(1, DAARTOE)], RULES_ONLY)],
        [" hard nodig."], [" te stellen."]),
}


@pytest.mark.parametrize("name", sorted(GATES))
def test_each_gate_decides_its_example_and_stops_alone_when_switched_off(name: str) -> None:
    check, on, off = GATES[name]
    assert check() == on
    with provenance.without_rules({name}):
        assert check() == off


def test_every_rule_named_has_an_example_of_what_it_decides() -> None:
    forms = {n for n, _ in DEMAND_FORMS} | {n for n, _ in OWN_VOICE_CUES}
    assert set(WRITTEN_FROM) - forms - set(GATES) <= {"prose.demand-without-section", "items.subheading-ends",
                                                     "voice.note-opening-quotation"}
