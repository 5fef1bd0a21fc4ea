"""Dashboard input, a pile: many uploaded files or URLs -> articles -> the stories found in them.

The page's per-comparison limit (``RequestLimits.max_articles``) is for the
reports compared side by side; a pile may hold more articles, is grouped into
stories (compare/grouping) and the user picks one story to compare. No
streamlit here: the page (app.py) draws what these functions return.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from .ingest import IngestError
from .types import Article

if TYPE_CHECKING:  # the grouping stage (scipy) loads only when a pile is grouped
    from .grouping import Grouping

# URLs in a pasted list: one per line; blank lines and "#" comments skipped.
_URL_LINE = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.I)


@dataclass(frozen=True)
class PileLimits:
    """What one pile may hold. Grouping embeds one lead per article (about
    17 ms of CPU each with the int8 MiniLM, docs/grouping.md) and the rest of
    the grouping is cheap at this size; fetching URLs is what costs (each is
    fetched once, then cached by the page). Larger piles: the batch command."""

    max_articles: int = 100
    max_chars: int = 20_000  # per article, as RequestLimits.max_chars


PILE_LIMITS = PileLimits()


@dataclass(frozen=True)
class StoryOption:
    """One story found in the pile: its label and member indices (pile order)."""

    label: str
    members: tuple[int, ...]

    def describe(self, articles: Sequence[Article]) -> str:
        first = articles[self.members[0]]
        name = first.title or first.text[:60].rsplit(" ", 1)[0]
        return f"{self.label} · {len(self.members)} articles · {name}"


def url_lines(text: str) -> tuple[list[str], list[str]]:
    """(URLs, lines that are not URLs) of a pasted list, one URL per line."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return [ln for ln in lines if _URL_LINE.match(ln)], [ln for ln in lines if not _URL_LINE.match(ln)]


def pile_problem(count: int, limits: PileLimits = PILE_LIMITS) -> str | None:
    """One line when the pile is too small to group or over the page's limit."""
    if count < 2:
        return "Give at least two articles (files or URLs) to look for stories among them."
    if count > limits.max_articles:
        return (f"{count} articles: the dashboard groups at most {limits.max_articles} at once; for larger "
                f"piles use the batch command: newscompare feed.jsonl --group --out results/")
    return None


def read_pile(makers: Sequence[tuple[str, Callable[[], Article]]],
              limits: PileLimits = PILE_LIMITS) -> tuple[list[Article], list[str]]:
    """Articles from ``(name, build)`` pairs and one line per article that
    could not be read or is too long (skipped, not fatal: a pile is noisy)."""
    articles, problems = [], []
    for name, build in makers:
        try:
            article = build()
        except IngestError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if len(article.text) > limits.max_chars:
            problems.append(f"{name}: {len(article.text):,} characters, over the {limits.max_chars:,} per article")
            continue
        articles.append(article)
    return articles, problems


def story_options(grouping: Grouping) -> tuple[list[StoryOption], list[int]]:
    """Stories with two or more articles, largest first (ties: first found),
    and the indices of the articles alone in their story."""
    stories = grouping.stories
    several = [StoryOption(label, tuple(members)) for label, members in stories.items() if len(members) > 1]
    alone = sorted(members[0] for members in stories.values() if len(members) == 1)
    return sorted(several, key=lambda s: -len(s.members)), alone


def group_rows(grouping: Grouping, articles: Sequence[Article]) -> list[dict]:
    """One row per article for the page's table: story, confidence, outlet, title, date; ordered by story."""
    order = sorted(range(len(articles)), key=lambda i: (grouping.labels[i], i))
    sizes = {label: len(members) for label, members in grouping.stories.items()}
    return [{"story": grouping.labels[i] if sizes[grouping.labels[i]] > 1 else "(alone)",
             "confidence": grouping.confidence[i], "article": articles[i].id, "outlet": articles[i].source,
             "title": articles[i].title, "date": articles[i].date} for i in order]
