"""Grouping stage, clustering: average-linkage merging on the sparse graph of candidate pairs."""
from __future__ import annotations

import heapq

import numpy as np


def average_linkage(n: int, rows: np.ndarray, cols: np.ndarray, scores: np.ndarray,
                    threshold: float, coherence: float = 0.0) -> np.ndarray:
    """Cluster ids (0..c-1, by first member) of ``n`` items, merged greedily:
    the two groups whose candidate pairs have the highest mean score merge
    first, while that mean reaches ``threshold`` and ``coherence`` times the
    mean score inside each of the two groups when both have several members
    (a merge must not dilute a tight group: two similar events each stay
    whole and apart). Pairs that are not
    candidates are unknown, not zero (the neighbour search dropped them as
    dissimilar). Memory and time grow with the number of pairs, not ``n``^2."""
    links: list[dict[int, list[float]]] = [dict() for _ in range(n)]  # group -> {other: [sum, count]}
    for r, c, s in zip(rows.tolist(), cols.tolist(), scores.tolist()):
        links[r][c] = [s, 1.0]
        links[c][r] = [s, 1.0]
    heap = [(-s, r, c) for r, c, s in zip(rows.tolist(), cols.tolist(), scores.tolist()) if s >= threshold]
    heapq.heapify(heap)
    parent = list(range(n))
    inside = [[0.0, 0.0] for _ in range(n)]  # group -> [sum, count] of its inner pair scores
    while heap:
        neg, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b or b not in links[a]:
            continue
        total, count = links[a][b]
        if abs(total / count + neg) > 1e-9:
            continue  # stale: the link changed since this entry was pushed
        if not _coherent(total / count, inside[a], inside[b], coherence):
            continue
        a, b = (a, b) if len(links[a]) >= len(links[b]) else (b, a)
        parent[b] = a
        inside[a] = [inside[a][0] + inside[b][0] + total, inside[a][1] + inside[b][1] + count]
        _absorb(links, a, b, heap, threshold)
    return _labels(parent)


def _coherent(link: float, inside_a: list[float], inside_b: list[float], coherence: float) -> bool:
    """True when ``link`` reaches ``coherence`` x the inner mean of each group,
    or when one group is a single article (nothing to dilute, and a third
    report that words a story differently must still be able to join)."""
    if not (inside_a[1] and inside_b[1]):
        return True
    return all(link >= coherence * total / count for total, count in (inside_a, inside_b))


def _absorb(links: list[dict[int, list[float]]], a: int, b: int, heap: list, threshold: float) -> None:
    """Merge group ``b`` into ``a``: sum their links to every third group and
    push the changed means that can still merge (``a``'s other links keep
    their means and their heap entries)."""
    del links[a][b]
    for other, (total, count) in links[b].items():
        if other == a:
            continue
        del links[other][b]
        merged = links[a].get(other, [0.0, 0.0])
        merged = [merged[0] + total, merged[1] + count]
        links[a][other] = merged
        links[other][a] = merged
        if merged[0] / merged[1] >= threshold:
            heapq.heappush(heap, (-(merged[0] / merged[1]), min(a, other), max(a, other)))
    links[b] = {}


def _labels(parent: list[int]) -> np.ndarray:
    """Follow each item to its root; number the roots in order of first appearance."""
    roots = []
    for i in range(len(parent)):
        r = i
        while parent[r] != r:
            r = parent[r]
        parent[i] = r
        roots.append(r)
    _, labels = np.unique(np.array(roots), return_inverse=True)
    order = {}
    return np.array([order.setdefault(label, len(order)) for label in labels.tolist()], dtype=np.int64)
