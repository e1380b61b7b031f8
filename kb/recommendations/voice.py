"""Sentences that carry a recommending word or a demand but ask for nothing in the document's own voice: a doubt or
a rhetorical question, an earlier or another text's recommendation told or quoted, talk about the recommendations,
a caveat on the study's own method, a publisher's notice, a sentence inside a quotation."""
from __future__ import annotations

import re

from .cues import ACTOR, greta_strength

_I = re.I
# a doubt or an open question: "ik vraag mij af …", "Ik laat de vraag bij u", "I wonder whether", "the question is"
_DOUBT = re.compile(r"\bvra(?:ag|agt|gen)\s+(?:ik\s+|wij\s+|we\s+)?(?:mij|me|mijzelf|ons|onszelf|zich)\s+"
                    r"(?:[\w’'-]+\s+){0,8}?af\b|\b(?:I|we)\s+(?:wonder|doubt)\b|"
                    r"\b(?:ik|wij|we)\s+(?:betwijfel|twijfel)\w*|"
                    r"\blaat\s+(?:\w+\s+){0,2}?vraag\b|\b(?:de|het)\s+vraag\s+(?:is|rijst|blijft)\b|"
                    r"\bthe\s+question\s+(?:is|remains|arises)\b", _I)
# a recommendation told rather than made: of another text ("As prescribed in the … Model Law"), made earlier ("One of
# the recommendations made in this Declaration was", "werd … het volgende aanbevolen"), quoted ("Deze aanbeveling
# luidt: …"), or followed by someone ("De Staatssecretaris volgt mijn tweede aanbeveling")
_TOLD = re.compile(
    r"\brecommendations?\s+(?:\w+\s+){0,2}?(?:made|given|formulated|issued|adopted)\s+(?:in|by)\b"
    r"|\baanbevelingen?\s+(?:\w+\s+){0,2}?(?:gedaan|geformuleerd|opgesteld)\s+(?:in|door)\b"
    r"|\b(?:aanbeveling|aanbevelingen|recommendation|recommendations)\s+(?:luidt|luidde|luiden|luidden|reads|read|"
    r"was|were|stated)\b"
    r"|\b(?:werd|werden)\b[^.!?]{0,60}?\baanbevolen\b"
    r"|\b(?:volgt|volgen|opgevolgd|overgenomen|neemt\s+\w+\s+over|implements?|implemented|follows|followed|adopts?|"
    r"adopted|accepts?|accepted)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?:aanbeveling|aanbevelingen|recommendation|recommendations)\b",
    _I)
# a demand that only restates another text's rule: "As prescribed in the … Model Law, organizations should …"
_AS_PRESCRIBED = re.compile(r"\b(?:as|zoals)\s+(?:\w+\s+){0,2}?(?:prescribed|stipulated|laid\s+down|set\s+out|"
                            r"provided\s+for|required|voorgeschreven|bepaald|vastgelegd|neergelegd)\s+(?:in|by|door)\b",
                            _I)
# talk about the recommendations: "The second recommendation is addressed to schools"
_ABOUT = re.compile(r"\brecommendatio\s?ns?\s+(?:is|are)\s+(?:\w+\s+)?(?:addressed|aimed|directed)\s+(?:to|at)\b|"
                    r"\baanbevelingen?\s+(?:is|zijn)\s+(?:\w+\s+)?(?:gericht|bestemd)\s+(?:aan|op|tot)\b", _I)
# a caveat on how a study's results are to be read, and the study's own definitions and method
_CAVEAT = re.compile(r"\b(?:results|findings|figures|data|estimates|numbers|cijfers|resultaten|gegevens|uitkomsten)\s+"
                     r"(?:\w+\s+){0,3}?(?:should|must|cannot|can\s*not|moeten|dienen|kunnen\s+niet)\s+(?:\w+\s+){0,2}?"
                     r"(?:be\s+)?(?:interpreted|read|compared|treated|generali[sz]ed|geïnterpreteerd|gelezen|"
                     r"vergeleken|gegeneraliseerd)\b", _I)
_OWN_METHOD = re.compile(r"\b(?:our|this|the\s+present|deze|dit|ons|onze)\s+(?:definition|definitie|study|studie|"
                         r"onderzoek|analysis|analyse|research|methodology|method|methode|estimates?|schatting\w*|"
                         r"sample|steekproef)\b", _I)
# a publisher's or journal's notice
_NOTICE = re.compile(r"\b(?:abonnement\w*|abonnee\w*|subscri(?:be|ber|bers|ption|ptions)|oplage|print\s+runs?|"
                     r"ISBN|ISSN|copyright|all\s+rights\s+reserved|alle\s+rechten\s+voorbehouden|niets\s+uit\s+deze\s+"
                     r"uitgave|losse\s+nummers)\b|©", _I)
# advice to the reader ("I ask that you take a moment", "we encourage you to"): an instruction, not a recommendation
_TO_THE_READER = re.compile(r"\b(?:ask|request|urge|encourage|call\s+(?:up)?on|invite)\s+(?:that\s+)?"
                            r"(?:you|yourself|yourselves|everyone|readers?)\b", _I)
_IT_IS_THAT = re.compile(r"\bit\s+is\s+(?:\w+\s+){0,2}?(?:crucial|essential|vital|imperative|necessary|important)\s+"
                         r"that\b", _I)
_CONDITIONAL = re.compile(r"^(?:if|unless|indien|mocht|mochten|should\s+\w+\s+\w+)\b", _I)


def asks_nothing(sentence: str) -> bool:
    """Whether a sentence with a recommending word asks for nothing in the document's own voice: a question or a
    doubt, a recommendation told or quoted, talk about recommendations, a caveat on reading results, a notice."""
    if sentence.rstrip().rstrip("”’\"'").endswith("?"):
        return True
    # GRETA's own demand may point back: "GRETA urges … to implement the recommendations made in its first report"
    if _TOLD.search(sentence) and not greta_strength(sentence):
        return True
    return any(p.search(sentence) for p in (_DOUBT, _ABOUT, _CAVEAT, _NOTICE))


def weak_demand(sentence: str) -> bool:
    """Whether a prose demand without a recommending word is too weak to count where a document has no
    recommendations section: advice to the reader, a condition ("If …"), the study's own method or definition, a
    rule restated from another text ("As prescribed in …"), or "it is important that" with no actor to act."""
    if _TO_THE_READER.search(sentence) or _CONDITIONAL.match(sentence.strip()) or _OWN_METHOD.search(sentence) \
            or _AS_PRESCRIBED.search(sentence):
        return True
    match = _IT_IS_THAT.search(sentence)
    return bool(match) and not ACTOR.search(sentence[match.end():])


def inside_quotation(text: str, offset: int, window: int = 400) -> bool:
    """Whether a position of a running text lies inside a quotation opened before it (curly quotes, or an odd number
    of straight double quotes, within `window` characters)."""
    before = text[max(0, offset - window):offset]
    if before.rfind("“") > before.rfind("”"):
        return True
    return before.count('"') % 2 == 1
