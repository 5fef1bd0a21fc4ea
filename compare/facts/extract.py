"""Fact stage, per article: its units by sentence, quotes and noun mentions.

Read once per parsed article (``article_units`` is cached per parse) and
shared by every pair the article is compared in; ``warm_token_vectors``
encodes the token vectors of a batch of articles in one call.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..caches import per_parse
from ..config import CompareConfig
from ..encoders import Embedder, supports_tokens
from ..failsoft import Collector
from ..types import Document
from .events import Mention, mentions
from .units import DocIndex, Unit, quote_units, units_of_span


@dataclass(frozen=True)
class Side:
    """One article with its units, grouped by sentence."""

    doc: Document
    units: tuple[tuple[Unit, ...], ...]  # per sentence
    quotes: tuple[Unit, ...]
    mentions: tuple[Mention, ...] = ()  # common nouns with their arguments (events.py)

    def of_kind(self, kind: str) -> list[Unit]:
        return [u for sentence in self.units for u in sentence if u.kind == kind]


def warm_token_vectors(docs: list[Document], config: CompareConfig, embedder: Embedder) -> None:
    """Encode the token vectors of every sentence of ``docs`` in one batched
    call, so that a batch of comparisons finds them in the embedder's cache.
    A batch should call this once after ``prepare_documents``: per-pair calls
    of a few sentences each cost ~10x more encoder time than one batch."""
    if config.facts.enabled and config.facts.use_token_vectors and supports_tokens(embedder):
        embedder.encode_tokens([s.text for d in docs for s in d.sentences])  # type: ignore[attr-defined]


def article_side(doc: Document, collector: Collector | None = None) -> Side:
    """All units of an article, sentence by sentence, its quotes and its noun
    mentions (computed once per parsed article: ``article_units``). A
    sentence whose units cannot be read has none; ``collector`` says why."""
    units, quotes, mentions_, warnings = article_units(doc)
    if collector is not None:
        collector.extend(warnings)
    return Side(doc, units, quotes, mentions_)


@per_parse()
def article_units(doc: Document) -> tuple[tuple, tuple[Unit, ...], tuple[Mention, ...], tuple]:
    """(units per sentence, quotes, noun mentions, warnings of what failed)
    of a parsed article."""
    collector = Collector()
    index = DocIndex.of(doc.doc)
    units = tuple(collector.run("facts.units", doc, lambda s=s: units_of_span(doc.doc, s.start, s.end, s.index, index),
                                (), s) for s in doc.sentences)
    sentence_of = {c: s.index for s in doc.sentences for c in range(s.start, s.end)}
    token_sentence = {t.i: sentence_of[t.idx] for t in doc.doc if t.idx in sentence_of}
    quotes = collector.run("facts.quotes", doc, lambda: quote_units(doc.doc, sentence_of, index.ents), ())
    nouns = collector.run("events", doc, lambda: mentions(doc.doc, token_sentence), ())
    return units, quotes, nouns, collector.warnings

