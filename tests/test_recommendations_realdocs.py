"""Recommendation extraction on real reports of the Dutch National Rapporteur against the hand-labelled gold set
(tests/data/recommendations); skipped without ../shared."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings
from kb.recommendations.evaluation import read_gold, score_extraction

from .conftest import FAST, REALDOCS, needs_realdocs

GOLD = Path(__file__).resolve().parent / "data" / "recommendations" / "gold.jsonl"
SECOND = GOLD.with_name("gold_second.jsonl")

pytestmark = [needs_realdocs, pytest.mark.integration]


@pytest.fixture(scope="module")
def gold_kb(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("gold") / "home"
    files = sorted({REALDOCS / g["file"] for g in read_gold(GOLD)})
    # extraction needs no embeddings: keyword search and links only, so the test stays fast
    kb = KnowledgeBase(Settings.load({"home": str(home), **FAST, "semantic": False}, environ={}))
    kb.ingest(files, workers=2)
    yield kb
    kb.close()


def test_extraction_meets_the_targets_on_the_gold_set(gold_kb: KnowledgeBase) -> None:
    result = score_extraction(read_gold(GOLD), [v.to_dict() for v in gold_kb.recommendations()])
    assert result["precision"] >= 0.85, result["spurious"]
    assert result["recall"] >= 0.90, result["missed"]
    assert result["translation_link_accuracy"] >= 0.90


def test_the_fifth_reports_numbered_recommendations_are_each_linked_to_their_dutch_twin(gold_kb: KnowledgeBase) -> None:
    fifth = gold_kb.resolve_document(str(REALDOCS / "nl-national-rapporteur" / "P0134D03.pdf"))
    english = [v for v in gold_kb.recommendations(filters={"language": "en", "doc_id": fifth.doc_id})
               if v.record.number]
    assert [v.record.number for v in english] == [str(n) for n in range(1, 67)]
    assert [v.record.page for v in english[:3]] == [221, 221, 221] and english[-1].record.page == 229
    twins = {v.record.rec_id: v for v in gold_kb.recommendations(filters={"language": "nl"})}
    for view in english:
        [twin] = view.translations
        assert twins[twin].record.number == view.record.number
        assert twins[twin].document.language == "nl"


def test_a_practitioners_question_finds_the_compensation_recommendations(gold_kb: KnowledgeBase) -> None:
    found = gold_kb.recommendations("compensation for victims", k=5, filters={"language": "en"})
    assert found and "compensation" in found[0].record.text.lower()
    assert "recover their tangible and intangible losses by way of compensation" in " ".join(
        v.record.text for v in found)


def test_the_grid_counts_the_reports_recommendations_by_country_and_topic(gold_kb: KnowledgeBase) -> None:
    grid = gold_kb.recommendation_grid(filters={"language": "en"})
    # the Dutch National Rapporteur's reports are about the Netherlands (the country its name gives)
    assert grid[("NL", "protection")] >= 20 and grid[("NL", "prosecution")] >= 15
    assert sum(n for (country, _), n in grid.items() if country == "(none)") == 0


def test_the_second_gold_set_the_third_report_with_its_dutch_summary_list(tmp_path: Path) -> None:
    gold = read_gold(SECOND)
    files = sorted({REALDOCS / g["file"] for g in gold})
    with KnowledgeBase(Settings.load({"home": str(tmp_path / "home"), **FAST, "semantic": False},
                                     environ={})) as kb:
        kb.ingest(files, workers=2)
        records = [v.to_dict() for v in kb.recommendations()]
    result = score_extraction(gold, records)
    assert result["precision"] >= 0.85, result["spurious"]
    assert result["recall"] >= 0.90, result["missed"]
    assert result["translation_link_accuracy"] >= 0.90
    # the appendix that sums up the 63 Dutch recommendations is linked to them, not counted again
    dutch = [r for r in records if r["source"].endswith("P0137D01.pdf") and r["number"]]
    assert len(dutch) == 63 and all(r["repeated_on_pages"] for r in dutch)
