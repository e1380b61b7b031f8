"""Mending a line damaged by a PDF's text layer, by the words the document itself spells whole: decorated initials
set apart from their word ("RAFFICKING IN UMAN EINGS"), lost ligatures ("tra ficking"), words split by odd spacing
("Ra pporteur", "T R A F F I C K I N G") and lines that lost every space ("BeleidsdoorlichtingKoninklijkeMarechaussee").
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

# what a lost ligature glyph leaves out between the two halves of a word
_LIGATURES = ("", "f", "ff", "fi", "fl", "ffi", "ffl", "ft", "st")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_TRAILING = ".,:;!?)’'\"”"
_LOWER_UPPER = re.compile(r"(?<=[a-zà-ÿ])(?=[A-Z])")


def vocabulary(texts: Iterable[str]) -> Counter[str]:
    """How often the document spells each word (lower-cased): a mended word must be as common as its pieces."""
    return Counter(word.lower() for text in texts for word in _WORD.findall(text or ""))


def _with_case(word: str, like: str) -> str:
    """`word` written in the case of `like` (all capitals, capitalised or as is)."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _initial_restored(token: str, words: Counter[str]) -> str:
    """A word whose first letter (a decorated initial) was set apart and lost, restored when exactly one word of the
    document ends with it and is spelt more often than the piece (in a title set in capitals)."""
    core = token.rstrip(_TRAILING)
    if len(core) < 3 or not (core.isalpha() and core.isupper()):  # decorated initials begin display type in capitals
        return token
    lowered = core.lower()
    matches = {w for w in words if len(w) == len(lowered) + 1 and w.endswith(lowered) and words[w] > words[lowered]}
    return _with_case(matches.pop(), core) + token[len(core):] if len(matches) == 1 else token


def _joined(left: str, right: str, words: Counter[str]) -> str | None:
    """Two pieces of one word (split by spacing or a lost ligature), when the document spells the word whole at
    least as often as either piece."""
    core = right.rstrip(_TRAILING)
    if not (left.isalpha() and core.isalpha()):
        return None
    pieces = max(words[left.lower()], words[core.lower()])
    for glyph in _LIGATURES:
        whole = left + glyph + core
        if len(whole) >= 4 and words[whole.lower()] >= max(pieces, 1):
            return whole + right[len(core):]
    return None


def _spaced_letters(text: str) -> str:
    """Runs of three or more single letters set apart ("T R A F F I C K I N G") become one word."""
    return re.sub(r"\b(?:[^\W\d_] ){2,}[^\W\d_]\b", lambda m: m.group(0).replace(" ", ""), text)


def mend(text: str, words: Counter[str]) -> str:
    """A line with the damage of a PDF text layer mended, judged by the document's own words."""
    if " " not in text.strip() and len(text) > 25 and _LOWER_UPPER.search(text):
        text = _LOWER_UPPER.sub(" ", text)  # a line that lost every space: words begin at their capitals
    text = _spaced_letters(text)
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens):
            whole = _joined(tokens[i], tokens[i + 1], words)
            if whole:
                out.append(whole)
                i += 2
                continue
        out.append(_initial_restored(tokens[i], words))
        i += 1
    return " ".join(out)
