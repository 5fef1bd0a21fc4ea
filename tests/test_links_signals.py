"""Linking stage, signals: the bulk cosines give the floats the pair-by-pair ones give, to the bit."""
from __future__ import annotations

import numpy as np
import pytest

from compare.links.signals import normalised_means, pair_cosines, row_dots, token_cosine


@pytest.mark.parametrize("n, d", [(1, 3), (50, 384), (200, 17), (7, 1024)])
def test_row_dots_are_the_one_by_one_dot_products_to_the_bit(n, d):
    rng = np.random.default_rng(n + d)
    a = rng.normal(size=(n, d)).astype(np.float32)
    b = rng.normal(size=(n, d)).astype(np.float32)
    got = row_dots(a, b)
    assert got.dtype == np.float32 and got.shape == (n,)
    assert [float(x) for x in got] == [float(a[k] @ b[k]) for k in range(n)]


def test_pair_cosines_are_token_cosines():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(40, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pairs = [(i, j) for i in range(40) for j in range(i + 1, 40)]
    assert pair_cosines(vectors, pairs) == [token_cosine(vectors, i, j) for i, j in pairs]
    assert pair_cosines(vectors, []) == []
    assert pair_cosines(None, pairs[:3]) == [None, None, None]


def test_normalised_means_of_many_rows_are_the_row_by_row_ones():
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(30, 384)).astype(np.float32)
    under = rng.random((60, 30)) < 0.08
    under[5] = False
    got = normalised_means(vectors, under)
    for k in range(60):
        if not under[k].any():
            assert not got[k].any()
            continue
        mean = vectors[under[k]].mean(axis=0)
        assert got[k].tobytes() == (mean / max(float(np.sqrt(mean.dot(mean))), 1e-9)).tobytes()
