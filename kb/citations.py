"""Reading-list exports and imports from one citation model: Markdown, CSV, BibTeX, RIS and CSL-JSON."""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from .errors import KBError
from .models import as_int

FORMATS = ("markdown", "csv", "bibtex", "ris", "csl-json")
EXTENSIONS = {"markdown": "md", "csv": "csv", "bibtex": "bib", "ris": "ris", "csl-json": "json"}
MEDIA_TYPES = {"markdown": "text/markdown", "csv": "text/csv", "bibtex": "application/x-bibtex",
               "ris": "application/x-research-info-systems", "csl-json": "application/vnd.citationstyles.csl+json"}

# item type -> (BibTeX entry type, RIS type, CSL type)
ITEM_TYPES = {
    "report": ("techreport", "RPRT", "report"),
    "presentation": ("misc", "SLIDE", "speech"),
    "webpage": ("misc", "ELEC", "webpage"),
    "dataset": ("misc", "DATA", "dataset"),
    "article": ("article", "JOUR", "article-journal"),
}
_RIS_TO_TYPE = {ris: name for name, (_, ris, _) in ITEM_TYPES.items()}
_CSL_TO_TYPE = {csl: name for name, (_, _, csl) in ITEM_TYPES.items()}
CSV_COLUMNS = ("position", "item_id", "item_type", "title", "organisation", "year", "publisher", "place", "symbol",
               "url", "source", "language", "country", "page", "locator", "passage", "note", "query", "accessed",
               "doc_id", "in_knowledge_base", "link")


@dataclass
class CitationItem:
    """One reading-list entry with everything a citation needs."""

    item_id: int
    position: int
    title: str
    item_type: str = "report"
    doc_id: str | None = None
    in_knowledge_base: bool = True
    organisation: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    publisher: str | None = None
    place: str | None = None
    symbol: str | None = None
    url: str | None = None
    source: str | None = None
    language: str | None = None
    country: str | None = None
    page: int | None = None
    locator: str | None = None  # where in the document beyond its page: "Recommendation 12"
    passage: str | None = None
    note: str = ""
    query: str | None = None
    accessed: str | None = None  # YYYY-MM-DD
    link: str | None = None  # the address of the item's page on this server (exported search results)

    @property
    def key(self) -> str:
        """A stable BibTeX/CSL key: organisation or first title word, year, item id."""
        base = self.organisation or self.title or "item"
        ascii_base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
        word = re.sub(r"[^A-Za-z0-9]+", "", ascii_base.split()[0] if ascii_base.split() else "item") or "item"
        return f"{word.lower()}{self.year or 'nd'}_{self.item_id}"


def item_type_for(doc_type: str | None, source: str | None) -> str:
    """The citation item type that fits a document type (and its source when the type is unknown)."""
    kind = (doc_type or "").lower()
    if any(w in kind for w in ("presentation", "speech", "slides", "conference")):
        return "presentation"
    if any(w in kind for w in ("web", "html", "page")) and "report" not in kind:
        return "webpage"
    if any(w in kind for w in ("dataset", "data", "record")):
        return "dataset"
    if "article" in kind or "journal" in kind:
        return "article"
    if not kind and source:
        if "#" in source and not source.startswith("http"):
            return "dataset"
        if source.startswith("http") and not source.lower().endswith(".pdf"):
            return "webpage"
    return "report"


# ----- BibTeX --------------------------------------------------------------------------------------
_BIB_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def bib_escape(text: Any) -> str:
    """Escape LaTeX's special characters (braces too, so every value stays balanced); control characters and
    line breaks become spaces; other Unicode stays (UTF-8 BibTeX / biblatex)."""
    return "".join(_BIB_ESCAPES.get(ch, ch) for ch in _CONTROL.sub(" ", str(text)))


def to_bibtex(items: Iterable[CitationItem]) -> str:
    """One entry per item; organisations as corporate authors in double braces."""
    entries = []
    for item in items:
        entry_type = ITEM_TYPES[item.item_type][0]
        fields: list[tuple[str, str]] = [("title", bib_escape(item.title))]
        if item.authors:
            fields.append(("author", " and ".join(bib_escape(a) for a in item.authors)))
        elif item.organisation:
            fields.append(("author", "{" + bib_escape(item.organisation) + "}"))
        if item.year:
            fields.append(("year", str(item.year)))
        if item.organisation:
            fields.append(("institution" if entry_type == "techreport" else "publisher", bib_escape(item.organisation)))
        if item.place:
            fields.append(("address", bib_escape(item.place)))
        if item.symbol:
            fields.append(("number", bib_escape(item.symbol)))
        if item.item_type == "presentation":
            fields.append(("howpublished", "Presentation"))
        if item.url:
            fields.append(("url", _CONTROL.sub("", item.url).replace("}", "%7D").replace("{", "%7B")
                           .replace("\\", "%5C").replace("%", "\\%")))
        if item.accessed:
            fields.append(("urldate", item.accessed))
        if item.language:
            fields.append(("language", bib_escape(item.language)))
        if item.page:
            fields.append(("pages", str(item.page)))
        notes = _notes(item)
        if notes:
            fields.append(("annote", bib_escape(" ".join(notes))))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{entry_type}{{{item.key},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")


def _where(item: CitationItem, escape: Any = str) -> str:
    """" (Recommendation 12, p. 203)": the item's locator (escaped as the format needs) and page, when known."""
    parts = [p for p in (escape(item.locator) if item.locator else None, f"p. {item.page}" if item.page else None) if p]
    return f" ({', '.join(parts)})" if parts else ""


def _notes(item: CitationItem) -> list[str]:
    notes = []
    if item.note:
        notes.append(item.note)
    if item.passage:
        notes.append(f"Passage{_where(item)}: “{item.passage}”")
    if item.link:
        notes.append(f"Page: {item.link}")
    if not item.in_knowledge_base:
        notes.append("No longer in the knowledge base.")
    return notes


# ----- RIS -----------------------------------------------------------------------------------------
def to_ris(items: Iterable[CitationItem]) -> str:
    """RIS records written with rispy."""
    import rispy

    records = []
    for item in items:
        record: dict[str, Any] = {"type_of_reference": ITEM_TYPES[item.item_type][1], "title": item.title,
                                  "id": item.key}
        authors = item.authors or ([item.organisation] if item.organisation else [])
        if authors:
            record["authors"] = authors
        if item.year:
            record["year"] = str(item.year)
        if item.organisation:
            record["publisher"] = item.organisation
        if item.place:
            record["place_published"] = item.place
        if item.symbol:
            record["issn"] = item.symbol  # SN: report or document number
        if item.url:
            record["urls"] = [item.url]
        if item.language:
            record["language"] = item.language
        if item.accessed:
            record["access_date"] = item.accessed
        if item.page:
            record["start_page"] = str(item.page)
        if item.country:
            record["keywords"] = [c.strip() for c in item.country.split(",") if c.strip()]
        notes = _notes(item)
        if notes:
            record["notes"] = notes
        records.append({key: _ris_value(value) for key, value in record.items()})
    return rispy.dumps(records, implementation=_plain_ris_writer())


def _plain_ris_writer() -> type:
    import rispy

    class PlainRisWriter(rispy.RisWriter):
        """rispy's writer without its "1." line before each record: every record starts with TY, as RIS wants."""

        def set_header(self, count: int) -> str:
            return ""

    return PlainRisWriter


_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _ris_value(value: Any) -> Any:
    """A RIS value on one line: a line break inside it would start a new tag (or end the record)."""
    if isinstance(value, list):
        return [_ris_value(v) for v in value]
    return _LINE_BREAKS.sub(" ", value).strip() if isinstance(value, str) else value


def from_ris(text: str) -> list[dict[str, Any]]:
    """Citation fields from RIS text."""
    import rispy

    try:
        records = rispy.loads(text)
    except Exception as exc:
        raise KBError(f"cannot read RIS: {exc}") from exc
    out = []
    for r in records:
        authors = r.get("authors") or r.get("first_authors") or []
        out.append({
            "title": r.get("title") or r.get("primary_title") or "", "authors": authors,
            "organisation": r.get("publisher") or (authors[0] if len(authors) == 1 else None),
            "year": _year(r.get("year") or r.get("publication_year")), "symbol": r.get("issn"),
            "url": (r.get("urls") or [None])[0], "place": r.get("place_published"), "language": r.get("language"),
            "page": as_int(r.get("start_page")), "note": "\n".join(r.get("notes") or []),
            "item_type": _RIS_TO_TYPE.get(r.get("type_of_reference", ""), "report")})
    return out


# ----- CSL-JSON ------------------------------------------------------------------------------------
def to_csl_json(items: Iterable[CitationItem]) -> str:
    """A CSL-JSON array (what Zotero, citeproc and pandoc read)."""
    out = []
    for item in items:
        entry: dict[str, Any] = {"id": item.key, "type": ITEM_TYPES[item.item_type][2], "title": item.title}
        if item.authors:
            entry["author"] = [{"literal": a} for a in item.authors]
        elif item.organisation:
            entry["author"] = [{"literal": item.organisation}]
        if item.organisation:
            entry["publisher"] = item.organisation
        if item.place:
            entry["publisher-place"] = item.place
        if item.year:
            entry["issued"] = {"date-parts": [[item.year]]}
        if item.symbol:
            entry["number"] = item.symbol
        if item.url:
            entry["URL"] = item.url
        if item.language:
            entry["language"] = item.language
        if item.accessed:
            entry["accessed"] = {"date-parts": [[int(p) for p in item.accessed.split("-")]]}
        if item.page:
            entry["page"] = str(item.page)
        if item.note or not item.in_knowledge_base:
            entry["note"] = " ".join(n for n in (item.note, "" if item.in_knowledge_base else
                                                 "No longer in the knowledge base.") if n)
        if item.passage:
            entry["annote"] = f"{item.locator}: {item.passage}" if item.locator else item.passage
        if item.link:
            entry["annote"] = " ".join(p for p in (entry.get("annote"), f"Page: {item.link}") if p)
        out.append(entry)
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def from_csl_json(text: str) -> list[dict[str, Any]]:
    """Citation fields from CSL-JSON text (an array, or one item); KBError names the item and field that is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KBError(f"cannot read CSL-JSON: {exc}") from None
    except RecursionError:
        raise KBError("cannot read CSL-JSON: values are nested too deeply") from None
    except ValueError as exc:
        raise KBError(f"cannot read CSL-JSON: {exc}") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise KBError("CSL-JSON must be an array of objects")
    return [_csl_entry(n, entry) for n, entry in enumerate(data, start=1)]


def _csl_text(n: int, entry: dict[str, Any], name: str) -> str | None:
    value = entry.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise KBError(f"CSL-JSON item {n}: {name!r} must be text, not {type(value).__name__}")
    return str(value)


def _csl_names(n: int, entry: dict[str, Any]) -> list[str]:
    authors = entry.get("author", [])
    if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
        raise KBError(f"CSL-JSON item {n}: 'author' must be a list of name objects")
    names = []
    for author in authors:
        parts = [author.get(k) for k in ("literal", "given", "family")]
        if any(p is not None and not isinstance(p, str) for p in parts):
            raise KBError(f"CSL-JSON item {n}: author names must be text")
        names.append(author.get("literal") or " ".join(p for p in parts[1:] if p))
    return [name for name in names if name]


def _csl_year(n: int, entry: dict[str, Any]) -> int | None:
    issued = entry.get("issued")
    if issued is None:
        return None
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    if parts is None and isinstance(issued, dict) and "raw" in issued:
        return _year(issued["raw"]) if isinstance(issued["raw"], str) else None
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
        raise KBError(f"CSL-JSON item {n}: 'issued' must be {{\"date-parts\": [[year, ...]]}}")
    first = parts[0][0] if parts[0] else None
    if first is not None and (isinstance(first, bool) or not isinstance(first, (int, str))):
        raise KBError(f"CSL-JSON item {n}: the year in 'issued' must be a number")
    return _year(first)


def _csl_entry(n: int, entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise KBError(f"CSL-JSON item {n} is not an object: CSL-JSON must be an array of objects")
    names = _csl_names(n, entry)
    page = _csl_text(n, entry, "page")
    return {
        "title": _csl_text(n, entry, "title") or "", "authors": names,
        "organisation": _csl_text(n, entry, "publisher") or (names[0] if len(names) == 1 else None),
        "year": _csl_year(n, entry), "symbol": _csl_text(n, entry, "number"), "url": _csl_text(n, entry, "URL"),
        "place": _csl_text(n, entry, "publisher-place"), "language": _csl_text(n, entry, "language"),
        "page": as_int((page or "").split("-")[0]), "note": _csl_text(n, entry, "note") or "",
        "item_type": _CSL_TO_TYPE.get(_csl_text(n, entry, "type") or "", "report")}


def decode_import(data: bytes, name: str) -> str:
    """The text of an import file, which must be UTF-8; KBError says where it is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KBError(f"{name} is not UTF-8 (byte 0x{data[exc.start]:02X} at position {exc.start}): save it as "
                      "UTF-8 and import again; nothing was changed") from None


# ----- Markdown and CSV ----------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|>~<])")


def md_escape(text: Any) -> str:
    """Backslash-escape Markdown's special characters."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def to_markdown(name: str, description: str, items: Iterable[CitationItem]) -> str:
    """An annotated bibliography: one numbered entry each, quoted passages with their pages, notes."""
    lines = [f"# {md_escape(name)}", ""]
    if description:
        lines += [md_escape(description), ""]
    for n, item in enumerate(items, start=1):
        who = item.organisation or (", ".join(item.authors) if item.authors else "")
        parts = [f"{md_escape(who)} ({item.year or 'n.d.'})." if who else f"({item.year or 'n.d.'})."]
        parts.append(f"*{md_escape(item.title)}*.")
        if item.symbol:
            parts.append(f"{md_escape(item.symbol)}.")
        if item.place:
            parts.append(f"{md_escape(item.place)}.")
        where = item.url or item.source
        if where:
            parts.append(f"<{where}>" if where.startswith("http") else md_escape(where) + ".")
        if item.accessed and item.url:
            parts.append(f"Accessed {item.accessed}.")
        lines.append(f"{n}. " + " ".join(parts))
        if item.passage:
            quoted = " ".join(md_escape(item.passage).split())
            lines.append(f"   > “{quoted}”{_where(item, md_escape)}")
        elif item.page:
            lines.append(f"   p. {item.page}")
        if item.link:
            lines.append(f"   <{_CONTROL.sub('', item.link).replace('>', '%3E').replace(' ', '%20')}>")
        if item.note:
            lines.append(f"   Note: {md_escape(item.note)}")
        if item.query:
            lines.append(f"   Found with: {md_escape(item.query)}")
        if not item.in_knowledge_base:
            lines.append("   *No longer in the knowledge base.*")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_csv(items: Iterable[CitationItem]) -> str:
    """One row per item with every citation field."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for item in items:
        row = asdict(item)
        row["in_knowledge_base"] = "yes" if item.in_knowledge_base else "no"
        writer.writerow({k: csv_cell(row.get(k)) for k in CSV_COLUMNS})
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export(fmt: str, name: str, description: str, items: list[CitationItem]) -> str:
    """Render a list in one of FORMATS."""
    if fmt == "markdown":
        return to_markdown(name, description, items)
    if fmt == "csv":
        return to_csv(items)
    if fmt == "bibtex":
        return to_bibtex(items)
    if fmt == "ris":
        return to_ris(items)
    if fmt == "csl-json":
        return to_csl_json(items)
    raise KBError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def parse_import(text: str, fmt: str | None) -> list[dict[str, Any]]:
    """Citation fields from CSL-JSON or RIS (format guessed from the content when not given)."""
    guess = fmt or ("csl-json" if text.lstrip().startswith(("[", "{")) else "ris")
    if guess == "csl-json":
        return from_csl_json(text)
    if guess == "ris":
        return from_ris(text)
    raise KBError(f"cannot import {fmt!r}: use csl-json or ris")


def _year(value: Any) -> int | None:
    match = re.search(r"\d{4}", str(value or ""))
    return int(match.group(0)) if match else None

