"""Which development documents each hand-written rule of the extractor was written from, and switching those rules
off: what lets the benchmark score a document by the rules written without it (leave-one-document-out).

The extractor's rules are written by hand while reading documents. A rule written from a document is in-sample for
it: scoring that document with the rule on says nothing about how the rule does on a report it has not seen. Each
rule written from a document of the development set (tests/data/recommendations/documents.jsonl) is named here with
the publications it was written from (as the commit that added it, its comment or docs/benchmarks.md name them; where
a group of rules names several documents, each rule of it names them all). Rules written from the labelling method's
definitions, the issue's examples, the original gold sets or the judged samples outside the development set name no
development document and stay on. Rules written from the writing set (documents labelled blind, then read for
rules) name its documents like any other; no rule names a document of the blind set. The extractor checks
`rule_on(name)` where such a rule acts; outside a `without_rules_from` block every rule is on, so the product always
runs with all of them.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator

# publications of the development set that are not the Dutch Rapporteur's (whose publication is its Pxxxx number)
YOUTH_GUIDE = ("HOW_TO_TALK_TO_YOUTH_ABOUT_HUMAN_TRAFFICKING_A_Guide_for_Youth_Caretakers_and_Individuals_Working_"
               "with_Youth")
LEADERS_GUIDE = "Combating_Child_Sex_Trafficking_a_Guide_for_Law_Enforcement"
RETAIL_GUIDE = "HUMAN_TRAFFICKING_AWARENESS_GUIDE_for_Convenience_Retail_Employees"
CASE_STUDIES = "CaseStudies-voi"

# rule name -> the development publications it was written from
WRITTEN_FROM: dict[str, frozenset[str]] = {name: frozenset(sources) for name, sources in {
    # own-voice cues (cues.py OWN_VOICE_CUES)
    "cue.advisable": {"P0109"},  # "is het raadzaam", "it is advisable to"
    "cue.doet-aanbeveling": {"P0127"},  # "Daarom doet de rapporteur de aanbeveling …"
    "cue.overall-recommendation": {"P0014"},  # "The overall recommendation for future studies is …"
    "cue.goed-voorbeeld-te-zien": {"P0109"},  # "is een goed voorbeeld te zien van": an example, not a practice
    # demands in the document's own voice without a recommending word (cues.py DEMAND_FORMS)
    "demand.plead": {"P0049", "P0133"},  # "Ik pleit er dan ook voor", "We plead for"
    "demand.verzoek": {"P0020"},  # "verzoek uw Kamer"
    "demand.beroep": {"P0020"},  # "doe ik een beroep op alle partijen"
    "demand.encourage": {"P0014"},  # "we encourage the continuing development"
    "demand.acht-nodig": {"P0020", "P0049", "P0127"},  # "acht ik het van belang", "De rapporteur acht het dringend"
    "demand.roep-op": {"P0049"},  # "roep u op"
    "demand.of-the-opinion": {"P0133"},  # "we are of the opinion that … should"
    # written from the writing set (gold_writing.jsonl), labelled blind after commit 6c91c65
    "demand.advise": {"P0114", "P0067", "P0121"},  # "Ik adviseer u", "Ik adviseer de opstellers", "in overweging"
    "demand.roep-ik-op": {"P0093"},  # "Met deze brief roep ik u op"
    "demand.own-judgement": {"P0067", "P0094", "P0097", "P0121"},  # "Ik ben van oordeel dat … moet"
    "demand.verdient": {"P0067"},  # "De toelichting verdient daarom verduidelijking"
    "prose.first-person-over-other": {"P0093"},  # "roep ik u op om middelen … voor het onderzoek"
    "demand.vraagt-om-actie": {"P0103"},  # "De huidige situatie vraagt dan ook om voortvarende actie"
    "demand.crucial-that": {"P0133"},  # "it is crucial that the authorities"
    "demand.implication": {"P0014"},  # "The policy implication … is that"
    "demand.calls-for": {"P0014"},  # "This finding calls for sustained efforts"
    "demand.also-needed": {"P0133", "P0057"},  # "is also needed", "Meer bewustwording is daarom nodig"
    "demand.we-need-to": {"P0133", "P0057"},  # "we need to strive for agreement"
    # prose demands where a document has no recommendations section (extraction.py)
    "prose.demand-without-section": {"P0020", "P0041", "P0049", "P0133"},  # the labelling rule's documents
    "prose.actor-asks": {"P0041"},  # "Governments should therefore devote …"
    "prose.points-back": {"P0133", "P0057"},  # "As BNRM recommended …, we need to"
    "prose.hindsight": {CASE_STUDIES},  # "should have been provided": a closed case judged
    # what is told, not asked (cues.py, voice.py)
    "narrative.made-in-by": {"P0126"},  # "One of the recommendations made in this Declaration"
    "voice.werd-aanbevolen": {"P0115"},  # "In de Zevende rapportage werd … het volgende aanbevolen"
    "voice.as-prescribed": {"P0014"},  # "As prescribed in the United Nations Model Law"
    "voice.own-method": {"P0041"},  # "our definition leaves aside"
    "voice.no-actor-after-that": {YOUTH_GUIDE},  # "it is still important that they practice safety online"
    "voice.ordinal-talk": {"P0109"},  # "The third and final recommendation relates to", "the following recommendation:"
    "voice.note-opening-quotation": {"P0057"},  # a footnote that opens with a quotation
    # segmentation (lines.py, sections.py, extraction.py)
    "split.footnote-number": {"P0057"},  # "aangifte kan doen.44 Het is wenselijk"
    "split.recommendation-colon": {"P0034", "P0109"},  # "doet daarom de volgende aanbeveling: De minister"
    "heads.reference-block": {"P0049"},  # a letter's "Ons kenmerk" block on every page
    "sections.parenthesised-numbers": {"P0048"},  # "(1) Article 3 of …"
    "bullets.symbol-glyphs": {YOUTH_GUIDE, RETAIL_GUIDE, LEADERS_GUIDE, "P0014"},  # "»", "·", "\x84", private-use
    "bullets.advice-list": {LEADERS_GUIDE},  # "Suggestions for … include the following:"
    "bullets.advice-paragraphs": {LEADERS_GUIDE},  # "Tip 2. Know Your Resources"
    "items.subheading-ends": {"P0058"},  # the letter-report's items end before the next part's heading
    "items.continues-daartoe": {"P0020"},  # "Daartoe is een wettelijke basis hard nodig" goes on with the demand
    # blocks (blocks.py)
    "blocks.do-dont": {YOUTH_GUIDE},  # the DO/DON'T table
    "blocks.announced-subsections": {"P0057"},  # "Hier worden er drie genoemd. 3.1 …"
    "blocks.effective-practices": {LEADERS_GUIDE},  # "The following programs have effectively implemented …"
}.items()}

_OFF: ContextVar[frozenset[str]] = ContextVar("recommendation_rules_off", default=frozenset())


def rule_on(name: str) -> bool:
    """Whether a named rule applies now (always, unless a `without_rules_from` block switched it off)."""
    return name not in _OFF.get()


def rules_from(publications: Iterable[str]) -> frozenset[str]:
    """The rules written from any of these publications."""
    wanted = set(publications)
    return frozenset(name for name, sources in WRITTEN_FROM.items() if sources & wanted)


@contextmanager
def without_rules(names: Iterable[str]) -> Iterator[frozenset[str]]:
    """Within the block (this thread or task only), the named rules are off; yields their names."""
    off = frozenset(names)
    token = _OFF.set(_OFF.get() | off)
    try:
        yield off
    finally:
        _OFF.reset(token)


@contextmanager
def without_rules_from(publications: Iterable[str]) -> Iterator[frozenset[str]]:
    """Within the block (this thread or task only), every rule written from these publications is off; yields
    their names."""
    with without_rules(rules_from(publications)) as off:
        yield off
