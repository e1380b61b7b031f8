"""Recommendation search by meaning on the development queries of tests/data/recommendations (queries.jsonl, graded
qrels.tsv): nDCG@10 and recall@10 of the ranking before (BM25 fused by RRF with one cosine of the English-weighted
query) and after (BM25, the query's thesaurus translation, the English model's cosine where it reads both
languages, the multilingual model's cosine, fused by weighted RRF), each ranker alone, ablations, and the fusion's
weights tuned leave-one-query-out (each query scored by the weights best on the other queries). Writes its
section of docs/benchmarks.md (between `<!-- recommendation-search -->` markers) and a JSON report.

    python scripts/recommendation_search_pool.py build     # once: the knowledge base of the pool's reports
    python scripts/benchmark_recommendation_search.py [--shared ../shared] [--work bench-work/recommendation-search]
"""
from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.recommendations.ranking import CANDIDATES, RecordFusion, RecordRankings, fuse_records  # noqa: E402
from kb.search.evaluation import ndcg_at_k  # noqa: E402
from kb.search.fusion import reciprocal_rank_fusion  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402
from scripts.recommendation_search_pool import open_kb, read_qrels, read_queries, record_key  # noqa: E402

START, END = "<!-- recommendation-search -->", "<!-- /recommendation-search -->"
GRID = {"keyword": (0.0, 0.5, 1.0), "translated": (0.0, 0.5, 1.0), "primary": (0.0, 0.5, 1.0),
        "multilingual": (0.0, 0.25, 0.5, 1.0, 2.0), "k": (10, 30, 60)}


def before_ranking(searcher: Any, query: str) -> list[str]:
    """The ranking as it was: BM25 fused by RRF (weights 1, 1; k 60) with the cosine of one query vector that
    weighs the English model 0.8 and the multilingual one 0.2 for every record, whatever its language."""
    catalogue = searcher.catalogue()
    keyword = [rec_id for rec_id, _ in catalogue.keyword.search(query, len(catalogue.records))][:CANDIDATES]
    semantic: list[str] = []
    if catalogue.vector_ids:
        scores = catalogue.matrix @ np.asarray(searcher.backends.embedder().embed_query(query), dtype=np.float32)
        semantic = [catalogue.vector_ids[i] for i in np.argsort(-scores, kind="stable")][:CANDIDATES]
    return [rec_id for rec_id, _ in reciprocal_rank_fusion([keyword, semantic], [1.0, 1.0], k=60)]


def english_everywhere(searcher: Any, query: str) -> list[str]:
    """The English model's cosine over every record, whatever its language (a pooling ranker and an ablation)."""
    catalogue = searcher.catalogue()
    embedder = searcher.backends.embedder()
    if not catalogue.vector_ids or not hasattr(embedder, "half_queries"):
        return []
    first, _ = embedder.half_queries(query)
    return [catalogue.vector_ids[i] for i in np.argsort(-(catalogue.matrix @ first), kind="stable")][:CANDIDATES]


def pooled_rankings(searcher: Any, query: str) -> dict[str, list[str]]:
    """Every ranker whose top records go into the judging pool."""
    parts = searcher.rankings(query)
    return {"bm25": parts.keyword, "bm25 translated": parts.translated, "english cosine": english_everywhere(
        searcher, query), "multilingual cosine": parts.multilingual, "before": before_ranking(searcher, query),
        "after": [r for r, _ in fuse_records(parts, searcher.fusion)]}


def recall_about(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Share of the records graded 2 (about the query's subject) in the top k."""
    about = {r for r, g in grades.items() if g >= 2}
    return len(about.intersection(ranked[:k])) / len(about) if about else 0.0


def scores(runs: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """Per query and mean nDCG@10, recall@10 (of records about the subject) and judged share of the top 10."""
    per = {qid: {"ndcg@10": ndcg_at_k(list(runs.get(qid, [])), grades),
                 "recall@10": recall_about(list(runs.get(qid, [])), grades),
                 "judged@10": sum(r in grades for r in list(runs.get(qid, []))[:10]) / 10}
           for qid, grades in qrels.items()}
    mean = {m: round(statistics.mean(p[m] for p in per.values()), 3) for m in ("ndcg@10", "recall@10", "judged@10")}
    return {"mean": mean, "per_query": {q: {m: round(v, 3) for m, v in p.items()} for q, p in per.items()}}


def grid() -> list[RecordFusion]:
    """Every fusion the tuning tries, the shipped default first (it wins ties)."""
    default = RecordFusion()
    names = list(GRID)
    out = [default]
    for values in itertools.product(*(GRID[n] for n in names)):
        fusion = RecordFusion(**dict(zip(names, values)))
        if fusion != default and any(getattr(fusion, n) > 0 for n in names if n != "k"):
            out.append(fusion)
    return out


def loqo(parts: Mapping[str, RecordRankings], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """Leave-one-query-out: each query ranked by the fusion with the best mean nDCG@10 on the other queries."""
    fusions = grid()
    table = np.array([[ndcg_at_k([r for r, _ in fuse_records(parts[q], f)], qrels[q]) for q in qrels]
                      for f in fusions])
    qids = list(qrels)
    runs: dict[str, list[str]] = {}
    chosen: dict[str, str] = {}
    for j, qid in enumerate(qids):
        others = np.delete(table, j, axis=1).mean(axis=1)
        best = fusions[int(np.argmax(others))]  # argmax keeps the first: the default wins ties
        chosen[qid] = best.describe()
        runs[qid] = [r for r, _ in fuse_records(parts[qid], best)]
    best_all = fusions[int(np.argmax(table.mean(axis=1)))]
    return {"runs": runs, "chosen": chosen, "in_sample_best": best_all.describe(),
            "in_sample_best_ndcg": round(float(table.mean(axis=1).max()), 3),
            "default_ndcg": round(float(table[0].mean()), 3), "configurations": len(fusions)}


def measure(work: Path, shared: Path) -> dict[str, Any]:
    """Every system's runs on the development queries, scored against the judgements."""
    queries = read_queries()
    judged = read_qrels()
    realdocs = shared / "realdocs"
    with open_kb(work) as kb:
        searcher = kb.recs
        catalogue = searcher.catalogue()
        key_of = {r.rec_id: record_key(searcher.view(catalogue, r.rec_id), realdocs) for r in catalogue.records}
        rec_of = {key: rec_id for rec_id, key in key_of.items()}
        qrels = {q["qid"]: {rec_of[k]: g for k, g in judged.get(q["qid"], {}).items() if k in rec_of}
                 for q in queries}
        missing = sum(k not in rec_of for grades in judged.values() for k in grades)
        parts = {q["qid"]: searcher.rankings(q["text"]) for q in queries}
        fusion = searcher.fusion
        systems: dict[str, dict[str, list[str]]] = {
            "before: BM25 + one cosine (RRF)": {q["qid"]: before_ranking(searcher, q["text"]) for q in queries},
            "after: four rankings (weighted RRF)": {q: [r for r, _ in fuse_records(p, fusion)] for q, p in parts.items()},
            "BM25 alone": {q: p.keyword for q, p in parts.items()},
            "English cosine alone (every record)": {q["qid"]: english_everywhere(searcher, q["text"])
                                                    for q in queries},
            "multilingual cosine alone": {q: p.multilingual for q, p in parts.items()},
        }
        for name in ("translated", "primary", "multilingual"):
            systems[f"after without the {name} ranking"] = {
                q: [r for r, _ in fuse_records(p, replace(fusion, **{name: 0.0}))] for q, p in parts.items()}
        tuned = loqo(parts, qrels)
        systems["after, weights chosen leave-one-query-out"] = tuned.pop("runs")
        result = {"records": len(catalogue.records), "documents": len(catalogue.docs), "queries": len(queries),
                  "judgements": sum(len(g) for g in qrels.values()), "judgements_not_found": missing,
                  "fusion": fusion.describe(), "tuning": tuned, "machine": machine(),
                  "systems": {name: scores(runs, qrels) for name, runs in systems.items()},
                  "languages": {q["qid"]: q.get("language") for q in queries},
                  "queries_text": {q["qid"]: q["text"] for q in queries}}
    return result


def section(result: dict[str, Any]) -> str:
    """The report's section in docs/benchmarks.md."""
    systems = result["systems"]
    rows = "\n".join(f"| {name} | {s['mean']['ndcg@10']:.3f} | {s['mean']['recall@10']:.3f} | "
                     f"{s['mean']['judged@10']:.2f} |" for name, s in systems.items())
    before, after = systems["before: BM25 + one cosine (RRF)"], systems["after: four rankings (weighted RRF)"]
    per = "\n".join(f"| {qid} | {result['queries_text'][qid]} | {result['languages'][qid]} | "
                    f"{before['per_query'][qid]['ndcg@10']:.3f} | {after['per_query'][qid]['ndcg@10']:.3f} |"
                    for qid in before["per_query"])
    tuning = result["tuning"]
    shipped = after["mean"]["ndcg@10"]
    carries = ", ".join(f"the {name} ranking {shipped - systems[f'after without the {name} ranking']['mean']['ndcg@10']:+.3f}"
                        for name in ("translated", "primary", "multilingual"))
    return f"""{START}
## Recommendation search by meaning

`scripts/benchmark_recommendation_search.py` on {result['queries']} development queries in English and Dutch
(tests/data/recommendations/queries.jsonl) over {result['records']} records of {result['documents']} reports, graded
by reading the pooled records (qrels.tsv: 2 about the subject, 1 related, 0 not; {result['judgements']} judgements,
{result['judgements_not_found']} of them naming a record no longer extracted; method in that folder's README). nDCG@10 with linear gains; recall@10 of the records graded 2; judged@10 the share
of the top 10 that was judged (unjudged records count as not relevant). Shipped fusion: {result['fusion']}.
Machine: {result['machine']}.

| ranking | nDCG@10 | recall@10 | judged@10 |
|---|---|---|---|
{rows}

Leave-one-query-out: for each query, the weights (of {tuning['configurations']} combinations of keyword,
translated, English and multilingual weights and k) with the best mean nDCG@10 on the other queries; the shipped
weights score {tuning['default_ndcg']:.3f} in-sample, the best combination in-sample ({tuning['in_sample_best']})
{tuning['in_sample_best_ndcg']:.3f}. The headline is the leave-one-query-out row; the shipped weights' row is
in-sample. What each ranking adds to the shipped fusion (nDCG@10 with it minus without it): {carries}.

| query | text | language | before | after |
|---|---|---|---|---|
{per}
{END}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work" / "recommendation-search")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print the numbers; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if not (args.shared / "realdocs").is_dir():
        sys.exit(f"no realdocs under {args.shared}: pass --shared")
    result = measure(args.work, args.shared)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "report.json").write_text(json.dumps(result, indent=1))
    text = section(result)
    print(text)
    if not args.no_write:
        write_section(args.report, text, START, END)


if __name__ == "__main__":
    main()
