"""Train the recommendation extractor's learned check (a veto over the running-text candidates the rules keep) on
the development set and the judged random samples (tests/data/recommendations), and write its weights, threshold
and what it was trained on to kb/recommendations/model.json.

    python scripts/train_recommendations.py [--shared ../shared] [--work bench-work/recommendations-dev]

Inputs are the hand features (kb/recommendations/classifier.py HAND_FEATURES) of every unnumbered candidate: on the
development set labelled by its gold entries (what the rules reject included, as negatives unless gold), on the
judged samples by their verdicts (only the judged records: right or boundary 1, wrong-kind 0), each judged record
counted JUDGED_WEIGHT times, as they are the field's records the rules got wrong or right. The threshold is chosen
from data: the one with the best F0.5 (precision weighs more: the veto removes, it never adds) over out-of-fold
probabilities of the candidates the rules keep (folds by publication or sampled document, so a translation never
scores its twin).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.recommendations.classifier import HAND_FEATURES, MODEL_PATH, Model, fit  # noqa: E402
from scripts.recommendations_devset import (DevDocument, EmbeddingCache, label_candidates, load_pages,  # noqa: E402
                                            data_arguments, read_manifest)
from scripts.recommendations_judged import JudgedDocument, label_judged, read_judged  # noqa: E402

# fixed before the leave-one-document-out runs: a mild penalty for 33 inputs, judged records three times
L2 = 1.0
JUDGED_WEIGHT = 3
INNER_FOLDS = 5
BETA = 0.5
_NUMBERED = HAND_FEATURES.index("numbered")


@dataclass
class Examples:
    """Training rows: hand features, labels, the unit each comes from and whether the rules keep it."""

    rows: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    rules: np.ndarray
    judged: np.ndarray


def examples(documents: list[DevDocument], judged: list[JudgedDocument], leave_out: frozenset[str] = frozenset()
             ) -> Examples:
    """The unnumbered candidates of the development documents and the judged records, outside `leave_out` (a
    publication or a sampled file)."""
    rows, labels, groups, rules, from_judged = [], [], [], [], []
    for d in documents:
        if d.publication in leave_out or d.rows is None or not len(d.rows):
            continue
        mask = d.rows[:, _NUMBERED] == 0
        rows.append(d.rows[mask, :len(HAND_FEATURES)])
        labels.append(d.labels[mask])
        groups += [d.publication] * int(mask.sum())
        rules.append(np.array([p.candidate.rules_accept for p in d.proposals], dtype=bool)[mask])
        from_judged.append(np.zeros(int(mask.sum()), dtype=bool))
    for j in judged:
        if j.file in leave_out or j.rows is None or not len(j.rows):
            continue
        mask = ~np.isnan(j.labels) & (j.rows[:, _NUMBERED] == 0)
        for _ in range(JUDGED_WEIGHT):
            rows.append(j.rows[mask, :len(HAND_FEATURES)])
            labels.append(j.labels[mask])
            groups += [j.file] * int(mask.sum())
            rules.append(np.ones(int(mask.sum()), dtype=bool))
            from_judged.append(np.ones(int(mask.sum()), dtype=bool))
    return Examples(np.vstack(rows), np.concatenate(labels), np.array(groups), np.concatenate(rules),
                    np.concatenate(from_judged))


def choose_threshold(probabilities: np.ndarray, labels: np.ndarray, rules: np.ndarray) -> float:
    """The veto threshold with the best F0.5 over the candidates the rules keep (ties: the lower, for recall)."""
    kept_by_rules = rules.astype(bool)
    positives = float((labels[kept_by_rules] == 1).sum())
    best, best_score = 0.0, -1.0
    for threshold in np.arange(0.0, 0.901, 0.025):
        chosen = kept_by_rules & (probabilities >= threshold)
        tp = float((chosen & (labels == 1)).sum())
        precision = tp / max(1.0, chosen.sum())
        recall = tp / max(1.0, positives)
        score = (1 + BETA ** 2) * precision * recall / (BETA ** 2 * precision + recall) if precision + recall else 0.0
        if score > best_score + 1e-9:
            best, best_score = float(threshold), score
    return round(best, 3)


def train(documents: list[DevDocument], judged: list[JudgedDocument], leave_out: frozenset[str] = frozenset()
          ) -> Model:
    """A model trained outside the left-out publications or files, its threshold chosen by inner folds."""
    data = examples(documents, judged, leave_out)
    units = sorted(set(data.groups))
    out_of_fold = np.zeros(len(data.labels))
    for fold in range(INNER_FOLDS):
        held = {u for n, u in enumerate(units) if n % INNER_FOLDS == fold}
        mask = np.isin(data.groups, list(held))
        if mask.all() or not mask.any():
            continue
        weights, bias = fit(data.rows[~mask], data.labels[~mask], L2)
        out_of_fold[mask] = Model(weights, bias, 0.5).probabilities(data.rows[mask])
    weights, bias = fit(data.rows, data.labels, L2)
    return Model(weights, bias, choose_threshold(out_of_fold, data.labels, data.rules),
                 {"documents": sorted({d.file for d in documents if d.publication not in leave_out}),
                  "judged_documents": sorted(j.file for j in judged if j.file not in leave_out),
                  "candidates": int(len(data.labels)), "positives": int(data.labels.sum()), "l2": L2,
                  "judged_weight": JUDGED_WEIGHT})


def prepare(shared: Path, work: Path) -> list[DevDocument]:
    """The development set with every document's candidates labelled and embedded."""
    documents = read_manifest()
    kb = load_pages(documents, shared, work)
    try:
        label_candidates(documents, EmbeddingCache(work / "embeddings.npz"))
    finally:
        kb.close()
    return documents


def prepare_judged(shared: Path, work: Path, cache: Path) -> list[JudgedDocument]:
    """The judged samples' documents with their proposals, the judged ones labelled."""
    judged = read_judged()
    kb = load_pages(judged, shared, work)  # type: ignore[arg-type]
    try:
        label_judged(judged, EmbeddingCache(cache))
    finally:
        kb.close()
    return judged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arguments(parser)
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    documents = prepare(args.shared, args.work)
    judged = prepare_judged(args.shared, args.sample_work, args.work / "embeddings.npz")
    model = train(documents, judged)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    model.trained_on.update({"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
                             "code_commit": commit.stdout.strip(), "gold_files": sorted({d.gold_set for d in documents}),
                             "script": "scripts/train_recommendations.py"})
    args.output.write_text(json.dumps(model.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in model.trained_on.items() if "documents" not in k}, indent=2),
          "threshold", model.threshold)


if __name__ == "__main__":
    main()
