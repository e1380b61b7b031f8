"""Text analyzers per language for the keyword index: tokenize, lowercase, fold accents, drop stop words, stem.

The stop words and the accent folding are whoosh's (copied into `kb.text.word_lists`, so that no engine but whoosh
imports whoosh): every engine's index holds terms analysed with exactly these.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from .word_lists import ACCENT_MAP, ENGLISH_STOP_WORDS, LANGUAGE_ALIASES, STOPLISTS

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
APOSTROPHES = "'’"


def index_language(language: str | None, fallback: str = "en") -> str:
    """Map a document language to the analyzer family that indexes it (fallback when it is unknown)."""
    code = (language or fallback or "").lower()[:2]
    return code if code in STEMMED_LANGUAGES else GENERIC


def stopwords_for_language(language: str) -> frozenset[str]:
    """whoosh's stop-word list of a language, by code or name as whoosh names them (KeyError: none)."""
    return STOPLISTS[language if language in STOPLISTS else LANGUAGE_ALIASES[language]]


def stop_words(language: str) -> frozenset[str]:
    """The stop words an index language's analyzer drops (`en`, `nl`, `de`, `fr`, `el`; none for `xx`)."""
    if language == GENERIC:
        return frozenset()
    return (ENGLISH_STOP_WORDS if language == "en" else GREEK_STOP_WORDS if language == "el"
            else stopwords_for_language(language))


def analyze(language: str, text: str) -> list[str]:
    """Index terms of a text under one language's analyzer (the same as `term_spans`, without the offsets)."""
    analyzer = _FastAnalyzer.for_language(language)
    memo, term_of = analyzer.memo, analyzer.term
    terms = []
    for word in analyzer.pattern.findall(text):
        term = memo.get(word, "")
        if term == "":
            term = memo[word] = term_of(word)
        if term is not None:
            terms.append(term)
    return terms


def term_spans(language: str, text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, index term) of every token of a text that is not a stop word, under one language's analyzer.

    The same terms as `kb.engines.whoosh_keyword.analyzer_for(language)` (whoosh's filter chain, which the whoosh index runs
    itself), but each distinct word is analysed once per process: passages are highlighted and pages indexed many
    times faster.
    """
    return _FastAnalyzer.for_language(language).spans(text)


def matching_spans(language: str, text: str, wanted: frozenset[str] | set[str]) -> list[tuple[int, int]]:
    """Character spans of the tokens of a text whose index term is one of `wanted` (for highlighting)."""
    analyzer = _FastAnalyzer.for_language(language)
    # set operations over the page's whitespace-separated pieces instead of tokenising it: results pages
    # highlight dozens of pages per query, and splitting at whitespace is several times faster than the token
    # pattern. No token crosses whitespace, so a piece holds whole tokens and its words are found once for all.
    pieces = set(text.split())
    for piece in pieces - analyzer.known_pieces:
        analyzer.learn(piece)
    found = pieces & analyzer.pieces_of(wanted)
    if not found:
        return []
    memo = analyzer.memo
    words = {word for piece in found for word in analyzer.words(piece) if memo.get(word) in wanted}
    return sorted(span for word in words for span in _token_occurrences(text, word))


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches


def _token_occurrences(text: str, word: str) -> Iterator[tuple[int, int]]:
    """Where `word` (itself a whole token) occurs in `text` as a whole token: no token runs on into it from the
    left (a word character, or one and an apostrophe) or from it to the right."""
    size, start = len(text), text.find(word)
    while start != -1:
        end = start + len(word)
        runs_in = start > 0 and (_is_word_char(text[start - 1])
                                 or (start > 1 and text[start - 1] in APOSTROPHES and _is_word_char(text[start - 2])))
        runs_on = end < size and (_is_word_char(text[end])
                                  or (end + 1 < size and text[end] in APOSTROPHES and _is_word_char(text[end + 1])))
        if not runs_in and not runs_on:
            yield start, end
        start = text.find(word, start + 1)


class _FastAnalyzer:
    """Tokenise with the same pattern; lowercase, stop, stem and fold each distinct word once (memoised)."""

    MEMO_LIMIT = 400_000
    _instances: dict[str, "_FastAnalyzer"] = {}

    def __init__(self, language: str):
        import Stemmer

        self.pattern = re.compile(TOKEN_PATTERN)
        self.stops = stop_words(language)
        self.stem = Stemmer.Stemmer(STEMMED_LANGUAGES[language]).stemWord if language != GENERIC else None
        self.memo: dict[str, str | None] = {}
        # for highlighting: the whitespace-separated pieces of text met so far, and the pieces of each term
        self.known_pieces: set[str] = set()
        self.pieces: dict[str, set[str]] = {}

    @classmethod
    def for_language(cls, language: str) -> "_FastAnalyzer":
        analyzer = cls._instances.get(language)
        if analyzer is None:
            analyzer = cls._instances[language] = cls(language)
        elif max(len(analyzer.memo), len(analyzer.known_pieces)) > cls.MEMO_LIMIT:
            # bounded: a long-lived process meets ever more words
            analyzer.memo.clear()
            analyzer.known_pieces.clear()
            analyzer.pieces.clear()
        return analyzer

    def term(self, word: str) -> str | None:
        """The index term of one token (None for a stop word)."""
        lowered = word.lower()
        if lowered in self.stops:
            return None
        stemmed = self.stem(lowered) if self.stem is not None else lowered
        return stemmed.translate(ACCENT_MAP)

    def learn(self, piece: str) -> None:
        """Record a whitespace-separated piece of text under the terms of its words, for `pieces_of`."""
        memo = self.memo
        self.known_pieces.add(piece)
        for word in self.words(piece):
            term = memo.get(word, "")
            if term == "":
                term = memo[word] = self.term(word)
            if term is not None:
                self.pieces.setdefault(term, set()).add(piece)

    def words(self, piece: str) -> list[str]:
        """The tokens of a whitespace-free piece of text (most pieces are one word: no pattern is run for those)."""
        return [piece] if piece.isalnum() else self.pattern.findall(piece)

    def pieces_of(self, terms: Iterable[str]) -> set[str]:
        """The pieces met so far that hold a word whose term is one of these."""
        out: set[str] = set()
        for term in terms:
            out.update(self.pieces.get(term, ()))
        return out

    def spans(self, text: str) -> Iterator[tuple[int, int, str]]:
        memo = self.memo
        for match in self.pattern.finditer(text):
            word = match.group()
            term = memo.get(word, "")
            if term == "":
                term = memo[word] = self.term(word)
            if term is not None:
                yield match.start(), match.end(), term
