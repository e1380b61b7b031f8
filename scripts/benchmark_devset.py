"""Search quality on the development set over ../shared/realdocs (tests/data/search: 43 English and Dutch
queries with graded judgements, by kind), for every mode and the alternatives of hybrid search, beside BEIR
SciFact (which must not drop), and the share of recognisable titles over realdocs.

The realdocs knowledge base must exist (scripts/benchmark_ingest_rate.py builds one with the default settings);
SciFact is ingested into its own knowledge base with the default settings unless --skip-scifact.
Writes its section of docs/benchmarks.md between `<!-- devset -->` markers. Not part of the tests.
Usage: python scripts/benchmark_devset.py [--home KB] [--shared DIR] [--work DIR] [--skip-scifact]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.titles import title_problem  # noqa: E402
from kb import KnowledgeBase, Settings  # noqa: E402
from kb.search.evaluation import mrr_at_k, ndcg_at_k, read_qrels, read_queries, recall_at_k  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402

START, END = "<!-- devset -->", "<!-- /devset -->"
DEVSET = ROOT / "tests" / "data" / "search"
KINDS = ("topical", "paraphrase", "known-item", "cross-lingual")
# (label, mode, settings overrides, translate)
RUNS = (("keyword", "keyword", {}, True), ("semantic", "semantic", {}, True),
        ("hybrid (default)", "hybrid", {}, True), ("hybrid, no translation", "hybrid", {}, False),
        ("hybrid, reciprocal rank fusion", "hybrid", {"fusion": "rrf"}, True))


def devset_queries() -> list[dict]:
    """The development queries with their kind and language."""
    return [json.loads(line) for line in (DEVSET / "devset_queries.jsonl").read_text().splitlines() if line]


def score_run(kb: KnowledgeBase, queries: list[dict], qrels: dict, mode: str, translate: bool) -> dict:
    """nDCG@10 by kind and language, Recall@10, MRR@10 and latency over the development set."""
    groups: dict[str, list[float]] = {"all": []}
    recall, mrr, took = [], [], []
    for query in queries:
        results = kb.search(query["text"], mode=mode, k=10, translate=translate)
        # an edition the search found is a link on its result (not a result): it counts right after it
        ranked = [d for h in results.hits for d in (h.document.doc_id, *results.editions.get(h.document.doc_id, []))]
        judged = qrels[query["qid"]]
        score = ndcg_at_k(ranked, judged, 10)
        for name in ("all", query["kind"], "dutch" if query["language"] == "nl" else "english"):
            groups.setdefault(name, []).append(score)
        recall.append(recall_at_k(ranked, judged, 10))
        mrr.append(mrr_at_k(ranked, judged, 10))
        took.append(results.took_ms)
    out = {name: statistics.fmean(values) for name, values in groups.items()}
    out.update({"recall": statistics.fmean(recall), "mrr": statistics.fmean(mrr),
                "p50_ms": statistics.median(took), "n": {k: len(v) for k, v in groups.items()}})
    return out


def bench_devset(home: Path) -> dict:
    """Every run of RUNS on the realdocs knowledge base."""
    queries, qrels = devset_queries(), read_qrels(DEVSET / "devset_qrels.tsv")
    runs = {}
    for label, mode, overrides, translate in RUNS:
        with KnowledgeBase(Settings.load({"home": str(home), **overrides}, environ={})) as kb:
            kb.search(queries[0]["text"], mode=mode)  # load the models
            print(f"devset: {label}", file=sys.stderr)
            runs[label] = score_run(kb, queries, qrels, mode, translate)
    with KnowledgeBase(Settings.load({"home": str(home)}, environ={})) as kb:
        titles = title_quality(kb)
        model = kb.model_id
    return {"runs": runs, "titles": titles, "model": model, "queries": len(queries)}


def title_quality(kb: KnowledgeBase) -> dict:
    """How many PDF titles are recognisable titles (not a file name, return address, table header row, ...)."""
    docs = [kb.get_document(d) for d in kb.doc_ids()]
    pdfs = [d for d in docs if d.source.lower().endswith(".pdf")]
    bad = [d for d in pdfs if title_problem(d.title, Path(d.source).stem, from_text=False)]
    return {"documents": len(pdfs), "good": len(pdfs) - len(bad), "bad": [(Path(d.source).name, d.title)
                                                                        for d in bad]}


def bench_scifact(shared: Path, work: Path) -> dict:
    """SciFact ingested with the default settings, every mode."""
    home = work / "scifact-devset"
    shutil.rmtree(home, ignore_errors=True)
    folder = shared / "beir" / "scifact"
    with KnowledgeBase(Settings.load({"home": str(home)}, environ={})) as kb:
        started = time.perf_counter()
        kb.ingest([folder / "corpus.jsonl"])
        seconds = time.perf_counter() - started
        queries, qrels = read_queries(folder / "queries.jsonl"), read_qrels(folder / "qrels" / "test.tsv")
        modes = {mode: kb.evaluate(queries, qrels, mode=mode, k=10) for mode in ("keyword", "semantic", "hybrid")}
        return {"modes": modes, "ingest_seconds": seconds, "model": kb.model_id}


def report(dev: dict, scifact: dict | None) -> str:
    """The section for docs/benchmarks.md."""
    runs = dev["runs"]
    n = runs["keyword"]["n"]
    lines = [START, "## Search quality on the development set (realdocs) and SciFact", "",
             f"Written by `scripts/benchmark_devset.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
             f"machine: {machine()}. Embeddings: {dev['model']}. The {dev['queries']} queries and graded "
             "judgements are in tests/data/search (how they were made: its README). nDCG@10:", "",
             "| run | all | topical | paraphrase | known-item | cross-lingual | Dutch | English | Recall@10 | MRR@10 "
             "| p50 |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, r in runs.items():
        cells = [r.get(k, 0.0) for k in ("all", *KINDS, "dutch", "english")]
        lines.append(f"| {label} | " + " | ".join(f"{c:.3f}" for c in cells)
                     + f" | {r['recall']:.3f} | {r['mrr']:.3f} | {r['p50_ms']:.0f} ms |")
    lines.append(f"| (queries) | {n['all']} | " + " | ".join(str(n.get(k, 0)) for k in (*KINDS, "dutch", "english"))
                 + " | | | |")
    best_single = max(runs["keyword"]["all"], runs["semantic"]["all"])
    default = runs["hybrid (default)"]
    lines += ["", f"- The default (hybrid) against the best single mode: {default['all']:.3f} vs {best_single:.3f} "
              f"(**{default['all'] / best_single - 1:+.1%}**); Dutch queries {default['dutch']:.3f} in hybrid vs "
              f"{runs['keyword']['dutch']:.3f} in keyword mode; cross-lingual queries {default['cross-lingual']:.3f}.",
              f"- Titles over realdocs: **{dev['titles']['good']} of {dev['titles']['documents']}** PDFs carry a "
              "recognisable title; the others: " + "; ".join(f"`{f}` ({t!r})" for f, t in dev["titles"]["bad"]) + "."]
    if scifact:
        lines += ["", f"SciFact (300 test queries, the default settings, {scifact['model']}; ingested in "
                  f"{scifact['ingest_seconds']:.0f} s):", "", "| mode | nDCG@10 | Recall@10 | MRR@10 |",
                  "|---|---|---|---|"]
        for mode, m in scifact["modes"].items():
            lines.append(f"| {mode} | {m['ndcg@10']:.4f} | {m['recall@10']:.4f} | {m['mrr@10']:.4f} |")
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    """Measure and write the section."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=ROOT / "bench-work" / "ingest-rate-onnx-int8")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--skip-scifact", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not (args.home / "kb.sqlite").exists():
        sys.exit(f"{args.home} holds no knowledge base: build one with scripts/benchmark_ingest_rate.py")
    dev = bench_devset(args.home)
    scifact = None if args.skip_scifact else bench_scifact(args.shared, args.work)
    (args.work / "devset-results.json").write_text(json.dumps({"devset": dev, "scifact": scifact}, indent=2))
    write_section(args.output, report(dev, scifact), START, END)
    print(report(dev, scifact))


if __name__ == "__main__":
    main()
