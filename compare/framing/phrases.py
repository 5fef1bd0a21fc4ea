"""Framing stage, noun phrases: the phrases of one article with their content words, anchors and verb slot."""
from __future__ import annotations

from dataclasses import dataclass

from ..caches import per_parse
from ..config import FramingConfig
from ..lexicon import NUMERIC_ENTITY_LABELS, TITLES_WITH_INSTITUTIONS
from ..types import Document


@dataclass(frozen=True)
class NounPhrase:
    """A noun phrase of one article: its span, content words and anchors."""

    sentence: int
    start: int  # character offsets into the article text
    end: int
    text: str
    head: str  # lemma of the head noun
    words: frozenset[str]  # content words (lemmas; hyphen compounds kept whole)
    core: frozenset[str]  # content words before an "of" phrase: what modifies the head
    anchors: tuple[str, ...]  # proper names in the phrase, titles removed, as written
    slot: tuple[str, str]  # (dependency of the head, lemma of the governing verb) or ("", "")
    role: str = ""  # lemma of the last common noun before the "of" phrase ("adviser")
    named: str = ""  # the person or thing the phrase names, when it is a name with a label
    # ("North Korean leader Kim Jong Un") or an apposition to one ("Kim, the leader")


_NP_POS = {"DET", "NUM", "ADJ", "NOUN", "PROPN", "PART", "PUNCT", "VERB", "CCONJ"}
_SLOT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj"}
_LIGHT_VERBS = {"be", "have", "say", "do", "make", "take", "get"}


def _np_token_ok(tok, run: list) -> bool:
    """May ``tok`` continue the noun-phrase run ``run``?"""
    if run and _hyphen_joined(tok):
        return True  # "son-in-law", "Moscow-backed"
    if tok.pos_ == "DET":
        return not run
    if tok.pos_ == "PUNCT":
        return tok.text in "-‐" and not tok.whitespace_ and bool(run) and not run[-1].whitespace_
    if tok.pos_ == "VERB":  # participles inside compounds: "self-declared", "Moscow-backed"
        return tok.tag_ in ("VBN", "VBD", "VBG") and tok.dep_ in ("amod", "compound") or _hyphen_joined(tok)
    if tok.pos_ == "CCONJ":  # "Donetsk and Luhansk People's Republics"
        return bool(run) and run[-1].pos_ == "PROPN" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].pos_ == "PROPN"
    if tok.pos_ == "PART":
        return tok.text in ("'s", "’s") and bool(run)
    return True


def _so_called(tok) -> bool:
    """"so" of "so-called" (an adverb the parser leaves outside the noun phrase)."""
    doc = tok.doc
    return (tok.lower_ == "so" and not tok.whitespace_ and tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-"
            and not doc[tok.i + 1].whitespace_ and doc[tok.i + 2].lower_ == "called")


def _hyphen_joined(tok) -> bool:
    return tok.i > 0 and tok.doc[tok.i - 1].text == "-" and not tok.doc[tok.i - 1].whitespace_


def _starts_new_phrase(tok, previous) -> bool:
    """"the jobs Clinton offered", "missiles North Korea said": a subject (or
    the first word of a subject name) right after a complete noun phrase."""
    root = tok
    while root.dep_ == "compound" and root.head is not root:
        root = root.head
    return (root.dep_ in ("nsubj", "nsubjpass") and previous.pos_ == "NOUN"
            and previous.dep_ in ("dobj", "pobj", "nsubj", "attr"))


def _runs(sent) -> list[list]:
    """Maximal token runs that look like noun phrases, trimmed to end on a noun."""
    runs, run = [], []
    for tok in sent:
        if run and _starts_new_phrase(tok, run[-1]):
            runs.append(run)
            run = []
        if (tok.pos_ in _NP_POS or run and _hyphen_joined(tok) or _so_called(tok)) and _np_token_ok(tok, run):
            run.append(tok)
            continue
        runs.append(run)
        run = [tok] if tok.pos_ == "DET" else []
    runs.append(run)
    out = []
    for r in runs:
        while r and r[-1].pos_ not in ("NOUN", "PROPN"):
            r = r[:-1]
        if r:
            out.append(r)
    return out


def _merge_of(runs: list[list]) -> list[list]:
    """Attach "of" + noun phrase: "leaders of the breakaway republics"."""
    out: list[list] = []
    for r in runs:
        if out:
            prev = out[-1]
            gap = r[0].i - prev[-1].i
            if gap == 2 and r[0].doc[prev[-1].i + 1].lower_ == "of":
                out[-1] = prev + [r[0].doc[prev[-1].i + 1]] + r
                continue
        out.append(r)
    return out


def _content_words(tokens: list) -> list[str]:
    """Lemmas of content tokens; "Moscow - backed" becomes "moscow-backed"."""
    words: list[str] = []
    for tok in tokens:
        glued_next = tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].text == "-" and not tok.whitespace_
        if not glued_next and (tok.pos_ in ("DET", "NUM", "PART", "CCONJ", "ADP")
                               or tok.is_stop and tok.pos_ != "PROPN"):
            continue
        if tok.text in "-‐":
            continue
        if words and _hyphen_joined(tok):
            words[-1] = f"{words[-1]}-{tok.lower_}"  # as written: "self-declared", not "self-declare"
        else:
            words.append(tok.lemma_.lower() if tok.pos_ != "PROPN" else tok.lower_)
    return words


def _slot(head) -> tuple[str, str]:
    node = head
    while node.dep_ == "conj" and node.head is not node:
        node = node.head
    verb = node.head
    if node.dep_ == "pobj" and verb.pos_ == "ADP":
        verb = verb.head
    if verb.pos_ in ("VERB", "AUX") and verb.lemma_ not in _LIGHT_VERBS and node.dep_ in _SLOT_DEPS:
        return (node.dep_, verb.lemma_.lower())
    return ("", "")


def name_runs(tokens: list) -> tuple[str, ...]:
    """Proper-name runs of a phrase, titles dropped: "South Korean President
    Moon Jae-in" -> ("South Korean", "Moon Jae-in")."""
    out, run = [], []
    for tok in list(tokens) + [None]:
        glued = tok is not None and run and tok.text == "-" and not run[-1].whitespace_ and not tok.whitespace_
        if tok is not None and (tok.pos_ == "PROPN" and tok.lower_ not in TITLES_WITH_INSTITUTIONS
                                and tok.ent_type_ not in NUMERIC_ENTITY_LABELS or glued
                                or run and run[-1].text == "-" and not run[-1].whitespace_
                                and tok.pos_ not in ("VERB", "ADJ", "NOUN")):
            run.append(tok)
            continue
        if run:
            out.append("".join(t.text_with_ws for t in run).strip(" -"))
        run = []
    return tuple(out)


def _noun_phrase(doc: Document, index: int, run: list) -> NounPhrase:
    of = next((t for t in run if t.lower_ == "of"), None)
    core = run[:run.index(of)] if of is not None else run
    start, end = run[0].idx, run[-1].idx + len(run[-1].text)
    anchors = name_runs(run)
    head = core[-1]
    named = anchors[-1] if head.pos_ == "PROPN" and anchors and head.text in anchors[-1].split() else _apposed_name(head)
    role = next((t.lemma_.lower() for t in reversed(core) if t.pos_ == "NOUN"), "")
    return NounPhrase(index, start, end, doc.article.text[start:end], head.lemma_.lower(),
                      frozenset(_content_words(run)), frozenset(_content_words(core)),
                      anchors, _slot(head), role, named)


def _apposed_name(head) -> str:
    """"Kim Jong Un, the North Korean leader": the name a noun is in apposition to."""
    other = head.head if head.dep_ == "appos" else next((c for c in head.children if c.dep_ == "appos"), None)
    if other is None or other.pos_ != "PROPN":
        return ""
    if other.ent_type_:
        ent = next((e for e in other.doc.ents if e.start <= other.i < e.end), None)
        if ent is not None:
            return " ".join(name_runs(list(ent))) or ent.text
    return other.text


@per_parse()
def noun_phrases(doc: Document, config: FramingConfig) -> list[NounPhrase]:
    """Noun phrases with at least one common noun (bare names are for naming).
    "Recognition of the self-declared republics" also yields "the self-declared
    republics": either may be what the other article names differently."""
    if doc.doc is None:
        return []
    out = []
    for index, sentence in enumerate(doc.sentences):
        span = doc.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        for run in _merge_of(_runs(span)):
            parts = [run]
            of = next((k for k, t in enumerate(run) if t.lower_ == "of"), None)
            if of is not None:
                parts.append(run[of + 1:])
            for part in parts:
                if len(part) <= config.max_np_tokens and any(t.pos_ == "NOUN" for t in part):
                    out.append(_noun_phrase(doc, index, part))
    return out
