"""Text analyzers per language for the keyword index: tokenize, lowercase, fold accents, drop stop words, stem."""
from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import (
    Analyzer, CharsetFilter, LowercaseFilter, PyStemmerFilter, RegexTokenizer, StopFilter, STOP_WORDS,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

# Language code -> snowball stemmer name. Documents in other languages use the generic analyzer.
STEMMED_LANGUAGES: dict[str, str] = {"en": "english", "nl": "dutch", "de": "german", "fr": "french", "el": "greek"}
# whoosh ships no Greek stop words: the commonest articles, pronouns, prepositions and particles.
GREEK_STOP_WORDS = frozenset(
    "ο η το οι τα του της των τον την τους τις ένας μια ένα ενός μιας και ή να θα δεν μη μην σε στο στη στην "
    "στον στα στους στις με για από ως που πως είναι ήταν αυτό αυτή αυτός αυτά αυτές αυτοί ότι όταν αν "
    "επί κατά μετά προς χωρίς".split())
GENERIC = "xx"
INDEX_LANGUAGES: tuple[str, ...] = (*STEMMED_LANGUAGES, GENERIC)

# Words with letters and digits, keeping internal apostrophes, hyphens split.
TOKEN_PATTERN = r"\w+(?:['’]\w+)*"


def index_language(language: str | None, fallback: str = "en") -> str:
    """Map a document language to the analyzer family that indexes it (fallback when it is unknown)."""
    code = (language or fallback or "").lower()[:2]
    return code if code in STEMMED_LANGUAGES else GENERIC


@lru_cache(maxsize=None)
def analyzer_for(language: str) -> Analyzer:
    """The analyzer for an index language code (`en`, `nl`, `de`, `fr`, `el` or `xx`)."""
    base = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
    if language == GENERIC:
        return base | CharsetFilter(accent_map)
    stoplist = (STOP_WORDS if language == "en" else GREEK_STOP_WORDS if language == "el"
                else frozenset(stopwords_for_language(language)))
    # Stemming runs before accent folding so the snowball rules see the real spelling.
    return (base | StopFilter(stoplist=stoplist, minsize=1)
            | PyStemmerFilter(STEMMED_LANGUAGES[language]) | CharsetFilter(accent_map))


def analyze(language: str, text: str) -> list[str]:
    """Index terms of a text under one language's analyzer."""
    return [t.text for t in analyzer_for(language)(text)]
