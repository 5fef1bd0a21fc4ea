"""A learned pairwise link scorer over the mentions' token vectors, on ECB+ dev topics 1-35.

Issue 12, sixth round (docs/links.md). The fourth round's scorer
(links_scorer.py) read 26 scalar features of a candidate pair (cosine of
the heads, same stem, names ...) and reached 0.636 out of fold. Here, as in
Cattan et al. 2021 (frozen span vectors, a pairwise MLP over the pair's
vectors, agglomerative average link), the model also reads the vectors: per
mention the encoder's last-layer token vectors the stage already has (head
word, whole span, context window, sentence mean; no new encoder call) and
flags (kind, subtype, pronoun, name). Feature groups (``--groups``):
"products" [a*b, |a-b|] of each representation (3,072 columns; they fit the
topics seen and fail on the others), "cosines" of every two representations
(10), "margins" (how a pair's cosine stands out of both ends' background, 9),
"cheap" (leave out the scalar features computed pair by pair in Python).

Candidates and labels as in links_scorer.py. Protocol: 5-fold BY TOPIC
(index mod 5), nested: per fold the model is fitted and the threshold
chosen on the other four fifths (the best all-pairs F1 among thresholds whose
precision there reaches ``--min-precision``), the fifth scored; the
all-data fit beside it, and each threshold out of fold.

    python benchmarks/links_vectors.py                          # MLP (32) over scalars, cosines, margins (~6 min)
    python benchmarks/links_vectors.py --model lr --penalty 20 --groups products   # Cattan-style vector products
The first run builds /tmp/newscompare-ecb-links/vecpairs.pkl from ecb_links.py's caches (~30 s).
"""
from __future__ import annotations

import argparse
import heapq
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

import ecb_links as E
import links_scorer as S
from _links_eval import prf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare.config import CompareConfig  # noqa: E402
from compare.links import cluster as C  # noqa: E402
from compare.links.signals import _token_means, sentence_tokens  # noqa: E402
from compare.segment import sentences_from_doc  # noqa: E402

STORE = E.CACHE / "vecpairs.pkl"
SUBTYPES = ("person", "organisation", "group", "place", "date", "number", "thing", "verbal", "nominal")


def sentence_means(sentences, mentions, encoded) -> np.ndarray:
    """Per mention: the L2-normalised mean token vector of its sentence."""
    out = np.zeros((len(mentions), next(v.shape[1] for _, v in encoded.values() if len(v))), dtype=np.float32)
    for row, m in enumerate(mentions):
        vectors = encoded[(m.article, m.sentence)][1]
        if len(vectors):
            mean = vectors.mean(axis=0)
            out[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return out


def flags(mentions) -> np.ndarray:
    """Per mention: kind, subtype one-hot, pronoun, name."""
    return np.array([[float(m.kind == "event")] + [float(m.subtype == s) for s in SUBTYPES]
                     + [float(m.pronoun), float(bool(m.name))] for m in mentions], dtype=np.float32)


def build(config: CompareConfig) -> dict:
    rows, parsed, embedder, own = E.own_mentions(config)
    data = []
    t0 = time.process_time()
    for row, docs, (mentions, vectors, labels, windows) in zip(rows, parsed, own):
        embedder.use(row["subtopic"])
        sentences = [sentences_from_doc(d) for d in docs]
        encoded = sentence_tokens(sentences, mentions, embedder)
        spans = _token_means(sentences, mentions, embedder, lambda m: ((m.start, m.end),), encoded)
        pairs, x, y = S.pair_table(row, mentions, vectors, labels, config.links)
        data.append({"mentions": mentions, "labels": labels, "heads": vectors, "windows": windows, "spans": spans,
                     "sentences": sentence_means(sentences, mentions, encoded), "flags": flags(mentions),
                     "pairs": pairs, "scalars": x, "y": y})
    print(f"pairs and vectors: {time.process_time() - t0:.1f} s CPU", flush=True)
    return {"rows": rows, "data": data}


def load(config: CompareConfig) -> dict:
    if STORE.exists():
        return pickle.loads(STORE.read_bytes())
    store = build(config)
    STORE.write_bytes(pickle.dumps(store))
    return store


PARTS = ("heads", "windows", "spans", "sentences")
# Scalar features of links_scorer.py computed pair by pair in Python (names,
# arguments, time anchors, texts): "--cheap" leaves them out, to measure what
# a model over the features numpy computes for all pairs at once keeps.
PER_PAIR = ("same written name", "names match", "both names, no match", "shared args / 3", "same request",
            "time conflict", "same text", "he/she/who and a person", "it/they and a group or thing")


def cosines(d: dict) -> np.ndarray:
    """(n_pairs, 10): symmetric cosines of every two representations (head-head, head-window ... sentence-sentence)."""
    i, j = d["pairs"][:, 0], d["pairs"][:, 1]
    cols = [0.5 * (np.sum(d[p][i] * d[q][j], axis=1) + np.sum(d[q][i] * d[p][j], axis=1))
            for n, p in enumerate(PARTS) for q in PARTS[n:]]
    return np.stack(cols, axis=1)


def margins(d: dict, part: str, k: int = 3) -> np.ndarray:
    """(n_pairs, 3): how a pair's cosine stands out of each end's background
    (DESIGN-NOTES 1, margin scoring): cosine minus the mean of both ends' top-k
    cosines to same-kind mentions of the other end's article; how many ends
    have the other as their best match there (0-2); both (mutual best)."""
    mentions, vectors = d["mentions"], d[part]
    article = np.array([m.article for m in mentions])
    kind = np.array([m.kind for m in mentions])
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1.0)
    background = np.zeros((len(mentions), article.max(initial=0) + 1), np.float32)
    best = np.zeros_like(background)
    for a in np.unique(article):
        for same in ("event", "entity"):
            cols, rows = np.flatnonzero((article == a) & (kind == same)), np.flatnonzero(kind == same)
            if len(cols):
                top = -np.sort(-sims[np.ix_(rows, cols)], axis=1)[:, :k]
                background[rows, a], best[rows, a] = top.mean(axis=1), top[:, 0]
    i, j = d["pairs"][:, 0], d["pairs"][:, 1]
    c = sims[i, j]
    first, second = c >= best[i, article[j]] - 1e-6, c >= best[j, article[i]] - 1e-6
    return np.stack([c - 0.5 * (background[i, article[j]] + background[j, article[i]]),
                     first.astype(np.float32) + second, first & second], axis=1)


def pair_inputs(d: dict, groups=("cosines", "margins")) -> np.ndarray:
    """(n_pairs, f): the scalar features of links_scorer.py, the window cosine,
    both ends' flags (sum and product), then per group: "products" [a*b, |a-b|]
    of each representation (4 x 768 columns), "cosines" (10), "margins" (9)."""
    i, j = d["pairs"][:, 0], d["pairs"][:, 1]
    scalars = d["scalars"][:, [k for k, n in enumerate(S.FEATURES) if n not in PER_PAIR]] if "cheap" in groups else d["scalars"]
    cols = [scalars, np.sum(d["windows"][i] * d["windows"][j], axis=1, keepdims=True),
            d["flags"][i] + d["flags"][j], d["flags"][i] * d["flags"][j]]
    if "products" in groups:
        for p in PARTS:
            a, b = d[p][i], d[p][j]
            cols += [a * b, np.abs(a - b)]
    if "heads" in groups:
        a, b = d["heads"][i], d["heads"][j]
        cols += [a * b, np.abs(a - b)]
    if "cosines" in groups:
        cols.append(cosines(d))
    if "margins" in groups:
        cols += [margins(d, p) for p in ("heads", "spans", "windows")]
    return np.concatenate(cols, axis=1).astype(np.float32)


def counts_at(rows, data, probs, method, t, links_config, subset) -> Counter:
    return sum((E.link_counts(rows[k], data[k]["mentions"], data[k]["labels"],
                              method(data[k], probs[k], t, links_config)) for k in subset), Counter())


def rules_groups(d, links_config) -> list[list[int]]:
    return C.partition(d["mentions"], d["heads"], links_config, d["windows"])[0]


def average_link(d, probs, t, links_config, start=None) -> list[list[int]]:
    """Average link from ``start`` (default the rules' clusters): merge the two
    clusters with the highest mean probability over their scored pairs while
    it reaches t (rules' vetoes)."""
    mentions = d["mentions"]
    groups = C._Groups(mentions)
    for group in (start(d, links_config) if start else rules_groups(d, links_config)):
        for x in group[1:]:
            groups.union(group[0], x)
    return S.groups_of(_merge(groups, d["pairs"], probs, t), len(mentions))


def _merge(groups, pairs, probs, t):
    """Merge ``groups`` (a ``cluster._Groups``) by the mean probability of the
    scored pairs between two clusters, highest first, while it reaches t."""
    score: dict = {}
    for (i, j), p in zip(pairs.tolist(), probs.tolist()):
        x, y = groups.find(i), groups.find(j)
        if x != y:
            key = (min(x, y), max(x, y))
            s = score.setdefault(key, [0.0, 0])
            s[0] += p
            s[1] += 1
    heap = [(-s[0] / s[1], k) for k, s in score.items()]
    heapq.heapify(heap)
    while heap:
        neg, key = heapq.heappop(heap)
        if key not in score or abs(-neg - score[key][0] / score[key][1]) > 1e-12:
            continue  # stale
        if -neg < t:
            break
        total, n = score.pop(key)
        if not groups.union(*key):
            continue
        root = groups.find(key[0])
        for other in [k for k in score if (k[0] in key or k[1] in key)]:
            s, c = score.pop(other)
            z = other[0] if other[1] in key else other[1]
            if z in key:
                continue
            nk = (min(root, z), max(root, z))
            cur = score.setdefault(nk, [0.0, 0])
            cur[0] += s
            cur[1] += c
            heapq.heappush(heap, (-cur[0] / cur[1], nk))
    return groups


def names_and_pronouns(d, links_config) -> list[list[int]]:
    """Cattan's start: singletons, joined only by the rules' pronoun / syntactic links and name links."""
    mentions = d["mentions"]
    groups = C._Groups(mentions)
    for i, j, _ in C.pronoun_links(mentions, links_config.pronoun_window, links_config.syntactic_links):
        groups.union(i, j)
    ambiguous = C.ambiguous_surnames(mentions)
    for _, i, j, why in C.scored_edges(mentions, d["heads"], links_config, d["windows"]):
        if why.startswith("same name") and not C.lone_ambiguous_surname(mentions[i], mentions[j], ambiguous):
            groups.union(i, j)
    return S.groups_of(groups, len(mentions))


def from_scratch(d, probs, t, links_config):
    return average_link(d, probs, t, links_config, start=names_and_pronouns)


def fit(xs, ys, model: str, penalty: float, seed: int = 0):
    """Standardised inputs, then logistic regression (``penalty`` = 1/C) or a
    one-hidden-layer MLP ("mlp-<hidden>", ``penalty`` = L2 alpha, early stopping)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = np.concatenate(xs), np.concatenate(ys)
    keep = y >= 0
    if model == "lr":
        head = LogisticRegression(C=1 / penalty, max_iter=2000)
    else:
        head = MLPClassifier((int(model.split("-")[1]),), alpha=penalty, batch_size=256, early_stopping=True,
                             n_iter_no_change=4, max_iter=100, random_state=seed)
    return make_pipeline(StandardScaler(), head).fit(x[keep], y[keep])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="mlp-32", help="lr | mlp-<hidden>")
    parser.add_argument("--penalty", type=float, default=0.01, help="1/C of the logistic regression, or the MLP's alpha")
    parser.add_argument("--seed", type=int, default=0, help="the MLP's initialisation and validation split")
    parser.add_argument("--groups", default="cosines,margins", help="of: products, heads, cosines, margins, cheap ('' = scalars only)")
    parser.add_argument("--thresholds", default="0.45,0.5,0.55,0.6,0.65,0.7,0.75")
    parser.add_argument("--methods", default="average,scratch")
    parser.add_argument("--min-precision", type=float, default=0.78,
                        help="nested: pick the best-F1 threshold among those reaching this all-pairs precision on the 4/5")
    args = parser.parse_args()
    config = CompareConfig()
    store = load(config)
    rows, data = store["rows"], store["data"]
    t0 = time.process_time()
    xs = [pair_inputs(d, tuple(g for g in args.groups.split(",") if g)) for d in data]
    ys = [d["y"] for d in data]
    print(f"inputs {xs[0].shape[1]} features, {sum(len(x) for x in xs)} pairs ({time.process_time() - t0:.1f} s)", flush=True)
    topics = sorted({r["topic"] for r in rows})
    fold_of = {t: k % E.FOLDS for k, t in enumerate(topics)}
    folds = [fold_of[r["topic"]] for r in rows]
    everything = range(len(rows))
    print(E.line("rules (configured)", sum((E.link_counts(rows[k], data[k]["mentions"], data[k]["labels"],
                                                          rules_groups(data[k], config.links)) for k in everything), Counter())))
    thresholds = [float(t) for t in args.thresholds.split(",")]
    methods = {"average": ("average link on the rules", average_link), "scratch": ("average link from names", from_scratch)}
    methods = [methods[m] for m in args.methods.split(",")]
    # Out-of-fold probabilities: fitted once per fold, reused by every method.
    oof, per_fold = [None] * len(rows), {}
    from sklearn.metrics import roc_auc_score
    for fold in range(E.FOLDS):
        t0 = time.process_time()
        train = [k for k in everything if folds[k] != fold]
        model = fit([xs[k] for k in train], [ys[k] for k in train], args.model, args.penalty, args.seed)
        per_fold[fold] = [model.predict_proba(x)[:, 1] if len(x) else np.zeros(0) for x in xs]
        for k in everything:
            if folds[k] == fold:
                oof[k] = per_fold[fold][k]
        print(f"  fold {fold} fitted ({time.process_time() - t0:.0f} s CPU)", flush=True)
    y, p = np.concatenate(ys), np.concatenate(oof)
    print(f"out-of-fold ROC AUC {roc_auc_score(y[y >= 0], p[y >= 0]):.4f}")
    t0 = time.process_time()
    model = fit(xs, ys, args.model, args.penalty, args.seed)
    allfit = [model.predict_proba(x)[:, 1] if len(x) else np.zeros(0) for x in xs]
    print(f"all-data fit ({time.process_time() - t0:.0f} s CPU)", flush=True)
    for name, method in methods:
        on_all = {}
        for t in thresholds:
            on_all[t] = counts_at(rows, data, allfit, method, t, config.links, everything)
            print(E.line(f"{name} t={t} (fit on all)", on_all[t]))
            print(E.line(f"{name} t={t} (out of fold)", counts_at(rows, data, oof, method, t, config.links, everything)), flush=True)
        pick = choose(on_all, args.min_precision)
        print(E.line(f"{name} all-data fit, t={pick} chosen on all", on_all[pick]))
        held, picks = Counter(), []
        for fold in range(E.FOLDS):
            train = [k for k in everything if folds[k] != fold]
            test = [k for k in everything if folds[k] == fold]
            probs = per_fold[fold]
            picks.append(choose({t: counts_at(rows, data, probs, method, t, config.links, train) for t in thresholds},
                                args.min_precision))
            held += counts_at(rows, data, probs, method, picks[-1], config.links, test)
        print(E.line(f"{name} {E.FOLDS}-fold nested (fit, t on 4/5)", held), f"picks {picks}", flush=True)


def choose(counts: dict, min_precision: float) -> float:
    """The threshold with the best all-pairs F1 among those whose precision
    reaches ``min_precision``; when none does, the most precise."""
    scores = {t: prf(c, "all") for t, c in counts.items()}
    return max(scores, key=lambda t: (scores[t][0] >= min_precision,
                                      scores[t][2] if scores[t][0] >= min_precision else scores[t][0]))


if __name__ == "__main__":
    main()
