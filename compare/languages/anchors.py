"""Alignment across languages: the lexical signal that survives translation (figures and names).

The English aligner adds a content-lemma overlap to the cosine (align.py); two
texts in different languages share no lemmas, but they share figures ("15 000"
/ "15,000") and names ("Путин" / "Putin"). This gives each sentence its
anchors and the (n_a, n_b) Dice overlap of them for ``align.align``.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from ..align import lexical_overlap
from ..names import fold
from ..types import Sentence
from .names import romanise
from .numbers import find_figures

_CAPITALISED = re.compile(r"[A-ZА-ЯЁЄІЇҐ][\w'’-]{3,}")
PREFIX = 4  # folded name prefix: case endings ("Путина") and short forms fall away


def sentence_anchors(sentences: Sequence[Sentence], lang: str) -> list[frozenset[str]]:
    """Per sentence: its figures ("#15000") and the folded prefixes of its
    capitalised words after the first ("@puti")."""
    out = []
    for s in sentences:
        keys = {f"#{f.kind}:{f.value:g}" for f in find_figures(s.text, lang)}
        keys |= {"@" + fold(romanise(m.group(), lang))[:PREFIX] for m in _CAPITALISED.finditer(s.text)
                 if s.text[:m.start()].strip(" «\"„(")}  # not the sentence's first word
        out.append(frozenset(k for k in keys if k != "@"))
    return out


def anchor_overlap(sentences_a: Sequence[Sentence], lang_a: str, sentences_b: Sequence[Sentence],
                   lang_b: str) -> np.ndarray:
    """Matrix with res[i, j] = Dice overlap of the anchors of a[i] and b[j]."""
    return lexical_overlap(sentence_anchors(sentences_a, lang_a), sentence_anchors(sentences_b, lang_b))
