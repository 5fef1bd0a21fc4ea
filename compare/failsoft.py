"""Fail-soft analysis: a step that raises is recorded as an ``AnalysisWarning``
and skipped, so one odd sentence never costs the whole comparison.

A ``Collector`` is passed down explicitly by the orchestrators (pipeline,
many); stages call ``collector.run(...)`` around one sentence or one analysis
and get a fallback value back when it fails.
"""
from __future__ import annotations

import logging
from typing import Callable, TypeVar

from .labels import joined_ids
from .types import AnalysisWarning, Document, Sentence

log = logging.getLogger(__name__)

T = TypeVar("T")
EXCERPT_CHARS = 300  # enough to find the sentence again; the span gives it exactly


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def make_warning(stage: str, article: str, error: BaseException, sentence: Sentence | None = None,
                 text: str = "") -> AnalysisWarning:
    """A warning for ``error`` raised on ``sentence`` (or on the whole ``text``)."""
    message = f"{type(error).__name__}: {error}".strip()
    if sentence is not None:
        return AnalysisWarning(stage, article, sentence.index, excerpt(sentence.text), sentence.start,
                               sentence.end, message)
    return AnalysisWarning(stage, article, None, excerpt(text), 0, len(text), message)


class Collector:
    """Runs steps and keeps a warning for each one that raised."""

    def __init__(self) -> None:
        self._warnings: list[AnalysisWarning] = []

    @property
    def warnings(self) -> tuple[AnalysisWarning, ...]:
        return tuple(dict.fromkeys(self._warnings))  # one per failure, in order

    def add(self, warning: AnalysisWarning) -> None:
        log.warning("%s", warning.line())
        self._warnings.append(warning)

    def extend(self, warnings: tuple[AnalysisWarning, ...]) -> None:
        self._warnings.extend(warnings)  # already logged where they were made

    def run(self, stage: str, where: Document | tuple[Document, Document], fn: Callable[[], T], fallback: T,
            sentence: Sentence | None = None) -> T:
        """``fn()``, or ``fallback`` after recording why it failed. ``where`` is
        the article the step reads (both for a step over a pair)."""
        try:
            return fn()
        except Exception as error:  # noqa: BLE001 - the point is to survive any analysis bug
            self.add(make_warning(stage, article_id(where), error, sentence, article_text(where)))
            return fallback


def article_id(where: Document | tuple[Document, Document]) -> str:
    """The warning's ``article``: the article's id, ``"a+b"`` for a step over a pair."""
    return joined_ids([d.article for d in where] if isinstance(where, tuple) else [where.article])


def article_text(where: Document | tuple[Document, Document]) -> str:
    return where[0].article.text if isinstance(where, tuple) else where.article.text
