"""The memoised term analyser gives exactly the terms and offsets of whoosh's analyzer chain, in every language,
with whoosh's own stop words and accent folding."""
from __future__ import annotations

import pytest
from whoosh.analysis import STOP_WORDS
from whoosh.lang import aliases, languages
from whoosh.lang import stopwords_for_language as whoosh_stopwords
from whoosh.support.charset import accent_map

from kb.engines.whoosh_keyword import analyzer_for
from kb.text.analysis import INDEX_LANGUAGES, analyze, matching_spans, stopwords_for_language, term_spans
from kb.text.word_lists import ACCENT_MAP, ENGLISH_STOP_WORDS

from .fixtures import DUTCH_PAGES, ENGLISH_PAGES, GRETA_PAGES

SAMPLES = ENGLISH_PAGES + DUTCH_PAGES + GRETA_PAGES + [
    "THE Victims' Rights and the STATE's obligations; l'État français protège les victimes d'exploitation.",
    "Les bonnes pratiques: coopération, prévention, poursuites — GRETA considère que les autorités devraient agir.",
    "Die Behörden müssen Opfer von Menschenhandel schützen; Zwangsarbeit in der Fleischindustrie (2019-2021).",
    "Η εμπορία ανθρώπων και η σεξουαλική εκμετάλλευση των θυμάτων στην Ελλάδα, άρθρο 323Α Π.Κ.",
    "Slachtoffers ’s-Hertogenbosch B8-regeling, art. 273f Sr.; cijfers 2013–2017 en CoMensha’s registratie.",
    "x 'État l'État rock'n'roll ’s-Hertogenbosch l’' x don't' 'quoted' words'' victims’ victim's’s a''b",
    "", "   ", "1234 56,7 §§ ½ naïve café coöperatie Überstunden ÆØÅ ﬁnancial",
    # whitespace of every kind between and inside the words a page repeats (highlighting splits pages at it)
    "victims\tvictims\nvictims\xa0victims\u2009victims\u3000victims\x1cvictims\u200bvictims\r\n(victims),victims",
]


@pytest.mark.parametrize("language", INDEX_LANGUAGES)
def test_terms_and_offsets_match_the_whoosh_chain(language: str) -> None:
    for text in SAMPLES:
        expected = [(t.startchar, t.endchar, t.text)
                    for t in analyzer_for(language)(text, chars=True, removestops=True)]
        assert list(term_spans(language, text)) == expected, text
        assert list(term_spans(language, text)) == expected  # again, from the memo
        assert analyze(language, text) == [term for _, _, term in expected]
        for some in ({term for _, _, term in expected[::2]}, {term for _, _, term in expected}):
            assert matching_spans(language, text, some) == [(a, b) for a, b, term in expected if term in some]


def test_stop_words_are_dropped_and_words_stemmed() -> None:
    assert analyze("en", "The victims of exploitation") == ["victim", "exploit"]
    assert analyze("nl", "De slachtoffers werden uitgebuit") == ["slachtoffer", "wer", "uitbuit"]


@pytest.mark.parametrize("language", ["en", "nl", "xx"])
def test_highlights_are_the_same_whatever_the_memo_holds(language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Highlighting first, after other analysis, and after the memo was emptied finds the same spans."""
    from kb.text import analysis

    def expected(text: str, wanted: set[str]) -> list[tuple[int, int]]:
        return [(t.startchar, t.endchar) for t in analyzer_for(language)(text, chars=True, removestops=True)
                if t.text in wanted]

    fresh = "Quuxtrafficked quuxtrafficking QUUXTRAFFICKERS and quuxvictims; Quuxtrafficked again."
    wanted = {t.text for t in analyzer_for(language)("quuxtrafficked quuxvictims", removestops=True)}
    assert matching_spans(language, fresh, wanted) == expected(fresh, wanted) != []
    analyze(language, "quuxlabour quuxexploited")  # the memo learns words another way first
    again = "Quuxlabour was quuxexploited; quuxlabourers."
    labour = {t.text for t in analyzer_for(language)("quuxlabour quuxexploited", removestops=True)}
    assert matching_spans(language, again, labour) == expected(again, labour) != []
    monkeypatch.setattr(analysis._FastAnalyzer, "MEMO_LIMIT", 0)
    for text in (fresh, again, fresh):  # each call empties the memo first
        assert matching_spans(language, text, wanted | labour) == expected(text, wanted | labour)


def test_stop_words_and_accent_folding_are_whooshs() -> None:
    assert ENGLISH_STOP_WORDS == STOP_WORDS
    assert ACCENT_MAP == accent_map
    for name in (*languages, *aliases, "xx", "greek"):
        try:
            expected: frozenset[str] | None = whoosh_stopwords(name)
        except Exception:
            expected = None
        try:
            found: frozenset[str] | None = stopwords_for_language(name)
        except KeyError:
            found = None
        assert found == expected, name
