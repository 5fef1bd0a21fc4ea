"""The story-wide referents page (compare/html_referents.py) and its place among a story's files."""
from __future__ import annotations

import html
import re

from compare.html_referents import REFERENTS_PAGE, render_referents_page, sentence_around
from compare.outputs import story_files
from compare.story import compare_many
from compare.types import Article

TEXTS = ["The memos were released on Thursday by the committee.",
         "The salacious memos were released on Thursday by the committee.",
         "The explosive memos were released on Thursday by the committee."]


def story_of(texts, config, embedder, sources=("Wire", "Daily", "Post")):
    articles = [Article(t, id=f"x{n}", source=s) for n, (t, s) in enumerate(zip(texts, sources))]
    return compare_many(articles, config, embedder, story="memos <story>")


def test_page_has_one_column_per_outlet_and_each_outlets_words(fake_embedder, config):
    story = story_of(TEXTS, config, fake_embedder)
    page = render_referents_page(story.to_dict(), [d.article.text for d in story.documents])
    head = re.search(r"<tr>(<th>.*?)</tr>", page).group(1)
    assert re.findall(r"<th>(.*?)</th>", head) == ["Referent", "Wire", "Daily", "Post"]
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page) if r.startswith("<td class=nc-differs>memos"))
    assert re.findall(r'<span class="nc-word"[^>]*>(.*?)</span>', row) == [
        "The memos", "The salacious memos", "The explosive memos"]
    # each phrase carries its sentence on hover
    assert 'title="The salacious memos were released on Thursday by the committee."' in row
    assert html.escape("memos <story>") in page and "<story>" not in page


def test_page_escapes_every_text():
    data = {"story": "<s>", "referents": {"columns": ["<A>", "B", "C"], "rows": [
        {"referent": "<b>x</b>", "subtype": "thing", "outlets": 2, "differs": True,
         "cells": [{"words": ["<i>one</i>"], "spans": [[[0, 5]]]}, None, {"words": ["\"q\""], "spans": [[[6, 9]]]}]}]}}
    page = render_referents_page(data, ['<img> x', '', 'abc "q" <x>'])
    for raw in ("<b>x</b>", "<i>one</i>", "<A>", "<img>", "<x>", "<s>"):
        assert raw not in page
    assert html.escape("<b>x</b>") in page and html.escape("<img> x") in page and "—" in page
    assert "No referent" in render_referents_page({"referents": {"columns": ["A", "B", "C"], "rows": []}})


def test_sentence_around_stays_in_its_line():
    text = "First line here.\nThe memos were out.\nLast."
    start = text.index("memos")
    assert sentence_around(text, start, start + 5) == "The memos were out."
    assert sentence_around("a" * 50 + "memos" + "b" * 50, 50, 55, width=20).startswith("…")


def test_story_of_three_outlets_writes_the_page_and_pair_pages_link_it(fake_embedder, config):
    files = story_files(story_of(TEXTS, config, fake_embedder), ("json", "html"))
    assert REFERENTS_PAGE in files
    pairs = [name for name in files if name.endswith(".html") and name != REFERENTS_PAGE]
    assert len(pairs) == 3 and all(f'href="{REFERENTS_PAGE}"' in files[name] for name in pairs)


def test_two_outlets_get_no_page(fake_embedder, config):
    files = story_files(story_of(TEXTS[:2], config, fake_embedder), ("html",))
    assert REFERENTS_PAGE not in files
    assert all(REFERENTS_PAGE not in page for page in files.values())
