"""Document metadata: what the file says, sidecars and run-level values, plus language and title detection."""
from __future__ import annotations

import csv
import json
import re
import tomllib
from pathlib import Path
from typing import Any, Mapping

from kb.errors import KBError
from kb.models import CORE_FIELDS, Document, LoadedDocument

from kb.language import detect_language

_INT_FIELDS = {"year"}
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


def sidecar_for(path: Path) -> dict[str, Any]:
    """Metadata from `NAME.meta.json` beside a file, if there is one."""
    sidecar = path.with_name(path.name + ".meta.json")
    if not sidecar.is_file():
        sidecar = path.with_suffix(".meta.json")
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KBError(f"{sidecar}: cannot read sidecar metadata ({exc}): fix the JSON") from exc
    if not isinstance(data, dict):
        raise KBError(f"{sidecar}: sidecar metadata must be one JSON object")
    return data


def is_sidecar(path: Path) -> bool:
    """True for metadata sidecar files, which are not documents themselves."""
    return path.name.endswith(".meta.json")


def guess_title(loaded: LoadedDocument, fallback: str) -> str:
    """The first meaningful line of the first pages, else the fallback."""
    for page in loaded.pages[:2]:
        for line in page.text.splitlines()[:15]:
            line = line.strip()
            if (8 <= len(line) <= 200 and _TITLE_LINE.search(line) and not _NOT_TITLE.search(line)
                    and not line.lower().startswith(("http", "www."))):
                return line
    return fallback


def _coerce(name: str, value: Any, where: str) -> Any:
    if value in (None, ""):
        return None
    if name in _INT_FIELDS:
        try:
            return int(str(value).strip()[:4])
        except ValueError:
            raise KBError(f"{where}: field {name!r} must be a year such as 2021, got {value!r}") from None
    if name == "country" and isinstance(value, (list, tuple)):
        return ",".join(str(v).strip() for v in value)
    if name == "country":
        return ",".join(part.strip() for part in re.split(r"[;,]", str(value)) if part.strip())
    return value


def build_document(loaded: LoadedDocument, doc_id: str, *, run_meta: Mapping[str, Any] | None = None,
                   sidecar: Mapping[str, Any] | None = None, fallback_title: str = "") -> Document:
    """Merge metadata by precedence: detected < file's own < run-level --meta < sidecar."""
    text_sample = "\n".join(p.text for p in loaded.pages[:8])
    merged: dict[str, Any] = {}
    language = detect_language(text_sample)
    if language:
        merged["language"] = language
    merged.update({k: v for k, v in loaded.metadata.items() if v not in (None, "")})
    if "year" not in merged and "pdf_year" in merged:
        merged["year"] = merged["pdf_year"]
    merged.pop("pdf_year", None)
    for layer in (run_meta or {}, sidecar or {}):
        merged.update({k: v for k, v in layer.items() if v not in (None, "")})
    if not merged.get("title"):
        merged["title"] = guess_title(loaded, fallback_title)
    where = loaded.source
    core = {name: _coerce(name, merged.pop(name, None), where) for name in CORE_FIELDS}
    return Document(doc_id=doc_id, source=loaded.source, sha256=loaded.sha256, title=str(core["title"] or ""),
                    organisation=core["organisation"], year=core["year"], language=core["language"],
                    doc_type=core["doc_type"], country=core["country"], symbol=core["symbol"], extra=merged)
