"""The digest of one owner's alerts: plain text and HTML (built with xml.etree, so every text is escaped), and
the e-mail that carries both."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone

from .feed import document_path, document_title, match_summary, xml_text
from .matching import Alert, Match


def _links(match: Match, base_url: str) -> list[tuple[str, str]]:
    """(label, absolute address) of a match's landing page and original; none without a public address."""
    if not base_url:
        return []
    base = base_url.rstrip("/")
    links = [("document", f"{base}/{document_path(match.doc_id)}")]
    if match.original:
        links.append(("original" + (f", p. {match.passage.page}" if match.passage else ""),
                      f"{base}/{match.original}"))
    return links


def _more(alert: Alert) -> str:
    extra = alert.total - len(alert.matches)
    return f"… and {extra} more: search “{alert.saved.query}” in the app." if extra > 0 else ""


def digest_subject(alerts: list[Alert]) -> str:
    """The e-mail's subject: how many new documents for which saved searches."""
    count = sum(len(a.matches) for a in alerts)
    names = ", ".join(a.saved.name for a in alerts)
    return xml_text(f"atkb: {count} new document{'s' if count != 1 else ''} for {names}").replace("\n", " ")[:200]


def digest_text(alerts: list[Alert], base_url: str) -> str:
    """The digest as plain text."""
    lines: list[str] = []
    for alert in alerts:
        saved = alert.saved
        lines += [f"{saved.name} — “{saved.query}” ({len(alert.matches)} new)", ""]
        for n, match in enumerate(alert.matches, start=1):
            lines.append(f"{n}. {document_title(match.document)}  [{match.doc_id}]")
            summary = match_summary(match)
            if summary:
                lines.append(f"   {summary}")
            lines += [f"   {label}: {url}" for label, url in _links(match, base_url)]
        if _more(alert):
            lines.append(_more(alert))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def digest_html(alerts: list[Alert], base_url: str) -> str:
    """The digest as an HTML document."""
    html = ET.Element("html")
    body = ET.SubElement(html, "body")
    for alert in alerts:
        heading = ET.SubElement(body, "h2")
        heading.text = xml_text(f"{alert.saved.name} — “{alert.saved.query}” ({len(alert.matches)} new)")
        items = ET.SubElement(body, "ol")
        for match in alert.matches:
            item = ET.SubElement(items, "li")
            title = ET.SubElement(item, "strong")
            title.text = xml_text(document_title(match.document))
            summary = match_summary(match)
            if summary:
                ET.SubElement(item, "br").tail = xml_text(summary)
            for label, url in _links(match, base_url):
                ET.SubElement(item, "br")
                ET.SubElement(item, "a", href=xml_text(url)).text = label
        if _more(alert):
            ET.SubElement(body, "p").text = xml_text(_more(alert))
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html")


def digest_message(alerts: list[Alert], *, sender: str, recipient: str, base_url: str) -> EmailMessage:
    """One e-mail with the digest as text and, as its alternative, HTML."""
    message = EmailMessage()
    message["Subject"] = digest_subject(alerts)
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(digest_text(alerts, base_url))
    message.add_alternative(digest_html(alerts, base_url), subtype="html")
    return message
