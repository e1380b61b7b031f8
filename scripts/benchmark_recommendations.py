"""Recommendation extraction on real reports against the hand-labelled gold set (tests/data/recommendations):
precision, recall, F1 and translation-link accuracy, with the judged random sample of records from the rest of
realdocs; writes its section of docs/benchmarks.md (between `<!-- recommendations -->` markers) and a JSON report.

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
from kb.recommendations.evaluation import read_gold, score_extraction  # noqa: E402
from scripts.benchmark import machine  # noqa: E402
from scripts.benchmark_keyword import write_section  # noqa: E402

GOLD = ROOT / "tests" / "data" / "recommendations" / "gold.jsonl"
SECOND = ROOT / "tests" / "data" / "recommendations" / "gold_second.jsonl"
SAMPLE = ROOT / "tests" / "data" / "recommendations" / "sample_judged.tsv"
START, END = "<!-- recommendations -->", "<!-- /recommendations -->"


def run(shared: Path, work: Path, semantic: bool, gold_file: Path = GOLD) -> dict:
    """Ingest a gold set's files into a fresh knowledge base and score what it extracted."""
    gold = read_gold(gold_file)
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


def judged_sample() -> tuple[int, int]:
    """(records judged right, records judged) in the random sample from the rest of realdocs."""
    rows = [line.split("\t") for line in SAMPLE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith(("#", "file\t"))]
    return sum(row[2] == "1" for row in rows), len(rows)


def _gold_line(label: str, result: dict) -> list[str]:
    return [
        f"- {label} ({', '.join(result['files'])}; {result['gold']} recommendations): "
        f"{result['extracted']} extracted, {result['true_positives']} right: **precision {result['precision']:.3f}, "
        f"recall {result['recall']:.3f}, F1 {result['f1']:.3f}**; translation links "
        f"{result['translation_links_correct']} of {result['translation_pairs']} pairs right "
        f"(**accuracy {result['translation_link_accuracy']:.3f}**). Ingestion of the files: "
        f"{result['ingest_seconds']} s (no embedding).",
        f"  Missed: {', '.join(result['missed']) or 'none'}; extracted but not in the gold set: "
        + ("; ".join(f"{s['source']} p. {s['page']} ({s['text'][:70]}…)" for s in result["spurious"]) or "none")
        + "."]


def section(first: dict, second: dict) -> str:
    """The Markdown section of docs/benchmarks.md."""
    from datetime import datetime, timezone

    right, judged = judged_sample()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        START, "## Recommendations: extraction on real reports", "",
        f"Written by `scripts/benchmark_recommendations.py` on {when}; machine: {machine()}.", "",
        *_gold_line("First gold set, the fifth report and *Effective prevention* "
                    "([README](../tests/data/recommendations/README.md))", first),
        *_gold_line("Second gold set, the third report in English and Dutch (`gold_second.jsonl`)", second),
        f"- A random sample of {judged} records from the other realdocs files outside the held-out documents, "
        "judged by reading "
        f"([sample_judged.tsv](../tests/data/recommendations/sample_judged.tsv)): {right} right, "
        f"**precision {right / judged:.3f}**.",
        "", END])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work" / "recommendations")
    parser.add_argument("--semantic", action="store_true", help="Also embed (not needed for extraction).")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    first = run(args.shared, args.work, args.semantic)
    second = run(args.shared, args.work.with_name(args.work.name + "-second"), args.semantic, SECOND)
    (args.work.parent / "recommendations.json").write_text(
        json.dumps({"first": first, "second": second}, indent=2, ensure_ascii=False))
    write_section(args.output, section(first, second), START, END)
    for result in (first, second):
        print(json.dumps({k: v for k, v in result.items() if k not in ("spurious",)}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
