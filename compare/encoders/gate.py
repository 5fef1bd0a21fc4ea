"""Embedding stage, wrapper for batch runs: one thread parses, one encodes, at any time."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager, nullcontext
from typing import Callable, Iterator, Sequence

from .base import CachedEmbedder, Embedder

# Encoder calls of at most this many texts run without waiting for the encode
# slot: the fact stage's per-pair calls (trigger lemmas, 1-40 texts) are tiny
# next to a chunk's ~600 sentences, and ONNX Runtime and torch both allow
# concurrent calls.
SMALL_CALL = 64


class EncoderGate:
    """An embedder wrapper that lets several threads prepare chunks at once
    while only one parses and one encodes at any time.

    A thread takes the parse slot in ``parsing()``; its first encoder call
    (``prepare_documents`` encodes right after parsing) hands the slot to the
    next thread, so chunk n+1 is parsed while chunk n is encoded. Encoder calls
    are serialised. ``timings`` adds up the time spent in each.
    """

    def __init__(self, inner: Embedder):
        self.inner = inner  # a ``WrappingEmbedder``: supports_tokens looks through it
        self.name = inner.name
        self._parse = threading.Lock()
        self._encode = threading.Lock()
        self._local = threading.local()
        self._clock = threading.Lock()
        self.timings = {"parse_s": 0.0, "encode_s": 0.0, "encode_tokens_s": 0.0}

    @contextmanager
    def parsing(self) -> Iterator[None]:
        self._parse.acquire()
        self._local.parse_started = time.perf_counter()
        try:
            yield
        finally:
            self._end_parse()

    def _end_parse(self) -> None:
        started = getattr(self._local, "parse_started", None)
        if started is not None:
            self._local.parse_started = None
            self._add("parse_s", time.perf_counter() - started)
            self._parse.release()

    def _add(self, key: str, seconds: float) -> None:
        with self._clock:
            self.timings[key] += seconds

    def _run(self, key: str, call: Callable, texts: Sequence[str]):
        self._end_parse()
        # The analysis stages' look-ups (cached sentences, a few lemmas) need
        # not wait seconds for another thread's chunk to finish encoding.
        alone = len(texts) <= SMALL_CALL or self._cached(texts, tokens=key == "encode_tokens_s")
        with nullcontext() if alone else self._encode:
            started = time.perf_counter()
            try:
                return call(texts)
            finally:
                self._add(key, time.perf_counter() - started)

    def _cached(self, texts: Sequence[str], tokens: bool) -> bool:
        return isinstance(self.inner, CachedEmbedder) and self.inner.has(texts, tokens=tokens)

    def encode(self, texts: Sequence[str]):
        return self._run("encode_s", self.inner.encode, texts)

    def encode_tokens(self, texts: Sequence[str]):
        return self._run("encode_tokens_s", self.inner.encode_tokens, texts)
