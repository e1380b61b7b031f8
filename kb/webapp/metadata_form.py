"""Metadata fields as form inputs, prefilled with what was found, with the evidence of each value shown."""
from __future__ import annotations

from typing import Any, Mapping

import streamlit as st

from kb.catalogue import DOCUMENT_TYPES

from .render import plain

# (field, label) in the order a researcher checks them
EDITABLE_FIELDS = (("title", "Title"), ("organisation", "Organisation"), ("year", "Year"), ("language", "Language"),
                   ("doc_type", "Document type"), ("country", "Countries (ISO codes, comma-separated)"),
                   ("symbol", "Document symbol"), ("round", "GRETA evaluation round"))


def metadata_inputs(key: str, values: Mapping[str, Any], provenance: Mapping[str, Mapping[str, str]]
                    ) -> dict[str, str]:
    """Render one input per field (inside a form) and return what the inputs hold."""
    out: dict[str, str] = {}
    for name, label in EDITABLE_FIELDS:
        current = "" if values.get(name) in (None, "") else str(values.get(name))
        origin = provenance.get(name)
        help_text = plain(f"{origin.get('source')}: {origin.get('evidence')}") if origin else "not found automatically"
        if name == "doc_type":
            options = ["", *DOCUMENT_TYPES]
            if current and current not in options:
                options.append(current)
            out[name] = st.selectbox(label, options, index=options.index(current), key=f"{key}_{name}",
                                     help=help_text)
        else:
            out[name] = st.text_input(label, value=current, key=f"{key}_{name}", help=help_text)
        if origin:
            st.caption("↳ " + plain(f"{origin.get('source')}: {origin.get('evidence')}"))
    return out


def changed_fields(before: Mapping[str, Any], after: Mapping[str, str]) -> dict[str, str]:
    """The fields whose input differs from the value found (as text)."""
    return {name: value for name, value in after.items()
            if value.strip() != ("" if before.get(name) in (None, "") else str(before.get(name)))}
