"""Failure reports: an exception -> the stage, article pair and sentence it hit; the summary's error rows.

The batch run and the CLI describe a crash in one line from its traceback
(``describe_failure``); the traceback itself goes to ``run.log``.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any

from .labels import article_label
from .outputs import error_row
from .types import Article

# Module of the deepest compare/ frame of a traceback -> the stage that failed
# (helpers shared by several stages, such as names.py, name no stage; the
# pipeline's own code resets it: a crash there is in no analysis stage).
# A module is looked up by its name, then by its package ("compare.encoders.onnx"
# -> "onnx", then "encoders"); the batch scheduler's encoder wrapper is no stage.
STAGE_OF_MODULE = {"segment": "segment", "encoders": "embed", "align": "align",
                   "facts": "facts", "framing": "framing", "story": "matrix", "html_report": "write",
                   "report": "report", "ingest": "read", "pipeline": ""}
NO_STAGE = {"compare.encoders.gate"}


def stage_of(module: str) -> str | None:
    """The stage of a ``compare.`` module (None: it names no stage)."""
    if module in NO_STAGE:
        return None
    parts = module.split(".")[1:]
    return next((STAGE_OF_MODULE[p] for p in (parts[-1], parts[0]) if p in STAGE_OF_MODULE), None)


@dataclass(frozen=True)
class Failure:
    """What is known of an exception raised inside the analysis."""

    stage: str  # "" when no compare/ stage module is on the traceback
    error: str  # "ValueError: 3 is not in list"
    articles: tuple[Article, ...] = ()  # the pair being compared, when the failure happened in one
    sentence: str = ""  # the sentence being analysed, when a stage had one in hand

    def describe(self) -> str:
        where = f"{self.stage} stage failed" if self.stage else "failed"
        if self.articles:
            where += " comparing " + " vs ".join(article_label(a) for a in self.articles)
        if self.sentence:
            where += f" on sentence {shorten(self.sentence)!r}"
        return f"{where}: {self.error}"


def shorten(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def describe_failure(exc: BaseException) -> Failure:
    """Stage, article pair and sentence of an exception, read off its traceback:
    the deepest frame of a stage module names the stage, the pipeline's
    ``compare_documents`` frame the pair, and a ``sentence`` local the sentence."""
    stage, articles, sentence = "", (), ""
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        module = frame.f_globals.get("__name__", "")
        if module.startswith("compare.") and stage_of(module) is not None:
            stage = stage_of(module)
        found = frame.f_locals
        if frame.f_code.co_name == "_compare_documents" and hasattr(found.get("a"), "article"):
            articles = (found["a"].article, found["b"].article)
        text = getattr(found.get("sentence"), "text", None)
        if isinstance(text, str) and text.strip():
            sentence = text
    return Failure(stage, f"{exc.__class__.__name__}: {shorten(str(exc), 300)}", articles, sentence)


def comparison_warnings(comparison) -> tuple:
    """The analysis' per-sentence failures of one comparison (``warnings``, when the pipeline records them)."""
    return tuple(getattr(comparison, "warnings", ()) or ())


def warning_line(story: str, comparison, warning) -> str:
    """One log line for a recorded analysis warning."""
    pair = f"{comparison.a.article.id} vs {comparison.b.article.id}"
    sentence = getattr(warning, "sentence", "")
    return (f"story {story}, {pair}: {getattr(warning, 'stage', '?')} stage skipped part of article "
            f"{getattr(warning, 'article', '?')}" + (f", sentence {sentence}" if sentence not in ("", None) else "")
            + f": {getattr(warning, 'error', '')}")


def failure_row(story: str, failure: Failure, article: Article | None = None, location: str = "") -> dict[str, Any]:
    """The row of a failure in the analysis; it names the pair, or ``article`` at ``location``."""
    first, second = (failure.articles + (None, None))[:2] if failure.articles else (article, None)
    message = f"{location}: {failure.describe()}" if location else failure.describe()
    return error_row(story, message, first.id if first else "", first.source if first else "",
                     failure.stage, second.id if second else "", second.source if second else "")


def problem_line(row: dict[str, Any]) -> str:
    """One log line (stderr, run.log) for an error row."""
    names = " vs ".join(f"{row[f'article_{s}']} ({row[f'outlet_{s}']})" if row[f"outlet_{s}"]
                        else row[f"article_{s}"] for s in "ab" if row[f"article_{s}"])
    return f"story {row['story']}" + (f", {names}" if names else "") + f": {row['error']}"
