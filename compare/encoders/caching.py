"""Embedding stage, wrapper: a per-text LRU cache of sentence and token vectors."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Sequence

import numpy as np

from .base import Embedder, TokenVectors, supports_tokens


def _token_weight(vectors: TokenVectors) -> int:
    """What a cached text's token vectors count against ``max_tokens``."""
    return len(vectors[0]) + 1


class CachingEmbedder:
    """Wraps an embedder with a per-text LRU cache, so each text is encoded
    once per process and a batch only encodes the texts it has not seen."""

    def __init__(self, inner: Embedder, max_items: int = 200_000, max_tokens: int = 120_000):
        self.inner = inner
        self.name = inner.name
        self.max_items = max_items
        # Token vectors are bounded by their number of tokens, not of texts: the
        # fact stage's one-word look-ups (event lemmas) must not push out the
        # sentences of the chunk being compared. 120,000 tokens (~185 MB at
        # d=384) hold 2 chunks in flight (~1,300 BASIL sentences, ~43,000
        # tokens) with room to spare; capped at 10,000 texts instead, the peak
        # memory of a 4x BASIL batch grew to 1.93 GB (1.38 GB at 1x).
        self.max_tokens = max_tokens
        self._token_total = 0
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self._encode_missing(missing)
            with self._lock:
                for text, vector in zip(missing, vectors):
                    self._cache[text] = vector
                while len(self._cache) > self.max_items:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = [self._cache[t] for t in texts]
        if not rows:
            return self.inner.encode([])
        return np.stack(rows).astype(np.float32, copy=False)

    def has(self, texts: Sequence[str], tokens: bool = False) -> bool:
        """True when every text's sentence vector (``tokens``: token vectors)
        is cached, so that a call runs no model."""
        with self._lock:
            cache = self._token_cache if tokens else self._cache
            return all(t in cache for t in texts)

    def _encode_missing(self, missing: list[str]) -> np.ndarray:
        """Sentence vectors of texts not in the cache. An encoder that yields
        token vectors from the same pass (``encode_with_tokens``) fills the
        token cache too, so the fact stage needs no second encoder pass."""
        if not hasattr(self.inner, "encode_with_tokens"):
            return self.inner.encode(missing)
        vectors, tokens = self.inner.encode_with_tokens(missing)
        self._store_tokens(dict(zip(missing, tokens)))
        return vectors

    def _store_tokens(self, items: dict[str, TokenVectors]) -> None:
        with self._lock:
            cache = self._token_cache
            for text, vectors in items.items():
                old = cache.pop(text, None)
                self._token_total += _token_weight(vectors) - (0 if old is None else _token_weight(old))
                cache[text] = vectors
            while len(cache) > 1 and self._token_total > self.max_tokens:
                self._token_total -= _token_weight(cache.popitem(last=False)[1])

    @property
    def _token_cache(self) -> OrderedDict:
        return self.__dict__.setdefault("_token_cache_store", OrderedDict())  # created on first use

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Token vectors of ``texts`` (see ``TokenEmbedder``), each text computed once."""
        if not supports_tokens(self.inner):
            raise NotImplementedError(f"encoder {self.name!r} has no contextual token vectors")
        with self._lock:
            found = {t: self._token_cache[t] for t in texts if t in self._token_cache}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            computed = dict(zip(missing, self.inner.encode_tokens(missing)))
            self._store_tokens(computed)
            found.update(computed)
        return [found[t] for t in texts]
