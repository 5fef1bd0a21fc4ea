"""Naming (shared by every view): how readers see articles and sentences, and distinct article ids.

Every table, page and message numbers sentences through ``sentence_label``
and names articles through ``article_label``, so a change of convention is a
change here. The JSON keeps its own 0-based ``index`` fields (docs/schema.md).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from .types import Article

# The supported languages (languages/detect.py), as the reports name them.
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "de": "German", "fr": "French",
                  "es": "Spanish"}


def language_label(code: str | None) -> str:
    """How reports name a detected language: "Russian (ru)"; "" when none was recorded."""
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})" if code else ""

SIDES = ("A", "B")  # the two articles of a comparison, left and right


def side_letter(n: int) -> str:
    """The letter of the ``n``-th article of a story: A, B, ..., Z, then A26, A27, ..."""
    return chr(ord("A") + n) if n < 26 else f"A{n}"


def sentence_number(index: int) -> int:
    """The number readers see for 0-based sentence ``index`` (the first sentence is 1)."""
    return index + 1


def sentence_label(side: int, index: int) -> str:
    """``"A3"``: sentence ``index`` (0-based) of article ``side`` (0 = A, 1 = B), as tables and pages show it."""
    return f"{SIDES[side]}{sentence_number(index)}"


def warning_line(warning) -> str:
    """An ``AnalysisWarning`` as readers see it (its sentence numbered from 1, like every view)."""
    where = (f"sentence {sentence_label(0, warning.sentence)[1:]}" if isinstance(warning.sentence, int)
             else "whole article")
    return (f"{warning.stage} failed on article {warning.article}, {where} [{warning.start}:{warning.end}] "
            f"{warning.text!r}: {warning.error}")


def article_label(article: Article) -> str:
    """How messages and pickers name an article: its id, then its outlet when known: ``"fox-1 (Fox News)"``."""
    return f"{article.id} ({article.source})" if article.source else article.id


def column_labels(articles: Sequence[Article]) -> tuple[str, ...]:
    """Table columns, one per article: outlet names, or article ids where the outlet is unknown or repeated."""
    names = [article.source or article.id for article in articles]
    return tuple(name if names.count(name) == 1 else f"{name} ({article.id})"
                 for name, article in zip(names, articles))


def joined_ids(articles: Sequence[Article]) -> str:
    """The id of a step over several articles: their ids joined by ``+`` (``"a+b"``; one article: its id)."""
    return "+".join(article.id for article in articles)


def unique_ids(articles: Sequence[Article]) -> list[Article]:
    """Give every article a distinct id (suffix -2, -3, ... on repeats)."""
    seen: dict[str, int] = {}
    out = []
    for article in articles:
        seen[article.id] = seen.get(article.id, 0) + 1
        out.append(article if seen[article.id] == 1 else replace(article, id=f"{article.id}-{seen[article.id]}"))
    return out
