"""The KnowledgeBase facade: the one object the CLI, the app and the tests use. It only delegates — to the
indexer (every change), the searcher (every query), the reading lists, and the ingestion pipeline."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterable, Iterator, Mapping, Sequence

from .alerts.feed import atom_feed, feed_url
from .alerts.matching import Match
from .alerts.service import AlertRun, SavedSearches
from .alerts.store import SavedSearch
from .accounts.service import Accounts
from .backends import Backends
from .citations import CitationItem, export as export_citations
from .errors import DocumentNotFoundError
from .filters import Filters
from .indexing.indexer import Indexer
from .models import Chunk, Document, Hit, Page, RecordOptions
from .permissions import Actor, require, system_actor
from .indexing.pipeline_interface import DetectedFile, IngestPipeline, load_pipeline
from .reading_lists import ReadingLists
from .recommendations.export import export_records
from .recommendations.catalogue import RecordView
from .recommendations.searcher import RecommendationSearcher
from .indexing.report import IngestItem, IngestReport
from .search.searcher import FACET_FIELDS, MODES, Searcher, SearchResults
from .settings import Settings
from .text.thesaurus import Thesaurus
from .indexing.writer import BatchWriter

__all__ = ["KnowledgeBase", "SearchResults", "MODES", "FACET_FIELDS"]
Progress = Callable[[int], None]


class KnowledgeBase:
    """Documents, their pages and chunks, and the indexes that search them, under one data directory."""

    def __init__(self, settings: Settings | None = None, *, pipeline: IngestPipeline | None = None,
                 **overrides: Any):
        self.settings = settings or Settings.load(overrides)
        self.backends = Backends(self.settings)
        self.home = self.backends.home
        self.indexer = Indexer(self.backends)
        self.searcher = Searcher(self.backends)
        self.lists = ReadingLists(self.backends.store)
        self.accounts = Accounts(self.backends.store, max_failures=self.settings.signin_max_failures,
                                 lock_minutes=self.settings.signin_lock_minutes,
                                 shared_password=self.settings.researcher_password)
        self.recs = RecommendationSearcher(self.backends)
        self.saved = SavedSearches(self.backends, self.searcher, self._original_link, paused=self.accounts.disabled)
        self._pipeline = pipeline
        self.indexer.recover()

    # ----- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        """Release files and connections."""
        self.backends.close()

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pipeline(self) -> IngestPipeline:
        """The ingestion pipeline (the installed one unless another was given)."""
        if self._pipeline is None:
            self._pipeline = load_pipeline()
        return self._pipeline

    @property
    def model_id(self) -> str:
        """The configured embedding model's id."""
        return self.backends.model_id

    @property
    def embedding_settings(self) -> Settings:
        """The settings with the embedding runtime resolved (what a Ray task that embeds must be given, so that its
        vectors match this knowledge base's)."""
        return self.backends.engine_settings

    def embedding_runtime(self, measure: bool = True) -> dict[str, Any]:
        """The embedding runtime in use, how it was chosen (setting, the vectors' own, or calibration) and this
        machine's calibration when one is known (`measure` off: never calibrates now)."""
        return self.backends.runtime_info(measure)

    @property
    def tokenizer_model(self) -> str:
        """The model whose tokenizer sizes chunks."""
        return self.backends.tokenizer_model

    @property
    def available_modes(self) -> tuple[str, ...]:
        """Search modes this knowledge base offers."""
        return self.searcher.available_modes

    @property
    def default_mode(self) -> str:
        """The mode used when none is given."""
        return self.searcher.default_mode

    def embedder(self) -> Any:
        """The embedding model, loaded once per process on first use."""
        return self.backends.embedder()

    def recover(self) -> dict[str, int]:
        """Finish writes that a killed process left half-done, unless another writer is at work."""
        return self.indexer.recover()

    @contextmanager
    def _acting(self, actor: Actor | None, action: str, activity: str = "ingest") -> Iterator[Actor]:
        """Check that the actor may take the action, and audit what is written meanwhile as theirs."""
        actor = actor or system_actor()
        require(actor, action, public_access=self.settings.public_access)
        with self.backends.store.acting(actor, activity):
            yield actor

    # ----- writing -----------------------------------------------------------------------------
    def batch_writer(self, embed_progress: Progress | None = None) -> ContextManager[BatchWriter]:
        """A locked writer for ingestion; commits what is staged when the context ends."""
        return self.indexer.batch_writer(embed_progress)

    def ingest(self, targets: Sequence[str | Path], *, meta_file: str | Path | None = None,
               record_options: RecordOptions | None = None, progress: bool = False, workers: int | None = None,
               meta: Mapping[str, Any] | None = None,
               on_file: Callable[[str, list[IngestItem]], None] | None = None, ray: str | None = None,
               actor: Actor | None = None, activity: str = "ingest") -> IngestReport:
        """Ingest files, folders, URLs and record files; return the ingest report (ray: read, chunk and embed on
        the Ray cluster at this address, or on a local Ray instance with "local"; activity: what the audit trail
        calls each added document, ingest or upload)."""
        extra = {"ray": ray} if ray is not None else {}  # third-party pipelines need not know Ray
        with self._acting(actor, "ingest", activity):
            return self.pipeline.ingest(self, [str(t) for t in targets], meta_file=meta_file,
                                    record_options=record_options, progress=progress, workers=workers, meta=meta,
                                        on_file=on_file, **extra)

    def detect_metadata(self, path: str | Path) -> DetectedFile:
        """What ingestion would make of a file (its documents' metadata with evidence); nothing is written."""
        return self.pipeline.detect(self, Path(path))

    def supported_suffixes(self) -> list[str]:
        """File name endings that can be ingested."""
        return self.pipeline.supported_suffixes()

    def remove(self, ref: str, *, actor: Actor | None = None) -> Document:
        """Delete a document (by id or by the source it was ingested from) from the store and every index."""
        with self._acting(actor, "remove"):
            doc = self.resolve_document(ref)
            self.indexer.remove(doc)
        return doc

    def correct_metadata(self, ref: str, values: Mapping[str, Any], *, actor: Actor | None = None) -> Document:
        """Set metadata fields of a document by hand (an empty value clears one); kept across re-ingestion."""
        with self._acting(actor, "correct"):
            return self.indexer.correct_metadata(self.resolve_document(ref), values)

    def reindex(self, progress: Progress | None = None, *, keyword: bool = True, vectors: bool = True,
                embed_progress: Progress | None = None, actor: Actor | None = None) -> int:
        """Rebuild indexes from the document store (the configured engines), each built aside and swapped in."""
        with self._acting(actor, "reindex"):
            count = self.indexer.reindex(progress, keyword=keyword, vectors=vectors, embed_progress=embed_progress)
            self.backends.store.record("reindex", "", {"documents": count, "keyword": keyword, "vectors": vectors})
        return count

    def retag_topics(self, progress: Progress | None = None) -> int:
        """Tag every document's topics afresh from the thesaurus (a topic given by hand stays)."""
        return self.indexer.retag_topics(progress)

    def relink(self, progress: Progress | None = None) -> int:
        """Fingerprint every document again and find all near-duplicates and translations afresh."""
        return self.indexer.relink(progress)

    def generation(self) -> int:
        """A counter that every change visible to searches increases (the HTTP API's ETag)."""
        return self.backends.store.generation()

    def stats(self) -> dict[str, Any]:
        """Counts of documents, pages and chunks, and where the data lives."""
        return {**self.indexer.stats(), "modes": list(self.available_modes)}

    def check(self) -> dict[str, Any]:
        """Compare the store with every index; list every disagreement."""
        return self.indexer.check()

    # ----- reading -----------------------------------------------------------------------------
    def resolve_document(self, ref: str) -> Document:
        """Find a document by id, by source, or by a path that resolves to its source."""
        store = self.backends.store
        doc = store.get_document(ref) or store.find_by_source(ref)
        if doc is None and not ref.startswith(("http://", "https://")):
            path = Path(ref).expanduser()
            doc = store.find_by_source(str(path.resolve())) if path.exists() or "/" in ref else None
        if doc is None:
            raise DocumentNotFoundError(f"no document {ref!r}: give a doc_id from `kb search --json` or the "
                                        "path it was ingested from")
        return doc

    def get_document(self, doc_id: str) -> Document:
        """The document with this id."""
        doc = self.backends.store.get_document(doc_id)
        if doc is None:
            raise DocumentNotFoundError(f"no document {doc_id!r}")
        return doc

    def doc_ids(self) -> list[str]:
        """Ids of every searchable document."""
        return self.backends.store.doc_ids()

    def pages(self, doc_id: str) -> list[Page]:
        """The document's text, page by page."""
        return self.backends.store.pages(doc_id)

    def chunks(self, doc_id: str) -> list[Chunk]:
        """The document's chunks in reading order."""
        return self.backends.store.chunks(doc_id)

    def provenance(self, doc: Document) -> dict[str, dict[str, str]]:
        """Where each metadata field of a document came from: {field: {source, evidence}}."""
        return doc.provenance

    def related(self, doc_ids: Sequence[str]) -> dict[str, list[tuple[Document, str, float]]]:
        """Translations and near-duplicates of each document: {doc id: [(document, kind, score), ...]}."""
        return self.searcher.related(doc_ids)

    def original_file(self, doc: Document) -> Path | None:
        """The stored copy of the document's original file, if there is one."""
        return self.indexer.original_file(doc)

    def link_key(self) -> str:
        """The secret that signs the app's links to stored originals (when visitors must sign in)."""
        return self.backends.store.link_key()

    def overview(self, recent: int = 10) -> dict[str, Any]:
        """Documents and pages by organisation, language, year and type, and the latest ingested documents."""
        store = self.backends.store
        return {"by": store.overview(("organisation", "language", "year", "doc_type", "country", "topic")),
                "recent": store.recent_documents(recent), "stats": self.stats()}

    def browse(self, filters: Filters | Mapping[str, Any] | Iterable[str], limit: int = 100) -> list[Document]:
        """Documents that satisfy the filters (e.g. topic=compensation), newest first."""
        return self.backends.store.browse(Filters.parse(filters), limit)

    def thesaurus(self) -> Thesaurus | None:
        """The thesaurus of the field (None when the setting thesaurus is off)."""
        return self.backends.thesaurus()

    def topics(self) -> dict[str, str]:
        """The thesaurus's topics: {id: English label}, in the thesaurus's order (empty when it is off)."""
        thesaurus = self.backends.thesaurus()
        return {c.id: c.label("en") for c in thesaurus.facets()} if thesaurus else {}

    # ----- searching ---------------------------------------------------------------------------
    def search(self, query: str, *, mode: str | None = None, k: int = 10, offset: int = 0,
               filters: Filters | Mapping[str, Any] | Iterable[str] | None = None, raw: bool = False,
               facets: bool = False, translate: bool | None = None) -> SearchResults:
        """Documents ranked best first, each with its best passages (page numbers and highlights); hybrid search
        also runs the query translated into the other languages unless translate is False."""
        return self.searcher.search(query, mode=mode, k=k, offset=offset, filters=filters, raw=raw, facets=facets,
                                    translate=translate)

    def highlight(self, query: str, text: str, language: str | None, raw: bool = False) -> list[tuple[int, int]]:
        """Character spans of the query's words in a text (as the keyword index matches them)."""
        return self.searcher.highlight(query, text, language, raw)

    def similar(self, doc_id: str, k: int = 10) -> list[Hit]:
        """Documents closest in meaning, without the document itself or its duplicates."""
        return self.searcher.similar(self.get_document(doc_id), k)

    def evaluate(self, queries: Mapping[str, str], qrels: Mapping[str, Mapping[str, int]], *, mode: str | None = None,
                 k: int = 10, progress: Progress | None = None) -> dict[str, Any]:
        """Run every judged query and compute nDCG@k, Recall@k and MRR@k against the qrels."""
        return self.searcher.evaluate(queries, qrels, mode=mode, k=k, progress=progress)

    # ----- catalogue ---------------------------------------------------------------------------
    def catalogue_documents(self) -> list[Document]:
        """Every document that came from a catalogue entry (fetched or not)."""
        return self.backends.store.documents_with_field("catalogue_id")

    def fetch_catalogue(self, ids: list[str] | None = None, *, progress: Progress | None = None,
                        refetch: bool = False, actor: Actor | None = None) -> Any:
        """Download and ingest the full text of catalogue entries into their own document ids."""
        with self._acting(actor, "ingest", "fetch"):
            return self.pipeline.fetch_catalogue(self, ids, progress=progress, refetch=refetch)

    # ----- saved searches and alerts ------------------------------------------------------------
    def save_search(self, actor: Actor, name: str, query: str, mode: str | None = None,
                    filters: Filters | Mapping[str, Any] | Iterable[str] | None = None, translate: bool = True,
                    email: str = "") -> SavedSearch:
        """Keep a search (query, mode, filters, translation) for the actor, with an optional e-mail address for
        its alerts; what is already in the knowledge base is not new to it."""
        return self.saved.save(actor, name, query, mode, filters, translate, email)

    def saved_searches(self, actor: Actor, *, every_owner: bool = False) -> list[SavedSearch]:
        """The actor's saved searches (every_owner: everyone's, for an admin on the command line without --as)."""
        return self.saved.of(actor, every_owner=every_owner)

    def saved_search(self, actor: Actor, saved_id: int, *, every_owner: bool = False) -> SavedSearch:
        """One of the actor's saved searches (another's is 'not found', unless every_owner for an admin)."""
        return self.saved.owned(actor, saved_id, every_owner=every_owner)

    def delete_saved_search(self, actor: Actor, saved_id: int, *, every_owner: bool = False) -> SavedSearch:
        """Forget one of the actor's saved searches; its feed stops at once."""
        return self.saved.delete(actor, saved_id, every_owner=every_owner)

    def rotate_feed_secret(self, actor: Actor, saved_id: int, *, every_owner: bool = False) -> SavedSearch:
        """A new secret for a saved search's feed (the old feed address stops working)."""
        return self.saved.rotate_key(actor, saved_id, every_owner=every_owner)

    def new_matches(self, saved: SavedSearch, since: str | None) -> list[Match]:
        """Documents that match the saved search and were ingested at or after `since`, best first (up to the
        setting alert_documents), each with its best passage."""
        return self.saved.new_matches(saved, since)[0]

    def feed_url(self, saved: SavedSearch, base_url: str | None = None) -> str:
        """A saved search's feed address with its secret (absolute with public_url or the given base)."""
        return feed_url(base_url or self.settings.public_url or "/", saved)

    def saved_search_feed(self, saved_id: int, key: str, base_url: str) -> bytes | None:
        """The Atom feed of a saved search's newest matches, or None when the id or the secret is wrong."""
        found = self.saved.feed(saved_id, key)
        if found is None:
            return None
        saved, matches = found
        return atom_feed(saved, matches, base_url=self.settings.public_url or base_url,
                         updated=saved.created_at)

    def run_alerts(self, *, send: bool = True, dry_run: bool = False) -> AlertRun:
        """What is new to every saved search since its last alert: one digest per owner and address, e-mailed
        when SMTP is set (and marked as delivered only once sent), printed otherwise."""
        return self.saved.run(send=send, dry_run=dry_run)

    def _original_link(self, doc: Document, page: int | None) -> str | None:
        """The app-relative address of a document's stored PDF at a page (what the app's originals route serves)."""
        original = self.original_file(doc)
        if original is None or original.suffix.lower() != ".pdf":
            return None
        return f"originals/{doc.doc_id}" + (f"#page={page}" if page else "")

    # ----- reading lists -----------------------------------------------------------------------
    # ----- recommendations and practices --------------------------------------------------------------
    def recommendations(self, query: str | None = None, *, kind: str | None = None, filters: Any = None,
                        k: int | None = None) -> list[RecordView]:
        """Recommendations and practices: every one that passes the filters (document order), or the best k for a
        query (hybrid search)."""
        return self.recs.find(query, kind=kind, filters=filters, k=k)

    def get_recommendations(self, rec_ids: Iterable[str]) -> list[RecordView]:
        """Records by id, with their links."""
        return self.recs.get(rec_ids)

    def document_recommendations(self, doc_id: str) -> list[RecordView]:
        """A document's recommendations and practices in document order."""
        return self.recs.for_document(doc_id)

    def recommendation_grid(self, query: str | None = None, *, kind: str | None = None,
                            filters: Any = None) -> dict[tuple[str, str], int]:
        """How many records each (country, topic) pair holds among those found."""
        return self.recs.grid(query, kind=kind, filters=filters)

    def recommendations_current(self) -> bool:
        """Whether every document's records come from this atkb's extractor (else `kb reindex --recommendations`)."""
        return self.recs.extraction_current()

    def reextract_recommendations(self, progress: Progress | None = None) -> int:
        """Extract every document's recommendations and practices afresh; returns the number of documents."""
        return self.indexer.reextract_recommendations(progress)

    def export_recommendations(self, views: Iterable[RecordView], fmt: str) -> str:
        """Records as CSV or Markdown."""
        return export_records(views, fmt)

    def add_recommendation_to_list(self, name: str, rec_id: str, *, note: str = "", query: str | None = None,
                                   actor: Actor | None = None, owner: str | None = None) -> int:
        """Keep a recommendation in a reading list: a passage cited by its number and page."""
        views = self.recs.get([rec_id])
        if not views:
            raise DocumentNotFoundError(f"no recommendation {rec_id!r} in the knowledge base")
        record = views[0].record
        return self.add_to_list(name, record.doc_id, page=record.page, passage=record.text, note=note, query=query,
                                locator=views[0].locator, actor=actor, owner=owner)

    def recommendation_item(self, rec_id: str, *, note: str = "", query: str | None = None) -> dict[str, Any]:
        """A recommendation as a reading-list item kept outside the knowledge base (a visitor's session)."""
        views = self.recs.get([rec_id])
        if not views:
            raise DocumentNotFoundError(f"no recommendation {rec_id!r} in the knowledge base")
        record = views[0].record
        return self.lists.item_for(record.doc_id, page=record.page, passage=record.text, note=note, query=query,
                                   locator=views[0].locator)

    # ----- reading lists (each call names its actor: None is the command line's user) -----------------------------
    def reading_lists(self, *, actor: Actor | None = None) -> list[dict[str, Any]]:
        """The reading lists the actor may see, own lists first, each with its item count, owner and sharing."""
        return self.lists.names(actor or system_actor())

    def create_list(self, name: str, description: str = "", *, actor: Actor | None = None,
                    shared: bool = False) -> None:
        """Create a reading list owned by the actor, private unless shared (sharing: researchers)."""
        with self._acting(actor, "lists.own") as who:
            self.lists.create(name, description, actor=who, shared=shared)

    def add_to_list(self, name: str, doc_id: str, *, chunk_id: str | None = None, page: int | None = None,
                    passage: str | None = None, note: str = "", query: str | None = None, locator: str | None = None,
                    actor: Actor | None = None, owner: str | None = None) -> int:
        """Add a document, or one of its passages (with its page), to a reading list."""
        with self._acting(actor, "lists.own") as who:
            return self.lists.add(name, doc_id, actor=who, owner=owner, chunk_id=chunk_id, page=page,
                                  passage=passage, note=note, query=query, locator=locator)

    def list_item(self, doc_id: str, *, chunk_id: str | None = None, page: int | None = None,
                  passage: str | None = None, note: str = "", query: str | None = None) -> dict[str, Any]:
        """A reading-list item for a document or passage, kept outside the knowledge base (a visitor's session)."""
        return self.lists.item_for(doc_id, chunk_id=chunk_id, page=page, passage=passage, note=note, query=query)

    def list_items(self, name: str, *, actor: Actor | None = None, owner: str | None = None) -> list[dict[str, Any]]:
        """The items of a reading list, in order."""
        return self.lists.items(name, actor=actor or system_actor(), owner=owner)

    def rename_list(self, name: str, new_name: str, *, actor: Actor | None = None, owner: str | None = None) -> None:
        """Give a list a new name."""
        with self._acting(actor, "lists.own") as who:
            self.lists.rename(name, new_name, actor=who, owner=owner)

    def describe_list(self, name: str, description: str, *, actor: Actor | None = None,
                      owner: str | None = None) -> None:
        """Set a list's description."""
        with self._acting(actor, "lists.own") as who:
            self.lists.describe(name, description, actor=who, owner=owner)

    def share_list(self, name: str, shared: bool = True, *, actor: Actor | None = None,
                   owner: str | None = None) -> None:
        """Make a list shared (researchers) or private again (its owner)."""
        with self._acting(actor, "lists.own") as who:
            self.lists.share(name, shared, actor=who, owner=owner)

    def assign_list(self, name: str, new_owner: str | None, *, actor: Actor | None = None,
                    owner: str | None = None) -> None:
        """Give a list to an account, or to no one with "-" (admins)."""
        with self._acting(actor, "accounts") as who:
            self.lists.assign(name, new_owner, actor=who, owner=owner)

    def delete_list(self, name: str, *, actor: Actor | None = None, owner: str | None = None) -> None:
        """Delete a list and its items (the documents stay)."""
        with self._acting(actor, "lists.own") as who:
            self.lists.delete(name, actor=who, owner=owner)

    def remove_from_list(self, name: str, item_id: int, *, actor: Actor | None = None,
                         owner: str | None = None) -> None:
        """Remove one item from a list."""
        with self._acting(actor, "lists.own") as who:
            self.lists.remove(name, item_id, actor=who, owner=owner)

    def move_in_list(self, name: str, item_id: int, position: int, *, actor: Actor | None = None,
                     owner: str | None = None) -> None:
        """Move an item to a 1-based position."""
        with self._acting(actor, "lists.own") as who:
            self.lists.move(name, item_id, position, actor=who, owner=owner)

    def annotate(self, name: str, item_id: int, note: str, *, actor: Actor | None = None,
                 owner: str | None = None) -> None:
        """Set an item's note."""
        with self._acting(actor, "lists.own") as who:
            self.lists.annotate(name, item_id, note, actor=who, owner=owner)

    def citation_items(self, name: str, *, actor: Actor | None = None, owner: str | None = None) -> list[CitationItem]:
        """The list as citation items."""
        return self.lists.citation_items(name, actor=actor or system_actor(), owner=owner)

    def export_list(self, name: str, fmt: str, *, actor: Actor | None = None, owner: str | None = None) -> str:
        """A reading list as Markdown, CSV, BibTeX, RIS or CSL-JSON."""
        return self.lists.export(name, fmt, actor=actor or system_actor(), owner=owner)

    def export_results(self, results: SearchResults, fmt: str, *, title: str = "",
                       link: Callable[[Document, int | None], str | None] | None = None) -> str:
        """A page of search results as Markdown, CSV, BibTeX, RIS or CSL-JSON, through the reading lists' exporters:
        one item per document with its best passage, its page and (given `link`) the address of that page."""
        return self.lists.export_results(results.hits, fmt, query=results.query, title=title, link=link)

    def citations_of(self, items: list[dict[str, Any]]) -> list[CitationItem]:
        """Items kept outside the knowledge base (a visitor's session) as citation items."""
        return self.lists.as_citations([dict(item) for item in items])

    def export_items(self, name: str, description: str, items: list[dict[str, Any]], fmt: str) -> str:
        """Items kept outside the knowledge base exported as a list would be."""
        return export_citations(fmt, name, description, self.citations_of(items))

    def import_list(self, text: str, name: str, fmt: str | None = None, *, actor: Actor | None = None,
                    owner: str | None = None) -> dict[str, int]:
        """Add CSL-JSON or RIS entries to a list (created if needed), matching documents by URL, symbol or title."""
        with self._acting(actor, "lists.own") as who:
            return self.lists.import_entries(text, name, fmt, actor=who, owner=owner)
