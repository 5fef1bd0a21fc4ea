"""Calibrate the sentence-alignment thresholds (AlignConfig) on iSTS headlines.

Pseudo-articles: the 756 iSTS headline pairs are grouped by topic (greedy
nearest neighbours of the first headline), so that every article is about one
subject, like two reports of one event. Article A holds the first headlines of
a group; article B holds the second headlines of a random 70% of the group plus
two topical distractors from the next group. Gold status of each headline:
  shared  - its counterpart is in the other article and the iSTS chunk alignment
            covers >= 70% of both headlines with score >= 3 (same fact);
  partial - counterpart present, coverage 30-70% (same topic, other facts);
  unique  - no counterpart present, or coverage < 15%.
Pairs with coverage 15-30% are ambiguous and left out of the scores.

Prints the score distributions of true pairs vs non-pairs, the macro-F1 of
sentence status for the current config, and a grid search over the thresholds.

    python benchmarks/calibrate_alignment.py [--backend torch] [--shared ../shared]
"""
from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np

from _common import SHARED, read_jsonl
from compare.align import align_from_scores, combined_similarity, lexical_overlap, margin_matrix
from compare.config import AlignConfig, CompareConfig
from compare.encoders import get_embedder
from compare.segment import content_words, load_spacy
from compare.types import Sentence

GROUP = 10


def coverage(row: dict) -> float:
    """Share of the less-covered headline that is in aligned chunks with score >= 3."""
    cov1, cov2 = set(), set()
    for a in row["alignments"]:
        if a["s1_token_ids"] and a["s2_token_ids"] and a["score"] >= 3:
            cov1 |= set(a["s1_token_ids"])
            cov2 |= set(a["s2_token_ids"])
    return min(len(cov1) / len(row["sent1_tokens"]), len(cov2) / len(row["sent2_tokens"]))


def pair_class(cov: float) -> str | None:
    if cov >= 0.7:
        return "shared"
    if cov >= 0.3:
        return "partial"
    return "unique" if cov < 0.15 else None


def topic_groups(emb1: np.ndarray, size: int = GROUP) -> list[list[int]]:
    """Greedy clusters of ``size`` pairs whose first headlines are most similar."""
    free = set(range(len(emb1)))
    groups = []
    while len(free) >= size:
        seed = min(free)
        cand = sorted(free, key=lambda j: -float(emb1[seed] @ emb1[j]))[:size]
        groups.append(cand)
        free -= set(cand)
    return groups


def headline_words(texts: list[str], spacy_model: str) -> list[frozenset[str]]:
    """Content words of each headline (the aligner's lexical evidence)."""
    docs = load_spacy(spacy_model).pipe(texts, batch_size=256)
    return [content_words(doc, (Sentence(0, 0, len(doc.text), doc.text),))[0] for doc in docs]


def build_cases(rows, emb1, emb2, rng):
    """Yield (A rows, B rows, gold status A, gold status B, gold pairs); rows
    index the pair list (B's are the pairs' second headlines)."""
    classes = [pair_class(coverage(r)) for r in rows]
    groups = topic_groups(emb1)
    for g, group in enumerate(groups):
        keep = [i for i in group if rng.random() < 0.7]
        distractors = list(groups[(g + 1) % len(groups)][:2])
        b_items = [("pair", i) for i in keep] + [("extra", i) for i in distractors]
        rng.shuffle(b_items)
        gold_a = [classes[i] if i in keep else "unique" for i in group]
        gold_b = [classes[i] if kind == "pair" else "unique" for kind, i in b_items]
        pairs = {(group.index(i), k) for k, (kind, i) in enumerate(b_items) if kind == "pair"}
        yield group, [i for _, i in b_items], gold_a, gold_b, pairs


def macro_f1(gold: list, pred: list) -> float:
    scores = []
    for label in ("shared", "partial", "unique"):
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def evaluate(cases, cfg: AlignConfig) -> dict:
    gold, pred = [], []
    unique_gold, unique_pred = [], []
    for a, b, cos, lex, gold_a, gold_b, _ in cases:
        sim = combined_similarity(a, b, lex, cfg.lexical_weight) if lex is not None else cos
        al = align_from_scores(sim, margin_matrix(sim, cfg.margin_k), a, b, cfg)
        for g, p in zip(gold_a + gold_b, al.status_a + al.status_b):
            if g is not None:
                gold.append(g)
                pred.append(p)
                unique_gold.append(g == "unique")
                unique_pred.append(p == "unique")
    ug, up = np.array(unique_gold), np.array(unique_pred)
    tp = float((ug & up).sum())
    return {"macro_f1": macro_f1(gold, pred), "accuracy": float(np.mean(np.array(gold) == np.array(pred))),
            "unique_p": tp / max(up.sum(), 1), "unique_r": tp / max(ug.sum(), 1)}


def distributions(cases) -> None:
    """Print cosine and margin of true pairs (by class) and of non-pairs."""
    buckets: dict[str, list[tuple[float, float]]] = {"shared": [], "partial": [], "non-pair": []}
    for _, _, sim, lex, gold_a, _, pairs in cases:
        margin = margin_matrix(sim + 0.3 * lex, 4)
        for i, j in itertools.product(range(sim.shape[0]), range(sim.shape[1])):
            key = gold_a[i] if (i, j) in pairs else "non-pair"
            if key in buckets:
                buckets[key].append((float(sim[i, j]), float(margin[i, j])))
    for key, vals in buckets.items():
        arr = np.array(vals)
        q = lambda col: " ".join(f"{x:.2f}" for x in np.percentile(arr[:, col], [10, 25, 50, 75, 90]))
        print(f"{key:9} n={len(arr):5}  cosine p10/25/50/75/90: {q(0)}   margin (lexical 0.3): {q(1)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--backend", default=CompareConfig().backend, help="torch, onnx, onnx-int8 or hashing")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rows = read_jsonl(args.shared / "data" / "ists" / "ists2016_headlines_train.jsonl")
    embedder = get_embedder(CompareConfig().model, args.backend)
    emb1 = embedder.encode([r["sent1"] for r in rows])
    emb2 = embedder.encode([r["sent2"] for r in rows])
    words1 = headline_words([r["sent1"] for r in rows], CompareConfig().spacy_model)
    words2 = headline_words([r["sent2"] for r in rows], CompareConfig().spacy_model)
    base = AlignConfig()
    cases = []
    for ia, ib, gold_a, gold_b, pairs in build_cases(rows, emb1, emb2, np.random.default_rng(args.seed)):
        a, b = emb1[ia], emb2[ib]
        lex = lexical_overlap([words1[i] for i in ia], [words2[j] for j in ib])
        cases.append((a, b, a @ b.T, lex, gold_a, gold_b, pairs))
    print(f"{len(cases)} pseudo-article pairs from {len(rows)} iSTS headline pairs ({embedder.name})")
    distributions(cases)
    print("current config:", {k: round(v, 3) for k, v in evaluate(cases, base).items()})
    grid = itertools.product((0.0, 0.15, 0.3, 0.5), (1.0, 1.1, 1.2, 1.3), (0.55, 0.6, 0.65, 0.7, 0.75),
                             (1.0, 1.1), (0.35, 0.4, 0.45))
    results = []
    for lw, em, ec, rm, rc in grid:
        if rm > em or rc > ec:
            continue
        cfg = replace(base, lexical_weight=lw, equivalent_margin=em, equivalent_cosine=ec,
                      related_margin=rm, related_cosine=rc)
        results.append((evaluate(cases, cfg), cfg))
    results.sort(key=lambda x: -x[0]["macro_f1"])
    for lw in (0.0, 0.15, 0.3, 0.5):
        res, cfg = next(x for x in results if x[1].lexical_weight == lw)
        print(f"best at lexical_weight={lw}: macro-F1 {res['macro_f1']:.3f}")
    for res, cfg in results[:8]:
        print(f"lexical_weight={cfg.lexical_weight} eq_margin={cfg.equivalent_margin} eq_cos={cfg.equivalent_cosine} rel_margin={cfg.related_margin} "
              f"rel_cos={cfg.related_cosine}:", {k: round(v, 3) for k, v in res.items()})


if __name__ == "__main__":
    main()
