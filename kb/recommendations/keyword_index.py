"""Keyword search over recommendations: BM25 in an in-memory tantivy index built from the store for one
generation of the knowledge base (records are few — thousands, not millions — so building it takes moments and
nothing on disk has to be kept in step)."""
from __future__ import annotations

from typing import Sequence

import tantivy

from ..text.analysis import INDEX_LANGUAGES, analyze, index_language
from ..engines.keyword import plan_plain_query
from ..models import Recommendation

Occur = tantivy.Occur
Q = tantivy.Query


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("rec_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", tokenizer_name="whitespace", index_option="position")
    return builder.build()


class RecordKeywordIndex:
    """BM25 over each record's text and sub-heading, analysed in its document's language."""

    def __init__(self, records: Sequence[tuple[Recommendation, str | None]], fallback_language: str = "en"):
        self.schema = _schema()
        self.index = tantivy.Index(self.schema)
        languages: set[str] = set()
        writer = self.index.writer(heap_size=15_000_000, num_threads=1)
        for record, language in records:
            lang = index_language(language, fallback_language)
            languages.add(lang)
            item = tantivy.Document()
            item.add_text("rec_id", record.rec_id)
            item.add_text("body", " ".join(analyze(lang, f"{record.heading or ''} {record.text}")))
            writer.add_document(item)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.languages = tuple(lang for lang in INDEX_LANGUAGES if lang in languages) or INDEX_LANGUAGES

    def search(self, text: str, limit: int) -> list[tuple[str, float]]:
        """(rec_id, score) of the best records for a plain-text query, best first."""
        plan = plan_plain_query(text, self.languages)
        optional = [(Occur.Should, self._word(terms)) for terms in plan.words]
        required = [(Occur.Must, self._phrase(p)) for p in plan.phrases]
        if not optional and not required or limit <= 0:
            return []
        searcher = self.index.searcher()
        hits = searcher.search(Q.boolean_query(required + optional), limit).hits
        return [(searcher.doc(address).get_first("rec_id"), float(score)) for score, address in hits]

    def _word(self, by_lang: dict[str, tuple[str, ...]]) -> object:
        leaves = [Q.term_query(self.schema, "body", t) for t in dict.fromkeys(t for ts in by_lang.values() for t in ts)]
        return leaves[0] if len(leaves) == 1 else Q.disjunction_max_query(leaves)

    def _phrase(self, by_lang: dict[str, tuple[str, ...]]) -> object:
        clauses = []
        for terms in dict.fromkeys(by_lang.values()):
            leaf = (Q.term_query(self.schema, "body", terms[0]) if len(terms) == 1
                    else Q.phrase_query(self.schema, "body", list(terms)))
            clauses.append((Occur.Should, leaf))
        return Q.boolean_query(clauses)
