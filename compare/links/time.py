"""Linking stage, time anchors: a date mention -> the calendar day (or month/year) it names.

"Tuesday" in a report of 15 Feb 2022 and "Tuesday" in a report of 22 Feb 2022
are different days; both must be anchored to their article's publication
date before they may link. Anchors are ISO strings of varying precision
("2022-02-15", "2022-02", "2022"); "" means unknown (no article date, or an
expression this module does not read), which never vetoes a link.
"""
from __future__ import annotations

import datetime as dt
import re

from ..lexicon import MONTHS, WEEKDAYS

RELATIVE_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DAY_NUMBER = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def publication_date(text: str) -> dt.date | None:
    """The article's ISO date ("2022-02-15", or a longer timestamp), or None."""
    match = _ISO.search(text or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _words(expression: str) -> list[str]:
    return re.findall(r"[a-z]+", expression.lower())


def weekday_anchor(weekday: int, published: dt.date, words: list[str]) -> dt.date:
    """The day a weekday name means in a report published on ``published``:
    the latest such day on or before it (news reports past days by weekday),
    or the next one after it with "next"/"coming"."""
    back = (published.weekday() - weekday) % 7
    if "next" in words or "coming" in words:
        return published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)
    if "last" in words and back == 0:
        back = 7
    return published - dt.timedelta(days=back)


def _explicit(expression: str, words: list[str], published: dt.date | None) -> str:
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    if month is None:
        year = _YEAR.search(expression)
        return year[1] if year else ""
    year_match = _YEAR.search(expression)
    year = int(year_match[1]) if year_match else (published.year if published else None)
    if year is None:
        return ""
    rest = _YEAR.sub(" ", expression)
    day = next((int(m[1]) for m in _DAY_NUMBER.finditer(rest) if 1 <= int(m[1]) <= 31), None)
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}"


def anchor(expression: str, published: dt.date | None) -> str:
    """ISO anchor of a date expression relative to the publication date, or ""."""
    iso = _ISO.search(expression)
    if iso:
        return iso[0]
    words = _words(expression)
    explicit = _explicit(expression, words, published)
    if explicit:
        return explicit
    if published is None:
        return ""
    for word in words:
        if word in RELATIVE_DAYS:
            return (published + dt.timedelta(days=RELATIVE_DAYS[word])).isoformat()
        if word in WEEKDAYS:
            return weekday_anchor(WEEKDAYS.index(word), published, words).isoformat()
    return ""


def anchors_conflict(x: str, y: str) -> bool:
    """True when two anchors name different times: neither is unknown and
    neither is a prefix of the other ("2022-02" agrees with "2022-02-15")."""
    if not x or not y:
        return False
    return not (x.startswith(y) or y.startswith(x))
