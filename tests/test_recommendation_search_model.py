"""Recommendation search by meaning with the real models (integration): on generated reports in English and Dutch
about organ removal, labour exploitation and child victims, a query puts the records about its subject first,
in either language."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, Settings

from .fixtures import make_pdf

pytestmark = pytest.mark.integration

REPORTS = {
    "organs-en": ("Report on trafficking in human beings for the purpose of organ removal.",
                  "Recommendations\n"
                  "1. Hospitals should report to the police every patient who returns from abroad with a kidney "
                  "bought from a living donor, a sign of organ trade.\n"
                  "2. The Public Prosecution Service should investigate transplant tourism as trafficking in human "
                  "beings for the purpose of organ removal.\n"
                  "3. Transplant surgeons must be trained to recognise signs that an organ donor was paid or coerced."),
    "labour-en": ("Report on trafficking in human beings for labour exploitation in agriculture.",
                  "Recommendations\n"
                  "1. The Labour Inspectorate should inspect farms and greenhouses more often to detect trafficking "
                  "in human beings.\n"
                  "2. Victims of trafficking in the construction sector must be informed of their rights.\n"
                  "3. Employment agencies should be certified and checked for trafficking in human beings."),
    "children-en": ("Report on child victims of trafficking in human beings.",
                    "Recommendations\n"
                    "1. Child victims of trafficking in human beings should be placed in protected shelters.\n"
                    "2. Youth care workers must be trained to recognise trafficking in human beings among "
                    "minors.\n"
                    "3. Every unaccompanied child should have a guardian within one day of arrival."),
    "organen-nl": ("Rapport over mensenhandel met het oogmerk van orgaanverwijdering in Nederland.",
                   "Aanbevelingen\n"
                   "1. Ziekenhuizen moeten vermoedens van orgaanhandel melden bij de politie, ook wanneer een patiënt "
                   "met een gekochte nier uit het buitenland terugkeert.\n"
                   "2. Transplantatiechirurgen moeten leren herkennen of een orgaandonor is betaald of onder druk gezet."),
    "kinderen-nl": ("Rapport over minderjarige slachtoffers van mensenhandel in Nederland.",
                    "Aanbevelingen\n"
                    "1. Minderjarige slachtoffers van mensenhandel moeten in een beschermde opvang worden "
                    "geplaatst.\n"
                    "2. Jeugdzorgmedewerkers moeten worden getraind in het herkennen van uitbuiting van kinderen."),
}
ORGANS = {"organs-en", "organen-nl"}
CHILDREN = {"children-en", "kinderen-nl"}


@pytest.fixture(scope="module")
def model_kb(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("reports")
    home = tmp_path_factory.mktemp("recs-search") / "home"
    kb = KnowledgeBase(Settings.load({"home": str(home), "ocr": "off"}, environ={}))
    kb.ingest([make_pdf(folder / f"{name}.pdf", list(pages)) for name, pages in REPORTS.items()], workers=1)
    yield kb
    kb.close()


def _reports(kb: KnowledgeBase, query: str, k: int) -> list[str]:
    return [Path(v.document.source).stem for v in kb.recommendations(query, k=k)]


def test_the_generated_records_are_all_there(model_kb: KnowledgeBase) -> None:
    counts = {name: 0 for name in REPORTS}
    for view in model_kb.recommendations():
        counts[Path(view.document.source).stem] += 1
    assert counts == {"organs-en": 3, "labour-en": 3, "children-en": 3, "organen-nl": 2, "kinderen-nl": 2}


def test_organ_trafficking_puts_the_organ_removal_records_first(model_kb: KnowledgeBase) -> None:
    # every English record says "trafficking"; only the organ-removal ones are about the query
    assert _reports(model_kb, "organ trafficking", k=3) == ["organs-en"] * 3


def test_a_dutch_query_finds_the_english_records_about_it(model_kb: KnowledgeBase) -> None:
    # no English record holds the query's words: its thesaurus translation ("child victims", "minors") and the
    # English model's reading of it bring the English child-victim records first, the Dutch one follows
    top = _reports(model_kb, "minderjarige slachtoffers", k=5)
    assert top[:2] == ["children-en", "children-en"]
    assert "kinderen-nl" in top and top.count("children-en") == 3
