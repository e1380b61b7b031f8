"""Automatic metadata: language, organisation, symbol, GRETA round, countries, year and document type,
each with the evidence it was found in."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from kb.models import LoadedDocument, Page

from .organisations import Found, compiled, context, detect_organisation, full_name
from .titles import AUDIENCE, own_reference, speech_heading

# Pages read for detection: the cover and first pages say who wrote what, when and about where.
SAMPLE_PAGES = 8
SAMPLE_CHARS = 30000
# Languages the detector may answer (py3langid knows 97; restricting it avoids exotic answers on odd text).
LANGUAGES = ("en nl de fr es it pt pl ro bg el cs sk hu sv da fi no et lv lt sl hr sr sq mk uk ru tr ar zh ja ko "
             "vi th hi id ms fa he ka hy az be bs mt ga is lb ur bn ta am sw").split()
MIN_LANGUAGE_PROBABILITY = 0.6


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


# ----- organisation: see organisations.py -------------------------------------------------------
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
_DATED = re.compile(rf"\b(?:{_MONTHS})\s+((?:19|20)\d\d)(?!\d)", re.I)
# a journal's running head: volume, issue or instalment ("Afl. 7 - november 2014", "A&MR 2012 Nr. 09 - 481")
_JOURNAL_HEAD = re.compile(r"(?i)\b(?:afl\.|nr\.|no\.|jaargang|jg\.|vol\.|volume|issue)\s*\d")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# a footnote or a reference that cites another text, not a running head or a date of this one
_CITING = re.compile(r"(?i)\b(zie|see|cf\.|vgl\.|ibid|annotatie|stb\.|trb\.|kamerstukken|ecli|ljn|p\.\s*\d)")
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*((?:19|20)\d\d)\b", re.I)
_PUBLISHED = re.compile(r"(?i)\b(published|publication|issued|uitgegeven|verschenen|gepubliceerd|datum|date|"
                        r"publié|veröffentlicht)\b")
_BARE_YEAR = re.compile(r"(?<![\d/.])((?:19|20)\d\d)(?![\d/.])")


def detect_symbol(pages: list[str]) -> Found | None:
    """A document symbol: GRETA(YYYY)NN, OSCE (SEC.GAL/…, PC.DEC/…), UN (A/HRC/…) or EU (COM(YYYY) N)."""
    for number, text in enumerate(pages[:3], start=1):
        match = _GRETA_SYMBOL.search(text)
        if match:
            serial = re.sub(r"\s+", "", match.group(2))
            return Found(f"GRETA({match.group(1)}){serial}", f"page {number}: “{context(text, match)}”")
        for regex in _OTHER_SYMBOLS:
            match = regex.search(text)
            if match:
                return Found(" ".join(match.group(0).split()), f"page {number}: “{context(text, match)}”")
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
            return Found(_ROUND_WORDS[word], f"page {number}: “{context(text, match)}”")
    return None


def journal_head(pages: list[str]) -> str | None:
    """The running head of a journal article (volume, issue or instalment in the first or last lines of the first
    pages, or the pages numbered on from an issue: 262, 263): None for a document published on its own."""
    edges = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages[:2]]
    for lines in edges:
        for line in lines[:3] + lines[-3:]:
            if _JOURNAL_HEAD.search(line) and _YEAR.search(line) and len(line) < 70 and not _CITING.search(line):
                return line
    numbers = [_edge_number(lines) for lines in edges]
    if len(numbers) == 2 and numbers[0] and numbers[1] == numbers[0] + 1 and numbers[0] > 2:
        return f"pages numbered {numbers[0]}, {numbers[1]} (an offprint from an issue)"
    return None


def _edge_number(lines: list[str]) -> int | None:
    for line in lines[:2] + lines[-2:]:
        match = re.match(r"^(\d{1,4})\b", line)
        if match and not re.match(r"^(19|20)\d\d", line):
            return int(match.group(1))
    return None


def detect_year(pages: list[str], symbol: Found | None) -> Found | None:
    """The publication year: from the symbol, a journal's running head, a date on a line of its own on the first
    pages, the publication's own reference or ©, else (weak) the latest year on the cover. A date inside a sentence
    tells of events, not of the publication."""
    if symbol is not None:
        match = re.search(r"\(\s*((?:19|20)\d\d)\s*\)", str(symbol.value))
        if match:
            return Found(int(match.group(1)), f"document symbol {symbol.value}")
    head = journal_head(pages)
    year = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", head or "")
    if year:
        return Found(int(year.group(1)), f"the journal's running head: “{head}”")
    for number, text in enumerate(pages[:2], start=1):
        line = _date_line(text)
        if line is not None:
            return Found(int(_DATED.search(line).group(1)), f"page {number} (date): “{' '.join(line.split())}”")
    reference = own_reference([Page(n, text) for n, text in enumerate(pages, 1)])
    if reference:
        return Found(int(reference["year"]), f"the publication's own reference (page {reference['page']})")
    return _copyright_or_cover_year(pages)


def _date_line(text: str) -> str | None:
    """The first line that dates the page itself: in its head or foot, the date standing (almost) alone or after a
    word of publishing, and neither the tail of a sentence nor a citation of another text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    edges = set(range(min(12, len(lines)))) | set(range(max(0, len(lines) - 8), len(lines)))
    for n in sorted(edges):
        line, match = lines[n], _DATED.search(lines[n])
        if not match or _CITING.search(line):
            continue
        tail = n > 0 and line.endswith(".") and not lines[n - 1].endswith((".", ":", ";", "!", "?"))
        if (len(line.split()) <= 8 and not tail) or _PUBLISHED.search(line[:match.start()]):
            return line
    return None


def _copyright_or_cover_year(pages: list[str]) -> Found | None:
    for number, text in enumerate(pages[:2], start=1):
        match = _COPYRIGHT.search(text)
        if match:
            return Found(int(match.group(1)), f"page {number} (copyright): “{context(text, match)}”")
    if pages:
        years = [(int(m.group(1)), m) for m in _BARE_YEAR.finditer(pages[0]) if 1980 <= int(m.group(1)) <= 2100]
        if years:
            year, match = max(years, key=lambda item: item[0])
            return Found(year, f"page 1 (latest year on the cover): “{context(pages[0], match)}”", weak=True)
    return None


# ----- countries ---------------------------------------------------------------------------------
# names of countries in one language that are common words of another ("Indien", German for India, is Dutch "if")
_NOT_COUNTRY_NAMES = ("Indien", "INDIEN")


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
    for word in _NOT_COUNTRY_NAMES:
        names.pop(word, None)
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
            first.setdefault(code, f"{where}: “{context(text, match)}”")
    if not scores:
        return None
    ranked = scores.most_common()
    top = ranked[0][1]
    if len(ranked) >= 8 and top < 2 * ranked[3][1]:
        return None  # many countries named about as often: a document about none of them in particular
    chosen = [code for code, score in ranked if score >= max(3.0, top * 0.5)][:limit]
    if not chosen:
        return None
    return Found(",".join(chosen), "; ".join(first[c] for c in chosen))


# national bodies whose name says their country, when the text names no country often enough
_NATIONAL_BODIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NL", re.compile(r"(?i:\bNationa(?:al|le)\s*Rapporteur(?:s)?\s*Mensenhandel|\bNationaal\s*Rapporteur\b|"
                      r"\bDutch National Rapporteur\b)|\bBNRM\b")),
)


def detect_national_body_country(title: str, pages: list[str]) -> Found | None:
    """The country of a national body that speaks in the document (the Dutch "Nationaal Rapporteur" → NL)."""
    for where, text in [("title", title)] + [(f"page {i}", t) for i, t in enumerate(pages, 1)]:
        for code, pattern in _NATIONAL_BODIES:
            match = pattern.search(text or "")
            if match:
                return Found(code, f"{where}: “{context(text, match)}” (a national body of this country)", weak=True)
    return None


def subject_country(title: str, pages: list[str], organisation: Found | None) -> Found | None:
    """The country a document is about, by evidence about the document: the countries its title names; else the
    country of the national body that issues it (the Dutch Rapporteur reports on the Netherlands, wherever its
    speeches are given); else the countries its first pages name again and again."""
    regex, names = _country_regex()
    in_title = list(dict.fromkeys(names[m.group(1)] for m in regex.finditer(title or "")))
    if in_title:
        return Found(",".join(in_title[:3]), f"title: “{title}”")
    if organisation is not None and organisation.value in NATIONAL_BODY_NAMES:
        body = detect_national_body_country(title, pages)
        if body is not None:
            return body
    return detect_countries("", pages) or detect_national_body_country(title, pages)


# organisations that are one country's national body
NATIONAL_BODY_NAMES = frozenset({"National rapporteur"})


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
    ("strategy", r"national action plan|\bstrategy\b|actieplan|\bstrategie\b|\bjaarplan\b|\bwerkplan\b|"
                 r"annual plan|work ?plan|jahresplan"),
    ("article", r"\bjournal\b|\bvol\.\s*\d|doi\.org|\bdoi:|\babstract\b|review\b.*\bissue\s+\d"),
    ("report", r"\breport\b|\brapport\b|rapportage|monitor\b|jaarverslag|annual report|\bstudy\b|onderzoek"),
)
# the form of a letter: its return address, reference numbers, subject label (also on its continuation pages)
_LETTER_FORM = re.compile(r"retouradres|\bons kenmerk|\buw kenmerk|\bour ref(erence)?\b|\bkamerbrief\b|"
                          r"^\s*(onderwerp|betreft)\b", re.I | re.M)
_SALUTATION = re.compile(r"^(geachte|dear|sehr geehrte|madame, monsieur|excellentie|excellency)\b", re.I | re.M)
_PRESS = re.compile(r"^\W*(persbericht|press release|communiqué de presse|pressemitteilung)\b|noot voor de redactie|"
                    r"notes? (to|for) (the )?editors", re.I | re.M)
_OWN_RUBRIC = re.compile(r"^\W*\d*\s*(artikel|article)\s*[:—–-]", re.I)


def _form(pages: list[str], landscape: bool, n_pages: int) -> Found | None:
    """The kind of document by its form: letter, press release, speech, journal article, slides, factsheet."""
    first, second = (pages + ["", ""])[:2]
    letter = _LETTER_FORM.search(first[:1500]) or _LETTER_FORM.search(second[:600])
    if letter:
        return Found("letter", f"letter form: “{context(letter.string, letter)}”")
    press = _PRESS.search(first[:300]) or _PRESS.search(first + second)
    if press:
        return Found("press-release", f"press release: “{context(press.string, press)}”")
    heading = speech_heading([Page(1, first)])
    if heading or any(AUDIENCE.match(line.strip()) for line in first.splitlines()[:12]):
        return Found("speech", f"a speech's heading or salutation: “{(heading or first.strip())[:80]}”")
    salutation = _SALUTATION.search(first[:1500])
    if salutation:
        return Found("letter", f"page 1 (letter form): “{context(first, salutation)}”")
    head = journal_head(pages)
    rubric = next((line for line in second.splitlines()[:3] if _OWN_RUBRIC.match(line)), None)
    if head or rubric:
        return Found("article", f"a journal article's running head: “{head or rubric.strip()}”")
    words = " ".join(pages).split()
    words_per_page = len(words) / max(len(pages), 1)
    figures = sum(any(c.isdigit() for c in word) for word in words) / max(len(words), 1)
    if landscape and words_per_page < 120 and not (n_pages <= 2 and figures > 0.15):
        return Found("presentation", f"landscape pages with {words_per_page:.0f} words each on average (slides)")
    if landscape and words_per_page < 120:
        return Found("factsheet", f"{n_pages} landscape page(s) of figures (an infographic)")
    return None


def detect_doc_type(title: str, pages: list[str], landscape: bool = False, n_pages: int | None = None) -> Found | None:
    """The kind of document: by its form first (letters, press releases, speeches, articles, slides, one-page
    factsheets), then words of its title and first page; a longer publication of no other kind is a report."""
    n_pages = len(pages) if n_pages is None else n_pages
    form = _form(pages, landscape, n_pages)
    if form is not None:
        return form
    first_page = pages[0] if pages else ""
    for where, text in (("title", title), ("page 1", first_page[:2500])):
        if where == "page 1" and n_pages <= 2:
            return Found("factsheet", f"{n_pages} page(s) that are no letter, speech, press release or article")
        for doc_type, pattern in DOC_TYPE_RULES:
            match = compiled(pattern, re.I).search(text or "")
            if match:
                return Found(doc_type, f"{where}: “{context(text, match)}”")
    if n_pages >= 5:
        return Found("report", f"a publication of {n_pages} pages that names no other kind", weak=True)
    return None


# ----- all together -------------------------------------------------------------------------------
# words of a journal's first page: the article is the journal's, its authors' affiliations are not its issuer
_JOURNAL_WORDS = re.compile(r"(?i)\bdoi\b|\babstract\b|\bjournal\b|\bvol\.\s*\d")


def detect_metadata(loaded: LoadedDocument, title: str) -> dict[str, Found]:
    """Every field the document's own text reveals, with evidence."""
    pages = [p.text for p in loaded.pages[:SAMPLE_PAGES]]
    language = detect_language("\n".join(pages))
    # only a PDF's pages are pages of paper: a text's or a web page's page count says nothing about its kind
    paged = str(loaded.original_path or loaded.source).lower().endswith(".pdf")
    doc_type = detect_doc_type(title, pages, bool(loaded.metadata.get("landscape")),
                               len(loaded.pages) if paged else 3)
    in_journal = journal_head(pages) is not None or bool(
        doc_type and doc_type.value == "article" and _JOURNAL_WORDS.search(pages[0] if pages else ""))
    organisation = detect_organisation(
        title, str(loaded.metadata.get("author") or ""), pages, article=in_journal,
        title_is_subject=doc_type is not None and doc_type.value == "letter")
    found: dict[str, Found | None] = {
        "language": language, "organisation": organisation, "symbol": detect_symbol(pages),
        "round": detect_round(pages), "country": subject_country(title, pages, organisation), "doc_type": doc_type}
    found["year"] = detect_year(pages, found["symbol"])
    if organisation is not None:
        year = found["year"]
        year = year.value if year and not (year.weak and loaded.metadata.get("file_year")) else \
            loaded.metadata.get("file_year")
        body = detect_national_body_country(title, pages) or found["country"]
        found["organisation_name"] = full_name(organisation.value, pages, language.value if language else None,
                                               year, body)
    return {name: value for name, value in found.items() if value is not None}
