"""Safe HTML for document text: everything from documents is escaped; only our own tags are markup."""
from __future__ import annotations

import html
import re
from typing import Iterable

from kb.models import Document, Passage
from kb.text.language import language_name

from .markdown_text import markdown_html


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
    for value in (doc.organisation, doc.year, doc.country, doc.language and language_name(doc.language),
                  doc.doc_type, doc.symbol):
        if value not in (None, ""):
            labels.append(str(value))
    return labels


def when(stamp: object) -> str:
    """An ISO timestamp as people read it ("6 December 2026, 22:38 UTC"); anything else as it is."""
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(str(stamp))
    except (TypeError, ValueError):
        return "" if stamp is None else str(stamp)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return f"{moment.day} {moment:%B %Y, %H:%M}" + (" UTC" if moment.tzinfo is not None else "")


def title_html(doc: Document, rank: int | None = None, heading: bool = False) -> str:
    """A card's heading (or, as heading, the document view's): rank, escaped title, escaped facts; catalogue entries
    say their text is not fetched."""
    number = f"<span class='kb-rank'>{rank}.</span> " if rank is not None else ""
    chips = "".join(f"<span class='kb-chip'>{escape(f)}</span>" for f in facts(doc))
    stub = ""
    if doc.extra.get("catalogue_stub"):
        url = str(doc.extra.get("url") or "")
        link = (f" · <a href='{escape(url)}' target='_blank' rel='noopener'>official link ↗</a>"
                if url.startswith(("http://", "https://")) else "")
        stub = f"<div class='kb-catalogue'>{escape(doc.extra.get('catalogue_status'))}{link}</div>"
    return (f"<div class='{'kb-doc-title' if heading else 'kb-title'}'>{number}{escape(doc.title or doc.source)}</div>"
            f"<div class='kb-facts'>{chips}</div>{stub}")


def passage_html(passage: Passage, link: str | None, new_tab: bool = True, language: str | None = None,
                 markdown: bool = False) -> str:
    """One passage: page label (a link to the page: the original PDF, or the passage in context), the language it
    is in, and its text (a Markdown document's formatted, as inline text)."""
    label = f"p. {passage.page}"
    tongue = (f"<span class='kb-lang' title='the language of this passage'>{escape(language_name(language))}</span>"
              if language else "")
    if link and new_tab:
        page = f"<a class='kb-page' href='{escape(link)}' target='_blank' rel='noopener'>{label} ↗</a>"
    elif link:
        page = f"<a class='kb-page kb-context' href='{escape(link)}' target='_self'>{label} →</a>"
    else:
        page = f"<span class='kb-page'>{label}</span>"
    body = (markdown_html(passage.text, passage.highlights, fragment=True) if markdown
            else highlighted(passage.text, passage.highlights))
    return (f"<div class='kb-passage'><div class='kb-where'>{page}{tongue}</div><div class='kb-text'>"
            f"{body}</div></div>")


def related_html(related: Iterable[dict], state: object) -> str:
    """Other language versions and near-duplicates, each a link to its document view."""
    from urllib.parse import urlencode

    keep = {k: v for k, v in getattr(state, "to_params")().items() if k in ("q", "mode", "raw")}
    parts = {"translation": [], "near-duplicate": []}
    for item in related:
        href = "?" + urlencode({**keep, "view": "doc", "doc": item["doc_id"]})
        language = language_name(item.get("language"))
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
.kb-where { display: flex; gap: .5rem; align-items: baseline; margin-bottom: .1rem; }
.kb-page { font-size: .8rem; font-weight: 600; white-space: nowrap; }
.kb-lang { font-size: .72rem; color: #556; border: 1px solid #ccd; border-radius: .5rem; padding: 0 .4rem; }
.kb-text p { margin: 0 0 .3rem 0; }
.kb-text h1, .kb-text h2, .kb-text h3 { font-size: 1.05rem; margin: .6rem 0 .3rem 0; }
.kb-text h4, .kb-text h5, .kb-text h6 { font-size: .95rem; margin: .5rem 0 .2rem 0; }
.kb-text table { border-collapse: collapse; margin: .4rem 0; }
.kb-text th, .kb-text td { border: 1px solid #dde; padding: .15rem .4rem; vertical-align: top; }
.kb-url, .kb-image { color: #667; font-size: .85em; }
.kb-doc-title { font-size: 1.9rem; font-weight: 700; line-height: 1.25; margin: .3rem 0 .4rem 0; }
.kb-text mark { background: #ffe58f; padding: 0 .1rem; }
.kb-catalogue { color: #a55; font-size: .85rem; }
.kb-related { font-size: .85rem; color: #345; margin: .2rem 0; }
.kb-evidence { font-size: .75rem; color: #778; }
</style>
"""
