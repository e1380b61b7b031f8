"""The bundled corpus ingests like any document, with its metadata."""
from __future__ import annotations

from pathlib import Path

from kb import KnowledgeBase

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_conference_record_is_searchable_with_metadata(kb: KnowledgeBase) -> None:
    report = kb.ingest([CORPUS], workers=1)
    assert report.counts()["failed"] == 0
    assert report.counts()["added"] == 107  # the conference record and the 106 catalogue entries
    hit = kb.search("Kotlyarenko Jokinen Artinopoulou", filters={"organisation": "KMOP*"}).hits[0]
    doc = hit.document
    assert doc.title.startswith("Conference record")
    assert doc.organisation == "KMOP - Social Action and Innovation Centre"
    assert doc.year == 2022 and doc.country == "BE" and doc.language == "en"
    assert doc.doc_type == "conference-record"
    assert doc.extra["date"] == "2022-09-27"
    assert "ACTIVATE" in doc.extra["project"]
    assert kb.search("49.6 million modern slavery", filters={"doc_type": "conference-record"}).hits
