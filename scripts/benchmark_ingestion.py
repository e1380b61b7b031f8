"""Researchers' ingestion over ../shared/realdocs: metadata detection, translation and near-duplicate links,
and the reading speed of each format (generated PPTX/DOCX/HTML, OCR of generated scans).

Writes docs/ingestion-benchmark.md. Runs for several minutes (every real PDF is read in full); not a test.
Usage: python scripts/benchmark_ingestion.py [--shared DIR] [--work DIR] [--skip-links]
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.loaders import LoadOptions, loader_for  # noqa: E402
from ingest.pipeline import detect_file  # noqa: E402
from kb import KnowledgeBase, Settings  # noqa: E402

# The NL/EN parallel reports listed in realdocs/nl-national-rapporteur/SOURCES.md.
LISTED_PAIRS = [("P0134D01", "P0134D03"), ("P0137D01", "P0137D03"), ("P0138D01", "P0138D03"),
                ("P0136D02", "P0136D03"), ("P0131D01", "P0131D03"), ("P0125D01", "P0125D02"),
                ("P0109D02", "P0109D03"), ("P0104D01", "P0104D05"), ("P0110D01", "P0110D02"),
                ("P0042D01", "P0042D03")]


def bench_detection(realdocs: Path) -> dict:
    """Language and organisation of every PDF from its first 8 pages, against the folder's own metadata."""
    truth = {m["file"]: m for m in json.loads((realdocs / "nl-national-rapporteur" / "metadata.json").read_text())}
    options = LoadOptions(first_pages=8, ocr="off")
    rows = []
    started = time.perf_counter()
    for path in sorted(realdocs.rglob("*.pdf")):
        [doc] = detect_file(path, options).documents
        rows.append({"file": path.name, "folder": path.parent.name, "language": doc.language,
                     "organisation": doc.organisation, "doc_type": doc.doc_type, "symbol": doc.symbol,
                     "truth_language": truth.get(path.name, {}).get("language"),
                     "truth_type": truth.get(path.name, {}).get("doc_type_guess")})
    seconds = time.perf_counter() - started
    labelled = [r for r in rows if r["truth_language"]]
    correct = sum(r["language"] == r["truth_language"] for r in labelled)
    return {"files": len(rows), "seconds": seconds, "labelled": len(labelled), "language_correct": correct,
            "dutch": sum(r["truth_language"] == "nl" for r in labelled),
            "dutch_correct": sum(r["truth_language"] == "nl" and r["language"] == "nl" for r in labelled),
            "organisations": Counter((r["folder"], r["organisation"] or "(none)") for r in rows).most_common(),
            "doc_types": Counter(r["doc_type"] or "(none)" for r in rows).most_common(),
            "letters": (sum(r["truth_type"] == "letter" and r["doc_type"] == "letter" for r in labelled),
                        sum(r["truth_type"] == "letter" for r in labelled))}


def bench_links(realdocs: Path, work: Path) -> dict:
    """Ingest every real PDF (keyword index only) and compare the links found with the listed pairs."""
    home = work / "ingestion-links"
    shutil.rmtree(home, ignore_errors=True)
    with KnowledgeBase(Settings.load({"home": str(home), "semantic": False}, environ={})) as kb:
        started = time.perf_counter()
        report = kb.ingest(sorted(str(p) for p in realdocs.rglob("*.pdf")))
        seconds = time.perf_counter() - started
        docs = {d: kb.get_document(d) for d in kb.doc_ids()}
        name = {d: Path(doc.source).stem for d, doc in docs.items()}
        links = kb.related(list(docs))
        found = {}
        for doc_id, items in links.items():
            for other, kind, score in items:
                key = tuple(sorted((name[doc_id], name[other.doc_id])))
                found[key] = (kind, score, docs[doc_id].title if name[doc_id] == key[0] else other.title,
                              other.title if name[doc_id] == key[0] else docs[doc_id].title)
    translations = {k: v for k, v in found.items() if v[0] == "translation"}
    listed = {tuple(sorted(p)) for p in LISTED_PAIRS}
    return {"seconds": seconds, "pages": report.pages_indexed(), "added": report.counts()["added"],
            "translations": translations, "near_duplicates": {k: v for k, v in found.items()
                                                               if v[0] == "near-duplicate"},
            "listed_found": sorted(listed & set(translations)), "listed_missed": sorted(listed - set(translations)),
            "unlisted": sorted(set(translations) - listed)}


def bench_formats(work: Path) -> dict:
    """Pages per second of each loader on generated files, and OCR on generated scans."""
    sys.path.insert(0, str(ROOT))
    from tests.fixtures import ENGLISH_PAGES, make_pdf, make_scanned_text_pdf  # the test fixtures' generators

    folder = work / "formats"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    import docx
    from pptx import Presentation

    deck = Presentation()
    for i in range(200):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"Slide {i}: referral of presumed victims"
        slide.placeholders[1].text_frame.text = ENGLISH_PAGES[i % 3]
        slide.notes_slide.notes_text_frame.text = "Speaker notes: " + ENGLISH_PAGES[(i + 1) % 3]
    deck.save(str(folder / "deck.pptx"))
    document = docx.Document()
    for i in range(300):
        document.add_heading(f"Section {i}", level=1)
        document.add_paragraph(" ".join(ENGLISH_PAGES))
        document.add_page_break()
    document.save(str(folder / "long.docx"))
    paragraphs = "".join(f"<h2>Part {i}</h2><p>{' '.join(ENGLISH_PAGES)}</p>" for i in range(300))
    (folder / "page.html").write_text(f"<html><body><nav>Menu</nav><main>{paragraphs}</main>"
                                      "<footer>Footer</footer></body></html>")
    make_pdf(folder / "text.pdf", ENGLISH_PAGES * 100)
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    scan = make_scanned_text_pdf(folder / "scan1.pdf", ["Trafficking in human beings"] + ENGLISH_PAGES[0].split(". "))
    for _ in range(5):
        writer.append(PdfReader(str(scan)))
    with (folder / "scans.pdf").open("wb") as handle:
        writer.write(handle)
    results = {}
    for name, options in (("deck.pptx", LoadOptions()), ("long.docx", LoadOptions()), ("page.html", LoadOptions()),
                          ("text.pdf", LoadOptions()), ("scans.pdf", LoadOptions(ocr="auto"))):
        path = folder / name
        started = time.perf_counter()
        [doc] = list(loader_for(path).load(path, options))
        seconds = time.perf_counter() - started
        results[name] = (len(doc.pages), seconds)
    return results


def write_report(path: Path, detection: dict, links: dict | None, formats: dict) -> None:
    lines = ["# Ingestion benchmark", "",
             f"Written by `scripts/benchmark_ingestion.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
             f"{platform.processor() or platform.machine()}, Python {platform.python_version()}.", "",
             "## Metadata detection over ../shared/realdocs (first 8 pages of each PDF)", "",
             f"- {detection['files']} PDFs in {detection['seconds']:.0f} s "
             f"({detection['seconds'] / detection['files'] * 1000:.0f} ms per file).",
             f"- Language: {detection['language_correct']} of {detection['labelled']} files labelled in "
             f"`metadata.json` correct; Dutch: {detection['dutch_correct']} of {detection['dutch']}.",
             f"- Letters recognised as `letter`: {detection['letters'][0]} of {detection['letters'][1]} "
             "labelled letters.", "", "| folder | organisation | files |", "|---|---|---|"]
    lines += [f"| {folder} | {org} | {n} |" for (folder, org), n in detection["organisations"]]
    lines += ["", "Document types: " + ", ".join(f"{t} {n}" for t, n in detection["doc_types"]), ""]
    if links is not None:
        lines += ["## Translations and near-duplicates (every real PDF ingested, keyword index only)", "",
                  f"- {links['added']} documents, {links['pages']} pages in {links['seconds']:.0f} s "
                  f"({links['pages'] / links['seconds']:.1f} pages/s, fingerprints included).",
                  f"- Listed NL/EN pairs linked as translations: {len(links['listed_found'])} of "
                  f"{len(LISTED_PAIRS)}; missed: {', '.join('/'.join(p) for p in links['listed_missed']) or 'none'}.",
                  f"- Further translation links (not in the list; titles below for checking): "
                  f"{len(links['unlisted'])}.", "", "| pair | score | titles |", "|---|---|---|"]
        for key, (kind, score, first, second) in sorted(links["translations"].items(), key=lambda kv: -kv[1][1]):
            mark = "" if key in set(links["listed_found"]) else " (not listed)"
            lines.append(f"| {key[0]} / {key[1]}{mark} | {score:.2f} | {first[:50]} / {second[:50]} |")
        lines += ["", f"Near-duplicates flagged: {len(links['near_duplicates'])}."]
        for key, (kind, score, first, second) in links["near_duplicates"].items():
            lines.append(f"- {key[0]} / {key[1]} ({score:.2f}): {first[:60]} / {second[:60]}")
        lines.append("")
    lines += ["## Reading speed by format (generated files)", "", "| file | pages | seconds | pages/s |",
              "|---|---|---|---|"]
    for name, (pages, seconds) in formats.items():
        lines.append(f"| {name} | {pages} | {seconds:.2f} | {pages / seconds:.1f} |")
    lines += ["", "`scans.pdf` is five image-only pages read by Tesseract (eng+nld+fra+deu, 300 dpi).", ""]
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--skip-links", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "ingestion-benchmark.md")
    args = parser.parse_args()
    realdocs = args.shared / "realdocs"
    if not realdocs.is_dir():
        sys.exit(f"{realdocs} not found: this benchmark needs ../shared/realdocs")
    args.work.mkdir(parents=True, exist_ok=True)
    detection = bench_detection(realdocs)
    print(f"detection: {detection['language_correct']}/{detection['labelled']} languages", flush=True)
    links = None if args.skip_links else bench_links(realdocs, args.work)
    formats = bench_formats(args.work)
    write_report(args.output, detection, links, formats)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
