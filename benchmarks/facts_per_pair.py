"""One-sided facts per BASIL dev pair: how much the page lists as "only in one".

For the first ``--stories`` BASIL dev events, every pair of the three
outlets' articles is compared (story batch path: one parse and one encoding
per article). Prints the median and 90th percentile of one-sided facts per
pair (only_a + only_b), of conflicts, and of key differences when the
comparison has them. Texts are read from ../shared at run time.

    python benchmarks/facts_per_pair.py [--stories 20] [--show-conflicts]
"""
from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

from _common import SHARED, read_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compare.config import CompareConfig  # noqa: E402
from compare.encoders import get_embedder  # noqa: E402
from compare.pipeline import compare_documents, prepare_documents  # noqa: E402
from compare.types import Article  # noqa: E402

try:  # absent before issue 13: the "before" figures run this script on the older tree
    from compare.facts.salience import key_differences  # noqa: E402
except ImportError:
    key_differences = None

BASIL = SHARED / "data" / "basil" / "basil_dev_2010_2014.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--basil", default=str(BASIL))
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--show-conflicts", action="store_true", help="print every conflict with its reason")
    args = parser.parse_args()
    config = CompareConfig()
    embedder = get_embedder(config.model, config.backend, config.batch_size)
    one_sided, conflicts, keys, started = [], [], [], time.time()
    for story in read_jsonl(Path(args.basil))[: args.stories]:
        articles = [Article(" ".join(s.strip() for s in a["sentences"] if s.strip()), id=a["source"],
                            title=a.get("title", ""), date=a.get("date", "")) for a in story["articles"]]
        docs = prepare_documents(articles, config, embedder)
        for i, j in combinations(range(len(docs)), 2):
            result = compare_documents(docs[i], docs[j], config, embedder)
            one_sided.append(sum(f.status in ("only_a", "only_b") for f in result.facts))
            conflicts.append(sum(f.status == "conflict" for f in result.facts))
            for f in (f for f in result.facts if f.status == "conflict" and args.show_conflicts):
                print(f"  {story['main_event'][:40]} {articles[i].id}/{articles[j].id}: {f.kind} | {f.reason}")
            if key_differences is not None:
                kd = key_differences(result.facts)
                keys.append(len(kd["only_a"]) + len(kd["only_b"]))
    print(f"{len(one_sided)} pairs of {args.stories} BASIL dev stories ({time.time() - started:.0f} s)")
    for name, values in (("one-sided facts", one_sided), ("conflicts", conflicts), ("key differences", keys)):
        if values:
            print(f"{name:16s} median {np.median(values):.0f}  p90 {np.percentile(values, 90):.0f}  "
                  f"mean {np.mean(values):.1f}  total {sum(values)}")


if __name__ == "__main__":
    main()
