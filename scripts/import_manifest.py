"""One-off: turn ../shared/sources/manifest.csv into corpus/key-documents.catalogue.csv (controlled vocabulary).

The facts are kept as they are; free-text organisation names are mapped to the catalogue's vocabulary, and the
original wording goes into `notes` when it says more than the mapped names.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.catalogue import COLUMNS, read_catalogue  # noqa: E402

ORG_MAP = {
    "Council of Europe / GRETA": "Council of Europe; GRETA",
    "OSCE Office of the Special Representative and Co-ordinator for Combating Trafficking in Human Beings":
        "OSCE Special Representative (CTHB)",
    "KMOP - Social Action and Innovation Centre": "KMOP",
    "European Parliament and Council of the EU": "European Parliament; Council of the EU",
    "KMOP / ERADICATING II project": "KMOP",
    "The Justice Project e.V.": "The Justice Project",
    "SOLWODI Deutschland e.V.": "SOLWODI",
    "Council of Europe (HELP programme)": "Council of Europe",
    "IOM; London School of Hygiene & Tropical Medicine; UN.GIFT": "IOM; London School of Hygiene & Tropical Medicine; UN.GIFT",
    "IOM (CTDC, with Polaris and other contributors)": "IOM; Polaris",
    "ILO; Walk Free; IOM": "ILO; Walk Free; IOM",
    "Walk Free Foundation; ILO; IOM": "Walk Free; ILO; IOM",
    "European Commission (EU Anti-Trafficking website)": "European Commission",
    "European Parliament (FEMM committee)": "European Parliament",
    "HEUNI (with ELECT THB partners)": "HEUNI; ELECT THB project",
    "ELECT THB project (Latvian anti-trafficking portal)": "ELECT THB project",
    "HEUNI (project partner)": "HEUNI",
}
TYPE_MAP = {"other": "other"}


def main() -> None:
    source = ROOT.parent / "shared" / "sources" / "manifest.csv"
    target = ROOT / "corpus" / "key-documents.catalogue.csv"
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            original = row["organisation"].strip()
            mapped = ORG_MAP.get(original, original)
            out = {c: row.get(c, "").strip() for c in COLUMNS}
            out["organisation"] = mapped
            if mapped.replace("; ", " / ") != original and "(" in original:
                out["notes"] = (f"Issued by: {original}. " + out["notes"]).strip()
            out["language"] = out["language"].replace(";", ",")
            writer.writerow(out)
    print(f"{len(read_catalogue(target))} entries written to {target}")


if __name__ == "__main__":
    main()
