"""Framing stage, naming: lexicon and detected naming variants, and each article's naming conventions.

Naming rests on ``names.py`` (lexicon plus transliteration test); every finding
names both spellings and the convention behind each, never calls one wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import names
from ..caches import per_parse
from ..config import CompareConfig, FramingConfig
from ..lexicon import NAME_KINDS, POSSESSIVE, REGION_CUES
from ..types import Alignment, Document, FramingDifference, Span
from .findings import aligned_sentence_pairs, framing_difference, quote, sentence_of, sorted_spans

PROFILE_REFERENT = "names with variant spellings across each article"
UKR = "Ukrainian-derived romanization"
RUS = "Russian-derived romanization"
_PERSON_KINDS = ("first_name", "person")


@dataclass(frozen=True)
class NameMention:
    """A lexicon form found in an article; ``text`` is the full name for people."""

    start: int
    end: int
    text: str
    form: str
    entry: names.LexiconEntry
    convention: str
    informative: bool  # does this spelling show a convention choice?


def _extend_person(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    """"Dmytro" -> "Dmytro Kuleba": a first name counts only before a capitalised surname."""
    if doc.doc is None:
        return None
    span = doc.doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    i = span.end
    while i < len(doc.doc) and doc.doc[i].text[:1].isupper() and doc.doc[i].pos_ == "PROPN":
        i += 1
    return (start, doc.doc[i - 1].idx + len(doc.doc[i - 1].text)) if i > span.end else None


def _is_proper_noun(doc: Document, start: int, end: int) -> bool:
    """Does the parser read the match as a name (true when there is no parse)?"""
    if doc.doc is None:
        return True
    span = doc.doc.char_span(start, end, alignment_mode="expand")
    # An entity label alone is trusted only away from the sentence start, where
    # capitalised common words ("Luck was ...") get tagged as names.
    return span is None or any(t.pos_ == "PROPN" or t.ent_type_ and not t.is_sent_start for t in span)


def _inside_person(doc: Document, start: int, end: int) -> bool:
    if doc.doc is None:
        return False
    span = doc.doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    nxt = doc.doc[span.end] if span.end < len(doc.doc) else None
    # A place name directly before a person's surname is a first name
    # ("Vladimir Putin"); "Luhansk People's Republic" is no person.
    return (nxt is not None and nxt.pos_ == "PROPN" and nxt.ent_type_ == "PERSON"
            and not any(t.tag_ == "POS" for t in doc.doc[span.end:span.end + 3]))


def _nearest_region_cue(doc: Document, start: int, region: str, window: int) -> str:
    """"own" or "other" for the nearest region cue word around ``start``, else ""."""
    cues = REGION_CUES.get(region)
    if cues is None or doc.doc is None:
        return ""
    span = doc.doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None:
        return ""
    centre = span.start
    for distance in range(1, window + 1):
        for i in (centre - distance, centre + distance):
            if 0 <= i < len(doc.doc):
                word = doc.doc[i].lower_.removesuffix("'s").removesuffix("’s")
                for side in ("own", "other"):
                    if word in cues[side]:
                        return side
    return ""


def _informative(doc: Document, entry: names.LexiconEntry, convention: str, start: int,
                 config: FramingConfig) -> bool:
    """A spelling shows a convention choice when the entry offers a rival
    convention; a Russian-derived first name only when the person is
    Ukrainian (Dmitry Peskov is Russian: his name is no choice)."""
    rivals = entry.conventions - {convention}
    if entry.region == "Ukraine" and entry.relation == "transliteration":
        # Only the Ukrainian/Russian choice is a convention here ("Ukraine"
        # has no Russian-derived rival in English; "Ukrajina" is no choice).
        rivals &= {UKR, RUS}
        if convention not in (UKR, RUS):
            return False
    if not rivals or entry.kind == "country":
        return False  # "Ukraine" vs "Ukraina": no convention in English
    if entry.kind == "first_name" and convention == RUS:
        return _nearest_region_cue(doc, start, entry.region, config.region_cue_window) == "own"
    return True


@per_parse()
def name_mentions(doc: Document, config: FramingConfig) -> list[NameMention]:
    """Lexicon names of one article, people extended to their full names."""
    out = []
    for start, end, entry, convention in names.find_lexicon_mentions(doc.article.text):
        form = doc.article.text[start:end]
        if not _is_proper_noun(doc, start, end):
            continue  # "Luck was on their side" is not Lutsk
        if entry.kind not in _PERSON_KINDS and _inside_person(doc, start, end):
            continue  # "Vladimir" of "Vladimir Putin" is not the city
        if entry.kind == "first_name":
            full = _extend_person(doc, start, end)
            if full is None:
                continue
            start_full, end_full = full
        else:
            start_full, end_full = start, end
        out.append(NameMention(start_full, end_full, doc.article.text[start_full:end_full], form, entry,
                               convention, _informative(doc, entry, convention, start, config)))
    return out


def _same_person(x: NameMention, y: NameMention) -> bool:
    """First names alone do not identify a person: the surnames must match too."""
    if x.entry.kind != "first_name":
        return True
    rest_x, rest_y = x.text[len(x.form):].strip(), y.text[len(y.form):].strip()
    return bool(rest_x) and names.name_variant(rest_x, rest_y) is not None


def _by_entry(mentions: list[NameMention]) -> dict[str, list[NameMention]]:
    out: dict[str, list[NameMention]] = {}
    for m in mentions:
        out.setdefault(m.entry.id, []).append(m)
    return out


def _most_used(mentions: list[NameMention]) -> NameMention:
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.form] = counts.get(m.form, 0) + 1
    form = max(counts, key=counts.get)
    return next(m for m in mentions if m.form == form)


def _variant_explanation(x: NameMention, y: NameMention) -> str:
    relation = {"renamed": "a current and a former name", "disputed_name": "names used by different sides",
                "exonym": "a local name and an exonym", "alternative_name": "two names in use"}
    kind = relation.get(x.entry.relation, "two romanizations")
    return (f"Same referent, {kind}: A writes {quote(x.form)} ({x.convention}), "
            f"B writes {quote(y.form)} ({y.convention}). Source: {x.entry.source.split(',')[0]}.")


def lexicon_naming_variants(ma: list[NameMention], mb: list[NameMention]) -> list[FramingDifference]:
    """Entries both articles mention with different spellings."""
    out = []
    groups_b = _by_entry(mb)
    for entry_id, group_a in _by_entry(ma).items():
        group_b = groups_b.get(entry_id, [])
        x = _most_used(group_a) if group_a else None
        y = next((m for m in group_b if _same_person(x, m)), None) if group_b else None
        if x is None or y is None or names.plain(x.form) == names.plain(y.form):
            continue
        same_a = [m for m in group_a if m.form == x.form]
        same_b = [m for m in group_b if m.form == y.form]
        out.append(framing_difference("naming_variant", x.text, y.text, [(m.start, m.end) for m in same_a],
                                      [(m.start, m.end) for m in same_b], x.entry.referent, x.convention,
                                      y.convention, _variant_explanation(x, y)))
    return out


_LEADING = re.compile(r"^(?:the|The)\s+")


@dataclass(frozen=True)
class EntityMention:
    sentence: int
    start: int
    end: int
    text: str
    label: str  # person | place | group | organisation


@per_parse()
def entity_mentions(doc: Document) -> list[EntityMention]:
    """Named entities with leading "the" and possessive "'s" trimmed."""
    if doc.doc is None:
        return []
    out = []
    for ent in doc.doc.ents:
        label = NAME_KINDS.get(ent.label_)
        if label is None:
            continue
        text = _LEADING.sub("", ent.text)
        start = ent.start_char + (len(ent.text) - len(text))
        text = POSSESSIVE.sub("", text).strip()
        if len(text) > 2 and text[0].isupper() and not set(text) & set("[]()"):  # "[Barack] Obama"
            out.append(EntityMention(sentence_of(doc, start), start, start + len(text), text, label))
    return out


def _covered(m: EntityMention, spans: list[tuple[int, int]]) -> bool:
    return any(s < m.end and m.start < e for s, e in spans)


def _confirmed(x: EntityMention, y: EntityMention, variant: names.NameVariant,
               aligned: set[tuple[int, int]]) -> bool:
    """Context check: spelling evidence alone is not enough unless the keys fold
    equal; otherwise the mentions must share an entity type or an aligned sentence."""
    same_type = x.label == y.label or {x.label, y.label} <= {"person", "organisation"}
    if variant.kind == "diacritics_spacing" or variant.score >= 1.0:
        return same_type or (x.sentence, y.sentence) in aligned
    return same_type and (x.sentence, y.sentence) in aligned or variant.score >= 0.85 and same_type


def detected_naming_variants(a: Document, b: Document, ma: list[NameMention], mb: list[NameMention],
                             aligned: set[tuple[int, int]]) -> list[FramingDifference]:
    """Spelling variants that no lexicon lists: transliteration, diacritics, spacing."""
    # Names that the lexicon already pairs are skipped; a name the lexicon
    # knows in one article only ("Sergey" vs "Sergei") is still compared.
    both = {n.entry.id for n in ma} & {n.entry.id for n in mb}
    ea = [m for m in entity_mentions(a) if not _covered(m, [(n.start, n.end) for n in ma if n.entry.id in both])]
    eb = [m for m in entity_mentions(b) if not _covered(m, [(n.start, n.end) for n in mb if n.entry.id in both])]
    texts_b = {m.text for m in eb}
    out, seen = [], set()
    for x in ea:
        if x.text in texts_b:
            continue
        for y in eb:
            variant = names.name_variant(x.text, y.text)
            key = (x.text, y.text)
            if variant is None or variant.kind not in ("transliteration", "diacritics_spacing") or key in seen:
                continue
            if _confirmed(x, y, variant, aligned):
                seen.add(key)
                out.append(_detected_finding(x, y, variant, ea, eb))
    return out


def _detected_finding(x: EntityMention, y: EntityMention, variant: names.NameVariant,
                      ea: list[EntityMention], eb: list[EntityMention]) -> FramingDifference:
    if variant.kind == "diacritics_spacing":
        conv_a, conv_b = variant.convention_x, variant.convention_y
        why = "the same letters, written with different diacritics, spacing or hyphens"
    else:
        conv_a = conv_b = "spelling variant"
        why = (f"two spellings of one name, as different romanizations produce "
               f"(similarity {variant.score:.2f} after folding h/g, y/i, doubled letters)")
    return framing_difference("naming_variant", x.text, y.text, [(m.start, m.end) for m in ea if m.text == x.text],
                              [(m.start, m.end) for m in eb if m.text == y.text], x.text, conv_a, conv_b,
                              f"A writes {quote(x.text)}, B writes {quote(y.text)}: {why}.")


# ---------------------------------------------------------------- convention profile


@dataclass(frozen=True)
class ConventionProfile:
    """Which naming conventions one article follows, over distinct names.

    ``counts`` maps convention -> number of distinct lexicon names written that
    way; ``examples`` maps convention -> the spellings used."""

    counts: tuple[tuple[str, int], ...]
    examples: tuple[tuple[str, tuple[str, ...]], ...]
    spans: tuple[Span, ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def summary(self) -> str:
        """e.g. "Russian-derived romanization 4 of 4 names (Kiev, Lugansk, ...)"."""
        if not self.total:
            return "no names with known variant spellings"
        parts = [f"{conv} {n} of {self.total} names ({', '.join(dict(self.examples)[conv])})"
                 for conv, n in self.counts]
        return "; ".join(parts)


def convention_profile(doc: Document, config: CompareConfig | None = None,
                       mentions: list[NameMention] | None = None) -> ConventionProfile:
    """Convention profile of one article (informative lexicon names only)."""
    config = config or CompareConfig()
    mentions = name_mentions(doc, config.framing) if mentions is None else mentions
    by_conv: dict[str, dict[str, str]] = {}
    spans = []
    for m in mentions:
        if m.informative:
            by_conv.setdefault(m.convention, {}).setdefault(m.entry.id, m.text)
            spans.append((m.start, m.end))
    counts = sorted(((c, len(e)) for c, e in by_conv.items()), key=lambda kv: (-kv[1], kv[0]))
    examples = tuple((c, tuple(dict.fromkeys(by_conv[c].values()))) for c, _ in counts)
    return ConventionProfile(tuple(counts), examples, sorted_spans(spans))


def convention_findings(ma: list[NameMention], mb: list[NameMention], pa: ConventionProfile,
                        pb: ConventionProfile) -> list[FramingDifference]:
    """The per-article profile, plus names with a convention that only one article writes."""
    out = []
    if pa.total or pb.total:
        out.append(FramingDifference(
            "naming_convention", ", ".join(t for _, ex in pa.examples for t in ex),
            ", ".join(t for _, ex in pb.examples for t in ex), pa.spans, pb.spans,
            PROFILE_REFERENT, pa.summary(), pb.summary(),
            f"A: {pa.summary()}. B: {pb.summary()}. Counts are over distinct names; "
            "each convention is a choice of romanization or name, not an error."))
    out += _single_side(ma, mb, "A", "B", first=True)
    out += _single_side(mb, ma, "B", "A", first=False)
    return out


def _single_side(mine: list[NameMention], other: list[NameMention], me: str, them: str,
                 first: bool) -> list[FramingDifference]:
    other_ids = {m.entry.id for m in other}
    out, seen = [], set()
    for m in mine:
        if not m.informative or m.entry.id in other_ids or m.text in seen:
            continue
        seen.add(m.text)
        rivals = sorted({f"{f.form} ({f.convention})" for f in m.entry.forms
                         if f.convention != m.convention and f.convention in (UKR, RUS)} or
                        {f"{f.form} ({f.convention})" for f in m.entry.forms if f.convention != m.convention})
        why = (f"{me} writes {quote(m.text)}: {quote(m.form)} follows the {m.convention}; "
               f"other forms: {', '.join(rivals[:2])}. {them} does not mention this name.")
        spans = [(n.start, n.end) for n in mine if n.text == m.text]
        a_text, b_text = (m.text, "") if first else ("", m.text)
        conv_a, conv_b = (m.convention, "") if first else ("", m.convention)
        out.append(framing_difference("naming_convention", a_text, b_text, spans if first else [],
                                      [] if first else spans, m.entry.referent, conv_a, conv_b, why))
    return out


def naming_findings(a: Document, b: Document, alignment: Alignment,
                    config: CompareConfig) -> list[FramingDifference]:
    ma, mb = name_mentions(a, config.framing), name_mentions(b, config.framing)
    aligned = aligned_sentence_pairs(alignment)
    pa, pb = convention_profile(a, config, ma), convention_profile(b, config, mb)
    return (lexicon_naming_variants(ma, mb) + detected_naming_variants(a, b, ma, mb, aligned)
            + convention_findings(ma, mb, pa, pb))
