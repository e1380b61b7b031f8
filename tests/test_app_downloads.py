"""“Download results” on the search page: the current results with their best passages and page links, through the
reading lists' exporters."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import bibtexparser
import rispy

from kb import KnowledgeBase, Settings
from kb.webapp.downloads import LABELS, results_file
from kb.webapp.state import SearchState

from .test_app import app_home, run_app  # noqa: F401  (the fixture)


def test_the_search_page_offers_the_results_in_every_format(app_home: Path) -> None:
    at = run_app(q="greenhouses", mode="keyword")
    labels = {element.proto.label for element in at.get("download_button")}
    assert labels == set(LABELS.values())


def test_a_downloaded_result_set_holds_the_results_with_their_passages_and_page_links(app_home: Path) -> None:
    state = SearchState(query="greenhouses", mode="keyword")
    with KnowledgeBase(Settings.load({"home": str(app_home)})) as kb:
        expected = [hit.document.title for hit in kb.search("greenhouses", mode="keyword", k=200).hits]
        rows = list(csv.DictReader(io.StringIO(results_file(kb, state, "keyword", "csv",
                                                            "https://kb.example.org")().decode("utf-8-sig"))))
        bib = bibtexparser.parse_string(results_file(kb, state, "keyword", "bibtex", "https://kb.example.org")()
                                        .decode())
        ris = rispy.loads(results_file(kb, state, "keyword", "ris", "https://kb.example.org")().decode())
    assert expected and [row["title"] for row in rows] == expected
    assert all("greenhouse" in row["passage"].lower() for row in rows)
    assert all(row["link"].startswith("https://kb.example.org/") and row["page"] for row in rows)
    assert len(bib.entries) == len(ris) == len(expected)
