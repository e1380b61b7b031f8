"""The thesaurus of the field: concepts with labels in English, Dutch, French, German and Greek, read from
`corpus/thesaurus/concepts.csv` (format in `docs/thesaurus.md`), and finding its concepts in text.

A label matches text under its own language's analyzer (stems, stop words and accents as the keyword index
treats them), so "municipalities" finds the concept labelled "municipality". A label written in capitals of at
most six characters is an acronym ("OM", "AMV", "B9"): it matches only the same capitals as a whole word, so
the Dutch word "om" is not the Public Prosecution Service.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

from .analysis import analyze
from ..errors import KBError

LANGUAGES = ("en", "nl", "fr", "de", "el")
REQUIRED_LANGUAGES = ("en", "nl")
COLUMNS = ("id", "facet", "broader", "related", *LANGUAGES, "definition")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "corpus" / "thesaurus" / "concepts.csv"
_ACRONYM = re.compile(r"^[A-Z0-9ΑΩΆ-Ώ][A-Z0-9Α-ΩΆ-Ώ.\-]{0,5}$")
_WORD = re.compile(r"\w+(?:[-.]\w+)*")


@dataclass(frozen=True)
class Concept:
    """One concept: its id, labels per language (preferred first), broader and related concepts."""

    id: str
    labels: dict[str, tuple[str, ...]]
    broader: str = ""
    related: tuple[str, ...] = ()
    facet: bool = False
    definition: str = ""

    def label(self, language: str = "en") -> str:
        """The preferred label in a language (English when the language has none)."""
        return (self.labels.get(language) or self.labels["en"])[0]


@dataclass(frozen=True)
class Match:
    """A concept found in a text, by which label and in which language."""

    concept: str
    language: str
    label: str


def is_acronym(label: str) -> bool:
    """Whether a label is an acronym (capitals and digits, at most six characters): matched case-sensitively."""
    return bool(_ACRONYM.match(label)) and any(ch.isalpha() for ch in label) and label.upper() == label


@dataclass
class Thesaurus:
    """Concepts by id, with their narrower concepts and a label index per language."""

    concepts: dict[str, Concept]
    narrower: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _index: dict[str, dict[str, list[tuple[tuple[str, ...], str, str]]]] = field(default_factory=dict)
    _acronyms: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        children: dict[str, list[str]] = {}
        for concept in self.concepts.values():
            if concept.broader:
                children.setdefault(concept.broader, []).append(concept.id)
        self.narrower = {k: tuple(v) for k, v in children.items()}
        for concept in self.concepts.values():
            for lang, labels in concept.labels.items():
                for label in labels:
                    self._add_label(concept.id, lang, label)

    def _add_label(self, concept_id: str, lang: str, label: str) -> None:
        if is_acronym(label):
            self._acronyms.setdefault(label, []).append((concept_id, lang, label))
            return
        terms = tuple(analyze(lang, label))
        if terms:
            self._index.setdefault(lang, {}).setdefault(terms[0], []).append((terms, concept_id, label))

    def __len__(self) -> int:
        return len(self.concepts)

    def facets(self) -> list[Concept]:
        """The concepts offered as topics to filter and browse by."""
        return [c for c in self.concepts.values() if c.facet]

    def facet_topic(self, concept_id: str) -> str | None:
        """The facet topic a concept counts for: itself when it is one, else its nearest broader facet."""
        seen, current = set(), concept_id
        while current and current not in seen and current in self.concepts:
            if self.concepts[current].facet:
                return current
            seen.add(current)
            current = self.concepts[current].broader
        return None

    def find(self, text: str, languages: Sequence[str] = LANGUAGES) -> list[Match]:
        """Every concept whose label occurs in the text, in any of the languages (longest label first at each
        place), in order of occurrence."""
        found = list(self._find_acronyms(text))
        for lang in languages:
            if lang in self._index:
                found.extend(self._find_in(lang, analyze(lang, text)))
        return found

    def _find_acronyms(self, text: str) -> Iterator[Match]:
        for word in _WORD.findall(text):
            for concept_id, lang, label in self._acronyms.get(word, ()):
                yield Match(concept_id, lang, label)

    def _find_in(self, lang: str, terms: list[str]) -> Iterator[Match]:
        index = self._index[lang]
        i = 0
        while i < len(terms):
            best = None
            for label_terms, concept_id, label in index.get(terms[i], ()):
                n = len(label_terms)
                if tuple(terms[i:i + n]) == label_terms and (best is None or n > len(best[0])):
                    best = (label_terms, concept_id, label)
            if best is None:
                i += 1
                continue
            yield Match(best[1], lang, best[2])
            i += len(best[0])

    def concept_counts(self, text: str, languages: Sequence[str] = LANGUAGES) -> Counter[str]:
        """How often each concept occurs in a text."""
        return Counter(m.concept for m in self.find(text, languages))


def read_thesaurus(path: Path) -> Thesaurus:
    """Read and check a thesaurus file: one concept per row; every concept has English and Dutch labels, and
    every broader or related concept it names exists."""
    rows = _rows(path)
    if rows and set(COLUMNS) - set(rows[0]):
        missing = ", ".join(sorted(set(COLUMNS) - set(rows[0])))
        raise KBError(f"{path}: the thesaurus lacks the column(s) {missing} (see docs/thesaurus.md)")
    concepts: dict[str, Concept] = {}
    for line, row in enumerate(rows, start=2):
        concept = _concept(row, f"{path}:{line}")
        if concept.id in concepts:
            raise KBError(f"{path}:{line}: concept {concept.id!r} appears twice")
        concepts[concept.id] = concept
    for concept in concepts.values():
        for ref in (concept.broader, *concept.related):
            if ref and ref not in concepts:
                raise KBError(f"{path}: concept {concept.id!r} links to {ref!r}, which the thesaurus does not hold")
    return Thesaurus(concepts)


def _rows(path: Path) -> list[dict[str, str]]:
    """The thesaurus file's rows; an unreadable file, bytes that are not UTF-8 or broken CSV name file and line."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KBError(f"cannot read the thesaurus {path}: {exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise KBError(f"{path}:{line}: the thesaurus is not UTF-8 text (byte {exc.object[exc.start]:#04x}): save it "
                      "as UTF-8 (see docs/thesaurus.md)") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as exc:
        raise KBError(f"{path}:{reader.line_num + 1}: the thesaurus is not valid CSV ({exc}): fix that line (see "
                      "docs/thesaurus.md)") from None


def _concept(row: dict[str, str], where: str) -> Concept:
    concept_id = (row.get("id") or "").strip()
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", concept_id):
        raise KBError(f"{where}: concept id {concept_id!r} must be lowercase letters, digits and hyphens")
    labels = {lang: tuple(p.strip() for p in (row.get(lang) or "").split("|") if p.strip()) for lang in LANGUAGES}
    for lang in REQUIRED_LANGUAGES:
        if not labels[lang]:
            raise KBError(f"{where}: concept {concept_id!r} has no {lang} label (every concept needs en and nl)")
    return Concept(concept_id, {k: v for k, v in labels.items() if v}, (row.get("broader") or "").strip(),
                   tuple((row.get("related") or "").split()), (row.get("facet") or "").strip().lower() in ("y", "yes"),
                   (row.get("definition") or "").strip())


@lru_cache(maxsize=4)
def load_thesaurus(path: str = "") -> Thesaurus:
    """The thesaurus at a path (the bundled one when empty), read once per process."""
    return read_thesaurus(Path(path) if path else DEFAULT_PATH)
