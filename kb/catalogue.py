"""The corpus catalogue: one row per key document of the field, validated against controlled vocabularies."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .errors import KBError

COLUMNS = ("id", "title", "organisation", "document_type", "country", "round", "symbol", "year", "language", "url",
           "url_kind", "evidence", "notes")
REQUIRED = ("id", "title", "organisation", "document_type", "language", "url", "url_kind")
ORGANISATIONS = (
    "Council of Europe", "GRETA", "OSCE", "OSCE/ODIHR", "OSCE Special Representative (CTHB)", "IOM", "UNODC", "ILO",
    "Walk Free", "European Commission", "European Parliament", "Council of the EU", "HEUNI", "ELECT THB project",
    "KMOP", "ACTIVATE consortium", "Victim Support Europe", "Animus Association Foundation", "SOLWODI",
    "The Justice Project", "Payoke", "Government of the Netherlands", "London School of Hygiene & Tropical Medicine",
    "UN.GIFT", "Polaris", "National rapporteur", "NGO", "Other",
)
DOCUMENT_TYPES = ("evaluation-report", "general-report", "report", "handbook", "guide", "convention", "strategy",
                  "presentation", "conference-page", "project-page", "dataset", "legislation", "web-page", "letter",
                  "article", "speech", "press-release", "factsheet", "other")
URL_KINDS = ("pdf", "landing", "page")
STUB_MARK = "catalogue entry — full text not fetched"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")


@dataclass
class CatalogueEntry:
    """One validated catalogue row."""

    id: str
    title: str
    organisations: list[str]
    document_type: str
    countries: list[str]
    round: int | None
    symbol: str
    year: int | None
    languages: list[str]
    url: str
    url_kind: str
    evidence: str = ""
    notes: str = ""

    def metadata(self) -> dict[str, Any]:
        """Document metadata for the knowledge base."""
        meta: dict[str, Any] = {
            "title": self.title, "organisation": "; ".join(self.organisations), "doc_type": self.document_type,
            "language": self.languages[0] if self.languages else None, "url": self.url, "catalogue_id": self.id,
            "catalogue_status": STUB_MARK, "url_kind": self.url_kind}
        if self.countries:
            meta["country"] = ",".join(self.countries)
        if self.round:
            meta["round"] = self.round
        if self.symbol:
            meta["symbol"] = self.symbol
        if self.year:
            meta["year"] = self.year
        if len(self.languages) > 1:
            meta["languages"] = ",".join(self.languages)
        return meta

    def description(self) -> str:
        """A description written from the entry's facts (the text searched until the full text is fetched)."""
        import pycountry

        kind = self.document_type.replace("-", " ")
        parts = [f"{self.title}."]
        by = " and ".join(self.organisations)
        parts.append(f"{kind.capitalize()} by {by}" + (f", {self.year}" if self.year else "") + ".")
        if self.symbol:
            parts.append(f"Document symbol or number: {self.symbol}.")
        if self.round:
            parts.append(f"GRETA evaluation round {self.round}.")
        if self.countries:
            names = [getattr(pycountry.countries.get(alpha_2=c), "name", c) for c in self.countries]
            parts.append(f"Country concerned: {', '.join(names)}.")
        if self.languages:
            names = [getattr(pycountry.languages.get(alpha_2=code), "name", code) for code in self.languages]
            parts.append(f"Language: {', '.join(names)}.")
        if self.notes:
            parts.append(self.notes)
        parts.append(f"Official link: {self.url}.")
        parts.append(f"This is a {STUB_MARK}; `kb corpus fetch {self.id}` downloads it.")
        return " ".join(parts)


def read_catalogue(path: Path) -> list[CatalogueEntry]:
    """Read and validate a catalogue CSV; every problem is reported with its row and field."""
    text = path.read_text(encoding="utf-8")
    entries, problems = parse_catalogue(text)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; … {len(problems) - 10} more" if len(problems) > 10 else "")
        raise KBError(f"{path}: the catalogue is not valid: {shown}")
    return entries


def parse_catalogue(text: str) -> tuple[list[CatalogueEntry], list[str]]:
    """Entries and a list of problems (`row N, field: what is wrong`)."""
    import pycountry

    reader = csv.DictReader(io.StringIO(text))
    missing_columns = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing_columns:
        return [], [f"missing columns: {', '.join(missing_columns)}"]
    entries: list[CatalogueEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for rowno, row in enumerate(reader, start=2):
        where = f"row {rowno}"
        row = {k: (v or "").strip() for k, v in row.items() if k}
        bad = [f"{where}, {f}: required" for f in REQUIRED if not row.get(f)]
        if not _ID.match(row.get("id", "")):
            bad.append(f"{where}, id: {row.get('id')!r} must be a lowercase slug (a-z, 0-9, -)")
        elif row["id"] in seen:
            bad.append(f"{where}, id: duplicate id {row['id']!r}")
        seen.add(row.get("id", ""))
        orgs = [o.strip() for o in row.get("organisation", "").split(";") if o.strip()]
        bad += [f"{where}, organisation: {o!r} is not in the vocabulary" for o in orgs if o not in ORGANISATIONS]
        if row.get("document_type") and row["document_type"] not in DOCUMENT_TYPES:
            bad.append(f"{where}, document_type: {row['document_type']!r} is not one of {', '.join(DOCUMENT_TYPES)}")
        countries = [c.strip() for c in re.split(r"[;,]", row.get("country", "")) if c.strip()]
        bad += [f"{where}, country: {c!r} is not an ISO 3166-1 alpha-2 code" for c in countries
                if pycountry.countries.get(alpha_2=c) is None]
        languages = [c.strip() for c in re.split(r"[;,]", row.get("language", "")) if c.strip()]
        bad += [f"{where}, language: {c!r} is not an ISO 639-1 code" for c in languages
                if len(c) != 2 or pycountry.languages.get(alpha_2=c) is None]
        if row.get("url") and not row["url"].startswith(("http://", "https://")):
            bad.append(f"{where}, url: must start with http:// or https://")
        if row.get("url_kind") and row["url_kind"] not in URL_KINDS:
            bad.append(f"{where}, url_kind: {row['url_kind']!r} is not one of {', '.join(URL_KINDS)}")
        year = row.get("year", "")
        if year and not (year.isdigit() and 1945 <= int(year) <= 2100):
            bad.append(f"{where}, year: {year!r} is not a year")
        rnd = row.get("round", "")
        if rnd and rnd not in ("1", "2", "3", "4", "5"):
            bad.append(f"{where}, round: {rnd!r} is not a GRETA evaluation round (1-5)")
        if bad:
            problems += bad
            continue
        entries.append(CatalogueEntry(
            id=row["id"], title=row["title"], organisations=orgs, document_type=row["document_type"],
            countries=countries, round=int(rnd) if rnd else None, symbol=row.get("symbol", ""),
            year=int(year) if year else None, languages=languages, url=row["url"], url_kind=row["url_kind"],
            evidence=row.get("evidence", ""), notes=row.get("notes", "")))
    return entries, problems


def append_entry(path: Path, row: dict[str, Any]) -> CatalogueEntry:
    """Validate a new row against the whole catalogue, then append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ",".join(COLUMNS) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in COLUMNS})
    candidate = text if text.endswith("\n") else text + "\n"
    candidate += buffer.getvalue()
    entries, problems = parse_catalogue(candidate)
    if problems:
        raise KBError(f"{path}: the new entry is not valid: {'; '.join(problems)}")
    path.write_text(candidate, encoding="utf-8")
    return entries[-1]


def slug(text: str) -> str:
    """A catalogue id made from a title."""
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60] or "entry"


def entries_by_id(entries: Iterable[CatalogueEntry]) -> dict[str, CatalogueEntry]:
    """Index entries by id."""
    return {e.id: e for e in entries}
