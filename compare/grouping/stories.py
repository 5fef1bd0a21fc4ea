"""Grouping stage, hand-over to the batch run: the stories found -> a corpus to compare.

``newscompare feed.jsonl --group --out results/`` groups the pile, writes the
grouping manifest into ``results/`` and compares every story found with two or
more articles. An article alone in its story has nothing to be compared with:
it stays in the manifest (a story of one) and is reported, not compared.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..corpus import ArticleRef
from ..outputs import atomic_write
from . import Grouping
from .cli import Entry

# Inline feed texts are written here (under the out folder) so that the batch
# run, a resumed run and the corpus command can reopen them like any file.
INLINE_FOLDER = "articles"
GROUPING_MANIFEST = "grouping.csv"


@dataclass(frozen=True)
class GroupedCorpus:
    """The stories to compare (label -> refs, two or more each) and the
    indices of the articles left alone in their story (input order)."""

    stories: dict[str, list[ArticleRef]]
    alone: tuple[int, ...]


def with_files(entries: Sequence[Entry], out_dir: Path) -> list[Entry]:
    """``entries`` with every inline text written to ``out_dir/articles/<id>.txt``
    (files and URLs are left where they are)."""
    out, used = [], set()
    for n, entry in enumerate(entries, start=1):
        if entry.location:
            out.append(entry)
            continue
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", entry.article.id).strip("._")[:60] or f"row{n}"
        name = name if name.lower() not in used else f"{name}-{n}"
        used.add(name.lower())
        path = out_dir / INLINE_FOLDER / f"{name}.txt"
        atomic_write(path, entry.article.text)
        out.append(Entry(entry.article, str(path.resolve())))
    return out


def grouped_corpus(entries: Sequence[Entry], grouping: Grouping) -> GroupedCorpus:
    """The batch run's corpus: one story per label with two or more articles,
    in order of first article; the others are ``alone``."""
    stories: dict[str, list[ArticleRef]] = {}
    alone = []
    for label, members in grouping.stories.items():
        if len(members) < 2:
            alone.extend(members)
            continue
        stories[label] = [ArticleRef(story=label, location=entries[i].location, source=entries[i].article.source,
                                     date=entries[i].article.date, title=entries[i].article.title)
                          for i in members]
    return GroupedCorpus(stories=stories, alone=tuple(sorted(alone)))
