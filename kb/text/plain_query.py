"""Plain user queries: split into words and quoted phrases, with no query syntax interpreted."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_PHRASE_RE = re.compile(r'"([^"]*)"|“([^”]*)”')


@dataclass
class PlainQuery:
    """Words (optional, ranked) and quoted phrases (required) from a user's text."""

    text: str
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> "PlainQuery":
        """Split text: "quoted phrases" become phrases, everything else words; no operators."""
        phrases: list[str] = []

        def keep(match: re.Match[str]) -> str:
            phrase = (match.group(1) or match.group(2) or "").strip()
            if phrase:
                phrases.append(phrase)
            return " "

        rest = _PHRASE_RE.sub(keep, text)
        words = [w for w in re.split(r"\s+", rest.replace('"', " ")) if w]
        return cls(text=text, words=words, phrases=phrases)
