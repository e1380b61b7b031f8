"""Retrieval metrics with trec_eval's definitions: nDCG@k, Recall@k and MRR@k, macro-averaged over queries."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Mapping, Sequence

from ..errors import KBError


def ndcg_at_k(ranked: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain with linear gains (trec_eval's ndcg_cut)."""
    dcg = sum(qrels.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]) if qrels.get(doc, 0) > 0)
    ideal = sorted((g for g in qrels.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranked: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """Share of the relevant documents found in the top k."""
    relevant = {d for d, g in qrels.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """Reciprocal rank of the first relevant document in the top k (0 when none)."""
    for rank, doc in enumerate(ranked[:k], start=1):
        if qrels.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def read_queries(path: Path) -> dict[str, str]:
    """Queries from JSONL: `{"qid"|"_id": ..., "text": ...}` per line."""
    queries: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KBError(f"{path}: cannot read queries: {exc}") from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            qid = obj.get("qid", obj.get("_id"))
            text = obj["text"]
        except (json.JSONDecodeError, KeyError, AttributeError) as exc:
            raise KBError(f"{path}:{lineno}: each line must be a JSON object with qid (or _id) and text") from exc
        if qid is None:
            raise KBError(f"{path}:{lineno}: missing qid (or _id)")
        queries[str(qid)] = str(text)
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Relevance judgements: BEIR TSV (query-id, corpus-id, score, with header) or TREC (qid 0 docid rel)."""
    qrels: dict[str, dict[str, int]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KBError(f"{path}: cannot read qrels: {exc}") from exc
    for lineno, row in enumerate(csv.reader(text.splitlines(), delimiter="\t"), start=1):
        if len(row) == 1:
            row = row[0].split()
        if not row or (lineno == 1 and not row[-1].strip().lstrip("-").isdigit()):
            continue  # blank or header
        if len(row) == 3:
            qid, doc, rel = row
        elif len(row) == 4:
            qid, _, doc, rel = row
        else:
            raise KBError(f"{path}:{lineno}: expected `query-id<TAB>corpus-id<TAB>score` or TREC `qid 0 doc rel`")
        try:
            qrels.setdefault(qid.strip(), {})[doc.strip()] = int(rel)
        except ValueError:
            raise KBError(f"{path}:{lineno}: relevance {rel!r} is not an integer") from None
    return qrels


def evaluate_run(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]], k: int = 10) -> dict:
    """Macro-averaged metrics over the judged queries (queries without judgements are skipped, as trec_eval)."""
    judged = [q for q in qrels if any(g > 0 for g in qrels[q].values())]
    if not judged:
        raise KBError("no query in the qrels has a relevant document")
    totals = {"ndcg": 0.0, "recall": 0.0, "mrr": 0.0}
    for qid in judged:
        ranked = list(run.get(qid, []))
        totals["ndcg"] += ndcg_at_k(ranked, qrels[qid], k)
        totals["recall"] += recall_at_k(ranked, qrels[qid], k)
        totals["mrr"] += mrr_at_k(ranked, qrels[qid], k)
    n = len(judged)
    return {f"ndcg@{k}": totals["ndcg"] / n, f"recall@{k}": totals["recall"] / n, f"mrr@{k}": totals["mrr"] / n,
            "queries": n}
