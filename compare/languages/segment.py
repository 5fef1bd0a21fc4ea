"""Segmentation stage across languages: sentences of a non-English article with character offsets.

spaCy's English pipeline is not used on other languages. Russian and
Ukrainian are split by razdel's rules (abbreviations such as "т.е.", "В.В.
Путин"), German, French and Spanish by pysbd's rules for that language; a line
break always ends a sentence. Without razdel, the rule splitter of segment.py.
"""
from __future__ import annotations

import logging
import re

from ..segment import fallback_sentences, pysbd_spans, trim_span
from ..types import Sentence

log = logging.getLogger(__name__)

_PYSBD_LANGS = frozenset({"de", "fr", "es", "en"})
_LINES = re.compile(r"[^\n]+")
_CLOSERS = "\"'»”“’)"
# Quotation marks masked for pysbd (not ' or ’: apostrophes in "n’est").
_QUOTES = "«»„“”\"‹›"
_OPENERS = "«„“\"‹»"  # » opens in German (»Nein«)
_MASK = str.maketrans(_QUOTES, " " * len(_QUOTES))
_CONTINUES = ",;:)"  # a span starting with these goes on from the one before


# A unit after a figure that razdel takes for an abbreviation ("см." is also
# "смотри"): followed by a capital, its full stop ends the sentence ("10 см.
# Для", "19 км/ч. Ураган": NTREX dev). "г." stays: "в 2018 г. Путин" is one.
_UNIT_STOP = re.compile(r"\d\s?(?:см|мм|км/ч|км/год|м/с)\.(?=\s+[«\"„(]?[А-ЯЁЄІЇҐA-Z])")


def _spans_razdel(text: str) -> list[tuple[int, int]]:
    from razdel import sentenize

    out = []
    for s in sentenize(text):
        start = s.start
        for m in _UNIT_STOP.finditer(text, s.start, s.stop):
            out.append((start, m.end()))
            start = m.end()
        out.append(trim_span(text, start, s.stop))
    return out


def _glue_closers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A span that starts with a closing quote gives that quote back to the
    sentence before it (pysbd splits 'sagte: "Nein." Dann' after the stop).
    Quotes glued to the word after them open the span's own quotation and
    stay ('said. "Then', "dijo. “Hoy": NTREX dev, where moving them cost
    Ukrainian and Spanish sentence boundaries)."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        start, end = trim_span(text, start, end)
        moved = start
        while moved < end and text[moved] in _CLOSERS and out:
            moved += 1
        if moved < end and text[moved].isalnum():
            moved = start
        if moved > start:
            out[-1] = (out[-1][0], moved)
            start, end = trim_span(text, moved, end)
        if start < end:
            out.append((start, end))
    return out


def _spans_pysbd(text: str, lang: str) -> list[tuple[int, int]]:
    """pysbd's spans, computed with quotation marks masked: pysbd keeps a
    quotation of several sentences as one ('« Avant, on allait au bar. Mais
    ce n’est plus le cas. » Quant aux églises...' is one sentence to it).
    Each span then takes back the opening quote just before it; one that
    goes on after a quotation ('„...schaffen.“, sagte er', '« ... ? »,
    railla-t-il') stays with the sentence before."""
    masked = text.translate(_MASK)
    out: list[tuple[int, int]] = []
    for start, end in pysbd_spans(masked, lang if lang in _PYSBD_LANGS else "en"):
        floor = out[-1][1] if out else 0
        while start > floor and (text[start - 1].isspace() or text[start - 1] in _OPENERS):
            start -= 1
        first = masked[start:end].lstrip()[:1]
        if out and (first.islower() or first in _CONTINUES):
            out[-1] = (out[-1][0], end)
        else:
            out.append(trim_span(text, start, end))
    return out


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` written in ``lang``."""
    spans: list[tuple[int, int]] = []
    for line in _LINES.finditer(text):
        chunk = line.group()
        if lang in ("ru", "uk"):
            inner = _spans_razdel(chunk)
        else:
            inner = _spans_pysbd(chunk, lang)
        spans.extend((line.start() + s, line.start() + e) for s, e in _glue_closers(chunk, inner))
    return spans


def split_sentences(text: str, lang: str) -> tuple[Sentence, ...]:
    """Sentences of a non-English ``text``; the rule splitter if the language's
    splitter is missing or fails."""
    try:
        spans = sentence_spans(text, lang)
    except Exception:  # noqa: BLE001 - a missing optional package must not stop a comparison
        log.warning("sentence splitter for %r failed; splitting by rule", lang, exc_info=True)
        return fallback_sentences(text)
    out: list[Sentence] = []
    for start, end in spans:
        if any(ch.isalnum() for ch in text[start:end]):
            out.append(Sentence(len(out), start, end, text[start:end]))
    return tuple(out)
