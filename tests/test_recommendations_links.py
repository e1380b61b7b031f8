"""Aligning the recommendations of two language editions: numbered lists matched list to list, the other records
assigned one to one by meaning, shared anchors and place, and a record found in one edition only left unpaired.
Fake vectors with chosen cosines stand in for the multilingual model."""
from __future__ import annotations

import numpy as np

from kb.models import Recommendation as R
from kb.recommendations.links import align_translations


def _vectors(a_ids: list[str], cosines: dict[str, dict[str, float]]) -> dict[str, np.ndarray]:
    """Unit vectors: one axis per record of edition a, and each record of edition b at the chosen cosines to them
    (the rest of its length on an axis of its own, so it is unrelated to everything else)."""
    size = len(a_ids) + len(cosines)
    out = {rec_id: np.eye(size, dtype=np.float32)[n] for n, rec_id in enumerate(a_ids)}
    for n, (rec_id, to_a) in enumerate(cosines.items()):
        vector = np.zeros(size, dtype=np.float32)
        for other, cosine in to_a.items():
            vector[a_ids.index(other)] = cosine
        vector[len(a_ids) + n] = np.sqrt(1.0 - float(vector @ vector))
        out[rec_id] = vector
    return out


def test_a_numbered_list_found_in_one_edition_only_shifts_no_other_lists_partners() -> None:
    # the Dutch edition has a short numbered list in chapter 2 that the English one lacks, and the English edition
    # lost its item 3 (label at a page's foot, body on the next): items 1 and 2 of the closing lists still pair,
    # and Dutch item 3 and the chapter-2 list stay unpaired
    nl = [R("n-ch2-1", "nl", "recommendation", 40, "Gemeenten moeten opvang bieden.", number="1"),
          R("n-ch2-2", "nl", "recommendation", 40, "De politie moet registreren.", number="2"),
          R("n1", "nl", "recommendation", 175, "Mensenhandelzaken zijn complex. OM en ZM moeten borgen.", number="1"),
          R("n2", "nl", "recommendation", 176, "Binnen de ZM moeten oriëntatiepunten worden ontwikkeld.", number="2"),
          R("n3", "nl", "recommendation", 177, "Het OM moet zich actief inzetten voor schade.", number="3")]
    en = [R("e1", "en", "recommendation", 175, "Human trafficking cases are complex. The PPS must ensure.",
            number="1"),
          R("e2", "en", "recommendation", 176, "The judiciary should develop orientation points.", number="2")]
    vectors = _vectors([r.rec_id for r in nl], {"e1": {"n1": 0.8, "n-ch2-1": 0.3},
                                                "e2": {"n2": 0.8, "n-ch2-2": 0.3}})
    assert sorted(align_translations(nl, 216, en, 216, vectors)) == [("n1", "e1"), ("n2", "e2")]
    assert sorted(align_translations(nl, 216, en, 216)) == [("n1", "e1"), ("n2", "e2")]  # by numbers and place


def test_prose_records_are_assigned_one_to_one_and_a_record_of_one_edition_only_takes_no_partner() -> None:
    # N1 reads most like E2 (both about compensation), but E2 is N2's only possible partner: the best assignment
    # pairs N1-E1 and N2-E2, where taking the single most similar pair first would leave N2 alone. E3, a
    # restatement found in the English edition only, resembles N1 and stands a few pages away: it stays unpaired.
    nl = [R("N1", "nl", "recommendation", 171, "Ook indien dezelfde gedragingen bijdragen, specificeer welk sublid."),
          R("N2", "nl", "recommendation", 172, "Het OM zou een financieel rapport moeten laten opstellen.")]
    en = [R("E3", "en", "recommendation", 165, "Even if the same acts contribute, it is advisable to specify."),
          R("E1", "en", "recommendation", 171, "Even if the same acts could constitute evidence, specify which."),
          R("E2", "en", "recommendation", 172, "The PPS should arrange for a financial report in every case.")]
    vectors = _vectors(["N1", "N2"], {"E1": {"N1": 0.7, "N2": 0.1}, "E2": {"N1": 0.75, "N2": 0.6},
                                      "E3": {"N1": 0.68}})
    assert sorted(align_translations(nl, 216, en, 216, vectors)) == [("N1", "E1"), ("N2", "E2")]


def test_unrelated_meaning_links_nothing_however_near() -> None:
    nl = [R("N1", "nl", "recommendation", 171, "Gemeenten moeten opvang openen voor mannen.")]
    en = [R("E9", "en", "recommendation", 171, "Judges should be trained on minors in court.")]
    vectors = _vectors(["N1"], {"E9": {"N1": 0.3}})
    assert align_translations(nl, 216, en, 216, vectors) == []


def test_prose_after_a_numbered_list_is_placed_by_the_list_when_the_editions_differ_in_length() -> None:
    # the Dutch edition's longer chapters put its closing list at 75 % of the document, the English one's at 83 %:
    # by relative page alone the closing recommendations are too far apart, but the paired numbered items tell
    # where the Dutch page falls in the English edition
    nl = [R("n1", "nl", "recommendation", 150, "Slachtoffers moeten worden geïnformeerd.", number="1"),
          R("n2", "nl", "recommendation", 151, "Opvang moet worden uitgebreid.", number="2"),
          R("n-close", "nl", "recommendation", 153, "Ten slotte wordt aanbevolen een taakgroep in te stellen."),
          R("n-early", "nl", "recommendation", 20, "Een aanbeveling in de inleiding.")]
    en = [R("e1", "en", "recommendation", 100, "Victims must be informed.", number="1"),
          R("e2", "en", "recommendation", 101, "Shelter must be extended.", number="2"),
          R("e-close", "en", "recommendation", 103, "Finally, it is recommended that a task force be set up.")]
    assert sorted(align_translations(nl, 200, en, 120)) == [("n-close", "e-close"), ("n1", "e1"), ("n2", "e2")]
