"""Alignment stage: sentence embeddings of A and B -> aligned beads.

Reordering is free (no monotonic constraint) unless
``AlignConfig.crossing_cosine`` is set (then a weak 1-1 link out of order with
its neighbouring links is dropped); a bead may be 1-1, 1-n or n-1; sentences
left out of every bead are unique to their article.

Scores correct for topic-wide similarity with the ratio margin of Artetxe &
Schwenk (2019): a pair's cosine divided by the mean of the two sentences'
backgrounds, each the mean cosine to its k nearest neighbours in the other
article. Short articles pad the background with a prior so that a
one-sentence article still gets a meaningful score.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from .config import AlignConfig
from .types import AlignedPair, Alignment, SentenceStatus

# Background cosine assumed for missing neighbours when an article has fewer
# than k sentences: the median best-match cosine of same-topic sentences that
# have no counterpart, measured on the seed pair and BASIL (docs/calibration.md).
BACKGROUND_PRIOR = 0.35


def similarity_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix with res[i, j] = cos(a[i], b[j]) for unit-length rows."""
    return np.asarray(a, dtype=np.float32) @ np.asarray(b, dtype=np.float32).T


def lexical_overlap(words_a: list[frozenset[str]], words_b: list[frozenset[str]]) -> np.ndarray:
    """Matrix with res[i, j] = Dice overlap of the content words of a[i] and b[j]."""
    out = np.zeros((len(words_a), len(words_b)), dtype=np.float32)
    for i, x in enumerate(words_a):
        for j, y in enumerate(words_b):
            if x and y:
                out[i, j] = 2 * len(x & y) / (len(x) + len(y))
    return out


def combined_similarity(a: np.ndarray, b: np.ndarray, lexical: np.ndarray | None, weight: float) -> np.ndarray:
    """Cosine of the embeddings plus ``weight`` x lexical overlap: shared names,
    numbers and key words separate the same fact from the same topic, which
    embeddings of two reports of one event blur."""
    sim = similarity_matrix(a, b)
    return sim if lexical is None or weight == 0 else (sim + weight * lexical).astype(np.float32)


def knn_background(sim: np.ndarray, k: int, prior: float = BACKGROUND_PRIOR) -> np.ndarray:
    """Per row: mean of the k largest values, padding with ``prior`` when the
    row has fewer than k entries. Shape (n_rows,)."""
    n_rows, n_cols = sim.shape
    if n_rows == 0:
        return np.zeros(0, dtype=np.float32)
    k_eff = min(k, n_cols)
    top = -np.sort(-sim, axis=1)[:, :k_eff] if k_eff else np.zeros((n_rows, 0), dtype=np.float32)
    return ((top.sum(axis=1) + prior * (k - k_eff)) / k).astype(np.float32)


def margin_matrix(sim: np.ndarray, k: int, prior: float = BACKGROUND_PRIOR) -> np.ndarray:
    """Ratio margin: res[i, j] = sim[i, j] / mean(background_a[i], background_b[j])."""
    background = (knn_background(sim, k, prior)[:, None] + knn_background(sim.T, k, prior)[None, :]) / 2
    return (sim / np.maximum(background, 1e-6)).astype(np.float32)


def one_to_one(score: np.ndarray, allowed: np.ndarray) -> list[tuple[int, int]]:
    """Maximum-score 1-1 matching restricted to ``allowed`` cells (Hungarian)."""
    if not allowed.any():
        return []
    cost = np.where(allowed, -score, 1e6)
    rows, cols = linear_sum_assignment(cost)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if allowed[i, j]]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def extend_beads(beads: list[tuple[list[int], list[int]]], a: np.ndarray, b: np.ndarray,
                 allowed: np.ndarray, min_gain: float) -> list[tuple[list[int], list[int]]]:
    """Second pass (1-n): a leftover sentence joins the bead of its best
    partner when the bead's merged side (mean of unit vectors, a proxy for
    encoding the concatenation) matches the other side by at least
    ``min_gain`` more cosine than before."""
    used_a = {i for bead in beads for i in bead[0]}
    used_b = {j for bead in beads for j in bead[1]}
    for side in (0, 1):
        mine, other = (a, b) if side == 0 else (b, a)
        used = used_a if side == 0 else used_b
        grid = allowed if side == 0 else allowed.T
        for i in range(len(mine)):
            if i in used or not grid[i].any():
                continue
            best = int(np.argmax(np.where(grid[i], mine[i] @ other.T, -np.inf)))
            bead = next((bd for bd in beads if best in bd[1 - side]), None)
            if bead is None or len(bead[1 - side]) > 1:
                continue
            group = bead[side]
            target = _unit(other[bead[1 - side]].sum(axis=0))
            before = float(_unit(mine[group].sum(axis=0)) @ target)
            after = float(_unit(mine[group + [i]].sum(axis=0)) @ target)
            if after >= before + min_gain:
                group.append(i)
                group.sort()
                used.add(i)
    return beads


def bead_scores(bead: tuple[list[int], list[int]], sim: np.ndarray, margin: np.ndarray) -> tuple[float, float]:
    """(margin, similarity) of a bead: the best pair inside it."""
    block = np.ix_(bead[0], bead[1])
    return float(margin[block].max()), float(sim[block].max())


def crosses_neighbour(starts: list[tuple[int, int]]) -> list[bool]:
    """Per bead start (i, j), sorted by i: True when j is out of order with
    the bead before (its j is not smaller) or after (its j is not larger)."""
    return [(k > 0 and starts[k - 1][1] >= j) or (k + 1 < len(starts) and starts[k + 1][1] <= j)
            for k, (_, j) in enumerate(starts)]


def classify(margin: float, cosine: float, cfg: AlignConfig) -> str | None:
    """'equivalent', 'related', or None when the pair is no match."""
    if margin >= cfg.equivalent_margin and cosine >= cfg.equivalent_cosine:
        return "equivalent"
    if margin >= cfg.related_margin and cosine >= cfg.related_cosine:
        return "related"
    return None


def statuses(n: int, beads: list[AlignedPair], side: int) -> tuple[SentenceStatus, ...]:
    """Sentence status on one side: shared / partial / unique."""
    out: list[SentenceStatus] = ["unique"] * n
    for pair in beads:
        for i in (pair.a if side == 0 else pair.b):
            if pair.kind == "equivalent":
                out[i] = "shared"
            elif out[i] == "unique":
                out[i] = "partial"
    return tuple(out)


def align(a: np.ndarray, b: np.ndarray, cfg: AlignConfig = AlignConfig(),
          lexical: np.ndarray | None = None) -> Alignment:
    """Align sentence embeddings ``a`` (n_a, d) and ``b`` (n_b, d); ``lexical``
    is an optional (n_a, n_b) content-word overlap (see ``lexical_overlap``)."""
    sim = combined_similarity(a, b, lexical, cfg.lexical_weight)
    return align_from_scores(sim, margin_matrix(sim, cfg.margin_k), a, b, cfg)


def align_from_scores(sim: np.ndarray, margin: np.ndarray, a: np.ndarray, b: np.ndarray,
                      cfg: AlignConfig) -> Alignment:
    """Alignment from precomputed matrices: ``sim`` is the combined similarity
    (cosine + lexical boost), ``margin`` its margin matrix. Lets a front end
    re-label on a threshold change without re-embedding."""
    cosine = similarity_matrix(a, b)
    allowed = (margin >= cfg.related_margin) & (sim >= cfg.related_cosine)
    beads = [([i], [j]) for i, j in one_to_one(margin, allowed)]
    joinable = (margin >= cfg.equivalent_margin) & (sim >= cfg.related_cosine)
    beads = extend_beads(beads, a, b, joinable, cfg.join_min_gain) if len(beads) else beads
    scored = []
    for bead in sorted(beads, key=lambda bd: (bd[0][0], bd[1][0])):
        m, s = bead_scores(bead, sim, margin)
        kind = classify(m, s, cfg)
        if kind:
            scored.append((bead, m, s, kind))
    if cfg.crossing_cosine is not None:
        crossing = crosses_neighbour([(bead[0][0], bead[1][0]) for bead, *_ in scored])
        scored = [item for item, out_of_order in zip(scored, crossing)
                  if not (out_of_order and len(item[0][0]) == len(item[0][1]) == 1 and item[2] < cfg.crossing_cosine)]
    pairs = [AlignedPair(tuple(bead[0]), tuple(bead[1]), round(m, 4),
                         round(float(cosine[np.ix_(bead[0], bead[1])].max()), 4), kind)
             for bead, m, s, kind in scored]
    return Alignment(tuple(pairs), statuses(len(a), pairs, 0), statuses(len(b), pairs, 1), cosine, margin, sim)
