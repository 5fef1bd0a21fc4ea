"""Helpers of benchmarks/ecb_links.py: the ECB+ pairwise-link protocol and CoNLL F1.

Protocol (issue 12): per subtopic, the first 12 document pairs in document
order; gold = pairs of annotated mentions (one per document) with the same
non-singleton chain; a predicted mention stands for the annotated mention
of its document it overlaps most (character Jaccard >= 0.3), and a
predicted link counts only when both ends stand for annotated mentions.
Counts are micro-averaged over document pairs, per gold kind (event,
entity) and for all pairs.
"""
from __future__ import annotations

import itertools
from collections import Counter
from typing import Callable, Sequence

PAIRS_PER_SUBTOPIC = 12
MIN_JACCARD = 0.3
KINDS = ("event", "entity", "all")


def doc_pairs(n_docs: int) -> list[tuple[int, int]]:
    """The first 12 document pairs of a subtopic, in document order."""
    return list(itertools.combinations(range(n_docs), 2))[:PAIRS_PER_SUBTOPIC]


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character Jaccard of two half-open ranges."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def to_gold(spans: Sequence[tuple[int, int]], gold: Sequence[dict]) -> list[int | None]:
    """For each predicted span: index of the annotated mention it overlaps most
    (Jaccard >= 0.3), or None."""
    out = []
    for span in spans:
        best, index = 0.0, None
        for k, g in enumerate(gold):
            j = jaccard(span, (g["start"], g["end"]))
            if j > best:
                best, index = j, k
        out.append(index if best >= MIN_JACCARD else None)
    return out


def gold_links(d1: dict, d2: dict) -> set[tuple[int, int]]:
    return {(i, j) for i, m1 in enumerate(d1["mentions"]) for j, m2 in enumerate(d2["mentions"])
            if not m1["singleton"] and m1["chain"] == m2["chain"]}


def predicted_links(labels1: Sequence[int | None], labels2: Sequence[int | None],
                    clusters1: Sequence, clusters2: Sequence) -> set[tuple[int, int]]:
    """Annotated-mention pairs linked by the prediction: predicted mention p of
    document 1 (standing for ``labels1[p]``) and q of document 2 in one cluster."""
    by_cluster: dict = {}
    for g, c in zip(labels2, clusters2):
        if g is not None and c is not None:
            by_cluster.setdefault(c, set()).add(g)
    return {(g, h) for g, c in zip(labels1, clusters1) if g is not None and c is not None
            for h in by_cluster.get(c, ())}


def count_links(pred: set, gold: set, d1: dict, d2: dict) -> Counter:
    """tp / pred / gold counts per kind of the pair (mixed-kind pairs count in "all" only)."""
    out = Counter()
    for name, pairs in (("pred", pred), ("gold", gold), ("tp", pred & gold)):
        for i, j in pairs:
            k1, k2 = d1["mentions"][i]["kind"], d2["mentions"][j]["kind"]
            out[(name, "all")] += 1
            if k1 == k2:
                out[(name, k1)] += 1
    return out


def prf(counts: Counter, kind: str) -> tuple[float, float, float]:
    tp, pred, gold = counts[("tp", kind)], counts[("pred", kind)], counts[("gold", kind)]
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def key_baseline(subtopic: dict, key: Callable[[dict], str], same_kind: bool) -> Counter:
    """Link annotated mentions of two documents when ``key`` agrees."""
    docs, out = subtopic["docs"], Counter()
    for a, b in doc_pairs(len(docs)):
        d1, d2 = docs[a], docs[b]
        pred = {(i, j) for i, m1 in enumerate(d1["mentions"]) for j, m2 in enumerate(d2["mentions"])
                if key(m1) == key(m2) and (not same_kind or m1["kind"] == m2["kind"])}
        out += count_links(pred, gold_links(d1, d2), d1, d2)
    return out


def gold_clusters(subtopic: dict) -> list[set]:
    """Gold chains of a subtopic as sets of (doc, mention) ids, singletons included."""
    chains: dict = {}
    for d, doc in enumerate(subtopic["docs"]):
        for k, m in enumerate(doc["mentions"]):
            chains.setdefault(m["chain"] if not m["singleton"] else ("single", d, k), set()).add((d, k))
    return list(chains.values())


def conll_f1(key: list[set], response: list[set]) -> dict[str, float]:
    """MUC, B3, CEAF-e F1 and their mean (scorch's implementation)."""
    from scorch import scores

    out = {"muc": scores.muc(key, response)[2], "b3": scores.b_cubed(key, response)[2],
           "ceafe": scores.ceaf_e(key, response)[2]}
    out["conll"] = sum(out.values()) / 3
    return out
