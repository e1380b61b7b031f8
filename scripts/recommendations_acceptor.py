"""Whether a learned acceptor beside the rules finds what the rules written from a document find in it: each
development publication scored by the rules with its own rules switched off (kb/recommendations/provenance.py) and
a logistic regression, trained on the other publications and the judged samples in that same world, that may accept
an unnumbered candidate the rules reject. Prints the pooled and per-document scores of each setting and writes them
to a JSON report; docs/benchmarks.md quotes them ("Recommendations").

    python scripts/recommendations_acceptor.py [--shared ../shared] [--work bench-work/recommendations-dev]

Settings: (L2 penalty, scale of the USE embedding beside the hand features — 0 for the hand features alone — and
the weight of a positive example). The threshold is chosen by inner folds (by publication or judged file) for the
best F1 of the rules and the acceptor together. The settings are compared on the same documents, so the best of them
is an optimistic figure.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.recommendations.classifier import EMBED_DIM, HAND_FEATURES, Model, fit  # noqa: E402
from kb.recommendations.evaluation import score_extraction  # noqa: E402
from kb.recommendations.extraction import finish  # noqa: E402
from kb.recommendations.provenance import rules_from, without_rules_from  # noqa: E402
from scripts.benchmark_recommendations import _records, pooled  # noqa: E402
from scripts.recommendations_devset import (ORIGINAL_SETS, DevDocument, EmbeddingCache, data_arguments,  # noqa: E402
                                            gold_labels, propose_with_rows)
from scripts.recommendations_judged import POSITIVE, JudgedDocument, verdicts_of  # noqa: E402
from scripts.train_recommendations import prepare, prepare_judged  # noqa: E402

SETTINGS = ((1.0, 1.0, 1.0), (1.0, 0.0, 5.0), (0.1, 10.0, 1.0), (0.01, 10.0, 1.0), (0.1, 10.0, 5.0), (0.1, 20.0, 3.0))
INNER_FOLDS = 5
# the setting of the best F1 on the documents the rules were written from (leave-one-document-out, commit 6c91c65),
# chosen before the blind documents were scored: the one the blind documents are scored with
BLIND_SETTING = (0.1, 10.0, 1.0)
_NUMBERED = HAND_FEATURES.index("numbered")
_HAND = len(HAND_FEATURES)


@dataclass
class Candidates:
    """One document's proposals in one world, their model rows, labels (NaN: not judged) and the rules' verdicts."""

    proposals: list[Any]
    rows: np.ndarray
    labels: np.ndarray
    rules: np.ndarray


def world(publication: str, documents: list[DevDocument], judged: list[JudgedDocument], embed: EmbeddingCache
          ) -> dict[str, Candidates]:
    """Every document's candidates with the publication's rules switched off."""
    out = {}
    with without_rules_from({publication}):
        for d in [*documents, *judged]:
            proposals, rows = propose_with_rows(d.doc, d.pages, embed)
            labels = gold_labels(d, proposals) if isinstance(d, DevDocument) else np.array(
                [POSITIVE[v] if v else np.nan for v in verdicts_of(d, proposals)], dtype=np.float32)
            out[d.file] = Candidates(proposals, rows, labels,
                                     np.array([p.candidate.rules_accept for p in proposals], dtype=bool))
    return out


def model_inputs(rows: np.ndarray, scale: float) -> np.ndarray:
    """Rows as the model reads them: the hand features, then the USE vector times `scale` (none at 0)."""
    if scale == 0:
        return rows[:, :_HAND]
    out = rows.astype(np.float32).copy()
    out[:, _HAND:] *= scale
    return out


def train(candidates: dict[str, Candidates], units: dict[str, str], leave_out: str, setting: tuple[float, ...]
          ) -> tuple[Model, float]:
    """The acceptor of one fold, trained on every unit but the left-out one; its threshold by inner folds."""
    l2, scale, positive_weight = setting
    rows, labels, groups, rules = [], [], [], []
    for file, c in candidates.items():
        if units[file] == leave_out or not len(c.rows):
            continue
        mask = (c.rows[:, _NUMBERED] == 0) & ~np.isnan(c.labels)
        rows.append(model_inputs(c.rows[mask], scale))
        labels.append(c.labels[mask])
        groups += [units[file]] * int(mask.sum())
        rules.append(c.rules[mask])
    x, y, g, r = np.vstack(rows), np.concatenate(labels), np.array(groups), np.concatenate(rules)
    repeat = np.where(y == 1, int(positive_weight), 1)

    def fitted(mask: np.ndarray) -> tuple[np.ndarray, float]:
        index = np.repeat(np.flatnonzero(mask), repeat[mask])
        return fit(x[index], y[index], l2)

    names = sorted(set(g))
    out_of_fold = np.zeros(len(y))
    for fold in range(INNER_FOLDS):
        held = np.isin(g, [u for n, u in enumerate(names) if n % INNER_FOLDS == fold])
        weights, bias = fitted(~held)
        out_of_fold[held] = Model(weights, bias, 0.5).probabilities(x[held])
    weights, bias = fitted(np.ones(len(y), dtype=bool))
    return Model(weights, bias, acceptor_threshold(out_of_fold, y, r)), scale


def acceptor_threshold(probabilities: np.ndarray, labels: np.ndarray, rules: np.ndarray) -> float:
    """The threshold of the best F1 of the rules and the acceptor together (above every probability: none added)."""
    best, best_f1 = 1.01, -1.0
    positives = max(1.0, float((labels == 1).sum()))
    for threshold in np.arange(0.3, 0.96, 0.05):
        chosen = rules | (probabilities >= threshold)
        right = float((chosen & (labels == 1)).sum())
        precision, recall = right / max(1.0, float(chosen.sum())), right / positives
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(threshold), f1
    return best


def _added(c: Candidates, model: Model, scale: float) -> list[Any]:
    """The unnumbered candidates the rules reject and the acceptor takes."""
    probabilities = model.probabilities(model_inputs(c.rows, scale)) if len(c.rows) else np.zeros(0)
    return [p for p, row, probability in zip(c.proposals, c.rows, probabilities)
            if not p.candidate.rules_accept and row[_NUMBERED] == 0 and probability >= model.threshold]


def _vectors(c: Candidates) -> Iterator[tuple[str, np.ndarray]]:
    """Each candidate's record id with its USE vector (the last columns of its row)."""
    return ((p.record.rec_id, row[-EMBED_DIM:]) for p, row in zip(c.proposals, c.rows))


def _scores(documents: list[DevDocument], kept: dict[str, list[Any]], vectors: dict[str, Any]
            ) -> dict[str, dict[str, Any]]:
    """Each document's scores against its gold (the number extracted alone where it has none)."""
    records = _records(documents, kept, vectors)
    return {d.file: score_extraction(d.gold, [r for r in records if r["source"] == d.file]) if d.gold
            else {"gold": 0, "extracted": sum(r["source"] == d.file for r in records)} for d in documents}


def blind_scores(documents: list[DevDocument], worlds: dict[str, dict[str, Candidates]], units: dict[str, str]
                 ) -> dict[str, Any]:
    """The documents labelled blind after the rules were frozen, scored by the acceptor of BLIND_SETTING trained on
    every other document and the judged samples, beside the rules alone (every rule on: none was written from them)."""
    blind = [d for d in documents if d.rules_frozen_at]
    if not blind:
        return {}
    assert not rules_from({d.publication for d in blind}), "a rule names a blind document"
    candidates = worlds[blind[0].publication]  # no rule names a blind document: the world with every rule on
    out_of_training = {d.file for d in blind}
    training = {f: c for f, c in candidates.items() if f not in out_of_training}
    model, scale = train(training, units, "", BLIND_SETTING)
    kept: dict[str, dict[str, list[Any]]] = {"rules": {}, "acceptor": {}}
    vectors: dict[str, Any] = {}
    for d in blind:
        c = candidates[d.file]
        accepted = [p for p in c.proposals if p.candidate.rules_accept]
        kept["rules"][d.file] = finish(accepted)
        kept["acceptor"][d.file] = finish(accepted + _added(c, model, scale))
        vectors.update(_vectors(c))
    out: dict[str, Any] = {"setting": list(BLIND_SETTING), "threshold": model.threshold}
    for name, chosen in kept.items():
        out[name] = pooled(list(_scores(blind, chosen, vectors).values()))
        print(f"blind documents, {name}: {out[name]['extracted']} extracted, P {out[name]['precision']:.3f} "
              f"R {out[name]['recall']:.3f}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arguments(parser)
    args = parser.parse_args()
    documents = prepare(args.shared, args.work)
    judged = prepare_judged(args.shared, args.sample_work, args.work / "embeddings.npz")
    embed = EmbeddingCache(args.work / "embeddings.npz")
    units = {**{d.file: d.publication for d in documents}, **{j.file: j.file for j in judged}}
    started, worlds, all_on = time.time(), {}, None
    for publication in sorted({d.publication for d in documents}):
        if not rules_from({publication}) and all_on is not None:
            worlds[publication] = all_on  # no rule written from it: the world with every rule on
            continue
        worlds[publication] = world(publication, documents, judged, embed)
        all_on = all_on if rules_from({publication}) else worlds[publication]
        print(f"{publication}: candidates with its rules off ({time.time() - started:.0f} s)", flush=True)
    embed.save()
    report: dict[str, Any] = {}
    new = [d for d in documents if d.gold_set not in ORIGINAL_SETS]
    for setting in SETTINGS:
        kept: dict[str, list[Any]] = {}
        vectors: dict[str, Any] = {}
        for publication, candidates in worlds.items():
            model, scale = train(candidates, units, publication, setting)
            for d in [d for d in documents if d.publication == publication]:
                c = candidates[d.file]
                kept[d.file] = finish([p for p in c.proposals if p.candidate.rules_accept] + _added(c, model, scale))
                vectors.update(_vectors(c))
        scores = _scores(documents, kept, vectors)
        name = "l2 {} embedding x{} positives x{}".format(*setting)
        report[name] = {"new": pooled([scores[d.file] for d in new]),
                        "earlier": pooled([scores[d.file] for d in new if not d.rules_frozen_at]),
                        "originals": pooled([scores[d.file] for d in documents if d.gold_set in ORIGINAL_SETS]),
                        "documents": {f: pooled([s]) for f, s in scores.items()}}
        s = report[name]["new"]
        print(f"{name}: new development set {s['extracted']} extracted, P {s['precision']:.3f} R {s['recall']:.3f}; "
              f"original sets R {report[name]['originals']['recall']:.3f}; the documents the rules were written from "
              f"P {report[name]['earlier']['precision']:.3f} R {report[name]['earlier']['recall']:.3f}", flush=True)
    report["blind"] = blind_scores(documents, worlds, units)
    (args.work / "acceptor.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
