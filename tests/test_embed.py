"""Embedding stage: the fake encoder, the per-text cache, one pass for sentence and token vectors."""
import numpy as np
import pytest

from compare.encoders import CachingEmbedder, HashingEmbedder, get_embedder, normalise_rows


def test_hashing_embedder_is_deterministic_and_unit_norm():
    a = HashingEmbedder().encode(["The Duma voted.", "Markets fell."])
    b = HashingEmbedder().encode(["The Duma voted.", "Markets fell."])
    assert a.dtype == np.float32 and np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert float(a[0] @ a[1]) < 0.5


def test_normalise_rows_keeps_zero_rows():
    out = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_cache_encodes_each_text_once():
    inner = HashingEmbedder()
    cached = CachingEmbedder(inner)
    first = cached.encode(["a b", "c d", "a b"])
    calls = inner.calls
    second = cached.encode(["c d", "a b"])
    assert inner.calls == calls
    assert np.array_equal(second, first[[1, 0]])


class OnePassEmbedder(HashingEmbedder):
    """Counts passes; yields token vectors together with sentence vectors."""

    def __init__(self):
        super().__init__()
        self.passes = 0

    def encode_with_tokens(self, texts):
        self.passes += 1
        return super().encode(texts), super().encode_tokens(texts)

    def encode_tokens(self, texts):
        self.passes += 1
        return super().encode_tokens(texts)


def test_one_pass_fills_the_token_cache():
    inner = OnePassEmbedder()
    cached = CachingEmbedder(inner)
    cached.encode(["The Duma voted on Tuesday.", "Kyiv rejected it."])
    tokens = cached.encode_tokens(["Kyiv rejected it."])
    assert inner.passes == 1
    offsets, vectors = tokens[0]
    assert offsets.tolist()[0] == [0, 4] and vectors.shape[0] == len(offsets)


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown encoder backend 'tpu'"):
        get_embedder("x", "tpu")


def test_token_cache_is_bounded_by_tokens_and_keeps_recent_sentences():
    from compare.encoders import CachingEmbedder, HashingEmbedder

    embedder = CachingEmbedder(HashingEmbedder(), max_tokens=30)
    sentence = "one two three four five six seven eight nine ten"  # 10 tokens (+1)
    embedder.encode_tokens([sentence])
    embedder.encode_tokens([f"lemma{n}" for n in range(9)])  # 9 x (1 + 1) tokens: 29 in all
    assert embedder.has([sentence], tokens=True)
    embedder.encode_tokens(["another"])  # 31 > 30: the oldest entry goes
    assert not embedder.has([sentence], tokens=True) and embedder.has(["another", "lemma8"], tokens=True)
    embedder.encode_tokens(["another"])  # a text stored again is counted once
    assert embedder._token_total == 9 * 2 + 2
