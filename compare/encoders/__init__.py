"""Embedding stage: sentences -> L2-normalised float32 arrays of shape (n, d).

``get_embedder(model, backend)`` is the process-wide cached encoder; the
backends live one per module (``torch.py``, ``onnx.py``, ``hashing.py``), the
protocols and errors in ``base.py``, the wrappers in ``caching.py`` and
``gate.py``. No backend loads a model, or imports torch or onnxruntime, before
its first call.
"""
from __future__ import annotations


from ..caches import memo
from ..config import DEFAULT_MODEL
from .base import (CachedEmbedder, Embedder, ModelLoadError, OnePassEmbedder, ThreadedEmbedder, TokenEmbedder,
                   TokenVectors, WrappingEmbedder, normalise_rows, packaged_model_path, resolve_model, runtime_of,
                   supports_tokens)
from .caching import CachingEmbedder
from .gate import EncoderGate
from .hashing import HashingEmbedder
from .torch import SentenceTransformerEmbedder

__all__ = [
    "BACKENDS", "CachedEmbedder", "CachingEmbedder", "Embedder", "EncoderGate", "HashingEmbedder", "ModelLoadError",
    "OnePassEmbedder", "SentenceTransformerEmbedder", "ThreadedEmbedder", "TokenEmbedder", "TokenVectors",
    "WrappingEmbedder", "get_embedder", "normalise_rows", "packaged_model_path", "resolve_model", "runtime_of",
    "supports_tokens",
]

# Encoder runtimes, for config checks, CLI choices and the dashboard: torch is
# the reference; "onnx"/"onnx-int8" run the same model on ONNX Runtime
# (onnx.py, figures in docs/encoders.md); "hashing" is the test fake.
BACKENDS = ("torch", "onnx", "onnx-int8", "hashing")


@memo(maxsize=4, model=True)
def get_embedder(model: str = DEFAULT_MODEL, backend: str = "onnx", batch_size: int = 64) -> Embedder:
    """The process-wide cached encoder for ``model`` on ``backend``."""
    if backend == "hashing":
        return CachingEmbedder(HashingEmbedder())
    if backend == "torch":
        return CachingEmbedder(SentenceTransformerEmbedder(model, batch_size=batch_size))
    if backend in ("onnx", "onnx-int8"):
        from .onnx import OnnxEmbedder  # onnxruntime is imported only when chosen

        return CachingEmbedder(OnnxEmbedder(model, quantized=backend == "onnx-int8", batch_size=batch_size))
    raise ValueError(f"unknown encoder backend {backend!r} (choose from: {', '.join(BACKENDS)})")
