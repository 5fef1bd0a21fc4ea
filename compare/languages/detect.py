"""Ingest stage across languages: which language an article is in, and whether it is supported.

Offline: py3langid (bundled model, already a dependency) restricted to the
supported languages, with a script check so that Cyrillic is never read as a
Latin-script language. Accuracy on NTREX sentences and documents: docs/languages.md
(``benchmarks/crosslingual.py --detect``).
"""
from __future__ import annotations

import copy

from ..caches import memo
from ..ingest import IngestError, language_identifier, detect_language
from ..types import Article

from ..labels import LANGUAGE_NAMES, language_label  # noqa: F401 - the names live with the other labels

SUPPORTED = tuple(LANGUAGE_NAMES)

# Ukrainian letters that Russian lacks, and Russian letters that Ukrainian lacks.
_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэъёЫЭЪЁ")
# Below this many letters a text is too short to refuse (titles, captions).
MIN_LETTERS = 40
# Unsupported languages are refused only at this confidence or more (the
# general py3langid model, all of its 97 languages).
REFUSE_CONFIDENCE = 0.9


@memo(maxsize=1, model=True)
def _restricted_identifier():
    # A copy of ingest's general identifier: reading the model file again cost
    # 0.5-0.6 CPU s; set_languages replaces the copy's arrays, never the shared ones.
    identifier = copy.copy(language_identifier())
    identifier.set_languages(list(SUPPORTED))
    return identifier


def supported_language(text: str) -> tuple[str, float]:
    """The supported language ``text`` is most likely in, and a 0-1 confidence
    among the supported ones. Russian and Ukrainian are told apart by their own
    letters when the text has them."""
    sample = text[:5000]
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in sample)
    letters = sum(ch.isalpha() for ch in sample) or 1
    if cyrillic / letters > 0.5:
        uk, ru = sum(ch in _UK_ONLY for ch in sample), sum(ch in _RU_ONLY for ch in sample)
        if uk != ru:
            return ("uk" if uk > ru else "ru"), 1.0
    lang, prob = _restricted_identifier().classify(sample)
    return lang, float(prob)


def article_language(article: Article, label: str = "article", refuse_unsupported: bool = True) -> str:
    """ISO 639-1 code of a supported language for ``article``; raises
    ``IngestError`` naming the supported languages when it is confidently in another."""
    if sum(ch.isalpha() for ch in article.text) < MIN_LETTERS:
        return "en"
    if refuse_unsupported:
        lang, prob = detect_language(article.text)
        if lang not in SUPPORTED and prob >= REFUSE_CONFIDENCE:
            names = ", ".join(f"{LANGUAGE_NAMES[c]} ({c})" for c in SUPPORTED)
            raise IngestError(
                f"{label} looks like it is in a language newscompare does not read (detected {lang!r}, "
                f"confidence {prob:.2f}); supported languages: {names}.")
    return supported_language(article.text)[0]
