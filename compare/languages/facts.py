"""Facts stage across languages: figures, month dates and names matched between articles in different languages.

Works on sentences and aligned beads only (no parser), so it serves every
supported language; the English fact stage (compare/facts.py) needs two
English parses. Each fact carries its spans in both texts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..types import Alignment, Fact, Sentence, Span
from .numbers import Figure, MonthDate, find_figures, find_month_dates, same_value


@dataclass(frozen=True)
class Located:
    """A figure or a date of one article, with the index of its sentence."""

    sentence: int
    item: Figure | MonthDate

    @property
    def span(self) -> Span:
        return Span(self.item.start, self.item.end)

    def key(self) -> tuple:
        item = self.item
        return ("date", item.month, item.day) if isinstance(item, MonthDate) else (item.kind, item.value)


def _shift(item, offset: int):
    return type(item)(**{**item.__dict__, "start": item.start + offset, "end": item.end + offset})


def locate(sentences: Sequence[Sentence], lang: str) -> list[Located]:
    """Every month date and every figure outside a date, per sentence, with
    spans into the article text."""
    out: list[Located] = []
    for s in sentences:
        dates = find_month_dates(s.text, lang)
        out.extend(Located(s.index, _shift(d, s.start)) for d in dates)
        for fig in find_figures(s.text, lang):
            if not any(d.start <= fig.start < d.end for d in dates):
                out.append(Located(s.index, _shift(fig, s.start)))
    return out


def _same(x: Located, y: Located) -> bool:
    kx, ky = x.key(), y.key()
    if kx[0] != ky[0]:
        return False
    if kx[0] == "date":
        return kx[1] == ky[1] and (kx[2] == ky[2] or 0 in (kx[2], ky[2]))  # "March" matches "7 марта"
    return same_value(kx[1], ky[1])


def _kind(item: Located) -> str:
    """The fact kind: a clock time is reported as a date/time fact, like the English stage's times."""
    return "date" if isinstance(item.item, MonthDate) or item.item.kind == "time" else "number"


# Outside aligned sentences only figures from this size up (or with a
# fraction) link: NTREX dev, the "elsewhere" links of 1, 2 and 0 were
# scores and ranges ("1-0", "1 to 4 inches") of different sentences.
MIN_DISTINCTIVE = 10


def _distinctive(item: Located) -> bool:
    value = item.key()[-1] if isinstance(item.item, Figure) else MIN_DISTINCTIVE
    return abs(value) >= MIN_DISTINCTIVE or value != int(value)


def match_items(items_a: list[Located], items_b: list[Located], alignment: Alignment
                ) -> list[tuple[Located, Located, str]]:
    """Pairs (a, b, where) of equal figures/dates: first inside each aligned
    bead ("aligned"), then values that occur exactly once in each article
    ("elsewhere"); a value repeated in either article, or a small whole
    number, links only within beads."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for pair in alignment.pairs:
        xs = [(n, x) for n, x in enumerate(items_a) if x.sentence in pair.a and n not in used_a]
        ys_idx = [n for n, y in enumerate(items_b) if y.sentence in pair.b and n not in used_b]
        local_used: set[int] = set()
        for n, x in xs:
            for m in ys_idx:
                if m not in local_used and _same(x, items_b[m]):
                    local_used.add(m)
                    used_a.add(n)
                    out.append((x, items_b[m], "aligned"))
                    break
        used_b |= local_used
    for n, x in enumerate(items_a):
        if n in used_a or not _distinctive(x) or sum(_same(x, z) for z in items_a) != 1:
            continue
        matches = [m for m, y in enumerate(items_b) if _same(x, y)]
        if len(matches) == 1 and matches[0] not in used_b:
            used_a.add(n)
            used_b.add(matches[0])
            out.append((x, items_b[matches[0]], "elsewhere"))
    return out


def figure_facts(sentences_a: Sequence[Sentence], lang_a: str, sentences_b: Sequence[Sentence], lang_b: str,
                 alignment: Alignment) -> list[Fact]:
    """Shared and only-in-one facts for figures and month dates across languages."""
    items_a, items_b = locate(sentences_a, lang_a), locate(sentences_b, lang_b)
    matched = match_items(items_a, items_b, alignment)
    facts = []
    for x, y, where in matched:
        kind = _kind(x)
        reason = (f"{x.item.text!r} and {y.item.text!r} are the same {kind} "
                  + ("in aligned sentences" if where == "aligned" else "(said once in each article)"))
        facts.append(Fact(kind, "shared", x.item.text, (x.span,), (y.span,), reason,
                          1.0 if where == "aligned" else 0.7))
    seen_a = {id(x) for x, _, _ in matched}
    seen_b = {id(y) for _, y, _ in matched}
    for side, items, seen in ((0, items_a, seen_a), (1, items_b, seen_b)):
        for item in items:
            if id(item) in seen:
                continue
            kind = _kind(item)
            status = "only_a" if side == 0 else "only_b"
            spans = ((item.span,), ()) if side == 0 else ((), (item.span,))
            facts.append(Fact(kind, status, item.item.text, *spans,
                              f"the other article has no {kind} equal to {item.item.text!r}", 0.8))
    return facts
