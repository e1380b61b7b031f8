"""Near-duplicates (same text, other bytes) and translations (the same report in another language)."""
from __future__ import annotations

from pathlib import Path

from kb.indexing.fingerprints import fingerprint, pair_containment, shingle_similarity
from kb import KnowledgeBase

from .conftest import REALDOCS, needs_realdocs
from .fixtures import make_pdf

FIGURES = [(2015, 1321, 412, "NRM"), (2016, 952, 388, "CoMensha"), (2017, 1051, 402, "KMar"), (2018, 668, 350, "OM"),
           (2019, 1029, 311, "EU"), (2020, 1115, 287, "GRETA"), (2021, 867, 402, "UNODC"), (2022, 1203, 365, "IOM")]


def report_pages(language: str, figures=FIGURES) -> list[str]:
    pages = []
    for year, victims, offenders, body in figures:
        if language == "en":
            pages.append(f"Figures for {year}\nIn {year} a total of {victims:,} possible victims were registered "
                         f"and {offenders} suspects were prosecuted; {body} reported {victims - offenders:,} cases "
                         f"of labour exploitation, {year - 2000}% more than in {year - 1}. See www.example.org/{year}.")
        else:
            pages.append(f"Cijfers over {year}\nIn {year} werden in totaal {victims:,} mogelijke slachtoffers "
                         f"geregistreerd en werden {offenders} verdachten vervolgd; {body} meldde "
                         f"{victims - offenders:,} gevallen van arbeidsuitbuiting, {year - 2000}% meer dan in "
                         f"{year - 1}. Zie www.example.org/{year}.".replace(",", "."))
    return pages


def other_figures() -> list[tuple[int, int, int, str]]:
    return [(year + 7, victims // 3 + 11, offenders // 2 + 5, body) for year, victims, offenders, body in FIGURES]


def test_translation_keeps_the_order_of_numbers_and_acronyms() -> None:
    en = fingerprint("en", "en", report_pages("en"))
    nl = fingerprint("nl", "nl", report_pages("nl"))
    other = fingerprint("x", "en", report_pages("en", other_figures()))
    assert pair_containment(en, nl) > 0.8
    assert pair_containment(other, nl) < 0.2
    assert shingle_similarity(en, nl) < 0.1  # the words differ, only the language-neutral runs agree


def test_translations_are_linked_and_shown_together(kb: KnowledgeBase, tmp_path: Path) -> None:
    en = make_pdf(tmp_path / "monitor-en.pdf", report_pages("en"))
    nl = make_pdf(tmp_path / "monitor-nl.pdf", report_pages("nl"))
    unrelated = make_pdf(tmp_path / "other-nl.pdf", report_pages("nl", other_figures()))
    report = kb.ingest([en, unrelated, nl], workers=1)
    by_name = {Path(i.source).name: i for i in report.items}
    assert any("translation of" in w for w in by_name["monitor-nl.pdf"].warnings)
    en_doc, nl_doc = kb.resolve_document(str(en)), kb.resolve_document(str(nl))
    related = kb.related([en_doc.doc_id, nl_doc.doc_id])
    assert [(d.doc_id, kind) for d, kind, _ in related[en_doc.doc_id]] == [(nl_doc.doc_id, "translation")]
    assert [(d.doc_id, kind) for d, kind, _ in related[nl_doc.doc_id]] == [(en_doc.doc_id, "translation")]
    assert kb.related([kb.resolve_document(str(unrelated)).doc_id]).popitem()[1] == []
    hit = kb.search("possible victims registered", mode="keyword").hits[0]
    assert hit.document.doc_id == en_doc.doc_id
    assert [t["doc_id"] for t in hit.to_dict()["translations"]] == [nl_doc.doc_id]


def test_near_duplicate_is_flagged_not_merged(kb: KnowledgeBase, tmp_path: Path) -> None:
    first = make_pdf(tmp_path / "report.pdf", report_pages("en"), title="Report")
    second = make_pdf(tmp_path / "report-reissued.pdf", ["Reissued with a new cover"] + report_pages("en"),
                      title="Report (reissued)")
    assert first.read_bytes() != second.read_bytes()
    report = kb.ingest([first, second], workers=1)
    assert report.counts()["added"] == 2
    note = [w for w in report.items[1].warnings if w.startswith("near-duplicate of")]
    assert note and kb.resolve_document(str(first)).doc_id in note[0]
    second_doc = kb.resolve_document(str(second))
    [(other, kind, score)] = kb.related([second_doc.doc_id])[second_doc.doc_id]
    assert kind == "near-duplicate" and score >= 0.8
    # similar-document lists skip near-duplicates, as they skip exact duplicates
    assert other.doc_id not in [h.document.doc_id for h in kb.similar(second_doc.doc_id)]


def test_removing_a_document_removes_its_links(kb: KnowledgeBase, tmp_path: Path) -> None:
    en = make_pdf(tmp_path / "en.pdf", report_pages("en"))
    nl = make_pdf(tmp_path / "nl.pdf", report_pages("nl"))
    kb.ingest([en, nl], workers=1)
    kb.remove(str(nl))
    en_id = kb.resolve_document(str(en)).doc_id
    assert kb.related([en_id])[en_id] == []


@needs_realdocs
def test_real_dutch_english_report_pairs_are_linked(kb: KnowledgeBase) -> None:
    folder = REALDOCS / "nl-national-rapporteur"
    pairs = [("P0110D01", "P0110D02"), ("P0136D02", "P0136D03"), ("P0138D01", "P0138D03")]
    files = [folder / f"{name}.pdf" for pair in pairs for name in pair]
    kb.ingest(files)
    ids = {f.stem: kb.resolve_document(str(f)).doc_id for f in files}
    for dutch, english in pairs:
        links = kb.related([ids[dutch]])[ids[dutch]]
        assert [(d.doc_id, kind) for d, kind, _ in links] == [(ids[english], "translation")], dutch


def test_relink_finds_links_afresh_with_new_thresholds(home: Path, tmp_path: Path) -> None:
    from kb import Settings

    from .conftest import FAST

    files = [make_pdf(tmp_path / "en.pdf", report_pages("en")), make_pdf(tmp_path / "nl.pdf", report_pages("nl"))]
    with KnowledgeBase(Settings.load({"home": str(home), **FAST, "translation_threshold": 1.5}, environ={})) as kb:
        kb.ingest(files, workers=1)
        en_id = kb.resolve_document(str(files[0])).doc_id
        assert kb.related([en_id])[en_id] == []
    with KnowledgeBase(Settings.load({"home": str(home), **FAST}, environ={})) as kb:
        assert kb.relink() == 2
        [(other, kind, _)] = kb.related([en_id])[en_id]
        assert kind == "translation" and other.source == str(files[1].resolve())
        assert kb.check()["ok"]


def test_a_better_translation_replaces_a_weaker_one_in_the_same_language(kb: KnowledgeBase, tmp_path: Path) -> None:
    en = make_pdf(tmp_path / "en.pdf", report_pages("en"))
    partial = make_pdf(tmp_path / "partial-nl.pdf", report_pages("nl", FIGURES[:5] + other_figures()[:3]))
    full = make_pdf(tmp_path / "full-nl.pdf", report_pages("nl"))
    kb.ingest([en, partial], workers=1)
    en_id = kb.resolve_document(str(en)).doc_id
    [(first, kind, weaker)] = kb.related([en_id])[en_id]
    assert first.source == str(partial.resolve()) and kind == "translation"
    kb.ingest([full], workers=1)
    [(best, kind, stronger)] = kb.related([en_id])[en_id]
    assert best.source == str(full.resolve()) and stronger > weaker
    partial_id = kb.resolve_document(str(partial)).doc_id
    assert kb.related([partial_id])[partial_id] == []
