"""The organisation that issues a document, by the evidence about the document rather than every mention: its
letterhead, its running heads and footers, the name under a letter's closing, the publisher of a colophon; and the
organisation's full name as printed, which exports cite (the short form stays the facet)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# (name, pattern, weight): a weight above 1 lets a body win over its parent organisation (GRETA over CoE).
# Spaces may be missing where a text layer lost them ("NationaalRapporteurMensenhandel").
ORGANISATION_PATTERNS: tuple[tuple[str, str, float], ...] = (
    ("GRETA", r"\bGRETA\b|(?i:Group of Experts on Action against Trafficking)", 2.0),
    ("Council of Europe", r"(?i:Council of Europe|Conseil de l['’]Europe|Raad van Europa|Europarat)", 1.0),
    ("OSCE Special Representative (CTHB)", r"(?i:Special Representative and Co-ordinator for Combating "
                                           r"Trafficking)|\bOSR/CTHB\b", 2.0),
    ("OSCE/ODIHR", r"\bODIHR\b|(?i:Office for Democratic Institutions and Human Rights)", 1.5),
    ("OSCE", r"\bOSCE\b|(?i:Organization for Security and Co-operation in Europe)", 1.0),
    ("IOM", r"\bIOM\b|(?i:International Organization for Migration|Internationale Organisatie voor Migratie)",
     1.0),
    ("UNODC", r"\bUNODC\b|(?i:United Nations Office on Drugs and Crime)", 1.0),
    ("ILO", r"\bILO\b|(?i:International Labour Organi[sz]ation)", 1.0),
    ("European Commission", r"(?i:European Commission|Europese Commissie|Commission européenne|"
                            r"EU Anti-Trafficking Coordinator)", 1.0),
    ("National rapporteur", r"(?i:Nationa(?:a?l|le)\s*Rapporteur|Rapporteur national|Nationale Berichterstatter)|"
                            r"\bBNRM\b", 1.5),
    ("Polaris", r"\bPolaris\b", 1.0),
    ("DHS Blue Campaign", r"(?i:Blue Campaign|Department of Homeland Security)|\bDHS\b", 1.0),
    ("La Strada International", r"\bLa Strada\b", 1.0),
    ("Anti-Slavery International", r"(?i:Anti-Slavery International)", 1.0),
    ("CoMensha", r"\bCoMensha\b", 1.0),
    ("ECPAT", r"\bECPAT\b", 1.0),
    ("FairWork", r"\bFairWork\b", 1.0),
    ("Walk Free", r"\bWalk Free\b", 1.0),
    ("HEUNI", r"\bHEUNI\b", 1.0),
)
# The full name of each organisation, what a citation names as its author.
FULL_NAMES = {
    "GRETA": "Group of Experts on Action against Trafficking in Human Beings (GRETA)",
    "Council of Europe": "Council of Europe",
    "OSCE Special Representative (CTHB)": "OSCE Special Representative and Co-ordinator for Combating Trafficking "
                                          "in Human Beings",
    "OSCE/ODIHR": "OSCE Office for Democratic Institutions and Human Rights (ODIHR)",
    "OSCE": "Organization for Security and Co-operation in Europe (OSCE)",
    "IOM": "International Organization for Migration (IOM)",
    "UNODC": "United Nations Office on Drugs and Crime (UNODC)",
    "ILO": "International Labour Organization (ILO)",
    "European Commission": "European Commission",
    "Polaris": "Polaris", "DHS Blue Campaign": "U.S. Department of Homeland Security, Blue Campaign",
    "La Strada International": "La Strada International", "Anti-Slavery International": "Anti-Slavery International",
    "CoMensha": "CoMensha", "ECPAT": "ECPAT International", "FairWork": "FairWork", "Walk Free": "Walk Free",
    "HEUNI": "European Institute for Crime Prevention and Control (HEUNI)",
}
# A national rapporteur's name as printed, longest form first: the name changed with its mandate.
_PRINTED_NAMES = (
    (re.compile(r"Nationaa?l\s*Rapporteur\s*Mensenhandel\s*en\s*Seksueel\s*Geweld\s*tegen\s*Kinderen", re.I),
     "Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen", "nl"),
    (re.compile(r"National\s+Rapporteur\s+on\s+Trafficking\s+in\s+Human\s+Beings\s+and\s+Sexual\s+Violence\s+"
                r"against\s+Children", re.I),
     "National Rapporteur on Trafficking in Human Beings and Sexual Violence against Children", "en"),
    (re.compile(r"Nationaa?l\s*Rapporteur\s*Mensenhandel", re.I), "Nationaal Rapporteur Mensenhandel", "nl"),
    (re.compile(r"National\s+Rapporteur\s+on\s+Trafficking\s+in\s+Human\s+Beings", re.I),
     "National Rapporteur on Trafficking in Human Beings", "en"),
)
# Words after which a name is the publisher: letterheads, colophons, copyright lines.
_PUBLISHER_CUE = re.compile(r"(?i)(colofon|colophon|published by|publisher|uitgegeven door|uitgave|©|copyright|"
                            r"prepared by|a publication of|een uitgave van|citation|referentie|reference:)")
# The closing of a letter or foreword: the name under it signs the document.
_CLOSING = re.compile(r"(?i)(met vriendelijke groet|hoogachtend|yours sincerely|yours faithfully|kind regards|"
                      r"best regards|mit freundlichen grüßen|veuillez agréer)")
# where a mention counts most: the title and the author field, then the first page
_WEIGHT_TITLE, _WEIGHT_PAGE1, _WEIGHT_REST = 6.0, 3.0, 1.0


@dataclass
class Found:
    """A detected value and where it was found; `weak` values yield to what the file itself declares."""

    value: Any
    evidence: str
    weak: bool = False


def detect_organisation(title: str, author: str, pages: list[str], *, title_is_subject: bool = False,
                        article: bool = False) -> Found | None:
    """The organisation that speaks in the document: its letterhead, running heads, signature or colophon, and
    mentions in title, author field and first page. A letter's subject line names its topic, not its sender
    (`title_is_subject`); in a journal article (`article`) only a publisher counts, not the authors' affiliations."""
    places = [("author field", author, _WEIGHT_TITLE)]
    if not title_is_subject:
        places.insert(0, ("title", title, _WEIGHT_TITLE))
    places += [(f"page {i}", text, _WEIGHT_PAGE1 if i == 1 else _WEIGHT_REST) for i, text in enumerate(pages, 1)]
    scores: Counter[str] = Counter()
    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for name, pattern, weight in ORGANISATION_PATTERNS:
        regex = compiled(pattern)
        for where, text, place_weight in places:
            matches = list(regex.finditer(text or ""))
            if not matches:
                continue
            cues = sum(_speaks_for(where, text, match) for match in matches[:5])
            scores[name] += weight * (6.0 * cues if article else place_weight * min(len(matches), 5) + 6.0 * cues)
            counts[name] += len(matches)
            first.setdefault(name, f"{where}: “{context(text, matches[0])}”")
        scores[name] += 0.0 if article else weight * 8.0 * _running(regex, pages)
    name, score = scores.most_common(1)[0] if scores else ("", 0.0)
    if score < 2.0:  # one passing mention deep inside the text says little
        return None
    more = f" ({counts[name]} mentions in the first pages)" if counts[name] > 1 else ""
    return Found(name, first.get(name, "running heads or footers") + more)


def _speaks_for(where: str, text: str, match: re.Match[str]) -> bool:
    """A name in the letterhead, named as publisher, or signing under a closing speaks for the document."""
    if where == "page 1" and _alone_at_edge(text, match):
        return True
    if _PUBLISHER_CUE.search(re.split(r"[.;\n]", text[max(0, match.start() - 80):match.start()])[-1]):
        return True
    return bool(_CLOSING.search(text[max(0, match.start() - 160):match.start()]))


def _alone_at_edge(text: str, match: re.Match[str]) -> bool:
    """A name standing (almost) alone on its line in the first or last five lines of the page: a letterhead, a
    logo's words, a publisher's line (not a name inside a sentence or a subtitle)."""
    lines = [line for line in text.splitlines() if line.strip()]
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    at_edge = line in lines[:5] + lines[-5:]
    return at_edge and len(line) <= len(match.group(0)) + 25


def _running(regex: re.Pattern[str], pages: list[str]) -> bool:
    """Whether a name runs in the head or foot of most pages (a publisher's running line or logo), two at least."""
    edges = [lines[:3] + lines[-3:] for lines in ([l.strip() for l in p.splitlines() if l.strip()] for p in pages)]
    hits = sum(any((m := regex.search(line)) and len(line) <= len(m.group(0)) + 25 for line in lines)
               for lines in edges)
    return hits >= 2 and hits * 2 >= len(pages)


# The Dutch Rapporteur's name by period, for documents that do not print it in full: its mandate grew to sexual
# violence against children in 2012, and its publications from then on carry the longer name.
_DUTCH_RAPPORTEUR = {("nl", False): "Nationaal Rapporteur Mensenhandel",
                     ("nl", True): "Nationaal Rapporteur Mensenhandel en Seksueel Geweld tegen Kinderen",
                     ("en", False): "National Rapporteur on Trafficking in Human Beings",
                     ("en", True): "National Rapporteur on Trafficking in Human Beings and Sexual Violence against "
                                   "Children"}


def full_name(short: str, pages: list[str], language: str | None, year: Any = None,
              country: Found | None = None) -> Found | None:
    """The organisation's full name: as the document prints it (the longest form, in its own language first); else
    the name of its period (a national rapporteur whose country is known), else the name it is known by."""
    text = "\n".join(pages)
    if short == "National rapporteur":
        printed = [(name, lang, m) for regex, name, lang in _PRINTED_NAMES for m in [regex.search(text)] if m]
        if printed:
            name, _, match = sorted(printed, key=lambda item: (item[1] != language, -len(item[0])))[0]
            return Found(name, f"printed: “{context(text, match, 20)}”")
        if country is not None and country.value == "NL" and year:
            name = _DUTCH_RAPPORTEUR[("nl" if language == "nl" else "en", int(year) >= 2012)]
            return Found(name, f"the Dutch Rapporteur's name in {year}")
    if short in FULL_NAMES:
        return Found(FULL_NAMES[short], f"the full name of {short}")
    return None


@lru_cache(maxsize=256)
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A compiled regular expression, kept."""
    return re.compile(pattern, flags)


def context(text: str, match: re.Match[str], width: int = 40) -> str:
    """The match with a few words around it, on one line."""
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    snippet = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")
