"""Ranking recommendation records: the weighted fusion of the four rankings, each model's cosine ranked on its own
half of the vector (the English one only where it reads both languages), and the query's thesaurus translation
reaching records in the other language — with the hashing embedder and hand-made vectors."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase
from kb.recommendations.ranking import (RecordFusion, RecordRankings, fuse_records, meaning_rankings,
                                        translation_into)

from .fixtures import make_pdf


def test_fusion_adds_weighted_reciprocal_ranks() -> None:
    rankings = RecordRankings(keyword=["a", "b"], translated=[], primary=["b"], multilingual=["c", "b"])
    fused = dict(fuse_records(rankings, RecordFusion(keyword=1.0, translated=1.0, primary=1.0, multilingual=2.0,
                                                     k=10)))
    assert fused["a"] == pytest.approx(1 / 11)
    assert fused["b"] == pytest.approx(1 / 12 + 1 / 11 + 2 / 12)
    assert fused["c"] == pytest.approx(2 / 11)
    assert [r for r, _ in fuse_records(rankings, RecordFusion(k=10))][:1] == ["b"]


def test_a_ranking_weighted_zero_brings_nothing_in() -> None:
    rankings = RecordRankings(keyword=["a"], multilingual=["z"])
    assert [r for r, _ in fuse_records(rankings, RecordFusion(multilingual=0.0))] == ["a"]
    assert fuse_records(RecordRankings(), RecordFusion()) == []


class TwoHalves:
    """A composite embedder whose query halves are given: (primary, multilingual) per query text."""

    def __init__(self, queries: dict[str, tuple[list[float], list[float]]]):
        self.queries = queries

    def half_queries(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        primary, multilingual = self.queries[text]
        return (np.array(primary + [0.0] * len(multilingual), dtype=np.float32),
                np.array([0.0] * len(primary) + multilingual, dtype=np.float32))


# three records, each a [primary (2) ; multilingual (2)] vector: the English model likes "nl1" best (a Dutch record
# it cannot read), the multilingual model likes "nl1" and then "en2"
IDS = ["en1", "en2", "nl1"]
MATRIX = np.array([[0.6, 0.0, 0.1, 0.0], [0.5, 0.0, 0.5, 0.0], [0.9, 0.0, 0.9, 0.0]], dtype=np.float32)
LANGUAGES = {"en1": "en", "en2": "en", "nl1": "nl"}
EMBEDDER = TwoHalves({"q": ([1.0, 0.0], [1.0, 0.0]), "q-en": ([0.0, 1.0], [0.0, 0.0])})


def reads_english(language: str | None) -> bool:
    return language in (None, "en")


def test_each_model_ranks_on_its_own_half_and_the_english_one_only_what_it_reads() -> None:
    primary, multilingual = meaning_rankings(MATRIX, IDS, LANGUAGES, EMBEDDER, "q", "q", reads_english, set(IDS))
    assert primary == ["en1", "en2"]  # the Dutch record is not the English model's to rank
    assert multilingual == ["nl1", "en2", "en1"]


def test_a_query_the_english_model_cannot_read_is_ranked_by_the_multilingual_one_alone() -> None:
    primary, multilingual = meaning_rankings(MATRIX, IDS, LANGUAGES, EMBEDDER, "q", None, reads_english, set(IDS))
    assert primary == [] and multilingual == ["nl1", "en2", "en1"]


def test_the_english_model_ranks_by_the_query_it_is_given() -> None:
    # its translation into English ("q-en") points at the second primary dimension, where no record lies: ties
    # keep the records' order; the multilingual model still ranks by the query itself
    matrix = MATRIX.copy()
    matrix[1, 1] = 0.7
    primary, multilingual = meaning_rankings(matrix, IDS, LANGUAGES, EMBEDDER, "q", "q-en", reads_english, set(IDS))
    assert primary == ["en2", "en1"] and multilingual == ["nl1", "en2", "en1"]


def test_only_allowed_records_are_ranked() -> None:
    primary, multilingual = meaning_rankings(MATRIX, IDS, LANGUAGES, EMBEDDER, "q", "q", reads_english, {"en2"})
    assert primary == ["en2"] and multilingual == ["en2"]


def test_one_model_gives_one_ranking() -> None:
    class One:
        def embed_query(self, text: str) -> np.ndarray:
            return np.array([0.0, 0.0, 1.0, 0.0], dtype=np.float32)

    primary, multilingual = meaning_rankings(MATRIX, IDS, LANGUAGES, One(), "q", None, reads_english, set(IDS))
    assert primary == ["nl1", "en2", "en1"] and multilingual == []


EN = ("Recommendations\n1. The Public Prosecution Service should give priority to claims for compensation "
      "by the injured party in every case.\n"
      "2. Municipalities should license escort businesses and check them every year.")
NL = ("Aanbevelingen\n1. Gemeenten moeten escortbedrijven vergunningplichtig maken en jaarlijks controleren.\n"
      "2. Het Openbaar Ministerie moet bij elke zaak aandacht besteden aan de opsporing van criminele winsten.")


def test_a_dutch_query_reaches_english_records_through_its_thesaurus_translation(kb: KnowledgeBase,
                                                                                  tmp_path: Path) -> None:
    kb.ingest([make_pdf(tmp_path / "en.pdf", ["Report on trafficking in human beings in the Netherlands.", EN]),
               make_pdf(tmp_path / "nl.pdf", ["Rapport over mensenhandel in Nederland en de aanpak ervan.", NL])],
              workers=1)
    parts = kb.recs.rankings("schadevergoeding")
    compensation = next(v.record.rec_id for v in kb.recommendations() if "compensation" in v.record.text)
    assert parts.keyword == []  # the Dutch word is in no record
    assert parts.translated[0] == compensation  # "compensation", the thesaurus's English label
    assert kb.recommendations("schadevergoeding", k=1)[0].record.rec_id == compensation


def test_a_query_is_translated_into_the_languages_asked_for(kb: KnowledgeBase) -> None:
    thesaurus = kb.backends.thesaurus()
    assert translation_into("orgaanhandel", thesaurus, {"en"}) == "removal of organs organ removal organ trafficking"
    assert translation_into("nothing the thesaurus knows", thesaurus, {"en"}) == ""
    assert translation_into("orgaanhandel", None, {"en"}) == ""
