"""A learned pairwise link scorer on ECB+ dev topics 1-35, against the hand rules of compare/links.

Issue 12, fourth round (docs/links.md): instead of hand thresholds, a
logistic regression over features of a candidate mention pair (contextual
cosine of the heads, same head stem, name match, same written name, entity
type clash, shared event arguments, same request, time conflict, same
article / sentence, sentence and character distance, pronoun kinds, the
rules' own verdict), trained on ECB+ dev with 5-fold by TOPIC. Candidates:
the rules' candidates at cosine >= 0.4 plus every same-kind pair of one
article within 3 sentences (pronouns included). Labels: both ends stand for
annotated mentions (Jaccard >= 0.3); positive when their gold chains agree.

Three ways to cluster with the probabilities, each printed out of fold:
- best-first: the rules' pronoun and syntactic links, then every pair at
  probability >= t, strongest first, with the rules' vetoes (different full
  names of people, different days);
- average link on top of the rules: the rules' clusters, then the two
  clusters whose scored pairs have the highest mean probability merge while
  that mean reaches t (same vetoes);
- cross-article support on top of the rules: two clusters merge when pairs
  between them at probability >= t come from 3 or more articles.

The honest figure is the nested one: per fold the model is fitted and t is
chosen on the other four fifths of the topics (by all-pairs F1), then the
fifth is scored.

    python benchmarks/links_scorer.py            # needs the caches of ecb_links.py (a first run builds them)
"""
from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

import ecb_links as E
from _links_eval import prf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare.config import CompareConfig  # noqa: E402
from compare.links import cluster as C  # noqa: E402
from compare.links.signals import (name_match, pair_evidence, same_head, same_surface, shared_args,  # noqa: E402
                                   time_conflict, types_compatible)

FEATURES = ("cosine", "cosine^2", "same stem", "same stem x cosine", "same written name", "names match",
            "both names, no match", "name and description", "type clash", "shared args / 3", "same request",
            "time conflict", "same article", "same sentence", "event", "event x cosine", "same article x cosine",
            "rules link", "same text", "pronoun", "two pronouns", "he/she/who and a person",
            "it/they and a group or thing", "sentences apart / 3", "characters apart / 500", "pronoun x cosine")
HE_SHE = frozenset({"he", "she", "his", "her", "him", "who", "himself", "herself"})
CANDIDATE_COSINE = 0.4
WINDOW = 3
THRESHOLDS = (0.35, 0.45, 0.55, 0.65, 0.75, 0.85)


def features(a, b, cosine: float, links_config) -> list[float]:
    """One row of ``FEATURES`` for mentions ``a`` (first in text order when in one article) and ``b``."""
    within = float(a.article == b.article)
    pronouns = [x for x in (a, b) if x.pronoun]
    other = next((x for x in (a, b) if not x.pronoun), None)
    both_names = bool(a.name and b.name)
    named = both_names and not (a.pronoun or b.pronoun) and bool(
        name_match(a.name, b.name, people="person" in (a.subtype, b.subtype)))
    stem = float(same_head(a, b))
    event = float(a.kind == "event")
    rules = not pronouns and bool(pair_evidence(a, b, cosine, links_config))
    return [cosine, cosine * cosine, stem, stem * cosine, float(same_surface(a, b)), float(named),
            float(both_names and not named), float(bool(a.name) != bool(b.name)), float(not types_compatible(a, b)),
            min(len(shared_args(a, b)), 3) / 3, float(bool(a.complement) and a.complement == b.complement),
            float(time_conflict(a, b)), within, float(within and a.sentence == b.sentence), event, event * cosine,
            within * cosine, float(rules), float(a.text.lower() == b.text.lower()), float(bool(pronouns)),
            float(len(pronouns) == 2),
            float(len(pronouns) == 1 and pronouns[0].text.lower() in HE_SHE and other.subtype == "person"),
            float(len(pronouns) == 1 and pronouns[0].text.lower() not in HE_SHE
                  and other.subtype in ("organisation", "group", "thing")),
            min(abs(a.sentence - b.sentence), WINDOW) / WINDOW if within else 0.0,
            min(max(b.start - a.end, 0) / 500, 3.0) if within else 0.0, cosine * float(bool(pronouns))]


def candidates(mentions, vectors) -> list[tuple[int, int]]:
    """The rules' candidates at a low cosine, and same-kind pairs of one article within ``WINDOW`` sentences."""
    pairs = C.candidate_pairs(mentions, vectors, {"event": CANDIDATE_COSINE, "entity": CANDIDATE_COSINE})
    article = np.array([m.article for m in mentions])
    sentence = np.array([m.sentence for m in mentions])
    kind = np.array([m.kind for m in mentions])
    near = (article[:, None] == article[None, :]) & (np.abs(sentence[:, None] - sentence[None, :]) <= WINDOW)
    pairs |= set(map(tuple, np.argwhere(np.triu(near & (kind[:, None] == kind[None, :]), 1)).tolist()))
    ordered = [(i, j) if mentions[i].start <= mentions[j].start or mentions[i].article != mentions[j].article
               else (j, i) for i, j in sorted(pairs) if mentions[i].kind == mentions[j].kind]
    return ordered


def pair_table(row, mentions, vectors, labels, links_config):
    """(pairs (n, 2), features (n, f), labels (n,): 1 same chain, 0 not, -1 an end not annotated)."""
    pairs = candidates(mentions, vectors)
    rows, y = [], []
    for i, j in pairs:
        rows.append(features(mentions[i], mentions[j], float(vectors[i] @ vectors[j]), links_config))
        gi, gj = labels[i], labels[j]
        if gi is None or gj is None:
            y.append(-1)
            continue
        mi = row["docs"][mentions[i].article]["mentions"][gi]
        mj = row["docs"][mentions[j].article]["mentions"][gj]
        y.append(int(not mi["singleton"] and mi["chain"] == mj["chain"]))
    return (np.array(pairs, dtype=int).reshape(-1, 2), np.array(rows, dtype=np.float32).reshape(-1, len(FEATURES)),
            np.array(y, dtype=int))


def fit(tables: list):
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([t[1] for t in tables])
    y = np.concatenate([t[2] for t in tables])
    return LogisticRegression(max_iter=2000).fit(x[y >= 0], y[y >= 0])


def groups_of(union_find, n: int) -> list[list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        members[union_find.find(i)].append(i)
    return list(members.values())


def best_first(mentions, vectors, pairs, probs, t, links_config) -> list[list[int]]:
    """The rules' pronoun and syntactic links, then pairs at probability >= t, strongest first (rules' vetoes)."""
    groups = C._Groups(mentions)
    for i, j, _ in C.pronoun_links(mentions, links_config.pronoun_window, links_config.syntactic_links):
        groups.union(i, j)
    for k in np.argsort(-probs, kind="stable"):
        if probs[k] < t:
            break
        groups.union(int(pairs[k][0]), int(pairs[k][1]))
    return groups_of(groups, len(mentions))


def average_link(mentions, vectors, pairs, probs, t, links_config) -> list[list[int]]:
    """The rules' clusters, then merges of the two clusters with the highest
    mean probability over their scored pairs while it reaches t (rules' vetoes)."""
    groups = C._Groups(mentions)
    for group in C.partition(mentions, vectors, links_config)[0]:
        for x in group[1:]:
            groups.union(group[0], x)
    score: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0])
    for (i, j), p in zip(pairs, probs):
        x, y = groups.find(int(i)), groups.find(int(j))
        if x != y:
            score[min(x, y), max(x, y)][0] += p
            score[min(x, y), max(x, y)][1] += 1
    while score:
        key = max(score, key=lambda k: score[k][0] / score[k][1])
        total, n = score.pop(key)
        if total / n < t:
            break
        if not groups.union(*key):
            continue
        root = groups.find(key[0])
        for other in [k for k in score if set(k) & set(key)]:
            s, c = score.pop(other)
            z = other[0] if other[1] in key else other[1]
            if z not in key:
                score[min(root, z), max(root, z)][0] += s
                score[min(root, z), max(root, z)][1] += c
    return groups_of(groups, len(mentions))


def supported_merge(mentions, vectors, pairs, probs, t, links_config, articles: int = 3) -> list[list[int]]:
    """Cross-article evidence for merges (idea 2 of the fourth round): the
    rules' clusters, then two clusters merge when pairs between them at
    probability >= t come from at least ``articles`` articles (rules' vetoes),
    until nothing changes."""
    groups = C._Groups(mentions)
    for group in C.partition(mentions, vectors, links_config)[0]:
        for x in group[1:]:
            groups.union(group[0], x)
    changed = True
    while changed:
        changed = False
        support: dict[tuple[int, int], set[int]] = defaultdict(set)
        best: dict[tuple[int, int], float] = defaultdict(float)
        for (i, j), p in zip(pairs, probs):
            x, y = groups.find(int(i)), groups.find(int(j))
            if p >= t and x != y:
                key = (min(x, y), max(x, y))
                support[key] |= {mentions[i].article, mentions[j].article}
                best[key] = max(best[key], p)
        for key in sorted(support, key=lambda k: -best[k]):
            roots = groups.find(key[0]) == key[0] and groups.find(key[1]) == key[1]
            if len(support[key]) >= articles and roots and groups.union(*key):
                changed = True
    return groups_of(groups, len(mentions))


def counts_at(rows, own, tables, probs, method, t, links_config, subset) -> Counter:
    return sum((E.link_counts(rows[k], own[k][0], own[k][2],
                            method(own[k][0], own[k][1], tables[k][0], probs[k], t, links_config))
                for k in subset), Counter())


def nested_kfold(rows, own, tables, method, links_config, folds) -> tuple[Counter, list]:
    """Per fold: fit and choose t on the other topics, score the fold."""
    held, picks = Counter(), []
    for fold in sorted(set(folds)):
        train = [k for k, f in enumerate(folds) if f != fold]
        test = [k for k, f in enumerate(folds) if f == fold]
        model = fit([tables[k] for k in train])
        probs = {k: model.predict_proba(tables[k][1])[:, 1] if len(tables[k][0]) else np.zeros(0) for k in range(len(rows))}
        pick = max(THRESHOLDS, key=lambda t: prf(counts_at(rows, own, tables, probs, method, t, links_config, train), "all")[2])
        picks.append(pick)
        held += counts_at(rows, own, tables, probs, method, pick, links_config, test)
    return held, picks


def main() -> None:
    config = CompareConfig()
    rows, _, _, own = E.own_mentions(config)
    t0 = time.process_time()
    tables = [pair_table(row, *prepared[:3], config.links) for row, prepared in zip(rows, own)]
    y = np.concatenate([t[2] for t in tables])
    print(f"ECB+ dev own mentions: {sum(len(t[0]) for t in tables)} candidate pairs, "
          f"{(y == 1).sum()} same chain, {(y == 0).sum()} not, {(y < 0).sum()} unannotated; "
          f"features {time.process_time() - t0:.1f} s CPU")
    topics = sorted({r["topic"] for r in rows})
    fold_of = {t: k % E.FOLDS for k, t in enumerate(topics)}
    folds = [fold_of[r["topic"]] for r in rows]
    everything = range(len(rows))
    t0 = time.process_time()
    rules = sum((E.link_counts(rows[k], own[k][0], own[k][2], C.partition(own[k][0], own[k][1], config.links, own[k][3])[0])
                 for k in everything), Counter())
    print(E.line("rules (configured)", rules), f"clustering {time.process_time() - t0:.1f} s CPU")
    perfect = [np.maximum(t[2], 0).astype(float) for t in tables]  # a classifier that knows the gold chains
    print(E.line("perfect classifier on the candidates", counts_at(rows, own, tables, perfect, best_first, 0.5,
                                                                   config.links, everything)))
    model = fit(tables)
    print("all-data fit: intercept %.2f; " % model.intercept_[0]
          + ", ".join(f"{n} {c:+.2f}" for n, c in zip(FEATURES, model.coef_[0])))
    probs = [model.predict_proba(t[1])[:, 1] if len(t[0]) else np.zeros(0) for t in tables]
    methods = (("best-first", best_first), ("average link on the rules", average_link),
               ("rules + merges seen in 3 articles", supported_merge))
    for name, method in methods:
        for t in THRESHOLDS:
            print(E.line(f"{name} t={t} (fit on all)", counts_at(rows, own, tables, probs, method, t, config.links, everything)))
        held, picks = nested_kfold(rows, own, tables, method, config.links, folds)
        print(E.line(f"{name} {E.FOLDS}-fold (fit, t on 4/5)", held), f"picks {picks}")


if __name__ == "__main__":
    main()
