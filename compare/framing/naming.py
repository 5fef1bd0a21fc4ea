"""Framing stage: naming variants, naming conventions, labels, qualifiers, hedges and report verbs.

Every finding names both choices and the convention or word class behind
them; none calls a spelling or a label wrong. Naming rests on ``names.py``
(lexicon plus transliteration test), labels on noun phrases that name the same
referent in the two articles (shared named anchor, same slot of the same verb
in similar sentences, or the same label family), hedges and report verbs on
the word lists of ``compare/lexicon.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from . import names
from .config import CompareConfig, FramingConfig
from .caches import memo, per_parse
from .failsoft import Collector
from .lexicon import (HEDGE_CLAUSE_VERBS, HEDGE_WORDS, LABEL_FAMILIES, NAME_KINDS, NEUTRAL_MODIFIERS,
                      NUMERIC_ENTITY_LABELS, POSSESSIVE, QUALIFIER_PATTERNS, QUALIFIERS, REGION_CUES,
                      REPORT_VERB_CLASS, TITLES_WITH_INSTITUTIONS)
from .types import Alignment, Document, FramingDifference, Highlight, Span

# ---------------------------------------------------------------- word lists


@memo(maxsize=65536)
def is_qualifier(word: str) -> bool:
    """A word that qualifies status, sponsor or legitimacy ("self-declared", "Moscow-backed")."""
    word = word.lower()
    return word in QUALIFIERS or any(p.match(word) for p in QUALIFIER_PATTERNS)


@memo(maxsize=1)
def _family_of_word() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for family, words in LABEL_FAMILIES.items():
        for w in words:
            out.setdefault(w, set()).add(family)
    return {w: frozenset(f) for w, f in out.items()}


def families(words: Iterable[str]) -> frozenset[str]:
    return _families(frozenset(words))


@memo(maxsize=65536)
def _families(words: frozenset[str]) -> frozenset[str]:
    table = _family_of_word()
    return frozenset(f for w in words for f in table.get(w, ()))


# ---------------------------------------------------------------- noun phrases


@dataclass(frozen=True)
class NounPhrase:
    """A noun phrase of one article: its span, content words and anchors."""

    sentence: int
    start: int  # character offsets into the article text
    end: int
    text: str
    head: str  # lemma of the head noun
    words: frozenset[str]  # content words (lemmas; hyphen compounds kept whole)
    core: frozenset[str]  # content words before an "of" phrase: what modifies the head
    anchors: tuple[str, ...]  # proper names in the phrase, titles removed, as written
    slot: tuple[str, str]  # (dependency of the head, lemma of the governing verb) or ("", "")
    role: str = ""  # lemma of the last common noun before the "of" phrase ("adviser")
    named: str = ""  # the person or thing the phrase names, when it is a name with a label
    # ("North Korean leader Kim Jong Un") or an apposition to one ("Kim, the leader")


_NP_POS = {"DET", "NUM", "ADJ", "NOUN", "PROPN", "PART", "PUNCT", "VERB", "CCONJ"}
_SLOT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj"}
_LIGHT_VERBS = {"be", "have", "say", "do", "make", "take", "get"}


def _np_token_ok(tok, run: list) -> bool:
    """May ``tok`` continue the noun-phrase run ``run``?"""
    if run and _hyphen_joined(tok):
        return True  # "son-in-law", "Moscow-backed"
    if tok.pos_ == "DET":
        return not run
    if tok.pos_ == "PUNCT":
        return tok.text in "-‐" and not tok.whitespace_ and bool(run) and not run[-1].whitespace_
    if tok.pos_ == "VERB":  # participles inside compounds: "self-declared", "Moscow-backed"
        return tok.tag_ in ("VBN", "VBD", "VBG") and tok.dep_ in ("amod", "compound") or _hyphen_joined(tok)
    if tok.pos_ == "CCONJ":  # "Donetsk and Luhansk People's Republics"
        return bool(run) and run[-1].pos_ == "PROPN" and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].pos_ == "PROPN"
    if tok.pos_ == "PART":
        return tok.text in ("'s", "’s") and bool(run)
    return True


def _hyphen_joined(tok) -> bool:
    return tok.i > 0 and tok.doc[tok.i - 1].text == "-" and not tok.doc[tok.i - 1].whitespace_


def _starts_new_phrase(tok, previous) -> bool:
    """"the jobs Clinton offered", "missiles North Korea said": a subject (or
    the first word of a subject name) right after a complete noun phrase."""
    root = tok
    while root.dep_ == "compound" and root.head is not root:
        root = root.head
    return (root.dep_ in ("nsubj", "nsubjpass") and previous.pos_ == "NOUN"
            and previous.dep_ in ("dobj", "pobj", "nsubj", "attr"))


def _runs(sent) -> list[list]:
    """Maximal token runs that look like noun phrases, trimmed to end on a noun."""
    runs, run = [], []
    for tok in sent:
        if run and _starts_new_phrase(tok, run[-1]):
            runs.append(run)
            run = []
        if (tok.pos_ in _NP_POS or run and _hyphen_joined(tok)) and _np_token_ok(tok, run):
            run.append(tok)
            continue
        runs.append(run)
        run = [tok] if tok.pos_ == "DET" else []
    runs.append(run)
    out = []
    for r in runs:
        while r and r[-1].pos_ not in ("NOUN", "PROPN"):
            r = r[:-1]
        if r:
            out.append(r)
    return out


def _merge_of(runs: list[list]) -> list[list]:
    """Attach "of" + noun phrase: "leaders of the breakaway republics"."""
    out: list[list] = []
    for r in runs:
        if out:
            prev = out[-1]
            gap = r[0].i - prev[-1].i
            if gap == 2 and r[0].doc[prev[-1].i + 1].lower_ == "of":
                out[-1] = prev + [r[0].doc[prev[-1].i + 1]] + r
                continue
        out.append(r)
    return out


def _content_words(tokens: list) -> list[str]:
    """Lemmas of content tokens; "Moscow - backed" becomes "moscow-backed"."""
    words: list[str] = []
    for tok in tokens:
        glued_next = tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].text == "-" and not tok.whitespace_
        if not glued_next and (tok.pos_ in ("DET", "NUM", "PART", "CCONJ", "ADP")
                               or tok.is_stop and tok.pos_ != "PROPN"):
            continue
        if tok.text in "-‐":
            continue
        if words and _hyphen_joined(tok):
            words[-1] = f"{words[-1]}-{tok.lower_}"  # as written: "self-declared", not "self-declare"
        else:
            words.append(tok.lemma_.lower() if tok.pos_ != "PROPN" else tok.lower_)
    return words


def _slot(head) -> tuple[str, str]:
    node = head
    while node.dep_ == "conj" and node.head is not node:
        node = node.head
    verb = node.head
    if node.dep_ == "pobj" and verb.pos_ == "ADP":
        verb = verb.head
    if verb.pos_ in ("VERB", "AUX") and verb.lemma_ not in _LIGHT_VERBS and node.dep_ in _SLOT_DEPS:
        return (node.dep_, verb.lemma_.lower())
    return ("", "")


def name_runs(tokens: list) -> tuple[str, ...]:
    """Proper-name runs of a phrase, titles dropped: "South Korean President
    Moon Jae-in" -> ("South Korean", "Moon Jae-in")."""
    out, run = [], []
    for tok in list(tokens) + [None]:
        glued = tok is not None and run and tok.text == "-" and not run[-1].whitespace_ and not tok.whitespace_
        if tok is not None and (tok.pos_ == "PROPN" and tok.lower_ not in TITLES_WITH_INSTITUTIONS
                                and tok.ent_type_ not in NUMERIC_ENTITY_LABELS or glued
                                or run and run[-1].text == "-" and not run[-1].whitespace_
                                and tok.pos_ not in ("VERB", "ADJ", "NOUN")):
            run.append(tok)
            continue
        if run:
            out.append("".join(t.text_with_ws for t in run).strip(" -"))
        run = []
    return tuple(out)


def _noun_phrase(doc: Document, index: int, run: list) -> NounPhrase:
    of = next((t for t in run if t.lower_ == "of"), None)
    core = run[:run.index(of)] if of is not None else run
    start, end = run[0].idx, run[-1].idx + len(run[-1].text)
    anchors = name_runs(run)
    head = core[-1]
    named = anchors[-1] if head.pos_ == "PROPN" and anchors and head.text in anchors[-1].split() else _apposed_name(head)
    role = next((t.lemma_.lower() for t in reversed(core) if t.pos_ == "NOUN"), "")
    return NounPhrase(index, start, end, doc.article.text[start:end], head.lemma_.lower(),
                      frozenset(_content_words(run)), frozenset(_content_words(core)),
                      anchors, _slot(head), role, named)


def _apposed_name(head) -> str:
    """"Kim Jong Un, the North Korean leader": the name a noun is in apposition to."""
    other = head.head if head.dep_ == "appos" else next((c for c in head.children if c.dep_ == "appos"), None)
    if other is None or other.pos_ != "PROPN":
        return ""
    if other.ent_type_:
        ent = next((e for e in other.doc.ents if e.start <= other.i < e.end), None)
        if ent is not None:
            return " ".join(name_runs(list(ent))) or ent.text
    return other.text


@per_parse()
def noun_phrases(doc: Document, config: FramingConfig) -> list[NounPhrase]:
    """Noun phrases with at least one common noun (bare names are for naming).
    "Recognition of the self-declared republics" also yields "the self-declared
    republics": either may be what the other article names differently."""
    if doc.doc is None:
        return []
    out = []
    for index, sentence in enumerate(doc.sentences):
        span = doc.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        for run in _merge_of(_runs(span)):
            parts = [run]
            of = next((k for k, t in enumerate(run) if t.lower_ == "of"), None)
            if of is not None:
                parts.append(run[of + 1:])
            for part in parts:
                if len(part) <= config.max_np_tokens and any(t.pos_ == "NOUN" for t in part):
                    out.append(_noun_phrase(doc, index, part))
    return out


# ---------------------------------------------------------------- helpers


def _spans(items: Iterable[tuple[int, int]]) -> tuple[Span, ...]:
    return tuple(Span(s, e) for s, e in sorted(set(items)))


def _finding(type_: str, a_text: str, b_text: str, a_spans: Iterable[tuple[int, int]],
             b_spans: Iterable[tuple[int, int]], referent: str, conv_a: str, conv_b: str,
             explanation: str) -> FramingDifference:
    return FramingDifference(type_, a_text, b_text, _spans(a_spans), _spans(b_spans), referent,
                             conv_a, conv_b, explanation)


def aligned_sentence_pairs(alignment: Alignment) -> set[tuple[int, int]]:
    """Every (i, j) sentence pair inside an aligned bead."""
    return {(i, j) for bead in alignment.pairs for i in bead.a for j in bead.b}


def sentence_of(doc: Document, offset: int) -> int:
    for s in doc.sentences:
        if s.start <= offset < s.end:
            return s.index
    return -1


def quote(text: str) -> str:
    return f"“{text}”"


# ---------------------------------------------------------------- naming

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
        out.append(_finding("naming_variant", x.text, y.text, [(m.start, m.end) for m in same_a],
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
    return _finding("naming_variant", x.text, y.text, [(m.start, m.end) for m in ea if m.text == x.text],
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
    return ConventionProfile(tuple(counts), examples, _spans(spans))


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
        out.append(_finding("naming_convention", a_text, b_text, spans if first else [],
                            [] if first else spans, m.entry.referent, conv_a, conv_b, why))
    return out


# ---------------------------------------------------------------- labels and qualifiers


@memo(maxsize=65536)
def _norm(words: frozenset[str]) -> frozenset[str]:
    """Words compared across spellings (Luhansk = Lugansk)."""
    return frozenset(names.fold(w) for w in words)


def _qualifiers(words: Iterable[str]) -> list[str]:
    return sorted(w for w in words if is_qualifier(w))


@dataclass(frozen=True)
class LabelPair:
    a: NounPhrase
    b: NounPhrase
    score: float
    referent: str


def same_name(x: str, y: str) -> bool:
    """One name, possibly shortened: "Obama" / "Barack Obama", "Lugansk" / "Luhansk"."""
    wx, wy = x.split(), y.split()
    short, long_ = (wx, wy) if len(wx) <= len(wy) else (wy, wx)
    if len(short) < len(long_):
        return len(short) == 1 and names.name_variant(short[0], long_[-1]) is not None
    return names.name_variant(x, y) is not None


def _shared_anchor(x: NounPhrase, y: NounPhrase) -> str:
    """The names both phrases contain, e.g. "Donetsk, Luhansk/Lugansk" ("" if none)."""
    shared = []
    for ax in x.anchors:
        ay = next((ay for ay in y.anchors if same_name(ax, ay)), None)
        if ay is not None:
            shared.append(ax if names.plain(ax) == names.plain(ay) else f"{ax}/{ay}")
    return ", ".join(shared)


def _relevant(x: NounPhrase, y: NounPhrase) -> tuple[frozenset[str], frozenset[str]] | None:
    """Words only in A and only in B, or None when the difference is not a
    framing choice (identical wording, or only names differ)."""
    nx, ny = _norm(x.words), _norm(y.words)
    if names.fold(x.head) in _norm(y.words - y.core) or names.fold(y.head) in _norm(x.words - x.core):
        return None  # "the regions" / "the parliaments of the regions": not one referent
    only_a = frozenset(w for w in x.core if names.fold(w) not in ny)
    only_b = frozenset(w for w in y.core if names.fold(w) not in nx)
    anchors = {w.lower() for a in x.anchors + y.anchors for w in a.split()}
    if not (only_a | only_b) - anchors:
        return None
    heads_differ = names.fold(x.head) != names.fold(y.head)
    marked = _qualifiers(only_a | only_b) or families(only_a | only_b)
    return (only_a, only_b) if heads_differ or marked else None


def pair_score(x: NounPhrase, y: NounPhrase, similarity: float, aligned: bool,
               config: FramingConfig) -> tuple[float, str]:
    """Evidence that two noun phrases name the same referent, and a name for it."""
    anchor = _shared_anchor(x, y)
    if x.anchors and y.anchors and not anchor:
        return 0.0, ""  # "the Trump administration" / "the Obama administration"
    same_head = names.fold(x.head) == names.fold(y.head)
    fam = _label_families(x) & _label_families(y)
    head_fam = families([x.head]) & families([y.head])
    score = 0.0
    if anchor and (same_head or head_fam):
        score += 3.0
    if x.slot == y.slot and x.slot[0] and (same_head or head_fam) and (
            aligned or similarity >= config.slot_min_similarity):
        score += 2.0
    if fam and similarity >= config.family_min_similarity:
        score += 1.0
    if same_head and aligned:
        score += 1.0
    if score == 0.0:
        return 0.0, ""
    role = {"nsubj": "subject", "nsubjpass": "subject", "attr": "complement"}.get(x.slot[0], "object")
    referent = anchor or (f"the {role} of {quote(x.slot[1])}" if x.slot == y.slot and x.slot[0]
                          else "/".join(sorted(fam)))
    # Prefer the most marked phrase of a referent ("Moscow-backed separatists"
    # over "the separatists") when several could pair.
    marked = min(1.0, 0.5 * len(_qualifiers(x.core | y.core)))
    return score + similarity + marked + (1.0 if aligned else 0.0), referent


def _corefer_keys(np: NounPhrase) -> list[tuple]:
    """Keys of the cheap test before scoring: two phrases may name one referent
    (any evidence of ``pair_score`` may hold) when they share a key: the same
    verb slot, the same head (folded), a head family when both have names, or
    a label family of head or "of" phrase."""
    keys: list[tuple] = [("slot", np.slot)] if np.slot[0] else []
    keys.append(("head", names.fold(np.head)))
    if np.anchors:
        keys += [("anchored head family", f) for f in families([np.head])]
    return keys + [("family", f) for f in _label_families(np)]


def _may_corefer_index(nps: list[NounPhrase]) -> dict[tuple, list[int]]:
    """Key of ``_corefer_keys`` -> indexes of the phrases that have it."""
    index: dict[tuple, list[int]] = {}
    for n, np in enumerate(nps):
        for key in _corefer_keys(np):
            index.setdefault(key, []).append(n)
    return index


def _label_families(np: NounPhrase) -> frozenset[str]:
    """Label families of the head and of the "of" phrase ("leaders of the
    breakaway republics"); a family word that only modifies another head
    ("the administration's decision") says nothing about the referent."""
    return families({np.head} | (np.words - np.core))


def label_pairs(npa: list[NounPhrase], npb: list[NounPhrase], alignment: Alignment,
                config: FramingConfig) -> list[LabelPair]:
    """One-to-one pairs of noun phrases that name one referent with different words."""
    aligned = aligned_sentence_pairs(alignment)
    index_b = _may_corefer_index(npb)
    candidates = []
    for x in npa:
        maybe = sorted({n for key in _corefer_keys(x) for n in index_b.get(key, ())})
        for y in (npb[n] for n in maybe):  # in npb order, as a full scan would visit them
            if _relevant(x, y) is None:
                continue
            sim = float(alignment.similarity[x.sentence, y.sentence])
            score, referent = pair_score(x, y, sim, (x.sentence, y.sentence) in aligned, config)
            if score >= config.label_min_score:
                candidates.append(LabelPair(x, y, score, referent))
    used_a, used_b, out = set(), set(), []
    for pair in sorted(candidates, key=lambda p: -p.score):
        if pair.a in used_a or pair.b in used_b:
            continue
        used_a.add(pair.a)
        used_b.add(pair.b)
        out.append(pair)
    return out[:config.max_label_findings]


def _words_note(side: str, words: frozenset[str]) -> str:
    if not words:
        return ""
    quals = _qualifiers(words)
    note = f" Only {side}: {', '.join(sorted(words))}"
    return note + (f" (qualifier: {', '.join(quals)})." if quals else ".")


def referent_group(np: NounPhrase, nps: list[NounPhrase]) -> list[NounPhrase]:
    """Phrases of one article that name the same referent as ``np``: same head
    with compatible names, or the same slot of the same verb with a head of
    the same label family ("recognize the regions" / "the breakaway territories")."""
    def anchors_fit(n: NounPhrase) -> bool:
        fx, fy = {names.fold(a) for a in np.anchors}, {names.fold(a) for a in n.anchors}
        return fx <= fy or fy <= fx
    fam = families([np.head])
    return [n for n in nps if n.core == np.core and n.start == np.start
            or names.fold(n.head) == names.fold(np.head) and anchors_fit(n) and n.head not in n.words - n.core
            or n.slot == np.slot and n.slot[0] and fam & families([n.head])]


def label_finding(pair: LabelPair, npa: list[NounPhrase], npb: list[NounPhrase]) -> FramingDifference:
    only_a, only_b = _relevant(pair.a, pair.b) or (frozenset(), frozenset())
    same_head = names.fold(pair.a.head) == names.fold(pair.b.head)
    kind = "qualifier" if same_head and (not only_a or not only_b) else "label"
    explanation = (f"Both refer to {pair.referent}; A says {quote(pair.a.text)}, B says {quote(pair.b.text)}."
                   + _words_note("in A", only_a) + _words_note("in B", only_b))
    group_a, group_b = referent_group(pair.a, npa), referent_group(pair.b, npb)
    return _finding(kind, pair.a.text, pair.b.text, [(n.start, n.end) for n in group_a + [pair.a]],
                    [(n.start, n.end) for n in group_b + [pair.b]],
                    pair.referent, ", ".join(_qualifiers(only_a)) or "", ", ".join(_qualifiers(only_b)) or "",
                    explanation)


def one_sided_qualifiers(mine: list[NounPhrase], other: list[NounPhrase], used: set[NounPhrase],
                         first: bool) -> list[FramingDifference]:
    """Qualifiers one article attaches to a referent that the other names
    without any such qualifier ("Moscow-backed" only in A)."""
    other_words = {names.fold(w) for np in other for w in np.words}
    other_heads = {names.fold(np.head): np for np in other}
    me, them = ("A", "B") if first else ("B", "A")
    out, seen = [], set()
    for np in mine:
        if np in used or names.fold(np.head) not in other_heads:
            continue
        quals = [q for q in _qualifiers(np.core - {np.head})
                 if names.fold(q) not in other_words and (q, np.head) not in seen]
        if not quals:
            continue
        seen.update((q, np.head) for q in quals)
        ref = other_heads[names.fold(np.head)]
        why = (f"{me} calls them {quote(np.text)}; {them} also mentions {np.head} "
               f"(e.g. {quote(ref.text)}) but never with {', '.join(quote(q) for q in quals)}.")
        spans, label = [(np.start, np.end)], ", ".join(quals)
        out.append(_finding("qualifier", np.text if first else "", "" if first else np.text,
                            spans if first else [], [] if first else spans, np.head,
                            label if first else "", "" if first else label, why))
    return out


@memo(maxsize=65536)
def label_words(np: NounPhrase) -> frozenset[str]:
    """What a phrase calls the thing it names: its words minus names and neutral modifiers."""
    name_words = {w.lower() for a in np.anchors for w in a.split()}
    return frozenset(w for w in np.core if w not in name_words and w not in NEUTRAL_MODIFIERS
                     and not w.startswith(("then-", "ex-", "former-")))


def entity_groups(nps: list[NounPhrase]) -> dict[str, list[NounPhrase]]:
    """Labelled mentions of each named referent, plus bare definite phrases
    ("the North Korean leader") whose head labels exactly one of them."""
    groups: dict[str, list[NounPhrase]] = {}
    for np in nps:
        if np.named and label_words(np):
            key = next((k for k in groups if same_name(k, np.named)), np.named)
            groups.setdefault(key, []).append(np)
    heads: dict[str, set[str]] = {}
    for key, members in groups.items():
        for np in members:
            heads.setdefault(np.head if np.head not in {w.lower() for w in key.split()} else "", set()).add(key)
    for key, members in groups.items():
        labels = {w for np in members for w in label_words(np)}
        for np in nps:
            owners = {k for k, g in groups.items() if np.head in {w for m in g for w in label_words(m)}}
            if not np.anchors and np.text.lower().startswith("the ") and owners == {key} and np.head in labels:
                members.append(np)
    return groups


def _entity_difference(ga: list[NounPhrase], gb: list[NounPhrase]) -> tuple[frozenset[str], frozenset[str]] | None:
    la = frozenset(w for np in ga for w in label_words(np))
    lb = frozenset(w for np in gb for w in label_words(np))
    only_a = frozenset(w for w in la if names.fold(w) not in _norm(lb))
    only_b = frozenset(w for w in lb if names.fold(w) not in _norm(la))
    marked = _qualifiers(only_a | only_b) or families(only_a | only_b)
    # Without a marked word, only a different role noun is a label choice
    # ("campaign chairman" / "campaign manager"), not "White House" / "senior".
    roles_a, roles_b = {np.role for np in ga} - {""}, {np.role for np in gb} - {""}
    return (only_a, only_b) if marked or (roles_a - roles_b and roles_b - roles_a) else None


def _representative(group: list[NounPhrase], words: frozenset[str]) -> NounPhrase:
    return max(group, key=lambda np: (len(label_words(np) & words), -np.start))


def entity_label_findings(npa: list[NounPhrase], npb: list[NounPhrase]
                          ) -> tuple[list[FramingDifference], set[NounPhrase], set[NounPhrase]]:
    """Named referents (people, organisations) that the two articles label differently."""
    groups_a, groups_b = entity_groups(npa), entity_groups(npb)
    out, used_a, used_b = [], set(), set()
    for key_a, ga in groups_a.items():
        key_b = next((k for k in groups_b if same_name(key_a, k)), None)
        diff = None if key_b is None else _entity_difference(ga, groups_b[key_b])
        if diff is None:
            continue
        gb = groups_b[key_b]
        x, y = _representative(ga, diff[0]), _representative(gb, diff[1])
        referent = key_a if len(key_a) >= len(key_b) else key_b
        why = (f"Both name {referent}; A calls them {quote(x.text)}, B {quote(y.text)}."
               + _words_note("in A", diff[0]) + _words_note("in B", diff[1]))
        out.append(_finding("label", x.text, y.text, [(n.start, n.end) for n in ga], [(n.start, n.end) for n in gb],
                            referent, ", ".join(sorted(diff[0])), ", ".join(sorted(diff[1])), why))
        used_a |= set(ga)
        used_b |= set(gb)
    return out, used_a, used_b


def demonym_of(adjective: str, country: str) -> bool:
    """"Syrian" / "Syria", "Iranian" / "Iran", but not "Iraqi" / "Iran"."""
    adj, name = names.plain(adjective), names.plain(country)
    stem = name[:-1] if name[-1:] in "aeiouy" else name
    return len(stem) >= 3 and adj != name and adj.startswith(stem) and len(adj) - len(stem) <= 4


def state_phrases(nps: list[NounPhrase]) -> list[NounPhrase]:
    """"the Syrian regime", "the junta": a state named by a marked word for its
    rulers. "The Russian government" / "Russia" is too ordinary to report."""
    state = {w for w, fams in _family_of_word().items() if "state or government" in fams}
    return [np for np in nps if np.head in state and is_qualifier(np.head) and not np.anchors and len(np.core) >= 2]


def state_label_findings(a: Document, b: Document, npa: list[NounPhrase], npb: list[NounPhrase],
                         alignment: Alignment, config: FramingConfig) -> list[FramingDifference]:
    """One article says "the Syrian regime" where the other, in a similar
    sentence, names the country ("Syria") or its state with another word."""
    aligned = aligned_sentence_pairs(alignment)
    out = []
    for first, (mine, other_doc, other_nps) in ((True, (npa, b, npb)), (False, (npb, a, npa))):
        places = [m for m in entity_mentions(other_doc) if m.label == "place"]
        for np in state_phrases(mine):
            for m in places:
                if not any(demonym_of(w, m.text) for w in np.core - {np.head}):
                    continue
                pair = (np.sentence, m.sentence) if first else (m.sentence, np.sentence)
                sim = float(alignment.similarity[pair])
                if pair in aligned or sim >= config.slot_min_similarity:
                    out.append(_state_finding(np, m, first))
                    break
    return out


def _state_finding(np: NounPhrase, m: EntityMention, first: bool) -> FramingDifference:
    me, them = ("A", "B") if first else ("B", "A")
    why = (f"In matching sentences {me} says {quote(np.text)} and {them} names {quote(m.text)}: "
           f"{me} names the state by its {np.head}.")
    x, y = ((np.start, np.end), (m.start, m.end)) if first else ((m.start, m.end), (np.start, np.end))
    tx, ty = (np.text, m.text) if first else (m.text, np.text)
    return _finding("label", tx, ty, [x], [y], m.text, np.head if first else "place name",
                    "place name" if first else np.head, why)


# ---------------------------------------------------------------- hedges and report verbs


@dataclass(frozen=True)
class Hedge:
    sentence: int
    start: int
    end: int
    text: str
    cue: str
    kind: str  # "distancing word" | "attributed clause" | "scare quotes"


_CLAUSE_END = re.compile(r"[,;:.!?”\"—–)]")
_SCARE = re.compile(r"(?:\"(?P<a>\w[\w\s-]{1,40}?)\"|“(?P<b>\w[\w\s-]{1,40}?)”|‘(?P<c>\w[\w\s-]{1,40}?)’)")


def _clause_from(text: str, start: int, stop: int) -> int:
    """End of the clause that starts at ``start`` (next punctuation or ``stop``)."""
    m = _CLAUSE_END.search(text, start, stop)
    return m.start() if m else stop


def _word_hedges(doc: Document, sentence) -> list[Hedge]:
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(HEDGE_WORDS, key=len, reverse=True)) + r")\b", re.I)
    text = doc.article.text
    out = []
    for m in pattern.finditer(text, sentence.start, sentence.end):
        end = _clause_from(text, m.end(), sentence.end)
        if end > m.end() + 60:  # keep the cue and a few words, cut at a word boundary
            end = text.rfind(" ", m.end(), m.end() + 60)
            end = end if end > m.end() else m.end()
        out.append(Hedge(sentence.index, m.start(), end, text[m.start():end].rstrip(), m.group(1).lower(),
                         "distancing word"))
    return out


def _clause_hedges(doc: Document, sentence) -> list[Hedge]:
    """"what they claim is X", "what X calls Y": the writer attributes the wording."""
    if doc.doc is None:
        return []
    span = doc.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    out = []
    for tok in span or ():
        if tok.lower_ != "what":
            continue
        verb = next((t for t in doc.doc[tok.i + 1:tok.i + 4] if t.lemma_.lower() in HEDGE_CLAUSE_VERBS and t.pos_ == "VERB"), None)
        if verb is None or not _attributing(verb):
            continue
        start = doc.doc[tok.i - 1].idx if tok.i > 0 and doc.doc[tok.i - 1].pos_ == "ADP" else tok.idx
        end = _past_quote(doc.article.text, _clause_from(doc.article.text, verb.idx, sentence.end), sentence.end)
        text = doc.article.text[start:end].rstrip()
        out.append(Hedge(sentence.index, start, start + len(text), text, verb.lemma_.lower(), "attributed clause"))
    return out


def _attributing(verb) -> bool:
    """A third party's wording ("what they claim is", "what critics call"):
    not the speaker's own ("What I said"), not passive naming ("what is
    called"), and "say" only as "what X say is"."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.lower_ in ("i", "we", "you"):
        return False
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    return verb.lemma_.lower() != "say" or (following is not None and following.lemma_ == "be")


_CLOSING = {"“": "”", '"': '"'}


def _past_quote(text: str, end: int, stop: int) -> int:
    """Extend a clause that stops at an opening quotation mark to its closing one."""
    if end < stop and text[end] in _CLOSING:
        close = text.find(_CLOSING[text[end]], end + 1, stop)
        return close + 1 if close > 0 else end
    return end


def _scare_quotes(doc: Document, sentence) -> list[Hedge]:
    """Short quoted labels ("the 'referendum'") rather than quoted speech."""
    text = doc.article.text
    out = []
    for m in _SCARE.finditer(text, sentence.start, sentence.end):
        group = next(g for g in ("a", "b", "c") if m.group(g))
        inner = m.group(group)
        before = text[max(sentence.start, m.start() - 2):m.start()]
        if len(inner.split()) > 3 or inner[0].isupper() or not before.strip() == "" and before[-1:].isalnum():
            continue
        if doc.doc is not None:
            span = doc.doc.char_span(m.start(group), m.end(group), alignment_mode="expand")
            if span is None or not any(t.pos_ == "NOUN" for t in span) or any(t.pos_ == "VERB" for t in span):
                continue
            before = doc.doc[max(0, span.start - 5):span.start]
            if any(t.lemma_.lower() in REPORT_VERB_CLASS for t in before):
                continue  # "called it 'insane'": a quotation, not distancing
        out.append(Hedge(sentence.index, m.start(), m.end(), m.group(0), "quotation marks", "scare quotes"))
    return out


@per_parse()
def hedges(doc: Document) -> list[Hedge]:
    out = []
    for sentence in doc.sentences:
        out += _word_hedges(doc, sentence) + _clause_hedges(doc, sentence) + _scare_quotes(doc, sentence)
    return out


_HEDGE_WHY = {
    "distancing word": "a word that marks the statement as not established by the writer",
    "attributed clause": "the writer attributes the description to its source instead of stating it",
    "scare quotes": "quotation marks around a short label can distance the writer from the term",
}


def hedge_findings(ha: list[Hedge], hb: list[Hedge], alignment: Alignment) -> list[FramingDifference]:
    """Hedges in one article whose counterpart (if any) in the other has none."""
    aligned = aligned_sentence_pairs(alignment)
    out = []
    for mine, other, first in ((ha, hb, True), (hb, ha, False)):
        other_cues = {(h.sentence, h.cue) for h in other}
        for h in mine:
            partners = [j if first else i for i, j in aligned if (i if first else j) == h.sentence]
            if any((p, h.cue) in other_cues for p in partners):
                continue  # both hedge the same content the same way
            me, them = ("A", "B") if first else ("B", "A")
            context = (f" {them}'s aligned sentence carries no such hedge." if partners
                       else f" {them} does not report this content.")
            why = f"{me}: {quote(h.text)}: {_HEDGE_WHY[h.kind]}.{context}"
            spans = [(h.start, h.end)]
            out.append(_finding("hedge", h.text if first else "", "" if first else h.text,
                                spans if first else [], [] if first else spans, h.cue,
                                h.kind if first else "", "" if first else h.kind, why))
    return out


_VERB_WHY = {
    "neutral": "neutral attribution",
    "distancing": "a verb that leaves the truth of the statement open",
    "conceding": "presents the statement as an admission",
    "emphatic": "adds emphasis or emotion",
    "rejecting": "presents the statement as a denial",
}


def report_verbs(doc: Document, sentence: int) -> list[tuple[object, str]]:
    """(token, class) for every reporting verb in one sentence."""
    if doc.doc is None:
        return []
    s = doc.sentences[sentence]
    span = doc.doc.char_span(s.start, s.end, alignment_mode="expand") or ()
    table = REPORT_VERB_CLASS
    return [(t, table[t.lemma_.lower()]) for t in span if t.pos_ == "VERB" and t.lemma_.lower() in table]


def _speaker(verb) -> str:
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return "" if subj is None else " ".join(t.text for t in subj.subtree if t.pos_ == "PROPN") or subj.lemma_


def report_verb_findings(a: Document, b: Document, alignment: Alignment) -> list[FramingDifference]:
    """Different classes of reporting verb for the same speaker in aligned sentences."""
    out, seen = [], set()
    for i, j in sorted(aligned_sentence_pairs(alignment)):
        for va, ca in report_verbs(a, i):
            for vb, cb in report_verbs(b, j):
                sa, sb = _speaker(va), _speaker(vb)
                same = sa and sb and (names.name_variant(sa.split()[-1], sb.split()[-1]) is not None)
                if ca == cb or not same or (va.i, vb.i) in seen:
                    continue
                seen.add((va.i, vb.i))
                why = (f"A reports {sa} with {quote(va.text)} ({_VERB_WHY[ca]}); "
                       f"B with {quote(vb.text)} ({_VERB_WHY[cb]}).")
                out.append(_finding("report_verb", va.text, vb.text, [(va.idx, va.idx + len(va.text))],
                                    [(vb.idx, vb.idx + len(vb.text))], sa, ca, cb, why))
    return out


# ---------------------------------------------------------------- stage entry point


def highlights_of(findings: Iterable[FramingDifference]) -> tuple[Highlight, ...]:
    out = []
    for f in findings:
        note = f"{f.type.replace('_', ' ')}: {f.explanation}"
        for side, spans in ((0, f.a_spans), (1, f.b_spans)):
            out += [Highlight(side, s.start, s.end, "framing", note) for s in spans]
    return tuple(out)


def naming_findings(a: Document, b: Document, alignment: Alignment,
                    config: CompareConfig) -> list[FramingDifference]:
    ma, mb = name_mentions(a, config.framing), name_mentions(b, config.framing)
    aligned = aligned_sentence_pairs(alignment)
    pa, pb = convention_profile(a, config, ma), convention_profile(b, config, mb)
    return (lexicon_naming_variants(ma, mb) + detected_naming_variants(a, b, ma, mb, aligned)
            + convention_findings(ma, mb, pa, pb))


def label_findings(a: Document, b: Document, alignment: Alignment,
                   config: CompareConfig) -> list[FramingDifference]:
    npa, npb = noun_phrases(a, config.framing), noun_phrases(b, config.framing)
    named, used_a, used_b = entity_label_findings(npa, npb)
    pairs = label_pairs([n for n in npa if n not in used_a], [n for n in npb if n not in used_b],
                        alignment, config.framing)
    used_a |= {p.a for p in pairs}
    used_b |= {p.b for p in pairs}
    states = state_label_findings(a, b, [n for n in npa if n not in used_a], [n for n in npb if n not in used_b],
                                  alignment, config.framing)
    return (named + [label_finding(p, npa, npb) for p in pairs] + states + one_sided_qualifiers(npa, npb, used_a, True)
            + one_sided_qualifiers(npb, npa, used_b, False))


def analyse_framing(a: Document, b: Document, alignment: Alignment, config: CompareConfig,
                    collector: Collector | None = None) -> tuple[tuple[FramingDifference, ...], tuple[Highlight, ...]]:
    """Framing findings and their ``framing`` highlights.

    Naming variants (lexicon and detected), the naming-convention profile of
    each article, labels and qualifiers for shared referents, hedges, and
    report-verb choices on aligned content. An analysis that raises is left
    out and recorded in ``collector``; the others are still reported."""
    run, pair = (collector or Collector()).run, (a, b)
    verbs = run("framing.report_verbs", pair, lambda: report_verb_findings(a, b, alignment), [])
    hedge_list = run("framing.hedges", pair, lambda: hedge_findings(hedges(a), hedges(b), alignment), [])
    findings = (run("framing.naming", pair, lambda: naming_findings(a, b, alignment, config), [])
                + run("framing.labels", pair, lambda: label_findings(a, b, alignment, config), [])
                + _without_verbs(hedge_list, verbs) + verbs)
    return tuple(findings), run("framing.highlights", pair, lambda: highlights_of(findings), ())


def _without_verbs(hedge_list: list[FramingDifference], verbs: list[FramingDifference]) -> list[FramingDifference]:
    """A "claimed" already shown as a report-verb choice is not shown again as a hedge."""
    starts_a = {s.start for f in verbs for s in f.a_spans}
    starts_b = {s.start for f in verbs for s in f.b_spans}
    return [h for h in hedge_list if not any(s.start in starts_a for s in h.a_spans)
            and not any(s.start in starts_b for s in h.b_spans)]
