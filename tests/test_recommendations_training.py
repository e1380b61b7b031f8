"""The learned veto's training data and threshold (scripts/train_recommendations.py, scripts/recommendations_judged.py):
judged samples read as labels, a record judged twice counted once, the threshold chosen for precision, and every
judged record of the repository's samples outside the development set and the held-out publications."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from scripts.recommendations_judged import DATA, judged_keys, read_judged, record_key
from scripts.train_recommendations import choose_threshold

COLUMNS = ("file", "page", "kind", "number", "starts", "text", "verdict", "reason")


def _write(path: Path, rows: list[tuple[str, int, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for file, page, text, verdict in rows:
            writer.writerow([file, page, "recommendation", "", text[:60], text, verdict, "why" if verdict else ""])


def test_judged_samples_are_read_by_document_and_a_record_judged_twice_keeps_its_latest_verdict(tmp_path: Path) -> None:
    _write(tmp_path / "sample_judged_v2.tsv", [("a.pdf", 3, "Het verdient aanbeveling  om te registreren.", "boundary"),
                                               ("b.pdf", 1, "Ik vraag mij af of dit werkt.", "wrong-kind")])
    _write(tmp_path / "sample_judged_v3.tsv", [("a.pdf", 3, "Het verdient aanbeveling om te registreren.", "right"),
                                               ("a.pdf", 9, "Not judged yet.", "")])
    documents = read_judged(tmp_path)
    assert [d.file for d in documents] == ["a.pdf", "b.pdf"]
    assert [(r["page"], r["verdict"]) for r in documents[0].judged] == [("3", "right")]  # spaces do not tell apart
    assert judged_keys(tmp_path) == {("a.pdf", 3, record_key("Het verdient aanbeveling om te registreren.")),
                                     ("b.pdf", 1, record_key("Ik vraag mij af of dit werkt."))}


def test_the_threshold_is_chosen_for_precision_over_what_the_rules_keep() -> None:
    probabilities = np.array([0.9, 0.8, 0.7, 0.31, 0.2, 0.1])
    labels = np.array([1, 1, 1, 0, 1, 0])
    kept_by_rules = np.ones(6, dtype=bool)
    # from 0.325 three right and none wrong (F0.5 0.94); lower thresholds keep the wrong one at 0.31 too
    assert choose_threshold(probabilities, labels, kept_by_rules) == 0.325
    # a candidate the rules reject takes no part: without the wrong one at 0.31, keep down to the right one at 0.2
    assert choose_threshold(probabilities, labels, np.array([1, 1, 1, 0, 1, 1], dtype=bool)) == 0.125
    assert choose_threshold(np.array([0.9, 0.8]), np.array([1, 1]), np.ones(2, dtype=bool)) == 0.0


def test_every_judged_record_of_the_repository_is_labelled() -> None:
    documents = read_judged(DATA)
    assert sum(len(d.judged) for d in documents) >= 110
    assert {r["verdict"] for d in documents for r in d.judged} == {"right", "boundary", "wrong-kind"}


def test_the_acceptors_threshold_adds_only_what_raises_the_f1_of_rules_and_acceptor_together() -> None:
    from scripts.recommendations_acceptor import acceptor_threshold

    # two recommendations the rules miss, both scored high: the lowest threshold that takes them both
    assert acceptor_threshold(np.array([0.9, 0.8, 0.2, 0.1]), np.array([1, 1, 0, 0]),
                              np.zeros(4, dtype=bool)) == pytest.approx(0.3)
    # the rules already have the one recommendation; the candidate scored 0.9 is wrong: nothing may be added
    assert acceptor_threshold(np.array([0.1, 0.9]), np.array([1, 0]), np.array([True, False])) > 0.9


LETTER = ("Geachte heer Opstelten,\n"
          "Bij brief van 15 augustus heeft u mij gevraagd te adviseren over het voorstel.\n"
          "De regering moet de opvang van slachtoffers van mensenhandel beter regelen dan nu.\n"
          "Ook de gemeenten spelen daarbij een rol van betekenis voor de slachtoffers.\n"
          "De volgende punten verdienen aandacht:\n"
          "• De gemeenten moeten de slachtoffers van uitbuiting sneller een woning geven\n"
          "• De politie dient elke melding van uitbuiting binnen een week te onderzoeken\n"
          "Hoogachtend,\n")


def test_the_sentence_detector_reads_every_sentence_outside_the_items_and_labels_those_a_gold_entry_begins() -> None:
    from kb.models import Document, Page
    from scripts.recommendations_devset import DevDocument
    from scripts.recommendations_sentences import sentences_of

    d = DevDocument("nl-national-rapporteur/L.pdf", "rapporteur-letter", "L", "gold_writing.jsonl", gold=[
        {"key": "l-1", "file": "nl-national-rapporteur/L.pdf", "page": 2, "kind": "recommendation",
         "starts": "De regering moet de opvang van slachtoffers"}])
    d.doc = Document(doc_id="l", source="/x/L.pdf", sha256="0", language="nl")
    d.pages = [Page(1, "Nationaal Rapporteur Mensenhandel\nPostbus 20301\n2500 EH Den Haag"), Page(2, LETTER)]
    sentences = sentences_of(d)
    texts = [s.text for s in sentences]
    assert [s.label for s in sentences if s.text.startswith("De regering moet")] == [1.0]
    assert sum(s.label for s in sentences) == 1.0
    assert any(t.startswith("Ook de gemeenten spelen daarbij een rol") for t in texts)
    # the bulleted items are the rules' to read as items, not sentences of running text
    assert not any("binnen een week" in t or "sneller een woning" in t for t in texts)
    assert all(s.page == 2 for s in sentences if "regering" in s.text or "gemeenten spelen" in s.text)
