"""A document's text as one stream of lines for extracting recommendations: running heads, page numbers and
line-end hyphens taken out, every line still knowing its page."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from ..models import Page
from .footnotes import footnote_lines
from .provenance import rule_on

_HEAD_WINDOW, _FOOT_WINDOW, _BLOCK_WINDOW = 3, 2, 8
_CHAPTER_SPAN = 12  # pages: three edges with the same line within this many pages are a running head
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*[-–—])?\s*$", re.I)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
def _broken_word(text: str) -> bool:
    """Whether text ends in a word broken at the line end: "con-" (a hyphen that stays, "preventie- en", has a
    space after it)."""
    return len(text) > 1 and text[-1] == "-" and text[-2].isalpha()


@dataclass
class Line:
    """One line of a document's text with its 1-based page number."""

    page: int
    text: str


def _shape(line: str) -> str:
    """A line with its numbers blanked, so "REPORT 203" and "REPORT 205" count as one running head."""
    return _DIGITS.sub("#", _SPACES.sub(" ", line.strip()))


def running_heads(pages: Sequence[Page]) -> set[str]:
    """The lines (by shape) that open or close several pages: running heads and feet."""
    counts: Counter[str] = Counter()
    where: dict[str, list[int]] = {}
    for number, page in enumerate(pages):
        lines = [ln for ln in page.text.splitlines() if ln.strip()]
        edge = lines[:_HEAD_WINDOW] + lines[-_FOOT_WINDOW:] if len(lines) > _HEAD_WINDOW + _FOOT_WINDOW else lines
        # a letter's reference block ("Datum", "Ons kenmerk", "9767") stands under its page line on every page
        if rule_on("heads.reference-block"):
            edge += [ln for ln in lines[_HEAD_WINDOW:_BLOCK_WINDOW] if len(ln.strip()) <= 30]
        shapes = {_shape(ln) for ln in edge}
        counts.update(shapes)
        for shape in shapes:
            where.setdefault(shape, []).append(number)
    needed = max(3, len(pages) // 20)
    # a chapter's running head in capitals ("RECOMMENDATIONS" over a few pages) is a head however short the chapter,
    # and so is one that opens or closes three pages within a chapter's span (a long book's short last chapter)
    return {shape for shape, n in counts.items()
            if n >= needed or (n >= 3 and (shape.isupper() or _clustered(where[shape])))}


def _clustered(pages: list[int], span: int = _CHAPTER_SPAN) -> bool:
    """Whether three of these (sorted) page numbers fall within `span` consecutive pages."""
    return any(pages[i + 2] - pages[i] < span for i in range(len(pages) - 2))


def document_lines(pages: Sequence[Page], notes: list[Line] | None = None) -> list[Line]:
    """Every line of the document in order, without running heads, page numbers, footnotes and empty lines (the
    footnotes' lines go to `notes` when a list is given)."""
    heads = running_heads(pages)
    out: list[Line] = []
    for page in pages:
        lines = [ln.strip() for ln in page.text.splitlines() if ln.strip()]
        last = len(lines) - 1
        page_notes = footnote_lines(lines)
        for i, text in enumerate(lines):
            if i in page_notes:
                if notes is not None:
                    notes.append(Line(page.number, _SPACES.sub(" ", text)))
                continue
            at_edge = i < _HEAD_WINDOW or i > last - _FOOT_WINDOW
            if at_edge and (_PAGE_NUMBER.match(text) or _shape(text) in heads):
                continue
            if i < _BLOCK_WINDOW and len(text) <= 30 and _shape(text) in heads and len(pages) > 1 \
                    and rule_on("heads.reference-block"):
                continue  # a short line of a repeated head block
            if page.number > 1 and letterhead_line(lines, i):
                continue
            out.append(Line(page.number, _SPACES.sub(" ", text)))
    return out


# the fields of a letter's reference block, repeated at the top of its later pages: "Datum 3 juni 2014", "Ons
# kenmerk", "Pagina 2 van 3", "Our reference"
_LETTERHEAD = re.compile(r"^(?:datum|date|ons\s+kenmerk|uw\s+kenmerk|onze\s+referentie|uw\s+referentie|"
                         r"our\s+ref(?:erence)?|your\s+ref(?:erence)?|pagina\s+\d+\s+van\s+\d+|page\s+\d+\s+of\s+\d+|blad\s+\d+|betreft|"
                         r"onderwerp|contactpersoon|doorkiesnummer|bijlage\(n\))\b", re.I)


def letterhead_line(lines: Sequence[str], i: int) -> bool:
    """Whether a line near the top of a page (past the first) belongs to a letter's reference block: a short field
    line ("Datum 3 juni 2014", "Ons kenmerk"), or the short value under a field that stands alone ("Datum" / "3 juni
    2014")."""
    if i >= _BLOCK_WINDOW or len(lines[i]) > 40:
        return False
    if _LETTERHEAD.match(lines[i]):
        return True
    previous = lines[i - 1] if i > 0 else ""
    return bool(_LETTERHEAD.match(previous)) and len(previous.split()) <= 2 and len(lines[i]) <= 30


def join_lines(lines: Iterable[str]) -> str:
    """Lines joined into running text: words broken at a line end mended, whitespace normalised."""
    return _SPACES.sub(" ", join_with_lines([Line(0, line) for line in lines])[0]).strip()


def join_with_lines(lines: Sequence[Line]) -> tuple[str, list[tuple[int, int]]]:
    """Lines joined as `join_lines` does, with (offset in the text, index of the line) where each line begins."""
    text, starts = "", []
    for index, line in enumerate(lines):
        piece = line.text.strip()
        if not piece:
            continue
        if _broken_word(text) and piece[:1].islower():
            starts.append((len(text) - 1, index))
            text = text[:-1] + piece
        else:
            text = f"{text} " if text else text
            starts.append((len(text), index))
            text += piece
    return text, starts


# a sentence ends at . ! ? (a footnote's number may follow the full stop of a word: "doen.44 Het"), or at the colon of
# a phrase that announces a recommendation ("doet de volgende aanbeveling: De minister …")
_STOP = r"(?<=[.!?])"
_NOTE_AFTER_STOP = r"|(?<=[^\W\d_][.!?]\d)|(?<=[^\W\d_][.!?]\d\d)"
_ANNOUNCING_COLON = r"|(?<=aanbeveling:)|(?<=recommendation:)"
_NEXT = r"[\"'’”)]*\s+(?=[\"'‘“(]?[A-ZÀ-Ý0-9•▪])"


@lru_cache(maxsize=4)
def _boundary(notes: bool, colons: bool) -> re.Pattern[str]:
    """Where sentences end: after . ! ?, and (as the rules named `split.*` are on) after a footnote's number
    following a full stop, or at an announcing colon."""
    return re.compile(f"(?:{_STOP}{_NOTE_AFTER_STOP if notes else ''}{_ANNOUNCING_COLON if colons else ''}){_NEXT}")


_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|art|arts|nr|nrs|no|nos|o\.a|bijv|resp|cf|p|pp|etc|mr|mrs|ms|dr|st|vs|jo|sr|dhr|mw|ca|incl|"
    r"par|para|paras|vol|fig|jr|prof|z\.g|m\.b\.t|t\.a\.v|i\.v\.m|n\.a\.v|d\.w\.z|m\.n|zgn|vgl|Stb|Stcrt|Kamerstukken|"
    r"II|I)\.|(?<!['’])\b[A-Z]\.)$", re.I)  # an initial, not the "s" of a plural "regio's."


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of a running text (abbreviations such as "e.g." do not end one)."""
    spans, start = [], 0
    boundary = _boundary(rule_on("split.footnote-number"), rule_on("split.recommendation-colon"))
    for match in boundary.finditer(text):
        if _ABBREVIATION.search(text[max(start, match.start() - 14):match.start()]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


_ENDS_SENTENCE = re.compile(r"[.!?;:,)’”\"]$")


def is_heading(lines: Sequence[Line], i: int, next_begins: bool | None = None) -> bool:
    """Whether a line stands alone as a heading: short, capitalised, no closing punctuation, after a finished
    sentence (or the start, or a new page) and before what it heads (`next_begins`; by default a line that begins
    with a capital)."""
    text = lines[i].text
    following = lines[i + 1].text if i + 1 < len(lines) else ""
    begins = following[:1].isupper() if next_begins is None else next_begins
    return (begins and len(text) <= 80 and text[:1].isupper() and not _ENDS_SENTENCE.search(text)
            and (i == 0 or bool(_ENDS_SENTENCE.search(lines[i - 1].text)) or lines[i - 1].page != lines[i].page))
