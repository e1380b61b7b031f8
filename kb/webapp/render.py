"""Safe HTML for document text: everything from documents is escaped; only our own tags are markup."""
from __future__ import annotations

import html
import re
from typing import Iterable

from kb.models import Document, Passage


def escape(text: object) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^])")


def plain(text: object) -> str:
    """Text for the Streamlit elements that read Markdown (messages, captions, labels): every character Markdown
    or Streamlit's directives (`:red[...]`, `:icon:`) would interpret is escaped, so it shows as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def highlighted(text: str, spans: Iterable[tuple[int, int]], keep_lines: bool = False) -> str:
    """Escaped text with the given character spans wrapped in <mark>; single line breaks become spaces."""
    out: list[str] = []
    last = 0
    for start, end in sorted(spans):
        if start < last or start >= end:
            continue
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    joined = "".join(out)
    if keep_lines:
        return joined.replace("\n", "<br>")
    # PDF text breaks lines where the page did; a paragraph break (blank line) is kept
    return joined.replace("\n\n", "<br><br>").replace("\n", " ")


def facts(doc: Document) -> list[str]:
    """The metadata shown on a result card, in a fixed order."""
    labels = []
    for value in (doc.organisation, doc.year, doc.country, doc.language, doc.doc_type, doc.symbol):
        if value not in (None, ""):
            labels.append(str(value))
    return labels


def title_html(doc: Document, rank: int | None = None) -> str:
    """A card's heading: rank, escaped title, escaped facts; catalogue entries say their text is not fetched."""
    number = f"<span class='kb-rank'>{rank}.</span> " if rank is not None else ""
    chips = "".join(f"<span class='kb-chip'>{escape(f)}</span>" for f in facts(doc))
    stub = ""
    if doc.extra.get("catalogue_stub"):
        url = str(doc.extra.get("url") or "")
        link = (f" · <a href='{escape(url)}' target='_blank' rel='noopener'>official link ↗</a>"
                if url.startswith(("http://", "https://")) else "")
        stub = f"<div class='kb-catalogue'>{escape(doc.extra.get('catalogue_status'))}{link}</div>"
    return (f"<div class='kb-title'>{number}{escape(doc.title or doc.source)}</div>"
            f"<div class='kb-facts'>{chips}</div>{stub}")


def passage_html(passage: Passage, link: str | None, new_tab: bool = True, language: str | None = None) -> str:
    """One passage: page label (a link to the page: the original PDF, or the passage in context), the language it
    is in, and its text."""
    label = f"p. {passage.page}"
    tongue = (f"<span class='kb-lang' title='the language of this passage'>{escape(LANGUAGE_NAMES.get(language, language))}"
              "</span> " if language else "")
    if link and new_tab:
        page = f"<a class='kb-page' href='{escape(link)}' target='_blank' rel='noopener'>{label} ↗</a>"
    elif link:
        page = f"<a class='kb-page kb-context' href='{escape(link)}' target='_self'>{label} →</a>"
    else:
        page = f"<span class='kb-page'>{label}</span>"
    return (f"<div class='kb-passage'>{page} {tongue}<span class='kb-text'>"
            f"{highlighted(passage.text, passage.highlights)}</span></div>")


LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "fr": "Français", "de": "Deutsch", "es": "Español",
                  "it": "Italiano", "pt": "Português", "pl": "Polski", "ro": "Română", "bg": "Български",
                  "ru": "Русский", "uk": "Українська"}


def related_html(related: Iterable[dict], state: object) -> str:
    """Other language versions and near-duplicates, each a link to its document view."""
    from urllib.parse import urlencode

    keep = {k: v for k, v in getattr(state, "to_params")().items() if k in ("q", "mode", "raw")}
    parts = {"translation": [], "near-duplicate": []}
    for item in related:
        href = "?" + urlencode({**keep, "view": "doc", "doc": item["doc_id"]})
        language = LANGUAGE_NAMES.get(item.get("language") or "", item.get("language") or "?")
        label = language if item["kind"] == "translation" else (item.get("title") or item["doc_id"])
        parts.setdefault(item["kind"], []).append(
            f"<a href='{escape(href)}' target='_self' title='{escape(item.get('title'))}'>{escape(label)}</a>")
    out = []
    if parts["translation"]:
        out.append("Also in: " + ", ".join(parts["translation"]))
    if parts["near-duplicate"]:
        out.append("Near-duplicate of: " + ", ".join(parts["near-duplicate"]))
    return f"<div class='kb-related'>{' · '.join(out)}</div>" if out else ""


STYLE = """
<style>
.kb-title { font-size: 1.1rem; font-weight: 600; margin-bottom: .2rem; }
.kb-rank { color: #888; font-weight: 400; }
.kb-chip { display: inline-block; background: #eef2f7; border-radius: .6rem; padding: 0 .5rem; margin: 0 .3rem .2rem 0;
           font-size: .8rem; color: #334; }
.kb-passage { margin: .35rem 0; line-height: 1.45; }
.kb-page { font-size: .8rem; font-weight: 600; margin-right: .3rem; white-space: nowrap; }
.kb-text mark { background: #ffe58f; padding: 0 .1rem; }
.kb-catalogue { color: #a55; font-size: .85rem; }
.kb-related { font-size: .85rem; color: #345; margin: .2rem 0; }
.kb-evidence { font-size: .75rem; color: #778; }
</style>
"""
