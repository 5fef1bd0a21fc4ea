"""Linking stage, clustering: scored mention pairs -> clusters across the articles of a story.

Pairs are proposed cheaply (same head lemma, names of one type, contextual
cosine above the lowest threshold), judged by ``signals.pair_evidence``,
and merged strongest first (names, relative pronouns, same heads, then
paraphrases by cosine) into clusters, within and across articles at once:
a within-article chain ("Tara Reid" ... "Reid" ... "who") lets one
cross-article link serve every mention. A merge is refused when the two
clusters would hold two different full names of people, two different
days, or events whose details say they are two occurrences (other clinics
checked into: ``occurrence.py``, ``LinksConfig.occurrence_vetoes``);
entity types are checked pair by pair (``signals.types_compatible``),
since the parser's labels of one name vary across articles.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from .descriptors import descriptor_links
from .mentions import Mention
from .occurrence import combined, occurrences_differ, story_occurrences
from .signals import TYPED, bare_name, context_evidence, name_match, pair_cosines, pair_evidence, time_conflict
from .time import anchors_conflict

# Merge order: stronger kinds of evidence first.
PRIORITY = {"name": 3.0, "pronoun": 2.5, "head": 2.0, "descriptor": 1.5, "chain": 1.0, "similar": 1.0}


@dataclass(frozen=True)
class Link:
    """Mentions ``a`` and ``b`` (indices into ``Links.mentions``) were merged
    directly, for ``evidence``."""

    a: int
    b: int
    evidence: str


@dataclass(frozen=True)
class Cluster:
    """One referent: mentions (indices into ``Links.mentions``) in text order per article."""

    id: int
    kind: str  # "entity" | "event"
    subtype: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class Links:
    """Mentions of every article of a story, their clusters and the direct
    links that built them. Only clusters with members in two or more articles
    are kept (``clusters``); ``links`` holds the cross-article ones."""

    mentions: tuple[Mention, ...]
    clusters: tuple[Cluster, ...]
    links: tuple[Link, ...]

    def cluster_of(self) -> dict[int, int]:
        """Mention index -> cluster id, for mentions in a kept cluster."""
        return {m: c.id for c in self.clusters for m in c.members}

    def pair_view(self, i: int, j: int) -> "Links":
        """Articles ``i`` and ``j`` of a story as a pairwise comparison sees
        them (renumbered 0 and 1): their mentions, the clusters with members
        in both, and the direct links between them (a cluster may join the
        two only through a third article, and then has no link of its own)."""
        keep = [k for k, m in enumerate(self.mentions) if m.article in (i, j)]
        index = {k: n for n, k in enumerate(keep)}
        mentions = tuple(in_article(self.mentions[k], int(self.mentions[k].article == j)) for k in keep)
        clusters: list[Cluster] = []
        for c in self.clusters:
            members = tuple(index[k] for k in c.members if k in index)
            if len({mentions[k].article for k in members}) == 2:
                clusters.append(Cluster(len(clusters), c.kind, c.subtype, members))
        links = tuple(Link(index[x.a], index[x.b], x.evidence) for x in self.links if x.a in index and x.b in index)
        return Links(mentions, tuple(clusters), links)

    def counterparts(self, index: int) -> tuple[int, ...]:
        """Mentions of other articles in the same cluster as mention ``index``."""
        article = self.mentions[index].article
        for c in self.clusters:
            if index in c.members:
                return tuple(m for m in c.members if self.mentions[m].article != article)
        return ()


def in_article(mention: Mention, article: int) -> Mention:
    """``mention`` numbered as article ``article`` (itself when it is already
    so). A copy of its fields: ``dataclasses.replace`` runs ``__init__``
    field by field, 10x slower, and a story's pair views copy thousands."""
    if mention.article == article:
        return mention
    moved = object.__new__(Mention)
    moved.__dict__.update(mention.__dict__, article=article)
    return moved


def candidate_pairs(mentions: Sequence[Mention], vectors: np.ndarray | None,
                    floors: dict[str, float]) -> set[tuple[int, int]]:
    """Pairs worth judging: same head stem, named mentions of one type,
    events with the same complement verb, or mentions of one kind whose
    contextual cosine reaches ``floors[kind]``."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        if m.pronoun:
            continue
        groups[("head", m.kind, m.stem or m.head)].append(i)
        if m.name:
            groups[("name", m.subtype, bare_name(m.name).split()[-1][:1].lower())].append(i)
        if m.complement:
            groups[("complement", m.complement)].append(i)
    pairs = {(i, j) for members in groups.values() for i, j in itertools.combinations(members, 2)}
    if vectors is not None and len(mentions):
        usable = np.array([not m.pronoun for m in mentions])
        sims = vectors @ vectors.T
        for kind, floor in floors.items():  # the kind's rows of ``sims`` (not a mask of all of them)
            rows = np.flatnonzero(usable & np.array([m.kind == kind for m in mentions]))
            close = np.argwhere(np.triu(sims[np.ix_(rows, rows)] >= floor, 1))
            pairs.update(zip(rows[close[:, 0]].tolist(), rows[close[:, 1]].tolist()))
    return pairs


def compound_pairs(mentions: Sequence[Mention], shortest: int = 4) -> set[tuple[int, int]]:
    """Pairs of one kind whose head words end alike (``signals.compound_head``:
    "quake" / "earthquake"), found through the heads' suffixes."""
    by_head: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        if not (m.pronoun or m.name):
            by_head[(m.kind, m.head)].append(i)
    pairs = set()
    for (kind, head), members in by_head.items():
        for k in range(shortest, len(head)):
            for j in by_head.get((kind, head[-k:]), ()):
                pairs.update((min(i, j), max(i, j)) for i in members)
    return pairs


def syntactic_antecedent(mentions: Sequence[Mention], i: int, heads: dict, names: dict) -> int | None:
    """The mention of the same article headed where mention ``i``'s
    ``refers_to`` points (or the name covering that word: "W. Mark Felt
    Sr." whose last word the parser made the head), when the pair may be one referent: a relative or
    reflexive pronoun and any mention; an apposition only between
    a name or pronoun and a common noun ("Felt, the FBI director"; not
    "Reid, 33", "Santa Rosa, Calif." nor a list of names)."""
    m = mentions[i]
    j = heads.get((m.article, m.refers_to))
    if j is None:
        j = next((k for k in names.get(m.article, ()) if mentions[k].start <= m.refers_to < mentions[k].end), None)
    if j is None or j == i or mentions[j].kind != m.kind:
        return None
    if m.relation in ("relative pronoun", "reflexive", "known as"):
        return j
    common = [x for x in (m, mentions[j]) if not x.name and not x.pronoun and x.subtype == "thing"]
    named = [x for x in (m, mentions[j]) if x.name or x.pronoun]
    return j if len(common) == 1 and len(named) == 1 else None


def pronoun_links(mentions: Sequence[Mention], window: int, syntax: bool = True,
                  sole_person: bool = False) -> list[tuple[int, int, str]]:
    """Links the syntax of one article gives (``Mention.refers_to``: relative
    pronouns, reflexives, appositions, "known as"), he/she/his/her -> the
    last named person at most ``window`` sentences before it (0 = off), and
    it/its/they/their -> an organisation named before it in the same sentence
    ("Microsoft said its patch": ECB+ own mentions entity F1 +0.004; with a
    one-sentence window no better, nor with groups such as "Russian").
    ``syntax`` False keeps only the relative pronouns of the syntactic links;
    ``sole_person``: he/she/his/her also join, at any distance, the last
    named person of an article that names only one person."""
    heads: dict = {}
    names: dict = defaultdict(list)
    for k, m in enumerate(mentions):
        heads.setdefault((m.article, m.head_start), k)
        if m.name:
            names[m.article].append(k)
    out, last_person, last_group = [], {}, {}
    people: dict[int, set[str]] = defaultdict(set)  # article -> surnames of the people it names
    for m in mentions:
        if sole_person and m.name and not m.pronoun and m.subtype == "person":
            people[m.article].add(bare_name(m.name).split()[-1].lower())
    for i, m in sorted(enumerate(mentions), key=lambda x: (x[1].article, x[1].start)):
        if not m.pronoun and m.subtype == "person" and m.name:
            last_person[m.article] = i
        if not m.pronoun and m.subtype == "organisation" and m.name:
            last_group[m.article] = i
        usable = m.refers_to >= 0 and (syntax or m.relation == "relative pronoun")
        j = syntactic_antecedent(mentions, i, heads, names) if usable else None
        if j is not None:
            out.append((j, i, f"{m.relation}: '{m.text}' is '{mentions[j].text}'"))
        elif m.pronoun and window and m.article in last_person and m.subtype == "person":
            j = last_person[m.article]
            if m.sentence - mentions[j].sentence <= window:
                out.append((j, i, f"pronoun '{m.text}' after '{mentions[j].text}'"))
            elif len(people[m.article]) == 1:
                out.append((j, i, f"only person named: '{m.text}' is '{mentions[j].text}'"))
        elif m.pronoun and window and m.article in last_group and m.subtype == "group":
            j = last_group[m.article]  # it/its/they/their: an organisation named in the same sentence
            if m.sentence == mentions[j].sentence:
                out.append((j, i, f"pronoun '{m.text}' after '{mentions[j].text}'"))
    return out


def event_chain_links(mentions: Sequence[Mention], vectors: np.ndarray | None, config) -> list[tuple[int, int, str]]:
    """Within-article event coreference: each event joins the most similar
    earlier event of its article (contextual cosine of the head words at
    least ``within_event_min_cosine``) in another sentence at most
    ``within_event_max_sentences`` before it ("killed" ... "the murder",
    "struck" ... "hit"), unless the two are anchored to different days.
    Events of one sentence are mostly different steps of a story ("shot and
    killed"), so they never join here."""
    if vectors is None or config.within_event_min_cosine > 1:
        return []
    by_article: dict[int, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        if m.kind == "event" and not m.pronoun:
            by_article[m.article].append(i)
    out = []
    for events in by_article.values():
        sentence = np.array([mentions[i].sentence for i in events])
        gap = sentence[:, None] - sentence[None, :]  # [n, k]: sentences from earlier event k to event n
        sims = np.where((gap > 0) & (gap <= config.within_event_max_sentences),
                        vectors[events] @ vectors[events].T, -np.inf)
        for n in np.flatnonzero(sims.max(axis=1, initial=-np.inf) >= config.within_event_min_cosine):
            i, j = events[int(np.argmax(sims[n]))], events[n]
            if not time_conflict(mentions[i], mentions[j]):
                out.append((i, j, f"same event in one report '{mentions[i].head}' / '{mentions[j].head}' "
                                  f"(cosine {sims[n].max():.2f})"))
    return out


def context_links(mentions: Sequence[Mention], vectors: np.ndarray | None, windows: np.ndarray | None,
                  config) -> list[tuple[float, int, int, str]]:
    """(window cosine, i, j, evidence) for entities of different articles
    with different heads whose head words and context windows are both
    close (``signals.context_evidence``)."""
    if vectors is None or windows is None or config.entity_window_min_cosine > 1:
        return []
    entity = np.array([i for i, m in enumerate(mentions) if m.kind == "entity" and not m.pronoun], dtype=int)
    heads, contexts = vectors[entity], windows[entity]
    close = (heads @ heads.T >= config.entity_window_head_min_cosine) & (contexts @ contexts.T >= config.entity_window_min_cosine)
    out = []
    for i, j in entity[np.argwhere(np.triu(close, 1))].tolist():
        window = float(windows[i] @ windows[j])
        evidence = context_evidence(mentions[i], mentions[j], float(vectors[i] @ vectors[j]), window, config)
        if evidence:
            out.append((window, i, j, evidence))
    return out


def ambiguous_surnames(mentions: Sequence[Mention]) -> frozenset[str]:
    """Lower-cased surnames that the full names of two different people in
    the story share ("Clinton" when both Hillary and Bill Clinton are named;
    not "Felt" for "Mark Felt" and "W. Mark Felt": ``name_match`` says which
    full names are one person)."""
    full: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        words = bare_name(m.name).split()
        if m.subtype == "person" and len(words) > 1:
            full[words[-1].lower()].add(m.name)
    return frozenset(s for s, names in full.items()
                     if any(not name_match(x, y, people=True) for x, y in itertools.combinations(sorted(names), 2)))


def lone_ambiguous_surname(a: Mention, b: Mention, ambiguous: frozenset[str]) -> bool:
    """One of the two is a surname alone (its article never gave the full
    name) that more than one person of the story bears: it links to none."""
    return any(len(m.name.split()) == 1 and m.name.lower() in ambiguous for m in (a, b) if m.name)


def scored_edges(mentions: Sequence[Mention], vectors: np.ndarray | None, config,
                 windows: np.ndarray | None = None) -> list[tuple[float, int, int, str]]:
    """(priority, i, j, evidence) for every pair that may link, strongest
    first; ``windows``: the mentions' context-window vectors, or None."""
    ambiguous = ambiguous_surnames(mentions)
    wordnet = bool(config.wordnet_relations)  # its gates are cosine floors too
    floors = {"event": min(config.event_min_cosine, config.event_args_min_cosine,
                           config.wordnet_event_min_cosine if wordnet else 1.01),
              "entity": min(config.entity_min_cosine, config.wordnet_entity_min_cosine if wordnet else 1.01)}
    edges = [(PRIORITY["pronoun"], i, j, why) for i, j, why in pronoun_links(
        mentions, config.pronoun_window, config.syntactic_links, config.pronoun_sole_person)]
    if config.story_descriptors:
        edges += [(PRIORITY["descriptor"], i, j, why) for i, j, why in descriptor_links(
            mentions, config.descriptor_own_heads, config.descriptor_min_articles, frozenset(config.descriptor_types))]
    edges += [(PRIORITY["chain"] + float(vectors[i] @ vectors[j]), i, j, why)
              for i, j, why in event_chain_links(mentions, vectors, config)]
    pairs = candidate_pairs(mentions, vectors, floors)
    if config.compound_heads:
        pairs |= compound_pairs(mentions)
    pairs = list(pairs)
    for (i, j), cosine in zip(pairs, pair_cosines(vectors, pairs)):  # the order of the edges is sorted below
        a, b = mentions[i], mentions[j]
        if a.article == b.article and a.kind == "event" and not config.event_heads_within_article:
            continue  # "said" ... "said" in one report are mostly different sayings
        evidence = pair_evidence(a, b, cosine, config)
        if not evidence or lone_ambiguous_surname(a, b, ambiguous):
            continue
        kind = evidence.split()[1].strip("'") if evidence.startswith("same") else "similar"
        edges.append((PRIORITY.get(kind, 1.0) + (cosine or 0.0), i, j, evidence))
    edges += [(PRIORITY["similar"] + window, i, j, why) for window, i, j, why in context_links(mentions, vectors, windows, config)
              if not lone_ambiguous_surname(mentions[i], mentions[j], ambiguous)]
    return sorted(edges, key=lambda e: (-e[0], e[1], e[2]))


class _Groups:
    """Union-find whose roots keep what a veto needs: people's full names,
    day anchors and the events' details (``vetoes``: which of them) of their members."""

    def __init__(self, mentions: Sequence[Mention], vetoes: frozenset[str] = frozenset()):
        self.parent = list(range(len(mentions)))
        self.names = [{m.name} if m.subtype == "person" and len(m.name.split()) > 1 else set() for m in mentions]
        self.times = [{m.time} - {""} for m in mentions]
        self.vetoes = vetoes
        self.details = story_occurrences(mentions) if vetoes else None

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def vetoed(self, x: int, y: int) -> bool:
        if any(anchors_conflict(s, t) for s in self.times[x] for t in self.times[y]):
            return True
        if self.details is not None and occurrences_differ(self.details[x], self.details[y], self.vetoes):
            return True
        return any(not name_match(s, t, people=True) for s in self.names[x] for t in self.names[y])

    def union(self, i: int, j: int) -> bool:
        x, y = self.find(i), self.find(j)
        if x == y or self.vetoed(x, y):
            return False
        self.parent[y] = x
        self.names[x] |= self.names[y]
        self.times[x] |= self.times[y]
        if self.details is not None:
            self.details[x] = combined(self.details[x], self.details[y])
        return True


def _majority(values: list[str]) -> str:
    return max(sorted(set(values)), key=values.count)


def partition(mentions: Sequence[Mention], vectors: np.ndarray | None, config,
              windows: np.ndarray | None = None) -> tuple[list[list[int]], list[Link]]:
    """Every mention in exactly one group (singletons included), and the
    links that merged them, strongest first."""
    groups, merged = _Groups(mentions, frozenset(config.occurrence_vetoes)), []
    for _, i, j, evidence in scored_edges(mentions, vectors, config, windows):
        if groups.union(i, j):
            merged.append(Link(i, j, evidence))
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        members[groups.find(i)].append(i)
    return sorted(members.values()), merged


def cluster_mentions(mentions: Sequence[Mention], vectors: np.ndarray | None, config,
                     windows: np.ndarray | None = None) -> Links:
    """Merge mentions into referents; keep clusters that span two or more articles."""
    groups, merged = partition(mentions, vectors, config, windows)
    clusters = []
    for group in groups:
        if len({mentions[i].article for i in group}) < 2:
            continue
        named = [mentions[i] for i in group if not mentions[i].pronoun]
        typed = [m.subtype for m in named if m.subtype in TYPED]
        clusters.append(Cluster(len(clusters), _majority([m.kind for m in named]),
                                _majority(typed or [m.subtype for m in named]), tuple(group)))
    cross = tuple(link for link in merged if mentions[link.a].article != mentions[link.b].article)
    return Links(tuple(mentions), tuple(clusters), cross)
