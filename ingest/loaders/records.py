"""Record files (JSONL and CSV): each record becomes a document; field mapping is configurable."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Iterator

from kb.errors import LoadError
from kb.models import LoadedDocument, Page, sha256_text

from . import LoaderSpec, LoadOptions, LoadResult, register
from .text import decode_text


def _record_to_document(path: Path, record: dict[str, Any], where: str, options: LoadOptions) -> LoadResult:
    opts = options.records
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    rid = record.get(opts.id_field)
    warnings: list[str] = []
    if rid in (None, ""):
        # still a document: a content-derived id keeps it stable while the record is unchanged
        rid = f"sha-{sha256_text(canonical)[:12]}"
        warnings.append(f"{where}: no {opts.id_field!r} value; identified by its content as {rid}")
    missing = [f for f in opts.text_fields if f not in record]
    if len(missing) == len(opts.text_fields):
        return LoadError(f"{path}:{where}", f"record {rid!r} has none of the text fields "
                                            f"{', '.join(opts.text_fields)}: set --text-fields "
                                            f"(fields: {', '.join(record)})")
    text = "\n\n".join(str(record[f]).strip() for f in opts.text_fields if record.get(f) not in (None, ""))
    title = str(record.get(opts.title_field) or "").strip()
    if not title and text.strip():
        first_line = text.strip().splitlines()[0]
        title = first_line[:80].rsplit(" ", 1)[0] + " …" if len(first_line) > 80 else first_line
    if not text.strip() and not title:
        return LoadError(f"{path}:{where}", f"record {rid!r} has no text: nothing to index")
    used = {opts.id_field, opts.title_field, *opts.text_fields}
    metadata: dict[str, Any] = {k: v for k, v in record.items() if k not in used and v not in (None, "")}
    # an id or title field that is also a metadata field (e.g. country) keeps its value as metadata too
    for name in (opts.id_field, opts.title_field):
        if name in ("country", "year", "organisation", "language", "doc_type", "symbol"):
            metadata.setdefault(name, record[name])
    metadata["title"] = title or str(rid)
    metadata["record_id"] = str(rid)
    return LoadedDocument(source=f"{path}#{rid}", sha256=sha256_text(canonical),
                          pages=[Page(1, text)], metadata=metadata, warnings=warnings)


def _check_mapping(path: Path, record: dict[str, Any], options: LoadOptions) -> None:
    """Refuse the whole file in one line when its first record does not fit the field mapping."""
    opts = options.records
    fields = ", ".join(record)
    if opts.id_field not in record:
        raise LoadError(str(path), f"records have no {opts.id_field!r} field: name the id field with --id-field "
                                   f"(and --title-field, --text-fields); fields found: {fields}")
    if not any(f in record for f in opts.text_fields):
        raise LoadError(str(path), f"records have none of the text fields {', '.join(opts.text_fields)}: name "
                                   f"them with --text-fields; fields found: {fields}")


def load_jsonl(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """One JSON object per line; bad lines are reported and skipped."""
    text = decode_text(path.read_bytes(), path)
    if not text.strip():
        raise LoadError(str(path), "empty file: no records to index")
    checked = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LoadError(f"{path}:line {lineno}", f"invalid JSON ({exc.msg}); fix or remove this line")
            continue
        if not isinstance(record, dict):
            yield LoadError(f"{path}:line {lineno}", "line is not a JSON object; each line must be one record")
            continue
        if not checked:
            _check_mapping(path, record, options)
            checked = True
        yield _record_to_document(path, record, f"line {lineno}", options)


def load_csv(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """A CSV with a header row; each row is a record."""
    text = decode_text(path.read_bytes(), path)
    if not text.strip():
        raise LoadError(str(path), "empty file: no records to index")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise LoadError(str(path), "CSV without a header row: add one naming the fields")
    for rowno, row in enumerate(reader, start=2):
        record = {k: v for k, v in row.items() if k is not None}
        if rowno == 2:
            _check_mapping(path, record, options)
        yield _record_to_document(path, record, f"row {rowno}", options)


register(LoaderSpec("jsonl", (".jsonl", ".ndjson"), load_jsonl, multi=True))
register(LoaderSpec("csv", (".csv", ".tsv"), load_csv, multi=True))
