"""Fact stage, reading the links: sentences of the two reports that tell one happening, and who "he" is.

The sentence aligner pairs sentences that read alike; it is a reading aid.
Whether a fact is shared is judged against the whole other report through
the link clusters (``compare/links/``): two sentences, one per report, tell
one happening when their mentions fall in at least ``link_min_events``
event clusters together (not reporting verbs: "said" links everything) and
at least ``link_min_entities`` entity clusters ("voted to recognize
Ukraine's breakaway regions" ~ "backed a motion calling on Putin to
recognize the Donbass republics": events vote and recognize, entity the
regions). Any sentence may pair with many. Such a pair is a counterpart for
the phrase scores and a shared fact of its own.

A quote's or a claim's speaker given by a pronoun ("he said", "she added")
is the person the links' within-article chain gives it
(``links.cluster.pronoun_links``), not just the last name before it.
Pure functions on ``Links``; no model.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..config import FactsConfig
from ..lexicon import REPORT_VERBS
from ..links import Links
from ..links.cluster import pronoun_links
from ..types import Fact, Span


@dataclass(frozen=True)
class LinkedPair:
    """Sentence ``a`` of A and ``b`` of B share these event and entity clusters (their mentions' spans)."""

    a: int
    b: int
    events: tuple[str, ...]  # head lemmas of the shared event clusters
    entities: tuple[str, ...]  # head lemmas (or names) of the shared entity clusters
    a_spans: tuple[Span, ...]
    b_spans: tuple[Span, ...]


def linked_pairs(links: Links | None, cfg: FactsConfig) -> tuple[LinkedPair, ...]:
    """Sentence pairs (A, B) whose mentions share enough clusters (module docstring)."""
    if links is None or cfg.link_min_events <= 0:
        return ()
    shared: dict[tuple[int, int], dict[str, dict[int, str]]] = defaultdict(lambda: {"event": {}, "entity": {}})
    spans: dict[tuple[int, int], tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for cluster in links.clusters:
        members = [links.mentions[m] for m in cluster.members if not links.mentions[m].pronoun]
        if cluster.kind == "event" and any(m.head in REPORT_VERBS for m in members):
            continue
        for x in (m for m in members if m.article == 0):
            for y in (m for m in members if m.article == 1):
                key = (x.sentence, y.sentence)
                shared[key][cluster.kind][cluster.id] = x.name or x.head
                if cluster.kind == "event":
                    spans[key][0].add((x.start, x.end))
                    spans[key][1].add((y.start, y.end))
    out = []
    for (i, j), kinds in sorted(shared.items()):
        if len(kinds["event"]) >= cfg.link_min_events and len(kinds["entity"]) >= cfg.link_min_entities:
            a_spans, b_spans = (tuple(Span(s, e) for s, e in sorted(side)) for side in spans[(i, j)])
            out.append(LinkedPair(i, j, tuple(sorted(set(kinds["event"].values()))),
                                  tuple(sorted(set(kinds["entity"].values()))), a_spans, b_spans))
    return tuple(out)


def partners_of(pairs: tuple[LinkedPair, ...]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Per side, per sentence: the other report's sentences it is linked with."""
    out: tuple[dict[int, set[int]], dict[int, set[int]]] = (defaultdict(set), defaultdict(set))
    for p in pairs:
        out[0][p.a].add(p.b)
        out[1][p.b].add(p.a)
    return out


def linked_facts(sides, pairs: tuple[LinkedPair, ...]) -> list[Fact]:
    """One shared fact per linked sentence pair, with the linked event mentions' spans."""
    text = sides[0].doc.article.text, sides[1].doc.article.text
    out = []
    for p in pairs:
        words = [" \u2026 ".join(text[n][s.start:s.end] for s in spans) for n, spans in ((0, p.a_spans), (1, p.b_spans))]
        out.append(Fact("event", "shared", words[0], p.a_spans, p.b_spans,
                        f"both report this happening: A \u201c{words[0]}\u201d, B \u201c{words[1]}\u201d "
                        f"(linked events: {', '.join(p.events)}; both about {', '.join(p.entities)})", 0.8))
    return out


def pronoun_referents(links: Links | None, article: int, window: int) -> dict[int, str]:
    """Character offset of each person pronoun of ``article`` -> the name the
    links' within-article chain gives it ("But he added" -> "Dmitry Peskov")."""
    if links is None:
        return {}
    mentions = [m for m in links.mentions if m.article == article]
    out = {}
    for j, i, _ in pronoun_links(mentions, window):
        pronoun, named = mentions[i], mentions[j]
        if pronoun.pronoun and pronoun.subtype == "person" and named.name:
            out[pronoun.start] = named.name
    return out
