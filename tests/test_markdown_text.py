"""Markdown documents shown as formatted, safe HTML (markdown-it-py, then the nh3 sanitiser): hostile Markdown
renders nothing active, links show their address, highlights survive, snippets read inline."""
from __future__ import annotations

import re

import pytest

from kb.models import Document
from kb.webapp.markdown_text import is_markdown, markdown_html

HOSTILE = """# Report <script>alert('head')</script>

Text with <script>alert(1)</script> and <img src=x onerror=alert(2)> and <iframe src="https://evil.example"></iframe>.
<style>body { display: none }</style><b onclick="steal()">bold by HTML</b>

<div onmouseover="alert(3)"><a href="javascript:alert(4)">raw anchor</a></div>

[js link](javascript:alert(5)) [data link](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox) <javascript:alert(6)>
![tracking pixel](https://evil.example/pixel.png "t") [ok](https://example.org/report?a=1&b=2 "The report")
[ref link][r]

[r]: https://example.org/ref

| Column | <em onclick="x">Other</em> |
|---|---|
| **cell** | `code <b>` |
"""


@pytest.fixture(scope="module")
def rendered() -> str:
    return markdown_html(HOSTILE)


def test_nothing_active_survives(rendered: str) -> None:
    lowered = rendered.lower()
    for marker in ("<script", "<img", "<iframe", "<style", "alert('head')", "alert(1)", "display: none", "src="):
        assert marker not in lowered, marker
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)  # no event handler on any tag
    assert set(re.findall(r"<([a-z0-9]+)", rendered)) <= {"h1", "p", "a", "span", "strong", "table", "thead", "tbody",
                                                          "tr", "th", "td", "code"}
    addresses = re.findall(r'href="([^"]*)"', rendered)
    assert addresses and all(a.startswith("https://") for a in addresses), addresses
    # links to other schemes stay inert text, as written
    assert "[js link](javascript:alert(5))" in rendered and "&lt;javascript:alert(6)&gt;" in rendered


def test_markdown_is_formatted_and_links_show_their_address(rendered: str) -> None:
    assert rendered.startswith("<h1>Report")
    assert "<strong>cell</strong>" in rendered and "<table>" in rendered and "<th>Column</th>" in rendered
    assert ('<a href="https://example.org/report?a=1&amp;b=2" title="The report" target="_blank" '
            'rel="noopener noreferrer nofollow">ok</a> <span class="kb-url">(https://example.org/report?a=1&amp;b=2)'
            '</span>') in rendered
    assert 'href="https://example.org/ref"' in rendered and "(https://example.org/ref)" in rendered
    assert "[image: tracking pixel]" in rendered and "evil.example/pixel" not in rendered
    assert "bold by HTML" in rendered and "raw anchor" in rendered  # raw HTML reduced to its text
    assert "<code>code &lt;b&gt;</code>" in rendered  # code shows HTML as written


def test_highlights_survive_rendering_and_never_enter_addresses() -> None:
    text = "Victims get **compensation**. See [compensation rules](https://example.org/compensation)."
    spans = [(m.start(), m.end()) for m in re.finditer("compensation", text)]
    html = markdown_html(text, spans)
    assert "<strong><mark>compensation</mark></strong>" in html
    assert "<a href=\"https://example.org/compensation\"" in html and "(https://example.org/compensation)" in html
    assert "\ue000" not in html and "\ue001" not in html


def test_a_snippet_reads_inline_without_markers() -> None:
    snippet = ("… ers in Brussels. **What:** European conference\n| Marina | Director, A21 | The Global |\n"
               "|---|---|---|\n## The project\nmore **text")
    html = markdown_html(snippet, fragment=True)
    assert "Marina · Director, A21 · The Global" in html and "<strong>The project</strong>" in html
    assert "**" not in html and "|" not in html and "#" not in html and "<table" not in html and "<h2" not in html


def test_which_documents_are_markdown() -> None:
    def doc(source: str, **extra: str) -> Document:
        return Document(doc_id="d", source=source, sha256="0" * 64, title="t", extra=dict(extra))

    assert is_markdown(doc("/data/notes.md")) and is_markdown(doc("https://example.org/page.html"))
    assert is_markdown(doc("https://example.org/page", content_type="text/html; charset=utf-8"))
    assert not is_markdown(doc("/data/report.pdf")) and not is_markdown(doc("/data/records.jsonl#r1"))
