"""Queries for the Milvus keyword index: the raw syntax as a Milvus filter that lets every match through, plus the
exact test of the query on a page's terms; the term and phrase helpers both query kinds use."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..errors import QuerySyntaxError
from ..text import raw_query as rq
from ..text.analysis import analyze
from .keyword import page_number
from .milvus_client import quoted

FIELDS = ("body", "title")
Row = dict[str, Any]
Test = Callable[[Row], bool]
NOTHING = "\x00nothing"  # a part of the query no page can match


@dataclass
class MilvusQuery:
    """A query for the Milvus index: the terms BM25 ranks by, a filter every match passes, and the exact test."""

    terms: dict[str, list[str]]
    where: str | None
    check: Test | None = None
    unscored: bool = False  # matches need not contain a ranked term (prefixes, ranges, NOT): fetch by filter too
    nothing: bool = False


def milvus_term(term: str) -> str:
    """An analysed term as one token of Milvus's standard tokenizer (which splits at apostrophes)."""
    return term.replace("'", "_").replace("’", "_")


def text_match(name: str, term: str) -> str:
    """A filter expression: the field holds the term."""
    return f"TEXT_MATCH({name}, {quoted(milvus_term(term))})"


def contains_phrase(tokens: Sequence[str], phrase: Sequence[str], slop: int) -> bool:
    """Whether the terms occur in order, each within `slop` positions of the one before."""
    if not phrase:
        return False
    starts = [i for i, token in enumerate(tokens) if token == phrase[0]]
    for start in starts:
        position, ok = start, True
        for term in phrase[1:]:
            window = tokens[position + 1:position + 1 + max(1, slop)]
            if term not in window:
                ok = False
                break
            position = position + 1 + window.index(term)
        if ok:
            return True
    return False


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) <= 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _edit_distance(a: str, b: str, limit: int) -> bool:
    """Whether b is within `limit` edits (insert, delete, substitute, swap) of a."""
    if limit <= 1:
        return a == b or _within_one_edit(a, b)
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] <= limit


@dataclass
class _Part:
    where: str | None  # None: any page may match; NOTHING: none can
    test: Test
    unscored: bool = False


def _all(parts: list[str]) -> str | None:
    kept = [p for p in parts if p]
    return None if not kept else kept[0] if len(kept) == 1 else " and ".join(f"({p})" for p in kept)


class RawTranslator:
    """Translates a raw query tree (`kb.text.raw_query`) over the virtual fields `title` and `body` into a Milvus query."""

    def __init__(self, languages: Sequence[str]):
        self.languages = languages
        self.terms: dict[str, set[str]] = {}
        self._ranked: dict[str, list[str]] = {name: [] for name in FIELDS}

    def translate(self, q: rq.Query) -> MilvusQuery:
        """The Milvus query (marked `nothing` when no page can match)."""
        part = self._node(q, positive=True)
        if part.where == NOTHING:
            return MilvusQuery({}, None, nothing=True)
        ranked = {name: list(dict.fromkeys(terms)) for name, terms in self._ranked.items() if terms}
        return MilvusQuery(ranked, part.where, part.test, unscored=part.unscored or not ranked)

    def _node(self, q: rq.Query, positive: bool) -> _Part:
        if isinstance(q, rq.Null):
            return _Part(NOTHING, lambda row: False)
        if isinstance(q, rq.Every):
            return _Part(None, lambda row: True, unscored=True)
        if isinstance(q, rq.LEAVES):
            return self._leaf(q, positive)
        if isinstance(q, rq.Not):
            inner = self._node(q.query, positive=False)
            return _Part(None, lambda row: not inner.test(row), unscored=True)
        if isinstance(q, rq.BINARY):
            first = self._node(q.a, positive)
            second = self._node(q.b, positive and not isinstance(q, rq.AndNot))
            if isinstance(q, rq.AndNot):
                return _Part(first.where, lambda row: first.test(row) and not second.test(row), first.unscored)
            if isinstance(q, rq.AndMaybe):
                return first
            return self._conjunction([first, second])
        if isinstance(q, (rq.And, rq.Or)):
            children = [self._node(child, positive) for child in q.subqueries]
            return self._conjunction(children) if isinstance(q, rq.And) else self._disjunction(children)
        raise QuerySyntaxError(f"this part of the query is not supported: {q}")

    @staticmethod
    def _conjunction(parts: list[_Part]) -> _Part:
        if any(p.where == NOTHING for p in parts):
            return _Part(NOTHING, lambda row: False)
        tests = [p.test for p in parts]
        return _Part(_all([p.where for p in parts if p.where]), lambda row: all(t(row) for t in tests),
                     all(p.unscored for p in parts))

    @staticmethod
    def _disjunction(parts: list[_Part]) -> _Part:
        parts = [p for p in parts if p.where != NOTHING]
        if not parts:
            return _Part(NOTHING, lambda row: False)
        tests = [p.test for p in parts]
        where = None if any(p.where is None for p in parts) else " or ".join(f"({p.where})" for p in parts)
        return _Part(where, lambda row: any(t(row) for t in tests), any(p.unscored for p in parts))

    def _leaf(self, q: Any, positive: bool) -> _Part:
        name = q.fieldname
        if name in ("doc_id", "page_id") and isinstance(q, rq.Term):
            value = str(q.text)
            return _Part(f"{name} == {quoted(value)}", lambda row: row.get(name) == value
                         or (name == "page_id" and row.get("page_id") == value), unscored=True)
        if name == "page":
            return self._page(q)
        if name not in FIELDS:
            raise QuerySyntaxError(
                f"unknown field {name!r} in query: search `title:` or `body:` (the default), "
                "or use --filter for metadata")
        if isinstance(q, (rq.Prefix, rq.Wildcard)):
            return self._pattern(name, q)
        if isinstance(q, rq.FuzzyTerm):
            return self._fuzzy(name, q, positive)
        if isinstance(q, rq.Range):
            raise QuerySyntaxError(f"ranges work on `page:` only, not on {name!r}")
        return self._words(name, q, positive)

    def _words(self, name: str, q: Any, positive: bool) -> _Part:
        text = " ".join(str(w) for w in q.words) if isinstance(q, rq.Phrase) else str(q.text)
        slop = getattr(q, "slop", 1)
        variants: dict[tuple[str, ...], None] = {}
        for lang in self.languages:
            terms = tuple(milvus_term(t) for t in analyze(lang, text))
            if terms:
                variants[terms] = None
                self.terms.setdefault(lang, set()).update(analyze(lang, text))
        if not variants:
            return _Part(NOTHING, lambda row: False)
        if positive:
            self._ranked[name].extend(t for terms in variants for t in terms)
        where = " or ".join("(" + " and ".join(text_match(name, t) for t in dict.fromkeys(terms)) + ")"
                            for terms in variants)
        options = list(variants)
        return _Part(where, lambda row: any(contains_phrase(row[name].split(), list(terms), slop)
                                            for terms in options))

    def _pattern(self, name: str, q: Any) -> _Part:
        text = str(q.text).lower()
        pattern = text + "*" if isinstance(q, rq.Prefix) else text
        like = "".join("%" if c == "*" else "_" if c == "?" else "\\" + c if c in "%_\\" else c
                       for c in milvus_term(pattern))
        where = f"{name} like {quoted(like)} or {name} like {quoted('% ' + like)}"
        return _Part(where, lambda row: any(fnmatch.fnmatchcase(token, milvus_term(pattern))
                                            for token in row[name].split()), unscored=True)

    def _fuzzy(self, name: str, q: Any, positive: bool) -> _Part:
        distance = min(int(q.maxdist), 2)
        words = {t for lang in self.languages for t in analyze(lang, str(q.text))} or {str(q.text).lower()}
        targets = [milvus_term(w) for w in words]
        return _Part(None, lambda row: any(_edit_distance(w, token, distance) for token in row[name].split()
                                           for w in targets), unscored=True)

    def _page(self, q: Any) -> _Part:
        if isinstance(q, rq.Term):
            wanted = page_number(q.text)
            return _Part(f"page == {wanted}", lambda row: int(row["page"]) == wanted, unscored=True)
        if isinstance(q, rq.Range):
            low, high = page_number(q.start), page_number(q.end)
            low_op, high_op = (">" if q.startexcl else ">="), ("<" if q.endexcl else "<=")
            parts = [f"page {low_op} {low}" if low is not None else "", f"page {high_op} {high}" if high is not None
                     else ""]

            def test(row: Row) -> bool:
                page = int(row["page"])
                return ((low is None or (page > low if q.startexcl else page >= low))
                        and (high is None or (page < high if q.endexcl else page <= high)))
            return _Part(_all(parts), test, unscored=True)
        raise QuerySyntaxError("page: takes a number or a range such as page:[3 TO 8]")
