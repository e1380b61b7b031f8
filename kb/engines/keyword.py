"""Keyword search: the KeywordIndex protocol every engine implements, and what the engines share.

Both engines index pages (not chunks) under atkb's own per-language analyzers (`kb.text.analysis`), so a query means
the same to each: plain text becomes words (optional, ranked) and quoted phrases (required), each analysed in
every index language that holds documents; the query language's stop words are dropped; highlights are found
with the same analyzers in either case.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from ..errors import IndexDamagedError, QuerySyntaxError, SchemaVersionError
from ..models import Document, Page
from ..text import raw_query
from ..text.analysis import analyze, index_language, matching_spans
from ..text.language import detect_query_language, stopwords
from ..text.plain_query import PlainQuery

MARKER = "atkb-keyword.json"


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


@dataclass
class ParsedQuery:
    """A query made ready for one keyword index: its engine's own query, and the terms to highlight per language.

    `native` belongs to the index that parsed the query; nothing outside that index looks inside it.
    """

    text: str
    raw: bool
    native: object
    highlight_terms: dict[str, frozenset[str]] = field(default_factory=dict)
    empty: bool = False


class KeywordIndex(Protocol):
    """What the knowledge base needs from a keyword index (pages are its unit of retrieval)."""

    backend: str

    def parse(self, text: str, *, raw: bool) -> ParsedQuery:
        """Turn user text (plain, or the raw query syntax) into a query for this index."""

    def search(self, query: ParsedQuery, *, limit: int, doc_ids: set[str] | None = None) -> list[PageHit]:
        """Best pages for a parsed query, best first (restricted to doc_ids when given)."""

    def replace_documents(self, docs: Sequence[tuple[Document, Sequence[Page]]]) -> None:
        """Atomically replace all pages of these documents with the given ones."""

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Atomically remove every page of these documents."""

    def clear(self) -> None:
        """Drop every document."""

    def optimize(self, max_segments: int = 3) -> None:
        """Merge segments when there are more than max_segments; files no longer used are removed."""

    def indexed_page_ids(self) -> dict[str, set[str]]:
        """Every indexed page id grouped by document id."""

    def doc_count(self) -> int:
        """Number of indexed pages."""

    def close(self) -> None:
        """Release files and searchers."""


# ----- what both engines share ------------------------------------------------------------------

@dataclass
class PlainPlan:
    """A plain query analysed per index language: each word's terms, and each phrase's term sequence."""

    words: list[dict[str, tuple[str, ...]]]
    phrases: list[dict[str, tuple[str, ...]]]
    # the words' terms that are never highlighted: stop words of the query's language (of the fallback language
    # when it is not recognised), which another language's analyzer would keep ("for" in a Dutch or Bulgarian text)
    unmarked: list[dict[str, tuple[str, ...]]] = field(default_factory=list)

    def highlight_terms(self) -> dict[str, frozenset[str]]:
        """Every term of the plan but the unmarked words', by language."""
        out: dict[str, set[str]] = {}
        unmarked = [id(item) for item in self.unmarked]
        for item in (*self.words, *self.phrases):
            if id(item) in unmarked:
                continue
            for lang, terms in item.items():
                out.setdefault(lang, set()).update(terms)
        return {lang: frozenset(terms) for lang, terms in out.items()}


def plan_plain_query(text: str, languages: Sequence[str]) -> PlainPlan:
    """Analyse a plain query in each index language.

    Stop words of the query's own language carry no meaning in any language: "voor" in a Dutch query must not
    match the Dutch citations of English reports, whose English analyzer keeps it.
    """
    plain = PlainQuery.parse(text)
    query_language = detect_query_language(plain.words)
    drop = stopwords(query_language) if query_language else frozenset()
    words = [w for w in plain.words if w.lower() not in drop] or plain.words
    quiet = stopwords(query_language or "en")
    planned_words, unmarked = [], []
    for word in words:
        by_lang = {lang: tuple(dict.fromkeys(analyze(lang, word))) for lang in languages}
        by_lang = {lang: terms for lang, terms in by_lang.items() if terms}
        if by_lang:
            planned_words.append(by_lang)
            if word.lower() in quiet and len(words) > 1:
                unmarked.append(by_lang)
    planned_phrases = []
    for phrase in plain.phrases:
        by_lang = {lang: tuple(analyze(lang, phrase)) for lang in languages}
        by_lang = {lang: terms for lang, terms in by_lang.items() if terms}
        if by_lang:
            planned_phrases.append(by_lang)
    return PlainPlan(planned_words, planned_phrases, unmarked)


def parse_raw_syntax(text: str) -> raw_query.Query:
    """The raw query syntax (the same for every engine) as atkb's query tree (`kb.text.raw_query`) over the virtual fields
    `title` and `body` (the default). Each engine turns the tree into its own query."""
    try:
        tree = raw_query.with_fuzzy_terms(raw_query.parse(text))
        for leaf in raw_query.leaves(tree):  # every engine gets page numbers it can hold
            if leaf.fieldname == "page":
                for value in (leaf.start, leaf.end) if isinstance(leaf, raw_query.Range) else (leaf.text,):
                    page_number(value)
    except QuerySyntaxError as exc:
        raise QuerySyntaxError(f"cannot parse query {_shown(text)}: {exc}") from None
    return tree


def _shown(text: str, most: int = 80) -> str:
    """A query as quoted in a message: its start when it is long."""
    return repr(text) if len(text) <= most else repr(text[:most]) + f" (… {len(text):,} characters)"


MAX_PAGE = 1_000_000


def page_number(value: Any) -> int | None:
    """A `page:` value of the raw syntax as a number (None: an open end of a range)."""
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise QuerySyntaxError(f"page: needs a page number, got {value!r}") from None
    if not 0 <= number <= MAX_PAGE:
        raise QuerySyntaxError(f"page: needs a page number (0 to {MAX_PAGE:,}), got {value!r}")
    return number


def highlight_spans(query: ParsedQuery, text: str, language: str | None,
                    fallback_language: str = "en") -> list[tuple[int, int]]:
    """Character spans of the tokens in `text` whose index term the query contains (in the text's language)."""
    lang = index_language(language, fallback_language)
    wanted = query.highlight_terms.get(lang)
    if not wanted:
        return []
    return matching_spans(lang, text, wanted)


def damaged(path: Path, exc: BaseException) -> IndexDamagedError:
    """The error for a keyword index whose files are missing or unreadable: the file, and how to rebuild."""
    return IndexDamagedError(f"the keyword index {path} cannot be read ({type(exc).__name__}: {exc}): run "
                             "`kb reindex --keyword` to rebuild it from the document store")


def read_marker(path: Path) -> dict[str, object] | None:
    """The backend and schema version recorded in a keyword index folder (None when there is none)."""
    marker = Path(path) / MARKER
    if not marker.exists():
        return None
    try:
        return json.loads(marker.read_text())
    except (OSError, ValueError):
        return {}


def write_marker(path: Path, backend: str, schema_version: int) -> None:
    """Record which engine and schema version built the index in this folder."""
    (Path(path) / MARKER).write_text(json.dumps({"backend": backend, "schema_version": schema_version}))


def check_marker(path: Path, backend: str, schema_version: int) -> None:
    """Refuse to open an index that another engine or another schema version built, saying how to rebuild it."""
    found = read_marker(path) or {}
    built_by = found.get("backend", "whoosh")
    if built_by != backend:
        setting = "search_backend" if "milvus" in (built_by, backend) else "keyword_backend"
        configured = "milvus" if backend == "milvus" else "local" if setting == "search_backend" else backend
        back = "milvus" if built_by == "milvus" else "local" if setting == "search_backend" else built_by
        raise SchemaVersionError(
            f"keyword index {path} was built by {built_by}, but the setting {setting} is {configured!r}: "
            f"run `kb reindex --keyword` to rebuild it with {backend} from the document store, or set "
            f"KB_{setting.upper()}={back}")
    if found.get("schema_version") != schema_version:
        raise SchemaVersionError(
            f"keyword index {path} has schema version {found.get('schema_version')}, this atkb's {backend} index "
            f"uses {schema_version}: run `kb reindex --keyword` to rebuild it from the document store")
