"""Linking stage's cost: compare and write BASIL stories with links on and off, profiled.

Prepares the first N BASIL dev stories once (parse, sentence vectors, token
vectors: the work both runs share), then compares every story and renders
its outputs (``outputs.story_files``, and ``corpus_tables.story_table_rows`` as
``done.json`` holds them: the batch's write stage, without the disk) with the linking stage off and
on, alternating, in this thread. Prints the CPU time of each run split into
compare and write (the heap frozen as ``batch.run_batch`` does), and with ``--profile N`` the N functions under
``compare/`` the links run spends most cumulative time in.

    python benchmarks/links_cost.py --stories 10
    python benchmarks/links_cost.py --stories 10 --profile 60
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import read_jsonl  # noqa: E402
from batch_throughput import BASIL  # noqa: E402


def prepared_stories(count: int, config, embedder) -> list[list]:
    """The first ``count`` BASIL events as prepared documents, token vectors cached."""
    from compare.facts.extract import warm_token_vectors
    from compare.pipeline import prepare_documents
    from compare.types import Article

    stories = []
    for event in read_jsonl(BASIL)[:count]:
        articles = [Article(text=a.get("title", "") + "\n\n" + " ".join(s.strip() for s in a["sentences"] if s.strip()),
                            source=a["source"], id=a["source"]) for a in event["articles"]]
        documents = prepare_documents(articles, config, embedder)
        warm_token_vectors(list(documents), config, embedder)
        stories.append(documents)
    return stories


def run(stories: list[list], config, embedder) -> tuple[float, float]:
    """CPU seconds spent comparing and rendering the outputs of every story."""
    from compare.corpus_tables import story_table_rows
    from compare.json_text import indented_json
    from compare.outputs import story_files
    from compare.story import compare_story

    compare_s = write_s = 0.0
    for documents in stories:
        t0 = time.process_time()
        story = compare_story(documents, config, embedder)
        t1 = time.process_time()
        story_files(story, ("json", "html"))
        indented_json({"tables": story_table_rows(story, config)})  # as in done.json
        compare_s, write_s = compare_s + t1 - t0, write_s + time.process_time() - t1
    return compare_s, write_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10, help="BASIL dev stories (default: 10)")
    parser.add_argument("--repeat", type=int, default=2, help="off/on run pairs (default: 2)")
    parser.add_argument("--profile", type=int, default=0, help="print this many profile lines of a links run")
    args = parser.parse_args()
    from compare.batch import frozen_heap
    from compare.config import CompareConfig
    from compare.pipeline import default_embedder

    config = CompareConfig()
    off = replace(config, links=replace(config.links, enabled=False))
    embedder = default_embedder(config)
    with frozen_heap():  # as ``run_batch`` reads and compares its stories
        stories = prepared_stories(args.stories, config, embedder)
        for _ in range(args.repeat):
            for name, cfg in (("off", off), ("on", config)):
                compare_s, write_s = run(stories, cfg, embedder)
                print(f"links {name}: CPU compare {compare_s:.2f} s, write {write_s:.2f} s, total {compare_s + write_s:.2f} s")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            run(stories, config, embedder)
            profile.disable()
    if args.profile:
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(r"compare/", args.profile)
        print(text.getvalue())


if __name__ == "__main__":
    main()
