"""Framing stage, shared builders: ``FramingDifference`` records, spans, aligned sentence pairs."""
from __future__ import annotations

import re
from typing import Iterable

from ..types import Alignment, Document, FramingDifference, Span


def sorted_spans(items: Iterable[tuple[int, int]]) -> tuple[Span, ...]:
    return tuple(Span(s, e) for s, e in sorted(set(items)))


def framing_difference(type_: str, a_text: str, b_text: str, a_spans: Iterable[tuple[int, int]],
                       b_spans: Iterable[tuple[int, int]], referent: str, conv_a: str, conv_b: str,
                       explanation: str) -> FramingDifference:
    return FramingDifference(type_, a_text, b_text, sorted_spans(a_spans), sorted_spans(b_spans), referent,
                             conv_a, conv_b, explanation)


def aligned_sentence_pairs(alignment: Alignment) -> set[tuple[int, int]]:
    """Every (i, j) sentence pair inside an aligned bead."""
    return {(i, j) for bead in alignment.pairs for i in bead.a for j in bead.b}


def sentence_of(doc: Document, offset: int) -> int:
    for s in doc.sentences:
        if s.start <= offset < s.end:
            return s.index
    return -1


def quote(text: str) -> str:
    return f"“{text}”"


def as_written(word: str, texts: Iterable[str]) -> str:
    """A lower-case word as the first of ``texts`` that holds it writes it:
    proper nouns keep their case ("donbass" -> "Donbass"); a word no text
    holds (a lemma: "territory" for "territories") is returned unchanged."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    for text in texts:
        match = pattern.search(text)
        if match:
            return match.group(0)
    return word
