"""The recommendation forms of GRETA, OSCE/ODIHR and IOM reports (none of which are in ../shared), as PDFs generated
with reportlab from their public structure and read back through ingestion: each form is extracted with its
strength, addressee and boundaries. Real GRETA reports fetched by `kb corpus fetch` are where the forms come from."""
from __future__ import annotations

from pathlib import Path

from kb import KnowledgeBase

from .fixtures import make_pdf

GRETA_PAGES = [
    "Evaluation Report on the Netherlands\nThird evaluation round\n"
    "3. Access to information and legal assistance\n"
    "44. In its second report, GRETA urged the Dutch authorities to ensure that all victims are informed of "
    "their rights. The authorities have since issued new instructions to the police.\n"
    "45. GRETA urges the Dutch authorities to ensure that victims of trafficking are systematically informed of "
    "their right to compensation, in a language they understand. To this end, the authorities should provide "
    "leaflets in the main languages of victims.\n"
    "46. GRETA considers that the Dutch authorities should provide specialised shelters for male victims of "
    "labour exploitation across the country.",
    "4. Identification of victims\n"
    "47. The joint inspections of the Labour Inspectorate and the police in the agricultural sector constitute "
    "a promising practice that GRETA would like to highlight.\n"
    "48. GRETA invites the Dutch authorities to evaluate the national referral mechanism and to publish the "
    "results.\n"
    "49. The number of identified victims rose from 1,200 in 2019 to 1,500 in 2022.",
]

OSCE_PAGES = [
    "OSCE/ODIHR National Referral Mechanisms Practical Handbook\n"
    "Chapter 2 Protecting the rights of trafficked persons\n"
    "Many participating States have set up referral mechanisms since 2004, but few review them regularly.\n"
    "Recommendations\n"
    "- Participating States should establish a national referral mechanism that involves civil society "
    "organizations on an equal footing.\n"
    "- The authorities should ensure that presumed victims are granted a recovery and reflection period of at "
    "least 30 days.\n"
    "- Participating States should allocate resources to specialized legal assistance for trafficked persons.\n"
    "Chapter 3 Returning trafficked persons\nThe return of victims raises its own questions.",
]

IOM_PAGES = [
    "IOM Handbook on Direct Assistance for Victims of Trafficking\n"
    "Section 4 Shelter and accommodation\n"
    "Shelters differ a great deal from country to country in size and in the services they offer.\n"
    "Key recommendations\n"
    "Ensure safe accommodation.\n"
    "Shelter staff should assess the security risks of every residence before a victim is placed in it, and "
    "review the assessment every month with the victim.\n"
    "Provide medical care.\n"
    "Victims should have access to medical examinations and treatment free of charge, with their informed "
    "consent and an interpreter when needed.\n"
    "Section 5 Return and reintegration\nReturn is voluntary.",
]


def _records(kb: KnowledgeBase, path: Path) -> list[dict]:
    assert kb.ingest([path], workers=1).counts()["added"] == 1
    return [v.to_dict() for v in kb.recommendations()]


def test_gretas_numbered_paragraphs_with_their_strengths_and_the_promising_practice(kb: KnowledgeBase,
                                                                                    tmp_path: Path) -> None:
    records = _records(kb, make_pdf(tmp_path / "greta-nl.pdf", GRETA_PAGES))
    assert [(r["number"], r["kind"], r["strength"]) for r in records] == [
        ("45", "recommendation", "urge"), ("46", "recommendation", "consider"), ("47", "practice", None),
        ("48", "recommendation", "invite")]
    urge = records[0]
    # the paragraph's explanation belongs to it: the record runs to its end, and not into paragraph 46
    assert urge["text"].startswith("GRETA urges the Dutch authorities to ensure that victims of trafficking")
    assert urge["text"].endswith("the authorities should provide leaflets in the main languages of victims.")
    assert urge["addressee"] == "the Dutch authorities" and urge["page"] == 1
    assert records[3]["page"] == 2 and records[3]["text"].endswith("and to publish the results.")
    # the earlier report's request is told, not made
    assert not any("second report" in r["text"] for r in records)


def test_an_osce_recommendations_box_gives_one_record_per_bullet(kb: KnowledgeBase, tmp_path: Path) -> None:
    records = _records(kb, make_pdf(tmp_path / "osce-nrm.pdf", OSCE_PAGES))
    assert [r["text"] for r in records] == [
        "Participating States should establish a national referral mechanism that involves civil society "
        "organizations on an equal footing.",
        "The authorities should ensure that presumed victims are granted a recovery and reflection period of at "
        "least 30 days.",
        "Participating States should allocate resources to specialized legal assistance for trafficked persons."]
    assert records[1]["addressee"] == "The authorities"
    assert {r["strength"] for r in records} == {"recommend"}


def test_iom_lead_in_items_start_at_the_lead_in_and_keep_their_explanation(kb: KnowledgeBase,
                                                                          tmp_path: Path) -> None:
    records = _records(kb, make_pdf(tmp_path / "iom-handbook.pdf", IOM_PAGES))
    assert [r["text"] for r in records] == [
        "Ensure safe accommodation. Shelter staff should assess the security risks of every residence before a "
        "victim is placed in it, and review the assessment every month with the victim.",
        "Provide medical care. Victims should have access to medical examinations and treatment free of charge, "
        "with their informed consent and an interpreter when needed."]
