"""Whether a learned detector over every sentence of running text finds the prose recommendations no cue word marks:
in the documents without a recommendations section (letters, speeches, articles, press releases, guides), each
sentence outside the lists the rules take is a candidate, with the extractor's hand features and its multilingual USE
vector; a logistic regression trained on the other documents' sentences (labelled by the gold entries they begin)
adds the sentences it is sure of to what the rules keep. Scored on the documents labelled blind (trained on every
document not labelled blind) and leave-one-document-out on the rest (trained without the document's publication and
the blind ones); prints and writes a JSON report that docs/benchmarks.md quotes ("Recommendations").

    python scripts/recommendations_sentences.py [--shared ../shared] [--work bench-work/recommendations-dev]

The threshold is chosen by inner folds (by document) on the training documents, for the best F1 over their
sentences of the rules' records and the detector's together, as the acceptor's is
(scripts/recommendations_acceptor.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.recommendations.classifier import Candidate, Model, feature_matrix, fit, hand_features  # noqa: E402
from kb.recommendations.evaluation import score_extraction  # noqa: E402
from kb.recommendations.extraction import (_propose_blocks, _propose_bullets, _propose_labels,  # noqa: E402
                                           _propose_sections, _uncovered_runs, finish, propose)
from kb.recommendations.lines import document_lines, join_with_lines, sentence_spans  # noqa: E402
from kb.recommendations.provenance import without_rules_from  # noqa: E402
from kb.filters import split_values  # noqa: E402
from scripts.benchmark_recommendations import pooled  # noqa: E402
from scripts.recommendations_acceptor import BLIND_SETTING, acceptor_threshold, model_inputs  # noqa: E402
from scripts.recommendations_devset import (ORIGINAL_SETS, DevDocument, EmbeddingCache, as_dict,  # noqa: E402
                                            data_arguments, record_labels)
from scripts.train_recommendations import prepare  # noqa: E402

# the L2 penalty and the USE vector's weight beside the hand features: the setting the acceptor chose on the documents
# the rules were written from, before any blind document was scored; none is chosen here
L2, EMBEDDING_SCALE = BLIND_SETTING[:2]
INNER_FOLDS = 5
_MIN_WORDS, _MAX_CHARS = 5, 1500


@dataclass
class Sentence:
    """One sentence of a document's running text, where it begins and whether a gold entry begins with it."""

    text: str
    page: int
    position: float
    label: float = 0.0


def sentences_of(d: DevDocument) -> list[Sentence]:
    """Every sentence of the document's running text, each labelled by the gold entry it begins."""
    # outside the sections, labelled items, blocks and bulleted lists the rules read as items; unlike `propose`,
    # unnumbered items over MAX_RECORD characters are not given back to the running text
    notes: list[Any] = []
    lines = document_lines(d.pages, notes)
    covered: set[int] = set()
    organisations = split_values("organisation", d.doc.organisation)

    def ignore(*_: Any, **__: Any) -> None:
        return None

    _propose_sections(lines, covered, ignore)
    _propose_labels(lines, covered, ignore)
    _propose_blocks(lines, covered, ignore)
    _propose_bullets(lines, covered, organisations, ignore)
    total = max(1, len(lines))
    out = []
    for run in _uncovered_runs(lines, covered):
        text, starts = join_with_lines([lines[i] for i in run])
        offsets = [offset for offset, _ in starts]
        for start, end in sentence_spans(text):
            sentence = text[start:end].strip()
            if len(sentence.split()) < _MIN_WORDS or len(sentence) > _MAX_CHARS:
                continue
            at = run[starts[max(0, int(np.searchsorted(offsets, start, side="right")) - 1)][1]]
            out.append(Sentence(sentence, lines[at].page, at / total))
    records = [{"source": d.file, "page": s.page, "kind": "recommendation", "text": s.text} for s in out]
    for s, label in zip(out, record_labels(d, records)):
        s.label = float(label)
    return out


def _key(page: int, text: str) -> tuple[int, str]:
    return page, " ".join(text.split())[:40].casefold()


def rows_of(d: DevDocument, sentences: list[Sentence], embed: EmbeddingCache) -> np.ndarray:
    """Each sentence's hand features as a running-text candidate, then its USE vector."""
    organisations = split_values("organisation", d.doc.organisation)
    hand = np.array([hand_features(Candidate(s.text, "sentence", "recommendation", False, position=s.position,
                                             extra={"doc_has_section": False}), d.doc.language, organisations)
                     for s in sentences], dtype=np.float32)
    return feature_matrix(hand, embed([s.text for s in sentences]))


def train(data: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Model:
    """A detector trained on the given documents' sentences, its threshold by inner folds over them."""
    names = sorted(data)
    x = model_inputs(np.vstack([data[n][0] for n in names]), EMBEDDING_SCALE)
    y = np.concatenate([data[n][1] for n in names])
    ruled = np.concatenate([data[n][2] for n in names])
    groups = np.concatenate([[i] * len(data[n][1]) for i, n in enumerate(names)])
    out_of_fold = np.zeros(len(y))
    for fold in range(INNER_FOLDS):
        held = groups % INNER_FOLDS == fold
        weights, bias = fit(x[~held], y[~held], L2)
        out_of_fold[held] = Model(weights, bias, 0.5).probabilities(x[held])
    weights, bias = fit(x, y, L2)
    return Model(weights, bias, acceptor_threshold(out_of_fold, y, ruled))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arguments(parser)
    args = parser.parse_args()
    started = time.time()
    documents = [d for d in prepare(args.shared, args.work) if d.gold_set not in ORIGINAL_SETS]
    embed = EmbeddingCache(args.work / "sentence-embeddings.npz")
    blind = {d.file for d in documents if d.rules_frozen_at}
    written_from = {d.publication for d in documents}
    data: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    sentences: dict[str, list[Sentence]] = {}
    rules: dict[str, list[dict[str, Any]]] = {}
    publication = {d.file: d.publication for d in documents}
    prose = []
    for d in documents:
        # the rules' records with the document's own rules off; the detector reads documents without a
        # recommendations section only
        with without_rules_from({d.publication}):
            proposals = propose(d.doc, d.pages)
        if any(p.candidate.source in ("section", "label", "leadin") for p in proposals):
            continue
        prose.append(d)
        rules[d.file] = [as_dict(r, d) for r in finish([p for p in proposals if p.candidate.rules_accept])]
        # the sentences and their features with every rule written from a development document off, so that no
        # document's features carry what was read in it
        with without_rules_from(written_from):
            sentences[d.file] = sentences_of(d)
            rows = rows_of(d, sentences[d.file], embed) if sentences[d.file] else np.zeros((0, 1))
        labels = np.array([s.label for s in sentences[d.file]], dtype=np.float32)
        kept = {_key(r["page"], r["text"]) for r in rules[d.file]}
        ruled = np.array([_key(s.page, s.text) in kept for s in sentences[d.file]], dtype=bool)
        data[d.file] = (rows, labels, ruled)
        print(f"{d.file}: {len(labels)} sentences, {int(labels.sum())} of {len(d.gold)} gold entries begin one "
              f"({time.time() - started:.0f} s)", flush=True)
    embed.save()
    report: dict[str, Any] = {"documents": {}, "threshold": {}}
    for d in prose:
        if not len(data[d.file][1]):
            continue
        # a blind document by the detector trained on every document not labelled blind; the others without their
        # publication (a translation included), never trained on a blind one
        training = {f: v for f, v in data.items() if f not in blind and publication[f] != d.publication and len(v[1])}
        model = train(training)
        probabilities = model.probabilities(model_inputs(data[d.file][0], EMBEDDING_SCALE))
        starts = {_key(r["page"], r["text"]) for r in rules[d.file]}
        added = [{"rec_id": f"s{n}", "source": d.file, "page": s.page, "kind": "recommendation", "number": None,
                  "text": s.text, "translations": []}
                 for n, (s, probability) in enumerate(zip(sentences[d.file], probabilities))
                 if probability >= model.threshold and _key(s.page, s.text) not in starts]
        report["threshold"][d.file] = model.threshold
        report["documents"][d.file] = {
            way: score_extraction(d.gold, chosen) if d.gold else {"gold": 0, "extracted": len(chosen)}
            for way, chosen in (("rules", rules[d.file]), ("detector", rules[d.file] + added))}
    for name, chosen in (("blind", [f for f in report["documents"] if f in blind]),
                         ("leave-one-document-out", [f for f in report["documents"] if f not in blind])):
        for way in ("rules", "detector"):
            s = pooled([report["documents"][f][way] for f in chosen])
            report[f"{name} {way}"] = s
            print(f"{name}, {way}: {len(chosen)} documents, {s['gold']} gold, {s['extracted']} extracted, "
                  f"P {s['precision']:.3f} R {s['recall']:.3f}", flush=True)
    (args.work / "sentences.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
