"""Fact stage, salience: which facts a reader should see first.

Three pieces, all pure and model-free:

- ``is_fragment``: a run of unique phrases is a claim only when it has a
  predicate with an argument (a verb that is not a reporting verb or a
  participle modifier, plus a noun or name) or at least
  ``MIN_CLAIM_CONTENT`` content words. Words inside quotes and reporting
  verbs do not count (the quote is a fact of its own; "Vyacheslav Volodin,
  said" is an attribution). So "Under", "it is", "In a session held",
  "political cooperation" are not facts.
- ``salience``: a score in [0, 1] per fact, documented in docs/facts.md:
  ``KIND_WEIGHT`` of its kind and status (conflicts first, then quotes and
  figures, then claims, entities, dates), + 0.15 when a claim carries a
  figure, a name or a quote, + up to 0.2 for position (the lead of a news
  report holds its main facts: 0.2 for the first sentence, falling linearly
  to 0 at the end), + up to 0.1 for length (content words, capped at 12), +
  up to 0.15 for how much of the story depends on it (a named referent
  mentioned again: 0.05 per further mention in its article, capped).
- ``key_differences``: per side the most salient one-sided facts (at most
  ``k``, none inside another chosen one), and every conflict.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ..lexicon import REPORT_VERBS
from ..types import Fact

MIN_CLAIM_CONTENT = 3
KIND_WEIGHT = {"conflict": 0.6, "quote": 0.45, "number": 0.45, "claim": 0.35, "event": 0.25, "entity": 0.3,
               "date": 0.25}
_CONTENT = ("NOUN", "PROPN", "VERB", "ADJ", "NUM")


def is_fragment(doc: Doc, start: int, end: int, quotes: list[tuple[int, int]]) -> bool:
    """True when ``[start, end)`` holds no predicate with an argument and fewer
    than ``MIN_CLAIM_CONTENT`` content words outside quotes and attributions."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return True
    words = [t for t in span if t.pos_ in _CONTENT and not t.is_stop and t.is_alpha
             and not any(s <= t.idx < e for s, e in quotes) and t.lemma_.lower() not in REPORT_VERBS]
    predicate = any(t.pos_ == "VERB" and t.dep_ not in ("acl", "amod", "compound") for t in words)
    argument = any(t.pos_ in ("NOUN", "PROPN", "NUM") for t in words)
    return not (predicate and argument) and len(words) < MIN_CLAIM_CONTENT


def salience(fact: Fact, position: float, content_words: int, mentions: int, carries: bool) -> float:
    """The fact's salience (see the module docstring): ``position`` is its
    sentence's index over the article's sentence count (0 = lead)."""
    kind = "conflict" if fact.status == "conflict" else fact.kind
    score = KIND_WEIGHT.get(kind, 0.25)
    score += 0.15 if carries and fact.kind == "claim" else 0.0
    score += 0.2 * max(0.0, 1.0 - position)
    score += 0.1 * min(content_words, 12) / 12
    score += min(0.15, 0.05 * max(mentions - 1, 0))
    return round(min(score, 1.0), 3)


def key_differences(facts: tuple[Fact, ...] | list[Fact], k: int = 5) -> dict[str, list[Fact]]:
    """``{"only_a": [...], "only_b": [...], "conflicts": [...]}``: the ``k``
    most salient one-sided facts of each side (a fact inside or around one
    already chosen is skipped, so a sentence and the name in it do not both
    take a place) and every conflict, most salient first."""
    out: dict[str, list[Fact]] = {"only_a": [], "only_b": [],
                                  "conflicts": sorted((f for f in facts if f.status == "conflict"),
                                                      key=lambda f: -f.salience)}
    for status in ("only_a", "only_b"):
        chosen: list[Fact] = []
        for fact in sorted((f for f in facts if f.status == status), key=lambda f: -f.salience):
            spans = fact.a_spans if status == "only_a" else fact.b_spans
            taken = [s for c in chosen for s in (c.a_spans if status == "only_a" else c.b_spans)]
            if spans and not any(s.start < t.end and t.start < s.end for s in spans for t in taken):
                chosen.append(fact)
            if len(chosen) == k:
                break
        out[status] = chosen
    return out
