"""Multi-valued fields ("Council of Europe; GRETA", "NL,BE") are split everywhere: facets, filters, the overview;
and the app says which language each passage is in."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb import KnowledgeBase

from .test_app import html_of, run_app


@pytest.fixture
def organisations(kb: KnowledgeBase, tmp_path: Path) -> KnowledgeBase:
    docs = {"coe.md": ("Council of Europe; GRETA", "NL, BE", "en"), "greta.md": ("GRETA", "NL", "en"),
            "iom.md": ("IOM", "BE;FR", "en"), "ministry.md": ("Ministry of Justice, Netherlands", "NL", "nl")}
    for name, (organisation, country, language) in docs.items():
        (tmp_path / name).write_text(f"---\ntitle: Shelter report {name}\norganisation: \"{organisation}\"\n"
                                     f"country: \"{country}\"\nlanguage: {language}\n---\n\nShelters for victims.\n")
    kb.ingest([tmp_path], workers=1)
    return kb


def test_facets_count_each_value(organisations: KnowledgeBase) -> None:
    facets = organisations.search("shelters", mode="keyword", facets=True).facets
    assert facets["organisation"] == {"GRETA": 2, "Council of Europe": 1, "IOM": 1,
                                      "Ministry of Justice, Netherlands": 1}  # a comma is part of a name
    assert facets["country"] == {"NL": 3, "BE": 2, "FR": 1}


def test_filters_match_one_of_the_values(organisations: KnowledgeBase) -> None:
    def titles(**filters: str) -> set[str]:
        hits = organisations.search("shelters", mode="keyword", filters=filters, k=10).hits
        return {h.document.title.rsplit(" ", 1)[1] for h in hits}

    assert titles(organisation="GRETA") == {"coe.md", "greta.md"}
    assert titles(organisation="council of europe") == {"coe.md"}
    assert titles(organisation="Council of Europe; GRETA") == {"coe.md"}  # the whole text still matches
    assert titles(organisation="Ministry of Justice, Netherlands") == {"ministry.md"}
    assert titles(organisation="Netherlands") == set()
    assert titles(country="BE") == {"coe.md", "iom.md"} and titles(country="FR") == {"iom.md"}


def test_the_overview_counts_each_value_and_sorts_by_documents(organisations: KnowledgeBase) -> None:
    by = organisations.overview()["by"]
    assert list(by["organisation"].items())[0] == ("GRETA", {"documents": 2, "pages": 2})
    assert set(by["organisation"]) == {"GRETA", "Council of Europe", "IOM", "Ministry of Justice, Netherlands"}
    assert [v["documents"] for v in by["country"].values()] == [3, 2, 1]


def test_the_app_shows_split_facets_and_the_language_of_each_passage(organisations: KnowledgeBase,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_HOME", str(organisations.home))
    at = run_app(q="shelters", mode="keyword")
    assert not at.exception
    options = [o for m in at.get("multiselect") for o in m.options]
    assert any(o.startswith("GRETA") for o in options) and not any("Council of Europe; GRETA" in o for o in options)
    body = html_of(at)
    assert "<span class='kb-lang'" in body and "Dutch</span>" in body and "English</span>" in body
    overview = run_app(view="overview")
    assert not overview.exception
    spec = json.loads(overview.get("vega_lite_chart")[0].proto.spec)  # by organisation, the first chart
    # horizontal bars: the organisations run down the side (names in full), the counts along the bottom
    y = spec["encoding"]["y"]
    assert y["title"] == "Organisation" and spec["encoding"]["x"]["type"] == "quantitative"
    assert y["axis"]["labelLimit"] == 0  # names in full, never cut
    # in the order given (most documents first), each organisation of a shared document on its own
    assert "GRETA" in y["sort"] and not any(";" in name for name in y["sort"])
