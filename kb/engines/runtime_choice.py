"""Which runtime a sentence-transformers model runs on in one knowledge base (`embed_backend`): the one the setting
names; under `auto`, the runtime the knowledge base's vectors were made with (so vectors never mix), and for a
knowledge base without vectors (or one `kb reindex --vectors` re-embeds) the runtime this machine's calibration
chose."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..settings import Settings
from .calibration import Calibration, cached_choice, calibrated
from .embedding import embedding_threads
from .processor import machine_key
from .registry import AUTO, EMBED_BACKENDS, REFERENCE_RUNTIME, embedder_entry, multilingual_half
from .use_embedder import USE_MODEL_ID, default_use_threads


@dataclass(frozen=True)
class RuntimeChoice:
    """The runtime in use and why: `setting` (named by embed_backend), `vectors` (the one the knowledge base's
    vectors were made with), `calibration` (this machine's fastest agreeing runtime), `uncalibrated` (none yet:
    asked without measuring) or `not-applicable`."""

    runtime: str
    chosen_by: str


def is_auto(settings: Settings) -> bool:
    """Whether the setting leaves the runtime to atkb."""
    return str(settings.embed_backend).strip().lower() == AUTO


def with_runtime(settings: Settings, runtime: str) -> Settings:
    """The settings with embed_backend set to a concrete runtime (what the engines are built from)."""
    return Settings({**settings.as_dict(), "embed_backend": runtime})


def stored_model_id(folder: Path) -> str | None:
    """The model id a vector index folder records (local manifest or Milvus marker), without opening it."""
    for name in ("manifest.json", "atkb-milvus.json"):
        try:
            return json.loads((Path(folder) / name).read_text()).get("model_id")
        except (OSError, ValueError, AttributeError):
            continue
    return None


def runtime_of(embed_model: str, model_id: str | None) -> str | None:
    """The runtime whose vectors of `embed_model` carry this model id (None: another model, or none)."""
    primary = (model_id or "").split("+", 1)[0]
    return next((name for name, entry in EMBED_BACKENDS.items() if entry.model_id(embed_model) == primary), None)


def runtime_loaders(settings: Settings) -> dict[str, Any]:
    """A loader per runtime this machine supports (the reference first), for a calibration."""
    root = settings.home_path / "models"
    return {name: partial(entry.load, settings.embed_model, root)
            for name, entry in EMBED_BACKENDS.items() if name == REFERENCE_RUNTIME or entry.supported()}


def machine_calibration(settings: Settings, measure: bool = True) -> Calibration | None:
    """This machine's calibration for the configured model: cached, else measured now (unless `measure` is off)."""
    root, model, machine = settings.home_path / "models", settings.embed_model, machine_key(embedding_threads())
    if not measure:
        return cached_choice(root, model, machine)
    return calibrated(model, machine, runtime_loaders(settings), REFERENCE_RUNTIME, root)


def choose_runtime(settings: Settings, vectors_model_id: str | None, afresh: bool = False,
                   measure: bool = True) -> RuntimeChoice:
    """The runtime of the configured model in a knowledge base whose vectors record `vectors_model_id`
    (`afresh`: for a re-embedding, the stored vectors do not count; `measure` off: no calibration is run)."""
    if settings.embedder != "sentence-transformers":
        return RuntimeChoice(str(settings.embed_backend), "not-applicable")
    if not is_auto(settings):
        embedder_entry(settings.embedder, str(settings.embed_backend).strip().lower())  # checked: a clear message
        return RuntimeChoice(str(settings.embed_backend).strip().lower(), "setting")
    stored = None if afresh else runtime_of(settings.embed_model, vectors_model_id)
    if stored is not None:
        return RuntimeChoice(stored, "vectors")
    calibration = machine_calibration(settings, measure)
    return RuntimeChoice(calibration.chosen, "calibration") if calibration else RuntimeChoice("", "uncalibrated")


def use_threads_name(threads: int) -> str:
    """The name a calibration gives USE computing with `threads` threads."""
    return f"numpy-{threads}-thread{'s' if threads > 1 else ''}"


def multilingual_threads(settings: Settings, measure: bool = True) -> Calibration | None:
    """Under auto, the calibration of the multilingual model's threads: its default against one thread (on a busy
    2-core machine one BLAS thread is often faster than two that wait for each other); the vectors are the same
    numbers, checked like a runtime's. None where there is nothing to choose."""
    default = default_use_threads()
    if not (is_auto(settings) and multilingual_half(settings)) or default == 1:
        return None
    from .use_embedder import UseEmbedder

    root, machine = settings.home_path / "models", machine_key(embedding_threads())
    if not measure:
        return cached_choice(root, USE_MODEL_ID, machine)
    loaders = {use_threads_name(n): partial(UseEmbedder, n) for n in (default, 1)}
    return calibrated(USE_MODEL_ID, machine, loaders, use_threads_name(default), root)


def chosen_threads(calibration: Calibration | None) -> int | None:
    """The thread count a USE calibration chose (None: the model's default)."""
    return int(calibration.chosen.split("-")[1]) if calibration else None
