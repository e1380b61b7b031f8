"""The words reports use to recommend and to hold a practice up as good, in English, Dutch, French and German.

A cue counts only in the report's own voice, in the present: "GRETA urges", "the Rapporteur recommends", "it is
recommended", "het verdient aanbeveling". A sentence that reports an earlier recommendation ("in its first report
GRETA urged", "heeft eerder aanbevolen") or another body's ("the Committee recommends") is narrative, not a
recommendation of this document.
"""
from __future__ import annotations

import re
from typing import Iterable

from .provenance import rule_on

_I = re.I
_GAP = r"(?:[\w’'-]+,?\s+){0,4}?"  # up to four words between subject and verb ("GRETA therefore strongly urges")
_SHOULD = r"(?:should|must|need to|ought to|devraient|devrait|doivent|doit|moeten|zouden moeten|dienen|sollten|müssen)"

# GRETA's graded verbs, strongest first (English, French, Dutch, German)
GRETA_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("urge", re.compile(rf"\bGRETA\s+{_GAP}(?:urges|exhorte|dringt\b.{{0,120}}?\baan|fordert\b.{{0,160}}?\bauf)\b", _I)),
    ("consider", re.compile(rf"\bGRETA\s+{_GAP}(?:considers|considère|is van mening|is van oordeel|ist der "
                            rf"(?:Auffassung|Ansicht|Meinung))\b.{{0,300}}?\b{_SHOULD}\b", _I)),
    ("invite", re.compile(rf"\bGRETA\s+{_GAP}(?:invites|encourages|invite|encourage|nodigt|moedigt|lädt|ermutigt)\b",
                          _I)),
    ("recommend", re.compile(rf"\bGRETA\s+{_GAP}(?:recommends|recommande|beveelt|empfiehlt)\b", _I)),
)

_OWN_SUBJECT = (r"(?:(?:the\s+)?(?:Dutch\s+)?(?:National\s+|Nationaal\s+)?Rapporteur|BNRM|NRM|we|I|ik|wij|"
                r"the\s+Special\s+Representative|nous|je|wir|ich)")
# recommendations in the report's own voice, or impersonal ("it is recommended")
# each by the name `provenance` knows it by
OWN_VOICE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cue.it-is-recommended",
     re.compile(r"\b(?:it\s+is|is|are)\s+(?:therefore\s+|also\s+|further\s+|strongly\s+|hereby\s+|thus\s+)*"
                r"recommended\b", _I)),
    ("cue.worth-recommending",
     re.compile(r"\b(?:it\s+is|is)\s+(?:therefore\s+|also\s+)*worth\s+re\s?commending\b", _I)),
    ("cue.own-subject-recommends",
     re.compile(rf"\b{_OWN_SUBJECT}\s+{_GAP}(?:recommends|(?<!to\s)recommend|would\s+recommend|beveel|bevelen|beveelt|recommande|"
                rf"recommandons|empfiehlt|empfehlen)\b", _I)),
    ("cue.beveelt-de-rapporteur",
     re.compile(r"\b(?:beveelt|bevelen|beveel)\s+(?:de\s+)?(?:Nationaal\s+)?(?:Rapporteur|BNRM|NRM|ik|wij|we)\b", _I)),
    # "recommendatio n": the PDFs' text layers split words now and then
    ("cue.a-recommendation-is",
     re.compile(r"\b(?:a|the|one|my|our|this|another)\s+(?:\w+\s+)?recommendatio\s?n\s+is\s+(?:therefore\s+|also\s+)?"
                r"(?:made|to|the|that|this)\b", _I)),
    ("cue.further-recommendation",
     re.compile(r"\b(?:a|one|another|the)\s+(?:further|second|third|final|last|next|additional|other)\s+"
                r"recommendatio\s?n\b", _I)),
    # "The overall recommendation for future studies is …", "the main recommendation of this study is that"
    ("cue.overall-recommendation",
     re.compile(r"\b(?:the|our|my)\s+(?:overall|main|general|key|principal|central|primary)\s+recommendatio\s?n\s+"
                r"(?:[\w-]+\s+){0,5}?(?:is|would\s+be)\s+(?:therefore\s+|thus\s+)?(?:to|that)\b", _I)),
    # "it is advisable to", "is het raadzaam" (written from the case-law study P0109)
    ("cue.advisable",
     re.compile(r"\b(?:it\s+is|is\s+it|het\s+is|is\s+het|lijkt\s+het)\s+(?:therefore\s+|daarom\s+|dan\s+ook\s+|also\s+)*"
                r"(?:advisable|raadzaam|wenselijk)\b", _I)),
    # "strekt tot aanbeveling", "leidt tot de volgende aanbeveling", "Ik beveel daarom aan"
    ("cue.strekt-tot-aanbeveling",
     re.compile(r"\bstrekt\s+(?:het\s+)?(?:daarom\s+|dan\s+ook\s+|ook\s+)*tot\s+(?:de\s+)?aanbeveling\b", _I)),
    ("cue.ik-beveel",
     re.compile(r"\b(?:ik|wij|we)\s+(?:\w+\s+){0,3}?(?:beveel|bevelen)\b", _I)),
    ("cue.wordt-aanbevolen",
     re.compile(r"\b(?:wordt|worden)\s+(?:daarom\s+|dan\s+ook\s+|tevens\s+|ook\s+|derhalve\s+)*aanbevolen\b", _I)),
    ("cue.doet-aanbeveling",
     re.compile(r"\b(?:doet|doen|do|does|make|makes)\s+(?:de\s+|het\s+)?(?:Nationaal\s+)?(?:[Rr]apporteur|ik|wij|we|I|"
                r"the\s+(?:National\s+)?Rapporteur)\s+(?:daarom\s+|dan\s+ook\s+|ook\s+)*(?:de|een|the|a)\s+"
                r"(?:volgende\s+|following\s+)?(?:aanbeveling|recommendation)\b", _I)),
    ("cue.aanbevolen-wordt",
     re.compile(r"\b[Aa]anbevolen\s+wordt\b")),
    ("cue.aan-te-bevelen",
     re.compile(r"\b(?:is|zijn|zou\s+het|lijkt\s+het|het\s+is)\s+(?:\w+\s+){0,3}?aan\s+te\s+bevelen\b", _I)),
    ("cue.verdient-aanbeveling",
     re.compile(r"\bverdient\s+(?:het\s+)?(?:daarom\s+|dan\s+ook\s+|ook\s+|derhalve\s+|tevens\s+)*(?:de\s+)?"
                r"aanbeveling\b", _I)),
    ("cue.recommande",
     re.compile(r"\b(?:il\s+est|est|sont)\s+(?:donc\s+|également\s+)*recommandée?s?\b", _I)),
    ("cue.empfohlen",
     re.compile(r"\b(?:wird|werden)\s+(?:daher\s+|deshalb\s+|auch\s+)*empfohlen\b", _I)),
)

# a sentence that tells of an earlier or another body's recommendation
NARRATIVE = re.compile(
    r"\b(?:in\s+(?:its|the|her|his|their)\s+(?:previous|first|second|third|fourth|fifth|earlier|last|former)\s+"
    r"(?:report|evaluation|round)|previously|had\s+recommended|has\s+recommended|have\s+recommended|was\s+"
    r"recommended|were\s+recommended|eerder(?:e)?\s+(?:aanbevolen|aanbeveling)|heeft\s+\w*\s*aanbevolen|"
    r"werd\s+\w*\s*aanbevolen|vorige\s+rapportage|following\s+(?:the|GRETA'?s)\s+recommendation|"
    r"in\s+response\s+to\s+(?:the|this|GRETA'?s)\s+recommendation)\b"
    # what another text recommends: "in het WODC-rapport wordt aanbevolen", "in the Council's guidelines it is …"
    r"|\bin\s+(?:het|de|een|the|a|its|their)\s+(?:[\w’'-]+\s+){0,3}?[\w-]*(?:rapport|report|handboek|handbook|"
    r"advies|study|studie|guidelines|richtlijn|resolutie|resolution|verdrag|convention|directive|protocol|"
    r"actieplan|action\s+plan)\b", _I)
# "recommendations made in/by …", "aanbevelingen gedaan in het … waren": another text's recommendations told
_MADE_IN_OR_BY = re.compile(r"\b(?:recommendations?\s+made\s+(?:in|by)|aanbevelingen\s+(?:gedaan\s+)?(?:in|door)\s+"
                      r"(?:de|het|deze|dit)\s+\w+\s+(?:was|waren|is|zijn))\b", _I)


def tells_of_another(sentence: str) -> bool:
    """Whether a sentence tells of an earlier recommendation or of another text's (NARRATIVE)."""
    return bool(NARRATIVE.search(sentence)) or (rule_on("narrative.made-in-by") and bool(_MADE_IN_OR_BY.search(sentence)))


# a named instrument ("the Recommendation", "De Aanbeveling" of the Committee of Ministers): what it contains
INSTRUMENT = re.compile(r"\b(?:[Dd]e|[Tt]he|[Tt]his|[Dd]ie|[Ll]a|[Dd]eze)\s+(?:Recommendation|Aanbeveling|Empfehlung|"
                        r"Recommandation)\b")

PRACTICE_CUES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"\bGRETA\s+{_GAP}(?:welcomes|commends|salue|se\s+félicite|begrüßt|verwelkomt|is\s+verheugd)\b", _I),
    re.compile(r"\b(?:is|are|was|were|as|constitutes?|represents?|considered|regarded\s+as|seen\s+as|"
               r"identified\s+as|an\s+example\s+of)\s+(?:a\s+|an\s+)?(?:\w+\s+)?(?:good|promising|best|"
               r"interesting)\s+practice\b", _I),
    re.compile(r"^(?:good|promising|best)\s+practices?(?:\s+example)?\s*[:–-]", _I),
    re.compile(r"\b(?:is|zijn|als|geldt\s+als|gelden\s+als|een)\s+(?:een\s+)?(?:\w+\s+)?(?:goede|beste|"
               r"veelbelovende)\s+praktijk(?:en|voorbeeld(?:en)?)?\b", _I),
    re.compile(r"\b(?:constitue|est|sont|comme)\s+(?:une\s+|des\s+)?(?:bonnes?|prometteuses?)\s+pratiques?\b", _I),
    re.compile(r"\b(?:ist|sind|als)\s+(?:ein\s+|eine\s+)?(?:gute|vielversprechende)\s+(?:Praxis|Praktik)\b", _I),
)

# the member states as the ones recommended to: in a national body's report, an international instrument's words
_TO_MEMBER_STATES = re.compile(r"\b(?:member\s+states|lidstaten|Mitgliedstaaten|États\s+membres|states\s+parties)\b",
                               _I)
INTERNATIONAL_BODIES = ("GRETA", "Council of Europe", "OSCE", "OSCE/ODIHR", "IOM", "UNODC", "ILO",
                        "European Commission", "OSCE Special Representative (CTHB)")


def tells_of_an_instrument(sentence: str, organisations: Iterable[str]) -> bool:
    """Whether a recommendation to the member states is an international instrument's, told by a national body."""
    return bool(_TO_MEMBER_STATES.search(sentence)) and not set(organisations) & set(INTERNATIONAL_BODIES)


_DEMONSTRATIVE = re.compile(r"^(?:this|these|such|it|that|dit|deze|dat|het|ceci|cela|il|dies|diese)\b", _I)


def greta_strength(text: str) -> str | None:
    """GRETA's verb in a text, strongest first: urge, consider, invite or recommend (None when GRETA asks nothing)."""
    for strength, pattern in GRETA_CUES:
        if pattern.search(text):
            return strength
    return None


def _own_name(organisations: Iterable[str]) -> list[re.Pattern[str]]:
    return [re.compile(rf"\b{re.escape(name)}\s+{_GAP}(?:recommends|recommande|beveelt|empfiehlt)\b", _I)
            for name in organisations if len(name) >= 3]


def recommendation_strength(sentence: str, organisations: Iterable[str] = ()) -> str | None:
    """Whether a sentence recommends in the report's own voice, and how strongly (None when it does not)."""
    if tells_of_another(sentence) or INSTRUMENT.search(sentence):
        return None
    orgs = list(organisations)
    if tells_of_an_instrument(sentence, orgs):
        return None
    strength = greta_strength(sentence)
    if strength:
        return strength
    if any(rule_on(name) and p.search(sentence) for name, p in OWN_VOICE_CUES) or any(p.search(sentence) for p in _own_name(orgs)):
        return "recommend"
    return None


# "een goed voorbeeld van een wijziging …" illustrates; "een goed voorbeeld (van hoe …)" holds up
_GOOD_EXAMPLE = re.compile(r"\b(?:is|zijn)\s+een\s+goed\s+voorbeeld\b(?!\s+(?:te\s+(?:zien|vinden)\s+)?van\s+(?:een|de|het|"
                           r"dit|deze)\b)", _I)
_GOOD_EXAMPLE_SEEN = re.compile(r"\b(?:is|zijn)\s+een\s+goed\s+voorbeeld\b(?!\s+van\s+(?:een|de|het|dit|deze)\b)", _I)


def is_practice(sentence: str) -> bool:
    """Whether a sentence presents something as a good or promising practice."""
    # "is een goed voorbeeld te zien van een …" shows an example (`cue.goed-voorbeeld-te-zien`)
    good_example = _GOOD_EXAMPLE if rule_on("cue.goed-voorbeeld-te-zien") else _GOOD_EXAMPLE_SEEN
    return any(p.search(sentence) for p in PRACTICE_CUES) or bool(good_example.search(sentence))


def leans_on_previous(sentence: str) -> bool:
    """Whether a sentence names its subject only by pointing back ("This is a good practice")."""
    return bool(_DEMONSTRATIVE.match(sentence.strip()))


# any recommending word, wherever it stands: what makes a sentence outside a list a candidate at all
RECOMMENDING_WORD = re.compile(r"\b(?:re\s?commend\w*|aanbevel\w*|aanbevol\w*|aan\s+te\s+bevelen|beveel\w*|bevelen|"
                               r"recommand\w*|empf[eo]hl\w*|empfiehlt|urges?|exhorte|calls?\s+(?:up)?on|calls?\s+for|invites?|"
                               r"plead\w*|pleit\w*|verzoek\w*|beroep\s+op|roep\w*\s+\w+\s+op|encourag\w*|"
                               r"aanmoedig\w*|moedig\w*\s+\w+\s+aan)\b",
                               _I)
MODAL = re.compile(rf"\b(?:{_SHOULD[3:-1]}|moet|dient|zou|zouden|shall|sollte|il\s+faut|is\s+(?:essential|"
                   rf"necessary|important|crucial)|nodig|noodzakelijk|van\s+belang|essentieel|cruciaal|needed|required|necessary|essential|crucial|"
                   rf"raadzaam|wenselijk|advisable|desirable)\b", _I)
# a demand in the document's own voice that names no recommending word: "Ik pleit", "we call on", "verzoek uw Kamer",
# "doe ik een beroep op", "acht ik het van belang", "it is crucial that", "we encourage"
_NEEDED = r"(?:van\s+belang|noodzakelijk|nodig|wenselijk|raadzaam|essentieel|cruciaal|dringend|gewenst|zaak|geboden)"
_WE = r"(?:ik|wij|we|de\s+(?:Nationaal\s+)?[Rr]apporteur)"
_ASKER = r"(?:I|we|ik|wij)\s+(?:\w+\s+){0,3}?"
_ASKER_NOT_AND = r"(?:I|we|ik|wij)\s+(?:(?!en\b)\w+\s+){0,3}?"  # "ik onderzoek en adviseer" joins two tasks
# the writer's own judgement ("ik ben van oordeel", "naar mijn idee", "vind ik dat", "I believe") and what a demand
# says, in one clause (not across "maar", "but", a semicolon or a colon)
_JUDGEMENT = (r"(?:\b(?:(?:ik|wij|we)\s+(?:ben|zijn)\s+(?:\w+\s+){0,3}?van\s+oordeel|(?:ben|zijn)\s+(?:ik|wij|we)\s+"
              r"(?:\w+\s+){0,3}?van\s+oordeel|naar\s+(?:mijn|ons)\s+(?:idee|oordeel|mening|inzien)|mijns\s+inziens|"
              r"(?:vind\s+ik|ik\s+vind)\s+(?:(?:dan\s+)?ook\s+|daarom\s+|wel\s+)?dat|(?:I|we)\s+believe|"
              r"in\s+(?:my|our)\s+view)\b|,\s*vind\s+ik(?=\s*,))")
_SAME_CLAUSE = r"(?:(?!\bmaar\b|\bbut\b)[^;:]){0,200}?"
# (a verb that asks: not "van belang", a valuation that often only agrees; not a "zou … kunnen" of what could
# happen, not the "must be" of a surmise)
_DEMANDING = (r"\b(?:moet|moeten|dient|dienen|(?:zou|zouden)\s+(?:\w+\s+){0,8}?(?:moeten|mogen|kunnen\s+worden)|"
              r"thuis\s+(?:hoort|horen)|(?:hoort|horen)\s+(?:\w+\s+){0,4}?thuis|should|must(?!\s+(?:be|have)\b)|"
              r"ought\s+to|need\s+to|needs\s+to)\b")
_CRUCIAL_THAT = r"it\s+is\s+(?:\w+\s+){0,2}?(?:crucial|essential|vital|imperative|necessary|important)\s+that"
# each form of such a demand by the name `provenance` knows it by (the development documents it was written from)
DEMAND_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(rf"\b(?:{form})\b", _I)) for name, form in (
    ("demand.plead", rf"{_ASKER}(?:plead|pleit)"),
    ("demand.call-on", rf"{_ASKER}call\s+(?:up)?on"),
    ("demand.ask-request", rf"{_ASKER}(?:ask|request)"),
    ("demand.urge", rf"{_ASKER}urge"),
    ("demand.encourage", rf"{_ASKER}encourage"),
    # "op verzoek van" is "at the request of": someone else asked
    ("demand.verzoek", rf"{_ASKER}(?<!\bop\s)verzoek(?!\s+van\b)"),
    ("demand.beroep", rf"{_ASKER}doe\s+(?:\w+\s+){{0,2}}?beroep"),
    ("demand.vraag-roep", rf"{_ASKER}(?:vraag|roep)"),
    # "acht ik het van belang", "acht ik een verhoging … raadzaam", "De rapporteur acht het dringend"
    ("demand.acht-nodig", rf"(?:acht|achten)\s+{_WE}\s+(?:[\w’'-]+\s+){{0,14}}?{_NEEDED}|"
                          rf"{_WE}\s+(?:acht|achten)\s+(?:[\w’'-]+\s+){{0,14}}?{_NEEDED}"),
    ("demand.roep-op", r"\broep\s+(?:u|uw\s+Kamer|de\s+\w+|alle\s+\w+)\s+(?:\w+\s+){0,2}?op"),
    ("demand.of-the-opinion", r"(?:we|I)\s+(?:are|am)\s+of\s+the\s+opinion\s+that\b.{0,200}?\b(?:should|must|need\s+to|"
                              r"needs\s+to)"),
    ("demand.crucial-that", rf"{_CRUCIAL_THAT}(?!\s+(?:they|you|he|she|we|it)\b)"),
    # "The policy implication of these results is that …", "This finding calls for sustained efforts"
    ("demand.implication", r"(?:the|a|one)\s+(?:\w+\s+)?(?:policy\s+)?implications?\s+(?:[\w-]+\s+){0,8}?(?:is|are)\s+"
                           r"that"),
    ("demand.calls-for", r"(?:this|these|our)\s+(?:\w+\s+)?(?:finding|findings|results?|outcomes?)\s+(?:also\s+)?"
                         r"(?:calls?|call)\s+for"),
    # "X is also needed", "Meer bewustwording is daarom nodig"; "States are also required to provide …" states an
    # obligation the law already sets
    ("demand.also-needed", r"(?:is|are|zijn)\s+(?:also|therefore|thus|ook|daarom|dan\s+ook|tevens)\s+(?:hard\s+|urgently\s+)?"
                           r"(?:needed|required(?!\s+to\b)|nodig|vereist|noodzakelijk)"),
    # "we need to strive for …", not a call to think differently that names no measure ("We need to widen our view")
    ("demand.we-need-to", r"(?:we|wij)\s+(?:therefore\s+|also\s+)?need\s+to\s+(?!know|understand|remember|be\s+aware|"
                          r"keep\s+in\s+mind|look|widen|broaden|move\s+beyond|rethink|reframe)\w+"),
    # written from letters and speeches labelled blind after the rules above (the writing set, gold_writing.jsonl):
    # "Ik adviseer u …", "Ik zou … willen adviseren", "geef ik u nogmaals in overweging"; what to do follows ("te …"
    # in the same clause), and advising joined to research ("onderzoek … en adviseer ik de overheid") is the
    # writer's task, not advice given
    ("demand.advise", rf"(?:{_ASKER_NOT_AND}(?:adviseer|zou\s+(?:\w+\s+){{0,4}}?willen\s+adviseren)|(?<!\ben\s)adviseer\s+"
                      rf"(?:ik|wij|we)\s+(?:u|uw|de|het|dan|daarom|om))\b(?=[^;:]{{0,250}}?\bte\s+\w)|"
                      r"geef\s+(?:ik|wij|we)\s+(?:u\s+)?(?:\w+\s+)?in\s+overweging"),
    # "Met deze brief roep ik u op om …", the inverted order of "ik roep u op" (not "roep ik beelden op van …")
    ("demand.roep-ik-op", r"roep\s+(?:ik|wij|we)\s+(?:\w+\s+){0,3}?op\s+(?:om|tot|te)"),
    # the writer's own judgement and a demand in one clause: "Ik ben van oordeel dat … moet", "Naar mijn idee
    # zouden … kunnen worden …", "… moeten juridische professionals zich, vind ik, niet laten afleiden", "I believe
    # they should …", "… hoort mijns inziens thuis in …"
    ("demand.own-judgement", rf"{_JUDGEMENT}{_SAME_CLAUSE}{_DEMANDING}|{_DEMANDING}{_SAME_CLAUSE}{_JUDGEMENT}"),
    # "De toelichting verdient daarom verduidelijking" (not "verdient geen wijziging")
    ("demand.verdient", r"verdien(?:t|en)\s+(?:(?!geen\b|niet\b)\w+\s+){0,2}?(?:verduidelijking|heroverweging|"
                        r"aanpassing|aanvulling|verbetering|wijziging)"),
    # a state of affairs that calls for action: "De huidige situatie vraagt dan ook om voortvarende actie" (not
    # someone who asks for it, not "vraagt niet om")
    ("demand.vraagt-om-actie", r"(?:situatie|toestand|ontwikkeling|problematiek|dit|dat)\s+vraagt\s+"
                               r"(?:(?!geen\b|niet\b)\w+\s+){0,3}?om\s+(?:\w+\s+){0,2}?(?:actie|maatregelen|wetgeving|"
                               r"ingrijpen)"),
))
DEMAND = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in DEMAND_FORMS), _I)


# "it is important that …", whoever follows (`voice.no-actor-after-that` asks for an actor after it)
CRUCIAL_THAT = re.compile(rf"\b{_CRUCIAL_THAT}\b", _I)


# the forms in which the writer is who asks ("Ik pleit", "verzoek ik", "roep ik u op", "Ik adviseer")
FIRST_PERSON_FORMS = frozenset({"demand.plead", "demand.call-on", "demand.ask-request", "demand.urge",
                                "demand.encourage", "demand.verzoek", "demand.beroep", "demand.vraag-roep",
                                "demand.roep-op", "demand.advise", "demand.roep-ik-op"})


_FIRST_PERSON_PATTERNS = tuple((name, pattern) for name, pattern in DEMAND_FORMS if name in FIRST_PERSON_FORMS)


def first_person_demand(sentence: str) -> bool:
    """Whether a sentence makes a demand in one of the forms where the writer, in the first person, is who asks."""
    return any(rule_on(name) and pattern.search(sentence) for name, pattern in _FIRST_PERSON_PATTERNS)


def own_demand(sentence: str) -> bool:
    """Whether a sentence makes a demand in one of the DEMAND forms (those `provenance` has not switched off)."""
    if not rule_on("voice.no-actor-after-that") and rule_on("demand.crucial-that") \
            and CRUCIAL_THAT.search(sentence):
        return True
    return any(rule_on(name) and pattern.search(sentence) for name, pattern in DEMAND_FORMS)


# another body or text as the subject: a recommendation told, not made
OTHER_VOICE = re.compile(r"\b(?:Committee|Commission|Comité|CEDAW|GRECO|ombudsman|researchers|onderzoekers|"
                         r"respondents|respondenten|interviewees|the\s+study|het\s+onderzoek|de\s+studie|the\s+"
                         r"evaluation|de\s+evaluatie|the\s+inspectorate|de\s+inspectie|Council|Raad\s+van|advisory|"
                         r"adviescommissie|according\s+to|volgens)\b", _I)
PAST_RECOMMENDED = re.compile(r"\b(?:recommended|aanbevolen|beval|bevalen|urged|invited|recommandé)\b", _I)
FIRST_PERSON = re.compile(r"\b(?:I|we|ik|wij|nous|wir|the\s+(?:National\s+)?Rapporteur|de\s+(?:Nationaal\s+)?"
                          r"Rapporteur)\b")
# whom a demand can address: a prose sentence with "should" and one of these is a candidate
ACTOR = re.compile(r"\b(?:governments?|countries|states?|authorities|legislators?|legislature|police|prosecutors?|"
                   r"judiciary|courts?|municipalit(?:y|ies)|ministers?|ministr(?:y|ies)|parliament|inspectorates?|"
                   r"agencies|organi[sz]ations|professionals|regering|overheid|gemeenten?|politie|wetgever|(?-i:OM)|"
                   r"minister|rechters?|officieren|autoriteiten|instanties|kabinet)\b", _I)


# the first word of an imperative ("Ensure frontline officers …", "Update agency policies", "Consider dedicating …"):
# a capitalised word that is not a function word and has no ending of a plural, a past, a gerund, an adverb or an
# adjective; judged only inside a list that the document introduces as advice
_NOT_A_VERB_END = re.compile(r"(?:[^su]s|ed|ing|ly|al|ic|ous|ive|ful|ary|ion|ity|ness|ment|ence|ance)$")


def looks_imperative(text: str, stop_words: frozenset[str] = frozenset()) -> bool:
    """Whether an English list item starts with a verb in the imperative (a guide's advice to its reader)."""
    words = text.split()
    if len(words) < 3 or not words[0][:1].isupper() or not words[0].isalpha() or not words[1][:1].islower():
        return False
    first = words[0].lower()
    return first not in stop_words and first not in _NOT_IMPERATIVE and not _NOT_A_VERB_END.search(first)


_NOT_IMPERATIVE = frozenset("""i you he she it we they my your his her its our their this that these those there here
what which who whom whose when where why how if while because although though since unless until after before
during for from in on at by with without within about above below under over into through between among the a an
and or but nor so yet not no yes all any each every some many most more much few other such both either neither
one two three four five six seven eight nine ten first second third last next also only even just still
often always never sometimes however therefore thus hence moreover furthermore""".split())
