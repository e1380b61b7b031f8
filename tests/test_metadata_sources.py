"""Where metadata comes from: detection < the file's own fields < --meta < folder manifest < sidecar < corrections,
each field with its evidence; corrections survive re-ingestion."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase
from kb.cli import main
from kb.errors import KBError

from .fixtures import ENGLISH_PAGES, GRETA_PAGES, make_docx, make_pdf, with_info


def only_document(kb: KnowledgeBase, source: Path):
    return kb.resolve_document(str(source.resolve()))



def test_generated_greta_report_gets_every_field_with_evidence(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "greta.pdf", GRETA_PAGES)
    report = kb.ingest([path])
    [item] = report.items
    assert item.metadata["symbol"]["value"] == "GRETA(2023)05"
    doc = only_document(kb, path)
    assert (doc.symbol, doc.organisation, doc.country, doc.year, doc.language, doc.doc_type) == (
        "GRETA(2023)05", "GRETA", "NL", 2023, "en", "evaluation-report")
    assert doc.extra["round"] == 3
    provenance = kb.provenance(doc)
    assert provenance["symbol"] == {"source": "detected", "evidence": provenance["symbol"]["evidence"]}
    assert provenance["symbol"]["evidence"].startswith("page 1: “GRETA(2023)05")
    assert "Netherlands" in provenance["country"]["evidence"]
    assert provenance["year"]["evidence"] == "document symbol GRETA(2023)05"
    assert "py3langid" in provenance["language"]["evidence"]
    # filters work on the detected values
    assert kb.search("access to justice", filters={"symbol": "GRETA(2023)05"}).hits
    assert kb.search("access to justice", filters={"country": "NL", "organisation": "GRETA"}).hits


def test_pdf_information_dictionary_beats_detection(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = with_info(make_pdf(tmp_path / "greta.pdf", GRETA_PAGES),
                     {"/Title": "Evaluation of the Netherlands (third round)", "/Organisation": "Council of Europe",
                      "/Symbol": "GRETA(2023)99", "/Author": "GRETA secretariat"})
    kb.ingest([path])
    doc = only_document(kb, path)
    assert doc.title == "Evaluation of the Netherlands (third round)"
    assert doc.organisation == "Council of Europe" and doc.symbol == "GRETA(2023)99"
    assert kb.provenance(doc)["organisation"] == {"source": "file", "evidence": "PDF information dictionary"}
    assert kb.provenance(doc)["country"]["source"] == "detected"  # what the file does not say is still detected


def test_json_and_yaml_sidecars_beat_the_file_and_detection(kb: KnowledgeBase, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "greta.pdf", GRETA_PAGES)
    (tmp_path / "greta.pdf.meta.json").write_text(json.dumps({"country": ["BE", "NL"], "doc_type": "report"}))
    word = make_docx(tmp_path / "guide.docx", author="Someone")
    (tmp_path / "guide.meta.yaml").write_text("organisation: La Strada International\nyear: 2020\n"
                                              "topics:\n  - compensation\n")
    kb.ingest([tmp_path])
    greta, guide = only_document(kb, pdf), only_document(kb, word)
    assert greta.country == "BE,NL" and greta.doc_type == "report"
    assert kb.provenance(greta)["country"] == {"source": "sidecar", "evidence": "sidecar greta.pdf.meta.json"}
    assert guide.organisation == "La Strada International" and guide.year == 2020
    assert guide.extra["topics"] == ["compensation"]
    assert kb.provenance(guide)["year"]["evidence"] == "sidecar guide.meta.yaml"


def test_folder_manifest_applies_per_file_below_sidecars(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    first = make_pdf(folder / "first.pdf", ENGLISH_PAGES)
    second = make_pdf(folder / "second.pdf", GRETA_PAGES)
    (folder / "manifest.csv").write_text("file,organisation,year\nfirst.pdf,IOM,2015\nsecond.pdf,OSCE,2016\n")
    (folder / "second.pdf.meta.json").write_text(json.dumps({"organisation": "GRETA"}))
    report = kb.ingest([folder])
    assert report.counts()["added"] == 2  # the manifest itself is not a document
    assert (only_document(kb, first).organisation, only_document(kb, first).year) == ("IOM", 2015)
    second_doc = only_document(kb, second)
    assert (second_doc.organisation, second_doc.year) == ("GRETA", 2016)
    assert kb.provenance(second_doc)["year"]["source"] == "manifest"


def test_bad_sidecar_names_the_file_and_the_batch_goes_on(kb: KnowledgeBase, tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", ENGLISH_PAGES)
    bad = make_pdf(tmp_path / "bad.pdf", GRETA_PAGES)
    (tmp_path / "bad.pdf.meta.yaml").write_text("organisation: [unclosed\n")
    report = kb.ingest([good, bad])
    failed = {Path(i.source).name: i.reason for i in report.failed}
    assert "bad.pdf.meta.yaml" in failed["bad.pdf"] and "fix the YAML" in failed["bad.pdf"]
    assert report.counts()["added"] == 1


def test_corrections_survive_reingestion_of_a_changed_file(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "greta.pdf", GRETA_PAGES)
    kb.ingest([path])
    doc = kb.correct_metadata(str(path), {"organisation": "Council of Europe", "country": "Belgium",
                                          "title": "GRETA report on the Netherlands"})
    assert doc.country == "BE"  # names become ISO codes
    assert kb.search("GRETA report on the Netherlands", mode="keyword").hits[0].document.doc_id == doc.doc_id
    make_pdf(path, GRETA_PAGES + ["Appendix: authorities met during the visit."])  # a new version of the file
    report = kb.ingest([path])
    assert report.items[0].status == "updated"
    again = only_document(kb, path)
    assert again.doc_id == doc.doc_id and again.n_pages == 3
    assert (again.organisation, again.country, again.title) == ("Council of Europe", "BE",
                                                                "GRETA report on the Netherlands")
    assert kb.provenance(again)["organisation"]["source"] == "correction"
    assert again.symbol == "GRETA(2023)05"  # untouched fields are detected afresh


def test_a_correction_can_clear_a_field_and_bad_values_are_refused(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "greta.pdf", GRETA_PAGES)
    kb.ingest([path])
    assert kb.correct_metadata(str(path), {"country": ""}).country is None
    with pytest.raises(KBError, match="must be a year"):
        kb.correct_metadata(str(path), {"year": "last year"})
    with pytest.raises(KBError, match="cannot set field 'source'"):
        kb.correct_metadata(str(path), {"source": "elsewhere"})
    with pytest.raises(KBError, match="no document"):
        kb.correct_metadata("nope", {"year": "2020"})


def test_kb_meta_shows_evidence_and_corrects(home: Path, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "greta.pdf", GRETA_PAGES)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--home", str(home), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    assert "round 3" in run("ingest", str(path))
    shown = run("meta", str(path))
    assert "symbol = GRETA(2023)05  [detected: page 1:" in shown
    data = json.loads(run("meta", str(path), "year=2024", "doc_type=general-report", "--json"))
    assert data["fields"]["year"] == {"value": 2024, "source": "correction",
                                      "evidence": data["fields"]["year"]["evidence"]}
    assert data["fields"]["doc_type"]["value"] == "general-report"
    result = runner.invoke(main, ["--home", str(home), "meta", str(path), "year"])
    assert result.exit_code != 0 and "is not field=value" in result.output
