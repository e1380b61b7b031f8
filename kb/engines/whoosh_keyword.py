"""The whoosh keyword index: BM25F over per-language title and body fields, one whoosh document per page."""
from __future__ import annotations

import math
import shutil
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Analyzer, CharsetFilter, LowercaseFilter, PyStemmerFilter, RegexTokenizer, StopFilter
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.reading import EmptyReader
from whoosh.scoring import BM25F, BM25FScorer, WeightScorer

from ..errors import QuerySyntaxError
from ..text import raw_query as rq
from ..text.analysis import (
    GENERIC, INDEX_LANGUAGES, STEMMED_LANGUAGES, TOKEN_PATTERN, analyze, index_language, stop_words,
)
from ..text.word_lists import ACCENT_MAP
from .keyword import (
    PageHit, ParsedQuery, PlainPlan, check_marker, damaged, page_id_for, parse_raw_syntax, plan_plain_query,
    read_marker, write_marker,
)
from ..models import Document, Page

BACKEND = "whoosh"
# 2: Greek joined the stemmed languages (title_el, body_el)
SCHEMA_VERSION = 2


@lru_cache(maxsize=None)
def analyzer_for(language: str) -> Analyzer:
    """whoosh's analyzer for an index language code (`en`, `nl`, `de`, `fr`, `el` or `xx`): the terms of
    `kb.text.analysis.analyze`, as a filter chain the whoosh index runs itself."""
    base = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
    if language == GENERIC:
        return base | CharsetFilter(ACCENT_MAP)
    # Stemming runs before accent folding so the snowball rules see the real spelling.
    return (base | StopFilter(stoplist=stop_words(language), minsize=1)
            | PyStemmerFilter(STEMMED_LANGUAGES[language]) | CharsetFilter(ACCENT_MAP))


def whoosh_query(q: rq.Query) -> wq.Query:
    """The whoosh query for a raw query tree (the tree whoosh's own parser gives for the same text)."""
    if q is rq.NULL:
        return wq.NullQuery
    if isinstance(q, rq.Phrase):
        return wq.Phrase(q.fieldname, list(q.words), slop=q.slop, boost=q.boost)
    if isinstance(q, rq.FuzzyTerm):
        return wq.FuzzyTerm(q.fieldname, q.text, boost=q.boost, maxdist=q.maxdist, prefixlength=q.prefixlength)
    if isinstance(q, rq.Range):
        return wq.TermRange(q.fieldname, q.start, q.end, q.startexcl, q.endexcl, boost=q.boost)
    if isinstance(q, (rq.Term, rq.Prefix, rq.Wildcard)):
        return getattr(wq, type(q).__name__)(q.fieldname, q.text, boost=q.boost)
    if isinstance(q, rq.Every):
        return wq.Every(q.fieldname, boost=q.boost)
    if isinstance(q, rq.Not):
        return wq.Not(whoosh_query(q.query), boost=q.boost)
    if isinstance(q, rq.BINARY):
        return getattr(wq, type(q).__name__)(whoosh_query(q.a), whoosh_query(q.b))
    return getattr(wq, type(q).__name__)([whoosh_query(sub) for sub in q.subqueries], boost=q.boost)


class CrossLanguageBM25F(BM25F):
    """BM25F whose IDF counts a term over all language variants of a field.

    Each page is indexed in the field of its own language (`body_en`, `body_nl`, ...). Per-field IDF would make
    an English term look rare inside Dutch documents that quote it; counting document frequency across the
    language variants gives every field the collection-wide rarity of the term (Lucene's BM25 IDF).
    """

    def __init__(self, B: float = 0.75, K1: float = 1.2, **kwargs: Any):
        super().__init__(B=B, K1=K1, **kwargs)
        self._idf_cache: dict[tuple[int, str, bytes | str], float] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        return _CrossLanguageScorer(searcher, fieldname, text, B, self.K1, self.idf_across_languages, qf=qf)

    def idf_across_languages(self, parent: Any, fieldname: str, text: Any) -> float:
        """Lucene's BM25 IDF from the term's document frequency summed over the field's language variants."""
        kind = fieldname.split("_", 1)[0]
        key = (id(parent), kind, text)
        cached = self._idf_cache.get(key)
        if cached is None:
            if len(self._idf_cache) > 50000:
                self._idf_cache.clear()
            siblings = [f"{kind}_{lang}" for lang in INDEX_LANGUAGES] if kind in ("body", "title") else [fieldname]
            df = sum(parent.doc_frequency(f, text) for f in siblings)
            n = parent.doc_count_all()
            cached = self._idf_cache[key] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return cached


class _CrossLanguageScorer(BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, idf, qf=1):
        parent = searcher.get_parent()
        self.idf = idf(parent, fieldname, text)
        self.avgfl = parent.avg_field_length(fieldname) or 1
        self.B = B
        self.K1 = K1
        self.qf = qf
        self.setup(searcher, fieldname, text)


def _schema() -> Schema:
    fields: dict[str, Any] = {
        "page_id": ID(stored=True, unique=True),
        "doc_id": ID(stored=True),
        "page": NUMERIC(int, stored=True),
    }
    for lang in INDEX_LANGUAGES:
        fields[f"title_{lang}"] = TEXT(analyzer=analyzer_for(lang), phrase=True)
        fields[f"body_{lang}"] = TEXT(analyzer=analyzer_for(lang), phrase=True)
    return Schema(**fields)


class WhooshKeywordIndex:
    """BM25F over per-language title and body fields; one whoosh document per page.

    Each page is indexed in the fields of its document's language; term rarity is counted across the language
    fields (CrossLanguageBM25F).

    Pages, not embedding-sized chunks, are the keyword unit: BM25 ranks better on whole pages (and on whole
    short records) than on 256-token pieces, and the index is several times smaller.
    """

    def __init__(self, path: Path, *, title_boost: float = 1.0, bm25_k1: float = 1.2, bm25_b: float = 0.75,
                 fallback_language: str = "en"):
        self.backend = BACKEND
        self.path = Path(path)
        self.fallback_language = fallback_language
        self.title_boost = title_boost
        self.weighting = CrossLanguageBM25F(B=bm25_b, K1=bm25_k1)
        self._lock = threading.RLock()
        self._searcher = None
        if read_marker(self.path) is not None or whoosh_index.exists_in(str(self.path)):
            check_marker(self.path, BACKEND, SCHEMA_VERSION)
            self.ix = whoosh_index.open_dir(str(self.path))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self.ix = whoosh_index.create_in(str(self.path), _schema())
            write_marker(self.path, BACKEND, SCHEMA_VERSION)

    # ----- writes ------------------------------------------------------------------------------
    def replace_documents(self, docs: Sequence[tuple[Document, Sequence[Page]]]) -> None:
        """Delete the documents' old pages and add the new ones in one whoosh commit."""
        if not docs:
            return
        with self._lock:
            writer = self.ix.writer(limitmb=256)
            try:
                for doc, pages in docs:
                    writer.delete_by_term("doc_id", doc.doc_id)
                    lang = index_language(doc.language, self.fallback_language)
                    for page in pages:
                        if not page.text.strip():
                            continue
                        writer.add_document(**{
                            "page_id": page_id_for(doc.doc_id, page.number), "doc_id": doc.doc_id,
                            "page": page.number, f"title_{lang}": doc.title or "", f"body_{lang}": page.text,
                        })
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            self._invalidate()

    def optimize(self, max_segments: int = 3) -> None:
        """Merge the index into one segment when it has more than a few (queries visit every segment)."""
        with self._lock:
            if len(self.ix._segments()) > max_segments:
                self.ix.optimize()
                self._invalidate()

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Remove the documents' pages in one commit."""
        ids = list(doc_ids)
        if not ids:
            return
        with self._lock:
            writer = self.ix.writer()
            try:
                for doc_id in ids:
                    writer.delete_by_term("doc_id", doc_id)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            self._invalidate()

    def clear(self) -> None:
        """Drop every document (used by reindex)."""
        with self._lock:
            self.close()
            shutil.rmtree(self.path, ignore_errors=True)
            self.path.mkdir(parents=True, exist_ok=True)
            self.ix = whoosh_index.create_in(str(self.path), _schema())
            write_marker(self.path, BACKEND, SCHEMA_VERSION)

    # ----- reads -------------------------------------------------------------------------------
    def _get_searcher(self):
        try:
            return self._current_searcher()
        except (OSError, ValueError, KeyError, EOFError) as exc:  # a segment file missing or cut short
            raise damaged(self.path, exc) from None

    def _current_searcher(self):
        with self._lock:
            if self._searcher is None:
                self._searcher = self.ix.searcher(weighting=self.weighting)
            elif not self._searcher.up_to_date():
                self.weighting._idf_cache.clear()
                # refresh() reuses unchanged segments, but fails on a searcher of an empty index
                empty = isinstance(self._searcher.reader(), EmptyReader)
                self._searcher = (self.ix.searcher(weighting=self.weighting) if empty
                                  else self._searcher.refresh())
            return self._searcher

    def _invalidate(self) -> None:
        self.weighting._idf_cache.clear()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def parse(self, text: str, *, raw: bool) -> ParsedQuery:
        """Turn user text into a whoosh query over the language fields that hold documents."""
        if raw:
            native = self._parse_raw(text)
            terms: dict[str, set[str]] = {}
            for fieldname, term in _query_terms(native):
                kind, _, lang = fieldname.partition("_")
                if kind in ("body", "title") and lang:
                    terms.setdefault(lang, set()).add(term.decode("utf-8") if isinstance(term, bytes) else str(term))
            highlight = {lang: frozenset(v) for lang, v in terms.items()}
        else:
            plan = plan_plain_query(text, self._languages())
            native = self._plain_query(plan)
            highlight = plan.highlight_terms()
        return ParsedQuery(text, raw, native, highlight, empty=native is wq.NullQuery)

    def _languages(self) -> tuple[str, ...]:
        """Index languages that have at least one page (querying empty fields only costs time)."""
        searcher = self._get_searcher()
        active = tuple(lang for lang in INDEX_LANGUAGES if searcher.field_length(f"body_{lang}") > 0)
        return active or INDEX_LANGUAGES

    def _plain_query(self, plan: PlainPlan) -> wq.Query:
        optional = []
        for by_lang in plan.words:
            optional.append(wq.Or([wq.Term(f"{kind}_{lang}", term, boost=boost) for lang, terms in by_lang.items()
                                   for term in terms for kind, boost in (("body", 1.0), ("title", self.title_boost))]))
        required = []
        for by_lang in plan.phrases:
            parts: list[wq.Query] = []
            for lang, terms in by_lang.items():
                for kind, boost in (("body", 1.0), ("title", self.title_boost)):
                    name = f"{kind}_{lang}"
                    parts.append(wq.Term(name, terms[0], boost=boost) if len(terms) == 1
                                 else wq.Phrase(name, list(terms), boost=boost))
            required.append(wq.Or(parts))
        if required and optional:
            return wq.AndMaybe(wq.And(required), wq.Or(optional))
        if required:
            return wq.And(required)
        if optional:
            return wq.Or(optional)
        return wq.NullQuery

    def _parse_raw(self, text: str) -> wq.Query:
        """The raw syntax with `title` and `body` expanded to the language fields that hold documents."""
        return self._expand_fields(whoosh_query(parse_raw_syntax(text)), self._languages())

    def _expand_fields(self, q: wq.Query, languages: tuple[str, ...]) -> wq.Query:
        if isinstance(q, wq.Term) and q.fieldname in ("body", "title"):
            return self._expand_leaf(q.fieldname, lambda field, terms: (
                wq.Term(field, terms[0], boost=q.boost) if len(terms) == 1 else wq.Phrase(field, terms)),
                str(q.text), languages, boost=q.boost)
        if isinstance(q, wq.Phrase) and q.fieldname in ("body", "title"):
            return self._expand_leaf(q.fieldname, lambda field, terms: (
                wq.Term(field, terms[0]) if len(terms) == 1 else wq.Phrase(field, terms, slop=q.slop)),
                " ".join(str(w) for w in q.words), languages, boost=q.boost)
        if isinstance(q, wq.FuzzyTerm) and q.fieldname in ("body", "title"):
            # the word as each language's analyzer indexes it (stemmed), within the edits asked for, as on tantivy
            parts = [wq.FuzzyTerm(f"{q.fieldname}_{lang}", term, maxdist=min(q.maxdist, 2)) for lang in languages
                     for term in dict.fromkeys(analyze(lang, str(q.text)) or [str(q.text).lower()])]
            return wq.Or(parts, boost=q.boost)
        if isinstance(q, (wq.Prefix, wq.Wildcard)) and q.fieldname in ("body", "title"):
            kind = q.fieldname
            text = str(q.text).lower()
            parts = [q.__class__(f"{kind}_{lang}", text) for lang in languages]
            return wq.Or(parts, boost=q.boost)
        if isinstance(q, wq.Term) and q.fieldname not in ("page_id", "doc_id", "page"):
            raise QuerySyntaxError(
                f"unknown field {q.fieldname!r} in query: search `title:` or `body:` (the default), "
                "or use --filter for metadata")
        if q.is_leaf():
            return q
        return q.apply(lambda child: self._expand_fields(child, languages))

    def _expand_leaf(self, kind: str, build: Callable[[str, list[str]], wq.Query], text: str,
                     languages: tuple[str, ...], boost: float) -> wq.Query:
        parts: list[wq.Query] = []
        for lang in languages:
            terms = analyze(lang, text)
            if terms:
                extra = self.title_boost if kind == "title" else 1.0
                leaf = build(f"{kind}_{lang}", terms)
                leaf.boost = leaf.boost * extra
                parts.append(leaf)
        return wq.Or(parts, boost=boost) if parts else wq.NullQuery

    def search(self, query: ParsedQuery, *, limit: int = 300, doc_ids: set[str] | None = None) -> list[PageHit]:
        """Best-scoring pages for a parsed query, optionally within some documents."""
        if query.empty or (doc_ids is not None and not doc_ids):
            return []
        with self._lock:
            searcher = self._get_searcher()
            filter_query = wq.Or([wq.Term("doc_id", d) for d in doc_ids]) if doc_ids is not None else None
            try:
                results = searcher.search(query.native, limit=limit, filter=filter_query)
            except Exception as exc:
                if query.raw:
                    raise QuerySyntaxError(f"cannot run query {query.text!r}: {exc}") from exc
                raise
            return [PageHit(r["page_id"], r["doc_id"], int(r["page"]), float(r.score)) for r in results]

    def indexed_page_ids(self) -> dict[str, set[str]]:
        """Every indexed page id grouped by document id."""
        out: dict[str, set[str]] = {}
        with self._lock:
            for fields in self._get_searcher().all_stored_fields():
                out.setdefault(fields["doc_id"], set()).add(fields["page_id"])
        return out

    def doc_count(self) -> int:
        """Number of indexed pages."""
        with self._lock:
            return self.ix.doc_count()

    def close(self) -> None:
        """Close the cached searcher."""
        with self._lock:
            self._invalidate()


def _query_terms(q: wq.Query) -> Iterable[tuple[str, Any]]:
    try:
        return list(q.iter_all_terms(phrases=True))
    except TypeError:
        return list(q.iter_all_terms())
