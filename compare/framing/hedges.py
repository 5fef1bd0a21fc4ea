"""Framing stage, hedges and report verbs: distancing words, attributed clauses, scare quotes, verb classes."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import names
from ..caches import per_parse
from ..lexicon import HEDGE_CLAUSE_VERBS, HEDGE_WORDS, REPORT_VERB_CLASS
from ..types import Alignment, Document, FramingDifference
from .findings import aligned_sentence_pairs, framing_difference, quote


@dataclass(frozen=True)
class Hedge:
    sentence: int
    start: int
    end: int
    text: str
    cue: str
    kind: str  # "distancing word" | "attributed clause" | "scare quotes"


_CLAUSE_END = re.compile(r"[,;:.!?”\"—–)]")
_SCARE = re.compile(r"(?:\"(?P<a>\w[\w\s-]{1,40}?)\"|“(?P<b>\w[\w\s-]{1,40}?)”|‘(?P<c>\w[\w\s-]{1,40}?)’)")


def _clause_from(text: str, start: int, stop: int) -> int:
    """End of the clause that starts at ``start`` (next punctuation or ``stop``)."""
    m = _CLAUSE_END.search(text, start, stop)
    return m.start() if m else stop


def _word_hedges(doc: Document, sentence) -> list[Hedge]:
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(HEDGE_WORDS, key=len, reverse=True)) + r")\b", re.I)
    text = doc.article.text
    out = []
    for m in pattern.finditer(text, sentence.start, sentence.end):
        end = _clause_from(text, m.end(), sentence.end)
        if end > m.end() + 60:  # keep the cue and a few words, cut at a word boundary
            end = text.rfind(" ", m.end(), m.end() + 60)
            end = end if end > m.end() else m.end()
        out.append(Hedge(sentence.index, m.start(), end, text[m.start():end].rstrip(), m.group(1).lower(),
                         "distancing word"))
    return out


def _clause_hedges(doc: Document, sentence) -> list[Hedge]:
    """"what they claim is X", "what X calls Y": the writer attributes the wording."""
    if doc.doc is None:
        return []
    span = doc.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    out = []
    for tok in span or ():
        if tok.lower_ != "what":
            continue
        verb = next((t for t in doc.doc[tok.i + 1:tok.i + 4] if t.lemma_.lower() in HEDGE_CLAUSE_VERBS and t.pos_ == "VERB"), None)
        if verb is None or not _attributing(verb):
            continue
        start = doc.doc[tok.i - 1].idx if tok.i > 0 and doc.doc[tok.i - 1].pos_ == "ADP" else tok.idx
        end = _past_quote(doc.article.text, _clause_from(doc.article.text, verb.idx, sentence.end), sentence.end)
        text = doc.article.text[start:end].rstrip()
        out.append(Hedge(sentence.index, start, start + len(text), text, verb.lemma_.lower(), "attributed clause"))
    return out


def _attributing(verb) -> bool:
    """A third party's wording ("what they claim is", "what critics call"):
    not the speaker's own ("What I said"), not passive naming ("what is
    called"), and "say" only as "what X say is"."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.lower_ in ("i", "we", "you"):
        return False
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    return verb.lemma_.lower() != "say" or (following is not None and following.lemma_ == "be")


_CLOSING = {"“": "”", '"': '"'}


def _past_quote(text: str, end: int, stop: int) -> int:
    """Extend a clause that stops at an opening quotation mark to its closing one."""
    if end < stop and text[end] in _CLOSING:
        close = text.find(_CLOSING[text[end]], end + 1, stop)
        return close + 1 if close > 0 else end
    return end


def _scare_quotes(doc: Document, sentence) -> list[Hedge]:
    """Short quoted labels ("the 'referendum'") rather than quoted speech."""
    text = doc.article.text
    out = []
    for m in _SCARE.finditer(text, sentence.start, sentence.end):
        group = next(g for g in ("a", "b", "c") if m.group(g))
        inner = m.group(group)
        before = text[max(sentence.start, m.start() - 2):m.start()]
        if len(inner.split()) > 3 or inner[0].isupper() or not before.strip() == "" and before[-1:].isalnum():
            continue
        if doc.doc is not None:
            span = doc.doc.char_span(m.start(group), m.end(group), alignment_mode="expand")
            if span is None or not any(t.pos_ == "NOUN" for t in span) or any(t.pos_ == "VERB" for t in span):
                continue
            before = doc.doc[max(0, span.start - 5):span.start]
            if any(t.lemma_.lower() in REPORT_VERB_CLASS for t in before):
                continue  # "called it 'insane'": a quotation, not distancing
        out.append(Hedge(sentence.index, m.start(), m.end(), m.group(0), "quotation marks", "scare quotes"))
    return out


@per_parse()
def hedges(doc: Document) -> list[Hedge]:
    out = []
    for sentence in doc.sentences:
        out += _word_hedges(doc, sentence) + _clause_hedges(doc, sentence) + _scare_quotes(doc, sentence)
    return out


_HEDGE_WHY = {
    "distancing word": "a word that marks the statement as not established by the writer",
    "attributed clause": "the writer attributes the description to its source instead of stating it",
    "scare quotes": "quotation marks around a short label can distance the writer from the term",
}


def hedge_findings(ha: list[Hedge], hb: list[Hedge], alignment: Alignment) -> list[FramingDifference]:
    """Hedges in one article whose counterpart (if any) in the other has none."""
    aligned = aligned_sentence_pairs(alignment)
    out = []
    for mine, other, first in ((ha, hb, True), (hb, ha, False)):
        other_cues = {(h.sentence, h.cue) for h in other}
        for h in mine:
            partners = [j if first else i for i, j in aligned if (i if first else j) == h.sentence]
            if any((p, h.cue) in other_cues for p in partners):
                continue  # both hedge the same content the same way
            me, them = ("A", "B") if first else ("B", "A")
            context = (f" {them}'s aligned sentence carries no such hedge." if partners
                       else f" {them} does not report this content.")
            why = f"{me}: {quote(h.text)}: {_HEDGE_WHY[h.kind]}.{context}"
            spans = [(h.start, h.end)]
            out.append(framing_difference("hedge", h.text if first else "", "" if first else h.text,
                                          spans if first else [], [] if first else spans, h.cue,
                                          h.kind if first else "", "" if first else h.kind, why))
    return out


_VERB_WHY = {
    "neutral": "neutral attribution",
    "distancing": "a verb that leaves the truth of the statement open",
    "conceding": "presents the statement as an admission",
    "emphatic": "adds emphasis or emotion",
    "rejecting": "presents the statement as a denial",
}


def report_verbs(doc: Document, sentence: int) -> list[tuple[object, str]]:
    """(token, class) for every reporting verb in one sentence."""
    if doc.doc is None:
        return []
    s = doc.sentences[sentence]
    span = doc.doc.char_span(s.start, s.end, alignment_mode="expand") or ()
    table = REPORT_VERB_CLASS
    return [(t, table[t.lemma_.lower()]) for t in span if t.pos_ == "VERB" and t.lemma_.lower() in table]


def _speaker(verb) -> str:
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return "" if subj is None else " ".join(t.text for t in subj.subtree if t.pos_ == "PROPN") or subj.lemma_


def report_verb_findings(a: Document, b: Document, alignment: Alignment) -> list[FramingDifference]:
    """Different classes of reporting verb for the same speaker in aligned sentences."""
    out, seen = [], set()
    for i, j in sorted(aligned_sentence_pairs(alignment)):
        for va, ca in report_verbs(a, i):
            for vb, cb in report_verbs(b, j):
                sa, sb = _speaker(va), _speaker(vb)
                same = sa and sb and (names.name_variant(sa.split()[-1], sb.split()[-1]) is not None)
                if ca == cb or not same or (va.i, vb.i) in seen:
                    continue
                seen.add((va.i, vb.i))
                why = (f"A reports {sa} with {quote(va.text)} ({_VERB_WHY[ca]}); "
                       f"B with {quote(vb.text)} ({_VERB_WHY[cb]}).")
                out.append(framing_difference("report_verb", va.text, vb.text, [(va.idx, va.idx + len(va.text))],
                                              [(vb.idx, vb.idx + len(vb.text))], sa, ca, cb, why))
    return out
