"""Issue 12, fifth round: three signals the linking rules lack, measured on ECB+ dev.

1. Mention-in-context embeddings: a short text per mention (an event's
   predicate-argument window in surface order, "Tara Reid entered the
   Promises Treatment Center in Malibu"; an entity's noun phrase with its
   governor, "checked into rehab"), encoded with the sentence encoder in one
   batched call; their cosine beside the contextual head-token cosine. The
   same windows read off the token vectors (the mean over the window's
   words, no encoder call) link entities: kept (``LinksConfig.entity_window_*``).
2. Event-vs-entity typing: which annotated events the tool typed as
   entities, a deverbal-noun rule, and event <-> entity links.
3. Arguments as a gate (same-head events whose named participants conflict
   never link) and as evidence (events with different heads whose
   participants, or whose subject and object clusters, agree).

Each variant edits the rules' scored edges (``compare.links.cluster``) and
is scored with the protocol of ecb_links.py (own mentions, whole subtopic
clustered at once; the gate also with each document pair clustered alone);
the entity-context thresholds also 5-fold over topics. ``--cost`` times the
window encoding on the 10 BASIL stories of batch_throughput.py.

    python benchmarks/links_context.py            # ~5 min with ecb_links' caches (windows cached under /tmp)
    python benchmarks/links_context.py --cost     # + encoder CPU of the windows on BASIL
"""
from __future__ import annotations

import argparse
import itertools
import pickle
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

import ecb_links as E
from _links_eval import prf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare.config import CompareConfig  # noqa: E402
from compare.links import cluster as C  # noqa: E402
from compare.links import mentions as M  # noqa: E402
from compare.links.signals import time_conflict, types_compatible  # noqa: E402

# Dependents of an event that are its arguments (the window keeps them, in
# surface order, each as ``mentions.phrase_part``: no clauses, at most 6 words).
ARG_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "iobj", "dative", "agent", "prep", "npadvmod",
                      "attr", "oprd", "acomp", "prt", "compound", "poss", "nmod", "amod", "nummod", "pobj",
                      "neg", "auxpass"})
ROLES = {"PERSON": "who", "ORG": "who", "NORP": "who", "GPE": "where", "LOC": "where", "FAC": "where",
         "DATE": "when", "TIME": "when", "CARDINAL": "number", "MONEY": "number", "QUANTITY": "number"}
ENTITY_GRID = [(h, w) for h in (0.4, 0.5, 0.6, 0.7) for w in (0.7, 0.75, 0.8, 0.85)]
TOKEN_GRID = [(h, w) for h in (0.4, 0.5, 0.6, 0.7) for w in (0.6, 0.7, 0.8, 0.9)]


def _with_governor(head, tokens: set) -> None:
    gov = head.head
    if head.dep_ == "pobj":
        tokens.add(gov)
        gov = gov.head
    if gov is not head:
        tokens.add(gov)


def window(head, kind: str) -> str:
    """An event's predicate-argument window, or an entity's noun phrase with its governor, in surface order."""
    tokens = {head}
    deps = ARG_DEPS if kind == "event" else M.WINDOW_DEPS
    for child in head.children:
        if child.dep_ in deps:
            tokens.update(M.phrase_part(child))
    if kind != "event" or (head.pos_ != "VERB" and head.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")):
        _with_governor(head, tokens)
    return " ".join(t.text for t in sorted(tokens, key=lambda t: t.i))


def participants(trigger) -> dict[str, set[str]]:
    """Role -> lower-cased words of the named entities within 3 dependency steps below an event."""
    out: dict[str, set[str]] = {}
    for token in _below(trigger):
        if token.ent_type_ in ROLES and token.pos_ in ("PROPN", "NUM", "NOUN"):
            out.setdefault(ROLES[token.ent_type_], set()).add(token.lower_)
    return out


def _below(trigger):
    frontier = list(trigger.children)
    for _ in range(M.ARG_DEPTH):
        yield from frontier
        frontier = [c for t in frontier for c in t.children]


def subject_object(trigger) -> dict[str, list[int]]:
    """Character offsets of an event's subject ("s") and object ("o": direct object or
    the object of into/to/on/of/at/in) words; an open complement borrows its governor's subject."""
    out: dict[str, list[int]] = {}
    for child in trigger.children:
        if child.dep_ in ("nsubj", "nsubjpass", "poss"):
            out.setdefault("s", []).append(child.idx)
        elif child.dep_ == "agent":
            out.setdefault("s", []).extend(g.idx for g in child.children if g.dep_ == "pobj")
        elif child.dep_ in ("dobj", "obj", "attr", "oprd"):
            out.setdefault("o", []).append(child.idx)
        elif child.dep_ == "prep" and child.lower_ in ("into", "to", "on", "of", "at", "in"):
            out.setdefault("o", []).extend(g.idx for g in child.children if g.dep_ == "pobj")
    if trigger.dep_ in ("xcomp", "conj") and "s" not in out:
        out["s"] = [c.idx for c in trigger.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return out


class Subtopic:
    """One subtopic's own mentions with everything the variants read."""

    def __init__(self, row, docs, prepared, encoder):
        self.row, (self.mentions, self.vectors, self.labels, _) = row, prepared
        heads = [{t.idx: t for t in d} for d in docs]
        tokens = [heads[m.article].get(m.head_start) for m in self.mentions]
        self.windows = [window(t, m.kind) if t is not None else m.text for t, m in zip(tokens, self.mentions)]
        self.context = encoder(self.windows, row["subtopic"])
        events = [t is not None and m.kind == "event" for t, m in zip(tokens, self.mentions)]
        self.participants = [participants(t) if e else {} for t, e in zip(tokens, events)]
        self.roles = [subject_object(t) if e else {} for t, e in zip(tokens, events)]


def window_encoder(inner):
    """encode() of the windows through a float16 pickle per subtopic under ecb_links' cache folder."""
    def encode(texts: list[str], subtopic: str) -> np.ndarray:
        path = E.CACHE / f"windows-{subtopic}.pkl"
        store = pickle.loads(path.read_bytes()) if path.exists() else {}
        missing = list(dict.fromkeys(t for t in texts if t not in store))
        if missing:
            store.update(zip(missing, inner.encode(missing).astype(np.float16)))
            path.write_bytes(pickle.dumps(store))
        return np.stack([store[t].astype(np.float32) for t in texts])
    return encode


def partition_with(s: Subtopic, keep: list[int], config, edit) -> list[list[int]]:
    """``cluster.partition`` on the mentions ``keep`` of ``s``, its scored edges passed through ``edit``."""
    mentions = [s.mentions[i] for i in keep]
    vectors, context = s.vectors[keep], s.context[keep]
    edges = C.scored_edges(mentions, vectors, config)
    if edit is not None:
        edges = sorted(edit(s, keep, mentions, vectors, context, edges), key=lambda e: (-e[0], e[1], e[2]))
    groups = C._Groups(mentions)
    for _, i, j, _ in edges:
        groups.union(i, j)
    members: dict[int, list[int]] = {}
    for i in range(len(mentions)):
        members.setdefault(groups.find(i), []).append(i)
    return list(members.values())


def score(subs: list[Subtopic], config, edit=None, alone: bool = False) -> list[Counter]:
    """Per subtopic: link counts, the whole subtopic clustered at once or each scored document pair alone."""
    out = []
    for s in subs:
        if not alone:
            keep = list(range(len(s.mentions)))
            out.append(E.link_counts(s.row, s.mentions, s.labels, partition_with(s, keep, config, edit)))
            continue
        total = Counter()
        for a, b in E.doc_pairs(len(s.row["docs"])):
            keep = [i for i, m in enumerate(s.mentions) if m.article in (a, b)]
            groups = partition_with(s, keep, config, edit)
            total += E.link_counts(s.row, [s.mentions[i] for i in keep], [s.labels[i] for i in keep], groups, [(a, b)])
        out.append(total)
    return out


def cross_pairs(mentions, mask: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) of different articles where ``mask`` holds."""
    article = np.array([m.article for m in mentions])
    return np.argwhere(np.triu(mask, 1) & (article[:, None] != article[None, :]))


def entity_context_edges(head_min: float, window_min: float):
    """Entities of different articles with different heads (not two names, types compatible) at both cosines."""
    def edit(s, keep, mentions, vectors, context, edges):
        ok = np.array([m.kind == "entity" and not m.pronoun for m in mentions])
        close = (vectors @ vectors.T >= head_min) & (context @ context.T >= window_min) & ok[:, None] & ok[None, :]
        for i, j in cross_pairs(mentions, close):
            a, b = mentions[i], mentions[j]
            if (a.stem or a.head) != (b.stem or b.head) and not (a.name and b.name) \
                    and types_compatible(a, b) and not time_conflict(a, b):
                edges.append((1.0 + float(context[i] @ context[j]), int(i), int(j), "context"))
        return edges
    return edit


def event_entity_edges(head_min: float, window_min: float):
    """An event and a common-noun entity of another article at both cosines ("driving" / "DUI")."""
    def edit(s, keep, mentions, vectors, context, edges):
        event = np.array([m.kind == "event" and not m.pronoun for m in mentions])
        thing = np.array([m.kind == "entity" and not m.pronoun and not m.name for m in mentions])
        mixed = (event[:, None] & thing[None, :]) | (thing[:, None] & event[None, :])
        close = (vectors @ vectors.T >= head_min) & (context @ context.T >= window_min) & mixed
        edges += [(1.0 + float(context[i] @ context[j]), int(i), int(j), "typing") for i, j in cross_pairs(mentions, close)]
        return edges
    return edit


def conflict(x: dict, y: dict, roles) -> bool:
    return any(r in x and r in y and not x[r] & y[r] for r in roles)


def argument_gate(roles):
    """Drop the rules' cross-article event links (same head, paraphrase) whose participants conflict."""
    def edit(s, keep, mentions, vectors, context, edges):
        named = [s.participants[i] for i in keep]
        return [e for e in edges if not (mentions[e[1]].kind == "event" and e[3].startswith(("same head", "similar events"))
                                         and conflict(named[e[1]], named[e[2]], roles))]
    return edit


def argument_agreement(window_min: float):
    """Events of different articles that share a named participant (who) and a place or time, at a window cosine."""
    def edit(s, keep, mentions, vectors, context, edges):
        named = [s.participants[i] for i in keep]
        event = np.array([m.kind == "event" and not m.pronoun for m in mentions])
        close = (context @ context.T >= window_min) & event[:, None] & event[None, :]
        for i, j in cross_pairs(mentions, close):
            x, y = named[i], named[j]
            if x.get("who", set()) & y.get("who", set()) and any(x.get(r, set()) & y.get(r, set()) for r in ("where", "when")) \
                    and not conflict(x, y, ROLES.values()):
                edges.append((1.0 + float(context[i] @ context[j]), int(i), int(j), "agreement"))
        return edges
    return edit


def role_agreement(roles: tuple[str, ...], head_min: float):
    """Second pass: events of different articles with different heads whose subjects (and/or
    objects) are in one cluster of the rules' first pass, at a head cosine."""
    def edit(s, keep, mentions, vectors, context, edges):
        groups = partition_with(s, keep, CompareConfig().links, None)
        cluster = {i: g for g, group in enumerate(groups) for i in group}
        at = {(m.article, m.head_start): i for i, m in enumerate(mentions) if not m.pronoun}
        role_of = [s.roles[i] for i in keep]

        def clusters(i: int, role: str) -> set:
            return {cluster[at[(mentions[i].article, x)]] for x in role_of[i].get(role, ()) if (mentions[i].article, x) in at}
        event = np.array([m.kind == "event" and not m.pronoun for m in mentions])
        for i, j in cross_pairs(mentions, (vectors @ vectors.T >= head_min) & event[:, None] & event[None, :]):
            if cluster[i] != cluster[j] and not time_conflict(mentions[i], mentions[j]) \
                    and all(clusters(i, r) & clusters(j, r) for r in roles):
                edges.append((0.5, int(i), int(j), "roles"))
        return edges
    return edit


def kfold(subs, results: dict) -> Counter:
    """Held-out counts: per fold of topics (index mod 5) the setting best on the other four."""
    topics = sorted({s.row["topic"] for s in subs})
    fold_of = {t: k % E.FOLDS for k, t in enumerate(topics)}
    held, picks = Counter(), []
    for fold in range(E.FOLDS):
        train = [k for k, s in enumerate(subs) if fold_of[s.row["topic"]] != fold]
        test = [k for k, s in enumerate(subs) if fold_of[s.row["topic"]] == fold]
        pick = max(results, key=lambda key: prf(E.total([results[key][k] for k in train]), "all")[2])
        picks.append(pick)
        held += E.total([results[pick][k] for k in test])
    print(f"  folds pick {picks}")
    return held


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Probability that a positive outranks a negative (ties ignored)."""
    ranks = np.concatenate([pos, neg]).argsort().argsort() + 1
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def separability(subs, config) -> None:
    """Cross-article pairs of annotated, non-pronoun own mentions by kind: how well each cosine
    separates same-chain pairs, and the precision of the pairs the rules leave apart."""
    rows = []
    for s in subs:
        groups = partition_with(s, list(range(len(s.mentions))), config, None)
        cluster = {i: g for g, group in enumerate(groups) for i in group}
        usable = np.array([lab is not None and not m.pronoun for m, lab in zip(s.mentions, s.labels)])
        heads, windows = s.vectors @ s.vectors.T, s.context @ s.context.T
        for i, j in cross_pairs(s.mentions, usable[:, None] & usable[None, :]):
            a, b = s.mentions[i], s.mentions[j]
            ga = s.row["docs"][a.article]["mentions"][s.labels[i]]
            gb = s.row["docs"][b.article]["mentions"][s.labels[j]]
            kind = a.kind if a.kind == b.kind else "mixed"
            same = "same head" if (a.stem or a.head) == (b.stem or b.head) else "different heads"
            rows.append((f"{kind}, {same}", heads[i, j], windows[i, j], not ga["singleton"] and ga["chain"] == gb["chain"],
                         cluster[i] == cluster[j]))
    print("cross-article pairs of annotated own mentions (positive = same gold chain):")
    for name in sorted({r[0] for r in rows}):
        part = [r for r in rows if r[0] == name]
        h, w, y, linked = (np.array(x) for x in zip(*[r[1:] for r in part]))
        y = y.astype(bool)
        cells = []
        for t in (0.7, 0.8, 0.9):
            apart = (w >= t) & ~linked.astype(bool)
            cells.append(f"window >= {t}: {int(y[apart].sum())}/{int(apart.sum())}")
        print(f"  {name:<26} n {len(part)} positive {int(y.sum())} (rules link {int((y & linked.astype(bool)).sum())}); "
              f"AUC head {auc(h[y], h[~y]):.3f} window {auc(w[y], w[~y]):.3f} sum {auc((h + w)[y], (h + w)[~y]):.3f}; "
              f"unlinked positive/pairs at " + ", ".join(cells))


def typing(subs, parsed) -> None:
    """Annotated events the tool typed as entities, and what a deverbal-noun rule would retype."""
    mistyped, retyped = Counter(), Counter()
    for s, docs in zip(subs, parsed):
        story_verbs = frozenset().union(*(M.verb_lemmas(d) for d in docs))
        verb_roots = {v[:-len(x)] for v in story_verbs for x in ("ate", "e", "y", "ize", "ise", "ify") if v.endswith(x)} | story_verbs
        for m, lab in zip(s.mentions, s.labels):
            gold = "unannotated" if lab is None else s.row["docs"][m.article]["mentions"][lab]["kind"]
            if m.kind == "entity" and not m.pronoun and gold == "event":
                mistyped[m.head] += 1
            if m.kind == "entity" and not m.name and not m.pronoun and any(
                    m.head.endswith(x) and m.head[:-len(x)] in verb_roots
                    for x in ("ation", "ition", "ion", "ment", "ee", "al", "ance", "ence", "ure", "y", "age", "sis", "t")):
                retyped[gold] += 1
    print(f"own entity mentions that stand for annotated events: {sum(mistyped.values())}; "
          f"most frequent heads {mistyped.most_common(12)}")
    print(f"deverbal rule (entity noun = a story verb + suffix) would retype: {dict(retyped)}")


def cost(config, encoder) -> None:
    """Encoder CPU of the windows on the 10 BASIL stories of batch_throughput.py."""
    from batch_throughput import BASIL

    from compare.segment import load_spacy
    nlp = load_spacy(config.spacy_model, config.segmenter)
    texts = {"event": [], "entity": []}
    for event in E.read_jsonl(BASIL)[:10]:
        docs = [nlp(a.get("title", "") + "\n\n" + " ".join(x.strip() for x in a["sentences"] if x.strip()))
                for a in event["articles"]]
        verbs = frozenset().union(*(M.verb_lemmas(d) for d in docs))
        for k, d in enumerate(docs):
            heads = {t.idx: t for t in d}
            for m in M.extract_mentions(k, d, "", verbs):
                if not m.pronoun and m.head_start in heads:
                    texts[m.kind].append(window(heads[m.head_start], m.kind))
    for kind, batch in texts.items():
        t0 = time.process_time()
        encoder.encode(batch)
        print(f"BASIL 10 stories: {len(batch)} {kind} windows, encoder CPU {time.process_time() - t0:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cost", action="store_true", help="time the window encoding on BASIL")
    args = parser.parse_args()
    config = CompareConfig()
    rows, parsed, embedder, own = E.own_mentions(config)
    t0 = time.process_time()
    encode = window_encoder(embedder.inner)
    subs = [Subtopic(row, docs, prepared, encode) for row, docs, prepared in zip(rows, parsed, own)]
    print(f"ECB+ dev: {sum(len(s.mentions) for s in subs)} own mentions, windows {time.process_time() - t0:.1f} s CPU "
          f"(encoder included when not cached)")
    links = replace(config.links, entity_window_min_cosine=1.01)  # the rules as this round found them
    separability(subs, links)
    typing(subs, parsed)
    print(E.line("rules (configured)", E.total(score(subs, links))))
    grid = {hw: score(subs, links, entity_context_edges(*hw)) for hw in ENTITY_GRID}
    for hw, counts in grid.items():
        print(E.line(f"+ entity links, head {hw[0]} window {hw[1]}", E.total(counts)))
    print(E.line(f"  {E.FOLDS}-fold over topics", kfold(subs, grid)))
    # The same rule with the windows read off the token vectors the stage
    # already has (``signals.window_vectors``: the mean over the window's
    # words), no second encoder pass: kept as ``LinksConfig.entity_window_*``.
    for s, prepared in zip(subs, own):
        s.encoded, s.context = s.context, prepared[3]
    grid = {hw: score(subs, links, entity_context_edges(*hw)) for hw in TOKEN_GRID}
    for hw, counts in grid.items():
        print(E.line(f"+ entity links (token windows), head {hw[0]} window {hw[1]}", E.total(counts)))
    print(E.line(f"  {E.FOLDS}-fold over topics", kfold(subs, grid)))
    for s in subs:
        s.context = s.encoded
    variants = {
        "+ event<->entity links, head 0.8": event_entity_edges(0.8, -1.0),
        "+ event<->entity links, head 0.8 window 0.8": event_entity_edges(0.8, 0.8),
        "gate: who": argument_gate(("who",)),
        "gate: who, where": argument_gate(("who", "where")),
        "gate: who, where, when, number": argument_gate(tuple(set(ROLES.values()))),
        "+ shared who and where/when, window 0.5": argument_agreement(0.5),
        "+ same subject and object clusters, head 0.5": role_agreement(("s", "o"), 0.5),
        "+ same object cluster, head 0.5": role_agreement(("o",), 0.5),
    }
    for name, edit in variants.items():
        print(E.line(name, E.total(score(subs, links, edit))))
    print(E.line("rules, each pair alone", E.total(score(subs, links, alone=True))))
    for roles in (("who",), ("who", "where")):
        print(E.line(f"gate: {', '.join(roles)}, each pair alone", E.total(score(subs, links, argument_gate(roles), alone=True))))
    if args.cost:
        cost(config, embedder.inner)


if __name__ == "__main__":
    main()
