"""The tantivy form of a plain query: each word's clauses at the top level score and rank exactly as one boolean
per word would (the flat form is the faster one for tantivy to score)."""
from __future__ import annotations

from pathlib import Path

import pytest
import tantivy

from kb import KnowledgeBase, Settings
from kb.engines.keyword import plan_plain_query

from .conftest import FAST

QUERIES = ["compensation for victims", "schadevergoeding slachtoffers", "labour inspector", "forced labour in agriculture",
           "\"labour exploitation\" inspectors"]


def _per_word_form(index, text: str, languages) -> tantivy.Query:
    """The form before: a boolean of each word's field clauses, the words' booleans joined."""
    plan = plan_plain_query(text, languages)
    words = [(tantivy.Occur.Should, tantivy.Query.boolean_query(
        index._field_query(t for terms in w.values() for t in terms))) for w in plan.words]
    phrases = [(tantivy.Occur.Must, index._phrase_query(p)) for p in plan.phrases]
    return tantivy.Query.boolean_query(phrases + words)


@pytest.mark.parametrize("query", QUERIES)
def test_a_plain_query_ranks_as_the_sum_of_its_words(home: Path, corpus_dir: Path, query: str) -> None:
    with KnowledgeBase(Settings.load({"home": str(home), **FAST, "keyword_backend": "tantivy"}, environ={})) as kb:
        kb.ingest([corpus_dir], workers=1)
        index = kb.searcher.backends.keyword
        searcher = index._searcher()
        flat = [(round(score, 4), address.segment_ord, address.doc)
                for score, address in searcher.search(index.parse(query, raw=False).native, 50).hits]
        per_word = [(round(score, 4), address.segment_ord, address.doc)
                    for score, address in searcher.search(_per_word_form(index, query, index._languages(searcher)),
                                                          50).hits]
    assert flat, query
    assert flat == per_word
