"""Titles a person would recognise: a letter's subject line, and never a return address, a file name, a row of
table headers, a reference, a date, a greeting or a title cut off at the end of its first line."""
from __future__ import annotations

import re
from typing import Sequence

from kb.models import Page

# "Onderwerp Inbreng voor AO …", "Betreft: …", "Subject: …", "Objet : …", "Betreff: …"
# Dutch letters set the label in a column of its own (no colon); elsewhere the colon tells a label from a word.
_SUBJECT = re.compile(r"^\s*(?:(?:onderwerp|betreft)\s*:?|(?:subject|objet|betreff|re)\s*:)\s+(\S.{3,})$", re.I)
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
]
# A line ending in one of these words (or a comma, colon or dash) goes on on the next line.
_DANGLING = frozenset(
    "van de het een en of the a an and in op voor by for to met tegen on der des la le les du et und die das zu "
    "bij naar over als from with at".split())


def subject_line(pages: Sequence[Page]) -> str | None:
    """The subject of a letter, from the first page's `Onderwerp` / `Betreft` / `Subject` line."""
    for page in pages[:1]:
        for line in page.text.splitlines()[:60]:
            match = _SUBJECT.match(line)
            if match and not title_problem(match.group(1)):
                return re.sub(r"\s+", " ", match.group(1)).strip()
    return None


def unfinished(title: str) -> bool:
    """Whether a title stops before its end (its last word needs a next one)."""
    words = title.rstrip().split()
    return bool(words) and (words[-1].lower() in _DANGLING or title.rstrip()[-1] in ",:;-–")


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
