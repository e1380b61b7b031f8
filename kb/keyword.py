"""Keyword search: the KeywordIndex protocol and its whoosh implementation (BM25F over title and body)."""
from __future__ import annotations

import json
import math
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.qparser.plugins import GtLtPlugin
from whoosh.scoring import BM25F, BM25FScorer, WeightScorer

from .analysis import INDEX_LANGUAGES, analyze, analyzer_for, index_language
from .errors import QuerySyntaxError, SchemaVersionError
from .language import detect_query_language, stopwords
from .models import Document, Page
from .query import PlainQuery

KEYWORD_SCHEMA_VERSION = 1


@dataclass
class PageHit:
    """One retrieved page with its score (higher is better)."""

    page_id: str
    doc_id: str
    page: int
    score: float


def page_id_for(doc_id: str, page: int) -> str:
    """The keyword index's id for one page of a document."""
    return f"{doc_id}-p{page}"


class KeywordIndex(Protocol):
    """What the knowledge base needs from a keyword index (pages are its unit of retrieval)."""

    def replace_documents(self, docs: Sequence[tuple[Document, Sequence[Page]]]) -> None:
        """Atomically replace all pages of these documents with the given ones."""

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Atomically remove every page of these documents."""

    def search(self, text: str, *, raw: bool, limit: int, doc_ids: set[str] | None,
               parsed: Any = None) -> tuple[list[PageHit], Any]:
        """Best pages for a query (restricted to doc_ids when given) and the parsed query."""

    def highlight_spans(self, parsed: Any, text: str, language: str | None) -> list[tuple[int, int]]:
        """Character spans of the query's matching terms in a text."""

    def indexed_page_ids(self) -> dict[str, set[str]]:
        """Every indexed page id grouped by document id."""

    def close(self) -> None:
        """Release resources."""


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

    Pages, not embedding-sized chunks, are the keyword unit: BM25 ranks better on whole pages (and on whole
    short records) than on 256-token pieces, and the index is several times smaller.
    """

    def __init__(self, path: Path, *, title_boost: float = 1.0, k1: float = 1.2, b: float = 0.75,
                 fallback_language: str = "en"):
        self.path = Path(path)
        self.fallback_language = fallback_language
        self.title_boost = title_boost
        self.weighting = CrossLanguageBM25F(B=b, K1=k1)
        self._lock = threading.RLock()
        self._searcher = None
        version_file = self.path / "atkb-keyword.json"
        if whoosh_index.exists_in(str(self.path)):
            found = json.loads(version_file.read_text()).get("schema_version") if version_file.exists() else None
            if found != KEYWORD_SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"keyword index {self.path} has schema version {found}, this atkb uses "
                    f"{KEYWORD_SCHEMA_VERSION}: run `kb reindex` to rebuild it from the document store")
            self.ix = whoosh_index.open_dir(str(self.path))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self.ix = whoosh_index.create_in(str(self.path), _schema())
            version_file.write_text(json.dumps({"schema_version": KEYWORD_SCHEMA_VERSION}))

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
            (self.path / "atkb-keyword.json").write_text(json.dumps({"schema_version": KEYWORD_SCHEMA_VERSION}))

    # ----- reads -------------------------------------------------------------------------------
    def _get_searcher(self):
        with self._lock:
            if self._searcher is None:
                self._searcher = self.ix.searcher(weighting=self.weighting)
            elif not self._searcher.up_to_date():
                self.weighting._idf_cache.clear()
                self._searcher = self._searcher.refresh()
            return self._searcher

    def _invalidate(self) -> None:
        self.weighting._idf_cache.clear()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def parse(self, text: str, *, raw: bool) -> wq.Query:
        """Turn user text into a whoosh query over the language fields that hold documents."""
        return self._parse_raw(text) if raw else self._parse_plain(PlainQuery.parse(text))

    def _languages(self) -> tuple[str, ...]:
        """Index languages that have at least one page (querying empty fields only costs time)."""
        searcher = self._get_searcher()
        active = tuple(lang for lang in INDEX_LANGUAGES if searcher.field_length(f"body_{lang}") > 0)
        return active or INDEX_LANGUAGES

    def _word_query(self, word: str, languages: tuple[str, ...]) -> wq.Query | None:
        parts: list[wq.Query] = []
        for lang in languages:
            for term in dict.fromkeys(analyze(lang, word)):
                parts.append(wq.Term(f"body_{lang}", term))
                parts.append(wq.Term(f"title_{lang}", term, boost=self.title_boost))
        return wq.Or(parts) if parts else None

    def _phrase_query(self, phrase: str, languages: tuple[str, ...]) -> wq.Query | None:
        parts: list[wq.Query] = []
        for lang in languages:
            terms = analyze(lang, phrase)
            if not terms:
                continue
            for kind, boost in (("body", 1.0), ("title", self.title_boost)):
                field = f"{kind}_{lang}"
                parts.append(wq.Term(field, terms[0], boost=boost) if len(terms) == 1
                             else wq.Phrase(field, terms, boost=boost))
        return wq.Or(parts) if parts else None

    def _parse_plain(self, plain: PlainQuery) -> wq.Query:
        languages = self._languages()
        # Stop words of the query's own language carry no meaning in any field: "voor" in a Dutch query must not
        # match the Dutch citations of English reports, whose English analyzer keeps it.
        query_language = detect_query_language(plain.words)
        drop = stopwords(query_language) if query_language else frozenset()
        words = [w for w in plain.words if w.lower() not in drop] or plain.words
        optional = [q for q in (self._word_query(w, languages) for w in words) if q is not None]
        required = [q for q in (self._phrase_query(p, languages) for p in plain.phrases) if q is not None]
        if required and optional:
            return wq.AndMaybe(wq.And(required), wq.Or(optional))
        if required:
            return wq.And(required)
        if optional:
            return wq.Or(optional)
        return wq.NullQuery

    def _parse_raw(self, text: str) -> wq.Query:
        """Full whoosh syntax on the virtual fields `title` and `body` (the default)."""
        parser = QueryParser("body", schema=None)
        parser.add_plugin(GtLtPlugin())
        try:
            parsed = parser.parse(text)
        except Exception as exc:  # whoosh raises assorted errors on malformed input
            raise QuerySyntaxError(f"cannot parse query {text!r}: {exc}") from exc
        return self._expand_fields(parsed, self._languages())

    def _expand_fields(self, q: wq.Query, languages: tuple[str, ...]) -> wq.Query:
        if isinstance(q, wq.Term) and q.fieldname in ("body", "title"):
            return self._expand_leaf(q.fieldname, lambda field, terms: (
                wq.Term(field, terms[0], boost=q.boost) if len(terms) == 1 else wq.Phrase(field, terms)),
                str(q.text), languages, boost=q.boost)
        if isinstance(q, wq.Phrase) and q.fieldname in ("body", "title"):
            return self._expand_leaf(q.fieldname, lambda field, terms: (
                wq.Term(field, terms[0]) if len(terms) == 1 else wq.Phrase(field, terms, slop=q.slop)),
                " ".join(str(w) for w in q.words), languages, boost=q.boost)
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)) and q.fieldname in ("body", "title"):
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

    def _expand_leaf(self, kind: str, build, text: str, languages: tuple[str, ...], boost: float) -> wq.Query:
        parts: list[wq.Query] = []
        for lang in languages:
            terms = analyze(lang, text)
            if terms:
                extra = self.title_boost if kind == "title" else 1.0
                leaf = build(f"{kind}_{lang}", terms)
                leaf.boost = leaf.boost * extra
                parts.append(leaf)
        return wq.Or(parts, boost=boost) if parts else wq.NullQuery

    def search(self, text: str, *, raw: bool = False, limit: int = 300, doc_ids: set[str] | None = None,
               parsed: wq.Query | None = None) -> tuple[list[PageHit], wq.Query]:
        """Best-scoring pages for the query (pass `parsed` to reuse a parse), optionally within some documents."""
        parsed = self.parse(text, raw=raw) if parsed is None else parsed
        if parsed is wq.NullQuery or (doc_ids is not None and not doc_ids):
            return [], parsed
        with self._lock:
            searcher = self._get_searcher()
            filter_query = None
            if doc_ids is not None:
                filter_query = wq.Or([wq.Term("doc_id", d) for d in doc_ids])
            try:
                results = searcher.search(parsed, limit=limit, filter=filter_query)
            except Exception as exc:
                if raw:
                    raise QuerySyntaxError(f"cannot run query {text!r}: {exc}") from exc
                raise
            hits = [PageHit(r["page_id"], r["doc_id"], int(r["page"]), float(r.score)) for r in results]
        return hits, parsed

    def highlight_spans(self, parsed: Any, text: str, language: str | None) -> list[tuple[int, int]]:
        """Spans of tokens in `text` whose index term the query contains (in the text's language)."""
        lang = index_language(language, self.fallback_language)
        wanted = {t for f, t in _query_terms(parsed) if f in (f"body_{lang}", f"title_{lang}")}
        if not wanted:
            return []
        wanted_str = {w.decode("utf-8") if isinstance(w, bytes) else str(w) for w in wanted}
        spans = []
        for token in analyzer_for(lang)(text, chars=True, removestops=True):
            if token.text in wanted_str:
                spans.append((token.startchar, token.endchar))
        return spans

    def indexed_page_ids(self) -> dict[str, set[str]]:
        """Every indexed page id grouped by document id."""
        out: dict[str, set[str]] = {}
        with self._lock:
            with self.ix.searcher() as searcher:
                for fields in searcher.all_stored_fields():
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


def _walk(q: wq.Query):
    yield q
    if not q.is_leaf():
        for child in q.children():
            yield from _walk(child)


def _query_terms(q: wq.Query) -> Iterable[tuple[str, Any]]:
    try:
        return list(q.iter_all_terms(phrases=True))
    except TypeError:
        return list(q.iter_all_terms())
