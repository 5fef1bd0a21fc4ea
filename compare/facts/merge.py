"""Fact stage, one fact per thing said: one-sided facts of one sentence or one account merged.

A reader of the "only in one" list should see each thing a report adds
once, with all its words. After ``fold_nested`` (a fact inside another):

- a one-sided name that is the speaker of a one-sided quote of the same
  side is left out: the quote names its speaker ("B never names Vyacheslav
  Volodin" beside his two quotes);
- a one-sided date, figure or short quote (a quoted phrase of at most
  ``SHORT_QUOTE_WORDS`` words: "sovereign and independent states") in a
  sentence whose one-sided claim is listed joins that claim (its span is
  added); two one-sided quotes of one sentence with one speaker and one
  reporting verb ("claiming that '...' and that '...'") are one quote;
- a one-sided claim that continues the previous sentence's one-sided claim
  joins it: its reporting verb's subject is a pronoun that the links give
  the speaker of the previous sentence ("Peskov declined to comment ...
  But he added that ... He also said that ..."), or it opens on a definite
  phrase naming a noun of the previous sentence ("... talks were held last
  week ... After the talks, Ukraine said ...").

Pure functions on facts and the parse; no model.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from ..lexicon import REPORT_VERBS, SENTENCE_OPENERS
from ..types import Fact, Span
from .match import same_entity

SHORT_QUOTE_WORDS = 5
STATUS_ONLY = ("only_a", "only_b")


def _own(fact: Fact, side: int) -> tuple[Span, ...]:
    return fact.a_spans if side == 0 else fact.b_spans


def _with_spans(fact: Fact, side: int, spans, text: str, reason: str | None = None) -> Fact:
    ordered = tuple(sorted(set(spans), key=lambda s: (s.start, s.end)))
    words = " \u2026 ".join(text[s.start:s.end] for s in ordered)
    a_spans, b_spans = (ordered, fact.b_spans) if side == 0 else (fact.a_spans, ordered)
    return replace(fact, text=words, a_spans=a_spans, b_spans=b_spans, reason=reason or fact.reason)


def merge_one_sided(sides, facts: list[Fact], referents: tuple[dict[int, str], dict[int, str]]) -> list[Fact]:
    """``facts`` with the one-sided facts of each side merged (module docstring).
    ``referents``: per side, pronoun offset -> name (``linked.pronoun_referents``)."""
    rest = [f for f in facts if f.status not in STATUS_ONLY]
    for side, status in enumerate(STATUS_ONLY):
        mine = [f for f in facts if f.status == status and _own(f, side)]
        rest += _merge_side(sides[side], side, mine, referents[side])
    return rest


def _merge_side(side_units, side: int, facts: list[Fact], referents: dict[int, str]) -> list[Fact]:
    doc = side_units.doc
    text = doc.article.text
    starts = [s.start for s in doc.sentences]

    def sentence_of(fact: Fact) -> int:
        return max(bisect_right(starts, _own(fact, side)[0].start) - 1, 0)

    speakers = [q.speaker for q in side_units.quotes if q.speaker and any(
        f.kind == "quote" and _own(f, side)[0].start == q.start for f in facts)]
    facts = [f for f in facts if not (f.kind == "entity" and any(same_entity(f.text, s) for s in speakers))]
    claims: dict[int, Fact] = {}
    for f in facts:
        if f.kind == "claim":
            claims.setdefault(sentence_of(f), f)
    out: list[Fact] = []
    for f in facts:
        n = sentence_of(f)
        host = claims.get(n)
        small = f.kind in ("date", "number") or f.kind == "quote" and len(f.text.split()) <= SHORT_QUOTE_WORDS
        if host is not None and f is not host and small:
            claims[n] = _with_spans(host, side, _own(host, side) + _own(f, side), text)
            continue
        out.append(f)
    out = [claims.get(sentence_of(f), f) if f.kind == "claim" else f for f in out]
    return _merge_quotes(side_units, side, _merge_continuations(doc, side, out, referents, sentence_of), text,
                         sentence_of)


def _merge_quotes(side_units, side: int, facts: list[Fact], text: str, sentence_of) -> list[Fact]:
    """Two one-sided quotes of one sentence with one speaker and one reporting verb are one."""
    by_start = {q.start: q for q in side_units.quotes}
    out: list[Fact] = []
    for f in facts:
        q = by_start.get(_own(f, side)[0].start) if f.kind == "quote" else None
        prev = next((g for g in reversed(out) if g.kind == "quote" and sentence_of(g) == sentence_of(f)), None)
        p = by_start.get(_own(prev, side)[0].start) if prev is not None else None
        if q is not None and p is not None and (q.speaker, q.verb) == (p.speaker, p.verb) and q.verb:
            out[out.index(prev)] = _with_spans(prev, side, _own(prev, side) + _own(f, side), text)
            continue
        out.append(f)
    return out


def _merge_continuations(doc, side: int, facts: list[Fact], referents: dict[int, str], sentence_of) -> list[Fact]:
    """A one-sided claim that continues the previous sentence's one-sided claim joins it."""
    claims = sorted((f for f in facts if f.kind == "claim"), key=sentence_of)
    merged: dict[int, Fact] = {}  # sentence -> the claim it now belongs to (its first sentence's)
    first_of: dict[int, int] = {}
    speaker: dict[int, str] = {}
    for f in claims:
        n = sentence_of(f)
        speaker[n] = _speaker_of(doc, n, referents, speaker.get(n - 1, ""))
        same_speaker = bool(speaker[n] and speaker.get(n - 1)) and same_entity(speaker[n], speaker[n - 1])
        if n - 1 in first_of and (same_speaker and _pronoun_subject(doc, n) or _refers_back(doc, n)):
            head = first_of[n - 1]
            merged[head] = _with_spans(merged[head], side, _own(merged[head], side) + _own(f, side),
                                       doc.article.text)
            first_of[n] = head
            continue
        first_of[n] = n
        merged[n] = f
    keep = {id(f) for f in claims if first_of[sentence_of(f)] == sentence_of(f)}
    return [merged[sentence_of(f)] if f.kind == "claim" else f for f in facts
            if f.kind != "claim" or id(f) in keep]


def _report_subject(doc, n: int):
    """The subject of the sentence's first reporting verb that has one, else of its root verb, or None."""
    sentence = doc.sentences[n]
    span = doc.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    if span is None:
        return None
    verbs = [t for t in span if t.pos_ == "VERB" and t.lemma_.lower() in REPORT_VERBS] + [span.root]
    subjects = (next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None) for v in verbs)
    return next((s for s in subjects if s is not None), None)


def _pronoun_subject(doc, n: int) -> bool:
    subject = _report_subject(doc, n)
    return subject is not None and subject.pos_ == "PRON"


def _speaker_of(doc, n: int, referents: dict[int, str], previous: str) -> str:
    """Who speaks in sentence ``n``: the named subject of its reporting verb,
    or the person the links give its pronoun subject (else, with no name
    between, the previous sentence's speaker: "He also said")."""
    subject = _report_subject(doc, n)
    if subject is None:
        return ""
    if subject.pos_ == "PRON":
        return referents.get(subject.idx, previous if subject.lower_ in ("he", "she") else "")
    names = [e for e in doc.doc.ents if e.label_ == "PERSON" and e.start <= subject.i < e.end]
    return names[0].text if names else ""


def _refers_back(doc, n: int) -> bool:
    """Sentence ``n`` opens on a definite phrase naming a noun of sentence
    ``n - 1`` ("After the talks, ..." after "... talks were held")."""
    if n == 0:
        return False
    spans = [doc.doc.char_span(s.start, s.end, alignment_mode="expand") for s in doc.sentences[n - 1:n + 1]]
    if any(s is None for s in spans):
        return False
    before = {t.lemma_.lower() for t in spans[0] if t.pos_ == "NOUN"}
    tokens = list(spans[1])
    k = 0
    while k < len(tokens) and tokens[k].lower_ in SENTENCE_OPENERS:
        k += 1
    return k + 1 < len(tokens) and tokens[k].lower_ == "the" and tokens[k + 1].pos_ == "NOUN" \
        and tokens[k + 1].lemma_.lower() in before
