"""Dashboard pile helpers (compare/pile.py): URL lists, limits, reading, the stories offered."""
from __future__ import annotations

import pytest

from compare.grouping import Grouping
from compare.ingest import IngestError
from compare.pile import PileLimits, group_rows, pile_problem, read_pile, story_options, url_lines
from compare.types import Article


def test_url_lines_split_urls_from_other_lines():
    urls, other = url_lines("https://a.example/1\n\n# a comment\nnot a url\n  http://b.example/2  \n")
    assert urls == ["https://a.example/1", "http://b.example/2"] and other == ["not a url"]


@pytest.mark.parametrize("count, expected", [(0, "at least two"), (1, "at least two"), (2, None), (3, None),
                                             (4, "at most 3")])
def test_pile_problem(count, expected):
    problem = pile_problem(count, PileLimits(max_articles=3))
    assert problem is None if expected is None else expected in problem


def test_read_pile_skips_unreadable_and_too_long_articles():
    def broken():
        raise IngestError("article x is empty")

    makers = [("a.txt", lambda: Article(text="short", id="a")), ("x.txt", broken),
              ("long.txt", lambda: Article(text="w " * 50, id="long"))]
    articles, problems = read_pile(makers, PileLimits(max_chars=20))
    assert [a.id for a in articles] == ["a"]
    assert problems[0] == "x.txt: article x is empty" and problems[1].startswith("long.txt: 100 characters")


def test_story_options_offer_stories_of_two_or_more_largest_first():
    grouping = Grouping(labels=("s1", "s2", "s3", "s2", "s3", "s3"), confidence=(1.0, 0.9, 0.8, 0.9, 0.8, 0.7))
    options, alone = story_options(grouping)
    assert [(o.label, o.members) for o in options] == [("s3", (2, 4, 5)), ("s2", (1, 3))]
    assert alone == [0]
    articles = [Article(text=f"text {n}", id=str(n), title=f"T{n}") for n in range(6)]
    assert options[0].describe(articles) == "s3 · 3 articles · T2"


def test_group_rows_mark_articles_alone():
    articles = [Article(text="x", id="a", source="Fox"), Article(text="y", id="b"), Article(text="z", id="c")]
    rows = group_rows(Grouping(labels=("s2", "s1", "s2"), confidence=(0.9, 1.0, 0.9)), articles)
    assert [(r["story"], r["article"]) for r in rows] == [("(alone)", "b"), ("s2", "a"), ("s2", "c")]
    assert rows[1]["outlet"] == "Fox"
