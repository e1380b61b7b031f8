"""The `kb` command line: parse arguments, call the KnowledgeBase facade, print text or JSON."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import KBError, QuerySyntaxError
from ..facade import MODES, SearchResults
from ..models import RecordOptions
from ..settings import Settings, mask_secrets
from ..text.language import language_name
from .alerts import alerts
from .accounts import audit_command, users_group
from .lists import list_group
from .recommendations import recommendations
from .common import Context, KBGroup, emit_json, say, use_color


@click.group(cls=KBGroup)
@click.option("--home", envvar="KB_HOME", type=click.Path(file_okay=False), default=None,
              help="Data directory (default: setting `home`, ~/.atkb; env KB_HOME).")
@click.option("--as", "as_name", default=None, metavar="NAME",
              help="Act as this account (its role applies, the audit trail names it); default: the operating-system "
                   "user with the admin role.")
@click.version_option(package_name="atkb")
@click.pass_context
def main(ctx: click.Context, home: str | None, as_name: str | None) -> None:
    """atkb: search anti-trafficking reports by meaning and by keyword, with page-exact passages."""
    os.umask(0o077)  # the data directory and everything written into it are private to this user
    ctx.obj = Context(home, as_name)
    ctx.call_on_close(ctx.obj.close)


@main.command()
@click.argument("targets", nargs=-1)  # checked below: `--ray PATH` may have taken the only one
@click.option("--meta", "meta_file", type=click.Path(exists=True, dir_okay=False),
              help="Metadata for every file: a JSON/TOML object, or a CSV manifest with a `file` column.")
@click.option("--id-field", default="_id", show_default=True, help="Record files: the field with the record id.")
@click.option("--title-field", default="title", show_default=True, help="Record files: the title field.")
@click.option("--text-fields", default="text", show_default=True,
              help="Record files: comma-separated fields that make up the text.")
@click.option("--workers", type=int, default=None, help="Processes that read files in parallel (default: 2).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--explain", is_flag=True, help="Show every metadata field with where it came from.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Read, chunk and embed on a Ray cluster (ray://host:10001 or host:6379); alone: a local Ray "
                   "instance.")
@click.pass_obj
def ingest(obj: Context, targets: tuple[str, ...], meta_file: str | None, id_field: str, title_field: str,
           text_fields: str, workers: int | None, progress: bool | None, as_json: bool, explain: bool,
           ray_address: str | None) -> None:
    """Ingest files, folders (recursively), web addresses (http/https) and record files (.jsonl/.csv).

    Reads PDF, DOCX, PPTX, HTML, TXT/Markdown. Metadata is detected from the text and overridden, in this order,
    by the file's own properties, --meta, a folder's manifest.csv and a NAME.meta.json/.yaml sidecar.
    """
    fields = tuple(f.strip() for f in text_fields.split(",") if f.strip())
    if not fields:
        raise click.BadParameter("give at least one field", param_hint="--text-fields")
    if ray_address not in (None, "local") and Path(ray_address).exists():
        # `kb ingest --ray docs/`: the option's optional value took the first path
        targets, ray_address = (ray_address, *targets), "local"
    if not targets:
        raise click.UsageError("Missing argument 'TARGETS...': give the files, folders or web addresses to ingest")
    show_progress = sys.stderr.isatty() if progress is None else progress
    report = obj.kb.ingest(list(targets), meta_file=meta_file, progress=show_progress, workers=workers,
                           record_options=RecordOptions(id_field, title_field, fields), ray=ray_address,
                           actor=obj.actor)
    if as_json:
        emit_json(report.to_dict())
        return
    for item in report.items:
        if item.status != "unchanged" or len(report.items) <= 50:
            say(item.line())
        if explain:
            for line in item.evidence_lines():
                say(f"           {line}")
        elif item.metadata_line():
            say(f"           {item.metadata_line()}")
        for warning in item.warnings:
            say(f"           note: {warning}")
    say(report.summary())
    if report.failed:
        say(f"{len(report.failed)} item(s) could not be ingested; the reasons are listed above.")


@main.command("meta")
@click.argument("doc")
@click.argument("assignments", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the metadata as JSON.")
@click.pass_obj
def meta_command(obj: Context, doc: str, assignments: tuple[str, ...], as_json: bool) -> None:
    """Show a document's metadata with where each field came from, or correct fields: kb meta DOC field=value ...

    Corrections are kept when the document is ingested again; `field=` (empty) clears a field.
    """
    values: dict[str, str] = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{assignment!r} is not field=value", param_hint="ASSIGNMENTS")
        values[name.strip()] = value
    kb = obj.kb
    document = kb.correct_metadata(doc, values, actor=obj.actor) if values else kb.resolve_document(doc)
    fields = document.described_fields()
    related = kb.related([document.doc_id])[document.doc_id]
    if as_json:
        emit_json({"doc_id": document.doc_id, "source": document.source, "fields": fields,
                    "related": [{"doc_id": other.doc_id, "kind": kind, "score": round(score, 3),
                                 "language": other.language, "title": other.title}
                                for other, kind, score in related]})
        return
    say(f"{document.doc_id}  {document.source}")
    for name, field in fields.items():
        where = f"  [{field['source']}: {field['evidence']}]" if "source" in field else ""
        say(f"  {name} = {field['value']}{where}")
    for other, kind, score in related:
        say(f"  {kind}: {other.doc_id} [{other.language or '?'}] {other.title} (score {score:.2f})")


FOUND_VIA = {"translated_query": "found by the query's translation",
             "translation_link": "the edition in another language of a result",
             "other_language": "found by the query's words or meaning"}


def _print_results(results: SearchResults) -> None:
    bold = ("\033[1m", "\033[0m") if use_color() else ("**", "**")
    say(f"{_count_line(results)} for {results.query!r} ({MODE_NAMES[results.mode]}, {results.took_ms:.0f} ms)")
    plan = results.plan
    if results.translated:
        say(f"also searched in {', '.join(language_name(x) for x in plan['expansion_languages'])} (the query is "
            f"{language_name(plan['language'])}): {plan['expansion']}  [--no-translate: your words only]")
    for rank, hit in enumerate(results.hits, start=results.offset + 1):
        doc = hit.document
        facts = ", ".join(str(v) for v in (doc.organisation, doc.year, doc.language, doc.doc_type, doc.country) if v)
        say(f"\n{rank}. {doc.title or doc.source}  [{doc.doc_id}]  score {hit.score:.3f}")
        if facts:
            say(f"   {facts}")
        if hit.found_via:
            say(f"   in {language_name(doc.language)}: {FOUND_VIA[hit.found_via]}")
        say(f"   {doc.source}")
        for other in hit.translations:
            say(f"   also in {language_name(other['language'])}: {other['title']}  [{other['doc_id']}]")
        if doc.extra.get("catalogue_stub"):
            say(f"   [{doc.extra.get('catalogue_status')}] official link: {doc.extra.get('url')}")
        for passage in hit.passages:
            text = _mark(passage.text, passage.highlights, bold).replace("\n", " ")
            say(f"   p. {passage.page}: {text}")


def _mode(value: str | None) -> str | None:
    """The search mode: the app's name for semantic search, "meaning", is accepted too."""
    return "semantic" if value == "meaning" else value


MODE_NAMES = {"hybrid": "hybrid", "keyword": "keyword", "semantic": "meaning"}


def _count_line(results: SearchResults) -> str:
    """How many documents match, and how: the query's words, or its meaning above the floor."""
    if results.mode == "keyword":
        return f"{results.total_documents} document(s) match the words"
    if results.mode == "semantic":
        return f"{results.total_documents} document(s) found by meaning"
    return f"{results.word_matches} document(s) match the words, {results.meaning_matches} more found by meaning"


def _mark(text: str, spans: list[tuple[int, int]], marks: tuple[str, str]) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(marks[0] + text[start:end] + marks[1])
        last = end
    out.append(text[last:])
    return "".join(out)


@main.command()
@click.argument("query", required=False)
@click.option("--mode", type=click.Choice([*MODES, "meaning"]), default=None, callback=lambda c, p, v: _mode(v),
              help="Search mode: hybrid, keyword, or semantic (by meaning; `meaning` is the same) (default: setting "
                   "default_mode, hybrid).")
@click.option("--k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Documents to return.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many documents (paging).")
@click.option("--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Only documents whose metadata matches (repeatable; year=2015..2020 for ranges).")
@click.option("--raw", is_flag=True,
              help="Use the query syntax (AND, OR, NOT, title:, page:, wildcards, ranges; the same on every engine).")
@click.option("--translate/--no-translate", "translate", default=None,
              help="Hybrid search also runs the query translated by the thesaurus into the knowledge base's other "
                   "languages (default: setting translate_queries, on).")
@click.option("--batch", "batch_file", type=click.Path(exists=True, dir_okay=False),
              help="JSONL of {\"qid\", \"text\"}: run every query, print one JSON line each.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def search(obj: Context, query: str | None, mode: str | None, k: int, offset: int, filters: tuple[str, ...],
           raw: bool, translate: bool | None, batch_file: str | None, as_json: bool) -> None:
    """Search documents; results are grouped by document with their best passages."""
    if batch_file:
        from ..search.evaluation import read_queries

        if query:
            raise click.UsageError("give either QUERY or --batch, not both")
        for qid, text in read_queries(Path(batch_file)).items():
            try:
                results = obj.searchable().search(text, mode=mode, k=k, offset=offset, filters=filters, raw=raw,
                                                  translate=translate)
            except QuerySyntaxError as exc:  # one query refused (syntax, limits) never stops the batch
                emit_json({"qid": qid, "error": mask_secrets(str(exc)), "results": []})
                continue
            emit_json({"qid": qid, **results.to_dict()})
        return
    if not query:
        raise click.UsageError("give a QUERY (or --batch FILE)")
    results = obj.searchable().search(query, mode=mode, k=k, offset=offset, filters=filters, raw=raw, translate=translate)
    if as_json:
        emit_json(results.to_dict())
    else:
        _print_results(results)


@main.command()
@click.argument("refs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def remove(obj: Context, refs: tuple[str, ...], as_json: bool) -> None:
    """Delete documents (by doc_id or ingested path) from the store and every index."""
    removed = []
    for ref in refs:
        doc = obj.kb.remove(ref, actor=obj.actor)
        removed.append({"doc_id": doc.doc_id, "title": doc.title, "source": doc.source})
        if not as_json:
            say(f"removed {doc.doc_id} {doc.title or doc.source}")
    if as_json:
        emit_json({"removed": removed})


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def stats(obj: Context, as_json: bool) -> None:
    """Counts of documents, pages and chunks."""
    data = obj.kb.stats()
    if as_json:
        emit_json(data)
        return
    say(f"home:      {data['home']}")
    say(f"documents: {data['documents']}")
    say(f"pages:     {data['pages']}")
    say(f"chunks:    {data['chunks']}")
    if data["by_language"]:
        say("languages: " + ", ".join(f"{k} {v}" for k, v in data["by_language"].items()))
    if data["pending"]:
        say(f"unfinished: {data['pending']} (finished by the next ingest)")
    if "vectors" in data:
        v = data["vectors"]
        say(f"vectors:   {v['problem']}" if "problem" in v else
                   f"vectors:   {v['chunks']} ({v['model']}, {v['dimension']} dimensions)")
    say(f"keyword:   {data['keyword_backend']}")
    if "embedding" in data and data["embedding"]["chosen_by"] != "not-applicable":
        say(f"embedding: {runtime_line(data['embedding'])}")
    say(f"modes:     {', '.join(data['modes'])}")


def runtime_line(info: dict) -> str:
    """The embedding runtime in use and why, with this machine's calibration when one is known."""
    if info["chosen_by"] == "uncalibrated":
        return "not chosen yet: the first use on this machine calibrates the runtimes (a few seconds)"
    why = {"setting": "named by embed_backend", "vectors": "the runtime this knowledge base's vectors were made "
           "with", "calibration": "chosen by this machine's calibration"}[info["chosen_by"]]
    line = f"{info['runtime']} ({why})"
    calibration = info.get("calibration")
    if calibration:
        rates = "; ".join(f"{name} {t['texts_per_second']:.1f} texts/s, cosine {t['cosine_mean']:.4f}"
                          f"{'' if t['accepted'] else ' (refused)'}" if not t["problem"] or t["accepted"] else
                          f"{name} {t['problem']}" for name, t in calibration["trials"].items())
        line += f"; calibration {calibration['measured_at']}: {rates}"
    threads = info.get("multilingual_calibration")
    if threads:
        line += "; the multilingual model: " + "; ".join(
            f"{name} {t['texts_per_second']:.1f} texts/s" for name, t in threads["trials"].items()) + \
            f" → {threads['chosen']}"
    return line


@main.command(name="eval")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False))
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False))
@click.option("--mode", type=click.Choice([*MODES, "meaning"]), default=None, callback=lambda c, p, v: _mode(v),
              help="Search mode (semantic and meaning are the same).")
@click.option("--k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Cut-off for the metrics.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def eval_cmd(obj: Context, queries: str, qrels: str, mode: str | None, k: int, as_json: bool) -> None:
    """Score search against relevance judgements: nDCG@k, Recall@k, MRR@k."""
    from ..search.evaluation import read_qrels, read_queries

    metrics = obj.searchable().evaluate(read_queries(Path(queries)), read_qrels(Path(qrels)), mode=mode, k=k)
    if as_json:
        emit_json(metrics)
        return
    say(f"mode {metrics['mode']}, {metrics['queries']} queries")
    for name in (f"ndcg@{k}", f"recall@{k}", f"mrr@{k}"):
        say(f"{name:<10} {metrics[name]:.4f}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def check(obj: Context, as_json: bool) -> None:
    """Verify that the store and the indexes agree."""
    result = obj.kb.check()
    if as_json:
        emit_json(result)
    else:
        say("ok" if result["ok"] else "problems found")
        for problem in result["problems"]:
            say(f"  {problem}")
        if result["unfinished"]:
            say(f"  {len(result['unfinished'])} unfinished document(s): run `kb ingest` or `kb reindex`")
    if not result["ok"]:
        sys.exit(1)


@main.command()
@click.option("--vectors", "only_vectors", is_flag=True,
              help="Only re-embed into a new vector index (after changing the model); keyword search keeps working.")
@click.option("--keyword", "only_keyword", is_flag=True,
              help="Only rebuild the keyword index, with the engine the setting keyword_backend names (this is how "
                   "a knowledge base switches between tantivy and whoosh).")
@click.option("--links", "only_links", is_flag=True,
              help="Only find near-duplicates and translations afresh (e.g. after changing their thresholds).")
@click.option("--recommendations", "only_recommendations", is_flag=True,
              help="Only extract the recommendations and practices afresh from the stored pages (and embed them).")
@click.option("--topics", "only_topics", is_flag=True,
              help="Only tag the documents' topics afresh from the thesaurus (after changing it); topics given by "
                   "hand stay.")
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: when stderr is a terminal).")
@click.pass_obj
def reindex(obj: Context, only_vectors: bool, only_keyword: bool, only_links: bool, only_recommendations: bool,
            only_topics: bool, progress: bool | None) -> None:
    """Rebuild the indexes, the near-duplicate and translation links, the recommendations and the topics, from
    the store."""
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    stats = obj.kb.stats()
    everything = not (only_vectors or only_keyword or only_links or only_recommendations or only_topics)
    for wanted, desc, step, said in ((only_topics, "topics ", obj.kb.retag_topics, "tagged the topics of"),
                                     (only_recommendations, "records", obj.kb.reextract_recommendations,
                                      "extracted the recommendations of")):
        if wanted or everything:
            with tqdm(total=stats["documents"], unit="doc", desc=desc, file=sys.stderr, disable=not show) as bar:
                n = step(progress=bar.update)
            if wanted:
                say(f"{said} {n} document(s) afresh")
                return
    if not (only_vectors or only_keyword):
        with tqdm(total=stats["documents"], unit="doc", desc="links  ", file=sys.stderr, disable=not show) as bar:
            n = obj.kb.relink(progress=bar.update)
        if only_links:
            say(f"linked {n} document(s) afresh")
            return
    do_keyword, do_vectors = not only_vectors, not only_keyword
    with tqdm(total=stats["documents"] + stats["pending"], unit="doc", desc="keyword", file=sys.stderr,
              disable=not (show and do_keyword)) as bar, \
            tqdm(total=stats["chunks"], unit="chunk", desc="embed  ", file=sys.stderr,
                 disable=not (show and do_vectors)) as embed_bar:
        n = obj.kb.reindex(progress=bar.update, keyword=do_keyword, vectors=do_vectors,
                           embed_progress=embed_bar.update, actor=obj.actor)
    say(f"reindexed {n} document(s)")


@main.command()
@click.argument("doc_id")
@click.option("--k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Documents to return.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def similar(obj: Context, doc_id: str, k: int, as_json: bool) -> None:
    """Documents closest in meaning to DOC_ID (itself and its duplicates left out)."""
    doc = obj.searchable().resolve_document(doc_id)
    hits = obj.kb.similar(doc.doc_id, k=k)
    if as_json:
        emit_json({"doc_id": doc.doc_id, "results": [h.to_dict() for h in hits]})
        return
    say(f"documents like {doc.title or doc.source} [{doc.doc_id}]")
    for rank, hit in enumerate(hits, start=1):
        say(f"{rank}. {hit.document.title or hit.document.source}  [{hit.document.doc_id}]  "
                   f"similarity {hit.score:.3f}")


@main.command()
@click.pass_obj
def settings(obj: Context) -> None:
    """Show every setting with its value, environment variable and help."""
    from ..settings import SETTINGS

    resolved = Settings.load({"home": obj.home}).as_dict()
    for s in SETTINGS:
        value = "********" if s.secret and resolved[s.name] else mask_secrets(repr(resolved[s.name]))
        say(f"{s.name} = {value}  ({s.env_var}) {s.help}")
    if resolved["researcher_password"]:
        say("note: researcher_password is the shared password of older installs; give each person an account "
            "(`kb users add NAME --role researcher`), then remove the setting")
    if resolved["embedder"] == "sentence-transformers" and resolved["semantic"]:
        say(f"embedding runtime in use: {runtime_line(obj.kb.embedding_runtime(measure=False))}")


DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "corpus" / "key-documents.catalogue.csv"


@main.group(name="thesaurus", cls=KBGroup)
def thesaurus_group() -> None:
    """The thesaurus of the field: check a file, find its concepts in a text, list the topics."""


@thesaurus_group.command(name="check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False), required=False)
def thesaurus_check(path: str | None) -> None:
    """Validate a thesaurus file (the bundled one by default): labels, links, ids."""
    from ..text.thesaurus import DEFAULT_PATH, read_thesaurus

    thesaurus = read_thesaurus(Path(path) if path else DEFAULT_PATH)
    say(f"{path or DEFAULT_PATH}: {len(thesaurus)} concepts, {len(thesaurus.facets())} topics")


@thesaurus_group.command(name="find")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def thesaurus_find(obj: Context, text: str, as_json: bool) -> None:
    """The concepts a text names (as a query would be translated), with their labels in each language."""
    thesaurus = obj.kb.thesaurus()
    if thesaurus is None:
        raise KBError("no thesaurus is configured (setting thesaurus is off)")
    concepts = [thesaurus.concepts[c] for c in dict.fromkeys(m.concept for m in thesaurus.find(text))]
    if as_json:
        emit_json({"concepts": [{"id": c.id, "labels": c.labels, "broader": c.broader or None,
                                  "topic": thesaurus.facet_topic(c.id)} for c in concepts]})
        return
    for concept in concepts:
        say(f"{concept.id}: " + "; ".join(f"{lang} {' | '.join(labels)}" for lang, labels in concept.labels.items()))


@main.group(name="corpus", cls=KBGroup)
def corpus_group() -> None:
    """The corpus catalogue: check it, add entries, fetch full texts."""


@corpus_group.command(name="check")
@click.argument("catalogue", type=click.Path(exists=True, dir_okay=False), default=str(DEFAULT_CATALOGUE))
def corpus_check(catalogue: str) -> None:
    """Validate a catalogue (required fields, vocabularies, ISO codes, unique ids)."""
    from ..catalogue import read_catalogue

    entries = read_catalogue(Path(catalogue))
    say(f"{catalogue}: {len(entries)} valid entries")


@corpus_group.command(name="add")
@click.argument("url")
@click.option("--org", "organisation", required=True, help="Organisation(s) from the vocabulary, ';'-separated.")
@click.option("--type", "document_type", required=True, help="Document type from the vocabulary.")
@click.option("--title", required=True, help="The document's title.")
@click.option("--id", "entry_id", default=None, help="A slug (default: made from the title).")
@click.option("--country", default="", help="ISO 3166-1 alpha-2 code(s).")
@click.option("--year", default="", help="Publication year.")
@click.option("--symbol", default="", help="Document symbol or number, e.g. GRETA(2023)05.")
@click.option("--round", "round_", default="", help="GRETA evaluation round.")
@click.option("--language", default="en", show_default=True, help="ISO 639-1 code(s).")
@click.option("--kind", "url_kind", type=click.Choice(["pdf", "landing", "page"]), default=None,
              help="What the URL is (default: pdf when it ends in .pdf, else landing).")
@click.option("--notes", default="", help="Provenance notes.")
@click.option("--catalogue", type=click.Path(dir_okay=False), default=str(DEFAULT_CATALOGUE), show_default=True)
@click.pass_obj
def corpus_add(obj: Context, url: str, organisation: str, document_type: str, title: str, entry_id: str | None,
               country: str, year: str, symbol: str, round_: str, language: str, url_kind: str | None, notes: str,
               catalogue: str) -> None:
    """Add a validated entry to the catalogue and make it searchable."""
    from ..catalogue import append_entry, slug

    kind = url_kind or ("pdf" if url.lower().split("?")[0].endswith(".pdf") else "landing")
    entry = append_entry(Path(catalogue), {
        "id": entry_id or slug(title), "title": title, "organisation": organisation,
        "document_type": document_type, "country": country, "round": round_, "symbol": symbol, "year": year,
        "language": language, "url": url, "url_kind": kind, "evidence": "", "notes": notes})
    obj.kb.ingest([catalogue], actor=obj.actor)
    say(f"added {entry.id} to {catalogue}; it is searchable now, `kb corpus fetch {entry.id}` gets its text")


@corpus_group.command(name="fetch")
@click.argument("ids", nargs=-1)
@click.option("--refetch", is_flag=True, help="Fetch again entries whose text was fetched before.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def corpus_fetch(obj: Context, ids: tuple[str, ...], refetch: bool, as_json: bool) -> None:
    """Download the full texts of catalogue entries (all unfetched ones by default) into their documents."""
    from tqdm import tqdm

    with tqdm(unit="entry", desc="fetch", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        report = obj.kb.fetch_catalogue(list(ids) or None, progress=bar.update, refetch=refetch, actor=obj.actor)
    if as_json:
        emit_json(report.to_dict())
        return
    for item in report.items:
        say(item.line())
    counts = report.counts()
    say(f"{counts['fetched']} fetched, {counts['skipped']} skipped, {counts['failed']} failed")


@main.command()
@click.option("--port", type=int, default=8501, show_default=True, help="Port of the web app.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 serves every network interface (put TLS in front of it).")
@click.option("--headless/--browser", default=True, help="Do not open a browser window (default), or open one.")
@click.pass_obj
def serve(obj: Context, port: int, host: str, headless: bool) -> None:
    """Start the web app (Streamlit) on the configured data directory (this machine only, unless --host)."""
    app = Path(__file__).resolve().parents[2] / "app.py"
    if not app.is_file():
        raise KBError(f"the web app {app} is missing: run `kb serve` from a source checkout of atkb")
    from ..webapp.oidc_secrets import write_auth_secrets

    settings = Settings.load({"home": obj.home})
    home = settings.home_path
    secrets_file = write_auth_secrets(settings, host, port)  # OpenID Connect sign-in, from the oidc_* settings
    # the app must see the address that really connected (the proxy's, for trusted_proxies), so the server does
    # not replace it with X-Forwarded-For: the app reads that header itself, from trusted proxies only
    env = {**os.environ, "KB_HOME": str(home), "FORWARDED_ALLOW_IPS": ""}
    say(f"atkb on {home}: http://{'localhost' if host == '127.0.0.1' else host}:{port}", err=True)
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port), "--server.address", host,
           "--server.headless", "true" if headless else "false",
           "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
           "--client.showErrorDetails", "none",
           # uploads as large as the ingestion limit allows (Streamlit's own default is 200 MB)
           "--server.maxUploadSize", str(max(1, int(settings.max_file_mb)))]
    if secrets_file is not None:
        cmd += ["--secrets.files", str(secrets_file)]
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(app.parent)
    os.execve(sys.executable, cmd, env)  # the server becomes this process: stopping `kb serve` stops it


main.add_command(recommendations)
main.add_command(alerts)
main.add_command(list_group)
main.add_command(users_group)
main.add_command(audit_command)
