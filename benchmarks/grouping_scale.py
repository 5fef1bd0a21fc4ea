"""Story grouping at scale: wall time, CPU time, encoder time and peak memory on N replicated dev articles.

    python benchmarks/grouping_scale.py --size 1000 --backend onnx-int8   # one size, one process: one JSON line
    python benchmarks/grouping_scale.py --size 100000 --backend hashing   # the grouping's own cost (no model)
    python benchmarks/grouping_scale.py --leads 400 --backend onnx-int8   # encoder cost per lead, real vs perturbed text
    python benchmarks/grouping_scale.py --table runs.jsonl                # the curve from saved JSON lines

Run each size in its own command (peak memory is the process's); the machine
is shared, so every line carries the load average beside its timings. The
pile: N short articles made from the mixed-short dev pile (title + 300
characters); copy k of an article gets letters that spell k appended to every
word, k's digits to every number, and a tenth of its words dropped, so copies
are new stories with gold labels (B-cubed figures on that pile). The marks make
the text tokenise into more pieces than real text (about 103 tokens a lead
against 67), so encoder times on this pile overstate real short articles:
``--leads`` measures both.
"""
from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import random
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grouping import PILES, scores  # noqa: E402

from compare.grouping import GroupingConfig, group_with_confidence  # noqa: E402
from compare.grouping.features import lead_text  # noqa: E402
from compare.types import Article  # noqa: E402

_WORD = re.compile(r"[A-Za-z]+|\d+")


def perturbed_pile(n: int, seed: int = 7) -> tuple[list[Article], list[str]]:
    """``n`` short articles and their gold stories (see the module docstring)."""
    rng = random.Random(seed)
    base = PILES["mixed-short"]()
    articles, gold = [], []
    for k in range(n):
        item, copy = base[k % len(base)], k // len(base)
        mark = functools.partial(_mark, tag="".join(chr(ord("q") + int(d)) for d in str(copy)), digits=str(copy))
        words = [w for w in item.article.text.split() if rng.random() > 0.1]
        text, title = " ".join(words), item.article.title
        if copy:
            text, title = _WORD.sub(mark, text), _WORD.sub(mark, title)
        articles.append(dataclasses.replace(item.article, text=text, title=title, id=str(k)))
        gold.append(f"{copy}:{item.story}")
    return articles, gold


def _mark(match, tag: str, digits: str) -> str:
    word = match.group()
    return word + (digits if word[0].isdigit() else tag)


class TimedEmbedder:
    """Counts the seconds spent in the encoder, to tell them from the grouping's own."""

    def __init__(self, inner):
        self.inner, self.name, self.seconds = inner, inner.name, 0.0

    def encode(self, texts):
        start = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - start


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def scale_run(n: int, backend: str) -> dict:
    from compare.encoders import get_embedder

    articles, gold = perturbed_pile(n)
    timed = TimedEmbedder(get_embedder(backend=backend))
    load_before, cpu_before = os.getloadavg()[0], cpu_seconds()
    start = time.perf_counter()
    grouping = group_with_confidence(articles, GroupingConfig(), timed)
    elapsed = time.perf_counter() - start
    return {"articles": n, "backend": backend, "seconds": round(elapsed, 1),
            "grouping_cpu_seconds": round(cpu_seconds() - cpu_before, 1),
            "encoder_seconds": round(timed.seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            **{k: round(v, 3) for k, v in scores(np.array(grouping.labels), np.array(gold)).items()}}


def lead_costs(count: int, backend: str) -> list[dict]:
    """Encoder CPU milliseconds per lead on real mixed-short leads and on perturbed ones."""
    from compare.encoders import get_embedder, runtime_of

    encoder = runtime_of(get_embedder(backend=backend))  # no cache: every lead is encoded
    encoder.encode(["warm up"])
    real = [i.article for i in PILES["mixed-short"]()][:count]
    perturbed = perturbed_pile(947 + count)[0][947:]
    rows = []
    for name, articles in (("real", real), ("perturbed", perturbed)):
        leads = [lead_text(a, GroupingConfig.lead_chars) for a in articles]
        load, cpu, start = os.getloadavg()[0], cpu_seconds(), time.perf_counter()
        encoder.encode(leads)
        rows.append({"leads": name, "count": len(leads), "backend": backend,
                     "cpu_ms_per_lead": round((cpu_seconds() - cpu) * 1000 / len(leads), 1),
                     "wall_ms_per_lead": round((time.perf_counter() - start) * 1000 / len(leads), 1),
                     "load": round(load, 1)})
    return rows


def print_table(lines: list[dict]) -> None:
    print(f"{'articles':>8} {'backend':<10} {'wall s':>7} {'encoder s':>9} {'grouping CPU s':>14} {'peak MB':>7} "
          f"{'load':>9} {'P':>6} {'R':>6} {'F1':>6}")
    for r in sorted(lines, key=lambda r: (r["backend"], r["articles"])):
        print(f"{r['articles']:>8,} {r['backend']:<10} {r['seconds']:>7.1f} {r['encoder_seconds']:>9.1f} "
              f"{r['grouping_cpu_seconds']:>14.1f} {r['peak_rss_mb']:>7,} {'-'.join(map(str, r['load'])):>9} "
              f"{r['P']:6.3f} {r['R']:6.3f} {r['F1']:6.3f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, metavar="N", help="group N replicated articles (one JSON line)")
    parser.add_argument("--leads", type=int, metavar="N", help="encoder CPU cost per lead on N leads")
    parser.add_argument("--backend", default="onnx-int8", help="encoder (hashing: the grouping's own cost)")
    parser.add_argument("--table", type=Path, help="print the curve from a file of saved JSON lines")
    args = parser.parse_args(argv)
    if args.size:
        print(json.dumps(scale_run(args.size, args.backend)), flush=True)
    if args.leads:
        for row in lead_costs(args.leads, args.backend):
            print(json.dumps(row), flush=True)
    if args.table:
        print_table([json.loads(ln) for ln in args.table.read_text().splitlines() if '"articles"' in ln])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
