"""Whom a recommendation addresses, as the report names it: a minister, the legislator, the police,
municipalities, "the authorities" (English, Dutch, French, German)."""
from __future__ import annotations

import re

_I = re.I
_CAP_WORDS = r"(?:[A-ZÀ-Ý][\w’'-]*(?:\s*,\s*|\s+(?:and|en|&|of|for|van|voor)\s+|\s+)?){1,6}"
_ADDRESSEES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"\b(?:the\s+)?Minist(?:er|ers|ry|ries)\s+(?:of|for)\s+{_CAP_WORDS}"),
    re.compile(rf"\b(?:de\s+)?(?:[Mm]inisters?|[Ss]taatssecretaris|[Mm]inisterie)\s+(?:van|voor)\s+{_CAP_WORDS}"),
    re.compile(r"\b(?:[Tt]he\s+)?(?:[A-Z][a-z]+\s+)?(?:national\s+|local\s+|competent\s+|relevant\s+|public\s+|"
               r"municipal\s+|judicial\s+|law\s+enforcement\s+|immigration\s+|labour\s+)?authorities\b"),
    re.compile(r"\b[Tt]he\s+(?:Dutch\s+)?(?:government|Government|Cabinet|cabinet|legislator|legislature|Parliament|"
               r"House\s+of\s+Representatives|police|Police|Public\s+Prosecution\s+Service|Public\s+Prosecutor’?'?s?\s+"
               r"Office|judiciary|IND|Immigration\s+and\s+Naturali[sz]ation\s+Service|Labour\s+Inspectorate|"
               r"Inspectorate\s+SZW|Health\s+and\s+Safety\s+Inspectorate|Royal\s+Netherlands\s+Marechaussee|KMar|"
               r"State\s+Part(?:y|ies)|Member\s+States|European\s+Commission|EU)\b"),
    re.compile(r"\b(?:all\s+|every\s+|each\s+|the\s+)?municipalit(?:y|ies)\b", _I),
    re.compile(r"\b(?:[Dd]e\s+)?(?:wetgever|regering|overheid|politie|Openbaar\s+Ministerie|IND|Inspectie\s+SZW|"
               r"Arbeidsinspectie|Koninklijke\s+Marechaussee|KMar|rechterlijke\s+macht|Tweede\s+Kamer|kabinet|"
               r"Nederlandse\s+autoriteiten|autoriteiten)\b"),
    re.compile(r"\b(?:alle\s+|iedere\s+|elke\s+|de\s+)?gemeenten?\b", _I),
    re.compile(r"\bles\s+autorités(?:\s+(?:néerlandaises|belges|françaises|nationales|compétentes))?\b", _I),
    re.compile(r"\bdie\s+(?:\w+en\s+)?Behörden\b"),
)
_TRAILING = re.compile(r"(?:\s*,|\s+(?:and|en|&|of|for|van|voor))+\s*$")


def addressee_of(text: str) -> str | None:
    """The first body the text addresses, as written (None when it names none)."""
    found = [m for m in (p.search(text) for p in _ADDRESSEES) if m]
    if not found:
        return None
    first = min(found, key=lambda m: (m.start(), -len(m.group(0))))
    return _TRAILING.sub("", first.group(0)).strip() or None
