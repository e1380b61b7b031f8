"""Recommendations and practices exported for briefings: CSV (one row per record, inert in spreadsheets) and a
Markdown list that quotes each record with its document, number and page."""
from __future__ import annotations

import csv
import io
from typing import Iterable

from ..citations import csv_cell, md_escape
from .catalogue import RecordView

CSV_FIELDS = ("rec_id", "kind", "strength", "number", "page", "text", "addressee", "topics", "title", "organisation",
              "country", "year", "symbol", "language", "doc_id", "source", "translations", "related")
FORMATS = ("csv", "markdown")


def to_csv(views: Iterable[RecordView]) -> str:
    """One row per record (lists joined by "; "; a cell that starts like a formula gets a leading apostrophe)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for view in views:
        row = view.to_dict()
        writer.writerow({name: csv_cell(row.get(name)) for name in CSV_FIELDS})
    return buffer.getvalue()


def to_markdown(views: Iterable[RecordView], title: str = "Recommendations") -> str:
    """A numbered list: where each record comes from, then its text quoted."""
    lines = [f"# {md_escape(title)}", ""]
    for n, view in enumerate(views, start=1):
        rec = view.to_dict()
        source = ", ".join(str(v) for v in (rec["organisation"], rec["country"], rec["year"]) if v)
        where = ", ".join(p for p in (view.locator, f"p. {rec['page']}") if p)
        head = f"{n}. *{md_escape(rec['title'] or rec['source'])}*" + (f" ({md_escape(source)})" if source else "")
        lines.append(f"{head}, {md_escape(where)}")
        if rec["addressee"]:
            lines.append(f"   To: {md_escape(rec['addressee'])}")
        lines.append(f"   > {' '.join(md_escape(rec['text']).split())}")
        if rec["topics"]:
            lines.append(f"   Topics: {md_escape(', '.join(rec['topics']))}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def export_records(views: Iterable[RecordView], fmt: str) -> str:
    """Records in one of FORMATS."""
    if fmt == "csv":
        return to_csv(views)
    if fmt == "markdown":
        return to_markdown(views)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
