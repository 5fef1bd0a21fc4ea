"""Benchmark of the encoder backends (issue #7): torch vs ONNX Runtime fp32 vs int8.

One run prints, for every backend against torch (the reference):
- throughput on the BASIL dev sentences; the backends take turns chunk by
  chunk, so that all of them see the same load on a shared machine, and the
  figure that matters is the ratio to torch within this run;
- mean / min cosine of each backend's sentence embeddings to torch's;
- BASIL article pairs (gold sentences) whose alignment is identical to torch's;
- the seed pair: identical alignment beads, facts, and the seed-gold scores
  of benchmarks/seed_alignment.py;
- cold start: the first comparison in a new process, with an empty ONNX cache
  (includes the one-time export and quantization) and with a filled one.

    python benchmarks/encoders.py [--events N] [--backends torch,onnx,onnx-int8] [--parts speed,seed,cold]

Fact-level scores on iSTS (benchmarks/ists_tokens.py, one backend per run;
it has no backend flag yet, so its config is pointed at the backend here):

    python benchmarks/encoders.py --ists onnx-int8
"""
from __future__ import annotations

import argparse
import functools
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from _common import SHARED, read_jsonl  # noqa: E402
from compare import CompareConfig, compare_articles, read_article  # noqa: E402
from compare.align import align  # noqa: E402
from compare.config import AlignConfig  # noqa: E402

BASIL = Path("data") / "basil" / "basil_dev_2010_2014.jsonl"
SEED = REPO / "corpus" / "duma-recognition"


def basil_articles(shared: Path) -> list[list[list[str]]]:
    """Events -> articles -> gold sentences."""
    return [[article["sentences"] for article in event["articles"]] for event in read_jsonl(shared / BASIL)]


def raw_embedder(backend: str):
    """The backend's encoder without the per-text cache (so every call encodes)."""
    from compare.encoders import SentenceTransformerEmbedder

    if backend == "torch":
        return SentenceTransformerEmbedder()
    from compare.encoders.onnx import OnnxEmbedder

    return OnnxEmbedder(quantized=backend == "onnx-int8")


def interleaved_throughput(embedders: dict, events: list[list[list[str]]]) -> tuple[dict, dict]:
    """Encode every event's sentences with every embedder, event by event,
    rotating who goes first. One call per event, as the pipeline encodes a
    story's articles in one call. Returns ({backend: seconds}, {backend: (n, d)
    embeddings in event order})."""
    names = list(embedders)
    seconds = dict.fromkeys(names, 0.0)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for k, articles in enumerate(events):
        chunk = [s for sentences in articles for s in sentences]
        for name in names[k % len(names):] + names[:k % len(names)]:
            t0 = time.perf_counter()
            parts[name].append(embedders[name].encode(chunk))
            seconds[name] += time.perf_counter() - t0
    return seconds, {name: np.concatenate(chunks) for name, chunks in parts.items()}


def alignment_key(alignment) -> list[tuple]:
    return [(p.a, p.b, p.kind) for p in alignment.pairs]


def basil_alignment_agreement(events: list[list[list[str]]], vectors: np.ndarray, reference: np.ndarray) -> tuple:
    """(article pairs with identical alignment, article pairs, beads in both / beads in either)."""
    identical = pairs = both = either = 0
    offset = 0
    for articles in events:
        spans = []
        for sentences in articles:
            spans.append(slice(offset, offset + len(sentences)))
            offset += len(sentences)
        for x, y in itertools.combinations(spans, 2):
            got = set(alignment_key(align(vectors[x], vectors[y], AlignConfig())))
            want = set(alignment_key(align(reference[x], reference[y], AlignConfig())))
            identical += got == want
            pairs += 1
            both += len(got & want)
            either += len(got | want)
    return identical, pairs, both / max(either, 1)


def seed_results(backends: list[str], shared: Path) -> dict:
    """Per backend: (alignment beads, facts, seed-gold score) on the seed pair."""
    import json

    from seed_alignment import score

    gold = json.loads((shared / "eval" / "seed_pair_gold.json").read_text(encoding="utf-8"))
    a, b = read_article(SEED / "a-wire.txt"), read_article(SEED / "b-state.txt")
    out = {}
    for backend in backends:
        comparison = compare_articles(a, b, CompareConfig(backend=backend))
        result = score(comparison, gold)
        out[backend] = {
            "beads": alignment_key(comparison.alignment),
            "facts": [(f.kind, f.status, f.text) for f in comparison.facts],
            "shared_aligned": sum(kind is not None for *_, kind, _ in result["shared"]),
            "shared_total": len(result["shared"]),
            "unique_marked": sum(status == "unique" for _, _, status, _ in result["unique"]),
            "unique_total": len(result["unique"]),
        }
    return out


def cold_start(backend: str, cache: str) -> tuple[float, str]:
    """Wall seconds of a new process that makes one comparison, and its report."""
    env = dict(os.environ, NEWSCOMPARE_CACHE_DIR=cache)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--cold-child", backend], env=env,
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, done.stdout.strip()


def cold_child(backend: str) -> None:
    t0 = time.perf_counter()
    compare_articles(read_article(SEED / "a-wire.txt"), read_article(SEED / "b-state.txt"),
                     CompareConfig(backend=backend))
    print(f"first comparison {time.perf_counter() - t0:.1f}s")


def run_ists(backend: str) -> None:
    """benchmarks/ists_tokens.py with its config pointed at ``backend``."""
    import ists_tokens

    ists_tokens.CompareConfig = functools.partial(CompareConfig, backend=backend)
    print(f"ists_tokens.py with backend={backend}")
    ists_tokens.main([])


def print_throughput(seconds: dict, n: int) -> None:
    import torch

    print(f"\nthroughput on {n} BASIL dev sentences (torch threads {torch.get_num_threads()}, "
          f"load average {os.getloadavg()[0]:.1f} at the end):")
    for name, s in seconds.items():
        print(f"  {name:10} {s:7.1f}s  {n / s:6.0f} sentences/s  x{seconds['torch'] / s:.2f} torch")


def print_quality(events, vectors: dict) -> None:
    print("\nembeddings vs torch, and BASIL article-pair alignments identical to torch's:")
    for name, v in vectors.items():
        if name == "torch":
            continue
        cosine = (v * vectors["torch"]).sum(axis=1)
        same, pairs, bead_share = basil_alignment_agreement(events, v, vectors["torch"])
        print(f"  {name:10} cosine mean {cosine.mean():.4f} min {cosine.min():.4f} p1 {np.percentile(cosine, 1):.4f}"
              f" | alignments identical {same}/{pairs}, beads shared {bead_share:.3f}")


def print_seed(seed: dict) -> None:
    print("\nseed pair (corpus/duma-recognition), vs torch:")
    ref = seed["torch"]
    for name, r in seed.items():
        print(f"  {name:10} beads {len(r['beads'])} identical={r['beads'] == ref['beads']}"
              f" | facts {len(r['facts'])} identical={r['facts'] == ref['facts']}"
              f" | gold: shared aligned {r['shared_aligned']}/{r['shared_total']},"
              f" only-in-one in unique sentences {r['unique_marked']}/{r['unique_total']}")


def print_cold(backends: list[str]) -> None:
    print("\ncold start (new process: imports, model/ONNX load, one seed-pair comparison):")
    for backend in backends:
        with tempfile.TemporaryDirectory() as cache:  # a fresh cache per backend: its export is timed
            for label in [""] if backend == "torch" else ["empty cache", "cached"]:
                wall, report = cold_start(backend, cache)
                print(f"  {backend:10} {label:12} {wall:6.1f}s wall ({report})")


def speed_and_quality(backends: list[str], events: list[list[list[str]]]) -> None:
    sentences = [s for articles in events for sentences in articles for s in sentences]
    embedders = {b: raw_embedder(b) for b in backends}
    for name, embedder in embedders.items():  # load (and build, if needed) outside the timing
        t0 = time.perf_counter()
        embedder.encode(sentences[:8])
        print(f"{name}: loaded in {time.perf_counter() - t0:.1f}s")
    seconds, vectors = interleaved_throughput(embedders, events)
    print_throughput(seconds, len(sentences))
    print_quality(events, vectors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED, help="shared data folder (BASIL, seed gold)")
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--events", type=int, default=None, help="first N BASIL events only")
    parser.add_argument("--parts", default="speed,seed,cold", help="which figures to print (comma-separated)")
    parser.add_argument("--ists", metavar="BACKEND", help="only run benchmarks/ists_tokens.py on BACKEND")
    parser.add_argument("--cold-child", metavar="BACKEND", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        return cold_child(args.cold_child)
    if args.ists:
        return run_ists(args.ists)
    backends = ["torch"] + [b for b in args.backends.split(",") if b != "torch"]
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")
    parts = set(args.parts.split(","))
    if "speed" in parts:
        speed_and_quality(backends, basil_articles(args.shared)[:args.events])
    if "seed" in parts:
        print_seed(seed_results(backends, args.shared))
    if "cold" in parts:
        print_cold(backends)


if __name__ == "__main__":
    main()
