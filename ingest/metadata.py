"""Document metadata: what the file says, sidecars and run-level values, plus language and title detection."""
from __future__ import annotations

import csv
import json
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from kb.corrections import coerce_field
from kb.errors import KBError
from kb.models import CORE_FIELDS, Document, LoadedDocument

from .detect import detect_metadata
from .safe_yaml import YamlRefused, load_metadata_yaml
from .text_repair import mend, vocabulary
from .titles import AUDIENCE, complete_line, completed, own_reference, plain_text, printed_on, speech_heading, \
    subject_line, tidied, title_problem

_TITLE_LINE = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
_NOT_TITLE = re.compile(r"^(pagina|page|blad|seite|datum|date|ons kenmerk|our ref|aan |to:|van |from:)\b|\d+ (van|of) \d+$", re.I)


def read_meta_file(path: Path) -> dict[str, Any] | dict[str, dict[str, Any]]:
    """Read `--meta`: a JSON/TOML object applied to every file, or a CSV manifest with a `file` column."""
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix.lower() == ".toml":
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
            if rows and "file" not in rows[0]:
                raise KBError(f"{path}: a metadata manifest needs a `file` column naming each file")
            return {"__manifest__": {r["file"]: {k: v for k, v in r.items() if k != "file" and v}
                                     for r in rows}}
        else:
            raise KBError(f"{path}: metadata file must be .json, .toml or .csv")
    except (OSError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KBError(f"{path}: cannot read metadata file: {exc}") from exc
    if not isinstance(data, dict):
        raise KBError(f"{path}: metadata file must hold one object of field names and values")
    return data


SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
MANIFEST_NAME = "manifest.csv"


def sidecar_for(path: Path) -> tuple[str, dict[str, Any]]:
    """(label, metadata) from `NAME.meta.json` or `NAME.meta.yaml` beside a file; ("", {}) when there is none."""
    for base in (path.name, path.stem):
        for suffix in SIDECAR_SUFFIXES:
            sidecar = path.with_name(base + suffix)
            if sidecar.is_file():
                return f"sidecar {sidecar.name}", _read_sidecar(sidecar)
    return "", {}


def _read_sidecar(sidecar: Path) -> dict[str, Any]:
    try:
        text = sidecar.read_text(encoding="utf-8")
        if sidecar.suffix == ".json":
            data = json.loads(text)
        else:
            data = load_metadata_yaml(text)
    except YamlRefused as exc:
        raise KBError(f"{sidecar}: {exc}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KBError(f"{sidecar}: cannot read sidecar metadata ({exc}): fix the JSON") from exc
    except Exception as exc:  # yaml.YAMLError and friends
        raise KBError(f"{sidecar}: cannot read sidecar metadata ({exc}): fix the YAML") from exc
    if not isinstance(data, dict):
        raise KBError(f"{sidecar}: sidecar metadata must be one object of field names and values")
    return data


def folder_manifest(path: Path) -> tuple[str, dict[str, Any]]:
    """(label, row) for a file from the `manifest.csv` of its folder (a `file` column names each file)."""
    manifest = path.parent / MANIFEST_NAME
    if not manifest.is_file() or path == manifest:
        return "", {}
    rows = _manifest_rows(str(manifest), manifest.stat().st_mtime_ns)
    row = rows.get(path.name)
    return (f"manifest {manifest}", row) if row else ("", {})


@lru_cache(maxsize=32)
def _manifest_rows(manifest: str, _mtime: int) -> dict[str, dict[str, Any]]:
    data = read_meta_file(Path(manifest))
    return {Path(name).name: row for name, row in data.get("__manifest__", {}).items()}


def layers_beside(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """The metadata layers found next to a file, lowest precedence first: its folder's manifest, its sidecar."""
    layers = []
    for source, (label, values) in (("manifest", folder_manifest(path)), ("sidecar", sidecar_for(path))):
        if values:
            layers.append((source, label, values))
    return layers


THESAURUS_HEADER = "id,facet,broader,related"


def is_sidecar(path: Path) -> bool:
    """True for metadata sidecars, folder manifests and thesaurus files, which describe documents (or the field's
    terms) rather than being ones."""
    if path.name.endswith(SIDECAR_SUFFIXES):
        return True
    if path.suffix.lower() == ".csv" and _first_line(path).startswith(THESAURUS_HEADER):
        return True
    if path.name == MANIFEST_NAME:
        try:
            with path.open(encoding="utf-8-sig") as handle:
                header = handle.readline()
        except OSError:
            return False
        return "file" in [h.strip() for h in header.split(",")]
    return False


def guess_title(loaded: LoadedDocument, fallback: str, file_stem: str = "") -> str:
    """The first line of the first pages that reads like a title (joined with the lines it goes on on), else the
    fallback."""
    for page in loaded.pages[:2]:
        lines = page.text.splitlines()[:25]
        for n, line in enumerate(lines):
            line = line.strip()
            if not (8 <= len(line) <= 200 and _TITLE_LINE.search(line) and not _NOT_TITLE.search(line)
                    and not line[:1].islower()
                    and len(line.split()) >= 2 and not line.lower().startswith(("http", "www."))):
                continue
            candidate = _with_block(lines, n, complete_line(lines, n))
            if not title_problem(candidate, file_stem):
                return candidate
    return fallback


def _with_block(lines: list[str], at: int, title: str) -> str:
    """A title line with the short lines set under it as one block (up to two, ended by a blank line): a heading's
    second and third lines ("… Veilig Thuis en Jeugd / Bevindingen en aanbevelingen")."""
    following = [line.strip() for line in lines[at + 1:at + 4]]
    block = []
    for line in following:
        if not line:
            return " ".join([title, *block]) if block else title
        if len(line) > 70 or line.endswith((".", ",", ";")) or not line[:1].isupper() or line in title:
            return title
        block.append(line)
    return title


# What the file itself declares, by format: the label shown as the evidence of such values.
_FILE_ORIGIN = {".pdf": "PDF information dictionary", ".docx": "Word document properties",
                ".pptx": "PowerPoint document properties", ".html": "web page metadata", ".htm": "web page metadata",
                ".xhtml": "web page metadata", ".md": "front matter", ".markdown": "front matter"}
# Values loaders set that describe the file rather than state metadata.
_FILE_FACTS = {"doc_type": "file format"}
CHECKED_FIELDS = ("year", "round", "language", "country")


class _Merge:
    """Metadata values with the source and evidence of each, later layers overriding earlier ones."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.values: dict[str, Any] = {}
        self.provenance: dict[str, dict[str, str]] = {}

    def set(self, name: str, value: Any, source: str, evidence: str) -> None:
        """Take a value over what came before, once it is checked for its field (years, ISO codes). One the file
        says or detection found that does not fit is passed over (what came before stays); one given by hand
        (sidecar, manifest, --meta) refuses the file with a message naming the field."""
        if value in (None, "", [], {}):
            return
        if name in CHECKED_FIELDS:
            try:
                value = coerce_field(name, value, f"{self.where} ({evidence})")
            except KBError:
                if source in ("detected", "file"):
                    return
                raise
        self.values[name] = value
        self.provenance[name] = {"source": source, "evidence": evidence}


def _title_candidates(loaded: LoadedDocument, declared: str, layout: tuple[str, str] | None, stem: str,
                      origin: str) -> list[tuple[str, str, str]]:
    """Every title the document offers, best first, as (title, source, evidence): a letter's subject, the reference
    the publication gives for itself, a speech's heading with its occasion, the file's own title (a PDF's only when
    its first pages print it: information dictionaries keep templates' and other editions' titles), the largest type
    on page 1, the first line that reads like a title, and last a PDF's own title all the same."""
    pages = loaded.pages
    subject = subject_line(pages)  # a letter is known by its subject, whatever its file says
    if subject:
        return [(subject, "detected", "the letter's subject line")]
    pdf = origin == _FILE_ORIGIN[".pdf"]
    if declared and not pdf:
        return [(declared, "file", origin)]
    found: list[tuple[str, str, str]] = []
    reference = own_reference(pages)
    if reference:
        found.append((reference["title"], "detected", f"the publication's own reference (page {reference['page']})"))
    large = completed(layout[0], pages) if layout else ""
    problem = title_problem(tidied(large), stem) if large else "none"
    heading = speech_heading(pages)
    if heading and (problem or plain_text(large) in plain_text(heading)):
        found.append((heading, "detected", "the speech's heading and occasion"))
    whole = bool(large and not problem and layout)
    # a file's title that is only the beginning of the cover's title ("Human trafficking") yields to the whole
    if declared and printed_on(declared, pages) and not (whole and plain_text(large).startswith(plain_text(declared))):
        found.append((declared, "file", origin))
    if whole and layout:
        found.append((large, "detected", layout[1]))
    # a speech that opens with its salutation has no heading: no line of its text is a title
    opening = next((line for line in (pages[0].text.splitlines() if pages else []) if line.strip()), "")
    guessed = "" if AUDIENCE.match(opening.strip()) else guess_title(loaded, "", stem)
    if guessed:
        found.append((guessed, "detected", "first line of text on page 1 that reads like a title"))
    if large and problem and problem.startswith("cut off") and layout:  # cut off, but a title when nothing else is
        found.append((large, "detected", layout[1]))
    if declared:
        found.append((declared, "file", f"{origin} (not printed on its first pages)"))
    return found


def _choose_title(loaded: LoadedDocument, file_meta: dict[str, Any], loader_found: dict[str, Any], stem: str,
                  origin: str) -> tuple[str, str, str] | None:
    """The document's title (mended where the text layer damaged it), its source and evidence; None for none."""
    declared = str(file_meta.pop("title", "") or "").strip()
    if declared and title_problem(declared, stem, from_text=False):
        declared = ""
    candidates = _title_candidates(loaded, declared, loader_found.pop("title", None), stem, origin)
    if not candidates:
        return None
    title, source, evidence = candidates[0]
    words = vocabulary(page.text for page in loaded.pages[:8])
    mended = tidied(mend(tidied(title), words))
    if mended != title:
        evidence += " (mended by the document's own spelling)" if plain_text(mended) != plain_text(title) else ""
    return mended, source, evidence


def _full_name_of_the_organisation_given(merged: _Merge) -> None:
    """When the file, a sidecar or `--meta` names the organisation, a full name detected for another is dropped."""
    org = merged.provenance.get("organisation", {})
    name = merged.provenance.get("organisation_name", {})
    if org.get("source") not in (None, "detected") and name.get("source") == "detected":
        merged.values.pop("organisation_name", None)
        merged.provenance.pop("organisation_name", None)


def build_document(loaded: LoadedDocument, doc_id: str, *,
                   layers: Sequence[tuple[str, str, Mapping[str, Any]]] = (), fallback_title: str = "") -> Document:
    """Merge metadata by precedence: detected < the file's own < each layer given (lowest first).

    `layers` are (source, label, values), e.g. ("meta", "--meta run.json", {...}), ("sidecar", "sidecar X", {...}).
    """
    merged = _Merge(loaded.source)
    file_meta = dict(loaded.metadata)
    loader_found: dict[str, Any] = file_meta.pop("_detected", {}) or {}
    suffix = Path(loaded.original_path or loaded.source).suffix.lower()
    origin = _FILE_ORIGIN.get(suffix, "the file's own fields")
    file_year = file_meta.pop("file_year", None)
    headings = file_meta.pop("headings", None)

    stem = Path(loaded.original_path or loaded.source).stem
    chosen = _choose_title(loaded, file_meta, loader_found, stem, origin)
    found = detect_metadata(loaded, chosen[0] if chosen else "")
    for name, item in found.items():
        if not (name == "year" and item.weak):
            merged.set(name, item.value, "detected", item.evidence)
    for name, (value, evidence) in loader_found.items():
        merged.set(name, value, "detected", evidence)
    for name, value in file_meta.items():
        merged.set(name, value, "file", _FILE_FACTS.get(name, origin))
    if chosen:
        merged.set("title", chosen[0], chosen[1], chosen[2])
    if "year" not in merged.values and file_year:
        merged.set("year", file_year, "file", f"{origin} (date the file was made)")
    if "year" not in merged.values and "year" in found:
        merged.set("year", found["year"].value, "detected", found["year"].evidence)
    for source, label, values in layers:
        for name, value in (values or {}).items():
            merged.set(name, value, source, label)
    if not merged.values.get("title"):
        merged.set("title", fallback_title, "detected", "file name")
    _full_name_of_the_organisation_given(merged)
    values = merged.values
    core = {name: values.pop(name, None) for name in CORE_FIELDS}
    extra = dict(values)
    extra["_provenance"] = merged.provenance
    if headings:
        extra["_headings"] = headings
    return Document(doc_id=doc_id, source=loaded.source, sha256=loaded.sha256, title=str(core["title"] or ""),
                    organisation=core["organisation"], year=core["year"], language=core["language"],
                    doc_type=core["doc_type"], country=core["country"], symbol=core["symbol"], extra=extra)


def _first_line(path: Path) -> str:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return ""
