"""Framing stage: naming variants, labels, qualifiers and hedges."""
from __future__ import annotations

from .config import CompareConfig
from .types import Alignment, Document, FramingDifference, Highlight


def analyse_framing(a: Document, b: Document, alignment: Alignment,
                    config: CompareConfig) -> tuple[tuple[FramingDifference, ...], tuple[Highlight, ...]]:
    """Framing findings and their ``framing`` highlights. Placeholder until the
    framing issue lands."""
    return (), ()
