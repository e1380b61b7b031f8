"""Loaders for presentations, Word documents, web pages and text: pages, headings, notes and the main text."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import LoadOptions, loader_for
from kb import KnowledgeBase
from kb.errors import LoadError

from .fixtures import make_docx, make_html, make_pptx


def load_one(path: Path, options: LoadOptions | None = None):
    [doc] = list(loader_for(path).load(path, options or LoadOptions()))
    return doc


def test_pptx_one_page_per_slide_with_title_body_table_and_notes(tmp_path: Path) -> None:
    doc = load_one(make_pptx(tmp_path / "talk.pptx"))
    assert [p.number for p in doc.pages] == [1, 2, 3]
    first, second, third = (p.text for p in doc.pages)
    assert first.splitlines()[0] == "Labour exploitation in the Netherlands"  # the slide title leads its page
    assert "Passports taken by employers" in first
    assert "Speaker notes:\nStress that labour inspectors" in first
    assert "Year | Victims" in second and "2022 | 1,234" in second
    assert "multidisciplinary approach" in second
    assert third == "Questions"
    assert [h["text"] for h in doc.metadata["headings"]] == ["Labour exploitation in the Netherlands",
                                                             "National referral mechanism", "Questions"]
    assert [h["page"] for h in doc.metadata["headings"]] == [1, 2, 3]
    assert doc.metadata["doc_type"] == "presentation"
    assert doc.metadata["_detected"]["title"][0] == "Labour exploitation in the Netherlands"


def test_pptx_title_from_document_properties_wins(tmp_path: Path) -> None:
    doc = load_one(make_pptx(tmp_path / "talk.pptx", title="Conference on labour exploitation 2024"))
    assert doc.metadata["title"] == "Conference on labour exploitation 2024"


def test_docx_headings_kept_and_pages_at_page_breaks(tmp_path: Path) -> None:
    doc = load_one(make_docx(tmp_path / "guide.docx", author="La Strada International"))
    assert len(doc.pages) == 2
    lines = doc.pages[0].text.splitlines()
    assert lines[:2] == ["Guidelines on compensation for trafficked persons", "Introduction"]
    assert "Country | Fund" in doc.pages[0].text and "Belgium | Yes" in doc.pages[0].text
    assert doc.pages[1].text.startswith("State compensation funds")
    headings = doc.metadata["headings"]
    assert [(h["text"], h["level"], h["page"]) for h in headings] == [
        ("Guidelines on compensation for trafficked persons", 0, 1), ("Introduction", 1, 1),
        ("State compensation funds", 1, 2)]
    assert doc.metadata["author"] == "La Strada International"


def test_docx_without_page_breaks_is_cut_into_pages_at_paragraphs(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Long guide", level=1)
    paragraphs = [f"Paragraph {i} about shelters and the reflection period for victims. " * 8 for i in range(40)]
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "long.docx"
    document.save(str(path))
    doc = load_one(path)
    assert len(doc.pages) > 3
    assert all(len(p.text) < 4000 for p in doc.pages)
    joined = "\n".join(p.text for p in doc.pages)
    assert all(text.strip() in joined for text in paragraphs)  # no paragraph is split or lost


def test_html_main_text_without_menus_banners_or_footers(tmp_path: Path) -> None:
    doc = load_one(make_html(tmp_path / "nrm.html"))
    text = "\n".join(p.text for p in doc.pages)
    assert "co-operative frameworks" in text and "front-line staff" in text
    for boilerplate in ("MENUWORD", "COOKIEWORD", "FOOTERWORD"):
        assert boilerplate not in text
    assert [h["text"] for h in doc.metadata["headings"]] == ["National Referral Mechanisms", "Identification"]
    assert "Identification" in text.splitlines()  # headings stay lines of their own
    assert doc.metadata["title"] == "National Referral Mechanisms"
    assert doc.metadata["year"] == 2022
    assert doc.metadata["doc_type"] == "web-page"


def test_html_without_main_text_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = make_html(tmp_path / "empty.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(LoadError, match="no main text"):
        load_one(path)


def test_broken_office_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    for name, kind in (("deck.pptx", "PPTX"), ("letter.docx", "DOCX")):
        path = tmp_path / name
        path.write_bytes(b"this is not a zip package at all")
        with pytest.raises(LoadError, match=f"not a valid {kind} file"):
            load_one(path)


def test_every_format_ingests_and_is_searchable(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    make_pptx(folder / "talk.pptx")
    make_docx(folder / "guide.docx")
    make_html(folder / "nrm.html")
    (folder / "notes.txt").write_text("Notes of the expert meeting on forced criminality and cannabis farms.")
    (folder / "summary.md").write_text("# Summary\n\nDomestic servitude in diplomatic households.\n")
    report = kb.ingest([folder])
    assert report.counts()["added"] == 5, [i.line() for i in report.items]
    for query, name in (("speaker notes inspectors first", "talk.pptx"), ("state compensation fund", "guide.docx"),
                        ("front-line staff indicators", "nrm.html"), ("cannabis farms", "notes.txt"),
                        ("diplomatic households", "summary.md")):
        hits = kb.search(query, mode="keyword").hits
        assert hits and hits[0].document.source.endswith(name), query
    talk = next(h for h in kb.search("multidisciplinary approach", mode="keyword").hits)
    assert talk.passages[0].page == 2  # the slide number is the page number
