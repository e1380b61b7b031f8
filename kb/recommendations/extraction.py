"""Recommendations and practices extracted from a document's pages: the numbered items of its recommendation
sections, and the sentences elsewhere that recommend in the report's own voice or hold a practice up as good.

Every record keeps the report's words (lines joined, words broken at line ends mended, whitespace normalised),
the page where it begins, the number as printed, whom it addresses, how strongly (GRETA's urge > consider >
invite, otherwise recommend) and topic tags. Where the same text comes twice in one document — a summary list
that repeats recommendations given in full — the shorter is linked to the fuller one (`repeats`) instead of
standing as a record of its own.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ..filters import split_values
from ..text.word_lists import STOPLISTS
from ..models import Document, Page, Recommendation, rec_id_for, sha256_text
from .addressee import addressee_of
from .blocks import announced_subsections, do_dont_rows, effective_practices
from .classifier import Candidate, Embed, Model, feature_matrix, hand_features, load_model, use_embed, vetoable
from .cues import (ACTOR, MODAL, OTHER_VOICE, RECOMMENDING_WORD, first_person_demand, greta_strength, is_practice,
                   leans_on_previous, looks_imperative, own_demand, recommendation_strength, tells_of_another)
from .sections import (ADVICE_LIST, advice_paragraphs, bullet_items, end_long_item, item_body, labelled_items, leadin_items,
                       section_items, section_spans)
from .lines import Line, document_lines, is_heading, join_lines, join_with_lines, sentence_spans
from .provenance import rule_on
from .topics import topics_of
from .voice import (announces_earlier_list, asks_nothing, demand_in_quotation, inside_quotation,
                    talks_about_recommendations, weak_demand)

RECOMMENDATION, PRACTICE = "recommendation", "practice"
# any word that makes a sentence a candidate: where it stands decides whose voice it is
_ANY_CUE = re.compile(f"(?:{MODAL.pattern})|(?:{RECOMMENDING_WORD.pattern})", re.I)
KINDS = (RECOMMENDATION, PRACTICE)
_MAX_SENTENCE = 1500
MAX_RECORD = 1500  # an unnumbered item longer than this is running text, judged by its sentences
# a paragraph's number before its first sentence ("45."), or after a heading the text layer ran into it
_PARAGRAPH_NUMBER = re.compile(r"^(?:[A-ZÀ-Ý][^.!?]{0,80}\s)?\(?(\d{1,3})[.)]$")
_WORD = re.compile(r"\w+")
_CONCLUSIONS = re.compile(r"\bconclu|\bbevinding|\bfinding", re.I)
# a table of contents' entry: "5.1.4 Internationaal belang 104"
_CONTENTS_ENTRY = re.compile(r"\b\d{1,2}(?:\.\d{1,2})+\s+[A-ZÀ-Ý][^.!?\d]{2,120}?\s\d{1,3}\b")
NEXT_NUMBER = re.compile(r"\s\(?\d{1,3}[.)]$")  # a sentence the next paragraph's number ran into
# the heading of a list that sums up recommendations given in full elsewhere in the document
SUMMARY_LIST = re.compile(r"\b(?:summary|samenvatting|overview|overzicht|list|lijst|liste|zusammenfassung|résumé|"
                          r"récapitulatif|appendix|annex|annexe|bijlage|anhang)\b", re.I)
# a quotation of another text, or a footnote ("138 In het rapport wordt aanbevolen …"): not the report's own voice
_QUOTED_OR_NOTE = re.compile(r"^(?:[‘“\"'«„]|\d{1,3}\s+[‘“\"'«„]?[A-ZÀ-Ý]|\d{1,3}\s+[‘“\"'«„])")
_QUOTED_OR_PLAIN_NOTE = re.compile(r"^(?:[‘“\"'«„]|\d{1,3}\s+[A-ZÀ-Ý])")  # a note that opens a quotation not counted


def _quoted_or_note(sentence: str) -> bool:
    """Whether a sentence opens a quotation or a footnote (one opening a quotation too while
    `voice.note-opening-quotation` is on)."""
    return bool((_QUOTED_OR_NOTE if rule_on("voice.note-opening-quotation") else _QUOTED_OR_PLAIN_NOTE).match(sentence))


class _Rules:
    """A marker: decide by the rules alone, without the learned model."""


RULES_ONLY = _Rules()


@dataclass
class Proposal:
    """A candidate record with the line where it begins (document order)."""

    line: int
    candidate: Candidate
    record: Recommendation


def extract_recommendations(doc: Document, pages: Sequence[Page], model: "Model | _Rules | None" = None,
                            embed: Embed | None = None) -> list[Recommendation]:
    """Every recommendation and practice of a document, in document order: what the rules keep, less the running-text
    candidates that `model` vetoes (by default the weights file beside the classifier, when one is installed;
    RULES_ONLY for the rules alone)."""
    return extract_with_vectors(doc, pages, model, embed, vectors=False)[0]


def extract_with_vectors(doc: Document, pages: Sequence[Page], model: "Model | _Rules | None" = None,
                         embed: Embed | None = None, vectors: bool = True
                         ) -> tuple[list[Recommendation], dict[str, np.ndarray]]:
    """The document's records (as `extract_recommendations`) and, with `vectors`, each record's multilingual USE
    vector by the hash of its text (RECORD_VECTORS in the embedding cache): what aligns its prose records with a
    translation's."""
    proposals = propose(doc, pages)
    chosen = model if model is not None else load_model()
    embed = embed or use_embed
    kept = [p for p in proposals if p.candidate.rules_accept]
    if isinstance(chosen, Model):
        kept = veto(doc, kept, chosen)
    records = finish(kept)
    if not vectors:
        return records, {}
    found = dict(zip([r.rec_id for r in records], embed([r.text for r in records]))) if records else {}
    return records, {sha256_text(r.text): np.asarray(found[r.rec_id], dtype=np.float32) for r in records}


def veto(doc: Document, proposals: Sequence[Proposal], model: Model) -> list[Proposal]:
    """The proposals the learned check lets stand: every numbered or labelled item, and the running-text ones whose
    probability reaches the model's threshold."""
    judged = [p for p in proposals if vetoable(p.candidate)]
    if not judged:
        return list(proposals)
    scores = dict(zip(map(id, judged), model.probabilities(hand_rows(doc, judged))))
    return [p for p in proposals if id(p) not in scores or scores[id(p)] >= model.threshold]


def hand_rows(doc: Document, proposals: Sequence[Proposal]) -> np.ndarray:
    """The proposals' cue, section, list and position features (HAND_FEATURES order)."""
    organisations = split_values("organisation", doc.organisation)
    return np.array([hand_features(p.candidate, doc.language, organisations) for p in proposals], dtype=np.float32)


def proposal_rows(doc: Document, proposals: Sequence[Proposal], embed: Embed) -> np.ndarray:
    """The model's input rows of a document's proposals."""
    return feature_matrix(hand_rows(doc, proposals), embed([p.candidate.text for p in proposals]))


def finish(kept: Sequence[Proposal]) -> list[Recommendation]:
    """Accepted proposals as the document's records: in order, repeats and summary lists linked."""
    ordered = sorted(kept, key=lambda p: p.line)
    records = [p.record for p in ordered]
    in_summaries = {p.record.rec_id for p in ordered if p.candidate.in_summary}
    for seq, record in enumerate(records):
        record.seq = seq
    _link_summary_lists(records, in_summaries)
    _link_repeats(records)
    return records



def _propose_blocks(lines: Sequence[Any], covered: set[int], add: Callable[..., None]) -> None:
    """Recommendations and practices that are blocks rather than sentences: DO/DON'T table rows, sub-sections
    announced as options, programmes introduced as effective."""
    # the DO/DON'T header is English: its cells open with English imperatives
    if rule_on("blocks.do-dont"):
        for block in do_dont_rows(lines, covered, lambda text: looks_imperative(text, STOPLISTS["en"])):
            add(block.first, join_lines(line.text for line in block.lines), "table", RECOMMENDATION, True)
    if rule_on("blocks.announced-subsections"):
        for block in announced_subsections(lines, covered):
            add(block.first, join_lines(line.text for line in block.lines), "section", RECOMMENDATION, True,
                block.number)
    if rule_on("blocks.effective-practices"):
        for block in effective_practices(lines, covered):
            add(block.first, join_lines(line.text for line in block.lines), "practice", PRACTICE, True)


def propose(doc: Document, pages: Sequence[Page]) -> list[Proposal]:
    """Every candidate of a document: the items of its recommendation sections (numbered, bulleted or under lead-in
    phrases), labelled recommendations, bulleted items elsewhere that ask for something, and sentences with a
    recommending word or a practice cue."""
    notes: list[Line] = []
    lines = document_lines(pages, notes)
    total = max(1, len(lines))
    out: list[Proposal] = []
    covered: set[int] = set()

    def add(first: int, text: str, source: str, kind: str, rules_accept: bool, number: str | None = None,
            heading: str | None = None, in_summary: bool = False, strength: str | None = None) -> None:
        text = _item_text(text, number, source)
        if text is None:
            return
        record = _record(doc, lines[first].page, text, kind,
                         strength or (greta_strength(text) or "recommend" if kind == RECOMMENDATION else None),
                         number, heading)
        out.append(Proposal(first, Candidate(text, source, kind, rules_accept, number is not None, in_summary,
                                             heading, first / total), record))

    _propose_sections(lines, covered, add)
    _propose_labels(lines, covered, add)
    _propose_blocks(lines, covered, add)
    organisations = split_values("organisation", doc.organisation)
    _propose_bullets(lines, covered, organisations, add)
    _release_long(out, covered)
    has_section = any(p.candidate.source in ("section", "label", "leadin") for p in out)
    for run in _uncovered_runs(lines, covered):
        for first, text, kind, strength, number, accept in _sentences(lines, run, organisations, has_section):
            add(first, text, "sentence", kind, accept, number, strength=strength)
    out += _note_proposals(doc, notes, len(lines), organisations)
    for p in out:
        p.candidate.extra["doc_has_section"] = has_section
    return out


def _propose_sections(lines: Sequence[Line], covered: set[int], add: Callable[..., None]) -> None:
    """The items of the recommendation sections: numbered or bulleted, else under lead-in phrases."""
    for start, end in section_spans(lines):
        summary = bool(SUMMARY_LIST.search(lines[start - 1].text))
        items = section_items(lines, start, end)
        source = "section"
        if not items:
            items, source = leadin_items(lines, start, end), "leadin"
        for item in items:
            first = lines.index(item.lines[0], start)
            covered.update(range(first, first + len(item.lines)))
            end_long_item(item, lines[start:end])
            text = join_lines(item_body(item) if source == "section" else [line.text for line in item.lines])
            if len(_WORD.findall(text)) < 4:
                continue
            # lead-in items count by the rules alone under a heading of recommendations only (not "Conclusions
            # and recommendations", whose lead-ins head findings) and when they ask for something
            accept = source == "section" or (not _CONCLUSIONS.search(lines[start - 1].text)
                                             and bool(MODAL.search(text) or RECOMMENDING_WORD.search(text)))
            add(first, text, source, RECOMMENDATION, accept, item.number, item.heading, summary)


def _propose_labels(lines: Sequence[Line], covered: set[int], add: Callable[..., None]) -> None:
    """Recommendations under a label of their own ("Aanbeveling 3", "RECOMMENDATION 2 …")."""
    for first, item in labelled_items(lines, covered):
        end_long_item(item, lines)
        text = join_lines(line.text for line in item.lines[1:])
        if len(_WORD.findall(text)) >= 4:  # else a label in a table or a cross-reference ("Aanbeveling 4 het OM.")
            add(first, text, "label", RECOMMENDATION, not _label_tells(text), item.number, item.heading)


def _note_proposals(doc: Document, notes: Sequence[Line], after: int, organisations: list[str]) -> list[Proposal]:
    """The footnotes' own-voice recommendations as proposals, ordered after the document's lines."""
    out = []
    for first, text, strength in note_recommendations(notes, organisations):
        # a note's candidate counts as a sentence for the learned check (its features know no other source)
        candidate = Candidate(text, "sentence", RECOMMENDATION, True, False, False, None, 1.0)
        out.append(Proposal(after + first, candidate, _record(doc, notes[first].page, text, RECOMMENDATION, strength)))
    return out


def note_recommendations(notes: Sequence[Line], organisations: list[str]) -> list[tuple[int, str, str]]:
    """(first line, text, strength) of the footnote sentences that recommend with an explicit predicate in the
    document's own voice ("Een portefeuillehouder … is aan te bevelen"): a footnote that quotes GRETA or tells of
    another body's recommendation is not the document's."""
    out: list[tuple[int, str, str]] = []
    starts = [i for i, line in enumerate(notes) if NOTE_NUMBER.match(line.text)] + [len(notes)]
    for begin, end in zip(starts, starts[1:]):
        text = NOTE_NUMBER.sub("", join_with_lines(notes[begin:end])[0], count=1)
        for start, stop in sentence_spans(text):
            sentence = text[start:stop].strip()
            if greta_strength(sentence) or _quoted_or_note(sentence) or _OPENS_QUOTATION.search(sentence) \
                    or len(_WORD.findall(sentence)) < 5:
                continue
            strength = recommendation_strength(sentence, organisations)
            if strength == "recommend" and not OTHER_VOICE.search(sentence):
                out.append((begin, sentence, strength))
    return out


NOTE_NUMBER = re.compile(r"^\d{1,3}\s+")
# a note that opens a quotation cites another text ("Deze aanbeveling luidt: ‘Het OM wordt aanbevolen …"): the
# recommending words are the quoted text's, not the document's
_OPENS_QUOTATION = re.compile(r"[‘“„«]|(?:^|[\s:(])[\"'](?=\w)")
# a sentence that goes on with the previous one's demand by pointing back to it ("Dat vergt …", "Hoekstenen hiervoor
# vormen …", "Ook moet hiervoor …", "Such an analysis …"): part of that item (the labelling method's rule); an
# English "This …" or a Dutch "Hierbij …" after a demand is mostly the report's reasoning for it, and stays out
_POINTING_BACK = r"dat|dit|{daartoe}daarvoor|hiervoor|hiertoe|zo'n|zulke|zowel|such|to\s+(?:this|that)\s+end"
_POINTER = r"hiervoor|daarvoor|{daartoe}hiertoe"


def _continues_pattern(daartoe: bool) -> re.Pattern[str]:
    """The sentence openings that go on with a demand, "Daartoe …" among them while `items.continues-daartoe` is on."""
    word = "daartoe|" if daartoe else ""
    return re.compile(rf"^(?:(?:{_POINTING_BACK.format(daartoe=word)})\b|(?:\S+\s+){{1,3}}(?:{_POINTER.format(daartoe=word)})\b|"
                      # the demand's actor named again by a pronoun: "Zij moet bedrijven … stimuleren"
                      r"(?:zij|ze|hij|they|it|he|she)\s+(?:moet|moeten|dient|dienen|should|must|needs?\s+to)\b)", re.I)


CONTINUES_DEMAND = _continues_pattern(daartoe=True)
_CONTINUES_NOT_DAARTOE = _continues_pattern(daartoe=False)
_CONTINUATIONS = 2  # at most so many sentences join an item


def _release_long(out: list[Proposal], covered: set[int]) -> None:
    """Unnumbered items longer than a record can be (a speech's whole section under a heading, a narrative paragraph
    after a lead-in) are not items: their lines go back to the running text, to be judged sentence by sentence."""
    starts = {p.line for p in out}
    for p in [p for p in out if not p.candidate.numbered and len(p.record.text) > MAX_RECORD
              and p.candidate.source in ("section", "leadin", "label", "bullet")]:
        out.remove(p)
        line = p.line
        while line in covered and (line == p.line or line not in starts):
            covered.discard(line)
            line += 1


def _propose_bullets(lines: Sequence[Line], covered: set[int], organisations: list[str], add: Callable[..., None]
                     ) -> None:
    """Bulleted items outside the sections, and a guide's advice paragraphs under its 'Tip N.' headings."""
    for first, item in bullet_items(lines, covered):
        text = join_lines(item_body(item))
        if len(_WORD.findall(text)) < 5:
            continue
        if rule_on("bullets.advice-list") and item.heading and ADVICE_LIST.search(item.heading) \
                and _english_imperative(text):
            # an item of a list the document introduces as its advice ("Suggestions … include the following:")
            add(first, text, "bullet", RECOMMENDATION, True, None, item.heading)
        elif MODAL.search(text) or RECOMMENDING_WORD.search(text):
            strength = recommendation_strength(text, organisations)
            add(first, text, "bullet", RECOMMENDATION, strength is not None, None, item.heading, strength=strength)
    if not rule_on("bullets.advice-paragraphs"):
        return
    for first, item in advice_paragraphs(lines, covered, lambda text: _english_imperative(text)):
        add(first, join_lines(line.text for line in item.lines), "bullet", RECOMMENDATION, True, None, item.heading)


def _item_text(text: str, number: str | None, source: str) -> str | None:
    """A candidate's text as a record keeps it, or None for an index, a table or a table of contents."""
    if _mostly_numbers(text, 0.3) or len(_CONTENTS_ENTRY.findall(text)) >= 2:
        return None
    return _before_talk_of_the_next(text) if number is not None and source in ("section", "label") else text


def _before_talk_of_the_next(text: str) -> str:
    """A numbered item up to a later sentence that talks about a recommendation ("De tweede aanbeveling is gericht
    aan gemeenten …"): what follows leads up to the next item, not this one's explanation."""
    for start, end in sentence_spans(text)[1:]:
        if talks_about_recommendations(text[start:end]):
            return text[:start].rstrip()
    return text


def _label_tells(text: str) -> bool:
    """Whether a labelled item opens by telling of the recommendation rather than making it ("Aanbeveling 2 De
    Staatssecretaris volgt mijn tweede aanbeveling …", a letter that reports what became of it)."""
    spans = sentence_spans(text)
    return bool(spans) and asks_nothing(text[spans[0][0]:spans[0][1]])


def _record(doc: Document, page: int, text: str, kind: str, strength: str | None, number: str | None = None,
            heading: str | None = None) -> Recommendation:
    return Recommendation(
        rec_id=rec_id_for(doc.doc_id, page, text), doc_id=doc.doc_id, kind=kind, page=page, text=text,
        number=number, language=doc.language, addressee=addressee_of(text) if kind == RECOMMENDATION else None,
        strength=strength, topics=topics_of(f"{heading or ''} {text}"), heading=heading)


def _uncovered_runs(lines: Sequence[Line], covered: set[int]) -> Iterable[list[int]]:
    run: list[int] = []
    for index in range(len(lines)):
        if index in covered or (is_heading(lines, index) and not _continues_over_page(lines, index)):
            # a heading is not the start of the next sentence
            if run:
                yield run
            run = []
        else:
            run.append(index)
    if run:
        yield run


# a lead-in that announces a numbered recommendation after its colon, the number left in the running text
ANNOUNCED_ITEM = re.compile(r"\b(?:aanbeveling|aanbevelingen|recommendation|recommendations|recommandation|"
                            r"recommandations|empfehlung|empfehlungen)\b[^:]{0,80}:\s*\(?(\d{1,3})[.)]?\s+"
                            r"(?=[A-ZÀ-Ý])", re.I)


def _continues_over_page(lines: Sequence[Line], index: int) -> bool:
    """Whether the first line of a page goes on with the sentence the page before left unfinished (a full line that
    ends without punctuation), though it looks like a heading."""
    if index == 0 or lines[index - 1].page == lines[index].page:
        return False
    previous = lines[index - 1].text
    return len(previous) >= 60 and previous[-1:].isalpha() and not is_heading(lines, index - 1)


def _sentences(lines: Sequence[Line], run: list[int], organisations: list[str], has_section: bool = True
               ) -> list[tuple[int, str, str, str | None, str | None, bool]]:
    """(first line, text, kind, strength, number, whether the rules keep it) of each candidate sentence of a run:
    one with a cue in the report's own voice, a practice cue, or a recommending word anywhere; in a document
    without a recommendations section, also a demand in its own voice (see `prose_demand`)."""
    text, starts = join_with_lines([lines[i] for i in run])
    offsets = [offset for offset, _ in starts]
    spans = sentence_spans(text)
    out: list[tuple[int, str, str, str | None, str | None, bool]] = []
    skip_to = -1
    told_list, quiet = False, 0  # inside a list of earlier recommendations, told in the past tense
    for n, (start, end) in enumerate(spans):
        if n <= skip_to:
            continue
        sentence = text[start:end].strip()
        told_list, quiet = _in_told_list(sentence, told_list, quiet)
        if len(sentence) > _MAX_SENTENCE or len(_WORD.findall(sentence)) < 5 or _mostly_numbers(sentence):
            continue
        quoted = _quoted_or_note(sentence) or inside_quotation(text, start) \
            or demand_in_quotation(sentence, _ANY_CUE)
        strength = recommendation_strength(sentence, organisations)
        kind = RECOMMENDATION if strength else PRACTICE if is_practice(sentence) else None
        accept = kind is not None and not quoted and not told_list \
            and not (kind == RECOMMENDATION and asks_nothing(sentence))
        if kind is None and not has_section and not quoted and not told_list \
                and rule_on("prose.demand-without-section") and prose_demand(sentence) \
                and not asks_nothing(sentence) and not weak_demand(sentence):
            kind, strength, accept = RECOMMENDATION, "recommend", True
        if kind is None:
            if not (RECOMMENDING_WORD.search(sentence) or MODAL.search(sentence)):
                continue
            kind = RECOMMENDATION
        if kind == PRACTICE and leans_on_previous(sentence) and n > 0:
            start = spans[n - 1][0]
            sentence = text[start:end].strip()
        line = run[starts[max(0, bisect.bisect_right(offsets, start) - 1)][1]]
        previous = text[spans[n - 1][0]:spans[n - 1][1]].strip() if n > 0 else ""
        number = m.group(1) if (m := _PARAGRAPH_NUMBER.match(previous)) else None
        if kind == RECOMMENDATION and accept:
            last = _item_end(text, spans, n, number is not None, organisations)
            if last > n and len(text[start:spans[last][1]]) <= _MAX_SENTENCE:
                sentence, skip_to = text[start:spans[last][1]].strip(), last
        announced = ANNOUNCED_ITEM.search(sentence) if kind == RECOMMENDATION and not quoted else None
        if announced and not asks_nothing(sentence[:announced.start()]):
            # "… is de volgende aanbeveling geformuleerd: 3 De minister …": the item starts at its number
            body = max(start, text.find(sentence, start)) + announced.end()
            sentence, number, accept = sentence[announced.end():], announced.group(1), True
            line = run[starts[max(0, bisect.bisect_right(offsets, body) - 1)][1]]
        out.append((line, sentence, kind, strength if kind == RECOMMENDATION else None, number, accept))
    return out


def _in_told_list(sentence: str, told_list: bool, quiet: int) -> tuple[bool, int]:
    """Whether a sentence is inside a list of earlier recommendations told in the past tense ("Ik heb de volgende
    aanbevelingen gedaan:"), and how many sentences in a row asked for nothing: the list's items and their
    explanations go on while they ask, and two sentences that ask for nothing end it."""
    if announces_earlier_list(sentence):
        return True, 0
    if not told_list:
        return False, 0
    quiet = 0 if (RECOMMENDING_WORD.search(sentence) or MODAL.search(sentence)) else quiet + 1
    return quiet < 2, quiet


def _item_end(text: str, spans: Sequence[tuple[int, int]], n: int, numbered: bool, organisations: list[str]) -> int:
    """The last sentence of the item that sentence n opens: a numbered paragraph keeps its explanation to the next
    number; an unnumbered demand keeps the sentences that go on with it (at most _CONTINUATIONS)."""
    def sentence(i: int) -> str:
        return text[spans[i][0]:spans[i][1]].strip()

    last = n
    if numbered:
        while last + 1 < len(spans) and not _PARAGRAPH_NUMBER.match(sentence(last + 1)) \
                and not NEXT_NUMBER.search(sentence(last + 1)):
            last += 1
    else:
        while last + 1 < len(spans) and last - n < _CONTINUATIONS and _continues(sentence(last + 1), organisations):
            last += 1
    return last


_HINDSIGHT = re.compile(r"\b(?:should|must|ought\s+to)\s+(?:not\s+)?have\b|\b(?:had|hadden|zou|zouden)\s+(?:\w+\s+){0,6}?"
                        r"moeten\s+(?:\w+\s+){0,3}?(?:worden|zijn|hebben)\b", re.I)
# a named actor as the subject of a demand: "Governments should therefore devote …", "de politie moet …"
_ASKS_ACTOR = re.compile(rf"{ACTOR.pattern}\s+(?:\w+\s+){{0,1}}?(?:(?:therefore|also|thus|daarom|dan\s+ook|ook)\s+)*"
                         rf"(?:should|must|ought\s+to|need\s+to|moet(?:en)?|dient|dienen)\b", re.I)


_POINTS_BACK = re.compile(r"^(?:as|zoals)\s+[^,;]{3,120}?\b(?:recommended|aanbevolen|advised|geadviseerd)\b[^,;]{0,80},\s*",
                          re.I)


def _continues(sentence: str, organisations: list[str]) -> bool:
    """Whether a sentence continues the demand before it rather than making one of its own or starting a new point."""
    continues = CONTINUES_DEMAND if rule_on("items.continues-daartoe") else _CONTINUES_NOT_DAARTOE
    return bool(continues.match(sentence)) and recommendation_strength(sentence, organisations) is None \
        and not RECOMMENDING_WORD.search(sentence) and not _PARAGRAPH_NUMBER.match(sentence) \
        and not NEXT_NUMBER.search(sentence)


def prose_demand(sentence: str) -> bool:
    """Whether a sentence of running prose makes a demand in the document's own voice: an own-voice demand ("Ik
    pleit", "we call on", "it is crucial that") or a named actor told what it should do, not about a closed case
    ("should have"), not a question, not told of another body. The labelling method counts these only where a
    document has no recommendations section (letters, speeches, articles, chapters)."""
    # a clause that points back to the demand's source ("As BNRM recommended in its third report, we need to …")
    # leaves a present demand in the main clause
    main = _POINTS_BACK.sub("", sentence, count=1) if rule_on("prose.points-back") else sentence
    if sentence.rstrip().endswith("?") or (rule_on("prose.hindsight") and _HINDSIGHT.search(sentence)) \
            or tells_of_another(main):
        return False
    if OTHER_VOICE.search(main):
        # another body named in a sentence whose demand is the writer's own, in the first person ("Met deze brief
        # roep ik u op om middelen … voor het onderzoek"), is what the demand is about, not who makes it
        return rule_on("prose.first-person-over-other") and first_person_demand(main)
    return own_demand(main) or (rule_on("prose.actor-asks") and _actor_asks(main))


# an actor after a preposition is not the subject of the demand ("die … voor de rechter moeten verschijnen"), nor
# one in a relative clause ("een kader waarin iedere gemeente regels moet stellen", "measures that governments
# should take"): the demand must be the sentence's own
_PREPOSITIONS = frozenset("voor bij door aan naar met van tot op in before by for with to of at from".split())
_ARTICLES = frozenset("de het een the a an iedere elke alle ieder elk every each all".split())
_RELATIVES = frozenset("waarin waarbij waardoor waarmee waarvoor die welke which who whom whose where whereby that"
                       .split())


def _actor_asks(sentence: str) -> bool:
    """Whether a named actor is the subject of should/must/moet in a sentence's own clause (not the object of a
    preposition, not in a relative clause)."""
    for match in _ASKS_ACTOR.finditer(sentence):
        before = [w.lower() for w in _WORD.findall(sentence[:match.start()])[-2:]]
        # the word before the actor, or the one before its article ("voor de rechter", "waarin iedere gemeente")
        governing = before[-1:] + (before[:1] if len(before) == 2 and before[1] in _ARTICLES else [])
        if not any(word in _PREPOSITIONS or word in _RELATIVES for word in governing):
            return True
    return False


_OTHER_STOPS = {lang: STOPLISTS[lang] for lang in ("nl", "de", "fr") if lang in STOPLISTS}


def _english_imperative(text: str) -> bool:
    """An English item that begins with an imperative (its function words English rather than Dutch, German or
    French: "Een slachtoffer verklaart …" is no imperative)."""
    words = [w.lower() for w in _WORD.findall(text[:300])]
    english = sum(w in STOPLISTS["en"] for w in words)
    if any(sum(w in stops for w in words) >= max(1, english) for stops in _OTHER_STOPS.values()):
        return False
    return looks_imperative(text, STOPLISTS["en"])


def _mostly_numbers(text: str, share: float = 0.15) -> bool:
    """An index or a table row ("Raad van State 79, 287 Raad voor …"), not a sentence."""
    words = _WORD.findall(text)
    return sum(w.isdigit() for w in words) > share * len(words)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _link_summary_lists(records: list[Recommendation], in_summaries: set[str]) -> None:
    """Link the numbered items of a summary list ("Samenvatting van de aanbevelingen", "Summary of
    recommendations") to the items of the same number given in full before it: the summary shortens them, so
    their words differ."""
    for i, record in enumerate(records):
        if record.rec_id not in in_summaries or record.number is None:
            continue
        full = next((other for other in reversed(records[:i]) if other.number == record.number
                     and other.kind == record.kind and other.rec_id not in in_summaries), None)
        if full is not None:
            record.repeats = full.rec_id


def _link_repeats(records: list[Recommendation]) -> None:
    """Link each record that repeats another of the same document (a summary list, an appendix) to it.

    Of two near-identical records the one with a printed number stands (the appendix that lists GRETA's numbered
    paragraphs again, "(paragraph 45)"); otherwise the earlier one, where the report first gives it in full.
    """
    shingles = [_shingles(r.text) for r in records]
    for i, record in enumerate(records):
        for j, other in enumerate(records):
            if i == j or other.kind != record.kind or min(len(shingles[i]), len(shingles[j])) < 3:
                continue
            shared = len(shingles[i] & shingles[j]) / min(len(shingles[i]), len(shingles[j]))
            other_stands = (other.number is not None, -j) > (record.number is not None, -i)
            if shared >= 0.8 and other_stands and other.repeats is None:
                record.repeats = other.rec_id
                break
