"""Markdown documents (Markdown files, web pages read as Markdown) shown as formatted, safe HTML: markdown-it-py
renders them with raw HTML reduced to its text and images shown as their description, and nh3 (the ammonia sanitiser)
keeps only the tags and link schemes listed here. Highlights survive as <mark> around the query's words."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, Iterable

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from kb.models import Document

MARKDOWN_SUFFIXES = (".md", ".markdown", ".html", ".htm")
TAGS = {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol",
        "li", "table", "thead", "tbody", "tr", "th", "td", "hr", "a", "mark", "span"}
ATTRIBUTES = {"a": {"href", "title", "target"}, "span": {"class"}}
SCHEMES = {"http", "https", "mailto"}
# private-use characters marking where a highlight opens and closes while the text goes through the renderer
OPEN, CLOSE = "\ue000", "\ue001"
_MARKS = re.compile(f"[{OPEN}{CLOSE}]")
_ENCODED_MARKS = re.compile("%EE%80%8[01]", re.I)  # the marks as markdown-it percent-encodes them in an address
_TABLE_ROW = re.compile(r"^\s*\|?(.*\|.*?)\|?\s*$")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SCRIPTS = re.compile(r"<(script|style|iframe|object|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def is_markdown(doc: Document) -> bool:
    """Whether a document's text is Markdown: a Markdown file, or a web page (read as Markdown)."""
    content_type = str(doc.extra.get("content_type") or "").lower()
    if content_type.startswith(("text/html", "text/markdown", "application/xhtml")):
        return True
    source = str(doc.source or "").split("#", 1)[0].split("?", 1)[0]
    return PurePosixPath(source).suffix.lower() in MARKDOWN_SUFFIXES


def _link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = _ENCODED_MARKS.sub("", _MARKS.sub("", str(token.attrGet("href") or "")))
    token.attrSet("href", href)
    token.attrSet("target", "_blank")
    env.setdefault("links", []).append(href)
    return renderer.renderToken(tokens, idx, options, env)


def _link_close(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    href = env.get("links", [""]).pop() if env.get("links") else ""
    shown = f" <span class=\"kb-url\">({escapeHtml(href)})</span>" if href else ""
    return renderer.renderToken(tokens, idx, options, env) + shown


def _image(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env) if token.children else token.content
    return f"<span class=\"kb-image\">[image: {escapeHtml(_MARKS.sub('', alt)) or 'no description'}]</span>"


def _raw_html(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """Raw HTML in the Markdown: its tags dropped (scripts and styles with their content), its text kept."""
    return nh3.clean(tokens[idx].content, tags=set())


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"])
    md.add_render_rule("html_inline", _raw_html)
    md.add_render_rule("html_block", _raw_html)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
    return md


def _with_marks(text: str, spans: Iterable[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last or start >= end:
            continue
        out += [text[last:start], OPEN, text[start:end], CLOSE]
        last = end
    out.append(text[last:])
    return "".join(out)


def _fragment(text: str) -> str:
    """A snippet cut out of a Markdown page, made readable inline: table rows become cells separated by dots
    (the header row they need is elsewhere), headings bold text."""
    lines = []
    for line in text.split("\n"):
        if _DELIMITER_ROW.match(line) and "-" in line:
            continue
        heading = _HEADING.match(line)
        if heading:
            line = f"**{heading.group(1)}**"
        elif line.count("|") >= 2 and _TABLE_ROW.match(line):
            line = " · ".join(cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip())
        lines.append(line)
    return "\n".join(lines)


def markdown_html(text: str, spans: Iterable[tuple[int, int]] = (), fragment: bool = False) -> str:
    """Markdown as sanitised HTML with the given character spans wrapped in <mark>. A fragment (a snippet) is
    shown inline: no headings or tables, and emphasis markers the cut left unpaired are dropped."""
    source = _MARKS.sub("", text)
    marked = _SCRIPTS.sub(lambda m: " " * len(m.group(0)), _with_marks(source, spans if source == text else ()))
    rendered = _renderer().render(_fragment(marked) if fragment else marked, {})
    if fragment:
        rendered = re.sub(r"(\*\*|__)", "", rendered)
    rendered = rendered.replace(OPEN, "<mark>").replace(CLOSE, "</mark>")
    return nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)
