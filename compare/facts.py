"""Fact stage: shared, only-in-one and conflicting facts below the sentence."""
from __future__ import annotations

from .config import CompareConfig
from .embed import Embedder
from .types import Alignment, Document, Fact, Highlight


def analyse_facts(a: Document, b: Document, alignment: Alignment, config: CompareConfig,
                  embedder: Embedder) -> tuple[tuple[Fact, ...], tuple[Highlight, ...]]:
    """Facts of both articles with their status, and phrase-level highlights
    (``shared``/``unique``/``conflict``) that replace the sentence-level ones.
    Placeholder until the fact-level issue lands: no facts, no highlights."""
    return (), ()
