"""Grouping stage, candidates: each article's nearest neighbours, without an all-pairs matrix."""
from __future__ import annotations

import numpy as np
from scipy import sparse


def top_k_neighbours(vectors, k: int, block: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs ``(rows, cols)`` with ``rows < cols``: every article
    paired with its ``k`` most similar others (dot product of unit rows), each
    pair once. ``vectors`` is an ``(n, d)`` dense array or a sparse matrix; the
    similarities are computed ``block`` rows at a time, so memory grows with
    ``block x n``, not ``n x n``."""
    n = vectors.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    transposed = vectors.T.tocsc() if sparse.issparse(vectors) else vectors.T
    rows, cols = [], []
    for start in range(0, n, block):
        sims = vectors[start:start + block] @ transposed
        sims = sims.toarray() if sparse.issparse(sims) else np.asarray(sims)
        local = np.arange(sims.shape[0])
        sims[local, start + local] = -np.inf  # never one's own neighbour
        best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        rows.append(np.repeat(start + local, k))
        cols.append(best.ravel())
    return unique_pairs(np.concatenate(rows), np.concatenate(cols))


def unique_pairs(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs as ``(low, high)`` index arrays, duplicates and self-pairs removed, sorted."""
    low, high = np.minimum(rows, cols).astype(np.int64), np.maximum(rows, cols).astype(np.int64)
    keep = low != high
    n = int(high.max()) + 1 if len(high) else 1
    keys = np.unique(low[keep] * n + high[keep])
    return keys // n, keys % n
