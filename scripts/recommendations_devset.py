"""The recommendations development set as the training and benchmark scripts read it: the gold files and the
manifest in tests/data/recommendations, the documents' pages from one knowledge base of their files (ingested once
into the work folder), every candidate the rules propose with its USE embedding (cached) and its gold label.

Publications are the unit of leaving out: a Dutch Rapporteur publication (P0134) holds its language editions
(P0134D01, P0134D03), so a translation never trains the model that scores its twin.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "recommendations"
ORIGINAL_SETS = ("gold.jsonl", "gold_second.jsonl")
_PUBLICATION = re.compile(r"^(P\d{4})D\d+$")


@dataclass
class DevDocument:
    """One labelled document: its file, family, publication, gold entries and (once loaded) its candidates."""

    file: str
    family: str
    publication: str
    gold_set: str
    rules_frozen_at: str | None = None  # labelled blind after this commit's rules: no rule was written from it
    labelled_blind_at: str | None = None  # labelled blind after this commit's rules, then rules written from it
    entries_seen_at: str | None = None  # a blind document whose missed entries the rules' author saw at this commit
    gold: list[dict[str, Any]] = field(default_factory=list)
    doc: Any = None
    pages: list[Any] = field(default_factory=list)
    proposals: list[Any] = field(default_factory=list)
    rows: np.ndarray | None = None
    labels: np.ndarray | None = None


def data_arguments(parser: argparse.ArgumentParser) -> None:
    """The recommendation scripts' common options: where ../shared is, and the work folders of the development set
    and of the judged samples."""
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work" / "recommendations-dev")
    parser.add_argument("--sample-work", type=Path, default=ROOT / "bench-work" / "recommendations-sample")


def publication_of(file: str, row: dict[str, Any] | None = None) -> str:
    """The publication a file belongs to (the manifest's `publication`, else the Rapporteur's Pxxxx, else the file)."""
    if row and row.get("publication"):
        return str(row["publication"])
    stem = Path(file).stem
    match = _PUBLICATION.match(stem)
    return match.group(1) if match else stem


def read_manifest(data: Path = DATA) -> list[DevDocument]:
    """Every labelled document: those of the manifest (documents.jsonl, which may list documents with no
    recommendations) and those of every gold file, each with its gold entries."""
    from kb.recommendations.evaluation import read_gold

    docs: dict[str, DevDocument] = {}
    manifest = data / "documents.jsonl"
    rows = read_gold(manifest) if manifest.exists() else []
    for path in sorted(data.glob("*.jsonl")):
        if path.name in ("documents.jsonl", "queries.jsonl"):
            continue
        for entry in read_gold(path):
            if "file" not in entry or "page" not in entry:
                continue
            doc = docs.get(entry["file"])
            if doc is None:
                family = "original gold sets" if path.name in ORIGINAL_SETS else "unlisted"
                doc = docs[entry["file"]] = DevDocument(entry["file"], family, publication_of(entry["file"]),
                                                       path.name)
            doc.gold.append(entry)
    for row in rows:
        file = row.get("file")
        if not file:
            continue
        doc = docs.get(file)
        if doc is None:
            doc = docs[file] = DevDocument(file, "", publication_of(file, row), "documents.jsonl")
        doc.family = str(row.get("family") or "other")
        doc.rules_frozen_at = row.get("rules_frozen_at")
        doc.labelled_blind_at = row.get("labelled_blind_at")
        doc.entries_seen_at = row.get("entries_seen_at")
        if row.get("publication"):
            doc.publication = str(row["publication"])
        if row.get("twin_file") and row["twin_file"] in docs:  # twins are one publication, left out together
            docs[row["twin_file"]].publication = doc.publication
    return sorted(docs.values(), key=lambda d: d.file)


def load_pages(documents: list[DevDocument], shared: Path, work: Path) -> Any:
    """Ingest the documents' files into one knowledge base in `work` (kept while the files are the same; no
    embedding; OCR as by default, for pages without a text layer or whose layer lost its spaces) and attach each
    document's stored metadata and pages. Returns the open knowledge base."""
    from ingest.loaders import LoadOptions
    from ingest.loaders.ocr import ocr_unavailable_reason
    from kb import KnowledgeBase, Settings

    files = sorted({d.file for d in documents})
    marker = work / "files.json"
    home = work / "kb"
    if (why := ocr_unavailable_reason(LoadOptions(ocr="auto"))) is not None:
        # P0121D01's entries are written as OCR reads its spaceless text layer: without OCR they cannot match
        print(f"warning: {why}; pages whose text layer lost its spaces stay unread and their gold entries "
              "unmatched", file=sys.stderr)
    kb = KnowledgeBase(Settings.load({"home": str(home), "semantic": False, "ocr": "auto"}, environ={}))
    if not marker.exists() or json.loads(marker.read_text()) != files:
        kb.ingest([shared / "realdocs" / f for f in files])
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(files))
    for d in documents:
        found = kb.resolve_document(str(shared / "realdocs" / d.file))
        d.doc = found
        d.pages = kb.backends.store.pages(found.doc_id)
    return kb


class EmbeddingCache:
    """USE vectors of candidate texts, kept in an .npz file by text hash between runs."""

    def __init__(self, path: Path):
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"]))
        self.changed = False

    def __call__(self, texts: list[str]) -> np.ndarray:
        from kb.recommendations.classifier import EMBED_CHARS, use_embed

        keys = [hashlib.sha256(t[:EMBED_CHARS].encode()).hexdigest()[:20] for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self.vectors]
        if missing:
            for i, vector in zip(missing, use_embed([texts[i] for i in missing])):
                self.vectors[keys[i]] = vector
            self.changed = True
        return np.vstack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 512), dtype=np.float32)

    def save(self) -> None:
        """Write the cache (when something was added)."""
        if self.changed:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self.vectors)
            np.savez(self.path, keys=np.array(keys), vectors=np.vstack([self.vectors[k] for k in keys]))
            self.changed = False


def as_dict(record: Any, doc: DevDocument, translations: list[str] | None = None) -> dict[str, Any]:
    """A record in the form `score_extraction` reads."""
    return {"rec_id": record.rec_id, "source": doc.file, "page": record.page, "kind": record.kind,
            "number": record.number, "text": record.text, "translations": translations or []}


def propose_with_rows(doc: Any, pages: list[Any], embed: EmbeddingCache) -> tuple[list[Any], np.ndarray]:
    """A document's proposals and their model input rows (hand features, then the cached USE vector)."""
    from kb.recommendations.extraction import proposal_rows, propose

    proposals = propose(doc, pages)
    return proposals, (proposal_rows(doc, proposals, embed) if proposals else np.zeros((0, 1), dtype=np.float32))


def gold_labels(d: DevDocument, proposals: list[Any]) -> np.ndarray:
    """1 for each proposal that matches a gold entry of the document no earlier proposal matched, else 0."""
    return record_labels(d, [as_dict(p.record, d) for p in proposals])


def record_labels(d: DevDocument, records: list[dict[str, Any]]) -> np.ndarray:
    """1 for each record (as `as_dict` writes it) that matches a gold entry no earlier record matched, else 0."""
    from kb.recommendations.evaluation import matches

    used: set[str] = set()
    labels = []
    for record in records:
        hit = next((g["key"] for g in d.gold if g["key"] not in used and matches(g, record)), None)
        if hit is not None:
            used.add(hit)
        labels.append(1.0 if hit is not None else 0.0)
    return np.array(labels, dtype=np.float32)


def label_candidates(documents: list[DevDocument], embed: EmbeddingCache) -> None:
    """Propose every document's candidates, embed them and label them against its gold entries (a candidate is
    right when it matches a gold entry that no earlier candidate matched)."""
    for d in documents:
        d.proposals, d.rows = propose_with_rows(d.doc, d.pages, embed)
        d.labels = gold_labels(d, d.proposals)
    embed.save()
