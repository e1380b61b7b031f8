"""Metrics follow trec_eval: linear-gain nDCG@k, Recall@k, MRR@k; unjudged queries are skipped."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from kb.errors import KBError
from kb.search.evaluation import evaluate_run, mrr_at_k, ndcg_at_k, read_qrels, read_queries, recall_at_k


def test_ndcg_by_hand() -> None:
    qrels = {"a": 2, "b": 1}
    ranked = ["x", "b", "a"]
    dcg = 1 / math.log2(3) + 2 / math.log2(4)
    idcg = 2 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(ranked, qrels) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b"], qrels) == pytest.approx(1.0)
    assert ndcg_at_k(["x"] * 10 + ["a"], qrels) == 0.0  # beyond the cut-off


def test_recall_and_mrr() -> None:
    qrels = {"a": 1, "b": 1, "c": 0}
    assert recall_at_k(["c", "a", "z"], qrels) == pytest.approx(0.5)
    assert mrr_at_k(["c", "z", "b"], qrels) == pytest.approx(1 / 3)
    assert mrr_at_k(["z"] * 10 + ["a"], qrels) == 0.0


def test_macro_average_skips_unjudged_queries() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}, "q3": {"c": 0}}
    metrics = evaluate_run({"q1": ["a"], "q2": ["x"], "q9": ["a"]}, qrels)
    assert metrics["queries"] == 2
    assert metrics["ndcg@10"] == pytest.approx(0.5)
    assert metrics["mrr@10"] == pytest.approx(0.5)


def test_readers_accept_beir_and_trec(tmp_path: Path) -> None:
    beir = tmp_path / "test.tsv"
    beir.write_text("query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t14717500\t1\n")
    assert read_qrels(beir) == {"1": {"31715818": 1, "14717500": 1}}
    trec = tmp_path / "qrels.txt"
    trec.write_text("q1 0 d1 2\nq1 0 d2 0\n")
    assert read_qrels(trec) == {"q1": {"d1": 2, "d2": 0}}
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"_id": "1", "text": "a"}\n{"qid": "2", "text": "b"}\n')
    assert read_queries(queries) == {"1": "a", "2": "b"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "no id"}\n')
    with pytest.raises(KBError, match="bad.jsonl:1"):
        read_queries(bad)
