"""Every search is bounded (query length, words, raw expansion, results, time) and every refusal is one sentence:
the same for the facade, the command line and the app, on every engine."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase, Settings
from kb.cli import main
from kb.errors import QueryLimitError, QuerySyntaxError, SearchTimeoutError

from .conftest import FAST
from .fixtures import ENGLISH_PAGES, make_pdf
from .test_app import run_app, shown


@pytest.fixture(params=["local", "milvus"])
def small_kb(request: pytest.FixtureRequest, tmp_path: Path) -> KnowledgeBase:
    """A knowledge base of one English report, on the local indexes and on Milvus."""
    extra = {}
    if request.param == "milvus":
        extra = {"search_backend": "milvus", "milvus_uri": request.getfixturevalue("milvus_uri")}
    base = KnowledgeBase(Settings.load({"home": str(tmp_path / "home"), **FAST, **extra}, environ={}))
    base.ingest([make_pdf(tmp_path / "report.pdf", ENGLISH_PAGES)], workers=1)
    yield base
    base.close()


@pytest.mark.parametrize(("query", "raw", "setting"), [
    ("trafficking " * 60_000, False, "max_query_chars"),
    ("victims " * 150, False, "max_query_terms"),
    (" ".join(f"vic{n}*" for n in range(30)), True, "max_query_expansions"),
    ("v" + "?" * 1500, True, "max_query_expansions"),
    (" ".join(f"victim{n}~1" for n in range(30)), True, "max_query_expansions"),
])
def test_oversized_queries_are_refused_naming_the_limit(small_kb: KnowledgeBase, query: str, raw: bool,
                                                        setting: str) -> None:
    with pytest.raises(QueryLimitError, match=setting) as caught:
        small_kb.search(query, raw=raw, mode="keyword")
    assert len(str(caught.value)) < 300  # one sentence, not the query echoed back


def test_more_results_than_a_page_may_show_are_refused(small_kb: KnowledgeBase) -> None:
    with pytest.raises(QueryLimitError, match="max_results"):
        small_kb.search("victims", k=3000, mode="keyword")
    assert small_kb.search("victims", k=200, mode="keyword").hits


@pytest.mark.parametrize("query", ["page:-5", "page:99999999999999999999", "page:[-3 TO 2]"])
def test_impossible_page_numbers_are_one_clear_message_on_every_engine(small_kb: KnowledgeBase, query: str) -> None:
    with pytest.raises(QuerySyntaxError, match="page: needs a page number \\(0 to"):
        small_kb.search(f"victims {query}", raw=True, mode="keyword")


@pytest.mark.parametrize("query", ["victms~1", "victem~", "title:agricultre~2"])
def test_fuzzy_terms_match_on_every_engine(small_kb: KnowledgeBase, query: str) -> None:
    assert small_kb.search(query, raw=True, mode="keyword").hits
    assert not small_kb.search(query.split("~")[0], raw=True, mode="keyword").hits  # the misspelling alone


def test_fuzzy_terms_of_more_than_two_edits_are_refused(small_kb: KnowledgeBase) -> None:
    with pytest.raises(QuerySyntaxError, match="1 or 2"):
        small_kb.search("victims~5", raw=True, mode="keyword")


def test_a_search_past_its_time_budget_stops_with_a_message(tmp_path: Path) -> None:
    with KnowledgeBase(Settings.load({"home": str(tmp_path / "h"), **FAST, "search_seconds": 1e-9},
                                     environ={})) as base:
        base.ingest([make_pdf(tmp_path / "r.pdf", ENGLISH_PAGES)], workers=1)
        with pytest.raises(SearchTimeoutError, match="search_seconds"):
            base.search("victims", mode="keyword")


def test_the_command_line_reports_engine_refusals_in_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    runner = CliRunner()
    assert runner.invoke(main, ["--home", str(home), "ingest", str(make_pdf(tmp_path / "r.pdf", ENGLISH_PAGES))],
                         catch_exceptions=False).exit_code == 0
    for args in (["page:-5", "--raw"], ["v" + "?" * 1500, "--raw"], ["x " * 200]):
        result = runner.invoke(main, ["--home", str(home), "search", *args, "--mode", "keyword"])
        assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output and result.output.count("\n") == 1
        assert result.output.startswith("error: ")


def test_the_app_refuses_hostile_urls_with_a_notice_and_caps_the_results_shown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    with KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={})) as base:
        base.ingest([make_pdf(tmp_path / f"r{n}.pdf", [f"Report {n}. " + p for p in ENGLISH_PAGES])
                     for n in range(4)], workers=1)
    monkeypatch.setenv("KB_HOME", str(home))
    monkeypatch.setenv("KB_MAX_RESULTS", "2")
    at = run_app(q="page:-5", raw="1", mode="keyword")
    assert not at.exception and "page: needs a page number" in shown(at.warning[0].value)
    at = run_app(q="trafficking " * 5000, mode="keyword")
    assert not at.exception and "max_query_chars" in shown(at.warning[0].value)
    at = run_app(q="victims", mode="keyword", n="3000")
    assert not at.exception
    assert len([b for b in at.button if b.label == "+ Add to list"]) == 2
    assert not [b for b in at.button if b.key == "more"]


def test_an_unexpected_failure_shows_one_sentence_and_no_exception_details(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data directory should be")
    monkeypatch.setenv("KB_HOME", str(blocker / "home"))
    at = run_app(q="victims")
    assert not at.exception
    assert "Something went wrong" in at.error[0].value and "Traceback" not in at.error[0].value


def test_a_refused_query_in_a_batch_is_reported_on_its_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    import json

    home = tmp_path / "home"
    runner = CliRunner()
    runner.invoke(main, ["--home", str(home), "ingest", str(make_pdf(tmp_path / "r.pdf", ENGLISH_PAGES))],
                  catch_exceptions=False)
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"qid": "1", "text": "victims " * 150}) + "\n"
                     + json.dumps({"qid": "2", "text": "victims"}) + "\n")
    result = runner.invoke(main, ["--home", str(home), "search", "--batch", str(batch), "--mode", "keyword", "--json"])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert "max_query_terms" in lines[0]["error"] and lines[0]["results"] == []
    assert lines[1]["qid"] == "2" and lines[1]["results"]


def test_recommendation_searches_keep_the_same_bounds(kb: KnowledgeBase) -> None:
    with pytest.raises(QueryLimitError, match="max_query_chars"):
        kb.recommendations("trafficking " * 1000)
    with pytest.raises(QueryLimitError, match="max_query_terms"):
        kb.recommendations("victims " * 150)
