"""Sentences that carry a recommending word or a demand but ask for nothing in the document's own voice: a doubt or
a rhetorical question, an earlier or another text's recommendation told or quoted, talk about the recommendations,
a caveat on the study's own method, a publisher's notice, a sentence inside a quotation."""
from __future__ import annotations

import re

from .cues import ACTOR, CRUCIAL_THAT, greta_strength
from .provenance import rule_on

_I = re.I
# a doubt or an open question: "ik vraag mij af …", "Ik laat de vraag bij u", "I wonder whether", "the question is"
_DOUBT = re.compile(r"\bvra(?:ag|agt|gen)\s+(?:ik\s+|wij\s+|we\s+)?(?:mij|me|mijzelf|ons|onszelf|zich)\s+"
                    r"(?:[\w’'-]+\s+){0,8}?af\b|\b(?:I|we)\s+(?:wonder|doubt)\b|"
                    r"\b(?:ik|wij|we)\s+(?:betwijfel|twijfel)\w*|"
                    r"\blaat\s+(?:\w+\s+){0,2}?vraag\b|\b(?:de|het)\s+vraag\s+(?:is|rijst|blijft)\b|"
                    r"\bthe\s+question\s+(?:is|remains|arises)\b|\braises?\s+the\s+question\b|"
                    r"\broept\s+(?:\w+\s+){0,2}?vraag\s+op\b|\bask\s+(?:ourselves|themselves|yourself)\b", _I)
# a recommendation told rather than made: of another text ("As prescribed in the … Model Law"), made earlier ("One of
# the recommendations made in this Declaration was", "werd … het volgende aanbevolen"), quoted ("Deze aanbeveling
# luidt: …"), or followed by someone ("De Staatssecretaris volgt mijn tweede aanbeveling")
_TOLD = re.compile(
    r"\baanbeveling(?:en)?\s+(?:\w+\s+){0,2}?(?:gedaan|geformuleerd|opgesteld)\s+(?:in|door)\b"
    r"|\b(?:aanbeveling|aanbevelingen|recommendation|recommendations)\s+(?:luidt|luidde|luiden|luidden|reads|read|"
    r"was|were|stated)\b"
    # a list of earlier recommendations announced in the past tense ("Ik heb de volgende aanbevelingen gedaan:")
    r"|\b(?:heb|hebben|had|hadden)\s+(?:\w+\s+){0,3}?aanbeveling(?:en)?\s+(?:gedaan|geformuleerd|opgesteld)\b"
    r"|\b(?:recommendations?\s+(?:were|was)\s+made|(?:I|we)\s+(?:made|gave)\s+the\s+following\s+recommendations?)\b"
    # another report praising or naming, its recommendation told ("Zo prijst het Amerikaanse TIP-rapport Nederland …
    # en wordt aanbevolen …")
    r"|\b(?:prijst|praises|noemt|bekritiseert|criticises|criticizes)\s+(?:het|the|de)\s+(?:[\w-]+\s+){0,2}?"
    r"[\w-]*(?:rapport|report)\w*"
    r"|\b(?:het|the|de)\s+(?:[\w-]+\s+){0,2}?[\w-]*(?:rapport|report)\w*\s+(?:prijst|praises|bekritiseert|criticises|"
    r"criticizes)\b"
    # agreement with an earlier recommendation ("Het voorstel stemt … overeen met de aanbeveling uit de Vijfde …")
    r"|\bovereen\s+met\s+(?:de\s+|het\s+)?(?:\w+\s+){0,2}?aanbeveling"
    r"|\b(?:corresponds?|in\s+keeping|consistent)\s+(?:to|with)\s+(?:the\s+)?(?:\w+\s+){0,2}?recommendation"
    r"|\b(?:volgt|volgen|opgevolgd|overgenomen|neemt\s+\w+\s+over|implements?|implemented|follows|followed|adopts?|"
    r"adopted|accepts?|accepted)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?:aanbeveling|aanbevelingen|recommendation|recommendations)\b",
    _I)
# recommendations told as another text's or made before: "One of the recommendations made in this Declaration"
# (`narrative.made-in-by`), "In de Zevende rapportage werd … het volgende aanbevolen" (`voice.werd-aanbevolen`; cues'
# NARRATIVE, older, still tells "werd aanbevolen" with at most one word between)
_MADE_OR_GIVEN = re.compile(r"\brecommendations?\s+(?:\w+\s+){0,2}?(?:made|given|formulated|issued|adopted)\s+(?:in|by)\b", _I)
_WAS_RECOMMENDED = re.compile(r"\b(?:werd|werden)\b[^.!?]{0,60}?\baanbevolen\b", _I)


def _told(sentence: str) -> bool:
    """Whether a sentence tells of a recommendation rather than making it."""
    return bool(_TOLD.search(sentence) or (rule_on("narrative.made-in-by") and _MADE_OR_GIVEN.search(sentence))
                or (rule_on("voice.werd-aanbevolen") and _WAS_RECOMMENDED.search(sentence)))


# a demand that only restates another text's rule: "As prescribed in the … Model Law, organizations should …"
_AS_PRESCRIBED = re.compile(r"\b(?:as|zoals)\s+(?:\w+\s+){0,2}?(?:prescribed|stipulated|laid\s+down|set\s+out|"
                            r"provided\s+for|required|voorgeschreven|bepaald|vastgelegd|neergelegd)\s+(?:in|by|door)\b",
                            _I)
# talk about the recommendations: "The second recommendation is addressed to schools", "Mijn vierde aanbeveling ziet
# op …" (a letter that goes back over a recommendation), and a sentence that only announces the recommendation given
# in full after it ("Daarom doet de Nationaal Rapporteur de volgende aanbeveling.")
_ORDINAL = (r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th)|eerste|"
            r"tweede|derde|vierde|vijfde|zesde|zevende|achtste|negende|tiende|\d{1,2}e)")
_ABOUT = re.compile(r"\brecommendatio\s?ns?\s+(?:is|are)\s+(?:\w+\s+)?(?:addressed|aimed|directed)\s+(?:to|at)\b|"
                    # "A number of recommendations have related to the regulation of …"
                    r"\brecommendations?\s+(?:have|has|had)\s+(?:\w+\s+)?(?:related|referred|concerned|dealt)\b|"
                    r"\baanbeveling(?:en)?\s+(?:is|zijn)\s+(?:\w+\s+)?(?:gericht|bestemd)\s+(?:aan|op|tot)\b", _I)
# "The third and final recommendation relates to …", "This leads to the following recommendation:"
# (`voice.ordinal-talk`)
_ABOUT_ORDINAL = re.compile(rf"\b(?:my|our|mijn|onze|the|de|het)\s+(?:{_ORDINAL}\s+(?:and\s+(?:final|last)\s+|en\s+laatste\s+)?|"
                    r"(?:final|last|laatste)\s+)(?:recommendation|aanbeveling)\s+(?:concerns|relates|refers|deals|"
                    r"is\s+about|ziet|betreft|gaat|heeft\s+betrekking)\b|"
                    r"\b(?:the|de|het)\s+(?:following|volgende)\s+(?:\w+\s+)?(?:recommendations?|aanbeveling(?:en)?|"
                    r"adviezen|advies)\s*[.:]?\s*$", _I)
# a caveat on how a study's results are to be read, and the study's own definitions and method
_LIMITATION = re.compile(r"^(?:de|een|the|a|one)\s+(?:\w+\s+){0,2}?(?:kanttekening|beperking|caveat|limitation)\w*\s+"
                         r"(?:\w+\s+){0,6}?(?:is|was|zijn|are)\b", _I)
_CAVEAT = re.compile(r"\b(?:results|findings|figures|data|estimates|numbers|cijfers|resultaten|gegevens|uitkomsten)\s+"
                     r"(?:\w+\s+){0,3}?(?:should|must|cannot|can\s*not|moeten|dienen|kunnen\s+niet)\s+(?:\w+\s+){0,2}?"
                     r"(?:be\s+)?(?:interpreted|read|compared|treated|generali[sz]ed|geïnterpreteerd|gelezen|"
                     r"vergeleken|gegeneraliseerd)\b", _I)
_OWN_METHOD = re.compile(r"\b(?:our|this|the\s+present|deze|dit|ons|onze)\s+(?:definition|definitie|study|studie|"
                         r"onderzoek|analysis|analyse|research|methodology|method|methode|estimates?|schatting\w*|"
                         r"sample|steekproef)\b", _I)
# a court's reasoning told or quoted: "The Court further notes that …", "in its view", a case cited "(see Opuz v. Turkey"
_COURTS_REASONING = re.compile(r"\b[Tt]he\s+Court\s+(?:further\s+|also\s+)?(?:notes|considers|observes|finds|reiterates|"
                               r"recalls|held|holds|noted|considered|observed|found)\b|\bin\s+its\s+view\b|"
                               r"\(see[^()]{0,60}?\sv\.\s+[A-Z]")
# a publisher's or journal's notice
_NOTICE = re.compile(r"\b(?:kunt\s+u\s+terecht|voor\s+vragen\s+over|abonnement\w*|abonnee\w*|"
                     r"subscri(?:be|ber|bers|ption|ptions)|oplage|print\s+runs?|"
                     r"ISBN|ISSN|copyright|all\s+rights\s+reserved|alle\s+rechten\s+voorbehouden|niets\s+uit\s+deze\s+"
                     r"uitgave|losse\s+nummers)\b|©", _I)
# advice to the reader ("I ask that you take a moment", "we encourage you to"): an instruction, not a recommendation
_TO_THE_READER = re.compile(r"\b(?:ask|request|urge|encourage|call\s+(?:up)?on|invite)\s+(?:that\s+)?"
                            r"(?:you|yourself|yourselves|everyone|readers?|students|parents|caregivers|teens|teenagers|"
                            r"youth|young\s+people|kids|survivors)\b", _I)
_BARE_NEEDED = re.compile(r"^(?:het|it|dit|this|dat|that)\s+is\s+(?:(?:ook|also|daarom|therefore|dan\s+ook)\s+)*"
                          r"(?:nodig|needed|necessary|noodzakelijk|vereist|required)\b", _I)
_CONDITIONAL = re.compile(r"^(?:if|unless|indien|mocht|mochten|should\s+\w+\s+\w+)\b", _I)


def asks_nothing(sentence: str) -> bool:
    """Whether a sentence with a recommending word asks for nothing in the document's own voice: a question or a
    doubt, a recommendation told or quoted, talk about recommendations, a caveat on reading results, a notice."""
    if sentence.rstrip().rstrip("”’\"'").endswith("?"):
        return True
    # GRETA's own demand may point back: "GRETA urges … to implement the recommendations made in its first report"
    if _told(sentence) and not greta_strength(sentence):
        return True
    return talks_about_recommendations(sentence) \
        or any(p.search(sentence) for p in (_DOUBT, _CAVEAT, _NOTICE, _COURTS_REASONING, _LIMITATION))


_TOLD_LIST = re.compile(r"\b(?:(?:heb|hebben|had|hadden)\s+(?:\w+\s+){0,3}?aanbeveling(?:en)?\s+(?:gedaan|geformuleerd)|"
                        r"recommendations?\s+(?:were|was)\s+made|(?:I|we)\s+(?:made|gave)\s+the\s+following\s+"
                        r"recommendations?)\b[^:]{0,40}:", _I)


def announces_earlier_list(sentence: str) -> bool:
    """Whether a sentence opens a list of recommendations made earlier ("Ik heb de volgende aanbevelingen gedaan:"):
    the items after it are told, not made afresh."""
    return bool(_TOLD_LIST.search(sentence))


def talks_about_recommendations(sentence: str) -> bool:
    """Whether a sentence talks about a recommendation rather than making it ("The second recommendation relates to
    the drafting of orientation points", "De tweede aanbeveling is gericht aan gemeenten")."""
    return bool(_ABOUT.search(sentence) or (rule_on("voice.ordinal-talk") and _ABOUT_ORDINAL.search(sentence)))


def weak_demand(sentence: str) -> bool:
    """Whether a prose demand without a recommending word is too weak to count where a document has no
    recommendations section: advice to the reader, a condition ("If …"), the study's own method or definition, a
    rule restated from another text ("As prescribed in …"), "it is important that" with no actor to act, or a bare
    pronoun said to be needed ("Het is ook nodig, omdat …": the measure is named elsewhere)."""
    if _TO_THE_READER.search(sentence) or _CONDITIONAL.match(sentence.strip()) \
            or (rule_on("voice.own-method") and _OWN_METHOD.search(sentence)) \
            or (rule_on("voice.as-prescribed") and _AS_PRESCRIBED.search(sentence)) or _BARE_NEEDED.match(sentence.strip()):
        return True
    match = CRUCIAL_THAT.search(sentence) if rule_on("voice.no-actor-after-that") else None
    return bool(match) and not ACTOR.search(sentence[match.end():])


# a quotation's opening mark: curly or low double quotes, guillemets, or a single opening quote before a capital (a
# lone "‘" is also written for the apostrophe of "‘s")
_OPENING = re.compile(r"[“„«]|‘(?=[A-ZÀ-Ý])")
_CLOSING = re.compile(r"[”»]|’(?!\w)")


def demand_in_quotation(sentence: str, demand: "re.Pattern[str]") -> bool:
    """Whether a sentence's demand lies inside a quotation opened within it ("Article 4 “States should condemn …"):
    the words are the quoted text's, not the document's."""
    opened = _OPENING.search(sentence)
    if not opened:
        return False
    found = demand.search(sentence, opened.end())
    return bool(found) and not _CLOSING.search(sentence, opened.end(), found.start()) \
        and not demand.search(sentence[:opened.start()])


def inside_quotation(text: str, offset: int, window: int = 400) -> bool:
    """Whether a position of a running text lies inside a quotation opened before it (curly quotes, or an odd number
    of straight double quotes, within `window` characters)."""
    before = text[max(0, offset - window):offset]
    if before.rfind("“") > before.rfind("”"):
        return True
    return before.count('"') % 2 == 1
