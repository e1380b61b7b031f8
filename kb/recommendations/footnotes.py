"""Footnotes at the foot of a page (or of a column), found without font sizes (text layers do not keep them): a line
in the lower part of the page that opens with a note number the text above refers to ("… verklaren.74", "… gedaan,
73 terwijl") or that follows the previous note's number, with the lines that continue it. Footnotes cite and quote
other bodies, so they are kept out of the running text that recommendations are read from."""
from __future__ import annotations

import re
from typing import Sequence

# "73 In het plan …", "74 Art. 344a Sv.", "92 www.…": a note number, a space, then text (not another number)
_NOTE_START = re.compile(r"^(\d{1,3})\s+(?=[^\d\s])")
_NOTE_END = re.compile(r"\.$")
_TOP_SHARE = 0.25  # a note never starts in the top quarter of a page's lines


def _referenced(body: str, number: str) -> bool:
    """Whether the text above holds the note's marker: the number glued to a word or a punctuation mark ("STV92",
    "verklaren.74"), or after a punctuation mark and a space ("gedaan, 73 terwijl"), never after a bare word
    ("Article 73")."""
    return bool(re.search(rf"(?:[^\W\d_]|[.,;:!?)’”\"'][ ]?){number}(?!\d)", body))


def footnote_lines(lines: Sequence[str]) -> set[int]:
    """Indices of a page's lines (stripped, non-empty, in order) that belong to its footnotes. A note runs to the
    next note or to its first line that ends with a full stop; the page's text may go on after it (the
    next column of a two-column page)."""
    notes: set[int] = set()
    last: int | None = None
    open_note = False
    for i in range(max(2, int(len(lines) * _TOP_SHARE)), len(lines)):
        match = _NOTE_START.match(lines[i])
        number = int(match.group(1)) if match else 0
        if number and (number == (last or -1) + 1
                       or _referenced(" ".join(lines[j] for j in range(i) if j not in notes), match.group(1))):
            open_note, last = True, number
        if open_note:
            notes.add(i)
            open_note = not _NOTE_END.search(lines[i])
    return notes
