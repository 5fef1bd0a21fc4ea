"""Naming across scripts: Cyrillic names in a Russian or Ukrainian report matched to the English report's spellings.

"Киев" (Russian) and "Київ" (Ukrainian) are the referent that an English
report writes "Kiev" or "Kyiv". A Cyrillic word is romanised (Ukrainian: the
national 2010 table, so "Київ" -> "Kyiv"; Russian: anyascii, "Киев" -> "Kiev")
and compared with the English names by compare/names.py (lexicon, then
transliteration keys). Case endings are tried off ("Путина" -> "Путин"), and
for Russian pymorphy3's dictionary form when it is installed. Pure look-ups,
no model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from anyascii import anyascii

from .. import names
from ..caches import memo
from ..types import Fact, FramingDifference, Sentence, Span

_UK_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# Case endings tried off a Cyrillic name, longest first ("Зеленского" -> "Зеленск" is
# not a name; "Путина" -> "Путин" is).
_ENDINGS = ("ого", "ому", "ому", "ой", "ей", "ом", "ем", "ів", "ов", "ев", "ы", "и", "а", "я", "у", "ю", "е", "і")
_CYRILLIC_WORD = re.compile(r"[А-ЯЁЄІЇҐ][а-яёєіїґ'’ʼ-]+")
_LATIN_NAME = re.compile(r"\b[A-Z][a-zA-Z'’-]+")
MIN_ROMAN = 3  # romanised names shorter than this ("Ли") are never matched


def romanise(word: str, lang: str) -> str:
    """Latin spelling of a Cyrillic word: Ukrainian national table for "uk", anyascii otherwise."""
    if lang != "uk":
        return anyascii(word)
    out = []
    for n, ch in enumerate(word):
        low = ch.lower()
        roman = _UK_INITIAL.get(low) if n == 0 and low in _UK_INITIAL else _UK_TABLE.get(low, anyascii(ch))
        out.append(roman.capitalize() if ch.isupper() else roman)
    return "".join(out)


@memo(maxsize=2, model=True)
def _morph(lang: str):
    try:
        import pymorphy3
    except ImportError:
        return None
    return pymorphy3.MorphAnalyzer(lang=lang)


def _dictionary_form(word: str, lang: str) -> str | None:
    morph = _morph(lang) if lang == "ru" else None  # the Ukrainian dictionary misreads names ("Києві" -> "кий")
    if morph is None:
        return None
    return morph.parse(word)[0].normal_form.capitalize()


_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


def could_be_name(word: str, lang: str, sentence_initial: bool) -> bool:
    """A capitalised word inside a sentence is a name candidate; at a sentence
    start only when the dictionary reads it as a name or does not know it
    ("Полиция ..." and "Май ..." are not names)."""
    if not sentence_initial:
        return True
    morph = _morph(lang) if lang in ("ru", "uk") else None
    if morph is None:
        return True
    parse = morph.parse(word)[0]
    return bool(_PROPER & set(parse.tag.grammemes)) or "UNKN" in parse.tag or not parse.is_known


def candidate_forms(word: str, lang: str) -> list[str]:
    """The word, its dictionary form and the word minus a case ending, romanised."""
    forms = [word]
    lemma = _dictionary_form(word, lang)
    if lemma:
        forms.append(lemma)
    forms += [word[: -len(e)] for e in _ENDINGS if word.endswith(e) and len(word) - len(e) >= 3]
    out = []
    for form in forms:
        roman = romanise(form, lang)
        if len(roman) >= MIN_ROMAN and roman not in out:
            out.append(roman)
    return out


@dataclass(frozen=True)
class NameMatch:
    """A Cyrillic word of A (span into A's text) and the English name of B it spells."""

    a: Span
    b: Span
    a_text: str
    b_text: str
    variant: names.NameVariant


def _english_names(sentences: Sequence[Sentence]) -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = {}
    for s in sentences:
        for m in _LATIN_NAME.finditer(s.text):
            out.setdefault(m.group(), []).append(Span(s.start + m.start(), s.start + m.end()))
    return out


def _rank(variant: names.NameVariant) -> tuple[int, float]:
    """Same letters beat a lexicon variant, which beats a detected transliteration."""
    return ({"identical": 2, "diacritics_spacing": 2}.get(variant.kind, 1 if variant.source else 0), variant.score)


def match_names(sentences_a: Sequence[Sentence], lang_a: str, sentences_b: Sequence[Sentence]) -> list[NameMatch]:
    """Capitalised Cyrillic words of A that spell an English name of B,
    every occurrence on both sides. The closest spelling wins ("Владимир":
    "Vladimir" before "Volodymyr"); a word that would match two different
    English names equally well is left out (a false link is worse than a missing one)."""
    english = _english_names(sentences_b)
    out = []
    for s in sentences_a:
        for m in _CYRILLIC_WORD.finditer(s.text):
            if not could_be_name(m.group(), lang_a, sentence_initial=not s.text[:m.start()].strip(" «\"„(")):
                continue
            hits = [(_rank(v), eng, v) for eng in english for form in candidate_forms(m.group(), lang_a)
                    if (v := names.name_variant(form, eng)) is not None]
            if not hits:
                continue
            best = max(h[0] for h in hits)
            targets = {eng for rank, eng, _ in hits if rank == best}
            if len(targets) != 1:
                continue
            eng = targets.pop()
            variant = next(v for rank, e, v in hits if rank == best)
            span = Span(s.start + m.start(), s.start + m.end())
            out.extend(NameMatch(span, b, m.group(), eng, variant) for b in english[eng])
    return out


def name_facts(matches: list[NameMatch]) -> list[Fact]:
    """One shared entity fact per (Cyrillic word, English name), with every span."""
    groups: dict[tuple[str, str], list[NameMatch]] = {}
    for m in matches:
        groups.setdefault((m.a_text, m.b_text), []).append(m)
    facts = []
    for (a_text, b_text), ms in groups.items():
        a_spans = tuple(sorted({m.a for m in ms}, key=lambda s: s.start))
        b_spans = tuple(sorted({m.b for m in ms}, key=lambda s: s.start))
        facts.append(Fact("entity", "shared", b_text, a_spans, b_spans,
                          f"{a_text!r} is {b_text!r} written in Cyrillic ({ms[0].variant.kind})", 0.9))
    return facts


def naming_conventions(matches: list[NameMatch], lang_a: str) -> list[FramingDifference]:
    """Which convention each spelling follows, for names in the naming lexicon
    ("Киев" in a Russian text: the Russian name; "Kyiv": Ukrainian-derived romanization)."""
    out, seen = [], set()
    for m in matches:
        entries = names.lexicon_lookup(m.b_text)
        if not entries or (m.a_text, m.b_text) in seen:
            continue
        seen.add((m.a_text, m.b_text))
        entry = entries[0][0]
        roman = next((f for f in candidate_forms(m.a_text, lang_a) if names.lexicon_lookup(f)), "")
        conv_a = entry.convention_of(roman) if roman else ""
        language = {"ru": "Russian", "uk": "Ukrainian"}.get(lang_a, lang_a)
        conv_a = f"{language}-language spelling" + (f" (romanised {roman}: {conv_a})" if conv_a else "")
        conv_b = entry.convention_of(m.b_text)
        a_spans = tuple(sorted({x.a for x in matches if x.a_text == m.a_text}, key=lambda s: s.start))
        b_spans = tuple(sorted({x.b for x in matches if x.b_text == m.b_text}, key=lambda s: s.start))
        out.append(FramingDifference("naming_convention", m.a_text, m.b_text, a_spans, b_spans, entry.referent,
                                     conv_a, conv_b, f"{m.a_text}: {conv_a}; {m.b_text}: {conv_b}"))
    return out
