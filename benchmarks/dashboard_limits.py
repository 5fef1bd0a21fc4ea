"""Dashboard limits: how long the worst accepted request takes at candidate limits.

The dashboard refuses an article over ``RequestLimits.max_chars`` characters or
``max_sentences`` sentences, and a comparison of more than ``max_articles``
articles or ``max_total_chars`` characters in all (compare/dashboard.py);
with k articles each gets min(max_chars, max_total_chars // k) characters here. This script times what the page does for
the largest input it accepts: parse and encode every article, then compare
the pair shown (``compare_articles``), and, with more than two articles, every
pair for the outlets tab (``compare_many``).

Inputs are synthetic, built at run time from the bundled corpus story
(corpus/duma-recognition): its sentences in a shuffled order, each copy with
its numbers shifted and a copy number in front, so that every sentence is a
new text for the parser and the encoder (the per-text caches would make
exact copies free) while A and B still share most facts (the work the fact
stage does grows with aligned pairs). Two shapes: ``news`` (the corpus
sentences, ~150 characters each) up to the character limit, and ``short``
(each sentence cut to its first 5 words, ~40 characters with the copy
number) up to the sentence limit: the most sentences the page accepts.

"cold" is the first request of a fresh process (spaCy and the sentence model
load inside it); "warm" requests run after it with new texts. The machine is
shared, so each row gives wall time, the CPU time of all the process's threads
(what the request costs whoever else runs; on 2 free cores wall time is at
most this) and the 1-minute load average. Peak memory is the process's ru_maxrss.

    python benchmarks/dashboard_limits.py                         # the shipped limits
    python benchmarks/dashboard_limits.py --chars 20000 --sentences 200 --articles 2 6
    python benchmarks/dashboard_limits.py --backend hashing       # no model (quick check)
    python benchmarks/dashboard_limits.py --estimate   # the pre-parse sentence estimate vs spaCy on BASIL
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import time
from pathlib import Path

from _common import REPO, SHARED, read_jsonl

from compare import CompareConfig
from compare.dashboard import LIMITS, estimate_sentences
from compare.story import compare_many
from compare.pipeline import compare_articles
from compare.segment import parse_many

CORPUS = REPO / "corpus" / "duma-recognition"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
NUMBER = re.compile(r"\d+")


def corpus_sentences() -> list[str]:
    """Sentences of the bundled story (a regex split is enough to build inputs)."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    return [s.strip() for s in SENTENCE_END.split(" ".join(text.split())) if len(s.split()) > 3]


def variant(sentence: str, copy: int) -> str:
    """A new text for every copy: numbers shifted, the copy number in front."""
    shifted = NUMBER.sub(lambda m: str(int(m.group()) + copy), sentence)
    return f"Update {copy}: {shifted}"


def shorten(sentence: str, words: int = 5) -> str:
    return " ".join(sentence.rstrip(".!?").split()[:words]) + "."


def synthetic_article(pool: list[str], seed: int, max_chars: int, max_sentences: int, shape: str) -> str:
    """Sentences of ``pool`` shuffled with ``seed`` and varied per copy, up to either limit."""
    rng, out, size, copy = random.Random(seed), [], 0, 0
    while True:
        copy += 1
        order = pool[:]
        rng.shuffle(order)
        for sentence in order:
            text = variant(shorten(sentence) if shape == "short" else sentence, copy + seed)
            if size + len(text) + 1 > max_chars or len(out) >= max_sentences:
                return " ".join(out)
            out.append(text)
            size += len(text) + 1


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(texts: list[str], config: CompareConfig) -> tuple[float, float]:
    """(wall seconds, CPU seconds of all threads) of the page's work on ``texts``."""
    t0, c0 = time.perf_counter(), cpu_seconds()
    if len(texts) == 2:
        compare_articles(texts[0], texts[1], config)
    else:  # the page compares the shown pair, then every pair for the outlets tab
        compare_many(texts, config)
    return time.perf_counter() - t0, cpu_seconds() - c0


def sentence_counts(texts: list[str], config: CompareConfig) -> list[int]:
    from compare import Article

    parsed = parse_many([Article(text=t) for t in texts], config.spacy_model, config.segmenter)
    return [len(sentences) for _, sentences in parsed]


def estimate_check(config: CompareConfig) -> None:
    """The page's pre-parse sentence estimate against spaCy's count on the BASIL dev articles."""
    import statistics

    events = read_jsonl(SHARED / "data" / "basil" / "basil_dev_2010_2014.jsonl")
    texts = [" ".join(a["sentences"]) for event in events for a in event["articles"]]
    counts = sentence_counts(texts, config)
    ratios = [estimate_sentences(t) / max(1, n) for t, n in zip(texts, counts)]
    print(f"BASIL articles={len(texts)} estimate/spaCy median={statistics.median(ratios):.2f} "
          f"min={min(ratios):.2f} max={max(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, nargs="+", default=[LIMITS.max_chars])
    parser.add_argument("--sentences", type=int, default=LIMITS.max_sentences)
    parser.add_argument("--total", type=int, default=LIMITS.max_total_chars, help="characters in all")
    parser.add_argument("--articles", type=int, nargs="+", default=[2, 3, LIMITS.max_articles])
    parser.add_argument("--shapes", nargs="+", default=["news", "short"], choices=["news", "short"])
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--repeat", type=int, default=2, help="warm runs per case (new texts each)")
    parser.add_argument("--estimate", action="store_true", help="only the sentence estimate check")
    args = parser.parse_args()
    config = CompareConfig(backend=args.backend)
    if args.estimate:
        return estimate_check(config)
    pool, seed = corpus_sentences(), 0
    print(f"backend={args.backend} corpus sentences={len(pool)} sentence limit={args.sentences} "
          f"total limit={args.total}")
    print(f"{'case':<6} {'shape':<6} {'k':>2} {'chars/art':>9} {'sent/art':>8} {'wall s':>7} {'CPU s':>6} "
          f"{'load':>5} {'peak MB':>8}")
    cold = True
    for k in args.articles:
        for max_chars in sorted({min(c, args.total // k) for c in args.chars}):
            for shape in args.shapes:
                for rep in range((1 if cold else 0) + args.repeat):
                    seed += 1
                    texts = [synthetic_article(pool, seed * 10 + n, max_chars, args.sentences, shape)
                             for n in range(k)]
                    wall, cpu = run(texts, config)
                    counts = sentence_counts(texts, config)
                    case = "cold" if cold else "warm"
                    cold = False
                    print(f"{case:<6} {shape:<6} {k:>2} {max(map(len, texts)):>9} {max(counts):>8} "
                          f"{wall:>7.1f} {cpu:>6.1f} {os.getloadavg()[0]:>5.1f} {peak_mb():>8.0f}", flush=True)


if __name__ == "__main__":
    main()
