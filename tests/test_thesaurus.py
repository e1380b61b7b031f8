"""The thesaurus of the field: the bundled file is complete and consistent, a broken file is refused with a message
that names the place, and its labels are found in text the way the keyword index reads it."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.errors import KBError
from kb.search.translation import plan_query, query_language
from kb.text.thesaurus import COLUMNS, DEFAULT_PATH, LANGUAGES, is_acronym, load_thesaurus, read_thesaurus


@pytest.fixture(scope="module")
def thesaurus():
    return load_thesaurus()


def test_the_bundled_thesaurus_is_large_multilingual_and_consistent(thesaurus) -> None:
    assert len(thesaurus) >= 250
    for concept in thesaurus.concepts.values():
        assert set(LANGUAGES) <= set(concept.labels), concept.id  # English, Dutch, French, German and Greek
        if concept.broader:
            assert concept.broader in thesaurus.concepts, concept.id
        assert all(r in thesaurus.concepts for r in concept.related), concept.id
    for concept_id in thesaurus.concepts:  # broader links never loop
        seen, current = set(), concept_id
        while current:
            assert current not in seen, f"broader links of {concept_id} loop"
            seen.add(current)
            current = thesaurus.concepts[current].broader
    facets = {c.id for c in thesaurus.facets()}
    assert len(facets) >= 20
    assert {"prevention", "protection", "prosecution", "partnership", "labour-exploitation", "children"} <= facets


def test_the_field_terms_the_issue_names_are_there(thesaurus) -> None:
    labels = {label.lower() for c in thesaurus.concepts.values() for ls in c.labels.values() for label in ls}
    for term in ("national referral mechanism", "labour inspectorate", "palermo protocol", "directive 2011/36/eu",
                 "non-punishment principle", "loverboy", "debt bondage", "b9", "verblijfsvergunning",
                 "schadevergoeding", "traite des êtres humains", "menschenhandel", "εμπορία ανθρώπων"):
        assert term in labels, term


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in COLUMNS})
    return path


def test_a_concept_without_a_dutch_label_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", [{"id": "a", "en": "alpha", "nl": "alfa"}, {"id": "b", "en": "beta"}])
    with pytest.raises(KBError, match=r"t\.csv:3: concept 'b' has no nl label"):
        read_thesaurus(path)


def test_a_link_to_a_missing_concept_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", [{"id": "a", "en": "alpha", "nl": "alfa", "broader": "nowhere"}])
    with pytest.raises(KBError, match="'a' links to 'nowhere'"):
        read_thesaurus(path)


def test_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", [{"id": "a", "en": "alpha", "nl": "alfa"}, {"id": "a", "en": "x", "nl": "y"}])
    with pytest.raises(KBError, match="appears twice"):
        read_thesaurus(path)


def test_labels_match_stemmed_and_longest_first(thesaurus) -> None:
    found = [m.concept for m in thesaurus.find("Local municipalities and the sexual exploitation of children",
                                               ("en",))]
    assert found == ["municipality", "child-sexual-exploitation"]  # plural stemmed; the longer label wins
    assert [m.concept for m in thesaurus.find("de gemeenten", ("nl",))] == ["municipality"]


def test_acronyms_match_only_in_capitals(thesaurus) -> None:
    assert is_acronym("OM") and is_acronym("B9") and not is_acronym("Palermo Protocol")
    assert "public-prosecution-service" in {m.concept for m in thesaurus.find("Het OM vervolgt")}
    assert "public-prosecution-service" not in {m.concept for m in thesaurus.find("om te vervolgen")}
    assert "residence-permit" in {m.concept for m in thesaurus.find("een aanvraag in de B9-regeling")}


def test_a_query_is_translated_into_the_other_languages_of_the_knowledge_base(thesaurus) -> None:
    plan = plan_query("compensation for victims", thesaurus, ["en", "nl"])
    assert plan.language == "en" and plan.expansion_languages == ("nl",)
    assert "compensation" in plan.concepts and "schadevergoeding" in plan.expansion.split()
    back = plan_query("schadevergoeding", thesaurus, ["nl", "en"])
    assert back.language == "nl" and "compensation" in back.expansion
    assert plan_query("compensation for victims", thesaurus, ["en", "nl"], translate=False).expansion == ""
    assert plan_query("compensation for victims", thesaurus, ["en"]).expansion == ""  # nothing else to search
    assert plan_query("the weather tomorrow", thesaurus, ["en", "nl"]).expansion == ""  # no concept of the field


def test_the_query_language_comes_from_stop_words_or_labels(thesaurus) -> None:
    assert query_language("de aanpak van mensenhandel", thesaurus) == "nl"
    assert query_language("kindersekstoerisme", thesaurus) == "nl"  # no stop word: its label is Dutch
    assert query_language("prostitution", thesaurus) == "en"  # a label of several languages: the fallback
    assert DEFAULT_PATH.name == "concepts.csv"
