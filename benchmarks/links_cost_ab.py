"""Linking stage's cost, A/B in one process: another commit's package against this one, interleaved.

On a machine whose load moves (other sessions), two runs of ``links_cost.py``
minutes apart differ by more than a change saves. This script imports the
``compare`` package of another commit under the name ``compare_base`` next to
this checkout's, prepares the first N BASIL dev stories with each, and
compares and renders each story with links off and on, alternating the two
packages story by story (the order flipped every other story); it prints
the median over ``--repeat`` rounds of the CPU time of compare and write,
and the on - off differences of each round.

    git archive main compare | tar -x -C /tmp/main-src
    python benchmarks/links_cost_ab.py --base /tmp/main-src --stories 10 --repeat 4
"""
from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import read_jsonl  # noqa: E402
from batch_throughput import BASIL  # noqa: E402


def version(package: str, count: int):
    """(run(k, mode) -> (compare CPU s, write CPU s) for story k, links "off"/"on") with ``package``."""
    def m(name: str):
        return importlib.import_module(f"{package}.{name}")

    config = m("config").CompareConfig()
    configs = {"off": replace(config, links=replace(config.links, enabled=False)), "on": config}
    embedder = m("pipeline").default_embedder(config)
    article = m("types").Article
    stories = []
    for event in read_jsonl(BASIL)[:count]:
        articles = [article(text=a.get("title", "") + "\n\n" + " ".join(s.strip() for s in a["sentences"] if s.strip()),
                            source=a["source"], id=a["source"]) for a in event["articles"]]
        documents = m("pipeline").prepare_documents(articles, config, embedder)
        m("facts.extract").warm_token_vectors(list(documents), config, embedder)
        stories.append(documents)

    def run(k: int, mode: str) -> tuple[float, float]:
        t0 = time.process_time()
        story = m("story").compare_story(stories[k], configs[mode], embedder)
        t1 = time.process_time()
        m("outputs").story_files(story, ("json", "html"))
        m("json_text").indented_json({"tables": m("corpus_tables").story_table_rows(story, configs[mode])})
        return t1 - t0, time.process_time() - t1
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="a directory holding the other commit's compare/")
    parser.add_argument("--stories", type=int, default=10, help="BASIL dev stories (default: 10)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the stories (default: 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(args.base / "compare", Path(tmp) / "compare_base")
        sys.path.insert(0, tmp)
        runs = {name: version(name, args.stories) for name in ("compare_base", "compare")}
        totals = {(name, mode, part): [] for name in runs for mode in ("off", "on") for part in (0, 1)}
        for name, run in runs.items():  # warm the caches both ways
            for k in range(args.stories):
                run(k, "off"), run(k, "on")
        for r in range(args.repeat):
            sums = dict.fromkeys(totals, 0.0)
            for k in range(args.stories):
                order = list(runs.items()) if (k + r) % 2 == 0 else list(runs.items())[::-1]
                for mode in ("off", "on"):
                    for name, run in order:
                        for part, seconds in enumerate(run(k, mode)):
                            sums[(name, mode, part)] += seconds
            for key, value in sums.items():
                totals[key].append(value)

    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    for name in runs:
        line = [f"{'base' if name == 'compare_base' else 'this':4s}"]
        for part, label in ((0, "compare"), (1, "write")):
            off, on = totals[(name, "off", part)], totals[(name, "on", part)]
            diffs = " ".join(f"{b - a:.2f}" for a, b in zip(off, on))
            line.append(f"{label} off {median(off):.2f} s, on {median(on):.2f} s (on - off per round: {diffs})")
        print(" | ".join(line))


if __name__ == "__main__":
    main()
