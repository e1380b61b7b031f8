"""Recommendation and practice forms that are blocks rather than sentences: the rows of a DO/DON'T table, the
numbered sub-sections a text announces as its options or proposals ("Hier worden er drie genoemd. 3.1 …"), and
the titled descriptions of programmes a document introduces as effective ("The following programs have
effectively implemented …")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from .lines import Line, is_heading
from .sections import closes_section, short_line

# the header row of a two-column table of advice: "DO DON'T", "Do's and Don'ts", "Wel Niet"
DO_DONT = re.compile(r"^(?:do'?s?|do’s?)\s*(?:and|&|/|en)?\s*(?:don'?ts?|don’ts?)$", re.I)
# a paragraph that introduces programmes or practices as effective or good in the document's own voice
EFFECTIVE_INTRO = re.compile(
    r"\b(?:the\s+following|these|de\s+volgende|deze)\s+(?:\w+\s+){0,3}?(?:programs|programmes|practices|"
    r"initiatives|projects|models|approaches|programma'?s|praktijken|initiatieven|projecten)\s+(?:\w+\s+){0,3}?"
    r"(?:have\s+(?:\w+\s+)?(?:effectively|successfully)|are\s+(?:examples\s+of\s+)?(?:good|best|promising|effective)|"
    r"zijn\s+(?:voorbeelden\s+van\s+)?(?:goede|veelbelovende|effectieve))", re.I)
# the count of options a text announces before numbered sub-sections: "Hier worden er drie genoemd", "three options"
_COUNT = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6}
OPTIONS = re.compile(r"\b(?:options|proposals|possibilities|measures|improvements|suggestions|mogelijkheden|opties|"
                     r"voorstellen|maatregelen|verbeteringen|suggesties|verbeterpunten)\b", re.I)
_COUNT_WORD = re.compile(rf"\b({'|'.join(_COUNT)}|[2-6])\b", re.I)
SUBSECTION = re.compile(r"^(\d{1,2}\.\d{1,2})\s+(\S.{2,80})$")
_FOOTNOTE = re.compile(r"^\d{1,3}\.?\s+\S")
_SENTENCE_END = re.compile(r"[.!?]['’”\"]?$")
# a heading after the descriptions that opens the back matter ("IACP Resources", "Further reading")
_BACK_MATTER = re.compile(r"\b(?:resources|references|reading|contacts|notes|endnotes|acknowledg\w*|bronnen|"
                          r"literatuur)$", re.I)
_MAX_LINES = 60
_QUOTES = re.compile(r"[“”\"‘’]")


@dataclass
class Block:
    """A block's first line (index into the document's lines), its lines and its printed number."""

    first: int
    lines: list[Line]
    number: str | None = None


def do_dont_rows(lines: Sequence[Line], covered: set[int], imperative: Callable[[str], bool]) -> list[Block]:
    """The rows of a DO/DON'T table: the text layer gives the cells row by row, each opening with an imperative
    lead-in after a finished sentence; a row is its DO cell and the DON'T cell after it."""
    out: list[Block] = []
    for i, line in enumerate(lines):
        if i in covered or not DO_DONT.match(line.text):
            continue
        cells: list[list[int]] = []
        j = i + 1
        while j < len(lines) and j - i < 4 * _MAX_LINES and lines[j].page - line.page <= 1:
            text = lines[j].text
            if closes_section(text) or (is_heading(lines, j) and not imperative(text)) or _FOOTNOTE.match(text):
                break
            opens = not cells or _SENTENCE_END.search(lines[j - 1].text)
            if opens and imperative(_QUOTES.sub("", text)):  # "Use “textbook” language."
                cells.append([j])
            elif cells:
                cells[-1].append(j)
            else:
                break
            j += 1
        for k in range(0, len(cells) - 1, 2):
            row = cells[k] + cells[k + 1]
            out.append(Block(row[0], [lines[n] for n in row]))
        covered.update(range(i, j))
    return out


def announced_subsections(lines: Sequence[Line], covered: set[int]) -> list[Block]:
    """Numbered sub-sections ("3.1 multidisciplinaire screening") that the paragraph before them announces as so
    many options or proposals ("mogelijkheden … Hier worden er drie genoemd"): each is an item, from its body after
    the title to the next sub-section or heading."""
    out: list[Block] = []
    i = 0
    while i < len(lines):
        match = SUBSECTION.match(lines[i].text) if i not in covered else None
        if not match or _SENTENCE_END.search(lines[i].text) or not match.group(1).endswith(".1"):
            i += 1
            continue
        before = " ".join(line.text for line in lines[max(0, i - 6):i])
        counted = _COUNT_WORD.findall(before[-300:])
        wanted = _COUNT.get(counted[-1].lower(), None) if counted else None
        wanted = wanted or (int(counted[-1]) if counted and counted[-1].isdigit() else None)
        if not wanted or not OPTIONS.search(before):
            i += 1
            continue
        chapter = match.group(1).split(".")[0]
        heads = [i]
        for j in range(i + 1, min(len(lines), i + wanted * _MAX_LINES)):
            m = SUBSECTION.match(lines[j].text)
            if m and m.group(1) == f"{chapter}.{len(heads) + 1}":
                heads.append(j)
                if len(heads) == wanted:
                    break
        if len(heads) != wanted:
            i += 1
            continue
        for n, head in enumerate(heads):
            body: list[Line] = []
            for j in range(head + 1, min(len(lines), head + _MAX_LINES)):
                text = lines[j].text
                if (n + 1 < len(heads) and j == heads[n + 1]) or SUBSECTION.match(text) or closes_section(text) \
                        or _FOOTNOTE.match(text):
                    break
                body.append(lines[j])
            if body:
                out.append(Block(head + 1, body, SUBSECTION.match(lines[head].text).group(1)))
                covered.update(range(head, head + 1 + len(body)))
        i = heads[-1] + 1
    return out


def effective_practices(lines: Sequence[Line], covered: set[int]) -> list[Block]:
    """The titled descriptions that follow a paragraph introducing programmes as effective or good ("The following
    programs have effectively implemented …"): each from the line after its title to the next title or its first
    footnote; footnotes and broken lines between descriptions are passed over, and the run ends at a chapter's
    heading or a title without a description."""
    out: list[Block] = []
    i = 0
    while i < len(lines):
        window = " ".join(line.text for line in lines[i:i + 4])
        if i in covered or not EFFECTIVE_INTRO.search(window):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not _title(lines, j) and j - i <= 15:  # the introduction, to the first title
            j += 1
        count = 0
        while j < len(lines) and _title(lines, j) and count < 12:
            body: list[Line] = []
            k = j + 1
            while k < len(lines) and not is_heading(lines, k) and not _FOOTNOTE.match(lines[k].text) \
                    and len(body) < 2 * _MAX_LINES:
                body.append(lines[k])
                k += 1
            if len(body) < 3 or not body[0].text[:1].isupper():
                break
            out.append(Block(j + 1, body))
            count += 1
            covered.update(range(j, k))
            skip = k  # past the footnotes and the rest of the description, to the next title
            while skip < len(lines) and skip - k < 20 and not _title(lines, skip):
                skip += 1
            j = skip
        i = max(i + 1, j)
    return out


def _title(lines: Sequence[Line], i: int) -> bool:
    """A description's title: a heading of two words or more that is no chapter's and no broken line ("The D")."""
    words = lines[i].text.split()
    return (len(words) >= 2 and len(words[-1]) >= 2 and is_heading(lines, i) and not closes_section(lines[i].text)
            and not _FOOTNOTE.match(lines[i].text) and not _BACK_MATTER.search(lines[i].text))
