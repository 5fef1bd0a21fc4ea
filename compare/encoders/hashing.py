"""Embedding stage, test stand-in: a deterministic hashing encoder that loads no model."""
from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from .base import TokenVectors, normalise_rows


_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic fake encoder for tests: hashed bag of lower-cased words
    and word bigrams. Same words -> same vector; disjoint words -> ~orthogonal."""

    process_safe = True  # no model: copies into worker processes encode alike

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
