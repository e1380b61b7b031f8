"""The weighted fusion of hybrid search: which retriever it trusts for which document, known items, and the
other-language editions of results. Unit tests of the fusion functions on hand-made rankings."""
from __future__ import annotations

import pytest

from kb.errors import KBError
from kb.search.fusion import FusionInput, FusionWeights, add_translations, min_max, weighted_fusion


def test_min_max_rescales_each_ranking() -> None:
    assert min_max([("a", 10.0), ("b", 6.0), ("c", 2.0)]) == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert min_max([("a", 3.0), ("b", 3.0)]) == {"a": 1.0, "b": 1.0}
    assert min_max([]) == {}


def test_scores_combine_keyword_and_meaning_by_their_weights() -> None:
    given = FusionInput(keyword=[("a", 9.0), ("b", 1.0)], semantic=[("b", 0.9), ("a", 0.5)],
                        doc_languages={"a": "en", "b": "en"})
    assert dict(weighted_fusion(given, FusionWeights(keyword=0.6, semantic=0.4))) == pytest.approx({"a": 0.6,
                                                                                                    "b": 0.4})
    assert [d for d, _ in weighted_fusion(given, FusionWeights(keyword=0.3, semantic=0.7))] == ["b", "a"]


def test_another_languages_documents_are_scored_by_the_translation_below_the_users_words() -> None:
    # "nl" matched the translated query as strongly as "en" matched the user's words
    given = FusionInput(keyword=[("en", 10.0), ("en2", 2.0)], semantic=[], translated=[("nl", 10.0)],
                        query_language="en", doc_languages={"en": "en", "en2": "en", "nl": "nl"})
    scores = dict(weighted_fusion(given, FusionWeights(keyword=1.0, semantic=0.0, translated=0.8, title=0.0)))
    assert scores["en"] == pytest.approx(1.0)
    assert scores["nl"] == pytest.approx(0.8)
    # a translation that matches weakly stays below the user's own matches
    weak = FusionInput(keyword=[("en", 10.0), ("en2", 2.0)], semantic=[], translated=[("nl", 2.0)],
                       query_language="en", doc_languages={"en": "en", "en2": "en", "nl": "nl"})
    assert dict(weighted_fusion(weak, FusionWeights(keyword=1.0, semantic=0.0)))["nl"] == pytest.approx(0.16)


def test_the_users_words_in_another_languages_document_count_on_the_shared_scale() -> None:
    # an English citation inside a Dutch report matched weakly: min-max would have made it 1.0
    given = FusionInput(keyword=[("en", 20.0), ("nl", 4.0), ("en2", 2.0)], semantic=[], query_language="en",
                        doc_languages={"en": "en", "nl": "nl", "en2": "en"})
    scores = dict(weighted_fusion(given, FusionWeights(keyword=1.0, semantic=0.0)))
    assert scores["nl"] == pytest.approx(0.2)


def test_meaning_counts_less_where_the_model_does_not_read_the_language() -> None:
    given = FusionInput(keyword=[], semantic=[("nl", 0.9), ("en", 0.5)], query_language="en",
                        doc_languages={"nl": "nl", "en": "en"}, model_languages=frozenset({"en"}))
    scores = dict(weighted_fusion(given, FusionWeights(keyword=0.0, semantic=1.0, unread_language=0.3)))
    assert scores["nl"] == pytest.approx(0.3) and scores["en"] == pytest.approx(0.0)
    dutch_query = FusionInput(keyword=[], semantic=[("en", 0.9), ("x", 0.1)], query_language="nl",
                              doc_languages={"en": "en", "x": "en"}, model_languages=frozenset({"en"}))
    assert dict(weighted_fusion(dutch_query, FusionWeights(semantic=1.0, unread_language=0.3)))["en"] == \
        pytest.approx(0.3)


def test_a_title_holding_the_query_lifts_a_known_item() -> None:
    given = FusionInput(keyword=[("other", 10.0), ("report", 9.0), ("z", 1.0)], semantic=[],
                        doc_languages={"other": "en", "report": "en", "z": "en"}, title_matches={"report": 1.0})
    assert [d for d, _ in weighted_fusion(given, FusionWeights(keyword=0.6, title=0.5))][0] == "report"


def test_the_edition_in_another_language_follows_its_original() -> None:
    ranked = [("en-report", 1.0), ("other", 0.6)]
    out = add_translations(ranked, {"en-report": ["nl-report"]}, share=0.7)
    assert out == [("en-report", 1.0), ("nl-report", pytest.approx(0.7)), ("other", 0.6)]
    assert dict(add_translations([("a", 1.0), ("b", 0.9)], {"a": ["b"]}, 0.7))["b"] == 0.9  # own score if higher


def test_weights_are_read_from_the_setting_text() -> None:
    weights = FusionWeights.parse("keyword=0.7, semantic=0.3")
    assert (weights.keyword, weights.semantic, weights.translated) == (0.7, 0.3, FusionWeights().translated)
    with pytest.raises(KBError, match="unknown weight 'kw'"):
        FusionWeights.parse("kw=1")
    with pytest.raises(KBError, match="name=number"):
        FusionWeights.parse("keyword=high")
