"""Shared types: the frozen dataclasses that flow between pipeline stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

SentenceStatus = Literal["shared", "partial", "unique"]
AlignmentKind = Literal["equivalent", "related"]
HighlightStatus = Literal["shared", "unique", "framing", "conflict"]
FactStatus = Literal["shared", "only_a", "only_b", "conflict"]


@dataclass(frozen=True)
class Span:
    """Half-open character range ``[start, end)`` into one article's ``text``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def to_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(frozen=True)
class Article:
    """One news report: its text and whatever metadata is known."""

    text: str
    id: str = ""
    source: str = ""  # outlet name, e.g. "Reuters"
    title: str = ""
    date: str = ""  # ISO date when known
    url: str = ""
    extra: tuple[tuple[str, str], ...] = ()  # further metadata as (key, value) pairs
    warnings: tuple[str, ...] = ()  # what ingest had to do to read it, e.g. replaced undecodable bytes


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article; ``text == article.text[start:end]``."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AlignedPair:
    """A bead: sentences of A and of B that say the same thing (``equivalent``)
    or talk about the same thing with different facts (``related``)."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float  # margin score of the pair (see align.py)
    cosine: float  # plain cosine of the best sentence pair inside the bead
    kind: AlignmentKind


@dataclass(frozen=True)
class Alignment:
    """Sentence alignment of two articles."""

    pairs: tuple[AlignedPair, ...]
    status_a: tuple[SentenceStatus, ...]
    status_b: tuple[SentenceStatus, ...]
    similarity: np.ndarray = field(repr=False)  # (n_a, n_b) plain cosine
    margin: np.ndarray = field(repr=False)  # (n_a, n_b) margin of the combined similarity
    combined: np.ndarray = field(repr=False)  # (n_a, n_b) cosine + lexical boost, what thresholds see


@dataclass(frozen=True)
class Highlight:
    """A character span of one article (0 = A, 1 = B) with what it shows."""

    article: int
    start: int
    end: int
    status: HighlightStatus
    note: str = ""


@dataclass(frozen=True)
class Fact:
    """A fact unit (claim, entity, number, date, quote) and where each article says it."""

    kind: str  # "claim" | "entity" | "number" | "date" | "quote" | "event"
    status: FactStatus
    text: str
    a_spans: tuple[Span, ...]
    b_spans: tuple[Span, ...]
    reason: str
    confidence: float = 1.0
    salience: float = 0.0  # how much a reader should see it first (facts/salience.py)


@dataclass(frozen=True)
class FramingDifference:
    """A framing finding: naming variant, label, qualifier, hedge or report verb."""

    type: str  # "naming_variant" | "label" | "qualifier" | "hedge" | "report_verb" | "naming_convention"
    a_text: str
    b_text: str
    a_spans: tuple[Span, ...]
    b_spans: tuple[Span, ...]
    referent: str
    convention_a: str
    convention_b: str
    explanation: str


@dataclass(frozen=True)
class AnalysisWarning:
    """A step of the analysis that failed and was skipped; the rest of the
    comparison still holds. Enough to reproduce it: the stage, the article,
    the sentence and its text with its ``[start, end)`` in the article."""

    stage: str  # e.g. "segment", "facts.units", "events", "framing.labels", "story.matrix"
    article: str  # article id, or "A+B" ids for a step over both articles
    sentence: int | None  # sentence index, None for a whole-article step
    text: str  # the sentence (or the article's start), clipped to EXCERPT_CHARS
    start: int  # character span of that sentence (or of the whole article)
    end: int
    error: str  # "ValueError: 8 is not in list"

    def line(self) -> str:
        """One line for logs and text reports."""
        where = f"sentence {self.sentence}" if self.sentence is not None else "whole article"
        return (f"{self.stage} failed on article {self.article}, {where} [{self.start}:{self.end}] "
                f"{self.text!r}: {self.error}")


@dataclass(frozen=True)
class Document:
    """An article after segmentation and embedding: what analysis stages read.

    ``doc`` is the spaCy ``Doc`` of the whole text (token ``idx`` are offsets
    into ``article.text``), or None when the pipeline runs without spaCy.
    """

    article: Article
    sentences: tuple[Sentence, ...]
    embeddings: np.ndarray = field(repr=False)  # (n_sentences, d) float32, L2-normalised
    doc: Any = field(default=None, repr=False, compare=False)
    warnings: tuple[AnalysisWarning, ...] = ()  # segmentation steps that failed
    encoder: str = field(default="", compare=False)  # name of the encoder that made ``embeddings``


@dataclass(frozen=True)
class Comparison:
    """Everything known about how article A and article B differ."""

    a: Document
    b: Document
    alignment: Alignment
    highlights: tuple[Highlight, ...]
    facts: tuple[Fact, ...] = ()
    framing: tuple[FramingDifference, ...] = ()
    meta: tuple[tuple[str, Any], ...] = ()  # model name, config values, timings
    warnings: tuple[AnalysisWarning, ...] = ()  # analysis steps that failed and were skipped
    links: Any = field(default=None, repr=False, compare=False)  # compare.links.Links; None when off
    # compare.framing.table.ReferentTable: the words each article uses for each linked referent; None when off
    referents: Any = field(default=None, repr=False, compare=False)

    @property
    def documents(self) -> tuple[Document, Document]:
        return (self.a, self.b)
