"""Language detection by stop-word frequency (English, Dutch, German, French, Spanish, Italian, Portuguese)."""
from __future__ import annotations

import re
from functools import lru_cache

from whoosh.lang import stopwords_for_language

CANDIDATES = ("en", "nl", "de", "fr", "es", "it", "pt")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    lists = {lang: frozenset(stopwords_for_language(lang)) for lang in CANDIDATES}
    # Words shared by several languages say nothing about which one it is.
    shared = {w for lang, words in lists.items() for w in words
              if sum(w in other for other in lists.values()) > 1}
    return {lang: words - shared for lang, words in lists.items()}


def stopwords(language: str) -> frozenset[str]:
    """The full stop-word list of a language (empty for unknown languages)."""
    try:
        return frozenset(stopwords_for_language(language))
    except (KeyError, ValueError):
        return frozenset()


def detect_query_language(words: list[str]) -> str | None:
    """The language whose distinctive stop words a short query uses most (None when undecided)."""
    lowered = [w.lower() for w in words]
    counts = {lang: sum(1 for w in lowered if w in stops) for lang, stops in _stoplists().items()}
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def detect_language(text: str, sample_chars: int = 30000) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little evidence."""
    words = [w.lower() for w in _WORD.findall(text[:sample_chars])]
    if len(words) < 5:
        return None
    counts = {lang: sum(1 for w in words if w in stops) for lang, stops in _stoplists().items()}
    best = max(counts, key=counts.__getitem__)
    ranked = sorted(counts.values(), reverse=True)
    if counts[best] < 2 or counts[best] < 0.02 * len(words) or ranked[0] == ranked[1]:
        return None
    return best
