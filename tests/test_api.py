"""The JSON API under /api/v1, through a real HTTP server and client (httpx): every endpoint, in each role."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from click.testing import CliRunner

from kb import KnowledgeBase, Settings
from kb.cli import main

from .api_server import role_headers, serving
from .conftest import FAST
from .fixtures import ENGLISH_PAGES, make_corpus, make_pdf

# request headers with a real API token of an account in each role, made by the `served` fixture
READER: dict[str, str] = {}
RESEARCHER: dict[str, str] = {}
ADMIN: dict[str, str] = {}
GRETA = {"title": "Evaluation report on Greece", "organisation": "GRETA", "organisation_name": "Council of Europe – "
         "GRETA", "year": 2023, "symbol": "GRETA(2023)05", "language": "en", "doc_type": "evaluation-report"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeBase, httpx.Client, dict[str, str]]]:
    """A knowledge base of the generated corpus and a GRETA report, served over HTTP; the ids of the documents."""
    folder = tmp_path_factory.mktemp("api")
    files = make_corpus(folder / "corpus")
    report = make_pdf(folder / "corpus" / "greta.pdf", ENGLISH_PAGES, title=GRETA["title"])
    (folder / "corpus" / "greta.pdf.meta.json").write_text(json.dumps(GRETA))
    kb = KnowledgeBase(Settings.load({"home": str(folder / "home"), **FAST}, environ={}))
    kb.ingest([folder / "corpus"], workers=1)
    ids = {name: kb.resolve_document(str(path)).doc_id for name, path in files.items() if name != "records"}
    ids["greta"] = kb.resolve_document(str(report)).doc_id
    headers = role_headers(kb)
    READER.update(headers["reader"]), RESEARCHER.update(headers["researcher"]), ADMIN.update(headers["admin"])
    with serving(kb) as base, httpx.Client(base_url=base + "/api/v1", timeout=60) as client:
        yield kb, client, ids
    kb.close()


def error_of(response: httpx.Response) -> dict:
    """The error object of an error answer (which is JSON, never a traceback)."""
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert "Traceback" not in response.text
    return body["error"]


# ----- search ----------------------------------------------------------------------------------------------------
def test_search_answers_what_kb_search_json_prints(served) -> None:
    kb, client, ids = served
    answer = client.get("/search", params={"q": "compensation for victims", "mode": "keyword", "k": 5})
    assert answer.status_code == 200
    printed = CliRunner().invoke(main, ["--home", str(kb.home), "search", "compensation for victims", "--mode",
                                        "keyword", "--k", "5", "--json"], env={"KB_EMBEDDER": "hashing"})
    assert printed.exit_code == 0, printed.output
    expected = json.loads(printed.output)
    got = answer.json()
    for volatile in ("took_ms",):
        got.pop(volatile), expected.pop(volatile)
    assert got == expected
    assert got["results"][0]["passages"][0]["page"] == 3  # the page on compensation


def test_search_modes_filters_facets_paging_and_translation(served) -> None:
    kb, client, ids = served
    both = client.get("/search", params={"q": "victims", "mode": "keyword", "k": 2, "facets": "true"}).json()
    assert both["facets"]["organisation"].get("GRETA") == 1
    second = client.get("/search", params={"q": "victims", "mode": "keyword", "k": 1, "offset": 1}).json()
    assert second["offset"] == 1 and second["results"][0]["doc_id"] == both["results"][1]["doc_id"]
    only = client.get("/search", params={"q": "victims", "mode": "keyword", "filter": "organisation=GRETA"}).json()
    assert [r["doc_id"] for r in only["results"]] == [ids["greta"]]
    years = client.get("/search", params={"q": "victims", "mode": "keyword", "filter": ["year=2020..2023"]}).json()
    assert {r["doc_id"] for r in years["results"]} == {ids["greta"]}
    for mode in ("semantic", "meaning", "hybrid"):
        assert client.get("/search", params={"q": "victims", "mode": mode}).json()["results"]
    translated = client.get("/search", params={"q": "compensation for victims", "mode": "hybrid"}).json()
    plain = client.get("/search", params={"q": "compensation for victims", "mode": "hybrid",
                                          "translate": "false"}).json()
    assert translated["query_plan"]["expansion"] and "nl" in translated["query_plan"]["expansion_languages"]
    assert not plain["query_plan"].get("expansion")


def test_search_keeps_the_apps_limits(served) -> None:
    kb, client, _ = served
    too_many = client.get("/search", params={"q": "victims", "k": 100, "offset": 100})
    assert too_many.status_code == 200 and too_many.json()["results"] == []  # 200 in all: max_results
    monkeypatch_limit = kb.settings._values["max_results"]
    kb.settings._values["max_results"] = 150
    try:
        too_many = client.get("/search", params={"q": "victims", "k": 100, "offset": 100})
    finally:
        kb.settings._values["max_results"] = monkeypatch_limit
    assert too_many.status_code == 400 and "max_results" in error_of(too_many)["message"]
    wordy = client.get("/search", params={"q": "victims " * 120})
    assert wordy.status_code == 400 and error_of(wordy)["code"] == "query_limit"
    assert "max_query_terms" in error_of(wordy)["message"]
    long = client.get("/search", params={"q": "v" * 2001})
    assert long.status_code == 422 and "q" in error_of(long)["message"]
    bad_filter = client.get("/search", params={"q": "victims", "filter": "organisation"})
    assert bad_filter.status_code == 400 and "FIELD=VALUE" in error_of(bad_filter)["message"]
    huge_year = client.get("/recommendations/grid", params={"filter": "year=99999999999999999999"})
    assert huge_year.status_code == 400 and "not a year" in error_of(huge_year)["message"]  # found by schemathesis
    bad_mode = client.get("/search", params={"q": "victims", "mode": "fuzzy"})
    assert bad_mode.status_code == 422 and "mode" in error_of(bad_mode)["message"]


def test_result_sets_download_through_the_list_exporters_with_page_links(served) -> None:
    import bibtexparser
    import rispy

    kb, client, ids = served
    params = {"q": "compensation for victims", "mode": "keyword"}
    rows = list(csv.DictReader(io.StringIO(client.get("/search/export", params={**params, "format": "csv"}).text)))
    results = client.get("/search", params={**params, "k": 50}).json()["results"]
    assert [r["doc_id"] for r in rows] == [r["doc_id"] for r in results]
    greta = next(r for r in rows if r["doc_id"] == ids["greta"])
    assert greta["page"] == "3" and "Courts should order traffickers" in greta["passage"]
    assert greta["link"].startswith("http://127.0.0.1:") and greta["link"].endswith(f"/originals/{ids['greta']}#page=3")
    assert greta["organisation"] == GRETA["organisation_name"] and greta["symbol"] == "GRETA(2023)05"
    bib = client.get("/search/export", params={**params, "format": "bibtex"})
    assert bib.headers["content-type"].startswith("application/x-bibtex")
    assert "attachment" in bib.headers["content-disposition"]
    entries = bibtexparser.parse_string(bib.text).entries
    assert len(entries) == len(rows) and any(e.fields_dict["number"].value == r"GRETA(2023)05" for e in entries
                                             if "number" in e.fields_dict)
    ris = rispy.loads(client.get("/search/export", params={**params, "format": "ris"}).text)
    assert any(f"originals/{ids['greta']}#page=3" in " ".join(r.get("notes", [])) for r in ris)
    csl = json.loads(client.get("/search/export", params={**params, "format": "csl-json"}).text)
    assert {e["title"] for e in csl} >= {GRETA["title"]}
    briefing = client.get("/search/export", params={**params, "format": "markdown"}).text
    assert briefing.startswith("# Search results: compensation for victims") and "#page=3>" in briefing
    one = client.get("/search/export", params={**params, "format": "csv", "k": 1}).text
    assert len(list(csv.DictReader(io.StringIO(one)))) == 1


def test_result_set_download_stops_at_max_export_results(served, monkeypatch: pytest.MonkeyPatch) -> None:
    kb, client, _ = served
    monkeypatch.setitem(kb.settings._values, "max_export_results", 2)
    rows = list(csv.DictReader(io.StringIO(client.get("/search/export", params={
        "q": "victims trafficking", "mode": "keyword", "format": "csv", "k": 50}).text)))
    assert len(rows) == 2


def test_result_set_cells_cannot_run_as_spreadsheet_formulas(served) -> None:
    kb, client, ids = served
    CliRunner().invoke(main, ["--home", str(kb.home), "meta", ids["dutch"], "title==HYPERLINK(\"http://x\")"],
                       env={"KB_EMBEDDER": "hashing"})
    try:
        rows = list(csv.DictReader(io.StringIO(client.get("/search/export", params={
            "q": "schadevergoeding", "mode": "keyword", "format": "csv"}).text)))
        assert rows[0]["title"].startswith("'=")
    finally:
        CliRunner().invoke(main, ["--home", str(kb.home), "meta", ids["dutch"], "title=Rapportage mensenhandel"],
                           env={"KB_EMBEDDER": "hashing"})


# ----- caching ---------------------------------------------------------------------------------------------------
def test_reading_answers_carry_the_generation_as_etag_and_304_until_it_changes(served) -> None:
    kb, client, ids = served
    first = client.get(f"/documents/{ids['english']}")
    tag = first.headers["etag"]
    assert tag == f'W/"g{kb.generation()}"' and first.headers["vary"].startswith("Authorization")
    again = client.get(f"/documents/{ids['english']}", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert client.get("/search", params={"q": "victims"}, headers={"If-None-Match": tag}).status_code == 304
    changed = client.patch(f"/documents/{ids['english']}/metadata", json={"values": {"country": "NL"}},
                           headers=RESEARCHER)
    assert changed.status_code == 200 and changed.json()["metadata"]["country"] == "NL"
    fresh = client.get(f"/documents/{ids['english']}", headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != tag
    assert fresh.json()["fields"]["country"]["source"] == "correction"


# ----- documents -------------------------------------------------------------------------------------------------
def test_document_metadata_with_evidence_pages_and_passages(served) -> None:
    kb, client, ids = served
    doc = client.get(f"/documents/{ids['greta']}").json()
    assert doc["title"] == GRETA["title"] and doc["metadata"]["symbol"] == "GRETA(2023)05"
    assert doc["fields"]["organisation"] == {"value": "GRETA", "source": "sidecar", "evidence": doc["fields"][
        "organisation"]["evidence"]}
    assert doc["links"] == {"landing": f"/d/{ids['greta']}", "original": f"/originals/{ids['greta']}"}
    pages = client.get(f"/documents/{ids['greta']}/pages", params={"start": 2, "limit": 1}).json()
    assert pages["total_pages"] == 3 and [p["number"] for p in pages["pages"]] == [2]
    assert pages["pages"][0]["text"].startswith("Identification of victims")
    assert client.get(f"/documents/{ids['greta']}/pages/3").json()["text"].startswith("Compensation for victims")
    missing = client.get(f"/documents/{ids['greta']}/pages/9")
    assert missing.status_code == 404 and "has no page 9" in error_of(missing)["message"]
    passages = client.get(f"/documents/{ids['greta']}/passages", params={"q": "damages", "mode": "keyword"}).json()
    assert [p["page"] for p in passages["passages"]] == [3]
    text = passages["passages"][0]["text"]
    assert [text[s:e].lower() for s, e in passages["passages"][0]["highlights"]] == ["damages"]
    assert client.get(f"/documents/{ids['greta']}/pages", params={"limit": 101}).status_code == 422
    unknown = client.get("/documents/0123456789abcdef")
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "not_found"
    assert client.get("/documents/not-an-id").status_code == 422


def test_similar_documents_and_translations(served) -> None:
    kb, client, ids = served
    similar = client.get(f"/documents/{ids['english']}/similar", params={"k": 3}).json()
    found = [r["doc_id"] for r in similar["results"]]
    assert found and ids["english"] not in found and len(found) <= 3
    assert ids["greta"] not in found  # the same text: a near-duplicate, not a similar document
    related = client.get(f"/documents/{ids['english']}/translations").json()["related"]
    assert {r["doc_id"]: r["kind"] for r in related}.get(ids["greta"]) == "near-duplicate"


def test_originals_follow_the_apps_rules(served) -> None:
    kb, client, ids = served
    pdf = client.get(f"/documents/{ids['greta']}/original")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.headers["content-security-policy"].startswith("sandbox")
    markdown = client.get(f"/documents/{ids['markdown']}/original")
    assert markdown.headers["content-disposition"].startswith("attachment")
    assert markdown.headers["content-security-policy"].startswith("sandbox")


# ----- recommendations, topics, thesaurus, statistics ------------------------------------------------------------
def test_recommendations_their_grid_and_paging(served) -> None:
    kb, client, ids = served
    every = client.get("/recommendations", params={"limit": 500}).json()
    assert every["total"] == len(kb.recommendations(None))
    assert client.get("/recommendations/grid").json()["cells"] == [
        {"country": c, "topic": t, "count": n} for (c, t), n in sorted(kb.recommendation_grid(None).items())]
    found = client.get("/recommendations", params={"q": "courts should order compensation", "limit": 5}).json()
    assert found["total"] <= 5 and all(r["doc_id"] in ids.values() for r in found["recommendations"])
    past = client.get("/recommendations", params={"q": "compensation", "offset": 200, "limit": 5})
    assert past.status_code == 200 and past.json()["recommendations"] == []  # a query ranks max_results at most


def test_topics_thesaurus_statistics_and_overview(served) -> None:
    kb, client, ids = served
    topics = {t["id"]: t for t in client.get("/topics").json()["topics"]}
    assert topics["compensation"]["label"] == kb.topics()["compensation"]
    assert topics["compensation"]["documents"] == kb.overview()["by"]["topic"]["compensation"]["documents"]
    docs = client.get("/topics/compensation/documents").json()["documents"]
    years = [d.get("year") for d in docs]
    assert ids["greta"] in {d["doc_id"] for d in docs} and years == sorted(years, reverse=True)  # newest first
    assert client.get("/topics/no-such-topic/documents").status_code == 404
    concepts = client.get("/thesaurus/concepts", params={"text": "compensation for victims"}).json()["concepts"]
    assert {"compensation", "victim"} <= {c["id"] for c in concepts}
    assert any("schadevergoeding" in c["labels"].get("nl", []) for c in concepts)
    stats = client.get("/stats").json()
    assert (stats["documents"], stats["pages"]) == (kb.stats()["documents"], kb.stats()["pages"])
    assert "home" not in stats  # where the data lives stays on the server
    overview = client.get("/overview", params={"recent": 2}).json()
    assert overview["by"]["organisation"]["GRETA"]["documents"] == 1 and len(overview["recent"]) == 2


# ----- reading lists ---------------------------------------------------------------------------------------------
def test_reading_lists_built_reordered_annotated_and_exported_with_a_token(served) -> None:
    import bibtexparser
    import rispy

    kb, client, ids = served
    assert client.post("/lists", json={"name": "Greece", "description": "For the NRM"}, headers=RESEARCHER
                       ).status_code == 201
    taken = client.post("/lists", json={"name": "Greece"}, headers=RESEARCHER)
    assert taken.status_code == 409 and error_of(taken)["code"] == "conflict"
    first = client.post("/lists/Greece/items", json={"doc_id": ids["greta"], "note": "key findings"},
                        headers=RESEARCHER).json()["item_id"]
    second = client.post("/lists/Greece/items", json={"doc_id": ids["dutch"], "page": 2, "passage": "Slachtoffers …",
                                                      "query": "schadevergoeding"}, headers=RESEARCHER).json()["item_id"]
    moved = client.patch(f"/lists/Greece/items/{second}", json={"position": 1, "note": "Dutch"}, headers=RESEARCHER)
    assert [(i["item_id"], i["note"]) for i in moved.json()["items"]] == [(second, "Dutch"), (first, "key findings")]
    shown = client.get("/lists/Greece", headers=RESEARCHER)
    assert shown.json()["description"] == "For the NRM" and "etag" in shown.headers
    cached = client.get("/lists/Greece", headers={**RESEARCHER, "If-None-Match": shown.headers["etag"]})
    assert cached.status_code == 304
    bibtex = client.get("/lists/Greece/export", params={"format": "bibtex"}, headers=RESEARCHER).text
    entries = bibtexparser.parse_string(bibtex).entries
    assert [e.fields_dict["title"].value for e in entries][1] == GRETA["title"]
    ris = rispy.loads(client.get("/lists/Greece/export", params={"format": "ris"}, headers=RESEARCHER).text)
    assert ris[0]["start_page"] == "2"
    for fmt in ("markdown", "csv", "csl-json"):
        answer = client.get("/lists/Greece/export", params={"format": fmt}, headers=RESEARCHER)
        assert answer.status_code == 200 and GRETA["title"] in answer.text
    assert client.delete(f"/lists/Greece/items/{first}", headers=RESEARCHER).status_code == 204
    assert [i["item_id"] for i in client.get("/lists/Greece", headers=RESEARCHER).json()["items"]] == [second]
    assert client.delete(f"/lists/Greece/items/{first}", headers=RESEARCHER).status_code == 404
    assert client.patch("/lists/Greece", json={"new_name": "Greece 2024"}, headers=RESEARCHER).status_code == 200
    assert client.get("/lists/Greece", headers=RESEARCHER).status_code == 404
    assert client.delete("/lists/Greece 2024", headers=RESEARCHER).status_code == 204
    assert "Greece 2024" not in {e["name"] for e in kb.reading_lists()}
    assert client.get("/lists/Greece 2024", headers=RESEARCHER).status_code == 404


def test_reading_lists_by_role(served) -> None:
    kb, client, ids = served
    anonymous = client.post("/lists", json={"name": "Mine"})
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
    made = client.post("/lists", json={"name": "Readers'"}, headers=READER)
    assert made.status_code == 201 and made.json()["owner"] == "rita" and made.json()["shared"] is False
    # private: its owner sees it; nobody else learns it exists (404, not 403), whatever their role
    assert any(e["name"] == "Readers'" for e in client.get("/lists", headers=READER).json()["lists"])
    for headers in ({}, RESEARCHER, ADMIN):
        assert all(e["name"] != "Readers'" for e in client.get("/lists", headers=headers).json()["lists"])
        for answer in (client.get("/lists/Readers'", headers=headers),
                       client.get("/lists/Readers'/export", params={"format": "csv"}, headers=headers),
                       client.post("/lists/Readers'/items", json={"doc_id": ids["greta"]}, headers=headers)):
            assert answer.status_code == (401 if not headers and answer.request.method == "POST" else 404)
    assert client.post("/lists/Readers'/items", json={"doc_id": ids["greta"], "note": "case 12"},
                       headers=READER).status_code == 201
    # sharing a list takes the researcher role; readers keep their own lists private
    denied = client.patch("/lists/Readers'", json={"shared": True}, headers=READER)
    assert denied.status_code == 403 and error_of(denied)["code"] == "forbidden"
    shared = client.post("/lists", json={"name": "Team", "shared": True}, headers=RESEARCHER)
    assert shared.status_code == 201 and shared.json()["shared"] is True
    assert client.post("/lists", json={"name": "Team"}, headers=RESEARCHER).status_code == 409
    # a shared list: everyone allowed in reads it; its owner and researchers change it, readers may not
    assert client.get("/lists/Team").status_code == 200
    assert client.get("/lists/Team", headers=READER).json()["may_change"] is False
    assert client.post("/lists/Team/items", json={"doc_id": ids["greta"]}, headers=READER).status_code == 403
    assert client.post("/lists/Team/items", json={"doc_id": ids["greta"]}).status_code == 401
    assert client.post("/lists/Team/items", json={"doc_id": ids["greta"]}, headers=ADMIN).status_code == 201
    assert client.post("/lists/Team/items", json={"doc_id": "0123456789abcdef"},
                       headers=RESEARCHER).status_code == 404
    # the same name for two owners: a reader's own list comes first, ?owner= picks another
    assert client.post("/lists", json={"name": "Team"}, headers=READER).status_code == 201
    assert client.get("/lists/Team", headers=READER).json()["owner"] == "rita"
    assert client.get("/lists/Team", params={"owner": "rob"}, headers=READER).json()["owner"] == "rob"
    assert client.get("/lists/Team").json()["owner"] == "rob"  # anonymous visitors see the shared one only
    assert client.delete("/lists/Team", params={"owner": "rob"}, headers=READER).status_code == 403
    assert client.delete("/lists/Team", params={"owner": "rob"}, headers=RESEARCHER).status_code == 204
    assert client.delete("/lists/Team", headers=READER).status_code == 204
    assert client.delete("/lists/Readers'", headers=READER).status_code == 204
    # every change is in the audit trail as the token's account's, made through the API
    trail = [(e["user"], e["action"], e["target"]) for e in kb.accounts.audit(since="2000-01-01")
             if e["target"] in ("Readers'", "Team")]
    assert ("rita", "list.create", "Readers'") in trail and ("rob", "list.create", "Team") in trail
    assert ("rob", "list.delete", "Team") in trail and ("rita", "list.delete", "Readers'") in trail
    assert all(e["via"] == "api" for e in kb.accounts.audit(since="2000-01-01") if e["user"] in ("rita", "rob")
               and e["target"] in ("Readers'", "Team"))


# ----- saved searches --------------------------------------------------------------------------------------------
def test_saved_searches_are_their_owners_and_their_feeds_show_what_newly_matches(served, tmp_path: Path) -> None:
    import feedparser

    kb, client, ids = served
    body = {"name": "Cannabis farms", "q": "forced criminality cannabis", "mode": "keyword",
            "filter": ["language=en"], "email": "rita@example.org"}
    assert client.post("/saved-searches", json=body).status_code == 401
    saved = client.post("/saved-searches", json=body, headers=READER)
    assert saved.status_code == 201, saved.text
    mine = saved.json()
    assert (mine["owner"], mine["query"], mine["mode"], mine["filters"]) == ("rita", body["q"], "keyword",
                                                                           {"language": ["en"]})
    assert [s["id"] for s in client.get("/saved-searches", headers=READER).json()["saved_searches"]] == [mine["id"]]
    assert client.post("/saved-searches", json=body, headers=READER).status_code == 409  # the name is taken
    # another account neither lists it nor reaches it by its id
    assert client.get("/saved-searches", headers=RESEARCHER).json()["saved_searches"] == []
    for answer in (client.get(f"/saved-searches/{mine['id']}", headers=RESEARCHER),
                   client.delete(f"/saved-searches/{mine['id']}", headers=RESEARCHER)):
        assert answer.status_code == 404 and error_of(answer)["code"] == "not_found"
    assert client.post("/saved-searches", json={**body, "mode": "sideways"}, headers=READER).status_code == 422
    # the feed: its newest matches by ingestion time; a matching document that comes in leads it
    feed_url = client.get(f"/saved-searches/{mine['id']}", headers=READER).json()["feed_url"]
    before = [e.link for e in feedparser.parse(httpx.get(feed_url).content).entries]
    pdf = make_pdf(tmp_path / "criminality.pdf", ["Forced criminality\nChildren are made to tend cannabis farms."])
    added = client.post("/documents/upload", params={"filename": "criminality.pdf"}, content=pdf.read_bytes(),
                        headers=RESEARCHER).json()["items"][0]["doc_id"]
    entries = feedparser.parse(httpx.get(feed_url).content).entries
    assert not any(added in link for link in before) and entries[0].link.endswith(f"/d/{added}")
    # a new secret: the old address stops working
    rotated = client.post(f"/saved-searches/{mine['id']}/feed-secret", headers=READER).json()["feed_url"]
    assert rotated != feed_url and httpx.get(feed_url).status_code == 404 and httpx.get(rotated).status_code == 200
    assert client.delete(f"/saved-searches/{mine['id']}", headers=READER).status_code == 204
    assert httpx.get(rotated).status_code == 404
    assert client.get(f"/saved-searches/{mine['id']}", headers=READER).status_code == 404
    client.delete(f"/documents/{added}", headers=RESEARCHER)


# ----- researchers -----------------------------------------------------------------------------------------------
def test_upload_correct_and_remove_need_the_researcher_role(served, tmp_path: Path) -> None:
    kb, client, ids = served
    pdf = make_pdf(tmp_path / "uploaded.pdf", ["Forced criminality\nChildren are made to steal and sell drugs "
                                               "in cannabis farms; prosecutors should not punish them."])
    data = pdf.read_bytes()
    assert client.post("/documents/upload", params={"filename": "u.pdf"}, content=data).status_code == 401
    assert client.post("/documents/upload", params={"filename": "u.pdf"}, content=data,
                       headers=READER).status_code == 403
    assert client.post("/documents/upload", params={"filename": "../../uploaded.pdf"}, content=data,
                       headers=RESEARCHER).status_code == 422  # no folders in a file's name
    report = client.post("/documents/upload", params={"filename": "uploaded.pdf"}, content=data,
                         headers=RESEARCHER)
    assert report.status_code == 200 and report.json()["items"][0]["status"] == "added"
    doc_id = report.json()["items"][0]["doc_id"]
    assert (kb.home / "uploads").resolve() in Path(kb.get_document(doc_id).source).resolve().parents
    hits = client.get("/search", params={"q": '"cannabis farms"', "mode": "keyword"}).json()["results"]
    assert [h["doc_id"] for h in hits] == [doc_id]
    assert client.patch(f"/documents/{doc_id}/metadata", json={"values": {"year": 2021}},
                        headers=READER).status_code == 403
    corrected = client.patch(f"/documents/{doc_id}/metadata", json={"values": {"year": 2021, "symbol": None}},
                             headers=RESEARCHER)
    assert corrected.json()["metadata"]["year"] == 2021
    bad = client.patch(f"/documents/{doc_id}/metadata", json={"values": {"bad field!": "x"}}, headers=RESEARCHER)
    assert bad.status_code == 422 and "bad field" in error_of(bad)["message"]
    assert client.delete(f"/documents/{doc_id}", headers=READER).status_code == 403
    removed = client.delete(f"/documents/{doc_id}", headers=RESEARCHER)
    assert removed.json()["doc_id"] == doc_id
    assert client.get(f"/documents/{doc_id}").status_code == 404
    assert client.get(f"/documents/{doc_id}/original").status_code == 404
    assert client.get("/search", params={"q": '"cannabis farms"', "mode": "keyword"}).json()["results"] == []
    trail = [(e["user"], e["via"], e["action"]) for e in kb.accounts.audit(since="2000-01-01")
             if e["target"] == doc_id]
    assert trail == [("rob", "api", "upload"), ("rob", "api", "correct"), ("rob", "api", "remove")]


def test_uploads_are_bounded_and_checked(served, monkeypatch: pytest.MonkeyPatch) -> None:
    kb, client, _ = served
    monkeypatch.setitem(kb.settings._values, "max_file_mb", 0.01)  # about 10 KB
    big = client.post("/documents/upload", params={"filename": "big.pdf"}, content=b"%PDF-" + b"0" * 20000,
                      headers=RESEARCHER)
    assert big.status_code == 413 and "max_file_mb" in error_of(big)["message"]

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"0" * 1000
    streamed = client.post("/documents/upload", params={"filename": "big.pdf"}, content=chunks(), headers=RESEARCHER)
    assert streamed.status_code == 413
    odd = client.post("/documents/upload", params={"filename": "tool.exe"}, content=b"MZ", headers=RESEARCHER)
    assert odd.status_code == 415 and ".pdf" in error_of(odd)["message"]
    empty = client.post("/documents/upload", params={"filename": "e.pdf"}, content=b"", headers=RESEARCHER)
    assert empty.status_code == 400


def test_ingest_by_url_takes_only_web_addresses_and_the_role(served) -> None:
    kb, client, _ = served
    assert client.post("/documents/ingest", json={"url": "https://example.org/a.pdf"}, headers=READER
                       ).status_code == 403
    local = client.post("/documents/ingest", json={"url": "file:///etc/passwd"}, headers=RESEARCHER)
    assert local.status_code == 422 and "url" in error_of(local)["message"]


def test_ingest_by_url_downloads_and_indexes(served, tmp_path: Path) -> None:
    from .http_site import Site

    kb, client, _ = served
    site = Site(tmp_path)
    try:
        answer = client.post("/documents/ingest", json={"url": f"{site.base}/direct.pdf"}, headers=RESEARCHER)
    finally:
        site.close()
    item = answer.json()["items"][0]
    assert answer.status_code == 200 and item["status"] == "added", item.get("reason")
    assert kb.get_document(item["doc_id"]).extra["url"] == f"{site.base}/direct.pdf"
    client.delete(f"/documents/{item['doc_id']}", headers=RESEARCHER)


# ----- roles --------------------------------------------------------------------------------------------------
def test_every_endpoint_group_answers_each_role_as_the_permissions_say(served) -> None:
    kb, client, ids = served
    doc, missing = ids["english"], "0123456789abcdef"
    # (method, path, keywords, status for anonymous, reader, researcher, admin)
    table = [
        ("GET", "/search", {"params": {"q": "victims"}}, 200, 200, 200, 200),
        ("GET", f"/documents/{doc}/pages", {}, 200, 200, 200, 200),
        ("GET", f"/documents/{doc}/original", {}, 200, 200, 200, 200),
        ("GET", "/recommendations/grid", {}, 200, 200, 200, 200),
        ("GET", "/topics", {}, 200, 200, 200, 200),
        ("GET", "/stats", {}, 200, 200, 200, 200),
        ("GET", "/lists", {}, 200, 200, 200, 200),
        ("GET", "/saved-searches", {}, 401, 200, 200, 200),
        ("POST", "/saved-searches", {"json": {"name": "Roles", "q": "victims"}}, 401, 201, 201, 201),
        ("POST", "/lists", {"json": {"name": "Roles", "shared": True}}, 401, 403, 201, 201),
        ("POST", "/documents/ingest", {"json": {"url": "https://[broken/a.pdf"}}, 401, 403, 200, 200),
        ("PATCH", f"/documents/{missing}/metadata", {"json": {"values": {"year": 2020}}}, 401, 403, 404, 404),
        ("DELETE", f"/documents/{missing}", {}, 401, 403, 404, 404),
    ]
    roles = [("anonymous", {}), ("reader", READER), ("researcher", RESEARCHER), ("admin", ADMIN)]
    for method, path, keywords, *expected in table:
        for (role, headers), status in zip(roles, expected):
            answer = client.request(method, path, headers=headers, **keywords)
            assert answer.status_code == status, (method, path, role, answer.text[:200])
            if status >= 400:
                error_of(answer)
            if method == "POST" and path == "/lists" and status == 201:
                client.delete("/lists/Roles", params={"owner": answer.json()["owner"]}, headers=headers)
            if method == "POST" and path == "/saved-searches" and status == 201:
                client.delete(f"/saved-searches/{answer.json()['id']}", headers=headers)
    refused = client.post("/documents/ingest", json={"url": "https://[broken/a.pdf"}, headers=RESEARCHER).json()
    assert refused["items"][0]["status"] == "failed" and "not a valid address" in refused["items"][0]["reason"]


# ----- errors, tokens, public access, documentation --------------------------------------------------------------
def test_errors_are_json_and_an_unexpected_one_says_only_internal_error(served, monkeypatch: pytest.MonkeyPatch,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    kb, client, _ = served
    nowhere = client.get("/no/such/thing")
    assert nowhere.status_code == 404 and error_of(nowhere)["code"] == "not_found"
    assert client.delete("/stats").status_code == 405
    invalid = client.get("/search", params={"q": "x", "k": "many"})
    assert invalid.status_code == 422 and "k" in error_of(invalid)["message"]

    def broken() -> dict:
        raise RuntimeError("disk secret /srv/kb/kb.sqlite")
    monkeypatch.setattr(kb, "stats", broken)
    with caplog.at_level("ERROR", logger="kb.api"):
        failed = client.get("/stats")
    assert failed.status_code == 500 and error_of(failed) == {"code": "internal_error", "message": "internal error"}
    assert "secret" not in failed.text and "disk secret" in caplog.text  # logged on the server, not sent


def test_tokens_are_bearer_tokens_of_known_accounts(served) -> None:
    kb, client, _ = served
    for header in ("Basic cm9iOnB3", "Bearer", "Bearer unknown-token"):
        answer = client.get("/stats", headers={"Authorization": header})
        assert answer.status_code == 401 and "Bearer" in answer.headers["www-authenticate"]
        assert error_of(answer)["code"] == "unauthorized"
    assert client.get("/stats", headers=READER).status_code == 200
    token_id, token = kb.accounts.new_token("rita", "laptop")
    mine = {"Authorization": f"Bearer {token}"}
    assert client.post("/lists", json={"name": "Laptop"}, headers=mine).status_code == 201
    kb.accounts.revoke_token("rita", token_id)
    revoked = client.get("/stats", headers=mine)
    assert revoked.status_code == 401 and "revoked" in error_of(revoked)["message"]
    assert client.get("/stats", headers=READER).status_code == 200  # the account's other tokens still work
    client.delete("/lists/Laptop", headers=READER)


def test_a_token_made_by_kb_users_token_acts_in_its_accounts_role(served) -> None:
    import subprocess
    import sys

    from .conftest import REPO

    kb, client, _ = served
    made = subprocess.run([sys.executable, "-m", "kb.cli", "--home", str(kb.home), "users", "token", "rob"],
                          capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO), "KB_EMBEDDER":
                                                                          "hashing", "PATH": "/usr/bin:/bin"})
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    answer = client.patch("/lists/nothing-here", json={}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404  # signed in as rob: past the account check, to the missing list
    kb.accounts.set_disabled("rob", True)
    try:
        assert client.get("/stats", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    finally:
        kb.accounts.set_disabled("rob", False)


def test_public_access_none_keeps_anonymous_visitors_out(tmp_path: Path) -> None:
    from kb.api.links import landing_link

    settings = Settings.load({"home": str(tmp_path / "home"), **FAST}, environ={})
    closed = Settings({**settings.as_dict(), "public_access": "none"})
    with KnowledgeBase(closed) as kb, serving(kb) as base:
        kb.ingest([make_corpus(tmp_path / "c")["english"], make_pdf(tmp_path / "r.pdf", ENGLISH_PAGES)], workers=1)
        reader = role_headers(kb)["reader"]
        doc_id = next(d for d in kb.doc_ids() if kb.get_document(d).source.endswith("r.pdf"))
        for path in ("/api/v1/search?q=victims", f"/api/v1/documents/{doc_id}", "/api/v1/stats", "/api/v1/lists",
                     f"/api/v1/documents/{doc_id}/original", "/api/v1/saved-searches", f"/d/{doc_id}"):
            assert httpx.get(base + path).status_code == 401, path
            assert httpx.get(base + path, headers=reader).status_code == 200, path
        # the schema and its documentation stay public: they say how to sign in, and hold no data
        assert httpx.get(base + "/api/v1/openapi.json").status_code == 200
        # a landing page signed as the app signs links opens without a token, and its PDF link is signed too
        signed = httpx.get(base + landing_link(doc_id, key=kb.link_key()))
        assert signed.status_code == 200
        pdf_url = signed.text.split('name="citation_pdf_url" content="')[1].split('"')[0].replace("&amp;", "&")
        assert pdf_url.startswith(f"{base}/originals/{doc_id}?exp=") and "&sig=" in pdf_url
        forged = httpx.get(base + landing_link(doc_id, key="not-the-key"))
        assert forged.status_code == 401


def test_api_answers_carry_the_apps_security_headers_and_the_docs_work_offline(served) -> None:
    kb, client, _ = served
    answer = client.get("/stats")
    assert answer.headers["x-content-type-options"] == "nosniff"
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.") and "/search" in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert "/search/export" in docs.text and "<script" not in docs.text and "http" not in docs.text.split(
        "<body>")[0].replace("http-equiv", "")
