"""Extraction quality against a hand-labelled gold set: precision, recall and F1 of recommendations and
practices, and the accuracy of their translation links."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_gold(path: Path) -> list[dict[str, Any]]:
    """The gold entries of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def matches(gold: dict[str, Any], record: dict[str, Any]) -> bool:
    """Same file, page and kind; the same printed number or the same first words (`ends_right` tells whether the
    record also ends where the gold entry does)."""
    if not str(record["source"]).replace("\\", "/").endswith(gold["file"]) or record["page"] != gold["page"]:
        return False
    if record["kind"] != gold.get("kind", "recommendation"):
        return False
    text = _normal(record["text"])
    numbered = gold.get("number") is not None and record.get("number") == gold["number"]
    if not numbered and not text.startswith(_normal(gold["starts"])[:40]):
        return False
    return True


def ends_right(gold: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether a matched record ends with the gold entry's last words (its boundary is the item's)."""
    return _normal(record["text"]).endswith(_normal(gold["ends"])[-40:])


def score_extraction(gold: Sequence[dict[str, Any]], records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Precision, recall, F1 and translation-link accuracy of extracted records (`kb recommendations --json`
    items of the gold set's files) against the gold entries."""
    files = {g["file"] for g in gold}
    extracted = [r for r in records if any(str(r["source"]).replace("\\", "/").endswith(f) for f in files)]
    matched: dict[str, dict[str, Any]] = {}
    used: set[str] = set()  # each extracted record matches one gold entry at most
    for entry in gold:
        found = next((r for r in extracted if r["rec_id"] not in used and matches(entry, r)), None)
        if found is not None:
            matched[entry["key"]] = found
            used.add(found["rec_id"])
    true_positives = len(matched)
    precision = true_positives / len(extracted) if extracted else 0.0
    recall = true_positives / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pairs = [(g["key"], g["twin"]) for g in gold if g.get("twin") and g["key"] in matched and g["twin"] in matched]
    linked_keys = [key for key, twin in pairs if matched[twin]["rec_id"] in matched[key]["translations"]]
    linked = len(linked_keys)
    wanted_links = sum(1 for g in gold if g.get("twin"))
    return {"gold": len(gold), "extracted": len(extracted), "true_positives": true_positives,
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "translation_pairs": wanted_links, "translation_pairs_both_found": len(pairs),
            "translation_links_correct": linked,
            "translation_link_accuracy": round(linked / wanted_links, 4) if wanted_links else None,
            "with_ends": sum(1 for g in gold if g.get("ends") and g["key"] in matched),
            "ends_right": sum(1 for g in gold if g.get("ends") and g["key"] in matched and ends_right(g, matched[g["key"]])),
            "linked_keys": linked_keys, "missed": [g["key"] for g in gold if g["key"] not in matched],
            "spurious": [{"page": r["page"], "source": Path(str(r["source"])).name, "text": r["text"][:160]}
                         for r in extracted if r["rec_id"] not in used]}
