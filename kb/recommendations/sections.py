"""Recommendation sections of a document and the numbered (or bulleted) items in them.

A section opens at a heading such as "Recommendations", "10 Aanbevelingen", "Conclusions and recommendations" or
"Appendix – List of GRETA's proposals and recommendations", and closes at the next chapter-like heading (Summary,
Samenvatting, Bibliography, Appendix, a numbered section heading) or when no item has come for a long stretch.
Inside it, items are numbered 1, 2, 3 … in sequence (a number out of sequence is part of the text), or bulleted
when nothing is numbered; an item runs over lines and pages until the next item, a sub-heading or the section's
end. A sub-heading ("Law enforcement in the prostitution sector") is kept as the items' heading.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from .lines import Line, is_heading
from .provenance import rule_on

_REC_WORD = (r"(?:recommendations?|aanbevelingen|recommandations|empfehlungen|proposals\s+and\s+recommendations|"
             r"conclusions\s+and\s+proposals\s+for\s+action|conclusies\s+en\s+aanbevelingen|conclusions\s+and\s+"
             r"recommendations|conclusions\s+et\s+recommandations|schlussfolgerungen\s+und\s+empfehlungen)")
HEADING = re.compile(
    r"^(?:(?:appendix|annex|annexe|bijlage|anhang|chapter|hoofdstuk|chapitre|kapitel)\s*[ivx\d]*\s*[-–:.]?\s*)?"
    r"(?:\d+(?:\.\d+)*\.?\s+)?(?:(?:main|key|general|final|summary\s+of|list\s+of|overview\s+of|our|the|de|les|"
    r"die|samenvatting\s+van\s+de|overzicht\s+van\s+de|lijst\s+van|liste\s+des|greta'?s|greta’s|of)\s+)*"
    rf"{_REC_WORD}$", re.I)  # "Recommendations:" inside running text introduces a list the report tells of
_END_WORDS = (r"(?:summary|samenvatting|bibliography|bibliografie|literatuur|literature|references|appendix|"
              r"appendices|bijlagen?|annex(?:es|e)?|anhang|contents|inhoud(?:sopgave)?|résumé|zusammenfassung|"
              r"introduction|inleiding|conclusions?|conclusies?|glossary|abbreviations|afkortingen|lijst\s+van\s+"
              r"afkortingen|list\s+of\s+abbreviations|notes|noten|endnotes|government'?s\s+comments|"
              r"comments\s+of\s+the\s+government|literatur|abkürzungen)")
END_HEADING = re.compile(rf"^(?:\d+(?:\.\d+)*\.?\s+)?{_END_WORDS}(?:\s+[ivx\d]+)?(?:\s*[-–:]\s*.{{0,60}})?$", re.I)
SECTION_HEADING = re.compile(r"^(?:\d+\.\d+(?:\.\d+)*\.?\s+[A-ZÀ-Ý][^.]{2,80}|\d{1,2}\s+[A-ZÀ-Ý][A-ZÀ-Ý ,’'-]{3,60})$")
LETTER_CLOSE = re.compile(r"^(?:met\s+vriendelijke\s+groet|hoogachtend|yours\s+sincerely|kind\s+regards|"
                          r"yours\s+faithfully|veuillez\s+agréer|mit\s+freundlichen\s+grüßen)", re.I)
NUMBERED = re.compile(r"^\(?((?:(?:recommendation|aanbeveling|recommandation|empfehlung)\s+)?(\d{1,3}))(?:[.):]\s+(\S.*)|"
                      r"\.(?=[A-ZÀ-Ý(‘“'\"])(.*))$", re.I)  # "(1) Article 3 of …" too  # "55.Meer", "22.(Hulpverlenings)instanties": no space
# a recommendation under its own label: "Aanbeveling 1", "RECOMMENDATION 2 Choose interventions that …"
LABEL = re.compile(r"^(?:aanbeveling|recommendation|recommandation|empfehlung)(?:\s+(\d{1,3}(?:\.\d{1,2})?[a-z]?))?\s*:?"
                   r"(?:\s+([A-ZÀ-Ý].{0,118}))?$", re.I)
# bullet glyphs as text layers give them: "•", "»", "·", a symbol font's private-use code ("\uf0b7") or its
# Windows-1252 control byte ("\x84")
BULLET = re.compile(r"^[•▪●◦■►»·\-–*\x84\x95\uf000-\uf0ff]+\s*(\S.*)$")
_PLAIN_BULLET = re.compile(r"^[•▪●◦■►\-–*]\s*(\S.*)$")  # without the symbol fonts' glyphs


def bullet(text: str) -> re.Match[str] | None:
    """A bulleted line's match (its text in group 1): symbol fonts' glyphs count while `bullets.symbol-glyphs` is on."""
    return (BULLET if rule_on("bullets.symbol-glyphs") else _PLAIN_BULLET).match(text)


def numbered(text: str) -> re.Match[str] | None:
    """A numbered line's match (NUMBERED): "(1)" counts while `sections.parenthesised-numbers` is on."""
    match = NUMBERED.match(text)
    return None if match and text.startswith("(") and not rule_on("sections.parenthesised-numbers") else match
# the line that introduces a list of advice: "Suggestions for … include the following:", "by doing the following:",
# "Recommendations:", "de volgende aanbevelingen:"
# (not any "the following …:": "The following groups are especially vulnerable:" lists, it does not advise)
ADVICE_LIST = re.compile(r"(?:\b(?:suggestions?|recommendations?|tips|aanbevelingen|suggesties|adviezen)\b[^:]{0,80}|"
                         r"\b(?:include|includes|do|doing|consider|take|follow)\s+the\s+following(?:\s+\w+){0,2}|"
                         r"\b(?:the\s+following|de\s+volgende)\s+(?:steps|actions|measures|tips|suggestions|advice|"
                         r"strategies|ways|things\s+to\s+do|stappen|maatregelen|acties)\b[^:]{0,60}|"
                         r"^(?:recommendations|aanbevelingen|suggestions|tips))\s*:$", re.I)
# a label's title is a heading: no sentence ends in it, and it is no instrument's reference ("R (2002) 11", "Nr. 19")
_NOT_A_TITLE = re.compile(r"\.(?:\s|$)|^(?:R\s*\(|Nr\b|No\b|\(\d{4}\))")
_SENTENCE_END = re.compile(r"[.!?;:)’”\"]$")
# a numbered section heading, whose title may run on to the next line ("2  Bescherming in één alomvattend document: het")
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\s+[A-ZÀ-Ý][^.!?]{0,90}$")
_QUIET_LINES = 40
# the closing text of a list speaks of the recommendations (plural) it follows
_TALKS_OF_RECOMMENDATIONS = re.compile(r"\b(?:recommendations|aanbevelingen|recommandations|empfehlungen)\b", re.I)  # lines after the last item that close a section


@dataclass
class Item:
    """A numbered or bulleted item of a recommendations section: its lines and printed number."""

    lines: list[Line]
    number: str | None
    heading: str | None


def section_spans(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """[start, end) line ranges of the recommendation sections (the heading line excluded)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if len(lines[i].text) <= 100 and HEADING.match(lines[i].text):
            end = i + 1
            while end < len(lines) and not closes_section(lines[end].text):
                end += 1
            spans.append((i + 1, end))
            i = end
        else:
            i += 1
    return spans


_PART_HEADING = re.compile(r"^(?:section|chapter|part|hoofdstuk|deel|chapitre|kapitel)\s+\d+\b", re.I)


def closes_section(text: str) -> bool:
    """Whether a line ends a recommendations section (a chapter-like heading, another section, a letter's close)."""
    return len(text) <= 100 and bool(END_HEADING.match(text) or SECTION_HEADING.match(text) or HEADING.match(text)
                                     or LETTER_CLOSE.match(text) or _PART_HEADING.match(text))


def _starts(text: str, expected: int | None, numbered_list: bool) -> tuple[str | None, bool]:
    """(printed number, whether the line starts an item) for a line, given the number expected next."""
    match = numbered(text)
    if match and (expected is None or int(match.group(2)) == expected):
        return match.group(1), True
    if not numbered_list and bullet(text):
        return None, True
    return None, False


_ITEM_CHARS = 4000  # an item this long ends at its next sentence end (a list that nothing closes)


def section_items(lines: Sequence[Line], start: int, end: int) -> list[Item]:
    """The items of one section, in order."""
    items: list[Item] = []
    current: Item | None = None
    expected: int | None = None
    numbered_list, heading, quiet, chars = False, None, 0, 0
    short = short_line(lines[start:end])
    for i in range(start, end):
        text = lines[i].text
        number, starts = _starts(text, expected, numbered_list)
        if current is not None and not starts and rule_on("items.subheading-ends") and subheading(lines, i, short):
            heading, current = text, None  # the item ended at its paragraph; what follows is the next part's
            continue
        if starts:
            if number is not None and not numbered_list:
                numbered_list, items = True, []  # bullets before the first numbered item were the introduction's
            if number is not None:
                expected = int(_digits(number)) + 1
            current, quiet, chars = Item([lines[i]], _digits(number), heading), 0, len(text)
            items.append(current)
            continue
        following = lines[i + 1].text if i + 1 < end else ""
        if is_heading(lines, i, next_begins=_starts(following, expected, numbered_list)[1]):
            heading, current = text, None
            continue
        if current is not None and not (chars > _ITEM_CHARS and _SENTENCE_END.search(current.lines[-1].text)):
            current.lines.append(lines[i])
            chars += len(text)
            continue
        current, quiet = None, quiet + 1
        if quiet > _QUIET_LINES:
            break
    if items:
        _end_at_paragraph(items[-1], lines[start:end])
    return items


def subheading(lines: Sequence[Line], i: int, short: float) -> bool:
    """Whether a line inside a section heads a new part of it: a heading (see `is_heading`) shorter than a full
    line, after a paragraph's end (a short line closing a sentence), before a line that begins with a capital."""
    if i == 0 or not is_heading(lines, i):
        return False
    previous, width = lines[i - 1].text, len(lines[i].text)
    if not re.search(r"[.!?]$", previous):
        return False
    # after a paragraph's short last line; or, much shorter than a line (under half), after any finished sentence
    return (width < 0.9 * short / 0.75 and len(previous) < short) or width < 0.5 * short / 0.75


LONG_ITEM = 2000  # characters: an item longer than this ran on past its end (a list that nothing closes)


def end_long_item(item: Item, context: Sequence[Line]) -> None:
    """End an item that runs on for more than LONG_ITEM characters at its first paragraph end (a short line closing
    a sentence), or else at its last line that closes a sentence within LONG_ITEM characters: what follows is the
    next part's reasoning, not the item's."""
    if sum(len(line.text) for line in item.lines) <= LONG_ITEM:
        return
    short = short_line(context)
    chars, last_sentence = 0, None
    for n, line in enumerate(item.lines):
        chars += len(line.text)
        if chars > LONG_ITEM:
            break
        if re.search(r"[.!?]$", line.text):
            last_sentence = n
            if len(line.text) < short:
                del item.lines[n + 1:]
                return
    if last_sentence is not None:
        del item.lines[last_sentence + 1:]


def _end_at_paragraph(item: Item, section: Sequence[Line]) -> None:
    """End the section's last item at its first paragraph end (a short line closing a sentence): what follows is
    the section's own closing text, not the item's."""
    short = short_line(section)
    for n, line in enumerate(item.lines[:-1]):
        if not re.search(r"[.!?]$", line.text):
            continue
        rest = " ".join(later.text for later in item.lines[n + 1:])
        if len(line.text) < short or (item.lines[n + 1].text[:1].isupper() and _TALKS_OF_RECOMMENDATIONS.search(rest)):
            del item.lines[n + 1:]
            return


def item_body(item: Item) -> list[str]:
    """The item's lines with its number or bullet taken off the first."""
    first = item.lines[0].text
    match = numbered(first) if item.number is not None else bullet(first)
    if item.number is not None and match:
        head = match.group(3) if match.group(3) is not None else match.group(4)
    else:
        head = match.group(1) if match else first
    return [head] + [line.text for line in item.lines[1:]]


def short_line(lines: Sequence[Line]) -> float:
    """Below this length a line ending a sentence ends its paragraph: 75 % of a full line (the 90th percentile of
    the widths, so that headings and short lines do not lower it; lines inside a paragraph fill 85–100 %)."""
    widths = sorted(len(line.text) for line in lines) or [0]
    return 0.75 * widths[(9 * len(widths)) // 10]


def _digits(number: str | None) -> str | None:
    """The number of "Recommendation 12" or "12": "12"."""
    return re.sub(r"^\D+", "", number) if number is not None else None


def labelled_items(lines: Sequence[Line], covered: set[int]) -> list[tuple[int, Item]]:
    """Recommendations under a label of their own outside the sections ("Aanbeveling 3", "RECOMMENDATION 2 …"):
    the label's title is the heading, the text runs to the first paragraph end (or the next label)."""
    out: list[tuple[int, Item]] = []
    short = short_line(lines)
    for i, line in enumerate(lines):
        match = LABEL.match(line.text) if i not in covered and len(line.text) <= 130 and line.text[:1].isupper() else None
        title = match.group(2) if match else None
        if not match or (title and (not title[0].isupper() or _NOT_A_TITLE.search(title))):
            continue  # "Recommendation is bedoeld …", "Aanbeveling R (2002) 11. In het …": text about an instrument
        body: list[Line] = []
        start = i + 1
        while title and start < len(lines) and lines[start].text[:1].islower() and start - i < 3:
            title, start = f"{title} {lines[start].text}", start + 1  # a title that runs over two lines
        for later in range(start, min(len(lines), i + 40)):
            text = lines[later].text
            if later in covered or LABEL.match(text) or closes_section(text):
                break
            if body and (is_heading(lines, later) or (_NUMBERED_HEADING.match(text)
                                                      and _SENTENCE_END.search(body[-1].text))):
                break  # a heading after the body's last sentence: the next part's reasoning follows, not the item's
            body.append(lines[later])
            if sum(len(b.text) for b in body) > _ITEM_CHARS or (len(text) < short and re.search(r"[.!?]$", text)):
                break
        if body:
            covered.update(range(i, start + len(body)))
            out.append((i, Item([line] + body, match.group(1), title)))
    return out


def _leads_in(lines: Sequence[Line], i: int, short: float, start: int = 0) -> bool:
    """Whether a line is an item's lead-in phrase (set in bold in the PDF, which its text layer does not keep): a
    short line on its own after a finished sentence, before a paragraph that begins with a capital."""
    text = lines[i].text
    following = lines[i + 1].text if i + 1 < len(lines) else ""
    if is_heading(lines, i):
        return True
    after_sentence = i in (0, start) or bool(_SENTENCE_END.search(lines[i - 1].text)) or lines[i - 1].page != lines[i].page
    return (after_sentence and 3 <= len(text.split()) <= 16 and len(text) < 0.6 * short and text[:1].isupper()
            and text.endswith((".", ":")) and following[:1].isupper() and len(following) >= 0.6 * short)


def leadin_items(lines: Sequence[Line], start: int, end: int) -> list[Item]:
    """The items of a section that neither numbers nor bullets them: each starts at its lead-in phrase and keeps
    the paragraph that explains it, up to the next lead-in (at least two, else the section has no such items)."""
    section = lines[start:end]
    if any(LABEL.match(line.text) for line in section):
        return []  # labelled recommendations ("Recommendation 1 Arrange …") are the section's items
    short = short_line(section)
    starts = [i for i in range(start, end) if _leads_in(lines, i, short, start)]
    if len(starts) < 2:
        return []
    items: list[Item] = []
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else end
        body = list(lines[first:last])
        if len(body) > 1:
            items.append(Item(body, None, None))
    if items:  # the last item ends at its paragraph's end (its lead-in, itself a short line, stays)
        explanation = Item(items[-1].lines[1:], None, None)
        _end_at_paragraph(explanation, section)
        items[-1].lines = items[-1].lines[:1] + explanation.lines
    return items


def _paragraph_from(lines: Sequence[Line], i: int, covered: set[int], short: float,
                    ends_before: Callable[[int], bool] = lambda _: False) -> list[Line]:
    """Line i and the lines after it to its paragraph's end (a short line closing a sentence), a line already
    covered or one `ends_before` names; marks them covered."""
    body = [lines[i]]
    later = i + 1
    while later < len(lines) and later not in covered and not ends_before(later):
        if len(body[-1].text) < short and _SENTENCE_END.search(body[-1].text):
            break
        body.append(lines[later])
        later += 1
    covered.update(range(i, later))
    return body


def bullet_items(lines: Sequence[Line], covered: set[int]) -> list[tuple[int, Item]]:
    """Bulleted items outside the recommendation sections, each to the next bullet or its paragraph's end, with the
    heading or the introducing line the list stands under."""
    out: list[tuple[int, Item]] = []
    short = short_line(lines)
    heading: str | None = None
    i = 0
    while i < len(lines):
        text = lines[i].text
        if i in covered:
            i += 1
            continue
        if not bullet(text):
            if is_heading(lines, i):
                heading = text
            elif text.endswith(":"):  # the list's introduction, with the line before it when it runs over two
                heading = text if i == 0 or _SENTENCE_END.search(lines[i - 1].text) else f"{lines[i - 1].text} {text}"
            i += 1
            continue
        def ends_before(later: int) -> bool:
            text = lines[later].text
            # a heading, the next bullet, or the next list's introduction (the item, a phrase without a full
            # stop, ended before it)
            return (bullet(text) is not None or is_heading(lines, later) or closes_section(text)
                    or (text.endswith(":") and rule_on("bullets.advice-list") and ADVICE_LIST.search(text) is not None))
        body = _paragraph_from(lines, i, covered, short, ends_before)
        out.append((i, Item(body, None, heading)))
        i += len(body)
    return out


# the heading of one piece of advice in a guide: "Tip 2. Know Your Resources", "Step 3: …"
ADVICE_HEADING = re.compile(r"^(?:tip|step|suggestion)\s+\d{1,2}\s*[.:]\s+[A-ZÀ-Ý]", re.I)


def advice_paragraphs(lines: Sequence[Line], covered: set[int], imperative: Callable[[str], bool]
                      ) -> list[tuple[int, Item]]:
    """Paragraphs under a guide's advice headings ("Tip 2. Know Your Resources") that begin with an imperative
    ("Reach out and identify the best local resource …"): each one piece of advice, to its paragraph's end."""
    out: list[tuple[int, Item]] = []
    short = short_line(lines)
    under = False
    i = 0
    while i < len(lines):
        text = lines[i].text
        if ADVICE_HEADING.match(text):
            under = True
        elif is_heading(lines, i) or closes_section(text):
            under = False  # the next heading that is not a tip's ends the advice
        opens = i > 0 and (_SENTENCE_END.search(lines[i - 1].text) or is_heading(lines, i - 1)
                           or ADVICE_HEADING.match(lines[i - 1].text))
        if not under or i in covered or not opens or not imperative(text):
            i += 1
            continue
        body = _paragraph_from(lines, i, covered, short)
        out.append((i, Item(body, None, None)))
        i += len(body)
    return out
