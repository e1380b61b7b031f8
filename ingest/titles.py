"""Titles a person would recognise: a letter's subject line, and never a return address, a file name, a row of
table headers, a reference, a date, a greeting or a title cut off at the end of its first line."""
from __future__ import annotations

import re
from typing import Sequence

from kb.models import Page

# "Onderwerp Inbreng voor AO …", "Betreft: …", "Subject: …", "Objet : …", "Betreff: …"
# Dutch letters set the label in a column of its own (no colon); elsewhere the colon tells a label from a word.
# A text layer that lost its spaces glues the label to its value ("OnderwerpBeleidsdoorlichting…").
_SUBJECT = re.compile(r"^\s*(?:(?:onderwerp|betreft)(?:\s*:?\s+|(?=(?-i:[A-Z])))|(?:subject|objet|betreff|re)\s*:\s+)"
                      r"(\S.{3,})$", re.I)
_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|january|"
           "february|march|may|june|july|august|october|december")
_PROBLEMS = [
    (re.compile(r"retouradres|postbus\s*\d|^\s*>\s", re.I), "a return address"),
    (re.compile(r"\(n\s*=\s*\d+\).*\(n\s*=\s*\d+\)", re.I), "a row of table headers"),
    (re.compile(r"^[A-Z][\w'’-]+,\s+(?:[A-Z]\.\s*)+.*\(\d{4}\)"), "a reference to another publication"),
    (re.compile(rf"^\s*\d{{1,2}}\s+({_MONTHS})\b(\s+\d{{4}})?[\s,.\w]{{0,30}}$", re.I), "a date"),
    (re.compile(r"^\s*(mr\.?|mrs\.?|madam|dear|geachte|hello|ladies|dames|beste)\b", re.I), "a greeting"),
    (re.compile(r"^\s*(table of contents|contents|inhoud(sopgave)?|hoofdstuk\s+\d+|chapter\s+\d+)\b", re.I),
     "a heading of the contents"),
    (re.compile(r"^\s*(embargo|pagina\s+\d|page\s+\d)", re.I), "a page or press note"),
    (re.compile(r"stylesheet|\.indd\b|hotfolder|^\s*txd\d", re.I), "a typesetter's stamp"),
    (re.compile(r"^(persbericht|press release|communiqué de presse|pressemitteilung)\b", re.I), "a press release's label"),
    (re.compile(r"^\s*[A-Z][A-Z0-9&./-]{1,7}\s*$"), "only an acronym"),
    (re.compile(r"^\s*(?:research|policy)? ?(?:brief|report|rapport|factsheet|fact sheet|persbericht|press release|speech|"
                r"toespraak|summary|samenvatting|annual report|jaarverslag|working paper|artikel|article)\s*$", re.I),
     "only the kind of document"),
]
# A line ending in one of these words (or a comma, colon or dash) goes on on the next line.
_DANGLING = frozenset(
    "van de het een en of the a an and in op voor by for to met tegen on der des la le les du et und die das zu "
    "bij naar over als from with at".split())


def subject_line(pages: Sequence[Page]) -> str | None:
    """The subject of a letter, from the first page's `Onderwerp` / `Betreft` / `Subject` line and the lines it goes
    on on (up to the blank line or the greeting below it)."""
    lines = pages[0].text.splitlines()[:60] if pages else []
    for n, line in enumerate(lines):
        match = _SUBJECT.match(line)
        if not match:
            continue
        subject = match.group(1).strip()
        for following in lines[n + 1:n + 4]:
            following = following.strip()
            if not following or _SUBJECT.match(following) or title_problem(following, from_text=False) == "a greeting":
                break
            if not (following[:1].islower() or unfinished(subject)):
                break
            subject = f"{subject} {following}"
        subject = re.sub(r"\s+", " ", subject).strip().rstrip(".")
        if not title_problem(subject):
            return subject
    return None


def unfinished(title: str) -> bool:
    """Whether a title stops before its end (its last word needs a next one)."""
    words = title.rstrip().split()
    return bool(words) and (words[-1].lower() in _DANGLING or title.rstrip()[-1] in ",:;-–")


AUTHORS = re.compile(r"(?:\b(?:[A-Z]\.\s?){1,4}\s?(?:(?:van|de|der|den)\s)*[A-Z][\w'’-]+.*){2}|"
                     r"^[A-Z][\w'’-]+ [A-Z][\w'’-]+,\s*\d*\s*[A-Z][\w'’-]+ [A-Z][\w'’-]+|"
                     r"^[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){1,2},(?: [A-Z][A-Za-z]{1,3},)?$")


_CONNECTORS = frozenset("en and und et van de der den von mr mr. dr dr. prof prof. & phd ma llm".split())


def authors_line(text: str) -> bool:
    """A line of people's names ("A.K. Bosma, L. van Krimpen & L.M.E. Menenti"): names with initials, and hardly a
    word in lower case besides the words that join or precede names."""
    if not AUTHORS.search(text):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’.-]*", text) if w.lower() not in _CONNECTORS]
    return sum(w[:1].islower() for w in words) <= len(words) // 5


def title_problem(title: str, file_stem: str = "", from_text: bool = True) -> str | None:
    """Why a text is not a document's title (None when it can be one). `from_text`: a line of the text (which may
    be cut off at its end), rather than a title the file declares."""
    text = re.sub(r"\s+", " ", title or "").strip()
    if not text:
        return "empty"
    if file_stem and text.lower() == file_stem.lower():
        return "the file name"
    visible = text.replace(" ", "")
    letters = sum(c.isalpha() for c in visible)
    if letters < 0.6 * len(visible) or not re.search(r"[^\W\d_]{3,}", text):
        return "not words (a file name, a code or numbers)"
    for pattern, what in _PROBLEMS:
        if pattern.search(text):
            return what
    if authors_line(text):
        return "names of authors"
    if len(text) > 200 and text.endswith("."):
        return "a sentence of the text"
    if from_text and unfinished(text):
        return "cut off at the end of a line"
    return None


def completed(title: str, pages: Sequence[Page]) -> str:
    """A title cut off at the end of its line (as the largest type on page 1 can be), completed from the text."""
    if not unfinished(title):
        return title
    lines = pages[0].text.splitlines() if pages else []
    for n, line in enumerate(lines[:40]):
        if line.strip() and title.endswith(line.strip()):
            return complete_line(lines, n) if line.strip() == title else title.rstrip() + " " + \
                complete_line(lines, n)[len(line.strip()):].strip()
    return title


def complete_line(lines: list[str], at: int, limit: int = 260) -> str:
    """A title line joined with the lines it goes on on (up to two more)."""
    title = lines[at].strip()
    for following in lines[at + 1:at + 3]:
        if not unfinished(title) or not following.strip() or len(title) + len(following) > limit:
            break
        title = f"{title.rstrip('-')} {following.strip()}" if not title.endswith("-") else title[:-1] + following.strip()
    return title


# ----- speeches -----------------------------------------------------------------------------------
_SPEECH_START = re.compile(r"^(speech|toespraak|statement|address|keynote|opening (speech|remarks|address)|rede|"
                           r"discours|welcome address|openingswoord|slotwoord)\b", re.I)
_OCCASION = re.compile(r"^((on|at) the occasion|ter gelegenheid|bij gelegenheid|à l['’]occasion|anlässlich)", re.I)
AUDIENCE = re.compile(r"^\W*(your majesty|majesteit|(your )?excellenc(ies|y,? ladies)|excellenties|ladies and gentlemen|"
                      r"dames en heren|(geachte|beste) aanwezigen|mr\.? mayor|meneer de burgemeester|(dear|esteemed|"
                      r"distinguished) guests|mesdames et messieurs|sehr geehrte damen und herren)", re.I)
_ALL_MONTHS = _MONTHS + "|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_PLACE_DATE = re.compile(rf"\w,\s*\d{{1,2}}\s+({_ALL_MONTHS})\b", re.I)
_NOTE = re.compile(r"^(-\s*concept\s*-|\(.*(spoken|uitgesproken|delivery).*\)|embargo\b|check against delivery|"
                   r"\d+(\s*/\s*\d+)?$|pagina\s+\d)", re.I)


def speech_heading(pages: Sequence[Page]) -> str | None:
    """A speech's heading with its occasion ("Toespraak van … ter gelegenheid van …"), or the short lines above the
    salutation of the audience ("Journey / 14 October"): ten speeches of one speaker stay distinguishable."""
    lines = [line.strip() for line in pages[0].text.splitlines()[:40]] if pages else []
    for n, line in enumerate(lines[:15]):
        if _SPEECH_START.match(line):
            return _heading_block(lines, n)
        if AUDIENCE.match(line):
            above = [a for a in lines[:n] if a and not _NOTE.match(a) and not _PLACE_DATE.search(a)]
            if 1 <= len(above) <= 4 and sum(map(len, above)) < 200:
                return ": ".join(above)
            return None
    return None


def _heading_block(lines: list[str], start: int) -> str:
    """The heading's lines up to a blank line, and the occasion's block after it; place-and-date lines end it."""
    blocks: list[list[str]] = [[]]
    for line in lines[start:start + 14]:
        if _PLACE_DATE.search(line) or AUDIENCE.match(line) or (line and _NOTE.match(line)):
            break
        if not line:
            if blocks[-1]:
                blocks.append([])
            continue
        if not blocks[-1] and len(blocks) > 1 and not _OCCASION.match(line):
            break
        blocks[-1].append(line)
    return ": ".join(" ".join(block) for block in blocks if block)


# ----- the document's own reference (colophon) ----------------------------------------------------
_REFERENCE = re.compile(r"(?:^|\n)\s*(?:referentie|reference|citation|citeerwijze|suggested citation|how to cite|"
                        r"zitiervorschlag)\s*:\s*(?P<author>[^()\n]{4,160}?)\s*\(\s*(?P<year>(?:19|20)\d\d)\s*\)\.?\s*"
                        r"(?P<title>\S.+?)\.\s+(?P<place>[A-Z][^\W\d_]+(?:[ '’-][^\W\d_]+){0,3}):", re.I | re.S)


def own_reference(pages: Sequence[Page]) -> dict[str, str] | None:
    """The reference a publication gives for itself in its colophon ("Referentie: <author> (2015). <title>. Den Haag:
    …"): its author, year and full title."""
    for page in pages[:4]:
        match = _REFERENCE.search(page.text)
        if match:
            title = re.sub(r"\s+", " ", match.group("title")).strip()
            if 6 <= len(title) <= 300:
                return {"author": " ".join(match.group("author").split()), "year": match.group("year"),
                        "title": title, "page": str(page.number)}
    return None


# ----- the file's own title, and final touches ----------------------------------------------------
def printed_on(title: str, pages: Sequence[Page], first: int = 2) -> bool:
    """Whether a title the file declares is borne out by its first pages: printed there (ignoring case, punctuation
    and line breaks), or at least half its words of four letters or more are. An information dictionary often keeps
    the title of a template, of another edition or of a sister publication."""
    wanted = plain_text(title)
    text = " ".join(plain_text(page.text) for page in pages[:first])
    if not wanted or wanted in text:
        return bool(wanted)
    words = set(text.split())
    long = [word for word in wanted.split() if len(word) >= 4 and not word.isdigit()]
    return sum(word in words for word in long) * 2 >= len(long)


def plain_text(text: str) -> str:
    """Text compared as words: case, punctuation, soft hyphens and line breaks aside."""
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").replace("\u00ad", "").casefold()).split())


_RUBRIC = re.compile(r"^(artikel(en)?|article|annotatie(s)?|column|opinie|essay)\s*[:\-–—]?\s+(?=[^\W\d])", re.I)
_NOTE_MARK = re.compile(r"(?<=[?!.:”’)\w])\s+\d{1,2}$")


def tidied(title: str) -> str:
    """A title without a journal's rubric in front ("Artikelen …") or a footnote mark behind it ("… Toch? 2")."""
    text = re.sub(r"\s+", " ", title.replace("\u00ad", "")).strip()
    if text.endswith(".") and not text.endswith(("..", " etc.")) and not re.search(r"\b\w\.$", text):
        text = text[:-1].rstrip()  # a heading's closing full stop is no part of the title
    if len(text.split()) > 3:
        text = _RUBRIC.sub("", text)
    if not re.search(r"\b(deel|part|nr|no|volume|vol|nummer)\.?\s+\d{1,2}$", text, re.I):
        text = _NOTE_MARK.sub("", text)
    return text
