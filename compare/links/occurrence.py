"""Linking stage, occurrences: what tells two events of one kind apart (participants by name, numbers).

Reports of one story often tell of several events of one kind: three
check-ins of one actress into three clinics, two earthquakes, two Oscar
hostings. Same head and close context do not tell them apart; whom and
where they happen to (the names of their direct participants, by role) and
how big they are (the numbers that count them) do. ``with_occurrences``
reads these off the parse the mentions came from (``EventMention``);
``occurrences_differ`` says why two events (or two groups of events,
``combined``) are different occurrences, "" when nothing says so. Unknown
never vetoes: a veto needs both to name a participant of one type in one
role. Days are ``time.py``'s (``cluster._Groups``).
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
    """What identifies one event: the names of its direct participants
    (``names``: (role, subtype, name); roles: subject, object, dative, the
    preposition of a prepositional object, modifier) and the numbers that
    count or measure them (``numbers``: (counted word, value): ("magnitude",
    "6.1") in "a 6.1 magnitude quake", ("people", "5") in "killed five people")."""

    names: tuple[tuple[str, str, str], ...] = ()
    numbers: frozenset[tuple[str, str]] = frozenset()
    # per name: its words that the story never uses as a common noun ("Saints"
    # in "New Orleans Saints"; not "Center" when "the rehab center" is written)
    marks: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True)
class EventMention(Mention):
    """An event ``Mention`` with the details that tell it from another
    occurrence of its kind (``with_occurrences``)."""

    occurrence: Occurrence | None = None


# Dependents of an event's head word that name its participants, by role; the
# object of a preposition ("quake in Indonesia", "checked into Betty Ford")
# takes the preposition as its role, the agent of a passive is its subject.
ROLES = {"nsubj": "subject", "nsubjpass": "object", "dobj": "object", "dative": "dative",
         "compound": "modifier", "nmod": "modifier", "poss": "modifier", "npadvmod": "modifier"}


def participants(trigger: Token) -> list[tuple[str, Token]]:
    """(role, word) of the direct participants of an event's head word."""
    out = []
    for child in trigger.children:
        if child.dep_ in ("prep", "agent"):
            role = "subject" if child.dep_ == "agent" else child.lower_
            out.extend((role, g) for g in child.children if g.dep_ == "pobj")
        elif child.dep_ in ROLES:
            out.append((ROLES[child.dep_], child))
    return out


def numbers_of(tokens: Sequence[Token]) -> frozenset[tuple[str, str]]:
    """(counted word, value) of the numbers that count or measure the given
    words (their ``nummod``, one compound below too: "6.1 magnitude quake"),
    not dates or times; "five" and "5" are one value."""
    heads = list(tokens) + [c for t in tokens for c in t.children if c.dep_ == "compound"]
    return frozenset((t.lemma_.lower(), str(NUMBER_WORDS.get(c.lower_, c.text.replace(",", ""))))
                     for t in heads for c in t.children
                     if c.dep_ == "nummod" and c.like_num and c.ent_type_ not in ("DATE", "TIME"))


def occurrence_at(trigger: Token, names: Sequence[Mention], common: frozenset[str] = frozenset()) -> Occurrence:
    """The details of the event headed by ``trigger``: the named mentions of
    its article (``names``) that cover one of its participants, by role, and
    the numbers of the trigger and its participants; ``common``: the head
    lemmas of the story's common nouns (not distinctive in a name)."""
    found = participants(trigger)
    typed = tuple(dict.fromkeys((role, n.subtype, n.name) for role, t in found for n in names
                                if n.start <= t.idx < n.end))
    marks = tuple(frozenset(w for w in bare_name(name).lower().split() if w not in common) for _, _, name in typed)
    return Occurrence(typed, numbers_of([trigger] + [t for _, t in found]), marks)


def with_occurrences(docs: Sequence[Doc | None], mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with each event (of an article with a parse, ``docs``)
    as an ``EventMention`` carrying its ``Occurrence``."""
    names: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.name and m.subtype in NAMED and not m.pronoun:
            names[m.article].append(m)
    common = frozenset(m.head for m in mentions if m.kind == "entity" and not (m.name or m.pronoun or m.label))
    out = []
    for m in mentions:
        doc = docs[m.article] if m.kind == "event" and not m.pronoun else None
        span = doc.char_span(m.head_start, m.head_end, alignment_mode="expand") if doc is not None else None
        if not span:
            out.append(m)
            continue
        event = object.__new__(EventMention)  # a copy of the fields, as ``cluster.in_article`` makes
        event.__dict__.update(m.__dict__, occurrence=occurrence_at(span[0], names[m.article], common))
        out.append(event)
    return out


def story_occurrences(mentions: Sequence[Mention]) -> list[Occurrence | None]:
    """Per mention: its ``Occurrence`` (events of ``with_occurrences``), else None."""
    return [getattr(m, "occurrence", None) for m in mentions]


def combined(x: Occurrence | None, y: Occurrence | None) -> Occurrence | None:
    """The details of a group of events: the names and numbers of both."""
    if x is None or y is None:
        return x if y is None else y
    pairs = dict(zip(x.names + y.names, x.marks + y.marks))
    return Occurrence(tuple(pairs), x.numbers | y.numbers, tuple(pairs.values()))


def _names_differ(x: Occurrence, y: Occurrence, subtype: str) -> str:
    """Both events name a participant of ``subtype`` in one role, and no name
    of one is a name of the other there (into "Betty Ford" / into
    "Morningside", in "Indonesia" / in "California")."""
    for role in {r for r, t, _ in x.names if t == subtype}:
        a = [(n, k) for (r, t, n), k in zip(x.names, x.marks) if (r, t) == (role, subtype)]
        b = [(n, k) for (r, t, n), k in zip(y.names, y.marks) if (r, t) == (role, subtype)]
        if b and not any(_may_be_one(s, t, subtype) for s in a for t in b):
            return f"different {subtype} ({role}) '{a[0][0]}' / '{b[0][0]}'"
    return ""


def _may_be_one(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]], subtype: str) -> bool:
    """Two (name, distinctive words) that may name one referent: ``name_match``
    says so, they share a distinctive word ("Saints" / "New Orleans Saints",
    "Betty Ford Clinic" / "Betty Ford Center"), one has none, or one is the
    other's initials ("NYT" / "New York Times")."""
    return bool(name_match(a[0], b[0], people=subtype == "person") or a[1] & b[1] or not (a[1] and b[1])
                or _initials(a[0]) == b[0] or _initials(b[0]) == a[0])


def _initials(name: str) -> str:
    """Capital initials of a name of two or more words ("New York Times" -> "NYT")."""
    words = [w for w in name.split() if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _numbers_differ(x: Occurrence, y: Occurrence) -> str:
    """A word both events count or measure, with no value in common
    ("6.1" / "5.4" magnitude, "5" / "3" people)."""
    for word in sorted({w for w, _ in x.numbers} & {w for w, _ in y.numbers}):
        a, b = ({v for w, v in o.numbers if w == word} for o in (x, y))
        if not a & b:
            return f"different numbers of '{word}' {min(a)} / {min(b)}"
    return ""


def occurrences_differ(x: Occurrence | None, y: Occurrence | None, vetoes: frozenset[str]) -> str:
    """Why events ``x`` and ``y`` are different occurrences (the first of
    ``vetoes`` that applies), or "" when nothing in them says so."""
    if x is None or y is None:
        return ""
    why = _numbers_differ(x, y) if "number" in vetoes else ""
    for subtype in NAMED:
        why = why or (_names_differ(x, y, subtype) if subtype in vetoes else "")
    return why
