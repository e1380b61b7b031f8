"""The language of a short query by its stop words (English, Dutch, German, French, Spanish, Italian, Portuguese)."""
from __future__ import annotations

from functools import lru_cache

from .analysis import stopwords_for_language

CANDIDATES = ("en", "nl", "de", "fr", "es", "it", "pt")


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    lists = {lang: stopwords_for_language(lang) for lang in CANDIDATES}
    # Words shared by several languages say nothing about which one it is.
    shared = {w for lang, words in lists.items() for w in words
              if sum(w in other for other in lists.values()) > 1}
    return {lang: words - shared for lang, words in lists.items()}


def stopwords(language: str) -> frozenset[str]:
    """The full stop-word list of a language (empty for unknown languages)."""
    try:
        return stopwords_for_language(language)
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


# Languages by their English names, for people (codes are for machines and filters).
LANGUAGE_NAMES = {"en": "English", "nl": "Dutch", "fr": "French", "de": "German", "el": "Greek", "es": "Spanish",
                  "it": "Italian", "pt": "Portuguese", "pl": "Polish", "ro": "Romanian", "bg": "Bulgarian",
                  "ru": "Russian", "uk": "Ukrainian", "cs": "Czech", "sk": "Slovak", "hu": "Hungarian",
                  "sv": "Swedish", "da": "Danish", "fi": "Finnish", "et": "Estonian", "lv": "Latvian",
                  "lt": "Lithuanian", "hr": "Croatian", "sl": "Slovenian", "sr": "Serbian", "sq": "Albanian",
                  "tr": "Turkish", "ar": "Arabic", "zh": "Chinese", "es-419": "Spanish"}


def language_name(code: str | None) -> str:
    """A language's English name for people ("Dutch" for nl); an unknown code as it is, none as "unknown"."""
    if not code:
        return "unknown language"
    return LANGUAGE_NAMES.get(code.lower(), LANGUAGE_NAMES.get(code.lower()[:2], code))
