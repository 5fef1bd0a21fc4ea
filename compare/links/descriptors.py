"""Linking stage, story-wide descriptions: "the actress" is Tara Reid when the story calls one named referent so.

A name carries the common nouns its article uses as its title or
description (``Mention.descriptors``: "actress Tara Reid", "Reid, an
actress", "Microsoft Corp., the software maker"). A definite description
elsewhere in the story ("the actress", in any article) joins that referent
when exactly one named referent of the story carries its head noun; two
("the company" when two companies are so called) and it joins none.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Sequence

from ..unionfind import UnionFind
from .mentions import Mention
from .signals import name_match

# Named referents a description may stand for.
DESCRIBED = frozenset({"person", "organisation", "place"})


def referents(mentions: Sequence[Mention]) -> dict[int, int]:
    """Mention index -> referent id for the named mentions of ``DESCRIBED``
    types; names that ``name_match`` says are one name (same type) share an id."""
    named = [i for i, m in enumerate(mentions) if m.name and not m.pronoun and m.subtype in DESCRIBED]
    keys = sorted({(mentions[i].subtype, mentions[i].name) for i in named})
    sets = UnionFind()
    for key in keys:
        sets.add(key)
    for (tx, nx), (ty, ny) in itertools.combinations(keys, 2):
        if tx == ty and name_match(nx, ny, people=tx == "person"):
            sets.union((tx, nx), (ty, ny))
    position = {key: k for k, key in enumerate(keys)}
    return {i: position[sets.find((mentions[i].subtype, mentions[i].name))] for i in named}


def own_head(m: Mention) -> str:
    """The common noun that ends an organisation's or place's name of two or
    more words ("Betty Ford Center" -> "center"), or ""."""
    words = m.name.split()
    return words[-1].lower() if m.subtype in ("organisation", "place") and len(words) > 1 else ""


def descriptor_links(mentions: Sequence[Mention], own_heads: bool = False, min_articles: int = 1,
                     described: frozenset[str] = DESCRIBED) -> list[tuple[int, int, str]]:
    """(name mention, description mention, evidence): each singular common
    noun ("actress", not "actresses") whose head noun describes exactly one
    named referent of the story joins it, through the referent's last
    mention before it in its article, else the mention that carried the
    description. ``own_heads``: a name's own last word describes it too
    ("the center" / "Betty Ford Center") when a common noun of the story
    has that lemma; ``min_articles``: the description must be given to the
    referent in that many articles; ``described``: the referents' types."""
    ref = {i: r for i, r in referents(mentions).items() if mentions[i].subtype in described}
    nouns = {m.head for m in mentions if is_description(m)}
    carriers: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))  # lemma -> referent -> carriers
    for i, r in ref.items():
        words = list(mentions[i].descriptors)
        if own_heads and own_head(mentions[i]) in nouns:
            words.append(own_head(mentions[i]))
        for word in words:
            carriers[word][r].append(i)
    out = []
    for j, m in enumerate(mentions):
        found = carriers.get(m.head, {}) if is_description(m) else {}
        if len(found) != 1:
            continue
        (r, given), = found.items()
        if len({mentions[i].article for i in given}) < min_articles:
            continue
        carrier = given[0]
        before = [i for i, x in ref.items() if x == r and mentions[i].article == m.article and mentions[i].start < m.start]
        i = max(before, key=lambda k: mentions[k].start) if before else carrier
        out.append((i, j, f"the story calls '{mentions[carrier].name}' the '{m.head}'"))
    return out


def is_description(m: Mention) -> bool:
    """A common noun entity in the singular (its text is its lemma)."""
    return m.kind == "entity" and not m.name and not m.pronoun and m.subtype == "thing" and m.text.lower() == m.head
