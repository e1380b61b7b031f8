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
from kb.recommendations.cues import DEMAND_FORMS, OWN_VOICE_CUES, own_demand, recommendation_strength
from kb.recommendations.extraction import RULES_ONLY, extract_recommendations, propose
from kb.recommendations.lines import sentence_spans
from kb.recommendations.provenance import WRITTEN_FROM, rule_on, rules_from, without_rules_from
from kb.recommendations.sections import bullet
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
    "demand.urge-encourage": "We encourage the continuing development and validation of the estimation method.",
}
CUE_EXAMPLES = {
    "cue.advisable": "Het is raadzaam de termijn van de regeling te verlengen.",
    "cue.overall-recommendation": "The overall recommendation for future studies is to include the nationality.",
    "cue.doet-aanbeveling": "Daarom doet de rapporteur de aanbeveling aan de magistratuur zich te specialiseren.",
}


@pytest.mark.parametrize("name", sorted(set(WRITTEN_FROM) & {n for n, _ in DEMAND_FORMS}))
def test_each_demand_form_written_from_a_document_stops_acting_when_switched_off(name: str) -> None:
    sentence = DEMAND_EXAMPLES[name]
    assert own_demand(sentence)
    with without_rules_from(WRITTEN_FROM[name]):
        assert not own_demand(sentence)


@pytest.mark.parametrize("name", sorted(set(WRITTEN_FROM) & {n for n, _ in OWN_VOICE_CUES}))
def test_each_cue_written_from_a_document_stops_acting_when_switched_off(name: str) -> None:
    sentence = CUE_EXAMPLES[name]
    assert recommendation_strength(sentence) == "recommend"
    with without_rules_from(WRITTEN_FROM[name]):
        assert recommendation_strength(sentence) is None


def test_sentence_ends_written_from_documents_stop_acting_when_switched_off() -> None:
    colon = "De rapporteur doet daarom de volgende aanbeveling: De minister moet de regeling aanpassen."
    note = "Dat is in de wet vastgelegd.44 Het OM moet vaker financieel rechercheren."
    assert len(sentence_spans(colon)) == 2 and len(sentence_spans(note)) == 2
    with without_rules_from(WRITTEN_FROM["split.recommendation-colon"] | WRITTEN_FROM["split.footnote-number"]):
        assert len(sentence_spans(colon)) == 1 and len(sentence_spans(note)) == 1


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
