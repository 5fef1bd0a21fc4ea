"""Fact stage on multi-sentence articles: token-level "only in one" on topical
pseudo-articles built from iSTS headlines.

``ists_tokens.py`` scores one headline against one headline, so it never
tests what the fact stage does across a whole article: a fact told in another
sentence than the aligned one, and the topic-wide similarity that makes every
sentence of a report look a little like every sentence of the other. Here the
iSTS headline pairs are grouped by topic (as in ``calibrate_alignment.py``):
article A holds the first headlines of a group of 10, article B the second
headlines of a random 70% of them plus two topical distractors, one headline
per line, in shuffled order. Gold, per token: a headline whose partner is in
the other article keeps its iSTS gold (NOALI or unaligned chunk = only in
one); a headline without its partner there is only-in-one as a whole. Gold is
conservative: two headlines of one group may share a fact that iSTS never
aligned (they are not a pair), and it counts as "only in one".

Prints P/R/F1 of the "only in one" class for the tool and for the contextual
baseline (1 - best cosine to any token of the whole other article, threshold
tuned here), plus the split by headline kind. Nothing is written.

    python benchmarks/ists_articles.py [--seeds 13 14 15] [--shared PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from _common import SHARED, read_jsonl
from calibrate_alignment import build_cases
from compare.config import CompareConfig
from compare.encoders import get_embedder
from compare.facts import warm_token_vectors
from compare.pipeline import compare_documents, prepare_documents
from compare.types import Article
from ists_tokens import (best_threshold, gold_unique, is_word, prf, token_offsets, unique_coverage,
                         word_difference_scores)


def article_of(rows: list[dict], items: list[tuple[int, int]], gold_of) -> tuple[str, list, list, list]:
    """One pseudo-article: text (one headline per line), token offsets, gold and
    the kind of each token's headline. ``items`` are (row, side) pairs."""
    lines, offsets, gold, kinds, cursor = [], [], [], [], 0
    for row, side in items:
        text = rows[row][f"sent{side}"]
        spans = token_offsets(text, rows[row][f"sent{side}_tokens"])
        keep = [is_word(t) for t in rows[row][f"sent{side}_tokens"]]
        g, kind = gold_of(row, side)
        offsets += [(s + cursor, e + cursor) for (s, e), k in zip(spans, keep) if k]
        gold += [x for x, k in zip(g, keep) if k]
        kinds += [kind] * sum(keep)
        lines.append(text)
        cursor += len(text) + 1
    return "\n".join(lines), offsets, gold, kinds


def build_articles(rows: list[dict], emb1: np.ndarray, emb2: np.ndarray, seed: int):
    """Pseudo-article pairs: [(A, B)] with A/B = (text, offsets, gold, kinds)."""
    out = []
    for group, b_rows, _, _, pairs in build_cases(rows, emb1, emb2, np.random.default_rng(seed)):
        paired_a = {group[i] for i, _ in pairs}
        paired_b = {b_rows[j] for _, j in pairs}

        def gold_a(row, side, paired=paired_a):
            n = len(rows[row]["sent1_tokens"])
            return (gold_unique(rows[row], 1), "paired") if row in paired else (np.ones(n, bool), "alone")

        def gold_b(row, side, paired=paired_b):
            n = len(rows[row]["sent2_tokens"])
            return (gold_unique(rows[row], 2), "paired") if row in paired else (np.ones(n, bool), "alone")

        out.append((article_of(rows, [(r, 1) for r in group], gold_a),
                    article_of(rows, [(r, 2) for r in b_rows], gold_b)))
    return out


def tool_predictions(cases, config: CompareConfig, embedder) -> list[np.ndarray]:
    articles = [Article(side[0], id=f"c{n}{'ab'[k]}") for n, case in enumerate(cases) for k, side in enumerate(case)]
    docs = prepare_documents(articles, config, embedder)
    warm_token_vectors(docs, config, embedder)
    out = []
    for n, (a, b) in enumerate(cases):
        comparison = compare_documents(docs[2 * n], docs[2 * n + 1], config, embedder)
        out += [unique_coverage(comparison, 0, a[1]), unique_coverage(comparison, 1, b[1])]
    return out


def contextual_predictions(cases, embedder) -> list[np.ndarray]:
    texts = [side[0] for case in cases for side in case]
    vectors = embedder.encode_tokens(texts)
    out = []
    for n, case in enumerate(cases):
        for k, side in enumerate(case):
            out.append(word_difference_scores(side[1], vectors[2 * n + k], vectors[2 * n + 1 - k]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--seeds", type=int, nargs="+", default=[13])
    args = parser.parse_args()
    config = CompareConfig(require_english=False)
    embedder = get_embedder(config.model, config.backend, config.batch_size)
    rows = read_jsonl(args.shared / "data" / "ists" / "ists2016_headlines_train.jsonl")
    emb1 = embedder.encode([r["sent1"] for r in rows])
    emb2 = embedder.encode([r["sent2"] for r in rows])
    cases = [case for seed in args.seeds for case in build_articles(rows, emb1, emb2, seed)]
    gold = np.concatenate([np.array(side[2], bool) for case in cases for side in case])
    kinds = np.concatenate([np.array(side[3]) for case in cases for side in case])
    print(f"{len(cases)} pseudo-article pairs (seeds {args.seeds}), {len(gold)} tokens, {gold.sum()} gold only-in-one")
    tool = np.concatenate(tool_predictions(cases, config, embedder))
    print("tool                  P %.3f  R %.3f  F1 %.3f" % prf(gold, tool))
    for kind in ("paired", "alone"):
        mask = kinds == kind
        print(f"   {kind:6} headlines: P %.3f  R %.3f  F1 %.3f" % prf(gold[mask], tool[mask]))
    scores = np.concatenate(contextual_predictions(cases, embedder))
    threshold, figures = best_threshold(gold, scores)
    print("contextual baseline   P %.3f  R %.3f  F1 %.3f  (threshold %.2f tuned here)" % (*figures, threshold))


if __name__ == "__main__":
    main()
