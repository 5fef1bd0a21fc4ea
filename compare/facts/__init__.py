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

from ..config import CompareConfig
from ..encoders import Embedder
from ..failsoft import Collector
from ..types import Alignment, Document, Fact, Highlight
from .extract import article_side, warm_token_vectors
from .families import (build_highlights, claim_facts, date_facts, entity_facts, event_facts, number_facts,
                       quote_facts)
from .phrases import event_matches, phrase_verdicts, with_events

__all__ = ["analyse_facts", "warm_token_vectors"]


def analyse_facts(a: Document, b: Document, alignment: Alignment, config: CompareConfig,
                  embedder: Embedder, collector: Collector | None = None
                  ) -> tuple[tuple[Fact, ...], tuple[Highlight, ...]]:
    """Facts of both articles with their status, and phrase-level highlights
    (``shared``/``unique``/``conflict``) that replace the sentence-level ones.
    Without a spaCy parse there are no units: no facts, no highlights.
    A sentence or a fact family whose analysis raises is left out and
    recorded in ``collector`` (no highlights at all if highlighting fails)."""
    if a.doc is None or b.doc is None:
        return (), ()
    cfg, run, pair = config.facts, (collector or Collector()).run, (a, b)
    sides = (article_side(a, collector), article_side(b, collector))
    events = run("events", pair, lambda: event_matches(sides, cfg, embedder), ())
    verdicts = run("facts.phrases", pair, lambda: phrase_verdicts(sides, alignment, config, embedder, collector),
                   ({}, {}))
    phrases = run("events", pair, lambda: with_events(sides, verdicts, events, cfg), verdicts)
    numbers, conflicts = run("facts.numbers", pair, lambda: number_facts(sides, phrases, alignment, cfg), ([], []))
    quotes, quote_conflicts = run("facts.quotes", pair, lambda: quote_facts(sides, cfg), ([], []))
    facts = (numbers + quotes + run("facts.entities", pair, lambda: entity_facts(sides), [])
             + run("facts.dates", pair, lambda: date_facts(sides), [])
             + run("events", pair, lambda: event_facts(sides, events), [])
             + run("facts.claims", pair, lambda: claim_facts(sides, phrases, alignment), []))
    highlights = run("facts.highlights", pair, lambda: build_highlights(sides, phrases, conflicts + quote_conflicts),
                     ())
    order = {"conflict": 0, "only_a": 1, "only_b": 2, "shared": 3}
    facts.sort(key=lambda f: (order[f.status], (f.a_spans or f.b_spans)[0].start if (f.a_spans or f.b_spans) else 0))
    return tuple(facts), highlights

