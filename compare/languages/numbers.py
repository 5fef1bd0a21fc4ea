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

# Month names per language (lower-case patterns), January first: stems that
# match a word start, or whole words for WHOLE_WORD_MONTHS.
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"),
    # Russian and Ukrainian: whole word forms (stems alone read "травмувала"
    # as May, "грудей" as December, "Мартин" as March: NTREX dev).
    "ru": (r"январ(?:ь|я|е|ём|ск\w*)", r"феврал(?:ь|я|е|ём|ьск\w*)", r"март(?:а|е|ом|овск\w*)?",
           r"апрел(?:ь|я|е|ем|ьск\w*)", r"ма(?:й|я|е|ем|йск\w*)", r"июн(?:ь|я|е|ем|ьск\w*)",
           r"июл(?:ь|я|е|ем|ьск\w*)", r"август(?:а|е|ом|овск\w*)?", r"сентябр(?:ь|я|е|ём|ьск\w*)",
           r"октябр(?:ь|я|е|ём|ьск\w*)", r"ноябр(?:ь|я|е|ём|ьск\w*)", r"декабр(?:ь|я|е|ём|ьск\w*)"),
    "uk": (r"січ(?:ень|ня|ні|нем|нев\w*)", r"лют(?:ий|ого|ому|им|нев\w*)", r"берез(?:ень|ня|ні|нем|нев\w*)",
           r"квіт(?:ень|ня|ні|нем|нев\w*)", r"трав(?:ень|ня|ні|нем|нев\w*)", r"черв(?:ень|ня|ні|нем|нев\w*)",
           r"лип(?:ень|ня|ні|нем|нев\w*)", r"серп(?:ень|ня|ні|нем|нев\w*)", r"верес(?:ень|ня|ні|нем|нев\w*)",
           r"жовт(?:ень|ня|ні|нем|нев\w*)", r"листопад(?:а|і|ом|ов\w*)?", r"груд(?:ень|ня|ні|нем|нев\w*)"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}


# Languages whose MONTHS entries are whole word forms (the others are stems;
# English "march" as a stem read "marched" as March).
WHOLE_WORD_MONTHS = frozenset({"en", "ru", "uk"})
# Ordinal endings of a day before its month: "30th September", "1er mars", "5-го мая".
_ORDINAL = r"(?:st|nd|rd|th|er|-?го|-?е)?"


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
    end = r"(?!\w)" if lang in WHOLE_WORD_MONTHS else r"\w*"
    return re.compile(rf"(?:(?P<d1>\d{{1,2}}){_ORDINAL}\.?\s+(?:de\s+|of\s+)?)?\b(?:{alt}){end}"
                      rf"(?:\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\d))?", re.IGNORECASE)


def find_month_dates(text: str, lang: str) -> list[MonthDate]:
    """Dates written with a month name ("15 марта", "March 15", "15. März")."""
    out = []
    for m in _month_pattern(lang).finditer(text):
        month = next(int(k[1:]) for k, v in m.groupdict().items() if k.startswith("m") and v)
        name = m.group(f"m{month}")
        if lang == "en" and name[0].islower():
            continue  # English writes months capitalised: the verb "may", a "march"
        day = int(m.group("d1") or m.group("d2") or 0)
        out.append(MonthDate(month, day if 1 <= day <= 31 else 0, m.start(), m.end(), m.group(0)))
    return out


def same_value(x: float, y: float) -> bool:
    """Equal figures, allowing for float noise of decimal parsing."""
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))
