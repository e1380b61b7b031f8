"""Metadata values given by hand or by a file: checked, normalised (ISO codes, years) and overlaid on a document."""
from __future__ import annotations

import re
from typing import Any, Mapping

from .errors import KBError
from .models import CORE_FIELDS, Document

INT_FIELDS = {"year", "round"}
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
# Fields the knowledge base sets itself: a correction cannot change them.
_SYSTEM_FIELDS = {"doc_id", "source", "sha256", "ingested_at", "n_pages", "n_chunks", "stored_file"}


def coerce_field(name: str, value: Any, where: str) -> Any:
    """A metadata value in its stored form: years and rounds as integers, countries and languages as ISO codes;
    KBError, naming the field and where it came from, for a value that is none of these."""
    if value in (None, ""):
        return None
    if name in INT_FIELDS:
        return _whole_number(name, value, where)
    if name in ("country", "language"):
        parts = value if isinstance(value, (list, tuple)) else re.split(r"[;,]", str(value))
        convert = country_code if name == "country" else language_code
        codes = []
        for part in (str(p).strip() for p in parts):
            code = convert(part) if part else None
            if part and code is None:
                what = "an ISO 3166 country code such as NL" if name == "country" else "an ISO 639-1 code such as nl"
                raise KBError(f"{where}: field {name!r} must be {what} (or its English name), got {part[:60]!r}")
            if code and code not in codes:
                codes.append(code)
        return ",".join(codes) or None
    return value


def _whole_number(name: str, value: Any, where: str) -> int:
    text = str(value).strip()
    match = re.match(r"^(\d{4})(?:$|[-/. T])" if name == "year" else r"^(\d{1,3})$", text)
    number = int(match.group(1)) if match else None
    if number is None or (name == "year" and not YEARS[0] <= number <= YEARS[1]):
        example = f"a year such as 2021 (from {YEARS[0]} to {YEARS[1]})" if name == "year" else \
            "a whole number such as 3"
        raise KBError(f"{where}: field {name!r} must be {example}, got {text[:60]!r}")
    return number


# Codes beside ISO 3166-1 that reports of the field use for a country or a group of them, and the EU's own
# abbreviations of two countries.
EXTRA_COUNTRIES = {"EU", "XK"}
COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}
YEARS = (1800, 2100)


def country_code(name: str) -> str | None:
    """ISO 3166 alpha-2 for a code or an English name ("Netherlands" → NL); None for anything else."""
    import pycountry  # loads its JSON tables on first use only

    if len(name) == 2:
        code = COUNTRY_ALIASES.get(name.upper(), name.upper())
        return code if code in EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=code) else None
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def language_code(name: str) -> str | None:
    """ISO 639-1 for a code, a language tag or an English name ("Dutch" → nl, "en-GB" → en); None for anything
    else."""
    import pycountry

    if re.match(r"^[A-Za-z]{2}[-_][A-Za-z0-9]{2,8}$", name):  # a language tag: its language
        name = name[:2]
    if len(name) == 2:
        code = name.lower()
        return code if pycountry.languages.get(alpha_2=code) else None
    try:
        return getattr(pycountry.languages.lookup(name), "alpha_2", None)
    except LookupError:
        return None


def apply_corrections(document: Document, corrections: Mapping[str, tuple[Any, str]]) -> Document:
    """Overlay a researcher's corrections {field: (value, when)} on a document's metadata, recording them."""
    provenance = document.provenance
    for name, (value, when) in corrections.items():
        value = coerce_field(name, value, f"correction of {document.doc_id}")
        if name in CORE_FIELDS:
            setattr(document, name, value if name != "title" else str(value or ""))
        elif value in (None, ""):
            document.extra.pop(name, None)
        else:
            document.extra[name] = value
        provenance[name] = {"source": "correction", "evidence": f"corrected by hand on {when}"}
    if "organisation" in corrections and "organisation_name" not in corrections:
        # the full name found for the old organisation must not be cited for the new one
        document.extra.pop("organisation_name", None)
        provenance.pop("organisation_name", None)
    document.extra["_provenance"] = provenance
    return document


def check_correction(name: str, value: Any) -> Any:
    """A hand-given field value, checked and converted (None clears the field); KBError says what is wrong."""
    name = name.strip()
    if not _FIELD_NAME.match(name) or name in _SYSTEM_FIELDS:
        raise KBError(f"cannot set field {name!r}: use a metadata field such as "
                      f"{', '.join(CORE_FIELDS)}, round, or a lower-case name of your own")
    text = str(value).strip() if value is not None else ""
    if name == "title" and not text:
        raise KBError("the title cannot be empty")
    return coerce_field(name, text, f"field {name}") if text else None
