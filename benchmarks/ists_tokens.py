"""Benchmark of the fact stage: token-level "only in one report" detection.

Scores three systems on the iSTS 2016 headlines (train split, used as dev):
each headline is a one-sentence article; a token is gold "only in this
headline" when its chunk is NOALI or in no alignment at all.

- tool: ``compare_documents`` on the two headlines; a token is predicted
  unique when most of its characters fall in a ``unique`` highlight;
- lexical baseline: a content token is unique when its lower-cased lemma is
  absent from the other headline;
- contextual baseline (Vamvas & Sennrich 2023): a word's difference score is
  1 - its highest cosine to any token of the other headline (encoder's last
  layer, averaged over the word's subwords); the threshold is tuned on the
  same data, so this baseline is optimistic.

Also scores the seed pair against ``shared/eval/seed_pair_gold.json``.
Figures are printed; nothing is written. Run from the repo root:

    python benchmarks/ists_tokens.py [--limit N] [--shared PATH]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from compare.config import CompareConfig  # noqa: E402
from compare.encoders import get_embedder  # noqa: E402
from compare.facts import warm_token_vectors  # noqa: E402
from compare.ingest import read_article  # noqa: E402
from compare.pipeline import compare_articles, compare_documents, prepare_documents  # noqa: E402
from compare.segment import load_spacy  # noqa: E402
from compare.types import Article, Comparison  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared"
ISTS = Path("data/ists/ists2016_headlines_train.jsonl")
SEED_GOLD = Path("eval/seed_pair_gold.json")
SEED_PAIR = REPO / "corpus" / "duma-recognition"


# ---------------------------------------------------------------- gold

def load_pairs(path: Path, limit: int | None = None) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        pairs = [json.loads(line) for line in fh if line.strip()]
    return pairs[:limit] if limit else pairs


def token_offsets(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """Character ``(start, end)`` of each whitespace token, in order. A token
    the text lacks (one gold token carries a stray ':') is cut until found."""
    out, cursor = [], 0
    for token in tokens:
        while token and text.find(token, cursor) < 0:
            token = token[:-1]
        start = text.find(token, cursor) if token else cursor
        out.append((start, start + len(token)))
        cursor = start + len(token)
    return out


def gold_unique(pair: dict, side: int) -> np.ndarray:
    """Bool per token of headline ``side`` (1 or 2): no counterpart chunk."""
    mine, other = ("s1_token_ids", "s2_token_ids") if side == 1 else ("s2_token_ids", "s1_token_ids")
    aligned = {i for al in pair["alignments"] if al[other] for i in al[mine]}
    return np.array([i not in aligned for i in range(1, len(pair[f"sent{side}_tokens"]) + 1)])


def is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


# ---------------------------------------------------------------- scoring

def prf(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive ("only in one") class."""
    tp = float((gold & pred).sum())
    p = tp / max(pred.sum(), 1)
    r = tp / max(gold.sum(), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(gold: np.ndarray, scores: np.ndarray) -> tuple[float, tuple[float, float, float]]:
    """Threshold on ``scores`` (>= is positive) with the best F1 on this data."""
    best = (0.0, (0.0, 0.0, 0.0))
    for t in np.arange(0.05, 0.95, 0.01):
        figures = prf(gold, scores >= t)
        if figures[2] > best[1][2]:
            best = (round(float(t), 2), figures)
    return best


# ---------------------------------------------------------------- systems

def lexical_predictions(texts: list[str], offsets: list[list[tuple[int, int]]], other: list[int]) -> list[np.ndarray]:
    """Lexical baseline: content token unique when its lemma is absent from the other text."""
    nlp = load_spacy(CompareConfig().spacy_model)
    docs = list(nlp.pipe(texts, batch_size=64))
    lemmas = [{t.lemma_.lower() for t in d if not t.is_punct} | {t.lower_ for t in d} for d in docs]
    out = []
    for n, (doc, spans) in enumerate(zip(docs, offsets)):
        by_start = {t.idx: t for t in doc}
        pred = []
        for start, _ in spans:
            tok = by_start.get(start)
            content = tok is not None and not (tok.is_stop or tok.is_punct)
            pred.append(bool(content and tok.lemma_.lower() not in lemmas[other[n]]
                             and tok.lower_ not in lemmas[other[n]]))
        out.append(np.array(pred))
    return out


def word_difference_scores(offsets, tokens_self, tokens_other) -> np.ndarray:
    """Per word: mean over its subwords of 1 - max cosine to the other text's tokens."""
    sub_offsets, sub_vectors = tokens_self
    best = (sub_vectors @ tokens_other[1].T).max(axis=1) if len(tokens_other[1]) and len(sub_vectors) else np.zeros(len(sub_vectors))
    scores = []
    for start, end in offsets:
        inside = (sub_offsets[:, 0] < end) & (sub_offsets[:, 1] > start) if len(sub_offsets) else np.zeros(0, bool)
        scores.append(float(1 - best[inside].mean()) if inside.any() else 1.0)
    return np.array(scores)


def contextual_scores(texts, offsets, other, embedder) -> list[np.ndarray]:
    token_vectors = embedder.encode_tokens(texts)
    return [word_difference_scores(offsets[n], token_vectors[n], token_vectors[other[n]]) for n in range(len(texts))]


def unique_coverage(comparison: Comparison, side: int, spans: list[tuple[int, int]]) -> np.ndarray:
    """Per span: True when most of its characters fall in a ``unique`` highlight."""
    covered = np.zeros(len((comparison.a, comparison.b)[side].article.text), dtype=bool)
    for h in comparison.highlights:
        if h.article == side and h.status == "unique":
            covered[h.start:h.end] = True
    return np.array([covered[s:e].mean() > 0.5 if e > s else False for s, e in spans])


def tool_predictions(texts, offsets, config, embedder) -> tuple[list[np.ndarray], dict[str, float]]:
    """Run the tool the way a user would, batched: prepare all (parse and
    encode), then compare per pair. Returns predictions and timings."""
    t0 = time.perf_counter()
    articles = [Article(text, id=f"h{n}") for n, text in enumerate(texts)]
    docs = prepare_documents(articles, config, embedder)
    timings = {"prepare_s": time.perf_counter() - t0}
    t0 = time.perf_counter()
    warm_token_vectors(docs, config, embedder)
    timings["facts_s"] = time.perf_counter() - t0  # the token vectors' share of the fact stage
    out = []
    for n in range(0, len(docs), 2):
        comparison = compare_documents(docs[n], docs[n + 1], config, embedder)
        timings["facts_s"] += dict(comparison.meta)["timings"].get("facts_s", 0.0)
        out += [unique_coverage(comparison, 0, offsets[n]), unique_coverage(comparison, 1, offsets[n + 1])]
    timings["total_s"] = timings["prepare_s"] + time.perf_counter() - t0
    return out, timings


# ---------------------------------------------------------------- seed gold

def seed_report(gold_path: Path, config: CompareConfig, embedder) -> dict:
    """Coverage of the seed gold by the tool's ``unique`` highlights."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    a, b = read_article(SEED_PAIR / "a-wire.txt"), read_article(SEED_PAIR / "b-state.txt")
    comparison = compare_articles(a, b, config, embedder)
    texts = (a.text, b.text)

    def covered(side: int, snippet: str) -> float:
        start = texts[side].index(snippet)
        return float(unique_coverage(comparison, side, [(start, start + len(snippet))])[0])

    def share(side: int, snippet: str) -> float:
        start = texts[side].index(snippet)
        mask = np.zeros(len(texts[side]), bool)
        for h in comparison.highlights:
            if h.article == side and h.status == "unique":
                mask[h.start:h.end] = True
        return float(mask[start:start + len(snippet)].mean())

    only = [(0, s) for s in gold["only_in_a"]] + [(1, s) for s in gold["only_in_b"]]
    hits = [(side, s) for side, s in only if covered(side, s)]
    alarms = [(side, s) for item in gold["shared_facts"] for side, s in ((0, item["a"]), (1, item["b"]))
              if share(side, s) > 0.5]
    vote_conflicts = [f for f in comparison.facts if f.status == "conflict" and "MP" in f.text]
    return {"only_covered": len(hits), "only_total": len(only),
            "missed": [s for side, s in only if (side, s) not in hits],
            "shared_marked_unique": len(alarms), "shared_alarms": [s for _, s in alarms],
            "conflicts": [(f.text, f.reason) for f in comparison.facts if f.status == "conflict"],
            "vote_conflicts": len(vote_conflicts)}


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="path of the shared data folder")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N headline pairs")
    parser.add_argument("--no-tool", action="store_true", help="baselines only")
    parser.add_argument("--lexical", action="store_true",
                        help="also score the tool without token vectors (FactsConfig.use_token_vectors=False)")
    parser.add_argument("--kfold", type=int, default=0, metavar="K",
                        help="also sweep highlight_unique_threshold and print a K-fold estimate (threshold chosen on the "
                             "other folds of pairs) beside the best threshold on all of dev")
    parser.add_argument("--all-tokens", action="store_true",
                        help="also score punctuation tokens (by default only tokens with a letter or digit)")
    args = parser.parse_args(argv)
    config = CompareConfig(require_english=False)
    embedder = get_embedder(config.model, config.backend, config.batch_size)

    pairs = load_pairs(args.shared / ISTS, args.limit)
    texts = [p[f"sent{side}"] for p in pairs for side in (1, 2)]
    tokens = [p[f"sent{side}_tokens"] for p in pairs for side in (1, 2)]
    offsets = [token_offsets(t, toks) for t, toks in zip(texts, tokens)]
    gold = [gold_unique(p, side) for p in pairs for side in (1, 2)]
    other = [n + 1 if n % 2 == 0 else n - 1 for n in range(len(texts))]
    keep = np.concatenate([[is_word(t) or args.all_tokens for t in toks] for toks in tokens])
    flat_gold = np.concatenate(gold)[keep]
    print(f"iSTS headlines: {len(pairs)} pairs, {keep.sum()} tokens scored, {flat_gold.sum()} gold only-in-one")

    lexical = np.concatenate(lexical_predictions(texts, offsets, other))[keep]
    print("lexical baseline      P %.3f  R %.3f  F1 %.3f" % prf(flat_gold, lexical))
    if not args.no_tool:  # before the contextual baseline, so the tool pays for its own token vectors
        tool_report(texts, offsets, config, embedder, flat_gold, keep, args.lexical)
    scores = np.concatenate(contextual_scores(texts, offsets, other, embedder))[keep]
    threshold, figures = best_threshold(flat_gold, scores)
    print("contextual baseline   P %.3f  R %.3f  F1 %.3f  (threshold %.2f tuned here)" % (*figures, threshold))
    if args.kfold:
        pair_of = np.concatenate([[n // 2] * len(g) for n, g in enumerate(gold)])[keep]
        folds = pair_of % args.kfold
        pred = np.zeros_like(flat_gold)
        for k in range(args.kfold):
            t, _ = best_threshold(flat_gold[folds != k], scores[folds != k])
            pred[folds == k] = scores[folds == k] >= t
        print("contextual baseline   %d-fold F1 %.3f  (all-dev tuned %.3f)" % (args.kfold, prf(flat_gold, pred)[2],
                                                                              figures[2]))
        if not args.no_tool:
            kfold_tool(texts, offsets, config, embedder, flat_gold, keep, folds, args.kfold)
    if not args.no_tool:
        seed_lines(args.shared / SEED_GOLD, embedder)


def tool_report(texts, offsets, config, embedder, flat_gold, keep, lexical: bool) -> None:
    predictions, timings = tool_predictions(texts, offsets, config, embedder)
    print("tool                  P %.3f  R %.3f  F1 %.3f  (%.1fs: parse+encode %.1fs, fact stage %.1fs"
          " incl. one batched token pass)"
          % (*prf(flat_gold, np.concatenate(predictions)[keep]), timings["total_s"], timings["prepare_s"],
             timings["facts_s"]))
    if lexical:
        lexical_config = replace(config, facts=replace(config.facts, use_token_vectors=False))
        predictions, timings = tool_predictions(texts, offsets, lexical_config, embedder)
        print("tool, no token vectors P %.3f  R %.3f  F1 %.3f  (fact stage %.1fs)"
              % (*prf(flat_gold, np.concatenate(predictions)[keep]), timings["facts_s"]))


SWEEP = (0.38, 0.42, 0.46, 0.50, 0.54, 0.58)


def kfold_tool(texts, offsets, config, embedder, flat_gold, keep, folds, k: int) -> None:
    """The tool's highlight threshold (``highlight_unique_threshold``, what
    the highlights scored here read) chosen on K-1 folds of pairs, scored on
    the held-out fold."""
    runs = {}
    for t in SWEEP:
        swept = replace(config, facts=replace(config.facts, highlight_unique_threshold=t))
        runs[t] = np.concatenate(tool_predictions(texts, offsets, swept, embedder)[0])[keep]
        print("tool at highlight_unique_threshold %.2f   P %.3f  R %.3f  F1 %.3f" % (t, *prf(flat_gold, runs[t])))
    pred = np.zeros_like(flat_gold)
    for fold in range(k):
        train = folds != fold
        best = max(SWEEP, key=lambda t: prf(flat_gold[train], runs[t][train])[2])
        pred[folds == fold] = runs[best][folds == fold]
    all_dev = max(prf(flat_gold, runs[t])[2] for t in SWEEP)
    print("tool                  %d-fold F1 %.3f  beside all-dev best %.3f (gap %.3f)"
          % (k, prf(flat_gold, pred)[2], all_dev, all_dev - prf(flat_gold, pred)[2]))


def seed_lines(gold_path: Path, embedder) -> None:
    seed = seed_report(gold_path, CompareConfig(), embedder)
    print(f"seed gold: {seed['only_covered']}/{seed['only_total']} only-in-one snippets covered by unique highlights")
    for snippet in seed["missed"]:
        print(f"   missed: {snippet}")
    print(f"seed gold: {seed['shared_marked_unique']} shared-fact snippets marked unique (false alarms)")
    for snippet in seed["shared_alarms"]:
        print(f"   false alarm: {snippet}")
    print(f"seed gold: {len(seed['conflicts'])} conflicts flagged, {seed['vote_conflicts']} of them on the MP votes")
    for text, reason in seed["conflicts"]:
        print(f"   conflict: {text} — {reason}")


if __name__ == "__main__":
    main()
