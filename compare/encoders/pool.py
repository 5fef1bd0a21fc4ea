"""Embedding stage, worker processes: fixed chunks of texts encoded on several cores.

For encoders whose work holds the GIL (USE multilingual v3's pure-Python
tokenizer is about a third of its cost a text), threads do not scale; worker
processes do. Each worker gets the encoder once (inherited on fork, or
pickled without its loaded model on spawn, then loaded on first use), runs
one BLAS thread, and encodes whole chunks. A chunk's vectors depend on the
chunk only (the encoder's own batches are cut from the start of each call),
never on which process or how many encoded it, so ``workers`` changes the
wall time and not one bit of the result (tests/test_encoder_pool.py).
"""
from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

_WORKER: dict = {}  # the encoder of this worker process (set by _start_worker)


def process_safe(encoder: object) -> bool:
    """True when ``encoder`` may be copied into worker processes (it says so
    with ``process_safe = True``: it loads its model lazily and holds no
    handle a fork or a pickle would break)."""
    return bool(getattr(encoder, "process_safe", False))


def encode_in_processes(encoder, chunks: Sequence[Sequence[str]], workers: int) -> list[np.ndarray]:
    """``[encoder.encode(chunk) for chunk in chunks]``, the chunks spread over
    ``workers`` processes (in order; one chunk a task)."""
    workers = min(workers, len(chunks))
    if workers <= 1:
        return [np.asarray(encoder.encode(list(chunk)), dtype=np.float32) for chunk in chunks]
    log.info("encoding %d chunks on %d worker processes", len(chunks), workers)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(),
                             initializer=_start_worker, initargs=(encoder,)) as pool:
        return list(pool.map(_encode_chunk, [list(chunk) for chunk in chunks]))


def _start_worker(encoder) -> None:
    """Worker start: one BLAS thread (the cores are the workers'), keep the encoder."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    _WORKER["encoder"] = encoder


def _encode_chunk(chunk: list[str]) -> np.ndarray:
    return np.asarray(_WORKER["encoder"].encode(chunk), dtype=np.float32)
