"""Hostile text in and out: exports stay inert, imports and record files fail per item with a clear reason, and the
command line never lets a document's text or a secret reach the terminal."""
from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase, Settings
from kb.cli import main
from kb.errors import KBError

from .conftest import FAST
from .fixtures import ENGLISH_PAGES, make_pdf

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
BREAKS = "line one\nER  - \nTY  - JOUR\r\nTI  - forged\u2028end"


@pytest.fixture
def hostile(kb: KnowledgeBase, tmp_path: Path) -> KnowledgeBase:
    for n, formula in enumerate(FORMULAS):
        path = make_pdf(tmp_path / f"f{n}.pdf", [f"Document {n}. " + p for p in ENGLISH_PAGES])
        (tmp_path / f"f{n}.pdf.meta.json").write_text(json.dumps({"title": formula, "organisation": formula}))
        kb.ingest([path], workers=1)
    kb.create_list("Hostile")
    for n, doc_id in enumerate(kb.doc_ids()):
        kb.add_to_list("Hostile", doc_id, note=FORMULAS[n] + " " + BREAKS, passage=BREAKS + " {unbalanced } }",
                       page=1)
    return kb


def test_csv_cells_that_look_like_formulas_are_neutralised(hostile: KnowledgeBase) -> None:
    rows = list(csv.DictReader(io.StringIO(hostile.export_list("Hostile", "csv"))))
    assert len(rows) == len(FORMULAS)
    cells = [value for row in rows for value in row.values() if value]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert sorted(row["title"] for row in rows) == sorted("'" + f for f in FORMULAS)


def test_ris_values_never_start_a_new_tag_or_record(hostile: KnowledgeBase) -> None:
    import rispy

    text = hostile.export_list("Hostile", "ris")
    records = rispy.loads(text)
    assert len(records) == len(FORMULAS)
    assert sum(1 for line in text.splitlines() if line.startswith("ER  -")) == len(FORMULAS)
    assert not any(r.get("title") == "forged" for r in records)
    assert all("TI  - forged" in " ".join(r["notes"]) for r in records)  # kept, on one line


def test_bibtex_and_csl_json_stay_valid_with_any_text(hostile: KnowledgeBase) -> None:
    import bibtexparser

    library = bibtexparser.parse_string(hostile.export_list("Hostile", "bibtex"))
    assert len(library.entries) == len(FORMULAS) and not library.failed_blocks
    csl = json.loads(hostile.export_list("Hostile", "csl-json"))
    assert len(csl) == len(FORMULAS) and all("forged" in entry["annote"] for entry in csl)


@pytest.mark.parametrize("payload, problem", [
    ('[{"title": ["a", "list"]}]', "item 1: 'title' must be text"),
    ('[{"title": "ok"}, {"title": "x", "author": "just a string"}]', "item 2: 'author' must be a list"),
    ('[{"title": "x", "issued": {"date-parts": "2020"}}]', "item 1: 'issued' must be"),
    ('[{"title": "x"}, 7]', "item 2 is not an object"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"title": "x", "page": {"nested": 1}}', "'page' must be text"),
])
def test_a_bad_csl_json_import_changes_nothing(kb: KnowledgeBase, payload: str, problem: str) -> None:
    with pytest.raises(KBError, match=problem.replace("[", r"\[").replace("(", r"\(")):
        kb.import_list(payload, "Imported")
    assert kb.reading_lists() == []  # no half-created list


def test_an_import_file_that_is_not_utf8_is_refused_by_name(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.json"
    bad.write_bytes('[{"title": "Caf\u00e9"}]'.encode("latin-1"))
    result = CliRunner().invoke(main, ["--home", str(home), "list", "import", str(bad)])
    assert result.exit_code == 1
    assert f"{bad} is not UTF-8 (byte 0xE9" in result.stderr and "nothing was changed" in result.stderr
    with KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={})) as kb:
        assert kb.reading_lists() == []


def test_a_good_import_is_one_transaction(kb: KnowledgeBase) -> None:
    entries = [{"title": f"Report {n}", "issued": {"date-parts": [[2000 + n]]}} for n in range(5)]
    assert kb.import_list(json.dumps(entries), "Imported")["items"] == 5
    assert [i["citation"]["year"] for i in kb.list_items("Imported")] == [2000, 2001, 2002, 2003, 2004]


def test_a_record_file_loses_only_its_bad_records(kb: KnowledgeBase, tmp_path: Path) -> None:
    good = lambda rid, text: json.dumps({"_id": rid, "title": f"Record {rid}", "text": text}).encode()  # noqa: E731
    lines = [
        good("a", "Debt bondage in brick kilns."),
        b'{"_id": "huge", "title": "x", "text": "y", "n": ' + b"9" * 5000 + b"}",
        b'{"_id": "deep", "title": "x", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"_id": "latin", "title": "Caf\xe9", "text": "invalid byte"}',
        good("a", "A second record with the id of the first."),
        good("b", "Forced begging in city centres."),
    ]
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    report = kb.ingest([path], workers=1)
    assert report.counts()["added"] == 2
    failed = {item.source.rsplit(":", 1)[1]: item.reason for item in report.failed}
    assert set(failed) == {"line 2", "line 3", "line 4", "line 5"}
    assert "cannot be read" in failed["line 2"] and "nested too deeply" in failed["line 3"]
    assert "byte 0xE9" in failed["line 4"] and "UTF-8" in failed["line 4"]
    assert "duplicate record id 'a' (first on line 1)" in failed["line 5"]
    assert kb.search("brick kilns", mode="keyword").hits and kb.search("begging", mode="keyword").hits
    assert not kb.search("Café", mode="keyword").hits  # never re-decoded as another encoding


def test_a_csv_row_over_the_field_limit_loses_only_that_row(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    rows = ["_id,title,text", "a,First,Debt bondage in brick kilns.", f"big,Big,{'x' * 140_000}",
            "c,Third,Forced begging in city centres."]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = kb.ingest([path], workers=1)
    assert report.counts()["added"] == 2
    [failed] = report.failed
    assert failed.source.endswith(":line 3") and "field larger than field limit" in failed.reason


def test_settings_never_show_a_secret(home: Path) -> None:
    result = CliRunner().invoke(main, ["--home", str(home), "settings"], env={"KB_RESEARCHER_PASSWORD": "hunter2"})
    assert result.exit_code == 0
    assert "hunter2" not in result.output and "researcher_password = ********" in result.output


def test_control_characters_in_titles_never_reach_the_terminal(home: Path, tmp_path: Path) -> None:
    doc = tmp_path / "escape.md"
    doc.write_text("---\ntitle: \"Shelters \\e[2J\\e]0;owned\\a report\"\n---\n\nShelters for victims.\n")
    runner = CliRunner()
    assert runner.invoke(main, ["--home", str(home), "ingest", str(doc), "--workers", "1"]).exit_code == 0
    with KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={})) as kb:
        assert "\x1b" in kb.get_document(kb.doc_ids()[0]).title  # kept in the data, as the file says
    shown = runner.invoke(main, ["--home", str(home), "search", "shelters", "--mode", "keyword"]).output
    assert "Shelters" in shown and "\x1b" not in shown and "\x07" not in shown
    as_json = runner.invoke(main, ["--home", str(home), "search", "shelters", "--mode", "keyword", "--json"]).output
    assert "\x1b" not in as_json and "\\u001b" in as_json


def test_the_data_directory_and_its_files_are_private(tmp_path: Path, corpus_dir: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({"KB_EMBEDDER": "hashing", "KB_OCR": "off"})
    subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(home), "ingest", str(corpus_dir), "--workers", "1"],
                   env=env, check=True, capture_output=True)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    exposed = [p for p in home.rglob("*") if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert exposed == []
    assert stat.S_IMODE((home / "kb.sqlite").stat().st_mode) == 0o600


def test_a_symlink_that_leaves_the_folder_is_skipped_with_a_note(kb: KnowledgeBase, tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.md").write_text("# Salaries\n\nConfidential salaries of the staff.\n")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.md").write_text("# Shelters\n\nShelters for victims.\n")
    (folder / "link.md").symlink_to(outside / "secret.md")
    (folder / "inside.md").symlink_to(folder / "report.md")  # a link within the folder is fine
    report = kb.ingest([folder], workers=1)
    by_name = {Path(i.source).name: i for i in report.items}
    assert by_name["link.md"].status == "skipped" and "leads out of" in by_name["link.md"].reason
    assert by_name["report.md"].doc_id and report.counts()["added"] == 1  # report.md, through either name
    assert not kb.search("salaries", mode="keyword").hits
    assert report.counts()["skipped"] == 1
