"""Reading lists: persistence, the CLI, and exports that real consumers read back (bibtexparser, rispy, citeproc)."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase
from kb.cli import main
from kb.errors import KBError

from .fixtures import ENGLISH_PAGES, make_pdf

TRICKY_TITLE = "Trafficking & exploitation: {GRETA} “quoted” 'single' Ελληνικά Русский café 100% $5 #1 a_b"
META = {
    "report.pdf": {"title": TRICKY_TITLE, "organisation": "Council of Europe – GRETA", "year": 2023,
                   "symbol": "GRETA(2023)05", "doc_type": "evaluation report", "country": "GR", "place": "Strasbourg"},
    "slides.pdf": {"title": "Identification in reception centres", "organisation": "KMOP & partners", "year": 2022,
                   "doc_type": "presentation", "country": "BE"},
    "page.pdf": {"title": "Στατιστικά στοιχεία — Статистика", "organisation": "IOM", "year": 2021,
                 "doc_type": "web page", "url": "https://example.org/iom/stats"},
}


@pytest.fixture
def listed(kb: KnowledgeBase, tmp_path: Path) -> tuple[KnowledgeBase, dict[str, str]]:
    ids = {}
    for n, (name, meta) in enumerate(META.items()):
        path = make_pdf(tmp_path / name, [f"Document {n}. " + page for page in ENGLISH_PAGES])
        (tmp_path / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False))
        kb.ingest([path], workers=1)
        ids[name] = kb.resolve_document(str(path)).doc_id
    kb.create_list("Briefing", "For the referral mechanism meeting")
    kb.add_to_list("Briefing", ids["report.pdf"], note="Key findings & {recommendations}", query="greta greece")
    kb.add_to_list("Briefing", ids["report.pdf"], page=3, passage="Courts should order traffickers to pay damages.",
                   query="compensation")
    kb.add_to_list("Briefing", ids["slides.pdf"])
    kb.add_to_list("Briefing", ids["page.pdf"], note="Figures in Greek and Russian")
    return kb, ids


def test_list_lifecycle(listed) -> None:
    kb, ids = listed
    items = items_before = kb.list_items("Briefing")
    assert [i["doc_id"] for i in items] == [ids["report.pdf"], ids["report.pdf"], ids["slides.pdf"], ids["page.pdf"]]
    assert items[1]["page"] == 3 and items[1]["chunk_id"] is None and items[1]["query"] == "compensation"
    kb.annotate("Briefing", items[2]["item_id"], "Slides 4-7")
    kb.move_in_list("Briefing", items[3]["item_id"], 1)
    kb.remove_from_list("Briefing", items[0]["item_id"])
    kb.rename_list("Briefing", "Greece briefing")
    kb.describe_list("Greece briefing", "Updated")
    moved, first_removed = items_before[3]["item_id"], items_before[0]["item_id"]
    items = kb.list_items("Greece briefing")
    assert [i["item_id"] for i in items] == [moved, items_before[1]["item_id"], items_before[2]["item_id"]]
    assert first_removed not in {i["item_id"] for i in items}
    assert items[0]["doc_id"] == ids["page.pdf"] and len(items) == 3
    assert items[2]["note"] == "Slides 4-7"
    [entry] = kb.reading_lists()
    assert (entry["name"], entry["description"], entry["items"]) == ("Greece briefing", "Updated", 3)
    assert entry["updated_at"] >= entry["created_at"] and entry["created_at"].startswith("20")
    with pytest.raises(KBError, match="no reading list 'Briefing'"):
        kb.list_items("Briefing")
    kb.delete_list("Greece briefing")
    assert kb.reading_lists() == []
    assert kb.stats()["documents"] == 3  # documents stay


def test_bibtex_round_trips_through_bibtexparser(listed) -> None:
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    kb, _ = listed
    text = kb.export_list("Briefing", "bibtex")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    entries = library.entries
    assert [e.entry_type for e in entries] == ["techreport", "techreport", "misc", "misc"]
    report = entries[0].fields_dict
    assert report["title"].value == TRICKY_TITLE
    assert report["author"].value == "Council of Europe – GRETA"
    assert report["institution"].value == "Council of Europe – GRETA"
    assert report["number"].value == "GRETA(2023)05"
    assert report["year"].value == "2023" and report["address"].value == "Strasbourg"
    assert "Key findings & {recommendations}" in report["annote"].value
    passage = entries[1].fields_dict
    assert passage["pages"].value == "3" and "pay damages" in passage["annote"].value
    assert entries[2].fields_dict["howpublished"].value == "Presentation"
    assert entries[3].fields_dict["url"].value == "https://example.org/iom/stats"
    assert entries[3].fields_dict["title"].value == "Στατιστικά στοιχεία — Статистика"
    assert len({e.key for e in entries}) == 4


def test_ris_round_trips_through_rispy(listed) -> None:
    import rispy

    kb, _ = listed
    text = kb.export_list("Briefing", "ris")
    assert text.startswith("TY  - RPRT\n")  # every record opens with TY (no "1." line before it)
    assert [line for line in text.splitlines() if line and not re.match(r"[A-Z][A-Z0-9]  - ", line)] == []
    records = rispy.loads(text)
    assert [r["type_of_reference"] for r in records] == ["RPRT", "RPRT", "SLIDE", "ELEC"]
    first = records[0]
    assert first["title"] == TRICKY_TITLE and first["authors"] == ["Council of Europe – GRETA"]
    assert first["year"] == "2023" and first["issn"] == "GRETA(2023)05" and first["place_published"] == "Strasbourg"
    assert first["language"] == "en" and first["access_date"]
    assert records[1]["start_page"] == "3"
    assert any("pay damages" in n for n in records[1]["notes"])
    assert records[3]["urls"] == ["https://example.org/iom/stats"]


def test_csl_json_renders_with_citeproc(listed) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    kb, _ = listed
    data = json.loads(kb.export_list("Briefing", "csl-json"))
    assert [d["type"] for d in data] == ["report", "report", "speech", "webpage"]
    assert data[0]["title"] == TRICKY_TITLE and data[0]["number"] == "GRETA(2023)05"
    assert data[0]["issued"] == {"date-parts": [[2023]]} and data[1]["page"] == "3"
    assert data[0]["author"] == [{"literal": "Council of Europe – GRETA"}]
    import citeproc

    style_path = Path(citeproc.__file__).parent / "data" / "styles" / "harvard-cite-them-right.csl"
    bibliography = CitationStylesBibliography(CitationStylesStyle(str(style_path), validate=False),
                                              CiteProcJSON(data), formatter.plain)
    for entry in data:
        bibliography.register(Citation([CitationItem(entry["id"])]))
    rendered = [str(item) for item in bibliography.bibliography()]
    assert len(rendered) == 4
    joined = "\n".join(rendered)
    assert "GRETA(2023)05" in joined or "Council of Europe – GRETA" in joined
    assert "Ελληνικά Русский café" in joined and "Στατιστικά στοιχεία — Статистика" in joined


def test_csv_and_markdown(listed) -> None:
    kb, _ = listed
    rows = list(csv.DictReader(io.StringIO(kb.export_list("Briefing", "csv"))))
    assert rows[0]["title"] == TRICKY_TITLE and rows[0]["symbol"] == "GRETA(2023)05"
    assert rows[0]["note"] == "Key findings & {recommendations}"
    assert rows[1]["page"] == "3" and rows[1]["passage"] == "Courts should order traffickers to pay damages."
    assert rows[2]["item_type"] == "presentation" and rows[3]["item_type"] == "webpage"
    assert all(r["in_knowledge_base"] == "yes" for r in rows)
    md = kb.export_list("Briefing", "markdown")
    assert md.startswith("# Briefing\n\nFor the referral mechanism meeting")
    assert "> “Courts should order traffickers to pay damages.” (p. 3)" in md
    assert "Note: Key findings & \\{recommendations\\}" in md
    assert "<https://example.org/iom/stats>" in md


def test_removed_document_keeps_its_citation(listed) -> None:
    kb, ids = listed
    kb.remove(ids["slides.pdf"])
    items = kb.citation_items("Briefing")
    gone = [i for i in items if not i.in_knowledge_base]
    assert len(gone) == 1 and gone[0].title == "Identification in reception centres"
    assert gone[0].organisation == "KMOP & partners" and gone[0].item_type == "presentation"
    assert "No longer in the knowledge base." in kb.export_list("Briefing", "ris")
    assert "*No longer in the knowledge base.*" in kb.export_list("Briefing", "markdown")


def test_import_csl_json_and_ris_match_existing_documents(listed) -> None:
    kb, ids = listed
    csl = json.dumps([
        {"id": "a", "type": "report", "title": "Something else", "number": "GRETA(2023)05"},
        {"id": "b", "type": "webpage", "title": "Elsewhere", "URL": "https://example.org/iom/stats"},
        {"id": "c", "type": "speech", "title": "identification in reception centres"},
        {"id": "d", "type": "report", "title": "A report we do not have", "issued": {"date-parts": [[2019]]},
         "author": [{"family": "Doe", "given": "Jane"}]},
    ])
    result = kb.import_list(csl, "Imported")
    assert result == {"items": 4, "matched": 3, "unmatched": 1}
    items = kb.citation_items("Imported")
    assert [i.doc_id for i in items[:3]] == [ids["report.pdf"], ids["page.pdf"], ids["slides.pdf"]]
    assert items[3].doc_id is None and items[3].title == "A report we do not have" and items[3].year == 2019
    assert items[3].authors == ["Jane Doe"]
    ris = kb.export_list("Briefing", "ris")
    again = kb.import_list(ris, "From RIS", fmt="ris")
    assert again["matched"] == 4


def test_cli_list_commands(home: Path, tmp_path: Path, corpus_dir: Path) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--home", str(home), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("ingest", str(corpus_dir), "--workers", "1")
    doc_id = json.loads(run("search", "greenhouses", "--json"))["results"][0]["doc_id"]
    run("list", "create", "Field visit", "--description", "Agriculture")
    assert "added item 1" in run("list", "add", "Field visit", doc_id, "--page", "1", "--note", "read first")
    run("list", "add", "Field visit", str(corpus_dir / "notes.md"))
    shown = run("list", "show", "Field visit")
    assert "1. [item 1] Labour exploitation report" in shown and "p. 1" in shown and "note: read first" in shown
    run("list", "move", "Field visit", "2", "1")
    assert json.loads(run("list", "show", "Field visit", "--json"))["items"][0]["item_id"] == 2
    out = tmp_path / "field.bib"
    run("list", "export", "Field visit", "--format", "bibtex", "-o", str(out))
    assert out.read_text().startswith("@")
    assert run("list", "export", "Field visit", "--format", "csl-json").lstrip().startswith("[")
    csl = tmp_path / "visit.json"
    csl.write_text(run("list", "export", "Field visit", "--format", "csl-json"))
    assert "2 matched a document" in run("list", "import", str(csl), "--name", "Copy")
    run("list", "note", "Copy", "3", "changed")
    run("list", "remove", "Copy", "4")
    run("list", "rename", "Copy", "Copy 2")
    assert "Copy 2  (1 items; private" in run("list", "ls")
    run("list", "delete", "Copy 2")
    missing = runner.invoke(main, ["--home", str(home), "list", "show", "Nope"])
    assert missing.exit_code == 1 and "no reading list 'Nope'" in missing.stderr
