"""Saved searches over BEIR SciFact: the cost of a feed and of an alert run, and that alerts hold only new documents.

SciFact's abstracts are ingested as records (keyword search, no embeddings) but for the last --new of them; the first
--searches test queries are saved as searches; then the last abstracts are ingested. Measured: each feed's
generation (the facade's saved_search_feed: the search restricted to the newest max_results documents, newest first,
the Atom XML), and one `run_alerts` over every saved search (a dry run: nothing sent or recorded), with a check that
every document an alert names is one of the newly ingested. Writes its section of docs/benchmarks.md between
`<!-- alerts -->` markers. Not part of the tests.
Usage: python scripts/benchmark_alerts.py [--shared DIR] [--work DIR] [--new 100] [--searches 20]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb import KnowledgeBase, Settings  # noqa: E402
from kb.permissions import Actor  # noqa: E402
from kb.search.evaluation import read_queries  # noqa: E402
from scripts.benchmark import machine, percentile  # noqa: E402

START, END = "<!-- alerts -->", "<!-- /alerts -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work" / "alerts")
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--searches", type=int, default=20)
    args = parser.parse_args()
    folder = args.shared / "beir" / "scifact"
    if not folder.is_dir():
        sys.exit(f"{folder} is not there: give --shared")
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    lines = (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    old_file, new_file = args.work / "old.jsonl", args.work / "new.jsonl"
    old_file.write_text("\n".join(lines[:-args.new]) + "\n", encoding="utf-8")
    new_file.write_text("\n".join(lines[-args.new:]) + "\n", encoding="utf-8")
    settings = Settings.load({"home": str(args.work / "home"), "semantic": False, "ocr": "off"}, environ={})
    kb = KnowledgeBase(settings)
    kb.ingest([old_file], workers=2)
    actor = Actor("benchmark", "reader")
    queries = list(read_queries(folder / "queries.jsonl").values())[:args.searches]
    saved = [kb.save_search(actor, f"q{n}", text, "keyword") for n, text in enumerate(queries)]
    kb.ingest([new_file], workers=2)
    new_ids = {kb.resolve_document(f"{new_file}#{json.loads(line)['_id']}").doc_id for line in lines[-args.new:]}

    feed_ms, entries = [], []
    for _ in range(3):
        for s in saved:
            started = time.perf_counter()
            body = kb.saved_search_feed(s.saved_id, s.feed_key, "http://localhost:8501")
            feed_ms.append((time.perf_counter() - started) * 1000)
            entries.append(body.count(b"<entry>") if body else 0)
    started = time.perf_counter()
    run = kb.run_alerts(dry_run=True)
    run_s = time.perf_counter() - started
    named = [m.doc_id for d in run.deliveries for a in d.alerts for m in a.matches]
    outside = [d for d in named if d not in new_ids]
    stats = kb.stats()
    kb.close()
    write_section(ROOT / "docs" / "benchmarks.md", [
        f"Written by `scripts/benchmark_alerts.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: "
        f"{machine()}. BEIR SciFact: {stats['documents']:,} abstracts as records (keyword search, tantivy), the last "
        f"{args.new} ingested after {len(saved)} of its test queries were saved as searches.", "",
        "| measure | value |", "|---|---|",
        f"| feed generation, median | {statistics.median(feed_ms):.0f} ms |",
        f"| feed generation, p95 | {percentile(feed_ms, 95):.0f} ms |",
        f"| entries per feed, median (at most feed_entries = {settings.feed_entries}) | "
        f"{statistics.median(entries):.0f} |",
        f"| alert run over {len(saved)} saved searches (dry run) | {run_s:.2f} s |",
        f"| documents named by the alerts | {len(named)} ({len(set(named))} distinct) |",
        f"| of them not among the {args.new} newly ingested | {len(outside)} |", ""])
    print(f"feed median {statistics.median(feed_ms):.0f} ms, run {run_s:.2f} s, named {len(named)}, "
          f"outside {len(outside)}")


def write_section(path: Path, body: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    section = "\n".join([START, "## Saved searches: feeds and alert runs (SciFact)", "", *body, END])
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
