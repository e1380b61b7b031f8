"""Automatic metadata: language, organisation, symbol, GRETA round, countries, year and document type,
each with the evidence it was found in."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kb.models import LoadedDocument

# Pages read for detection: the cover and first pages say who wrote what, when and about where.
SAMPLE_PAGES = 8
SAMPLE_CHARS = 30000
# Languages the detector may answer (py3langid knows 97; restricting it avoids exotic answers on odd text).
LANGUAGES = ("en nl de fr es it pt pl ro bg el cs sk hu sv da fi no et lv lt sl hr sr sq mk uk ru tr ar zh ja ko "
             "vi th hi id ms fa he ka hy az be bs mt ga is lb ur bn ta am sw").split()
MIN_LANGUAGE_PROBABILITY = 0.6


@dataclass
class Found:
    """A detected value and where it was found; `weak` values yield to what the file itself declares."""

    value: Any
    evidence: str
    weak: bool = False


# ----- language ---------------------------------------------------------------------------------
# Short or odd texts (infographics, tables) are decided among the languages most documents of the field use.
MAIN_LANGUAGES = ("en", "nl", "de", "fr", "es", "it", "pt")


@lru_cache(maxsize=2)
def _identifier(languages: tuple[str, ...] = LANGUAGES) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([lang for lang in languages if lang in identifier.nb_classes])
    return identifier


def detect_language(text: str) -> Found | None:
    """The language of a text by py3langid (a naive Bayes identifier over byte n-grams), with its probability."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if sum(ch.isalpha() for ch in sample) < 40:
        return None
    language, probability = _identifier().classify(sample)
    among = ""
    if probability < MIN_LANGUAGE_PROBABILITY:
        language, probability = _identifier(MAIN_LANGUAGES).classify(sample)
        among = f" among {', '.join(MAIN_LANGUAGES)}"
        if probability < MIN_LANGUAGE_PROBABILITY:
            return None
    return Found(language, f"language identifier (py3langid): {language!r} with probability {probability:.2f}"
                           f"{among} over {len(sample):,} characters")


# ----- organisation ------------------------------------------------------------------------------
# (name, pattern, weight): a weight above 1 lets a body win over its parent organisation (GRETA over CoE).
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
    ("National rapporteur", r"(?i:Nationa(?:a?l|le) Rapporteur|Rapporteur national|Nationale Berichterstatter)|"
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
# Words after which a name is the publisher: letterheads, colophons, copyright lines.
_PUBLISHER_CUE = re.compile(r"(?i)(colofon|colophon|published by|publisher|uitgegeven door|uitgave|©|copyright|"
                            r"prepared by|a publication of|een uitgave van|citation|referentie|reference:)")
# where a mention counts most: the title and the author field, then the first page
_WEIGHT_TITLE, _WEIGHT_PAGE1, _WEIGHT_REST = 6.0, 3.0, 1.0


def detect_organisation(title: str, author: str, pages: list[str]) -> Found | None:
    """The organisation that speaks in the document: mentions in title, author and first page count most."""
    scores: Counter[str] = Counter()
    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    places = [("title", title, _WEIGHT_TITLE), ("author field", author, _WEIGHT_TITLE)]
    places += [(f"page {i}", text, _WEIGHT_PAGE1 if i == 1 else _WEIGHT_REST) for i, text in enumerate(pages, 1)]
    for name, pattern, weight in ORGANISATION_PATTERNS:
        regex = _compiled(pattern)
        for where, text, place_weight in places:
            matches = list(regex.finditer(text or ""))
            if not matches:
                continue
            scores[name] += weight * place_weight * min(len(matches), 5)
            # a name in the letterhead, or named as publisher, speaks for the document
            for match in matches[:5]:
                if where == "page 1" and match.start() < 400:
                    scores[name] += weight * 6.0
                elif _PUBLISHER_CUE.search(re.split(r"[.;\n]", text[max(0, match.start() - 80):match.start()])[-1]):
                    scores[name] += weight * 6.0
            counts[name] += len(matches)
            first.setdefault(name, f"{where}: “{_context(text, matches[0])}”")
    if not scores:
        return None
    name, score = scores.most_common(1)[0]
    if score < 2.0:  # one passing mention deep inside the text says little
        return None
    more = f" ({counts[name]} mentions in the first pages)" if counts[name] > 1 else ""
    return Found(name, first[name] + more)


# ----- symbol, round, year ----------------------------------------------------------------------
_GRETA_SYMBOL = re.compile(r"GRETA\s*\(\s*((?:19|20)\d\d)\s*\)\s*(\d{1,3}(?:\s*(?:rev|REV|Rev)\.?\s*\d*)?)")
_OTHER_SYMBOLS = (
    re.compile(r"\b(?:SEC|PC|MC|CIO|FSC|HDIM|ODIHR)\.(?:GAL|DEL|DEC|JOUR|FR|INF|IO|SHDM|ACMF|DD)"
               r"(?:/[A-Za-z0-9.]+){1,4}"),
    re.compile(r"\b(?:A|E|S)/(?:HRC|RES|CN\.15|CN\.6|CONF\.\d+|\d{2})/[\w./-]+\w"),
    re.compile(r"\b(?:COM|SWD)\s*\(\s*(?:19|20)\d\d\s*\)\s*\d+(?:\s+final)?"),
)
_ROUND_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
                "fifth": 5, "5th": 5, "premier": 1, "deuxième": 2, "troisième": 3, "quatrième": 4}
_ROUND = re.compile(r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th)\s+(?:evaluation\s+)?round\b|"
                    r"\b(premier|deuxième|troisième|quatrième)\s+cycle\s+d['’]évaluation", re.I)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "januari|februari|maart|mei|juni|juli|augustus|oktober|"
           "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
           "januar|februar|märz|dezember")
_DATED = re.compile(rf"\b(?:{_MONTHS})\s+((?:19|20)\d\d)\b", re.I)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*((?:19|20)\d\d)\b", re.I)
_BARE_YEAR = re.compile(r"(?<![\d/.])((?:19|20)\d\d)(?![\d/.])")


def detect_symbol(pages: list[str]) -> Found | None:
    """A document symbol: GRETA(YYYY)NN, OSCE (SEC.GAL/…, PC.DEC/…), UN (A/HRC/…) or EU (COM(YYYY) N)."""
    for number, text in enumerate(pages[:3], start=1):
        match = _GRETA_SYMBOL.search(text)
        if match:
            serial = re.sub(r"\s+", "", match.group(2))
            return Found(f"GRETA({match.group(1)}){serial}", f"page {number}: “{_context(text, match)}”")
        for regex in _OTHER_SYMBOLS:
            match = regex.search(text)
            if match:
                return Found(" ".join(match.group(0).split()), f"page {number}: “{_context(text, match)}”")
    return None


def detect_round(pages: list[str]) -> Found | None:
    """The GRETA evaluation round a report belongs to ("third evaluation round" → 3)."""
    text_all = "\n".join(pages[:4])
    if "GRETA" not in text_all:
        return None
    for number, text in enumerate(pages[:4], start=1):
        match = _ROUND.search(text)
        if match:
            word = (match.group(1) or match.group(2)).lower()
            return Found(_ROUND_WORDS[word], f"page {number}: “{_context(text, match)}”")
    return None


def detect_year(pages: list[str], symbol: Found | None) -> Found | None:
    """The publication year: from the symbol, a dated line or © on the first pages, else a year on the cover."""
    if symbol is not None:
        match = re.search(r"\(\s*((?:19|20)\d\d)\s*\)", str(symbol.value))
        if match:
            return Found(int(match.group(1)), f"document symbol {symbol.value}")
    for regex, label in ((_DATED, "date"), (_COPYRIGHT, "copyright")):
        for number, text in enumerate(pages[:2], start=1):
            match = regex.search(text)
            if match:
                return Found(int(match.group(1)), f"page {number} ({label}): “{_context(text, match)}”")
    if pages:
        years = [(int(m.group(1)), m) for m in _BARE_YEAR.finditer(pages[0]) if 1980 <= int(m.group(1)) <= 2100]
        if years:
            year, match = max(years, key=lambda item: item[0])
            return Found(year, f"page 1 (latest year on the cover): “{_context(pages[0], match)}”", weak=True)
    return None


# ----- countries ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _country_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over English, Dutch, French and German country names (and their capitalised forms)."""
    import gettext

    import pycountry

    names: dict[str, str] = {}
    translations = []
    for language in ("nl", "fr", "de"):
        try:
            translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]))
        except OSError:
            continue
    for country in pycountry.countries:
        variants = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        variants |= {t.gettext(country.name) for t in translations}
        for name in filter(None, variants):
            if "," in name or len(name) < 4:
                continue
            names[name] = country.alpha_2
            names[name.upper()] = country.alpha_2
    names.update({"Russia": "RU", "UK": "GB", "Great Britain": "GB", "USA": "US", "U.S.": "US",
                  "the United States": "US", "Holland": "NL", "Kosovo": "XK", "Czech Republic": "CZ",
                  "Moldova": "MD", "Turkey": "TR", "Türkiye": "TR"})
    ordered = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])")
    return pattern, names


def detect_countries(title: str, pages: list[str], limit: int = 3) -> Found | None:
    """The countries a document is about: named in the title or on page 1, or named again and again."""
    regex, names = _country_regex()
    scores: Counter[str] = Counter()
    first: dict[str, str] = {}
    places = [("title", title, 8.0)] + [(f"page {i}", t, 3.0 if i == 1 else 1.0) for i, t in enumerate(pages, 1)]
    for where, text, weight in places:
        for match in regex.finditer(text or ""):
            code = names[match.group(1)]
            scores[code] += weight
            first.setdefault(code, f"{where}: “{_context(text, match)}”")
    if not scores:
        return None
    top = scores.most_common(1)[0][1]
    chosen = [code for code, score in scores.most_common() if score >= max(3.0, top * 0.5)][:limit]
    if not chosen:
        return None
    return Found(",".join(chosen), "; ".join(first[c] for c in chosen))


# national bodies whose name says their country, when the text names no country often enough
_NATIONAL_BODIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NL", re.compile(r"\bNationa(?:al|le) Rapporteur(?:s)? Mensenhandel\b|\bNationaal Rapporteur\b|\bBNRM\b|"
                      r"\bDutch National Rapporteur\b")),
)


def detect_national_body_country(title: str, pages: list[str]) -> Found | None:
    """The country of a national body that speaks in the document (the Dutch "Nationaal Rapporteur" → NL)."""
    for where, text in [("title", title)] + [(f"page {i}", t) for i, t in enumerate(pages, 1)]:
        for code, pattern in _NATIONAL_BODIES:
            match = pattern.search(text or "")
            if match:
                return Found(code, f"{where}: “{_context(text, match)}” (a national body of this country)", weak=True)
    return None


# ----- document type -----------------------------------------------------------------------------
DOC_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("evaluation-report", r"evaluation report|report concerning the implementation of the Council of Europe "
                          r"Convention|rapport d['’]évaluation|evaluatierapport"),
    ("general-report", r"general report on GRETA|GRETA['’]s activities|general report"),
    ("press-release", r"press release|persbericht|communiqué de presse"),
    ("speech", r"\bspeech\b|\btoespraak\b|keynote|opening remarks|check against delivery|speaking notes"),
    ("handbook", r"handbook|\bmanual\b|handboek|handleiding|\bmanuel\b"),
    ("guide", r"\bguide\b|guidelines|guidance|toolkit|leidraad|wegwijzer"),
    ("factsheet", r"fact ?sheet"),
    ("strategy", r"national action plan|\bstrategy\b|actieplan|\bstrategie\b"),
    ("article", r"\bjournal\b|\bvol\.\s*\d|doi\.org|\bdoi:|\babstract\b|review\b.*\bissue\s+\d"),
    ("report", r"\breport\b|\brapport\b|rapportage|monitor\b|jaarverslag|annual report|\bstudy\b|onderzoek"),
)
_LETTER = re.compile(r"^(geachte|dear|sehr geehrte|madame, monsieur|excellency)\b|retouradres|ons kenmerk|"
                     r"\bour ref(erence)?\b|\bkamerbrief\b", re.I | re.M)


def detect_doc_type(title: str, pages: list[str], landscape: bool = False) -> Found | None:
    """The kind of document, from its title first, then the first page (letters and slides by their form)."""
    first_page = pages[0] if pages else ""
    letter = _LETTER.search(first_page[:1500])
    if letter:
        return Found("letter", f"page 1 (letter form): “{_context(first_page, letter)}”")
    words_per_page = sum(len(p.split()) for p in pages) / max(len(pages), 1)
    if landscape and words_per_page < 120:
        return Found("presentation", f"landscape pages with {words_per_page:.0f} words each on average (slides)")
    for where, text in (("title", title), ("page 1", first_page[:2500])):
        for doc_type, pattern in DOC_TYPE_RULES:
            match = _compiled(pattern, re.I).search(text or "")
            if match:
                return Found(doc_type, f"{where}: “{_context(text, match)}”")
    return None


# ----- all together -------------------------------------------------------------------------------
def detect_metadata(loaded: LoadedDocument, title: str) -> dict[str, Found]:
    """Every field the document's own text reveals, with evidence."""
    pages = [p.text for p in loaded.pages[:SAMPLE_PAGES]]
    found: dict[str, Found | None] = {
        "language": detect_language("\n".join(pages)),
        "organisation": detect_organisation(title, str(loaded.metadata.get("author") or ""), pages),
        "symbol": detect_symbol(pages),
        "round": detect_round(pages),
        "country": detect_countries(title, pages) or detect_national_body_country(title, pages),
        "doc_type": detect_doc_type(title, pages, bool(loaded.metadata.get("landscape"))),
    }
    found["year"] = detect_year(pages, found["symbol"])
    return {name: value for name, value in found.items() if value is not None}


@lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _context(text: str, match: re.Match[str], width: int = 40) -> str:
    """The match with a few words around it, on one line."""
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    snippet = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")
