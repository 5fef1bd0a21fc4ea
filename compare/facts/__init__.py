"""Fact stage: shared, only-in-one and conflicting facts below the sentence.

Flow: extract units per sentence (``units.py``) and each article's units,
quotes and noun mentions (``extract.py``) -> score each phrase of an aligned
sentence against its counterpart sentences (``score.py``, ``phrases.py``),
with nouns that name one event in other words (``events.py``) ->
phrase-level highlights -> facts (numbers, quotes, entities, dates, events,
claims) with a status, the spans on both sides and a one-line reason
(``families.py``; ``match.py`` decides what counts as the same fact).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

from ..config import CompareConfig
from ..encoders import Embedder
from ..failsoft import Collector
from ..links import Links
from ..types import Alignment, Document, Fact, Highlight
from .extract import article_side, warm_token_vectors
from .families import (build_highlights, claim_facts, date_facts, entity_facts, event_facts, number_facts,
                       quote_facts)
from .match import same_entity
from .merge import merge_one_sided
from .linked import linked_facts, linked_pairs, partners_of, pronoun_referents
from .phrases import event_matches, judged, phrase_verdicts, with_events, with_orphans
from .salience import salience

__all__ = ["analyse_facts", "warm_token_vectors"]


def with_speakers(sides, links: Links | None, window: int):
    """Each side with the speakers its quotes got from a pronoun ("he said")
    replaced by the person the links' chain gives that pronoun."""
    out = []
    for n, side in enumerate(sides):
        names = pronoun_referents(links, n, window)
        quotes = tuple(replace(q, speaker=names[q.speaker_at], label="pronoun") if q.speaker_at in names else q
                       for q in side.quotes)
        out.append(replace(side, quotes=quotes))
    return tuple(out)


def fold_nested(facts: list[Fact]) -> list[Fact]:
    """One fact per thing said. A one-sided date or figure inside a one-sided
    claim or quote of the same side is left out: the claim says it ("B never
    names Crimea" inside "Russia annexed Crimea in 2014", a sentence B does not
    have); so is a one-sided name when any of its mentions is inside one. A one-sided claim that is mostly a one-sided quote is left out for
    the quote (which carries its speaker)."""
    def own_(fact: Fact, status: str):
        return fact.a_spans if status == "only_a" else fact.b_spans

    def own(fact: Fact):
        return own_(fact, fact.status)

    outer = {status: [s for f in facts if f.kind == "claim" and f.status == status for s in own_(f, status)]
             for status in ("only_a", "only_b")}
    quotes = {status: [s for f in facts if f.kind == "quote" and f.status == status for s in own_(f, status)]
              for status in ("only_a", "only_b")}

    def within(fact: Fact) -> bool:
        # a figure or date inside a claim; a name any of whose mentions a one-sided claim or quote shows
        inside = [any(c.start <= s.start and s.end <= c.end for c in outer[fact.status] + quotes[fact.status])
                  for s in own(fact)]
        return bool(inside) and (any(inside) if fact.kind == "entity" else all(inside))

    def mostly_quote(fact: Fact) -> bool:
        size = sum(s.end - s.start for s in own(fact)) or 1
        covered = sum(max(0, min(s.end, q.end) - max(s.start, q.start)) for s in own(fact)
                      for q in quotes[fact.status])
        return covered / size >= 0.6
    return [f for f in facts if f.status not in ("only_a", "only_b")
            or not (f.kind in ("entity", "date", "number") and within(f))
            and not (f.kind == "claim" and mostly_quote(f))]


def _carries(carriers: list[tuple[int, int]], spans) -> bool:
    """A name, figure or quote (sorted ``(start, end)``) lies inside one of ``spans``."""
    for sp in spans:
        for start, end in carriers[bisect_left(carriers, (sp.start, 0)):]:
            if start >= sp.end:
                break
            if end <= sp.end:
                return True
    return False


def scored(sides, facts: list[Fact]) -> list[Fact]:
    """Each fact with its salience (salience.py), read on the side that says it."""
    starts = [[sentence.start for sentence in side.doc.sentences] for side in sides]
    carriers = [sorted([(u.start, u.end) for u in side.of_kind("entity") + side.of_kind("number")]
                       + [(q.start, q.start + 1) for q in side.quotes]) for side in sides]
    entities = [[u.text for u in side.of_kind("entity")] for side in sides]
    out = []
    for fact in facts:
        side = 0 if fact.a_spans else 1
        spans = fact.a_spans or fact.b_spans
        if not spans:
            out.append(fact)
            continue
        sentence = max(bisect_right(starts[side], spans[0].start) - 1, 0)
        content = sum(1 for w in fact.text.split() if len(w) > 3)
        carries = _carries(carriers[side], spans)
        mentions = sum(same_entity(t, fact.text) for t in entities[side]) if fact.kind == "entity" else 1
        out.append(replace(fact, salience=salience(fact, sentence / max(len(starts[side]), 1), content,
                                                   mentions, carries)))
    return out


def analyse_facts(a: Document, b: Document, alignment: Alignment, config: CompareConfig,
                  embedder: Embedder, collector: Collector | None = None, links: Links | None = None
                  ) -> tuple[tuple[Fact, ...], tuple[Highlight, ...]]:
    """Facts of both articles with their status, and phrase-level highlights
    (``shared``/``unique``/``conflict``) that replace the sentence-level ones.
    ``links``: the pair's link clusters (``compare.links``); facts are judged
    against every sentence they link, besides the aligned ones.
    Without a spaCy parse there are no units: no facts, no highlights.
    A sentence or a fact family whose analysis raises is left out and
    recorded in ``collector`` (no highlights at all if highlighting fails)."""
    if a.doc is None or b.doc is None:
        return (), ()
    cfg, run, pair = config.facts, (collector or Collector()).run, (a, b)
    sides = (article_side(a, collector), article_side(b, collector))
    sides = run("facts.links", pair, lambda: with_speakers(sides, links, config.links.pronoun_window), sides)
    linked = run("facts.links", pair, lambda: linked_pairs(links, cfg), ())
    events = run("events", pair, lambda: event_matches(sides, cfg, embedder), ())
    verdicts = run("facts.phrases", pair, lambda: phrase_verdicts(sides, alignment, config, embedder, collector,
                                                                  partners_of(linked)), ({}, {}))
    counterparted = judged(verdicts)  # sentences in no bead (``orphan``) shape highlights only
    phrases = run("events", pair, lambda: with_events(sides, counterparted, events, cfg), counterparted)
    numbers, conflicts = run("facts.numbers", pair, lambda: number_facts(sides, phrases, alignment, cfg), ([], []))
    quotes, quote_conflicts = run("facts.quotes", pair, lambda: quote_facts(sides, cfg), ([], []))
    dates, date_conflicts = run("facts.dates", pair, lambda: date_facts(sides, phrases, alignment, cfg), ([], []))
    facts = (numbers + quotes + dates + run("facts.entities", pair, lambda: entity_facts(sides), [])
             + run("events", pair, lambda: event_facts(sides, events), [])
             + run("facts.links", pair, lambda: linked_facts(sides, linked), [])
             + run("facts.claims", pair, lambda: claim_facts(sides, phrases, alignment), []))
    highlights = run("facts.highlights", pair, lambda: build_highlights(
        sides, with_orphans(phrases, verdicts), conflicts + quote_conflicts + date_conflicts), ())
    referents = tuple(pronoun_referents(links, n, config.links.pronoun_window) for n in (0, 1))
    facts = run("facts.merge", pair, lambda: merge_one_sided(sides, fold_nested(facts), referents), facts)
    facts = run("facts.salience", pair, lambda: scored(sides, facts), facts)
    order = {"conflict": 0, "only_a": 1, "only_b": 2, "shared": 3}
    facts.sort(key=lambda f: (order[f.status], (f.a_spans or f.b_spans)[0].start if (f.a_spans or f.b_spans) else 0))
    return tuple(facts), highlights

