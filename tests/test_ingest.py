"""Ingestion through the facade: report statuses, dedup, updates, removal, metadata and bad files in a batch."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from kb import KnowledgeBase

from .fixtures import DUTCH_PAGES, ENGLISH_PAGES, make_pdf


def statuses(report) -> dict[str, str]:
    return {Path(i.source).name: i.status for i in report.items}


def test_ingest_folder_reports_every_file(kb: KnowledgeBase, corpus_dir: Path) -> None:
    report = kb.ingest([corpus_dir], workers=1)
    counts = report.counts()
    assert counts["failed"] == 0, report.failed
    assert counts["added"] == 6  # 3 PDFs, 1 Markdown, 2 records
    stats = kb.stats()
    assert stats["documents"] == 6
    assert stats["pages"] == 3 + 2 + 1 + 1 + 2
    assert stats["chunks"] >= stats["pages"]
    assert kb.check()["ok"]


def test_reingest_unchanged_does_nothing(kb: KnowledgeBase, corpus_dir: Path) -> None:
    kb.ingest([corpus_dir], workers=1)
    before = kb.stats()
    report = kb.ingest([corpus_dir], workers=1)
    assert report.counts()["unchanged"] == 6
    assert report.counts()["added"] == 0
    assert kb.stats()["chunks"] == before["chunks"]


def test_same_bytes_twice_is_one_document(kb: KnowledgeBase, tmp_path: Path) -> None:
    a = make_pdf(tmp_path / "a.pdf", ENGLISH_PAGES)
    b = tmp_path / "copy-of-a.pdf"
    shutil.copyfile(a, b)
    report = kb.ingest([a, b], workers=1)
    assert statuses(report) == {"a.pdf": "added", "copy-of-a.pdf": "duplicate"}
    dup = report.items[1]
    assert dup.duplicate_of.startswith(report.items[0].doc_id)
    assert "duplicate of" in dup.line()
    assert kb.stats()["documents"] == 1
    # and again: still reported as a duplicate, still one document
    assert statuses(kb.ingest([b], workers=1)) == {"copy-of-a.pdf": "duplicate"}


def test_changed_file_replaces_old_version_everywhere(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "report.pdf", ENGLISH_PAGES)
    first = kb.ingest([path], workers=1).items[0]
    assert kb.search("greenhouses").hits
    make_pdf(path, DUTCH_PAGES)
    second = kb.ingest([path], workers=1).items[0]
    assert second.status == "updated"
    assert second.doc_id == first.doc_id  # the id is stable across versions
    assert kb.search("greenhouses").hits == []
    [hit] = kb.search("schadevergoeding").hits
    assert hit.document.doc_id == first.doc_id
    assert hit.document.language == "nl"
    assert kb.stats()["documents"] == 1
    assert kb.check()["ok"]


def test_remove_deletes_everywhere(kb: KnowledgeBase, corpus_dir: Path) -> None:
    kb.ingest([corpus_dir], workers=1)
    [hit] = kb.search("greenhouses").hits
    stored = kb.home / "files" / hit.document.stored_file
    assert stored.exists()
    kb.remove(hit.document.doc_id)
    assert kb.search("greenhouses").hits == []
    assert not stored.exists()
    assert kb.stats()["documents"] == 5
    assert kb.check()["ok"]
    # removing by the path it was ingested from works too
    kb.remove(str(corpus_dir / "notes.md"))
    assert kb.stats()["documents"] == 4


def test_one_bad_file_never_stops_the_batch(kb: KnowledgeBase, corpus_dir: Path, bad_dir: Path) -> None:
    report = kb.ingest([bad_dir, corpus_dir, "/no/such/file.pdf"], workers=1)
    failed = {Path(i.source).name: i.reason for i in report.failed}
    assert set(failed) == {"encrypted.pdf", "truncated.pdf", "landing-page.pdf", "empty.pdf", "scanned.pdf",
                           "slides.key", "file.pdf"}
    assert "needs OCR" in failed["scanned.pdf"]
    assert "no such file" in failed["file.pdf"]
    assert report.counts()["added"] == 6
    assert kb.check()["ok"]


def test_parallel_workers_give_the_same_result(kb: KnowledgeBase, corpus_dir: Path, bad_dir: Path) -> None:
    report = kb.ingest([corpus_dir, bad_dir], workers=2)
    assert report.counts()["added"] == 6
    assert report.counts()["failed"] == 6
    assert kb.check()["ok"]


def test_metadata_from_pdf_detection_sidecar_and_meta_file(kb: KnowledgeBase, tmp_path: Path) -> None:
    en = make_pdf(tmp_path / "en.pdf", ENGLISH_PAGES, title="Labour exploitation report")
    nl = make_pdf(tmp_path / "nl.pdf", DUTCH_PAGES)
    (tmp_path / "nl.pdf.meta.json").write_text(json.dumps(
        {"organisation": "Nationaal Rapporteur", "year": 2017, "country": "NL", "doc_type": "report"}))
    meta = tmp_path / "run.json"
    meta.write_text(json.dumps({"organisation": "Unknown NGO", "project": "ACTIVATE"}))
    kb.ingest([en, nl], meta_file=meta, workers=1)
    docs = {Path(h.document.source).name: h.document for h in kb.search("mensenhandel OR labour").hits}
    docs.update({Path(h.document.source).name: h.document for h in kb.search("greenhouses").hits})
    assert docs["en.pdf"].title == "Labour exploitation report"
    assert docs["en.pdf"].language == "en"
    assert docs["en.pdf"].organisation == "Unknown NGO"
    assert docs["nl.pdf"].language == "nl"
    assert docs["nl.pdf"].organisation == "Nationaal Rapporteur"  # the sidecar wins over --meta
    assert docs["nl.pdf"].year == 2017
    assert docs["nl.pdf"].extra["project"] == "ACTIVATE"


def test_records_become_documents_with_record_sources(kb: KnowledgeBase, corpus_dir: Path) -> None:
    kb.ingest([corpus_dir / "records.jsonl"], workers=1)
    [hit] = kb.search("brick kilns").hits
    assert hit.document.source == f"{(corpus_dir / 'records.jsonl').resolve()}#r1"
    assert hit.document.country == "IN"
    assert hit.passages[0].page == 1
