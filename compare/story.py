"""N-way stage: a story of k articles -> every pairwise comparison and a fact matrix.

The fact matrix has one row per fact (or, before the fact stage reports any,
per aligned sentence group), one column per outlet, and in each cell the
span(s) of that outlet's text that state it, or nothing. Rows are built by
clustering the pairwise findings: a fact of outlet X that the X/Y comparison
matches to a span of Y, and the X/Z comparison to a span of Z, is one row
reported by 3 outlets.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, replace
from typing import Any, Iterable, Sequence

from .config import CompareConfig
from .encoders import Embedder
from .ingest import IngestError
from .links import link_mentions, links_dict
from .framing.table import ReferentTable, referent_table
from .labels import column_labels as article_columns, side_letter, unique_ids
from .pipeline import as_article, compare_documents, detect_languages, embedder_for, prepare_documents
from .report import SCHEMA_VERSION, referents_dict, to_dict, warning_dict
from .failsoft import Collector
from .types import AnalysisWarning, Article, Comparison, Document, Span
from .unionfind import UnionFind

log = logging.getLogger(__name__)

# A node of the clustering: (article index, fact kind, start, end).
Node = tuple[int, str, int, int]


@dataclass(frozen=True)
class MatrixCell:
    """What one outlet says for one matrix row."""

    spans: tuple[Span, ...]
    text: str
    status: str  # "shared" | "only" | "conflict"


@dataclass(frozen=True)
class MatrixRow:
    """One fact (or sentence group) across the outlets of a story."""

    kind: str  # a Fact kind, or "sentence" for the sentence-level matrix
    text: str
    cells: tuple[MatrixCell | None, ...]  # one per column; None = not reported

    @property
    def reported_by(self) -> int:
        return sum(cell is not None for cell in self.cells)

    @property
    def conflict(self) -> bool:
        return any(cell is not None and cell.status == "conflict" for cell in self.cells)


@dataclass(frozen=True)
class FactMatrix:
    """Rows = facts, columns = outlets. ``level`` is "fact" when built from the
    fact stage's findings, "sentence" when built from aligned sentences."""

    level: str
    columns: tuple[str, ...]
    rows: tuple[MatrixRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "columns": list(self.columns),
                "rows": [row_dict(row) for row in self.rows]}


@dataclass(frozen=True)
class StoryComparison:
    """All pairwise comparisons of a story's articles and their fact matrix."""

    story: str
    documents: tuple[Document, ...]
    pairs: tuple[tuple[int, int], ...]  # (i, j) article indexes of each comparison
    comparisons: tuple[Comparison, ...]
    matrix: FactMatrix
    warnings: tuple[AnalysisWarning, ...] = ()  # every pair's, then the story's own (each once)
    links: Any = None  # compare.links.Links over all k articles (mention clusters); None when off
    referents: ReferentTable | None = None  # per-outlet words for each linked referent (None: links off)

    def to_dict(self) -> dict[str, Any]:
        return story_dict(self)


# ---------------------------------------------------------------- clustering

def cluster_nodes(links: Iterable[Sequence[Node]]) -> list[list[Node]]:
    """Group nodes: the nodes of one link belong together, and so do nodes of
    the same article and kind whose spans overlap. Each group is sorted; groups
    are ordered by their first node (article, then text position)."""
    sets = UnionFind()
    for link in links:
        for node in link:
            sets.add(node)
        for node in link[1:]:
            sets.union(link[0], node)
    previous: Node | None = None
    for node in sorted(sets.parent, key=lambda n: (n[0], n[1], n[2], n[3])):
        if previous and previous[:2] == node[:2] and node[2] < previous[3]:
            sets.union(previous, node)
        if previous is None or previous[:2] != node[:2] or node[3] > previous[3]:
            previous = node
    groups: dict[Node, list[Node]] = {}
    for node in sets.parent:
        groups.setdefault(sets.find(node), []).append(node)
    return sorted((sorted(g, key=node_order) for g in groups.values()), key=lambda g: node_order(g[0]))


def node_order(node: Node) -> tuple[int, int, int, str]:
    return (node[0], node[2], node[3], node[1])


# ---------------------------------------------------------------- the matrix

def fact_links(pairs: Sequence[tuple[int, int]], comparisons: Sequence[Comparison]) -> tuple[list[list[Node]], set[Node], dict[Node, str]]:
    """Links from pairwise facts: (links, nodes in a conflict, first fact text per node)."""
    links, conflicts, texts = [], set(), {}
    for (i, j), comparison in zip(pairs, comparisons):
        for fact in comparison.facts:
            nodes = [(i, fact.kind, s.start, s.end) for s in fact.a_spans]
            nodes += [(j, fact.kind, s.start, s.end) for s in fact.b_spans]
            if not nodes:
                continue
            links.append(nodes)
            for node in nodes:
                texts.setdefault(node, fact.text)
            if fact.status == "conflict":
                conflicts.update(nodes)
    return links, conflicts, texts


def sentence_links(documents: Sequence[Document], pairs: Sequence[tuple[int, int]],
                   comparisons: Sequence[Comparison]) -> list[list[Node]]:
    """Links from sentence alignment: every sentence is a node, and the
    sentences of an ``equivalent`` bead are linked."""
    links: list[list[Node]] = [[(n, "sentence", s.start, s.end)] for n, doc in enumerate(documents)
                               for s in doc.sentences]
    for (i, j), comparison in zip(pairs, comparisons):
        a, b = comparison.a.sentences, comparison.b.sentences
        for bead in comparison.alignment.pairs:
            if bead.kind == "equivalent":
                links.append([(i, "sentence", a[k].start, a[k].end) for k in bead.a]
                             + [(j, "sentence", b[k].start, b[k].end) for k in bead.b])
    return links


def matrix_row(group: list[Node], documents: Sequence[Document], conflicts: set[Node],
               texts: dict[Node, str]) -> MatrixRow:
    """One row from a cluster of nodes."""
    outlets = {node[0] for node in group}
    cells: list[MatrixCell | None] = []
    for n, doc in enumerate(documents):
        mine = [node for node in group if node[0] == n]
        if not mine:
            cells.append(None)
            continue
        spans = tuple(Span(node[2], node[3]) for node in mine)
        text = " … ".join(dict.fromkeys(doc.article.text[s.start:s.end] for s in spans))
        status = "conflict" if any(node in conflicts for node in mine) else ("shared" if len(outlets) > 1 else "only")
        cells.append(MatrixCell(spans, text, status))
    first = group[0]
    text = texts.get(first) or next(cell.text for cell in cells if cell is not None)
    return MatrixRow(first[1], text, tuple(cells))


def column_labels(documents: Sequence[Document]) -> tuple[str, ...]:
    """Outlet names, or article ids where the outlet is unknown or repeated."""
    return article_columns([doc.article for doc in documents])


def fact_matrix(documents: Sequence[Document], pairs: Sequence[tuple[int, int]],
                comparisons: Sequence[Comparison]) -> FactMatrix:
    """The story's fact matrix: from facts when any pair has some, else from
    aligned sentences."""
    links, conflicts, texts = fact_links(pairs, comparisons)
    level = "fact" if links else "sentence"
    if not links:
        links = sentence_links(documents, pairs, comparisons)
    rows = tuple(matrix_row(group, documents, conflicts, texts) for group in cluster_nodes(links))
    return FactMatrix(level, column_labels(documents), rows)


# ---------------------------------------------------------------- comparing

def compare_story(documents: Sequence[Document], config: CompareConfig, embedder: Embedder,
                  story: str = "") -> StoryComparison:
    """Compare every pair of prepared documents (in order (0,1), (0,2), ...)
    and build the fact matrix."""
    if len(documents) < 2:
        raise IngestError(f"story {story or '(unnamed)'} needs at least 2 articles, got {len(documents)}")
    collector = Collector()
    links = collector.run("story.links", documents[0], lambda: link_mentions(documents, config, embedder), None) \
        if config.links.enabled else None
    # Each pair shows the story's clusters (linked once for all k articles).
    unlinked = replace(config, links=replace(config.links, enabled=False))

    def compared_pair(i: int, j: int) -> Comparison:
        view = links.pair_view(i, j) if links is not None else None
        return with_story_links(compare_documents(documents[i], documents[j], unlinked, embedder, links=view),
                                view, config)

    compared = [(pair, collector.run("story.pair", (documents[pair[0]], documents[pair[1]]),
                                     lambda i=pair[0], j=pair[1]: compared_pair(i, j), None))
                for pair in itertools.combinations(range(len(documents)), 2)]
    # A pair that failed as a whole is left out (its warning says why).
    pairs = tuple(pair for pair, c in compared if c is not None)
    comparisons = tuple(c for _, c in compared if c is not None)
    matrix = collector.run("story.matrix", documents[0], lambda: fact_matrix(documents, pairs, comparisons),
                           FactMatrix("sentence", column_labels(documents), ()))
    referents = collector.run("story.referents", documents[0],
                              lambda: referent_table(documents, links, column_labels(documents), config.framing),
                              None) if links is not None else None
    warnings = tuple(dict.fromkeys([w for c in comparisons for w in c.warnings] + list(collector.warnings)))
    return StoryComparison(story, tuple(documents), pairs, comparisons, matrix, warnings, links, referents)


def with_story_links(comparison: Comparison, view: Any, config: CompareConfig) -> Comparison:
    """A pair's comparison with its view of the story's links and the story's config in its meta."""
    meta = tuple((k, config.to_dict()) if k == "config" else (k, v) for k, v in comparison.meta)
    return replace(comparison, links=view, meta=meta)


def compare_many(articles: Sequence[Article | str], config: CompareConfig | None = None,
                 embedder: Embedder | None = None, story: str = "") -> StoryComparison:
    """Compare k >= 2 reports of one story: all k(k-1)/2 pairs and the fact matrix.

    >>> story = compare_many([fox, nyt, hpo])             # doctest: +SKIP
    >>> [row.reported_by for row in story.matrix.rows]    # doctest: +SKIP
    """
    config = config or CompareConfig()
    labels = [side_letter(n) for n in range(len(articles))]
    checked = detect_languages(unique_ids([as_article(item, label) for item, label in zip(articles, labels)]), config)
    embedder = embedder or embedder_for(checked, config)
    documents = prepare_documents(checked, config, embedder)
    return compare_story(documents, config, embedder, story)


# ---------------------------------------------------------------- views

def cell_dict(cell: MatrixCell | None) -> dict[str, Any] | None:
    if cell is None:
        return None
    return {"spans": [s.to_list() for s in cell.spans], "text": cell.text, "status": cell.status}


def row_dict(row: MatrixRow) -> dict[str, Any]:
    return {"kind": row.kind, "text": row.text, "reported_by": row.reported_by, "conflict": row.conflict,
            "cells": [cell_dict(cell) for cell in row.cells]}


def story_dict(story: StoryComparison) -> dict[str, Any]:
    """The story JSON (docs/cli.md): article metadata, each pair's comparison
    in the documented comparison schema, and the fact matrix."""
    return {
        "schema_version": SCHEMA_VERSION,
        "story": story.story,
        "articles": [{"id": d.article.id, "source": d.article.source, "title": d.article.title,
                      "date": d.article.date, "url": d.article.url,
                      "language": dict(d.article.extra).get("language", "")} for d in story.documents],
        "pairs": [{"a": i, "b": j, "comparison": to_dict(c)} for (i, j), c in zip(story.pairs, story.comparisons)],
        "matrix": story.matrix.to_dict(),
        "warnings": [warning_dict(w) for w in story.warnings],
        "links": links_dict(story.links),
        "referents": referents_dict(story.referents),
    }


def matrix_text(matrix: FactMatrix, width: int = 100) -> str:
    """The matrix as plain text: one line per row, an x per reporting outlet."""
    head = "  ".join(f"{n + 1}={name}" for n, name in enumerate(matrix.columns))
    lines = [f"{matrix.level} matrix ({len(matrix.rows)} rows; columns {head})"]
    for row in matrix.rows:
        marks = "".join("!" if c is not None and c.status == "conflict" else ("x" if c else ".") for c in row.cells)
        text = row.text if len(row.text) <= width else row.text[: width - 1] + "…"
        lines.append(f"  [{marks}] {row.reported_by}/{len(row.cells)}  {text}")
    return "\n".join(lines)
