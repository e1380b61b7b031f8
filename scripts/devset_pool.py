"""Print the judging pool of development-set queries over a knowledge base of ../shared/realdocs.

For each query: the union of the top 15 documents of keyword, semantic and hybrid search, and the documents
with the most pages matching the query's evidence patterns (regular expressions in both languages, written by
the judge). Each line shows the document's id, language, year, title, how many of its pages match the
evidence and its rank in each mode, and the first matching sentence, so that the judge can read further in the
document before grading it (see tests/data/search/README.md for the grades).

    python scripts/devset_pool.py --home KB tests/data/search/devset_queries.jsonl [--only QID ...]
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
from pathlib import Path

from kb import KnowledgeBase

POOL_DEPTH = 15


def evidence_counts(db: Path, patterns: list[str]) -> dict[str, tuple[int, int, str]]:
    """Per document: pages matching any pattern, pages in all, and the first matching sentence."""
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    counts: dict[str, list] = {}
    with sqlite3.connect(db) as conn:
        for doc_id, text in conn.execute("SELECT doc_id, text FROM pages"):
            entry = counts.setdefault(doc_id, [0, 0, ""])
            entry[1] += 1
            for pattern in compiled:
                match = pattern.search(text)
                if match:
                    entry[0] += 1
                    if not entry[2]:
                        entry[2] = " ".join(text[max(0, match.start() - 80):match.end() + 80].split())
                    break
    return {d: (c[0], c[1], c[2]) for d, c in counts.items()}


def main() -> None:
    """Print each query's pool."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("queries", type=Path)
    parser.add_argument("--home", required=True)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    with KnowledgeBase(home=args.home) as kb:
        titles = {d: kb.get_document(d) for d in kb.doc_ids()}
        for line in args.queries.read_text(encoding="utf-8").splitlines():
            query = json.loads(line)
            if args.only and query["qid"] not in args.only:
                continue
            ranks: dict[str, dict[str, int]] = {}
            for mode in ("keyword", "semantic", "hybrid"):
                for rank, hit in enumerate(kb.search(query["text"], mode=mode, k=POOL_DEPTH).hits, start=1):
                    ranks.setdefault(hit.document.doc_id, {})[mode[0]] = rank
            evidence = evidence_counts(Path(args.home) / "kb.sqlite", query.get("evidence", []))
            strong = sorted((d for d in evidence if evidence[d][0]), key=lambda d: -evidence[d][0] / evidence[d][1])
            pool = list(dict.fromkeys([*ranks, *strong[:POOL_DEPTH]]))
            print(f"\n## {query['qid']} [{query.get('kind')}/{query.get('language')}] {query['text']}")
            for doc_id in pool:
                doc = titles[doc_id]
                hits, pages, sentence = evidence.get(doc_id, (0, 0, ""))
                marks = " ".join(f"{m}{r}" for m, r in ranks.get(doc_id, {}).items())
                print(f"{doc_id} {doc.language} {doc.year} {hits}/{pages} [{marks}] {doc.title[:70]!r} | {sentence[:160]}")


if __name__ == "__main__":
    main()
