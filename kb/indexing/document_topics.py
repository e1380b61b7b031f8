"""A document's topics: the thesaurus's facet concepts that its pages name often enough, in its own language.

A page names a facet topic when it names the topic or a concept whose nearest broader facet it is ("B9
regulation" counts for residence permits, "loverboy" for sexual exploitation). A document gets the topics that
a fifth of its pages name (at least two pages; one page for a document of three pages or fewer) and that it
names at least twice per thousand words, at most MAX_TOPICS of them, most pages first.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from ..text.analysis import index_language
from ..models import Document, Page
from ..text.thesaurus import Thesaurus

SHARE_OF_PAGES = 0.2
MIN_PAGES = 2
PER_THOUSAND_WORDS = 2.0
MAX_TOPICS = 8
SEPARATOR = "; "


def page_topics(thesaurus: Thesaurus, text: str, language: str | None) -> Counter[str]:
    """How often each facet topic is named on one page (or in one passage), in the text's language."""
    counts: Counter[str] = Counter()
    for concept, n in thesaurus.concept_counts(text, (index_language(language),)).items():
        topic = thesaurus.facet_topic(concept)
        if topic:
            counts[topic] += n
    return counts


def document_topics(thesaurus: Thesaurus, doc: Document, pages: Sequence[Page]) -> list[str]:
    """The facet topics of a document, most pages first."""
    texts = [p.text for p in pages if p.text.strip()]
    words = sum(len(t.split()) for t in texts)
    pages_naming: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for text in texts:
        counts = page_topics(thesaurus, text, doc.language)
        pages_naming.update(counts.keys())
        mentions.update(counts)
    needed_pages = 1 if len(texts) <= 3 else max(MIN_PAGES, SHARE_OF_PAGES * len(texts))
    needed_mentions = max(2.0, PER_THOUSAND_WORDS * words / 1000)
    chosen = [t for t in pages_naming if pages_naming[t] >= needed_pages and mentions[t] >= needed_mentions]
    chosen.sort(key=lambda t: (-pages_naming[t], -mentions[t], t))
    return chosen[:MAX_TOPICS]


def tag_topics(thesaurus: Thesaurus | None, doc: Document, pages: Sequence[Page]) -> None:
    """Set the document's `topic` field from its pages, unless it was given (by a metadata file or a
    correction, which the document already carries)."""
    if thesaurus is None or doc.extra.get("topic"):
        return
    topics = document_topics(thesaurus, doc, pages)
    if topics:
        doc.extra["topic"] = SEPARATOR.join(topics)
