"""The command-line contract (../shared/DESIGN.md): commands, options, JSON shapes and exit codes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main


@pytest.fixture
def run(home: Path):
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        result = runner.invoke(main, ["--home", str(home), *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result
    return invoke


@pytest.fixture
def ingested(run, corpus_dir: Path):
    run("ingest", str(corpus_dir), "--workers", "1")
    return run


def test_ingest_json_report(run, corpus_dir: Path, bad_dir: Path) -> None:
    result = run("ingest", str(corpus_dir), str(bad_dir), "--workers", "1", "--json")
    report = json.loads(result.stdout)
    assert report["counts"]["added"] == 6
    assert report["counts"]["failed"] == 6  # exit 0 even though some files failed
    failed = [i for i in report["items"] if i["status"] == "failed"]
    assert all(i["reason"] and i["source"] for i in failed)


def test_ingest_text_report_lists_failures_with_reasons(run, bad_dir: Path) -> None:
    out = run("ingest", str(bad_dir), "--workers", "1").stdout
    assert "scanned.pdf: no text layer: needs OCR" in out
    assert "6 failed" in out


def test_search_json_contract(ingested) -> None:
    data = json.loads(ingested("search", "compensation for victims", "--json").stdout)
    assert data["results"]
    first = data["results"][0]
    for key in ("doc_id", "title", "source", "score", "passages", "language"):
        assert key in first
    assert Path(first["source"]).is_absolute()
    passage = first["passages"][0]
    assert isinstance(passage["page"], int) and passage["page"] >= 1
    assert passage["text"]


def test_record_source_is_file_hash_id(ingested, corpus_dir: Path) -> None:
    data = json.loads(ingested("search", "brick kilns", "--json").stdout)
    assert data["results"][0]["source"] == f"{(corpus_dir / 'records.jsonl').resolve()}#r1"


def test_search_text_output_shows_pages_and_marks(ingested) -> None:
    out = ingested("search", "greenhouses").stdout
    assert "p. 1:" in out and "**greenhouses**" in out


def test_search_filters_and_k(ingested) -> None:
    data = json.loads(ingested("search", "victims trafficking", "--k", "1", "--json").stdout)
    assert len(data["results"]) == 1
    data = json.loads(ingested("search", "mensenhandel", "--filter", "language=nl", "--json").stdout)
    assert {r["language"] for r in data["results"]} == {"nl"}


def test_search_batch(ingested, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"qid": "a", "text": "greenhouses"}\n{"qid": "b", "text": "brick kilns"}\n')
    lines = [json.loads(line) for line in ingested("search", "--batch", str(queries), "--json").stdout.splitlines()]
    assert [line["qid"] for line in lines] == ["a", "b"]
    assert all(line["results"] for line in lines)


def test_unavailable_mode_is_a_clean_error(ingested, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_SEMANTIC", "false")
    result = ingested("search", "victims", "--mode", "semantic", ok=False)
    assert result.exit_code == 1
    assert "not available" in result.stderr and "Traceback" not in result.output


def test_stats_json(ingested) -> None:
    data = json.loads(ingested("stats", "--json").stdout)
    assert data["documents"] == 6 and data["pages"] == 9 and data["chunks"] >= 9


def test_remove_and_check(ingested) -> None:
    doc_id = json.loads(ingested("search", "greenhouses", "--json").stdout)["results"][0]["doc_id"]
    assert doc_id in ingested("remove", doc_id).stdout
    assert json.loads(ingested("search", "greenhouses", "--json").stdout)["results"] == []
    assert ingested("check").stdout.strip() == "ok"
    missing = ingested("remove", "nope", ok=False)
    assert missing.exit_code == 1 and "no document 'nope'" in missing.stderr


def test_eval_reports_the_three_metrics(run, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in [
        {"_id": "d1", "title": "Forced labour on farms", "text": "Farm workers in forced labour."},
        {"_id": "d2", "title": "Sexual exploitation", "text": "Victims of sexual exploitation in bars."},
        {"_id": "d3", "title": "Begging", "text": "Children forced to beg in the streets."},
    ]))
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"_id": "q1", "text": "farm labour"}\n{"_id": "q2", "text": "children begging"}\n')
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n")
    run("ingest", str(corpus))
    data = json.loads(run("eval", str(queries), str(qrels), "--json").stdout)
    assert data["ndcg@10"] == pytest.approx(1.0)
    assert data["recall@10"] == pytest.approx(1.0)
    assert data["mrr@10"] == pytest.approx(1.0)
    assert data["queries"] == 2
    text = run("eval", str(queries), str(qrels)).stdout
    assert "ndcg@10" in text and "mrr@10" in text


def test_bad_filter_is_a_clean_error(ingested) -> None:
    result = ingested("search", "x", "--filter", "nonsense", ok=False)
    assert result.exit_code == 1 and "FIELD=VALUE" in result.stderr


def test_settings_command_lists_every_setting(run) -> None:
    from kb.settings import SETTINGS

    out = run("settings").stdout
    for s in SETTINGS:
        assert s.env_var in out


def test_csv_export_to_standard_output_is_byte_exact(ingested, tmp_path: Path) -> None:
    doc_id = json.loads(ingested("search", "compensation for victims", "--json").stdout)["results"][0]["doc_id"]
    ingested("list", "create", "Briefing")
    ingested("list", "add", "Briefing", doc_id, "--note", "line one\r\nline two \x1b[31m")
    out = tmp_path / "briefing.csv"
    ingested("list", "export", "Briefing", "--format", "csv", "-o", str(out))
    printed = ingested("list", "export", "Briefing", "--format", "csv").stdout_bytes
    assert printed == out.read_bytes()
    assert b"\r\n" in printed and "\N{REPLACEMENT CHARACTER}".encode() not in printed
    assert b"\x1b[31m" in printed  # data is the user's own: only text for people is sanitised


def test_search_on_a_missing_home_says_where_it_looked_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "nowhere"
    result = CliRunner().invoke(main, ["--home", str(home), "search", "loverboys"])
    assert result.exit_code == 1
    assert f"no knowledge base in {home}" in result.stderr and "ingest corpus/" in result.stderr
    assert not home.exists()


def test_search_on_an_empty_home_says_how_to_ingest(run, home: Path) -> None:
    run("stats")
    for args in (("search", "loverboys"), ("recommendations", "compensation")):
        result = run(*args, ok=False)
        assert result.exit_code == 1
        assert f"the knowledge base in {home.resolve()} holds no documents" in result.stderr
        assert f"kb --home {home.resolve()} ingest" in result.stderr


def test_help_lists_each_command_with_its_whole_first_sentence(run) -> None:
    out = run("--help").stdout
    commands = out.split("Commands:")[1]
    assert not [line for line in commands.splitlines() if re.search(r"\w(\.\.\.|…)\s*$", line)]  # cut words
    assert "Show a document's metadata with where each field came from," in " ".join(out.split())
