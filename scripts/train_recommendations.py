"""Train the recommendation extractor's classifier on the development set (tests/data/recommendations) and write
its weights, threshold and what it was trained on to kb/recommendations/model.json.

    python scripts/train_recommendations.py [--shared ../shared] [--work bench-work/recommendations-dev]

The threshold is chosen from data: the one with the best F1 over out-of-fold probabilities (folds by publication,
so a translation never scores its twin).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.recommendations.classifier import MODEL_PATH, Model, fit  # noqa: E402
from scripts.recommendations_devset import (DevDocument, EmbeddingCache, label_candidates, load_pages,  # noqa: E402
                                            read_manifest)

L2 = 1.0  # fixed before looking at results: a mild penalty for ~550 inputs over a few thousand candidates
INNER_FOLDS = 5


def _stack(documents: list[DevDocument]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    used = [d for d in documents if d.rows is not None and len(d.rows)]
    rows = np.vstack([d.rows for d in used])
    labels = np.concatenate([d.labels for d in used])
    groups = np.concatenate([[d.publication] * len(d.rows) for d in used])
    rules = np.concatenate([[p.candidate.rules_accept for p in d.proposals] for d in used]).astype(bool)
    return rows, labels, groups, rules


def choose_threshold(probabilities: np.ndarray, labels: np.ndarray, rules: np.ndarray) -> float:
    """The threshold with the best F1 over candidates, what the rules keep always kept (ties: the higher, for
    precision)."""
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.1, 1.001, 0.025):
        chosen = rules | (probabilities >= threshold)
        tp = float((chosen & (labels == 1)).sum())
        precision = tp / max(1.0, chosen.sum())
        recall = tp / max(1.0, (labels == 1).sum())
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 >= best_f1:
            best, best_f1 = float(threshold), f1
    return round(best, 3)


def train(documents: list[DevDocument], leave_out: set[str] = frozenset()) -> Model:
    """A model trained on the documents outside the left-out publications, threshold chosen by inner folds."""
    kept = [d for d in documents if d.publication not in leave_out]
    rows, labels, groups, rules = _stack(kept)
    publications = sorted(set(groups))
    out_of_fold = np.zeros(len(labels))
    for fold in range(INNER_FOLDS):
        held = {p for n, p in enumerate(publications) if n % INNER_FOLDS == fold}
        mask = np.isin(groups, list(held))
        if mask.all() or not mask.any():
            continue
        weights, bias = fit(rows[~mask], labels[~mask], L2)
        out_of_fold[mask] = Model(weights, bias, 0.5).probabilities(rows[mask])
    weights, bias = fit(rows, labels, L2)
    return Model(weights, bias, choose_threshold(out_of_fold, labels, rules),
                 {"documents": sorted(d.file for d in kept), "candidates": int(len(labels)),
                  "positives": int(labels.sum()), "l2": L2})


def prepare(shared: Path, work: Path) -> list[DevDocument]:
    """The development set with every document's candidates labelled and embedded."""
    documents = read_manifest()
    kb = load_pages(documents, shared, work)
    try:
        label_candidates(documents, EmbeddingCache(work / "embeddings.npz"))
    finally:
        kb.close()
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work" / "recommendations-dev")
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    documents = prepare(args.shared, args.work)
    model = train(documents)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    model.trained_on.update({"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
                             "code_commit": commit.stdout.strip(), "gold_files": sorted({d.gold_set for d in documents}),
                             "script": "scripts/train_recommendations.py"})
    args.output.write_text(json.dumps(model.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in model.trained_on.items() if k != "documents"}, indent=2),
          "threshold", model.threshold)


if __name__ == "__main__":
    main()
