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
    """A metadata value in its stored form: years and rounds as integers, countries and languages as ISO codes."""
    if value in (None, ""):
        return None
    if name in INT_FIELDS:
        try:
            return int(str(value).strip()[:4])
        except ValueError:
            example = "a year such as 2021" if name == "year" else "a whole number such as 3"
            raise KBError(f"{where}: field {name!r} must be {example}, got {value!r}") from None
    if name == "country":
        parts = value if isinstance(value, (list, tuple)) else re.split(r"[;,]", str(value))
        return ",".join(country_code(str(part).strip()) for part in parts if str(part).strip())
    if name == "language":
        return language_code(str(value).strip())
    return value


def country_code(name: str) -> str:
    """ISO 3166 alpha-2 for a code or an English name ("Netherlands" → NL); unknown names are kept."""
    if len(name) == 2:
        return name.upper()
    import pycountry  # loads its JSON tables on first use only

    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return name


def language_code(name: str) -> str:
    """ISO 639-1 for a code or an English name ("Dutch" → nl); unknown names are kept."""
    if len(name) == 2:
        return name.lower()
    import pycountry

    try:
        return getattr(pycountry.languages.lookup(name), "alpha_2", name)
    except LookupError:
        return name


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
