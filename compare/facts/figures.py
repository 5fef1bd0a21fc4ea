"""Fact stage, figures: what a written number means as a figure.

A number in a report is an interval, not a point: "13.6 million" is any
value from 13.55 to 13.65 million (its written precision), "about 15,000"
is 15,000 give or take ``tolerance``, "more than 700,000" has no upper end,
"10-12" is a range. Two figures are the same when their intervals overlap
and their measures agree ("$", "%"); they differ when the intervals are
disjoint. A four-digit number between 1800 and 2100 with nothing plural
after it ("in 2014", "the 2016 candidate") is a year, a date, not a count.
Pure functions on strings and spaCy tokens; no model.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..lexicon import (APPROXIMATELY, BOUND_AT_LEAST as _AT_LEAST, BOUND_AT_MOST as _AT_MOST, BOUND_UP_TO as _UP_TO,
                       CURRENCY_SIGNS, HYPHEN_NON_COUNTS, MEASURE_WORDS, SCALES)

_DECIMALS = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_DECADE = re.compile(r"^[1-9]0s$")
RANGE_JOINERS = ("-", "\u2013", "\u2014", "to")


@dataclass(frozen=True)
class Figure:
    """A number as an interval ``[lo, hi]`` with its measure ("$", "%", or "")."""

    lo: float
    hi: float
    measure: str = ""


def half_step(text: str) -> float:
    """Half the last written digit's step: "13.6 million" -> 50,000, "35.7" -> 0.05,
    "15,000" and "fifteen" -> 0.5 (an integer is exact: its trailing zeros are not read as rounding)."""
    low = text.lower()
    match = _DECIMALS.search(low)
    decimals = len(match[1]) if match and match[1] else 0
    scale = next((SCALES[w] for w in re.findall(r"[a-z]+", low) if w in SCALES and w not in ("dozen", "dozens", "hundred")
                  and (len(w) > 2 or match)), 1.0)
    return 0.5 * 10 ** -decimals * scale


def figure_of(value: float, lo_value: float | None, text: str, qualifier: str, measure: str,
              tolerance: float) -> Figure:
    """The interval a written figure stands for (``lo_value`` is a range's lower end)."""
    step = half_step(text)
    lo, hi = (lo_value if lo_value is not None else value) - step, value + step
    q = qualifier.lower()
    if any(q.endswith(w) for w in _UP_TO):
        return Figure(value * (1 - tolerance) - step, hi, measure)
    if any(q.endswith(w) for w in _AT_LEAST):
        return Figure(lo, math.inf, measure)
    if any(q.endswith(w) for w in _AT_MOST):
        return Figure(-math.inf if value < 0 else 0.0, hi, measure)
    if any(q.endswith(w) for w in APPROXIMATELY):
        return Figure(lo - tolerance * abs(value), hi + tolerance * abs(value), measure)
    return Figure(lo, hi, measure)


def overlap(x: Figure, y: Figure) -> bool:
    """Same figure: the intervals overlap (not just touch) and the measures agree."""
    if x.measure and y.measure and x.measure != y.measure:
        return False
    return x.lo < y.hi and y.lo < x.hi


def measure_of(doc: Doc, first: int, last: int, noun: Token | None) -> str:
    """"$"/"£"/"€" before the number, or "%" ("%", "percent") / a currency word after it."""
    before = doc[first - 1].text if first > 0 else ""
    if before in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[before]
    words = [t.lower_ for t in doc[last + 1:last + 3]] + ([noun.lemma_.lower()] if noun is not None else [])
    return next((MEASURE_WORDS[w] for w in words if w in MEASURE_WORDS), "")


def is_year_text(text: str) -> bool:
    """A four-digit number 1800-2100 ("2014"): a year when nothing plural follows it."""
    return bool(_YEAR.match(text))


def is_decade(token: Token) -> bool:
    """"20s" in "his early 20s": the decade of an age (or a temperature), a figure; not "'90s", a date."""
    return bool(_DECADE.match(token.text)) and not (token.i > 0 and token.nbor(-1).text in ("'", "\u2019"))


def decade_figure(text: str, measure: str = "") -> Figure:
    """"20s" -> [20, 30): any value of the decade."""
    low = float(text[:-1])
    return Figure(low, low + 10, measure)


def is_year(doc: Doc, group: list[int], noun: Token | None) -> bool:
    """A bare four-digit number 1800-2100 with no plural noun after it is a year."""
    if len(group) != 1 or not _YEAR.match(doc[group[0]].text):
        return False
    return noun is None or noun.tag_ not in ("NNS", "NNPS")


def is_hyphen_modifier(doc: Doc, last: int) -> bool:
    """"Four-way talks", "two-sided": the number is part of a modifier, not a count."""
    nxt = doc[last + 1: last + 3]
    return (len(nxt) == 2 and nxt[0].text == "-" and not doc[last].whitespace_
            and nxt[1].lower_ in HYPHEN_NON_COUNTS)
