"""The Atom feed of a saved search (RFC 4287), built with xml.etree: every text goes in as element text or an
attribute value, so the serializer escapes it; characters XML 1.0 cannot carry are dropped first."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import PurePosixPath
from urllib.parse import quote

from ..models import Document
from .matching import Match
from .store import SavedSearch

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)
# characters outside XML 1.0's Char production (most C0 controls, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: object) -> str:
    """Text that an XML document can carry (control characters a PDF may hold are dropped)."""
    return _NOT_XML.sub("", str(text))


def document_path(doc_id: str) -> str:
    """The app-relative address of a document's landing page."""
    return f"d/{quote(doc_id, safe='')}"


def feed_path(saved_id: int) -> str:
    """The app-relative address of a saved search's feed, without its key."""
    return f"feeds/{saved_id}.atom"


def feed_url(base_url: str, saved: SavedSearch) -> str:
    """The feed's full address, with its key."""
    return f"{base_url.rstrip('/')}/{feed_path(saved.saved_id)}?key={quote(saved.feed_key, safe='')}"


def document_title(doc: Document) -> str:
    """A document's title, or the name of the file it came from."""
    return doc.title or PurePosixPath(doc.source).name or doc.doc_id


def match_summary(match: Match) -> str:
    """Organisation, year and the best passage with its page, on one line."""
    doc = match.document
    facts = " · ".join(str(v) for v in (doc.organisation, doc.year) if v not in (None, ""))
    passage = f"p. {match.passage.page}: {match.passage.text}" if match.passage else ""
    return " — ".join(part for part in (facts, passage) if part)


def _add(parent: ET.Element, tag: str, text: object | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def atom_feed(saved: SavedSearch, matches: list[Match], *, base_url: str, updated: str) -> bytes:
    """The feed as UTF-8 XML: one entry per document (newest first as given), linking its landing page and
    original."""
    base = base_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", f"{base}/{feed_path(saved.saved_id)}")
    _add(feed, "title", f"atkb: {saved.name}")
    _add(feed, "subtitle", f"Documents newly ingested that match “{saved.query}”")
    _add(feed, "updated", max([updated, *(m.document.ingested_at or "" for m in matches)]))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url(base, saved))
    _add(_add(feed, "author"), "name", "atkb")
    _add(feed, "generator", "atkb")
    for match in matches:
        doc = match.document
        entry = _add(feed, "entry")
        landing = f"{base}/{document_path(doc.doc_id)}"
        _add(entry, "id", landing)
        _add(entry, "title", document_title(doc), type="text")
        _add(entry, "updated", doc.ingested_at or updated)
        _add(entry, "published", doc.ingested_at or updated)
        _add(entry, "link", rel="alternate", type="text/html", href=landing)
        if match.original:
            _add(entry, "link", rel="enclosure", type="application/pdf", href=f"{base}/{match.original}",
                 title="original")
        if doc.organisation:
            _add(_add(entry, "author"), "name", doc.organisation)
        for term in (doc.year, doc.doc_type, doc.language):
            if term not in (None, ""):
                _add(entry, "category", term=str(term))
        _add(entry, "summary", match_summary(match), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
