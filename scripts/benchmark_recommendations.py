"""Recommendation extraction on real reports against the hand-labelled gold set (tests/data/recommendations):
precision, recall, F1 and translation-link accuracy; writes a section of docs/benchmarks.md and a JSON report.

    python scripts/benchmark_recommendations.py [--shared ../shared] [--work bench-work/recommendations]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb import KnowledgeBase, Settings  # noqa: E402
from kb.rec_evaluation import read_gold, score_extraction  # noqa: E402

GOLD = ROOT / "tests" / "data" / "recommendations" / "gold.jsonl"


def run(shared: Path, work: Path, semantic: bool) -> dict:
    """Ingest the gold set's files into a fresh knowledge base and score what it extracted."""
    gold = read_gold(GOLD)
    files = sorted({shared / "realdocs" / g["file"] for g in gold})
    shutil.rmtree(work, ignore_errors=True)
    started = time.perf_counter()
    with KnowledgeBase(Settings.load({"home": str(work), "semantic": semantic, "ocr": "off"})) as kb:
        kb.ingest(files)
        ingested = time.perf_counter() - started
        records = [v.to_dict() for v in kb.recommendations()]
    result = score_extraction(gold, records)
    result.update({"files": [f.name for f in files], "ingest_seconds": round(ingested, 1),
                   "records_in_knowledge_base": len(records)})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work" / "recommendations")
    parser.add_argument("--semantic", action="store_true", help="Also embed (not needed for extraction).")
    args = parser.parse_args()
    result = run(args.shared, args.work, args.semantic)
    (args.work.parent / "recommendations.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps({k: v for k, v in result.items() if k not in ("spurious",)}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
