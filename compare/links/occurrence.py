"""Linking stage, occurrences: what tells two events of one kind apart (places, participants, numbers, days).

Reports of one story often tell of several events of one kind: three
check-ins of one actress into three clinics, two earthquakes, a vote and a
second vote a week later. Same head and close context do not tell them
apart; what they happen to (names among their arguments), how big they are
(numbers) and when (days) do. ``occurrence_of`` reads these off the mentions
of a story (no parse needed: an event's arguments are lemmas, and the names
and dates of its sentence are mentions already); ``occurrences_differ`` says
why two events are different occurrences, "" when nothing says so. Unknown
never vetoes: a veto needs both events to carry the same kind of detail.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from spacy.tokens import Doc, Token

from ..lexicon import NUMBER_WORDS
from .mentions import Mention, bare_name
from .signals import name_match

# Kinds of detail that may veto (``LinksConfig.occurrence_vetoes``).
NAMED = ("person", "organisation", "place")
VETOES = frozenset({*NAMED, "number"})


@dataclass(frozen=True)
class Occurrence:
    """What identifies one event: the names of its direct participants by
    type (``names``: (subtype, name) pairs: subject, object, the object of a
    preposition, a possessor or modifier noun) and the numbers they carry
    (as written: "6.1" in "a 6.1 magnitude quake", "5" in "killed 5 people")."""

    names: tuple[tuple[str, str], ...] = ()
    numbers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EventMention(Mention):
    """An event ``Mention`` with the details that tell it from another
    occurrence of its kind (``with_occurrences``)."""

    occurrence: Occurrence | None = None


# Dependents of an event's head word that name its participants; the object of
# a preposition ("quake in Indonesia", "checked into Betty Ford") counts too.
PARTICIPANT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "compound", "nmod", "poss", "npadvmod"})


def participants(trigger: Token) -> list[Token]:
    """The direct participants of an event's head word (``PARTICIPANT_DEPS``,
    and the objects of its prepositions)."""
    out = []
    for child in trigger.children:
        if child.dep_ in ("prep", "agent"):
            out.extend(g for g in child.children if g.dep_ == "pobj")
        elif child.dep_ in PARTICIPANT_DEPS:
            out.append(child)
    return out


def numbers_of(tokens: Sequence[Token]) -> frozenset[str]:
    """Numbers that count or measure the given words (their ``nummod``, one
    compound below too: "6.1 magnitude quake"), not dates or times."""
    heads = list(tokens) + [c for t in tokens for c in t.children if c.dep_ == "compound"]
    return frozenset(str(NUMBER_WORDS.get(c.lower_, c.text.replace(",", ""))) for t in heads for c in t.children
                     if c.dep_ == "nummod" and c.like_num and c.ent_type_ not in ("DATE", "TIME"))


def occurrence_at(trigger: Token, names: Sequence[Mention]) -> Occurrence:
    """The details of the event headed by ``trigger``: the named mentions of
    its article (``names``) that cover one of its participants, their numbers."""
    found = participants(trigger)
    spans = [t.idx for t in found]
    typed = tuple(dict.fromkeys((n.subtype, n.name) for n in names if any(n.start <= i < n.end for i in spans)))
    return Occurrence(typed, numbers_of([trigger] + found))


def with_occurrences(docs: Sequence[Doc | None], mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with each event (of an article with a parse, ``docs``)
    as an ``EventMention`` carrying its ``Occurrence``."""
    names: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.name and m.subtype in NAMED and not m.pronoun:
            names[m.article].append(m)
    out = []
    for m in mentions:
        doc = docs[m.article] if m.kind == "event" and not m.pronoun else None
        span = doc.char_span(m.head_start, m.head_end, alignment_mode="expand") if doc is not None else None
        if not span:
            out.append(m)
            continue
        event = object.__new__(EventMention)  # a copy of the fields, as ``cluster.in_article`` makes
        event.__dict__.update(m.__dict__, occurrence=occurrence_at(span[0], names[m.article]))
        out.append(event)
    return out


def story_occurrences(mentions: Sequence[Mention]) -> list[Occurrence | None]:
    """Per mention: its ``Occurrence`` (events of ``with_occurrences``), else None."""
    return [getattr(m, "occurrence", None) for m in mentions]


def combined(x: Occurrence | None, y: Occurrence | None) -> Occurrence | None:
    """The details of a group of events: the names and numbers of both."""
    if x is None or y is None:
        return x if y is None else y
    return Occurrence(tuple(dict.fromkeys(x.names + y.names)), x.numbers | y.numbers)


def _names_differ(x: Occurrence, y: Occurrence, subtype: str) -> str:
    """Both events name a participant of ``subtype`` and no name of one is a
    name of the other ("Betty Ford" / "Morningside", "Indonesia" / "California")."""
    a = [n for t, n in x.names if t == subtype]
    b = [n for t, n in y.names if t == subtype]
    if not a or not b:
        return ""
    people = subtype == "person"
    if any(name_match(s, t, people=people) or bare_name(s).lower() == bare_name(t).lower() for s in a for t in b):
        return ""
    return f"different {subtype} '{a[0]}' / '{b[0]}'"


def occurrences_differ(x: Occurrence | None, y: Occurrence | None, vetoes: frozenset[str]) -> str:
    """Why events ``x`` and ``y`` are different occurrences (the first of
    ``vetoes`` that applies), or "" when nothing in them says so."""
    if x is None or y is None:
        return ""
    if "number" in vetoes and x.numbers and y.numbers and not x.numbers & y.numbers:
        return f"different numbers {min(x.numbers)} / {min(y.numbers)}"
    for subtype in NAMED:
        why = _names_differ(x, y, subtype) if subtype in vetoes else ""
        if why:
            return why
    return ""
