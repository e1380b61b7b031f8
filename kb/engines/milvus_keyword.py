"""The Milvus keyword index: BM25 inside Milvus over one row per page, holding atkb's analysed terms.

Pages are analysed by atkb's own per-language analyzers (as for tantivy and whoosh) and stored as space-joined
terms in a title and a body field, each with Milvus's BM25 function, so that a query means the same on every
engine and highlights are found the same way. Quoted phrases and the raw syntax are run in two steps: a filter
inside Milvus (TEXT_MATCH of the words, LIKE for prefixes) that every matching page passes, then the exact test of
the query on the terms of the pages it let through (`kb.engines.milvus_raw_query`).
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..text.analysis import INDEX_LANGUAGES, analyze, index_language
from .keyword import (
    PageHit, ParsedQuery, PlainPlan, check_marker, page_id_for, parse_raw_syntax, plan_plain_query, read_marker,
    write_marker,
)
from .milvus_raw_query import FIELDS, MilvusQuery, RawTranslator, contains_phrase, milvus_term, text_match
from .milvus_client import delete_documents as delete_rows
from .milvus_client import (
    CONSISTENCY, client_for, ensure_loaded, guarded, in_list, new_collection_name, quoted,
    read_marker as read_milvus_marker,
    write_marker as write_milvus_marker,
)
from ..models import Document, Page

BACKEND = "milvus"
SCHEMA_VERSION = 1
MAX_FIELD_BYTES = 65_000  # Milvus VARCHAR holds at most 65,535 bytes
FETCH_CAP = 16_384  # Milvus's largest limit per request
WRITE_ROWS = 500


def _joined_terms(terms: Iterable[str]) -> str:
    """Terms as Milvus's tokenizer will split them back (cut to what a VARCHAR holds)."""
    text = " ".join(milvus_term(t) for t in terms)
    data = text.encode("utf-8")
    if len(data) <= MAX_FIELD_BYTES:
        return text
    return data[:MAX_FIELD_BYTES].decode("utf-8", "ignore").rsplit(" ", 1)[0]


class MilvusKeywordIndex:
    """BM25 inside Milvus (k1 and b fixed by the server) over title and page text; the title's score is weighted."""

    def __init__(self, path: Path, *, uri: str, milvus_token: str = "", collection_prefix: str = "atkb",
                 title_boost: float = 1.0, fallback_language: str = "en"):
        self.backend = BACKEND
        self.path = Path(path)
        self.uri = uri
        self.title_boost = title_boost
        self.fallback_language = fallback_language
        self._lock = threading.RLock()
        self._prefix = collection_prefix
        if read_marker(self.path) is not None:
            check_marker(self.path, BACKEND, SCHEMA_VERSION)
        self.client = client_for(uri, milvus_token)
        marker = read_milvus_marker(self.path) or {}
        self.collection = marker.get("collection") or ""
        if not self.collection or not guarded(uri, lambda: self.client.has_collection(self.collection)):
            self._create(self.collection or new_collection_name(collection_prefix, "pages"))
        ensure_loaded(self.client, uri, self.collection)
        self._languages_seen: tuple[int, tuple[str, ...]] | None = None

    def _create(self, name: str) -> None:
        from pymilvus import DataType, Function, FunctionType

        client = self.client
        schema = client.create_schema(auto_id=False, description="atkb pages: analysed terms with BM25")
        schema.add_field("page_id", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=256)
        schema.add_field("page", DataType.INT64)
        schema.add_field("lang", DataType.VARCHAR, max_length=8)
        for name_ in FIELDS:
            schema.add_field(name_, DataType.VARCHAR, max_length=65_535, enable_analyzer=True, enable_match=True,
                             analyzer_params={"tokenizer": "standard"})
            schema.add_field(f"{name_}_bm25", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(Function(name=f"{name_}_bm25_fn", function_type=FunctionType.BM25,
                                         input_field_names=[name_], output_field_names=[f"{name_}_bm25"]))
        params = client.prepare_index_params()
        for name_ in FIELDS:
            params.add_index(field_name=f"{name_}_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        guarded(self.uri, lambda: client.create_collection(name, schema=schema, index_params=params,
                                                           consistency_level=CONSISTENCY))
        self.collection = name
        self.path.mkdir(parents=True, exist_ok=True)
        write_marker(self.path, BACKEND, SCHEMA_VERSION)
        write_milvus_marker(self.path, {"collection": name, "uri": self.uri, "writes": 0})

    # ----- writes ------------------------------------------------------------------------------
    def _wrote(self) -> None:
        # sealed on disk before the store marks the documents ready; Milvus Lite also counts the BM25 statistics
        # of rows not yet sealed over the filtered rows only, so that filters would change scores
        guarded(self.uri, lambda: self.client.flush(self.collection))
        marker = read_milvus_marker(self.path) or {}
        write_milvus_marker(self.path, {**marker, "collection": self.collection,
                                        "writes": int(marker.get("writes", 0)) + 1})

    def replace_documents(self, docs: Sequence[tuple[Document, Sequence[Page]]]) -> None:
        """Delete the documents' old pages, then insert the new ones (the store keeps them pending until both)."""
        if not docs:
            return
        rows = [row for doc, pages in docs for row in self._rows(doc, pages)]
        with self._lock:
            self._delete([doc.doc_id for doc, _ in docs])
            for start in range(0, len(rows), WRITE_ROWS):
                part = rows[start:start + WRITE_ROWS]
                guarded(self.uri, lambda: self.client.insert(self.collection, part))
            self._wrote()

    def _rows(self, doc: Document, pages: Sequence[Page]) -> list[dict[str, Any]]:
        lang = index_language(doc.language, self.fallback_language)
        title = _joined_terms(analyze(lang, doc.title or ""))
        return [{"page_id": page_id_for(doc.doc_id, page.number), "doc_id": doc.doc_id, "page": page.number,
                 "lang": lang, "title": title, "body": _joined_terms(analyze(lang, page.text))}
                for page in pages if page.text.strip()]

    def _delete(self, doc_ids: list[str]) -> None:
        delete_rows(self.client, self.uri, self.collection, doc_ids)

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Remove the documents' pages."""
        ids = list(doc_ids)
        if ids:
            with self._lock:
                self._delete(ids)
                self._wrote()

    def optimize(self, max_segments: int = 3) -> None:
        """Ask Milvus to merge small segments (it removes deleted rows as it does)."""
        with self._lock:
            guarded(self.uri, lambda: self.client.compact(self.collection))

    def clear(self) -> None:
        """Drop every page: a new, empty collection replaces the old one."""
        with self._lock:
            old = self.collection
            guarded(self.uri, lambda: self.client.drop_collection(old))
            self._create(new_collection_name(self._prefix, "pages"))
            ensure_loaded(self.client, self.uri, self.collection)

    # ----- reads -------------------------------------------------------------------------------
    def _generation(self) -> int:
        return int((read_milvus_marker(self.path) or {}).get("writes", 0))

    def _languages(self) -> tuple[str, ...]:
        generation = self._generation()
        if self._languages_seen is None or self._languages_seen[0] != generation:
            active = tuple(lang for lang in INDEX_LANGUAGES if self._query(f"lang == {quoted(lang)}", ["page_id"], 1))
            self._languages_seen = (generation, active or INDEX_LANGUAGES)
        return self._languages_seen[1]

    def parse(self, text: str, *, raw: bool) -> ParsedQuery:
        """Turn user text into the terms, filter and exact test of a Milvus query."""
        with self._lock:
            languages = self._languages()
        if raw:
            translator = RawTranslator(languages)
            native = translator.translate(parse_raw_syntax(text))
            highlight = {lang: frozenset(terms) for lang, terms in translator.terms.items()}
            return ParsedQuery(text, True, native, highlight, empty=native.nothing)
        plan = plan_plain_query(text, languages)
        native = _plain_query(plan)
        return ParsedQuery(text, False, native, plan.highlight_terms(), empty=native.nothing)

    def search(self, query: ParsedQuery, *, limit: int = 300, doc_ids: set[str] | None = None) -> list[PageHit]:
        """Best-scoring pages for a parsed query, optionally within some documents."""
        native: MilvusQuery = query.native  # type: ignore[assignment]
        if query.empty or limit <= 0 or (doc_ids is not None and not doc_ids):
            return []
        where = " and ".join(f"({part})" for part in (native.where, in_list("doc_id", doc_ids) if doc_ids
                                                       else None) if part)
        fetch = min(FETCH_CAP, limit * 4 if native.check else limit)
        while True:  # an exact test may reject pages: fetch more until enough pass or none are left
            kept, exhausted = self._candidates(native, where, fetch)
            if len(kept) >= limit or exhausted or fetch >= FETCH_CAP:
                break
            fetch = min(FETCH_CAP, fetch * 4)
        kept.sort(key=lambda item: (-item[0], item[1]))
        return [PageHit(page_id, row["doc_id"], int(row["page"]), score) for score, page_id, row in kept[:limit]]

    def _candidates(self, native: MilvusQuery, where: str,
                    fetch: int) -> tuple[list[tuple[float, str, dict[str, Any]]], bool]:
        """Pages ranked by BM25 in title and body (and, for unscored parts, matched by the filter alone) that pass
        the exact test; and whether Milvus had no more to give."""
        outputs = ["page_id", "doc_id", "page", *(FIELDS if native.check else ())]
        found: dict[str, tuple[float, dict[str, Any]]] = {}
        exhausted = True
        with self._lock:
            for name in FIELDS:
                terms = native.terms.get(name)
                if terms:
                    weight = self.title_boost if name == "title" else 1.0
                    hits = self._bm25(name, terms, where, fetch, outputs)
                    exhausted = exhausted and len(hits) < fetch
                    for page_id, score, row in hits:
                        before = found.get(page_id, (0.0, row))[0]
                        found[page_id] = (before + weight * score, row)
            if native.unscored:
                for row in self._query(where or 'page_id != ""', outputs, FETCH_CAP):
                    found.setdefault(row["page_id"], (0.0, row))
        kept = [(score, page_id, row) for page_id, (score, row) in found.items()
                if native.check is None or native.check(row)]
        return kept, exhausted

    def _bm25(self, name: str, terms: list[str], where: str, limit: int,
              outputs: list[str]) -> list[tuple[str, float, dict[str, Any]]]:
        text = " ".join(milvus_term(t) for t in terms)
        result = guarded(self.uri, lambda: self.client.search(
            self.collection, data=[text], anns_field=f"{name}_bm25", limit=limit, filter=where,
            output_fields=outputs, search_params={"metric_type": "BM25"}, consistency_level=CONSISTENCY))
        # Milvus Lite reports BM25 scores negated (as distances); a Milvus server reports them as they are
        return [(hit["entity"]["page_id"], abs(float(hit["distance"])), hit["entity"]) for hit in result[0]
                if hit["distance"]]

    def _query(self, where: str, outputs: list[str], limit: int) -> list[dict[str, Any]]:
        return guarded(self.uri, lambda: self.client.query(self.collection, filter=where, output_fields=outputs,
                                                           limit=limit, consistency_level=CONSISTENCY))

    def indexed_page_ids(self) -> dict[str, set[str]]:
        """Every indexed page id grouped by document id."""
        out: dict[str, set[str]] = {}
        with self._lock:
            iterator = guarded(self.uri, lambda: self.client.query_iterator(
                self.collection, batch_size=5000, filter='page_id != ""', output_fields=["doc_id"],
                consistency_level=CONSISTENCY))
            while batch := guarded(self.uri, iterator.next):
                for row in batch:
                    out.setdefault(row["doc_id"], set()).add(row["page_id"])
            iterator.close()
        return out

    def doc_count(self) -> int:
        """Number of indexed pages."""
        with self._lock:
            rows = guarded(self.uri, lambda: self.client.query(self.collection, filter="", output_fields=["count(*)"],
                                                               consistency_level=CONSISTENCY))
        return int(rows[0]["count(*)"]) if rows else 0

    def close(self) -> None:
        """Nothing to release: the process's client stays open for the other index."""


def _plain_query(plan: PlainPlan) -> MilvusQuery:
    """Words ranked by BM25 in title and body; each quoted phrase required, in the title or the body."""
    words = [t for w in plan.words for terms in w.values() for t in terms]
    phrase_terms = [t for p in plan.phrases for terms in p.values() for t in terms]
    ranked = list(dict.fromkeys(words + phrase_terms))
    if not ranked:
        return MilvusQuery({}, None, nothing=True)
    variants = [list(dict.fromkeys(p.values())) for p in plan.phrases]
    where = " and ".join(
        "(" + " or ".join(" and ".join(text_match(name, t) for t in dict.fromkeys(terms))
                          for name in FIELDS for terms in options) + ")"
        for options in variants) or None

    def check(row: dict[str, Any]) -> bool:
        tokens = {name: row[name].split() for name in FIELDS}
        return all(any(contains_phrase(tokens[name], [milvus_term(t) for t in terms], 1)
                       for name in FIELDS for terms in options) for options in variants)

    return MilvusQuery({name: ranked for name in FIELDS}, where, check if variants else None)
