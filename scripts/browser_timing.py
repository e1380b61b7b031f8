"""Time Enter → first result card in a real browser on an existing knowledge base; add it to docs/benchmarks.md.

Usage: python scripts/browser_timing.py [--home bench-work/ingest-rate-onnx-int8] [--queries 30]
Runs tests/test_app_e2e.py with KB_E2E_HOME set (Debian's chromium, real model), reads test-output/e2e-timing.json
and writes the "Browser" section of docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERY_FILE = ROOT / "scripts" / "data" / "practitioner_queries.txt"
START, END = "<!-- browser-timing -->", "<!-- /browser-timing -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=ROOT / "bench-work" / "ingest-rate-onnx-int8")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--queries", type=int, default=30, help="the first N practitioners' queries, each typed once")
    args = parser.parse_args()
    queries = [line.strip() for line in QUERY_FILE.read_text().splitlines()
               if line.strip() and not line.startswith("#")][:args.queries]
    if not (args.home / "kb.sqlite").exists():
        sys.exit(f"{args.home} holds no knowledge base: run scripts/benchmark_ingest_rate.py first")
    env = {**os.environ, "KB_E2E_HOME": str(args.home.resolve()), "KB_E2E_QUERIES": json.dumps(queries)}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/test_app_e2e.py"], cwd=ROOT, env=env, check=True)
    timing = json.loads((ROOT / "test-output" / "e2e-timing.json").read_text())
    values = sorted(timing["enter_to_first_card_ms"])
    p95 = values[min(len(values) - 1, round(0.95 * len(values)))]
    section = "\n".join([
        START, "## Browser: Enter to the first result card", "",
        f"`scripts/browser_timing.py`: `kb serve` on `{args.home.name}` (the real documents, real model, hybrid "
        f"mode), headless Chromium driven by Playwright typing {len(values)} queries one after the other; time "
        "from pressing Enter to the first result card of the new search on screen (the app reruns, searches, renders; cards of the previous search, which Streamlit marks stale, do not count).", "",
        f"- median **{timing['median_ms']:.0f} ms**, p95 {p95:.0f} ms, slowest {values[-1]:.0f} ms (target: "
        "under 300 ms at the median)", "",
        "| query | ms |", "|---|---|",
        *[f"| {q} | {ms:.0f} |" for q, ms in zip(timing["queries"], timing["enter_to_first_card_ms"])],
        END])
    text = args.report.read_text() if args.report.exists() else "# Benchmarks\n"
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), section, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    args.report.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
