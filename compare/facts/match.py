"""Fact stage, matching: is this unit of A the same fact as that unit of B?

Pure functions on ``Unit``s and strings: entity mentions across forms
("Putin" ~ "President Vladimir Putin", "the Duma" ~ "Russia's State Duma",
"Lugansk" ~ "Luhansk" through ``names.name_variant``), numbers by value and
slot (what they count, which verb), quotes by wording. No model is called.
"""
from __future__ import annotations

import math
import re

from ..caches import memo
from ..lexicon import GENERIC_HEADS, MONTH_NAMES, POSSESSIVE, TITLES, WEEKDAYS
from ..names import name_variant, plain
from .figures import Figure, overlap
from .units import Unit

_WORD = re.compile(r"[\w'\u2019-]+")
# Words that make a date absolute: weekdays and month abbreviations ("Tuesday", "Feb").
_CALENDAR = WEEKDAYS + tuple(m[:3] for m in MONTH_NAMES)
# Words of a name string that are not the name: titles and the article ("the Kremlin's").
NAME_WORD_SKIPS = TITLES | {"the"}



@memo(maxsize=65536)
def name_words(text: str) -> tuple[str, ...]:
    """The words of a name without titles, articles and possessive endings."""
    words = [POSSESSIVE.sub("", w) for w in _WORD.findall(text)]
    return tuple(w for w in words if w and w.lower() not in NAME_WORD_SKIPS)


@memo(maxsize=262144)  # pure on strings; names repeat across the pairs of a batch
def same_word(x: str, y: str) -> bool:
    """One name word written two ways (case, diacritics, romanization)."""
    return plain(x) == plain(y) or (x[:1].isupper() and y[:1].isupper() and name_variant(x, y) is not None)


@memo(maxsize=262144)
def same_entity(x: str, y: str) -> bool:
    """True when two mentions name one referent: equal after folding, a
    known/transliterated variant, or one mention's words all in the other's
    ("Putin" in "President Vladimir Putin", "Duma" in "Russia's State Duma")."""
    if plain(x) == plain(y) or name_variant(x, y) is not None:
        return True
    wx, wy = name_words(x), name_words(y)
    if not wx or not wy:
        return False
    short, long_ = (wx, wy) if len(wx) <= len(wy) else (wy, wx)
    if len(short) == 1 and short[0].lower() in GENERIC_HEADS:
        return False
    # The shorter mention must keep the longer one's head word: "Ukraine" is
    # not "Ukraine's Security Council", "Russia" is not "United Russia party".
    return any(same_word(long_[-1], s) for s in short) and all(any(same_word(s, w) for w in long_) for s in short)


def same_referent(x: Unit, y: Unit) -> bool:
    """Two entity mentions name one referent (``same_entity``), unless a
    place sits inside an organisation's name: "United Russia" (a party) is
    not "Russia" (a country), whatever their words share."""
    if not same_entity(x.text, y.text):
        return False
    return plain(x.text) == plain(y.text) or {x.label, y.label} != {"GPE", "ORG"}


def same_value(x: float, y: float, approx: bool, tolerance: float) -> bool:
    """Equal numbers; with a qualifier ("about", "more than") a relative gap
    up to ``tolerance`` still counts as the same figure."""
    if x == y:
        return True
    return approx and abs(x - y) <= tolerance * max(abs(x), abs(y))


def figure(u: Unit, tolerance: float) -> Figure:
    """``u``'s interval (units built by hand without one: the value, widened by ``tolerance`` when approximate)."""
    if u.lo is not None and u.hi is not None:
        return Figure(u.lo, u.hi, u.measure)
    value = u.value or 0.0
    gap = tolerance * abs(value) if u.approx else 0.0
    return Figure(value - gap - 0.5, value + gap + 0.5, u.measure)


def same_figure(u: Unit, v: Unit, tolerance: float) -> bool:
    """Two written figures that may stand for one value: "13.6 million" ~
    "13,625,777", "35.7" ~ "35.72", "about 15,000" ~ "14,000", "more than 700,000" ~ "720,000"."""
    if u.value is None or v.value is None:
        return False
    x, y = figure(u, tolerance), figure(v, tolerance)
    if _same_bound(x, y, u, v):
        # two bounds of one kind ("up to 1.6 million" / "up to 2.6 million", "more than 600" / "more than
        # 780") are two figures unless their values are within the tolerance
        return same_value(u.value, v.value, True, tolerance)
    return overlap(x, y)


def _same_bound(x: Figure, y: Figure, u: Unit, v: Unit) -> bool:
    """Both figures are lower bounds (open above), or both upper bounds (from zero)."""
    return math.isinf(x.hi) and math.isinf(y.hi) or \
        u.approx and v.approx and x.lo <= 0 < (u.value or 0) and y.lo <= 0 < (v.value or 0)


def nouns_compatible(u: Unit, v: Unit) -> bool:
    """What two figures count may be the same thing: one counts nothing named,
    the same noun, or nouns whose phrases share a content word
    ("two Russian-backed breakaway regions" ~ "two breakaway Donbass republics")."""
    return not u.noun or not v.noun or u.noun == v.noun or bool(set(u.what) & set(v.what))


def same_slot(u: Unit, v: Unit) -> bool:
    """Two numbers count the same thing: the same counted noun (known) and the
    same measure. The verb may differ ("fund 12 schools" / "pay for 10 schools");
    the caller checks that the sentences say the same otherwise. Two figures
    that count nothing named fill one slot when the same content word comes
    right before them ("aged 16" / "aged 21", "his early 20s" / "his early 30s")."""
    if u.measure and v.measure and u.measure != v.measure:
        return False
    if u.noun and v.noun:
        return u.noun == v.noun
    # no counted noun on one side at least (the parser may find it in one copy only: "Senate Bill 1062")
    return bool(u.preceding and u.preceding.lower() == v.preceding.lower())


def number_counterparts(u: Unit, others: list[Unit], tolerance: float) -> list[Unit]:
    """Numbers of the other article that may be ``u``'s figure: the intervals
    overlap and they may count the same thing."""
    return [v for v in others if same_figure(u, v, tolerance) and nouns_compatible(u, v)]


def counts_same(u: Unit, v: Unit) -> bool:
    """Both figures say what they count, and it is the same thing (``nouns_compatible``
    without its benefit of the doubt for a figure that counts nothing named)."""
    return bool(u.noun and v.noun) and nouns_compatible(u, v)


def long_words(text: str) -> set[str]:
    """Lower-cased words of more than three characters: the words a quote is compared by."""
    return {w.lower() for w in _WORD.findall(text) if len(w) > 3}


def quote_overlap(x: str, y: str) -> float:
    """Share of the shorter quote's long words found in the other."""
    wx, wy = long_words(x), long_words(y)
    if not wx or not wy:
        return 0.0
    return len(wx & wy) / min(len(wx), len(wy))


def same_speaker(x: str, y: str) -> bool:
    """Unknown speakers never disagree; known ones must name one referent."""
    return not x or not y or same_entity(x, y)


def is_absolute_date(text: str) -> bool:
    """A date with a digit, a weekday or a month ("Tuesday", "Feb. 21"), not "last week"."""
    low = text.lower()
    if "-old" in low or "year-old" in low:  # an age ("21-year-old") is not a date
        return False
    return any(ch.isdigit() for ch in low) or any(w in low for w in _CALENDAR)


def date_key(text: str) -> str:
    """A date's words without prepositions and deictic words: "on Tuesday" ~ "Tuesday"."""
    words = [w.strip(".,").lower() for w in text.split()]
    return " ".join(w for w in words if w not in ("on", "the", "in", "of", "last", "this"))
