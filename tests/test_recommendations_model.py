"""Recommendations with the real embedding model (integration): related records by meaning across reports and
years, and a question in other words than the record's."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .fixtures import make_pdf

pytestmark = pytest.mark.integration

REPORTS = {
    2009: "Financial investigation should form part of every trafficking case from the start, aimed at the "
          "confiscation of criminal assets.",
    2012: "Financial investigations must be started more often and at an earlier stage in investigations into "
          "human trafficking.",
    2015: "Municipalities should license escort businesses and check their records every year.",
}


@pytest.fixture(scope="module")
def model_kb(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("reports")
    home = tmp_path_factory.mktemp("recs-model") / "home"
    kb = KnowledgeBase(Settings.load({"home": str(home), "related_recommendation_threshold": 0.6}, environ={}))
    for year, text in REPORTS.items():
        path = make_pdf(folder / f"report-{year}.pdf", [f"Recommendations\n1. {text}"])
        kb.ingest([path], workers=1)
        kb.correct_metadata(str(path), {"year": str(year)})
    yield kb
    kb.close()


def test_the_same_request_in_other_words_years_later_is_related(model_kb: KnowledgeBase) -> None:
    views = {v.document.year: v for v in model_kb.recommendations()}
    assert views[2009].related == [views[2012].record.rec_id]
    assert views[2012].related == [views[2009].record.rec_id]
    assert views[2015].related == []


def test_a_question_in_other_words_finds_the_record_by_meaning(model_kb: KnowledgeBase) -> None:
    [best] = model_kb.recommendations("seizing the profits of exploiters", k=1)
    assert best.document.year in (2009, 2012)
    [best] = model_kb.recommendations("permits for sex work agencies", k=1)
    assert best.document.year == 2015
