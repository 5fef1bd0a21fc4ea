"""Alignment maths on hand-made arrays (no model)."""
import numpy as np
import pytest

from compare.align import (align, align_from_scores, crosses_neighbour, knn_background, margin_matrix, one_to_one,
                           similarity_matrix)
from compare.config import AlignConfig
from compare.encoders import normalise_rows


def unit_basis(n: int, d: int = 16) -> np.ndarray:
    return np.eye(d, dtype=np.float32)[:n]


def test_similarity_matrix_is_cosine():
    rng = np.random.default_rng(0)
    a, b = normalise_rows(rng.normal(size=(3, 8))), normalise_rows(rng.normal(size=(4, 8)))
    sim = similarity_matrix(a, b)
    assert sim.shape == (3, 4)
    assert sim[1, 2] == pytest.approx(float(a[1] @ b[2]) / (np.linalg.norm(a[1]) * np.linalg.norm(b[2])), abs=1e-6)


def test_knn_background_pads_short_rows_with_prior():
    sim = np.array([[1.0], [0.2]], dtype=np.float32)
    bg = knn_background(sim, k=4, prior=0.4)
    assert bg == pytest.approx([(1.0 + 3 * 0.4) / 4, (0.2 + 3 * 0.4) / 4])


def test_margin_rewards_pairs_that_stand_out():
    # Row 0 matches column 0 clearly; row 1 is equally similar to everything.
    sim = np.array([[0.9, 0.3, 0.3], [0.6, 0.6, 0.6]], dtype=np.float32)
    margin = margin_matrix(sim, k=2)
    assert margin[0, 0] > margin[1, 0]
    assert margin[0, 0] > 1.2


def test_identity_gives_identity_alignment():
    a = unit_basis(5)
    result = align(a, a.copy())
    assert [(p.a, p.b) for p in result.pairs] == [((i,), (i,)) for i in range(5)]
    assert all(p.kind == "equivalent" for p in result.pairs)
    assert result.status_a == ("shared",) * 5 == result.status_b


def test_reordering_is_followed():
    a = unit_basis(4)
    order = [2, 0, 3, 1]
    result = align(a, a[order])
    assert {(p.a[0], p.b[0]) for p in result.pairs} == {(o, j) for j, o in enumerate(order)}


def test_orthogonal_articles_share_nothing():
    basis = unit_basis(8)
    result = align(basis[:4], basis[4:])
    assert result.pairs == ()
    assert set(result.status_a) == {"unique"} == set(result.status_b)


def test_unaligned_sentence_is_unique():
    basis = unit_basis(6)
    result = align(basis[:4], basis[[0, 1, 2, 5]])
    assert result.status_a == ("shared", "shared", "shared", "unique")
    assert result.status_b[3] == "unique"


def test_split_sentence_aligns_one_to_two():
    basis = unit_basis(6)
    whole = normalise_rows((basis[0] + basis[1])[None, :])
    a = np.vstack([whole, basis[2:4]])
    b = np.vstack([basis[0:4]])
    result = align(a, b)
    bead = next(p for p in result.pairs if 0 in p.a)
    assert bead.b == (0, 1)


def test_one_to_one_respects_allowed_mask():
    score = np.array([[2.0, 1.0], [1.9, 0.1]])
    allowed = np.array([[True, True], [False, True]])
    assert sorted(one_to_one(score, allowed)) == [(0, 0), (1, 1)]


@pytest.mark.parametrize("cosine,kind", [(0.95, "equivalent"), (0.5, "related"), (0.1, None)])
def test_levels_follow_thresholds(cosine, kind):
    # Two 1-sentence articles: margin uses the prior background.
    a = np.array([[1.0, 0.0]], dtype=np.float32)
    b = normalise_rows(np.array([[cosine, np.sqrt(1 - cosine**2)]]))
    result = align(a, b, AlignConfig())
    assert (result.pairs[0].kind if result.pairs else None) == kind


def test_raising_threshold_relabels_without_new_scores():
    a = unit_basis(3)
    b = normalise_rows(a + 0.35 * np.roll(a, 1, axis=1))
    sim = similarity_matrix(a, b)
    low = align_from_scores(sim, margin_matrix(sim, 4), a, b, AlignConfig(equivalent_cosine=0.5))
    high = align_from_scores(sim, margin_matrix(sim, 4), a, b, AlignConfig(equivalent_cosine=0.99))
    assert low.status_a == ("shared",) * 3
    assert high.status_a == ("partial",) * 3


@pytest.mark.parametrize("starts, expected", [
    ([], []),
    ([(0, 0)], [False]),
    ([(0, 0), (1, 1), (2, 2)], [False, False, False]),
    ([(0, 0), (1, 5), (2, 2), (3, 3)], [False, True, True, False]),  # (1, 5) jumps past (2, 2)
    ([(0, 1), (1, 0)], [True, True]),  # a swap: both cross
    ([(0, 0), (2, 3), (4, 1)], [False, True, True]),
])
def test_crosses_neighbour_flags_links_out_of_order_with_the_link_before_or_after(starts, expected):
    assert crosses_neighbour(starts) == expected


def _swapped_pair_with_a_weak_link():
    """Four sentences; A2 and A3 swapped in B, A3's counterpart a weak match (cosine 0.6)."""
    a = unit_basis(4)
    b = a[[0, 1, 3, 2]].copy()
    b[2] = normalise_rows((0.6 * a[3] + 0.8 * np.eye(1, 16, 10)[0])[None])[0]
    return a, b


def test_crossing_gate_drops_a_weak_link_out_of_order_and_keeps_the_strong_one():
    a, b = _swapped_pair_with_a_weak_link()
    sim = similarity_matrix(a, b)
    cfg = AlignConfig(lexical_weight=0.0, related_cosine=0.5, related_margin=1.0)
    free = align_from_scores(sim, margin_matrix(sim, 4), a, b, cfg)
    assert {(p.a, p.b) for p in free.pairs} == {((0,), (0,)), ((1,), (1,)), ((2,), (3,)), ((3,), (2,))}
    ordered = align_from_scores(sim, margin_matrix(sim, 4), a, b, AlignConfig(
        lexical_weight=0.0, related_cosine=0.5, related_margin=1.0, crossing_cosine=0.7))
    assert {(p.a, p.b) for p in ordered.pairs} == {((0,), (0,)), ((1,), (1,)), ((2,), (3,))}
    assert ordered.status_a[3] == "unique" and ordered.status_b[2] == "unique"


def test_crossing_gate_keeps_links_in_order_whatever_their_similarity():
    a = unit_basis(4)
    b = normalise_rows(a + 0.9 * np.roll(a, 4, axis=1))  # every cosine ~0.74, all in order
    sim = similarity_matrix(a, b)
    cfg = AlignConfig(lexical_weight=0.0, related_cosine=0.5, related_margin=1.0, crossing_cosine=0.99)
    assert len(align_from_scores(sim, margin_matrix(sim, 4), a, b, cfg).pairs) == 4


def test_empty_side():
    result = align(np.zeros((0, 4), dtype=np.float32), unit_basis(2, 4))
    assert result.pairs == () and result.status_b == ("unique", "unique")
