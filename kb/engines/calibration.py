"""`embed_backend = auto`: on first use on a machine, embed a fixed set of real-length texts with every runtime the
machine supports, keep those whose vectors agree with the fp32 reference (mean cosine ≥ 0.99, min ≥ 0.97) and
choose the fastest. The result (the choice and every runtime's measured rate and agreement) is cached under
HOME/models, keyed by the model and the machine (processor, flags, GPU, threads, library versions)."""
from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..errors import KBError
from .runtime_texts import calibration_texts

MIN_MEAN_COSINE = 0.99
MIN_COSINE = 0.97
ROUNDS = 2  # each runtime is timed this many times, in turn with the others; its best round counts
CACHE_FILE = "calibration.json"
_MEMO: dict[tuple[str, str], "Calibration"] = {}
_LOCK = threading.Lock()


@dataclass
class RuntimeTrial:
    """One runtime's measurement: texts per second, agreement with the reference, and whether it may be used."""

    texts_per_second: float = 0.0
    cosine_mean: float = 0.0
    cosine_min: float = 0.0
    accepted: bool = False
    problem: str = ""


@dataclass
class Calibration:
    """The runtimes measured on one machine for one model, and the one chosen (the fastest accepted)."""

    model: str
    machine: str
    chosen: str
    trials: dict[str, RuntimeTrial] = field(default_factory=dict)
    measured_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Calibration":
        """Read back what `to_dict` wrote."""
        trials = {name: RuntimeTrial(**trial) for name, trial in dict(data.get("trials") or {}).items()}
        return cls(str(data["model"]), str(data["machine"]), str(data["chosen"]), trials,
                   str(data.get("measured_at", "")))

    def summary(self) -> str:
        """One line: the choice and each runtime's rate and agreement."""
        parts = []
        for name, t in self.trials.items():
            verdict = (f"{t.texts_per_second:.1f} texts/s, cosine {t.cosine_mean:.4f}/{t.cosine_min:.4f}"
                       if not t.problem else t.problem)
            parts.append(f"{name} {verdict}{'' if t.accepted else ' (refused)'}")
        return f"{self.chosen} (calibrated {self.measured_at}: {'; '.join(parts)})"


def agreement(vectors: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """Mean and minimum cosine between the rows of two matrices of unit vectors."""
    cosine = (np.asarray(vectors, dtype=np.float32) * np.asarray(reference, dtype=np.float32)).sum(axis=1)
    return float(cosine.mean()), float(cosine.min())


def choose(trials: Mapping[str, RuntimeTrial], reference: str) -> str:
    """The fastest accepted runtime (the reference itself when none is faster)."""
    accepted = {name: t for name, t in trials.items() if t.accepted}
    if not accepted:
        return reference
    return max(accepted, key=lambda name: accepted[name].texts_per_second)


def _load_all(loaders: Mapping[str, Callable[[], Any]], reference: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Every runtime loaded (one that fails is noted, not fatal, except the reference)."""
    loaded, problems = {}, {}
    for name, load in loaders.items():
        try:
            loaded[name] = load()
        except Exception as exc:  # a runtime that cannot load here is simply not a candidate
            if name == reference:
                raise
            problems[name] = f"cannot load ({type(exc).__name__}: {str(exc)[:120]})"
    return loaded, problems


def measure(loaders: Mapping[str, Callable[[], Any]], reference: str, texts: Sequence[str],
            rounds: int = ROUNDS, clock: Callable[[], float] = time.perf_counter) -> dict[str, RuntimeTrial]:
    """Embed `texts` with each runtime (loaded by its loader), in turn, `rounds` times; each runtime's best rate
    and its agreement with the reference runtime's vectors (`clock`: seconds, monotonic)."""
    loaded, problems = _load_all(loaders, reference)
    for embedder in loaded.values():
        embedder.embed(list(texts[:4]))  # warm up: first-call allocations and kernel choices are not measured
    best: dict[str, float] = {}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for name, embedder in loaded.items():
            started = clock()
            vectors[name] = embedder.embed(list(texts), batch_size=32)
            best[name] = max(best.get(name, 0.0), len(texts) / max(clock() - started, 1e-9))
    trials = {name: RuntimeTrial(problem=problem) for name, problem in problems.items()}
    for name in loaded:
        mean, low = agreement(vectors[name], vectors[reference])
        ok = name == reference or (mean >= MIN_MEAN_COSINE and low >= MIN_COSINE)
        trials[name] = RuntimeTrial(round(best[name], 2), round(mean, 6), round(low, 6), ok,
                                    "" if ok else f"vectors disagree with {reference}")
    return {name: trials[name] for name in loaders}


def calibrate(model: str, machine: str, loaders: Mapping[str, Callable[[], Any]], reference: str,
              texts: Sequence[str] | None = None, clock: Callable[[], float] = time.perf_counter) -> Calibration:
    """Measure every runtime on the fixed texts and choose the fastest that agrees with the reference."""
    trials = measure(loaders, reference, texts if texts is not None else calibration_texts(), clock=clock)
    return Calibration(model, machine, choose(trials, reference), trials, time.strftime("%Y-%m-%d %H:%M"))


def read_calibration(cache_root: Path, model: str, machine: str) -> Calibration | None:
    """The calibration cached under `cache_root` for this model and machine, if any."""
    try:
        data = json.loads((Path(cache_root) / CACHE_FILE).read_text())
        return Calibration.from_dict(data["calibrations"][f"{model}|{machine}"])
    except (OSError, ValueError, KeyError, TypeError):  # none yet, or unreadable: calibrate again
        return None


def write_calibration(cache_root: Path, calibration: Calibration) -> None:
    """Add a calibration to the cache file (atomically; other models' and machines' entries stay)."""
    folder = Path(cache_root)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads((folder / CACHE_FILE).read_text())
        entries = dict(data.get("calibrations") or {})
    except (OSError, ValueError, AttributeError):
        entries = {}
    entries[f"{calibration.model}|{calibration.machine}"] = calibration.to_dict()
    handle, temporary = tempfile.mkstemp(prefix=".calibration-", dir=folder)
    with os.fdopen(handle, "w") as out:
        json.dump({"calibrations": entries}, out, indent=2)
    os.replace(temporary, folder / CACHE_FILE)


def calibrated(model: str, machine: str, loaders: Mapping[str, Callable[[], Any]], reference: str,
               cache_root: Path, clock: Callable[[], float] = time.perf_counter) -> Calibration:
    """This machine's calibration for the model: from the cache under `cache_root` (or this process's memory),
    else measured now and cached."""
    with _LOCK:
        found = read_calibration(cache_root, model, machine) or _MEMO.get((model, machine))
        if found is None:
            try:
                found = calibrate(model, machine, loaders, reference, clock=clock)
            except KBError:  # already says what to do
                raise
            except Exception as exc:  # the reference itself failed: nothing to compare with
                raise KBError(f"cannot calibrate the embedding runtimes of {model!r} ({type(exc).__name__}: "
                              f"{exc}): set embed_backend to one of them (KB_EMBED_BACKEND)") from exc
        _MEMO[(model, machine)] = found
        if read_calibration(cache_root, model, machine) is None:
            write_calibration(cache_root, found)
        return found


def cached_choice(cache_root: Path, model: str, machine: str) -> Calibration | None:
    """The calibration known without measuring (cache file or this process's memory)."""
    return read_calibration(cache_root, model, machine) or _MEMO.get((model, machine))
