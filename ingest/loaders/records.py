"""Record files (JSONL and CSV): each record becomes a document; field mapping is configurable."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Iterator

from kb.errors import LoadError
from kb.models import LoadedDocument, Page, sha256_text

from .base import LoaderSpec
from .base import LoadOptions
from .base import LoadResult
from .base import register


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


_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _decode_once(path: Path) -> str:
    """The file as UTF-8, decoded once; bytes that are not UTF-8 stay marked (surrogate escapes), so that only the
    records holding them fail — nothing is guessed as another encoding."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    text = text[1:] if text.startswith("\ufeff") else text
    if not text.strip():
        raise LoadError(str(path), "empty file: no records to index")
    return text


def _undecodable(text: str) -> str | None:
    """The reason a record's text is not UTF-8, or None."""
    found = _UNDECODABLE.search(text)
    if found is None:
        return None
    return (f"byte 0x{ord(found.group()) - 0xDC00:02X} at character {found.start() + 1} is not UTF-8: save the "
            "file as UTF-8 (other records are read)")


class _Records:
    """Turns records into documents, reporting the duplicates of an id already seen in this file."""

    def __init__(self, path: Path, options: LoadOptions):
        self.path, self.options = path, options
        self.checked = False
        self.seen: dict[str, str] = {}

    def document(self, record: dict[str, Any], where: str) -> LoadResult:
        if not self.checked:
            _check_mapping(self.path, record, self.options)
            self.checked = True
        rid = record.get(self.options.records.id_field)
        if rid not in (None, ""):
            first = self.seen.setdefault(str(rid), where)
            if first != where:
                return LoadError(f"{self.path}:{where}", f"duplicate record id {str(rid)!r} (first on {first}): "
                                                         "only the first is kept; give each record its own id")
        return _record_to_document(self.path, record, where, self.options)


def load_jsonl(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """One JSON object per line; a bad line is reported with its number and skipped."""
    records = _Records(path, options)
    for lineno, line in enumerate(_decode_once(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {lineno}"
        problem = _undecodable(line)
        if problem:
            yield LoadError(f"{path}:{where}", problem)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LoadError(f"{path}:{where}", f"invalid JSON ({exc.msg}); fix or remove this line")
            continue
        except RecursionError:
            yield LoadError(f"{path}:{where}", "a value is nested too deeply to read; flatten this record")
            continue
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            yield LoadError(f"{path}:{where}", f"a value cannot be read ({exc}); fix this record")
            continue
        if not isinstance(record, dict):
            yield LoadError(f"{path}:{where}", "line is not a JSON object; each line must be one record")
            continue
        yield records.document(record, where)


def load_csv(path: Path, options: LoadOptions) -> Iterator[LoadResult]:
    """A CSV with a header row; each row is a record. A row that cannot be read is reported with its line."""
    text = _decode_once(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    line = {"number": 0}

    def numbered() -> Iterator[str]:  # the physical line the reader is on, also when a row cannot be read
        for physical in io.StringIO(text):
            line["number"] += 1
            yield physical

    reader = csv.DictReader(numbered(), dialect=dialect)
    if not reader.fieldnames:
        raise LoadError(str(path), "CSV without a header row: add one naming the fields")
    records = _Records(path, options)
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:  # a field over the size limit, a stray quote
            yield LoadError(f"{path}:line {line['number']}", f"the row cannot be read ({exc}); fix this row")
            continue
        where = f"line {line['number']}"
        record = {k: v for k, v in row.items() if k is not None}
        problem = _undecodable("".join(str(v) for v in record.values() if v is not None))
        if problem:
            yield LoadError(f"{path}:{where}", problem)
            continue
        yield records.document(record, where)


register(LoaderSpec("jsonl", (".jsonl", ".ndjson"), load_jsonl, multi=True))
register(LoaderSpec("csv", (".csv", ".tsv"), load_csv, multi=True))
