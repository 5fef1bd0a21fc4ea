"""Fact stage, extraction: a parsed sentence -> fact units with character spans.

Units are what the fact stage compares: phrase chunks (the grain of the
highlights), detachable clauses (relative clauses, appositions, adverbial and
participial clauses, coordinated clauses, the content of "X said that ..."),
named entities, numbers with what they count, dates, and quotes with their
speakers. Everything here reads a spaCy ``Doc`` (token ``idx`` are offsets
into the article text) and calls no model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan, Token

from .figures import (RANGE_JOINERS, decade_figure, figure_of, is_decade, is_hyphen_modifier, is_year,
                      is_year_text, measure_of)
from ..lexicon import (APPROX_WORDS, DATE_ENTITY_LABELS, MEASURE_WORDS, NAME_ENTITY_LABELS, NUMBER_WORDS, PLATFORMS,
                       QUOTE_PAIRS, REPORT_VERBS, SCALE_ABBREVIATIONS, SCALES)

# Dependency labels whose subtree is a claim of its own that one report may
# add to a sentence the other shares (the "detachable" clauses).
CLAUSE_DEPS = frozenset({"relcl", "appos", "advcl", "acl", "ccomp", "conj", "parataxis", "xcomp"})
_NUMBER_PART = re.compile(r"\d+(?:\.\d+)?|[a-z]+")
_DIGIT_GROUPS = re.compile(r"(?<=\d)[,\s\u00a0\u202f](?=\d{3}\b)")
MIN_QUOTE_WORDS = 3
_AGE = re.compile(r"-old\b|\baged?\b|\b\d0s\b", re.I)
# Words that join the numbers of one figure ("16 and 13", "10 to 12"), not date words.
_NUMBER_JOINERS = frozenset({"and", "to", "or"})


@dataclass(frozen=True)
class Unit:
    """A fact unit of one article: ``[start, end)`` into its text.

    ``kind`` is "chunk", "clause", "entity", "number", "date" or "quote".
    ``tokens`` are token indices of the doc; the other fields are filled per
    kind: ``value``/``noun``/``verb``/``approx`` for numbers, ``label`` for
    entities, ``speaker``/``verb`` for quotes, ``dep`` for clauses.
    """

    kind: str
    start: int
    end: int
    sentence: int
    text: str
    tokens: tuple[int, ...] = ()
    value: float | None = None
    noun: str = ""
    verb: str = ""
    approx: bool = False
    label: str = ""
    speaker: str = ""
    dep: str = ""
    # numbers: the interval the written figure stands for (figures.py), its
    # measure ("$", "%") and the content lemmas of what it counts
    lo: float | None = None
    hi: float | None = None
    measure: str = ""
    what: tuple[str, ...] = ()
    preceding: str = ""  # the content word right before the figure: its slot when it counts nothing named
    # quotes: character offset of the pronoun the speaker was read from ("he said"), -1 if none
    speaker_at: int = -1


def parse_number(text: str) -> float | None:
    """Numeric value of a written number: "15,000" = "15 000" = "fifteen
    thousand" = 15000.0, "1.5 million" = 1500000.0; None when there is none."""
    parts = _NUMBER_PART.findall(_DIGIT_GROUPS.sub("", text.lower()))
    total, current, seen = 0.0, 0.0, False
    for part in parts:
        if part[0].isdigit():
            current, seen = current + float(part), True
        elif part in NUMBER_WORDS:
            current, seen = current + NUMBER_WORDS[part], True
        elif part in ("hundred", "dozen", "dozens"):
            current, seen = (current or 1) * SCALES[part], True
        elif part in SCALES and (seen or len(part) > 2):  # "3m" but not a lone "m"
            total, current, seen = total + (current or 1) * SCALES[part], 0.0, True
    return total + current if seen else None


@dataclass(frozen=True)
class DocIndex:
    """Entities and noun chunks of a whole doc, computed once: spaCy rebuilds
    them on every ``doc.ents`` / ``span.noun_chunks`` access (quadratic per article)."""

    ents: tuple[SpacySpan, ...]
    noun_chunks: tuple[SpacySpan, ...]

    @classmethod
    def of(cls, doc: Doc) -> "DocIndex":
        return cls(tuple(doc.ents), tuple(doc.noun_chunks) if doc.has_annotation("DEP") else ())

    def within(self, span: SpacySpan) -> "DocIndex":
        def inside(items):
            return tuple(x for x in items if span.start <= x.start and x.end <= span.end)
        return DocIndex(inside(self.ents), inside(self.noun_chunks))


def units_of_span(doc: Doc, start_char: int, end_char: int, sentence: int,
                  index: DocIndex | None = None) -> tuple[Unit, ...]:
    """Every fact unit of the sentence at ``[start_char, end_char)``."""
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None or len(span) == 0:
        return ()
    local = (index or DocIndex.of(doc)).within(span)
    return (phrase_chunks(span, sentence, local.noun_chunks) + clause_units(span, sentence)
            + entity_units(span, sentence, local.ents) + number_units(span, sentence, local.ents)
            + date_units(span, sentence, local.ents))


def _unit(kind: str, doc: Doc, tokens: list[int], sentence: int, **fields) -> Unit:
    tokens = sorted(tokens)
    span = doc[tokens[0]:tokens[-1] + 1]  # span.text is cheap; doc.text rebuilds the whole text
    return Unit(kind, span.start_char, span.end_char, sentence, span.text, tuple(tokens), **fields)


# ---------------------------------------------------------------- phrase chunks

def phrase_chunks(span: SpacySpan, sentence: int, noun_chunks: tuple[SpacySpan, ...]) -> tuple[Unit, ...]:
    """Contiguous phrases covering the sentence's tokens: noun chunks (with a
    preposition just before them), verb groups, and single other tokens.
    iSTS gold chunks have this grain; scoring them beats scoring words."""
    doc, labels = span.doc, {}
    for n, chunk in enumerate(noun_chunks):
        first = chunk.start - 1 if chunk.start > span.start and doc[chunk.start - 1].pos_ == "ADP" else chunk.start
        labels.update({i: ("np", n) for i in range(first, chunk.end)})
    groups: list[list[int]] = []
    for token in span:
        key = labels.get(token.i) or (("vp",) if token.pos_ in ("AUX", "VERB", "PART") else ("tok", token.i))
        if groups and key == groups[-1][0] and key[0] != "tok" and token.pos_ != "PUNCT" \
                and not (key[0] == "vp" and _starts_complement(token)):
            groups[-1][1].append(token.i)
        else:
            groups.append((key, [token.i]))
    return tuple(_unit("chunk", doc, ids, sentence) for _, ids in groups)


def _starts_complement(token: Token) -> bool:
    """The first word of a verb's complement ("had begun | evacuating", "were
    beginning | to return"): its own phrase, since it often says what the
    other report does not."""
    verb = token.head if token.pos_ == "PART" and token.dep_ == "aux" else token
    return verb.dep_ == "xcomp" and verb.pos_ == "VERB" and (token is verb or token.i < verb.i)


# Relations inside a noun phrase: a name or figure there fills the phrase's slot.
_PHRASE_INTERNAL = frozenset({"compound", "nummod", "quantmod", "amod", "nmod"})


def grammatical_slot(doc: Doc, unit: Unit) -> tuple[str, str]:
    """The place a name or figure fills in its sentence: the relation of its
    phrase to the word that governs it, and that word's lemma ("in Tunisia"
    -> ("pobj", "in"); "kill 6 soldiers" -> ("dobj", "kill")). A unit whose
    phrase heads the sentence fills ("ROOT", "")."""
    ids = set(unit.tokens)
    root = next((doc[i] for i in unit.tokens if doc[i].head.i not in ids or doc[i].head.i == i), None)
    if root is None:
        return ("", "")
    while root.dep_ in _PHRASE_INTERNAL and root.head.i != root.i:
        root = root.head
    if root.head.i == root.i:
        return (root.dep_, "")
    return (root.dep_, root.head.lemma_.lower())


# ---------------------------------------------------------------- clauses

def clause_units(span: SpacySpan, sentence: int) -> tuple[Unit, ...]:
    """Detachable clauses: the subtree of each clause-like dependent, minus
    its own nested clauses (so "A, which B, said C" gives three units).

    The parser sometimes makes a punctuation token the head of a clause (a
    dash "―" tagged as a verb, "%" as an apposition in "49% to 44%"): the
    clause is then the words next to that token, without the token."""
    heads = [t for t in span if t.dep_ in CLAUSE_DEPS and _is_clause(t) or _absolute_with(t)]
    head_ids = {t.i for t in heads}
    out = []
    for head in heads:
        # the parser may hang a line break or the next sentence's first
        # token under this sentence's head: keep to the sentence's words
        own = [t.i for t in head.subtree if _owner(t, head_ids) == head.i and not (t.is_punct or t.is_space)
               and span.start <= t.i < span.end]
        owned = set(own)
        core = [i for i in _contiguous_core(own + [head.i], head.i) if i in owned]
        if len(own) >= 2 and core:
            out.append(_unit("clause", span.doc, core, sentence, dep=head.dep_))
    return tuple(out)


def _is_clause(token: Token) -> bool:
    # An apposition is a clause-level addition even without a verb ("the
    # speaker of the house, Vyacheslav Volodin"); other dependents need one.
    return token.dep_ == "appos" or token.pos_ in ("VERB", "AUX") or any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def _absolute_with(token: Token) -> bool:
    """"with 351 MPs voting in favor": a clause the parser hangs under "with" as a verb object."""
    return token.lower_ == "with" and token.dep_ == "prep" and any(
        c.dep_ == "pobj" and c.pos_ == "VERB" for c in token.children)


def _owner(token: Token, head_ids: set[int]) -> int:
    """Index of the innermost clause head whose subtree holds ``token``."""
    node = token
    while True:
        if node.i in head_ids:
            return node.i
        if node.head.i == node.i:
            return -1
        node = node.head


def _contiguous_core(ids: list[int], head: int) -> list[int]:
    """The run of consecutive indices around ``head`` (a clause's span must
    not jump over the clause nested inside it). ``head`` must be in ``ids``."""
    ids = sorted(set(ids))
    pos = ids.index(head)
    lo = hi = pos
    while lo > 0 and ids[lo - 1] == ids[lo] - 1:
        lo -= 1
    while hi + 1 < len(ids) and ids[hi + 1] == ids[hi] + 1:
        hi += 1
    return ids[lo:hi + 1]


# ---------------------------------------------------------------- entities, dates

def entity_units(span: SpacySpan, sentence: int, ents: tuple[SpacySpan, ...]) -> tuple[Unit, ...]:
    """Named entities (people, organisations, places, groups, ...), without a leading "the"."""
    out = []
    for ent in ents:
        if ent.label_ in NAME_ENTITY_LABELS:
            ids = [t.i for t in ent if not (t.i == ent.start and t.lower_ == "the") and not t.is_punct]
            ids = [i for i in ids if not span.doc[i].text in ("'s", "’s")]
            if ids:
                out.append(_unit("entity", span.doc, ids, sentence, label=ent.label_))
    return tuple(out)


def date_units(span: SpacySpan, sentence: int, ents: tuple[SpacySpan, ...]) -> tuple[Unit, ...]:
    return tuple(_unit("date", span.doc, [t.i for t in ent], sentence, label=ent.label_)
                 for ent in ents if reads_as_date(ent))


def reads_as_date(ent: SpacySpan) -> bool:
    """A DATE/TIME entity that names a time: it holds a word that is not a number ("Tuesday", "three
    days", "the next day") or a year ("2014"). The recogniser also tags bare numbers as dates, for some
    values and not for others ("Senate Bill 1381" but not "Senate Bill 1062", "aged 16 and" but not
    "13"): those are figures, so that both copies of one slot are read alike. An age ("64-year-old",
    "aged 21", "his early 20s") is a figure too."""
    if ent.label_ not in DATE_ENTITY_LABELS or _AGE.search(ent.text):
        return False
    return any(not (t.like_num or t.is_punct or t.lower_ in _NUMBER_JOINERS) or is_year_text(t.text) for t in ent)


# ---------------------------------------------------------------- numbers

def number_units(span: SpacySpan, sentence: int, ents: tuple[SpacySpan, ...],
                 tolerance: float = 0.1) -> tuple[Unit, ...]:
    """Numbers with what they count: "more than 700,000 passports" -> value
    700000, noun "passport", approx True, verb "issue", interval [700000, inf).
    A year ("in 2014", "the 2016 candidate") is a date unit, not a number;
    "four-way" and a bare "one" count nothing and are left out."""
    doc = span.doc
    # an age ("64-year-old", "aged 21", "in his early 20s") is a figure, though the recogniser calls it a date
    in_date = {t.i for ent in ents if reads_as_date(ent) or ent.label_ == "ORDINAL" for t in ent}
    out, ids = [], [t.i for t in span if (t.like_num or is_decade(t) or _is_scaled(t)) and t.i not in in_date]
    ids = sorted(set(ids) | {i + 1 for i in ids if i + 1 < span.end and _is_scale_word(doc[i + 1])})
    for group in _ranges(_runs(ids, doc), doc):
        low, first = None, None
        if isinstance(group, tuple):  # a range "10-12", "10 to 12"
            first, group = group
            low = parse_number(" ".join(doc[i].text for i in first))
        value = parse_number(" ".join(doc[i].text for i in group))
        if value is None or is_hyphen_modifier(doc, group[-1]):
            continue
        qualifier = _qualifier(doc, (first or group)[0], span.start)
        noun = _counted_noun(doc[group[-1]]) or (_counted_noun(doc[first[-1]]) if first else None)
        if noun is not None and not span.start <= noun.i < span.end:  # never past the sentence ("49" | "%")
            noun = None
        if is_year(doc, group, noun):
            out.append(_unit("date", doc, group, sentence, label="DATE"))
            continue
        if noun is None and value == 1 and doc[group[0]].is_alpha:  # "and one abstained", "one of them"
            continue
        tokens = qualifier + (first or []) + group + ([noun.i] if noun is not None and noun.i > group[-1] and noun.i - group[-1] <= 3 else [])
        verb = _governing_verb(noun if noun is not None else doc[group[-1]])
        text, measure = " ".join(doc[i].text for i in group), measure_of(doc, min(tokens), group[-1], noun)
        fig = decade_figure(text, measure) if is_decade(doc[group[-1]]) else \
            figure_of(value, low, text, " ".join(doc[i].lower_ for i in qualifier), measure, tolerance)
        out.append(_unit("number", doc, list(range(min(tokens), max(tokens) + 1)), sentence, value=value,
                         noun=noun.lemma_.lower() if noun is not None else "", verb=verb, approx=bool(qualifier),
                         lo=fig.lo, hi=fig.hi, measure=fig.measure, what=_what(noun),
                         preceding=_preceding_word(doc, min(tokens), span.start)))
    return tuple(out)


_SCALED = re.compile(r"^\d+(?:\.\d+)?(?:" + "|".join(sorted(SCALE_ABBREVIATIONS, key=len, reverse=True)) + ")$", re.I)


def _is_scaled(token: Token) -> bool:
    """A figure with its scale glued on: "38b", "25bn"."""
    return bool(_SCALED.match(token.text))


def _is_scale_word(token: Token) -> bool:
    """A scale written as a letter or two after a figure ("$53 m", "38 bn", "$389 M")."""
    return token.lower_ in SCALE_ABBREVIATIONS and not token.like_num


def _ranges(runs: list[list[int]], doc: Doc) -> list:
    """Runs joined by "-", "–" or "to" ("10-12", "10 to 12"), or "between ... and" ("between
    10 and 12"), become (low run, high run)."""
    out: list = []
    for run in runs:
        prev = out[-1] if out else None
        joiner = doc[prev[-1] + 1].lower_ if isinstance(prev, list) and run[0] - prev[-1] == 2 else ""
        between = joiner == "and" and prev[0] > 0 and doc[prev[0] - 1].lower_ == "between"  # "between 10 and 12"
        if (joiner in RANGE_JOINERS or between) and _lower(prev, run, doc):  # "242-190" is a tally, not a range
            out[-1] = (prev, run)
        else:
            out.append(run)
    return out


def _lower(first: list[int], second: list[int], doc: Doc) -> bool:
    low, high = (parse_number(" ".join(doc[i].text for i in run)) for run in (first, second))
    return low is not None and high is not None and low < high


def _what(noun: Token | None) -> tuple[str, ...]:
    """Content lemmas of the counted noun and its modifiers ("new school" for "12 new schools")."""
    if noun is None:
        return ()
    mods = [c for c in noun.children if c.dep_ in ("amod", "compound") and c.is_alpha and not c.is_stop]
    if noun.lower_ in MEASURE_WORDS:  # "11 percent of voters": what is counted is the voters
        mods += [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                 for g in c.children if g.dep_ == "pobj" and g.is_alpha]
    return tuple(sorted({noun.lemma_.lower(), *(c.lemma_.lower() for c in mods)}))


def _preceding_word(doc: Doc, first: int, floor: int) -> str:
    """The content word right before a figure, past a comma ("aged" in "aged 16", "early" in "his early
    20s", "McCarthy" in "McCarthy, 49,"); "" after a function word. It stands for the slot of a figure
    that counts nothing named."""
    i = first - 1
    while i > floor and doc[i].is_punct and first - i <= 2:
        i -= 1
    token = doc[i]
    return token.text if i >= floor and token.is_alpha and not token.is_stop else ""


def _runs(ids: list[int], doc: Doc) -> list[list[int]]:
    """Adjacent number tokens form one number ("15 000", "1.5 million")."""
    out: list[list[int]] = []
    for i in ids:
        if out and i == out[-1][-1] + 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _qualifier(doc: Doc, first: int, floor: int) -> list[int]:
    ids, i = [], first - 1
    while i >= floor and doc[i].lower_ in APPROX_WORDS and len(ids) < 3:
        ids.insert(0, i)
        i -= 1
    return ids


def _counted_noun(token: Token) -> Token | None:
    """The noun a number counts: its head for "15,000 people" (nummod), or a
    noun right after it; None for a bare number ("one abstained"). A head that
    only modifies a later noun ("two breakaway Donbass republics") gives way to it."""
    if token.dep_ in ("nummod", "quantmod", "compound") and token.head.pos_ in ("NOUN", "PROPN"):
        noun = token.head
        while noun.dep_ in ("compound", "amod", "nmod") and noun.head.pos_ == "NOUN" and noun.head.i > noun.i:
            noun = noun.head
        return noun
    for nxt in token.doc[token.i + 1: token.i + 3]:
        if nxt.pos_ in ("NOUN", "PROPN"):
            return nxt
        if not nxt.like_num:
            break
    return None


def _governing_verb(token: Token) -> str:
    for node in [token, *token.ancestors]:
        if node.pos_ == "VERB":
            return node.lemma_.lower()
    return ""


# ---------------------------------------------------------------- quotes

def quote_units(doc: Doc, sentence_of: dict[int, int], ents: tuple[SpacySpan, ...] | None = None) -> tuple[Unit, ...]:
    """Quoted passages of at least ``MIN_QUOTE_WORDS`` words with their speaker
    (subject of a reporting verb near the quote, pronouns resolved to the
    last person named before it). ``sentence_of`` maps a char offset to its sentence."""
    out, ents, text = [], tuple(doc.ents) if ents is None else ents, doc.text
    for start, end in quote_spans(text):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or sum(t.is_alpha for t in span) < MIN_QUOTE_WORDS:
            continue
        verb = _report_verb(doc, span)
        speaker, how = _speaker(verb, doc, ents) if verb is not None else ("", "")
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None) if verb is not None else None
        out.append(Unit("quote", start, end, sentence_of.get(start, -1), text[start:end],
                        tuple(range(span.start, span.end)), speaker=speaker, label=how,
                        verb=verb.lemma_.lower() if verb is not None else "",
                        speaker_at=subject.idx if subject is not None and subject.pos_ == "PRON" else -1))
    return tuple(out)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of the text inside each pair of quote marks."""
    out = []
    for opening, closing in QUOTE_PAIRS:
        pattern = re.compile(re.escape(opening) + r"([^" + re.escape(closing) + r"\n]{3,}?)" + re.escape(closing))
        for m in pattern.finditer(text):
            if opening == "\u2018" and _is_apostrophe(text, m.start(1) - 1):
                continue
            out.append((m.start(1), m.end(1)))
    return sorted(set(out))


def _is_apostrophe(text: str, at: int) -> bool:
    return at > 0 and text[at - 1].isalnum()


def _report_verb(doc: Doc, quote: SpacySpan) -> Token | None:
    """A reporting verb outside the quote: in the sentences it spans, or in
    the next one when the quote ends on a comma ('"...," Volodin wrote')."""
    sents = list(dict.fromkeys(doc[i].sent for i in (quote.start, quote.end - 1)))
    if quote.text.rstrip().endswith(",") and sents[-1].end < len(doc):
        sents.append(doc[sents[-1].end].sent)
    verbs = [t for sent in sents for t in sent if t.pos_ == "VERB" and t.lemma_.lower() in REPORT_VERBS
             and not quote.start <= t.i < quote.end]
    # the nearest one: "Ukraine rejects claims ..., with X claiming that '...'" is X's quote
    return min(verbs, key=lambda t: min(abs(t.i - quote.start), abs(t.i - quote.end + 1)), default=None)


def _speaker(verb: Token, doc: Doc, ents: tuple[SpacySpan, ...]) -> tuple[str, str]:
    """The subject of ``verb`` (a named person in its subtree if there is one)
    and how it was found: "subject" (a person named as the subject), "named"
    (an organisation or place), "described" ("the president") or "inferred"
    (a pronoun, or no subject: the last person named before). A platform ("posted to Twitter") is never a speaker."""
    ents = tuple(e for e in ents if e.text.lower() not in PLATFORMS)
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:  # "..., with X, ..., claiming that": the last person named before the verb
        sent = verb.sent
        before = [e for e in ents if e.label_ == "PERSON" and sent.start <= e.start and e.end <= verb.i]
        return (before[-1].text, "inferred") if before else ("", "")
    people = [e for e in ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP")
              and subject.left_edge.i <= e.start and e.end <= subject.right_edge.i + 1]
    if people:  # the name at the subject's head, else its first person, else its first name:
        # "Aleksey Danilov, the secretary of Ukraine's Security Council" is Danilov, not Ukraine
        head = next((e for e in people if e.start <= subject.i < e.end), None)
        person = next((e for e in people if e.label_ == "PERSON"), None)
        chosen = head or person or people[0]
        return chosen.text, "subject" if chosen.label_ == "PERSON" else "named"
    if subject.pos_ == "PRON":
        before = [e for e in ents if e.label_ == "PERSON" and e.end <= subject.i]
        return (before[-1].text, "inferred") if before else ("", "")
    words = doc[subject.left_edge.i: subject.right_edge.i + 1].text
    return ("", "") if words.lower() in PLATFORMS else (words, "described")  # "the president"
