"""Framing stage, per-outlet table: one row per linked referent, one column per article, the words each uses.

The NewsWCL50 view of a story: for each person, group, place, thing or event
that two or more articles mention (a cluster of the links stage), the
phrases each article names it with ("North Korean dictator Kim Jong Un",
"Mr. Kim"), as written, each with its character spans. Rows of referents
that the articles name with different words come first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..config import FramingConfig
from ..types import Document, Span
from .referents import REFERENT_SUBTYPES, referent_name, side_words


@dataclass(frozen=True)
class ReferentCell:
    """How one article names one referent: distinct phrases (first use first) and where each occurs."""

    words: tuple[str, ...]
    spans: tuple[tuple[Span, ...], ...]  # per phrase, every occurrence


@dataclass(frozen=True)
class ReferentRow:
    referent: str
    subtype: str  # the links cluster's subtype: person, organisation, group, place, thing, nominal
    cells: tuple[ReferentCell | None, ...]  # one per column; None = not mentioned

    @property
    def outlets(self) -> int:
        return sum(cell is not None for cell in self.cells)

    @property
    def differs(self) -> bool:
        """Do the articles that mention it name it with different phrase sets?"""
        sets = {frozenset(w.lower() for w in cell.words) for cell in self.cells if cell is not None}
        return len(sets) > 1


@dataclass(frozen=True)
class ReferentTable:
    columns: tuple[str, ...]
    rows: tuple[ReferentRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": [referent_row_dict(row) for row in self.rows]}


def referent_row_dict(row: ReferentRow) -> dict[str, Any]:
    return {"referent": row.referent, "subtype": row.subtype, "outlets": row.outlets, "differs": row.differs,
            "cells": [None if cell is None else
                      {"words": list(cell.words), "spans": [[s.to_list() for s in spans] for spans in cell.spans]}
                      for cell in row.cells]}


def referent_cell(doc: Document, mentions: Sequence[Any], config: FramingConfig, person: str = "") -> ReferentCell | None:
    """The phrases one article names a referent with: the noun phrases its
    mentions head ("the salacious dossier" for "dossier") and, for a person,
    the phrases set beside the name ("Kim, the North Korean leader"); a
    mention outside any phrase as written ("Trump")."""
    side = side_words(doc, mentions, config, person)
    items = [(np.start, np.end, np.text) for np in side.phrases]
    items += [(s, e, t) for s, e, t in side.mentions if not any(np.start <= s and e <= np.end for np in side.phrases)]
    found: dict[str, tuple[str, list[Span]]] = {}
    for start, end, text in sorted(items):
        entry = found.setdefault(text.lower(), (text, []))
        if Span(start, end) not in entry[1]:
            entry[1].append(Span(start, end))
    if not found:
        return None
    return ReferentCell(tuple(text for text, _ in found.values()), tuple(tuple(spans) for _, spans in found.values()))


def referent_table(documents: Sequence[Document], links: Any, columns: Sequence[str], config: FramingConfig,
                   ) -> ReferentTable:
    """The per-outlet table of ``links`` (over ``documents``, article k = column k):
    referents in two or more articles, those named differently first, then by
    how many articles name them; at most ``config.max_referent_rows``."""
    if links is None:
        return ReferentTable(tuple(columns), ())
    rows = []
    for cluster in links.clusters:
        if cluster.subtype not in REFERENT_SUBTYPES:
            continue
        referent = referent_name(links, cluster.members)
        person = referent if cluster.subtype == "person" else ""
        cells = tuple(referent_cell(doc, [links.mentions[i] for i in cluster.members
                                          if links.mentions[i].article == k], config, person)
                      for k, doc in enumerate(documents))
        row = ReferentRow(referent, cluster.subtype, cells)
        if row.outlets >= 2:
            rows.append((cluster.id, row))
    rows.sort(key=lambda x: (not x[1].differs, -x[1].outlets, x[1].subtype != "person", x[0]))
    return ReferentTable(tuple(columns), tuple(row for _, row in rows[:config.max_referent_rows]))
