"""Contract every KeywordIndex engine must pass (whoosh and tantivy): BM25 ranking over title and page text,
stemming per document language, collection-wide term rarity, phrases, the raw syntax, filters, highlights,
replace/delete semantics, persistence across processes, and no files left behind."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from kb.engines.registry import KEYWORD_BACKENDS, build_keyword_index
from kb.errors import QuerySyntaxError, SchemaVersionError
from kb.engines.keyword import KeywordIndex, highlight_spans
from kb.models import Document, Page
from kb.settings import Settings

Factory = Callable[..., KeywordIndex]


@pytest.fixture(params=[*sorted(KEYWORD_BACKENDS), "milvus"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def engine_settings(backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """The settings that choose the engine (Milvus: the session's Milvus Lite server)."""
    if backend == "milvus":
        return {"search_backend": "milvus", "milvus_uri": request.getfixturevalue("milvus_uri")}
    return {"keyword_backend": backend}


@pytest.fixture
def make_index(engine_settings: dict[str, str], tmp_path: Path) -> Factory:
    def make(path: Path | None = None, **settings: object) -> KeywordIndex:
        values = {"home": str(tmp_path / "home"), **engine_settings, **settings}
        return build_keyword_index(Settings.load(values, environ={}), path or tmp_path / "keyword")
    return make


def doc(doc_id: str, title: str, language: str = "en") -> Document:
    return Document(doc_id=doc_id, source=f"/{doc_id}.pdf", sha256=doc_id, title=title, language=language)


def pages(*texts: str) -> list[Page]:
    return [Page(n, text) for n, text in enumerate(texts, start=1)]


CORPUS = [
    (doc("en1", "Labour exploitation in agriculture"),
     pages("Seasonal workers picking fruit.", "Labour inspectors identified victims of trafficking on farms.",
           "")),
    (doc("en2", "Compensation for victims"),
     pages("Victims rarely receive compensation from the offenders.", "The court ordered compensation.")),
    (doc("nl1", "Schadevergoeding voor slachtoffers", "nl"),
     pages("Inleiding.", "Slachtoffers van mensenhandel krijgen zelden een schadevergoeding.")),
    (doc("de1", "Ausbeutung der Arbeitskraft", "de"),
     pages("Die Arbeitsinspektoren fanden Opfer von Menschenhandel in Betrieben.")),
    (doc("el1", "Εμπορία ανθρώπων", "el"),
     pages("Τα θύματα εμπορίας ανθρώπων χρειάζονται προστασία.")),
]


@pytest.fixture
def index(make_index: Factory) -> KeywordIndex:
    built = make_index()
    built.replace_documents(CORPUS)
    return built


def search(index: KeywordIndex, text: str, raw: bool = False, **kwargs: object) -> list[tuple[str, int]]:
    return [(h.doc_id, h.page) for h in index.search(index.parse(text, raw=raw), limit=50, **kwargs)]


def test_pages_are_the_unit_and_empty_pages_are_left_out(index: KeywordIndex) -> None:
    assert index.doc_count() == 8  # en1 has an empty third page
    ids = index.indexed_page_ids()
    assert ids["en1"] == {"en1-p1", "en1-p2"}
    assert set(ids) == {"en1", "en2", "nl1", "de1", "el1"}


def test_english_stemming_finds_other_word_forms(index: KeywordIndex) -> None:
    assert search(index, "inspector identifying victim")[0] == ("en1", 2)


def test_dutch_german_and_greek_are_stemmed_in_their_own_language(index: KeywordIndex) -> None:
    assert search(index, "schadevergoedingen")[0] == ("nl1", 2)
    assert search(index, "Arbeitsinspektor")[0] == ("de1", 1)
    assert search(index, "εμπορία θύμα")[0] == ("el1", 1)


def test_title_words_count_for_every_page_of_the_document(index: KeywordIndex) -> None:
    found = search(index, "agriculture")
    assert sorted(found) == [("en1", 1), ("en1", 2)]


def test_more_matching_terms_rank_higher(index: KeywordIndex) -> None:
    found = search(index, "compensation court")
    assert found[0] == ("en2", 2)
    assert ("en2", 1) in found[1:]


def test_title_weight_lifts_title_matches(make_index: Factory) -> None:
    docs = [(doc("t", "Debt bondage"), pages("A report on working conditions in general.")),
            (doc("b", "Working conditions"), pages("Debt bondage and debt bondage again in the text."))]
    light, heavy = make_index(title_boost=0.1), make_index(Path(str(make_index().path) + "-heavy"), title_boost=20.0)
    light.replace_documents(docs)
    heavy.replace_documents(docs)
    assert search(light, "bondage")[0][0] == "b"
    assert search(heavy, "bondage")[0][0] == "t"


def test_term_rarity_is_counted_over_the_whole_collection(make_index: Factory) -> None:
    # "eurojust" is rare in the collection but frequent among the few Dutch pages: counted per language it would
    # look common and lose to "protocol", which is rare among Dutch pages but common in the English ones.
    docs = [(doc(f"e{i}", "Report"), pages("The protocol was signed. " * 3)) for i in range(6)]
    docs += [(doc("n1", "Verslag", "nl"), pages("Eurojust coördineert. Eurojust.")),
             (doc("n2", "Verslag", "nl"), pages("Het protocol werd getekend.")),
             (doc("n3", "Verslag", "nl"), pages("Eurojust en Europol."))]
    index = make_index()
    index.replace_documents(docs)
    found = index.search(index.parse("eurojust protocol", raw=False), limit=20)
    scores = {h.doc_id: h.score for h in found}
    assert scores["n1"] > scores["n2"]


def test_quoted_phrase_is_required_and_exact(index: KeywordIndex) -> None:
    assert search(index, '"victims of trafficking"') == [("en1", 2)]
    assert search(index, '"trafficking victims"') == []


def test_plain_queries_are_never_syntax(index: KeywordIndex) -> None:
    # the same pages as the query's words alone: operators, fields and brackets are just characters
    for text in ("title:compensation AND (", "compensation OR", "a:b:c", "*", "NOT court", '"unclosed victims'):
        words = " ".join(re.findall(r"\w+", text))
        assert search(index, text) == search(index, words), text
    assert search(index, "compensation OR")[0][0] == "en2"
    assert search(index, "title:compensation AND (") == search(index, "title compensation and")


def test_raw_syntax_fields_boolean_prefix_and_errors(index: KeywordIndex) -> None:
    assert {d for d, _ in search(index, "title:compensation", raw=True)} == {"en2"}
    assert search(index, "compensation AND court", raw=True) == [("en2", 2)]
    assert ("en2", 2) not in search(index, "compensation NOT court", raw=True)
    assert ("en2", 1) in search(index, "compensation NOT court", raw=True)
    assert {d for d, _ in search(index, "inspect*", raw=True)} == {"en1"}
    assert search(index, '"labour inspectors"', raw=True) == [("en1", 2)]
    with pytest.raises(QuerySyntaxError):
        index.search(index.parse("organisation:GRETA", raw=True), limit=5)


def test_stop_words_of_the_query_language_are_dropped(index: KeywordIndex) -> None:
    # "voor" is a Dutch stop word: the Dutch query means only "schadevergoeding"
    found = search(index, "schadevergoeding voor")
    assert found and all(d == "nl1" for d, _ in found)


def test_filters_restrict_to_documents(index: KeywordIndex) -> None:
    assert {d for d, _ in search(index, "victims", doc_ids={"en2"})} == {"en2"}
    assert search(index, "victims", doc_ids=set()) == []


def test_filtering_does_not_change_scores(index: KeywordIndex) -> None:
    every = {h.page_id: h.score for h in index.search(index.parse("victims compensation", raw=False), limit=50)}
    some = index.search(index.parse("victims compensation", raw=False), limit=50, doc_ids={"en2", "en1"})
    assert some and all(abs(h.score - every[h.page_id]) < 1e-5 for h in some)


def test_highlights_use_the_texts_language(index: KeywordIndex) -> None:
    parsed = index.parse("schadevergoedingen slachtoffer", raw=False)
    text = "Slachtoffers krijgen een schadevergoeding."
    spans = highlight_spans(parsed, text, "nl")
    assert [text[s:e] for s, e in spans] == ["Slachtoffers", "schadevergoeding"]
    raw = index.parse('title:"labour exploitation"', raw=True)
    text = "Labour exploitation is common."
    assert [text[s:e] for s, e in highlight_spans(raw, text, "en")] == ["Labour", "exploitation"]


def test_replace_swaps_all_pages_and_delete_removes_them(index: KeywordIndex) -> None:
    index.replace_documents([(doc("en2", "Compensation for victims"), pages("Only one page now, on restitution."))])
    assert index.indexed_page_ids()["en2"] == {"en2-p1"}
    assert search(index, "court") == []
    assert search(index, "restitution") == [("en2", 1)]
    index.delete_documents(["en2", "nl1"])
    assert set(index.indexed_page_ids()) == {"en1", "de1", "el1"}
    assert search(index, "schadevergoeding") == []


def test_clear_drops_everything(index: KeywordIndex) -> None:
    index.clear()
    assert index.doc_count() == 0
    assert search(index, "victims") == []


def test_another_process_sees_the_index_and_later_writes(index: KeywordIndex, engine_settings: dict[str, str],
                                                        tmp_path: Path) -> None:
    script = (
        "import sys; from kb.engines.registry import build_keyword_index; from kb.settings import Settings\n"
        f"index = build_keyword_index(Settings.load({engine_settings!r}, environ={{}}), "
        f"{str(index.path)!r})\n"
        "print(sorted(h.doc_id for h in index.search(index.parse(sys.argv[1], raw=False), limit=10)))")
    out = subprocess.run([sys.executable, "-c", script, "compensation"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['en2', 'en2']"
    # a long-lived reader notices a write made after it opened
    index.replace_documents([(doc("x1", "Compensation funds"), pages("State compensation funds."))])
    reader = build_keyword_index(Settings.load(engine_settings, environ={}), index.path)
    assert "x1" in {h.doc_id for h in reader.search(reader.parse("funds", raw=False), limit=5)}
    index.replace_documents([(doc("x2", "More funds"), pages("Trust funds for victims."))])
    assert "x2" in {h.doc_id for h in reader.search(reader.parse("funds", raw=False), limit=5)}


def test_an_index_of_the_other_engine_is_refused_with_the_fix(index: KeywordIndex, backend: str) -> None:
    other = next(name for name in KEYWORD_BACKENDS if name != backend)
    with pytest.raises(SchemaVersionError, match="kb reindex --keyword"):
        build_keyword_index(Settings.load({"keyword_backend": other}, environ={}), index.path)


def test_files_no_longer_used_are_removed(make_index: Factory) -> None:
    index = make_index()
    for round_ in range(25):
        index.replace_documents([(doc(f"d{n}", f"Report {n}"), pages(f"Round {round_} text {n} on shelters."))
                                 for n in range(5)])
        index.optimize()
    files_after_25 = sum(1 for _ in index.path.rglob("*"))
    for round_ in range(25, 50):
        index.replace_documents([(doc(f"d{n}", f"Report {n}"), pages(f"Round {round_} text {n} on shelters."))
                                 for n in range(5)])
        index.optimize()
    assert index.doc_count() == 5
    assert sum(1 for _ in index.path.rglob("*")) <= files_after_25 + 10
