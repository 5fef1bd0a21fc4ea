"""Outlet profiles on BASIL dev stories: the naming and omission table for Fox, NYT and HuffPost.

Runs the local batch path over the first ``--stories`` BASIL events (a
temporary corpus; nothing is copied into the repository), or reads the tables
of an existing run (``--results``), and prints ``newscompare profile``'s outlet
table and naming table.

    python benchmarks/profile_basil.py --stories 50 --backend onnx
    python benchmarks/profile_basil.py --results results/
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from batch_throughput import BASIL, write_corpus
from _common import read_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compare.batch import BatchOptions, run_batch  # noqa: E402
from compare.config import CompareConfig  # noqa: E402
from compare.corpus import corpus_stories  # noqa: E402
from compare.pipeline import default_embedder  # noqa: E402
from compare.profile import profile_tables, read_tables  # noqa: E402

COLUMNS = ["outlet", "articles", "words", "facts_reported", "facts_exclusive", "exclusive_share",
           "facts_in_stories", "facts_left_out", "left_out_share", "hedges", "hedges_per_1000_words", "names",
           "main_convention", "main_convention_share"]


def print_profiles(results: Path) -> None:
    profiles = profile_tables(read_tables(results))
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        outlets = profiles["outlets"]
        print(outlets[[c for c in COLUMNS if c in outlets]].to_string(index=False))
        print("\nnaming conventions (distinct names per article):")
        print(profiles["naming"].to_string(index=False) if len(profiles["naming"]) else "(no names with variants)")
        print(f"\nrecurring labels/qualifiers: {len(profiles['labels'])} rows")
        print(profiles["labels"].head(15).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--basil", default=str(BASIL))
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--results", type=Path, help="profile this run's tables instead of running")
    args = parser.parse_args()
    if args.results:
        print_profiles(args.results)
        return
    events = read_jsonl(Path(args.basil))[: args.stories]
    config = CompareConfig(backend=args.backend)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = corpus_stories(write_corpus(events, Path(tmp) / "corpus", 1))
        started = time.perf_counter()
        result = run_batch(corpus, config, default_embedder(config),
                           BatchOptions(out_dir=Path(tmp) / "out", progress=False))
        print(f"{len(events)} BASIL stories, backend {args.backend}: run {time.perf_counter() - started:.1f} s, "
              f"{result.errors} errors\n")
        print_profiles(Path(tmp) / "out")


if __name__ == "__main__":
    main()
