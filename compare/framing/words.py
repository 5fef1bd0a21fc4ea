"""Framing stage, word lists: qualifiers and label families over ``compare/lexicon.py``."""
from __future__ import annotations

from typing import Iterable

from ..caches import memo
from ..lexicon import LABEL_FAMILIES, QUALIFIER_PATTERNS, QUALIFIERS


@memo(maxsize=65536)
def is_qualifier(word: str) -> bool:
    """A word that qualifies status, sponsor or legitimacy ("self-declared", "Moscow-backed")."""
    word = word.lower()
    return word in QUALIFIERS or any(p.match(word) for p in QUALIFIER_PATTERNS)


@memo(maxsize=1)
def family_of_word() -> dict[str, frozenset[str]]:
    """Word -> the label families (``LABEL_FAMILIES``) it belongs to."""
    out: dict[str, set[str]] = {}
    for family, words in LABEL_FAMILIES.items():
        for w in words:
            out.setdefault(w, set()).add(family)
    return {w: frozenset(f) for w, f in out.items()}


def families(words: Iterable[str]) -> frozenset[str]:
    return _families(frozenset(words))


@memo(maxsize=65536)
def _families(words: frozenset[str]) -> frozenset[str]:
    table = family_of_word()
    return frozenset(f for w in words for f in table.get(w, ()))
