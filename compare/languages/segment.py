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


def _spans_razdel(text: str) -> list[tuple[int, int]]:
    from razdel import sentenize

    return [(s.start, s.stop) for s in sentenize(text)]


def _glue_closers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A span that starts with a closing quote gives that quote back to the
    sentence before it (pysbd splits 'sagte: "Nein." Dann' after the stop)."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        start, end = trim_span(text, start, end)
        moved = start
        while moved < end and text[moved] in _CLOSERS and out:
            moved += 1
        if moved > start:
            out[-1] = (out[-1][0], moved)
            start, end = trim_span(text, moved, end)
        if start < end:
            out.append((start, end))
    return out


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` written in ``lang``."""
    spans: list[tuple[int, int]] = []
    for line in _LINES.finditer(text):
        chunk = line.group()
        if lang in ("ru", "uk"):
            inner = _spans_razdel(chunk)
        else:
            inner = pysbd_spans(chunk, lang if lang in _PYSBD_LANGS else "en")
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
