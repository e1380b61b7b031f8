"""Queries across languages: the query's language, the thesaurus concepts it names, and their labels in the
knowledge base's other languages (searched as a second, lower-weighted keyword query)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..text.language import detect_query_language
from ..text.thesaurus import Match, Thesaurus, is_acronym

# The first this many labels (the preferred one first) per concept and language go into the expansion.
LABELS_PER_CONCEPT = 3
_WORDS = re.compile(r"\w+")


@dataclass
class QueryPlan:
    """What a query means across languages."""

    text: str
    language: str
    concepts: list[str] = field(default_factory=list)
    expansion: str = ""
    expansion_languages: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (what `kb search --json` reports as `query_plan`)."""
        return {"language": self.language, "concepts": self.concepts, "expansion": self.expansion,
                "expansion_languages": list(self.expansion_languages)}


def query_language(text: str, thesaurus: Thesaurus | None, fallback: str = "en",
                   languages: Iterable[str] | None = None) -> str:
    """The query's language: by its stop words, else by the language most of its thesaurus labels are in
    (among the given languages, when given)."""
    return _language_of(text, thesaurus.find(text) if thesaurus is not None else [], fallback, languages)


def _language_of(text: str, matches: Sequence[Match], fallback: str, languages: Iterable[str] | None) -> str:
    found = detect_query_language(_WORDS.findall(text))
    if found:
        return found
    wanted = set(languages) if languages is not None else None
    counts = Counter(m.language for m in matches if wanted is None or m.language in wanted)
    if counts:
        # labels shared by languages ("prostitution") leave a tie: the fallback wins it when it is tied
        tied = [lang for lang, n in counts.items() if n == max(counts.values())]
        return fallback if fallback in tied else tied[0]
    return fallback


def plan_query(text: str, thesaurus: Thesaurus | None, kb_languages: Iterable[str], *, translate: bool = True,
               fallback_language: str = "en") -> QueryPlan:
    """The query's language and concepts, and (when translating) their labels in the other languages the
    knowledge base holds documents in."""
    kb_languages = [lang for lang in dict.fromkeys(kb_languages) if lang]
    matches = thesaurus.find(text) if thesaurus is not None else []
    language = _language_of(text, matches, fallback_language, kb_languages or None)
    if thesaurus is None:
        return QueryPlan(text, language)
    concepts = list(dict.fromkeys(m.concept for m in matches))
    targets = tuple(lang for lang in kb_languages if lang != language)
    if not translate or not concepts or not targets:
        return QueryPlan(text, language, concepts)
    words: list[str] = []
    for concept_id in concepts:
        for lang in targets:
            labels = [label for label in thesaurus.concepts[concept_id].labels.get(lang, ()) if not is_acronym(label)]
            words.extend(labels[:LABELS_PER_CONCEPT])
    return QueryPlan(text, language, concepts, " ".join(dict.fromkeys(words)), targets)
