"""The judged random samples (tests/data/recommendations/sample_judged_v*.tsv) as training and evaluation data for
the extractor's learned check: each judged record found again among the rules' proposals of its document, with its
verdict as the label (right or boundary: a recommendation of the document's own, 1; wrong-kind: 0).

A verdict says only whether what the extractor gave is a recommendation: the documents' other candidates are not
judged and take no part. Documents are the unit of leaving out.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "recommendations"
POSITIVE = {"right": 1.0, "boundary": 1.0, "wrong-kind": 0.0}
_SPACE = re.compile(r"\s+")
PREFIX = 40  # enough to tell records apart on a page; an earlier extractor may have ended the text elsewhere


@dataclass
class JudgedDocument:
    """A sampled document: its judged rows, and (once loaded) its proposals, rows and the judged ones' labels."""

    file: str
    judged: list[dict[str, str]] = field(default_factory=list)
    doc: Any = None
    pages: list[Any] = field(default_factory=list)
    proposals: list[Any] = field(default_factory=list)
    rows: np.ndarray | None = None
    labels: np.ndarray | None = None  # NaN where the proposal was not judged
    verdicts: list[str | None] = field(default_factory=list)


def record_key(text: str) -> str:
    """What tells a judged record apart on its page: its first words, spaces normalised."""
    return _SPACE.sub(" ", text).strip()[:PREFIX].lower()


_key = record_key


def judged_keys(data: Path = DATA) -> set[tuple[str, int, str]]:
    """(file, page, record key) of every record an earlier sample judged."""
    return {(d.file, int(r["page"]), record_key(r["text"])) for d in read_judged(data) for r in d.judged}


def normal_text(text: str) -> str:
    """A record's text with its spaces normalised: what a verdict was given on."""
    return _SPACE.sub(" ", text).strip()


def read_judged(data: Path = DATA) -> list[JudgedDocument]:
    """Every judged row of every sample file, by document (a record judged twice keeps its latest verdict). Each row
    keeps `variants`, its verdict by the exact text judged: the sampled text, and texts the extractor gave later that
    were judged again (`rejudged.tsv`)."""
    docs: dict[str, JudgedDocument] = {}
    for path in sorted(data.glob("sample_judged*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row.get("verdict") not in POSITIVE:
                    continue
                doc = docs.setdefault(row["file"], JudgedDocument(row["file"]))
                doc.judged = [r for r in doc.judged if not (r["page"] == row["page"] and _key(r["text"]) == _key(row["text"]))]
                doc.judged.append({**row, "variants": {normal_text(row["text"]): row["verdict"]}})
    again = data / "rejudged.tsv"
    if again.exists():
        with again.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                doc = docs.get(row["file"])
                for judged in doc.judged if doc and row.get("verdict") in POSITIVE else ():
                    if judged["page"] == row["page"] and _key(judged["text"]) == _key(row["text"]):
                        judged["variants"][normal_text(row["text"])] = row["verdict"]
    return sorted(docs.values(), key=lambda d: d.file)


def verdicts_of(d: JudgedDocument, proposals: list[Any]) -> list[str | None]:
    """Each proposal's verdict, where a judged row names it by page and first words (else None)."""
    by_key = {(int(r["page"]), _key(r["text"])): r["verdict"] for r in d.judged}
    return [by_key.get((p.record.page, _key(p.record.text))) for p in proposals]


def label_judged(documents: list[JudgedDocument], embed: Any) -> None:
    """Propose each document's candidates, embed them and label those a judged row names (others NaN)."""
    from scripts.recommendations_devset import propose_with_rows

    for d in documents:
        d.proposals, d.rows = propose_with_rows(d.doc, d.pages, embed)
        d.verdicts = verdicts_of(d, d.proposals)
        d.labels = np.array([POSITIVE[v] if v else np.nan for v in d.verdicts], dtype=np.float32)
    if hasattr(embed, "save"):
        embed.save()
