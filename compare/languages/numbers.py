"""Facts stage across languages: figures and dates in local formats -> comparable values with spans.

"15 000" (ru/uk/fr), "15.000" (de/es), "15,000" (en) are all 15000; "15,5"
(ru/uk/de/fr/es) is 15.5 and "15.5" (en) too. Scale words ("млн", "Millionen",
"million") multiply. Month names give (month, day) dates. Pure functions, no model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Languages whose decimal separator is a comma ("15,5" = 15.5).
DECIMAL_COMMA = frozenset({"ru", "uk", "de", "fr", "es"})

# Group separators inside a figure: ASCII, no-break and narrow no-break spaces,
# dot, comma, apostrophe (Swiss).
_FIGURE = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+(?:[.,]\d+)?(?![\d])|(?<![\w.,])\d+(?:[.,]\d+)?(?!\d)")

# Scale words after a figure (stems; matched case-insensitively at a word start).
_SCALES: tuple[tuple[str, float], ...] = (
    ("тыс", 1e3), ("тис", 1e3), ("thousand", 1e3), ("tausend", 1e3), ("mille", 1e3),
    ("млн", 1e6), ("миллион", 1e6), ("мільйон", 1e6), ("million", 1e6), ("mio", 1e6), ("millón", 1e6),
    ("millones", 1e6),
    ("млрд", 1e9), ("миллиард", 1e9), ("мільярд", 1e9), ("billion", 1e9), ("milliard", 1e9), ("mrd", 1e9),
    ("mil millones", 1e9),  # before "millones": longest first
)
# English money shorthand glued to the figure: "£125m", "$2.8bn", "5k".
_SUFFIX_SCALE = re.compile(r"(bn|m|k)\b")
_SUFFIX_FACTORS = {"k": 1e3, "m": 1e6, "bn": 1e9}
# Clock times: "19:30" (en/de/ru/uk/es), "19h30" / "19 h 30" (fr).
_CLOCK = re.compile(r"(?<![\w.,:])([01]?\d|2[0-3])(?::|\s?h\s?)([0-5]\d)(?![\d:])")
_SCALE_AFTER = re.compile(r"\s*(" + "|".join(sorted((re.escape(s.strip()) for s, _ in _SCALES), key=len, reverse=True))
                          + r")\w*", re.IGNORECASE)

# Month stems per language (lower-case), January first. A stem matches a word start.
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"),
    "ru": ("январ", "феврал", "март", "апрел", "ма[йяе]", "июн", "июл", "август", "сентябр", "октябр",
           "ноябр", "декабр"),
    "uk": ("січ", "лют", "берез", "квіт", "травн?", "червн?", "лип", "серп", "верес", "жовтн?", "листопад",
           "груд"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}


@dataclass(frozen=True)
class Figure:
    """A figure of a text: ``value`` and its ``[start, end)`` (scale word
    included); ``kind`` "number", or "time" for a clock time (value in minutes)."""

    value: float
    start: int
    end: int
    text: str
    kind: str = "number"


@dataclass(frozen=True)
class MonthDate:
    """A date written with a month name: (month 1-12, day or 0) and its span."""

    month: int
    day: int
    start: int
    end: int
    text: str


def parse_figure(raw: str, lang: str) -> float | None:
    """Value of one figure written the ``lang`` way, or None when it is not one.

    >>> parse_figure("15 000", "ru"), parse_figure("15.000", "de"), parse_figure("15,5", "fr")
    (15000.0, 15000.0, 15.5)
    """
    text = re.sub(r"[ \u00a0\u202f’']", "", raw)
    decimal = "," if lang in DECIMAL_COMMA else "."
    group = "." if decimal == "," else ","
    parts = text.split(decimal)
    if len(parts) > 2:
        return None
    whole = parts[0]
    # A lone group separator followed by anything but 3 digits is a decimal
    # point written the other way ("15.5" in a German text): read it so.
    if group in whole and not re.fullmatch(r"\d{1,3}(?:" + re.escape(group) + r"\d{3})+", whole):
        if len(parts) == 1 and whole.count(group) == 1:
            whole, frac = whole.split(group)
            return float(f"{whole}.{frac}")
        return None
    whole = whole.replace(group, "")
    try:
        return float(whole + ("." + parts[1] if len(parts) == 2 else ""))
    except ValueError:
        return None


def find_figures(text: str, lang: str) -> list[Figure]:
    """Every figure of ``text`` with its value (scale words applied) and span;
    clock times are one figure of kind "time"."""
    out = [Figure(int(m.group(1)) * 60 + int(m.group(2)), m.start(), m.end(), m.group(), "time")
           for m in _CLOCK.finditer(text)]
    for m in _FIGURE.finditer(text):
        if any(t.start <= m.start() < t.end for t in out):
            continue
        value = parse_figure(m.group(), lang)
        if value is None:
            continue
        end = m.end()
        scale = _SCALE_AFTER.match(text, end)
        suffix = _SUFFIX_SCALE.match(text, end) if lang == "en" else None
        if scale:
            value *= _scale_factor(scale.group(1))
            end = scale.end()
        elif suffix:
            value *= _SUFFIX_FACTORS[suffix.group(1)]
            end = suffix.end()
        out.append(Figure(value, m.start(), end, text[m.start():end]))
    return sorted(out, key=lambda f: f.start)


def _scale_factor(word: str) -> float:
    word = word.lower()
    for stem, factor in sorted(_SCALES, key=lambda s: len(s[0]), reverse=True):
        if word.startswith(stem.strip()):
            return factor
    return 1.0


def _month_pattern(lang: str) -> re.Pattern:
    stems = MONTHS.get(lang, MONTHS["en"])
    alt = "|".join(f"(?P<m{i + 1}>{stem})" for i, stem in enumerate(stems))
    return re.compile(rf"(?:(?P<d1>\d{{1,2}})\.?\s+(?:de\s+)?)?\b(?:{alt})\w*(?:\s+(?P<d2>\d{{1,2}})\b(?!\d))?", re.IGNORECASE)


def find_month_dates(text: str, lang: str) -> list[MonthDate]:
    """Dates written with a month name ("15 марта", "March 15", "15. März")."""
    out = []
    for m in _month_pattern(lang).finditer(text):
        month = next(int(k[1:]) for k, v in m.groupdict().items() if k.startswith("m") and v)
        if lang == "en" and month == 5 and m.group(0)[0].islower():
            continue  # the verb "may"
        day = int(m.group("d1") or m.group("d2") or 0)
        out.append(MonthDate(month, day if 1 <= day <= 31 else 0, m.start(), m.end(), m.group(0)))
    return out


def same_value(x: float, y: float) -> bool:
    """Equal figures, allowing for float noise of decimal parsing."""
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))
