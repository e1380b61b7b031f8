"""The fixed texts a calibration embeds: passages of the length ingestion makes (most near the 256-token limit of a
chunk, a few short ones like titles and queries), in the field's language, composed from the sentences below in a
fixed order so that every machine measures the same work."""
from __future__ import annotations

SENTENCES = (
    "The National Rapporteur on Trafficking in Human Beings monitors the effects of the policy pursued by the "
    "government and reports to parliament once a year.",
    "Victims of labour exploitation were found in agriculture, construction, cleaning, transport and the hospitality "
    "sector, often recruited through agencies that charged them fees for housing and work.",
    "GRETA urges the authorities to ensure that all victims of trafficking are identified as such and can benefit "
    "from the assistance and protection measures contained in the Convention.",
    "The reflection period of at least 30 days allows a presumed victim to recover and escape the influence of the "
    "traffickers and to take an informed decision on cooperating with the competent authorities.",
    "Compensation for victims remains rare: in most criminal cases the court did not order the offender to pay "
    "damages, and state compensation schemes were seldom used.",
    "Municipalities play a key role in the care of victims, from shelter and medical care to the coordination of "
    "support by the care coordinator assigned to each case.",
    "Unaccompanied minors who disappear from reception centres are at high risk of being exploited in criminal "
    "activities such as drug trafficking, shoplifting and forced begging.",
    "Financial investigation should be a standard part of every investigation into human trafficking, so that the "
    "proceeds of crime can be confiscated and returned to victims.",
    "The national referral mechanism brings together the police, labour inspectorate, immigration service, health "
    "workers and non-governmental organisations that meet presumed victims.",
    "Online recruitment through social media and advertising websites has become the most common way in which "
    "sexual exploitation begins, particularly for young women and girls.",
    "Training for judges and prosecutors on the indicators of trafficking and on the non-punishment principle was "
    "recommended in the previous evaluation round and has only partly been implemented.",
    "Data collection remains fragmented: the figures of the police, the public prosecution service and the "
    "coordination centre cannot be compared because they count different things.",
    "Between 2018 and 2022 the number of registered possible victims rose from 958 to 1,261, of whom 43 per cent "
    "were exploited outside the sex industry.",
    "Employers who use subcontracting chains and temporary work agencies can hide exploitation behind layers of "
    "legal entities, which makes liability difficult to establish.",
    "Shelters for male victims and for victims with complex mental health needs remain insufficient, and waiting "
    "times for specialised care have increased.",
    "Cooperation with countries of origin, including joint investigation teams and liaison officers, helped to "
    "dismantle several networks that recruited women through false job offers.",
)
# titles and questions: real batches mix a few short texts in
SHORT = (
    "Trafficking in human beings: tenth report of the National Rapporteur",
    "help for people forced to work on farms",
    "compensation for victims of labour exploitation",
    "Guide for frontline professionals on the identification of victims",
)


def calibration_texts(passages: int = 12, sentences_per_passage: int = 8) -> list[str]:
    """The fixed calibration set: `passages` long passages (about 200-250 tokens each) and the short texts."""
    count = len(SENTENCES)
    texts = []
    for p in range(passages):
        step = 1 + p % (count - 1)
        picks = [SENTENCES[(p + i * step) % count] for i in range(sentences_per_passage)]
        texts.append(" ".join(picks))
    return texts + list(SHORT)
