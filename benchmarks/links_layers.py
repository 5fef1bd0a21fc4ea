"""Issue 12, seventh round: link cosines from a middle layer of the encoder instead of its last.

Every cosine rule of the linking stage reads all-MiniLM-L6-v2's last-layer
token vectors (``signals.mention_vectors`` / ``window_vectors``). Here the
token vectors come from hidden layer k (1..6) or the mean of a few layers
(each layer's token vectors L2-normalised, then averaged), all from ONE
forward pass (``output_hidden_states``), with the tool's tokenisation and
offsets; the tool's own mentions of ECB+ dev topics 1-35 (ecb_links.py).

The thresholds were fitted to last-layer cosines, and a middle layer's
cosines sit elsewhere, so every variant is re-tuned on the same grid, read
off that variant's own cosines of the pairs each threshold decides (e.g.
cross-article same-head event pairs for ``same_head_min_cosine``): the
threshold above which lies the share of pairs that the configured value
leaves above it in the last layer, times a few factors. Event links only
join event mentions and entity links entity mentions, so the event
thresholds are tuned on the event mentions alone and the entity ones on
the entity mentions alone and a combination's counts are the sum (checked
against clustering all at once: 0.651 / 0.650). Printed per variant: the
configured thresholds carried over by that share (factor 1), the all-data
optimum and a 5-fold estimate over topics (the combination chosen on 4/5
of the topics, best all-pairs F1 with precision >= 0.78 there, scored on
the fifth), each scored by clustering all mentions at once. Before the
grid, per variant and threshold: how well the cosine alone separates
coreferent pairs (ROC AUC; recall at precision 0.8 and 0.5).

Variants: "4" layer 4, "3-5" layers 3 to 5, "4+6" layers 4 and 6, "6w4"
heads from layer 6 and context windows (the entity window rule) from 4.

    python benchmarks/links_layers.py                     # every variant (~40 min; caches in /tmp)
    python benchmarks/links_layers.py --variants 6 4 3-5  # some of them
    python benchmarks/links_layers.py --no-grid --cost 960   # AUCs, and the forward pass timed
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import pickle
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

import ecb_links as E
from _common import read_jsonl
from _links_eval import KINDS, prf, to_gold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare.config import CompareConfig  # noqa: E402
from compare.encoders.base import normalise_rows  # noqa: E402
from compare.links.signals import (mention_vectors, same_head, sentence_tokens, shared_args,  # noqa: E402
                                   window_vectors)
from compare.segment import sentences_from_doc  # noqa: E402

CACHE = Path("/tmp/newscompare-links-layers")
VARIANTS = ("6", "1", "2", "3", "4", "5", "3-5", "2-4", "4-6", "4+6", "6w4", "6w3-5")
MIN_PRECISION = 0.78
# Each threshold is placed where the share of its pairs at or above it is the
# configured last-layer value's share times these factors.
EVENT_GRID = {"same_head_min_cosine": (1.6, 1.25, 1.0, 0.8, 0.6),
              "event_min_cosine": (1.6, 1.25, 1.0, 0.8),
              "within_event_min_cosine": (1.25, 1.0, 0.8)}
ENTITY_GRID = {"entity_same_head_min_cosine": (1.2, 1.0, 0.8),
               "entity_window_head_min_cosine": (1.4, 1.0, 0.7),
               "entity_window_min_cosine": (1.4, 1.0, 0.7)}


def layers_of(variant: str) -> tuple[int, ...]:
    """"4" -> (4,), "3-5" -> (3, 4, 5), "4+6" -> (4, 6)."""
    if "-" in variant:
        a, b = map(int, variant.split("-"))
        return tuple(range(a, b + 1))
    return tuple(int(x) for x in variant.split("+"))


class HiddenLayers:
    """Every hidden state of the torch backend's one forward pass, per text
    (tokenisation and offsets as ``SentenceTransformerEmbedder._forward``),
    kept in memory for the current subtopic."""

    def __init__(self, config: CompareConfig):
        from compare.encoders.torch import SentenceTransformerEmbedder

        self.embedder = SentenceTransformerEmbedder(config.model, batch_size=32)
        self.store: dict = {}

    def encode(self, texts) -> None:
        import torch

        missing = [t for t in dict.fromkeys(texts) if t not in self.store]
        module = self.embedder.model[0]
        for start in range(0, len(missing), 32):
            batch = missing[start:start + 32]
            enc = module.tokenizer(batch, padding=True, truncation=True, max_length=module.max_seq_length,
                                   return_offsets_mapping=True, return_special_tokens_mask=True, return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            keep = ((enc.pop("special_tokens_mask") == 0) & (enc["attention_mask"] == 1)).numpy()
            with torch.inference_mode():
                states = module.auto_model(**enc, output_hidden_states=True).hidden_states
            layers = np.stack([s.float().numpy() for s in states], axis=1)  # (batch, 7, seq, d)
            for i, text in enumerate(batch):
                self.store[text] = (offsets[i][keep[i]].astype(np.int64), layers[i][:, keep[i]])


class LayerView:
    """A token embedder whose vectors are the variant's layers of ``HiddenLayers``."""

    def __init__(self, hidden: HiddenLayers, layers: tuple[int, ...]):
        self.hidden, self.layers, self.name = hidden, layers, "layers-" + "-".join(map(str, layers))

    def encode_tokens(self, texts):
        self.hidden.encode(texts)
        out = []
        for t in texts:
            offsets, states = self.hidden.store[t]
            mixed = np.mean([normalise_rows(states[k]) for k in self.layers], axis=0)
            out.append((offsets, normalise_rows(mixed)))
        return out


def mentions_and_labels(rows, parsed) -> list[tuple]:
    """Per subtopic: (own mentions, their annotated-mention labels), cached
    under a digest of the code that extracts them."""
    repo = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(b"".join((repo / f).read_bytes() for f in (
        "compare/links/mentions.py", "compare/links/time.py", "compare/lexicon.py", "compare/names.py"))).hexdigest()
    path = CACHE / f"mentions-{digest[:12]}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    out = []
    for row, docs in zip(rows, parsed):
        mentions = E.subtopic_mentions(row, docs, gold=False)
        labels = [to_gold([(m.start, m.end)], row["docs"][m.article]["mentions"])[0] for m in mentions]
        out.append((mentions, labels))
    path.write_bytes(pickle.dumps(out))
    return out


def prepared_for(variants, rows, parsed, base: list[tuple], hidden: HiddenLayers) -> dict[str, list[tuple]]:
    """Per variant: ``ecb_links.prepare``'s tuples (token vectors through a
    float16 ``TokenCache`` in the variant's own folder); the subtopics in
    the outer loop, so each sentence runs through the model once."""
    embedders = {}
    for variant in variants:
        (CACHE / variant).mkdir(parents=True, exist_ok=True)
        embedders[variant] = E.TokenCache(LayerView(hidden, layers_of(variant)), CACHE / variant)
    out: dict[str, list[tuple]] = {v: [] for v in variants}
    for row, docs, (mentions, labels) in zip(rows, parsed, base):
        sentences = [sentences_from_doc(d) for d in docs]
        for variant, embedder in embedders.items():
            embedder.use(row["subtopic"])
            tokens = sentence_tokens(sentences, mentions, embedder)
            out[variant].append((mentions, mention_vectors(sentences, mentions, embedder, tokens), labels,
                                 window_vectors(sentences, mentions, embedder, tokens)))
        hidden.store.clear()
    return out


def pair_groups(mentions) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per threshold: the (i, j) index arrays of the mention pairs it decides
    (cross-article unless "within"; no pronouns, not two names)."""
    pops: dict[str, list] = {k: [] for k in (*EVENT_GRID, *ENTITY_GRID)}
    for i, j in itertools.combinations(range(len(mentions)), 2):
        a, b = mentions[i], mentions[j]
        if a.kind != b.kind or a.pronoun or b.pronoun or (a.name and b.name):
            continue
        if a.article == b.article:
            if a.kind == "event" and 0 < abs(a.sentence - b.sentence) <= 3:
                pops["within_event_min_cosine"].append((i, j))
            continue
        if a.kind == "event":
            if same_head(a, b):
                pops["same_head_min_cosine"].append((i, j))
            elif len(shared_args(a, b)) >= 2:
                pops["event_min_cosine"].append((i, j))
        elif same_head(a, b):
            pops["entity_same_head_min_cosine"].append((i, j))
        else:
            pops["entity_window_head_min_cosine"].append((i, j))
    pops["entity_window_min_cosine"] = pops["entity_window_head_min_cosine"]
    return {k: tuple(np.array(v, dtype=np.int64).reshape(-1, 2).T) for k, v in pops.items()}


def pair_cosines(prepared, groups) -> dict[str, list[np.ndarray]]:
    """Per threshold, per subtopic: the cosines of its pairs (window cosines for the window threshold)."""
    out: dict[str, list] = {k: [] for k in (*EVENT_GRID, *ENTITY_GRID)}
    for (_, vectors, _, windows), pairs in zip(prepared, groups):
        for name, (i, j) in pairs.items():
            v = windows if name == "entity_window_min_cosine" else vectors
            out[name].append(np.einsum("nd,nd->n", v[i], v[j]))
    return out


def populations(prepared, groups) -> dict[str, np.ndarray]:
    """Per threshold: the sorted cosines of the pairs it decides, over all subtopics."""
    return {k: np.sort(np.concatenate(v)) for k, v in pair_cosines(prepared, groups).items()}


def coreferent(rows, base, groups) -> dict[str, np.ndarray]:
    """Per threshold: for each of its pairs over all subtopics, 1 when both
    ends stand for annotated mentions of one gold chain, 0 when both stand
    for annotated mentions of different chains, -1 otherwise."""
    out: dict[str, list] = {k: [] for k in (*EVENT_GRID, *ENTITY_GRID)}
    for row, (mentions, labels), pairs in zip(rows, base, groups):
        chain = [None if lab is None else row["docs"][m.article]["mentions"][lab] for m, lab in zip(mentions, labels)]
        for name, (i, j) in pairs.items():
            out[name].append(np.array([-1 if chain[x] is None or chain[y] is None else int(
                not chain[x]["singleton"] and chain[x]["chain"] == chain[y]["chain"]) for x, y in zip(i, j)]))
    return {k: np.concatenate(v) for k, v in out.items()}


def auc(scores_: np.ndarray, truth: np.ndarray) -> float:
    """ROC AUC of ``scores_`` for truth 1 against 0 (-1 ignored), by ranks."""
    from scipy.stats import rankdata

    keep = truth >= 0
    s, t = scores_[keep], truth[keep]
    ranks = rankdata(s)
    pos = int(t.sum())
    neg = len(t) - pos
    return float((ranks[t == 1].sum() - pos * (pos + 1) / 2) / max(pos * neg, 1))


def quantile_of(values: np.ndarray, x: float) -> float:
    return float(np.searchsorted(values, x)) / max(len(values), 1)


def grid_values(grid: dict, configured, last: dict, mine: dict) -> dict[str, list[float]]:
    """Per threshold: the variant's cosines above which lie the share of
    pairs that the configured value leaves above it in the last layer, times
    each factor of ``grid``."""
    out = {}
    for name, factors in grid.items():
        above = 1.0 - quantile_of(last[name], getattr(configured, name))
        out[name] = [round(float(np.quantile(mine[name], min(max(1.0 - above * f, 0.0), 1.0))), 3) for f in factors]
    return out


def kind_subset(prepared, kind: str) -> list[tuple]:
    out = []
    for mentions, vectors, labels, windows in prepared:
        keep = [i for i, m in enumerate(mentions) if m.kind == kind]
        out.append(([mentions[i] for i in keep], vectors[keep], [labels[i] for i in keep], windows[keep]))
    return out


def as_array(counts: list[Counter]) -> np.ndarray:
    """(n_subtopics, 3 kinds, 3) of tp / pred / gold."""
    return np.array([[[c[(x, k)] for x in ("tp", "pred", "gold")] for k in KINDS] for c in counts], dtype=np.float64)


def scores(arr: np.ndarray) -> np.ndarray:
    """(..., 3 kinds, 3) counts -> (..., 3 kinds, 3) P / R / F1."""
    tp, pred, gold = arr[..., 0], arr[..., 1], arr[..., 2]
    p = np.divide(tp, pred, out=np.zeros_like(tp), where=pred > 0)
    r = np.divide(tp, gold, out=np.zeros_like(tp), where=gold > 0)
    f = np.divide(2 * p * r, p + r, out=np.zeros_like(tp), where=p + r > 0)
    return np.stack([p, r, f], axis=-1)


def grid_counts(rows, subset, base, grid: dict[str, list[float]]) -> tuple[list[dict], np.ndarray]:
    """Every combination of ``grid`` on ``subset``: (settings, (n_combos, n_subtopics, 3, 3) counts)."""
    names = list(grid)
    combos = [dict(zip(names, values)) for values in itertools.product(*grid.values())]
    return combos, np.stack([as_array(E.evaluate(rows, subset, replace(base, **c))[0]) for c in combos])


def choose(event_counts: np.ndarray, entity_counts: np.ndarray, subtopics: list[int]) -> tuple[int, int]:
    """The (event combo, entity combo) with the best all-pairs F1 on ``subtopics``
    among those with precision >= MIN_PRECISION there (any, when none reaches it)."""
    ev, en = event_counts[:, subtopics].sum(axis=1), entity_counts[:, subtopics].sum(axis=1)
    both = ev[:, None] + en[None, :]  # (n_event, n_entity, 3 kinds, 3)
    both[..., 2] = ev[0, :, 2]  # each part counted every gold link
    s = scores(both)[..., 2, :]  # "all"
    f = np.where(s[..., 0] >= MIN_PRECISION, s[..., 2], -1 + s[..., 2])
    return np.unravel_index(int(np.argmax(f)), f.shape)


def cells(counts: Counter) -> str:
    out = []
    for kind in KINDS:
        p, r, f = prf(counts, kind)
        out.append(f"{kind} {p:.3f}/{r:.3f}/{f:.3f}")
    return " | ".join(out)


def run_variant(variant, rows, prepared, base, last_pops, groups) -> dict:
    """All-data optimum, carried-over thresholds and the 5-fold estimate of one variant."""
    mine = populations(prepared, groups)
    ev_grid, en_grid = grid_values(EVENT_GRID, base, last_pops, mine), grid_values(ENTITY_GRID, base, last_pops, mine)
    t0 = time.perf_counter()
    ev_combos, ev_counts = grid_counts(rows, kind_subset(prepared, "event"), base, ev_grid)
    en_combos, en_counts = grid_counts(rows, kind_subset(prepared, "entity"), base, en_grid)
    print(f"  [{variant}] grid {len(ev_combos)} + {len(en_combos)} in {time.perf_counter() - t0:.0f} s; "
          f"grid {ev_grid} {en_grid}", file=sys.stderr, flush=True)
    settings = lambda e, n: replace(base, **ev_combos[e], **en_combos[n])  # noqa: E731
    carried = settings(_centre(ev_grid, ev_combos), _centre(en_grid, en_combos))
    every = list(range(len(rows)))
    best = settings(*choose(ev_counts, en_counts, every))
    topics = sorted({r["topic"] for r in rows})
    fold_of = {t: k % E.FOLDS for k, t in enumerate(topics)}
    held, picks = Counter(), []
    for fold in range(E.FOLDS):
        train = [i for i, r in enumerate(rows) if fold_of[r["topic"]] != fold]
        test = [i for i, r in enumerate(rows) if fold_of[r["topic"]] == fold]
        cfg = settings(*choose(ev_counts, en_counts, train))
        picks.append({k: getattr(cfg, k) for k in (*EVENT_GRID, *ENTITY_GRID)})
        counts = E.evaluate([rows[i] for i in test], [prepared[i] for i in test], cfg)[0]
        held += E.total(counts)
    result = {"carried": E.total(E.evaluate(rows, prepared, carried)[0]),
              "all": E.total(E.evaluate(rows, prepared, best)[0]), "kfold": held,
              "best": {k: getattr(best, k) for k in (*EVENT_GRID, *ENTITY_GRID)}, "picks": picks}
    return result


def _centre(grid: dict, combos: list[dict]) -> int:
    """Index of the combination at every threshold's factor 1."""
    factors = {**EVENT_GRID, **ENTITY_GRID}
    want = {k: v[factors[k].index(1.0)] for k, v in grid.items()}
    return combos.index(want)


def forward_cost(hidden: HiddenLayers, texts: list[str], repeat: int = 3) -> None:
    """Seconds per forward pass of ``texts`` (torch, one thread, batches of 32)
    returning the last hidden state only, and all hidden states (the
    layered token vectors would need one more of them)."""
    import torch

    module = hidden.embedder.model[0]
    batches = [module.tokenizer(texts[k:k + 32], padding=True, truncation=True, max_length=module.max_seq_length,
                                return_tensors="pt") for k in range(0, len(texts), 32)]
    for states in (False, True):
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            with torch.inference_mode():
                for enc in batches:
                    out = module.auto_model(**enc, output_hidden_states=states)
                    (out.hidden_states[4] if states else out.last_hidden_state).float().numpy()
            best = min(best, time.perf_counter() - t0)
        print(f"  forward pass of {len(texts)} sentences, {'all hidden states' if states else 'last layer only'}: "
              f"{best:.2f} s (best of {repeat})")


def recall_at_precision(scores_: np.ndarray, truth: np.ndarray, precision: float = 0.8) -> float:
    """Share of the coreferent pairs above the lowest cosine at which the
    pairs above it are still ``precision`` coreferent (the rules' regime)."""
    keep = truth >= 0
    order = np.argsort(-scores_[keep], kind="stable")
    hits = np.cumsum(truth[keep][order])
    ok = np.flatnonzero(hits / np.arange(1, len(hits) + 1) >= precision)
    return float(hits[ok[-1]] / max(hits[-1], 1)) if len(ok) else 0.0


def print_auc(variants, prepared, rows, base, groups) -> None:
    """Per variant and threshold: how well the cosine alone tells coreferent
    pairs from the others (ROC AUC over the pairs with both ends annotated)."""
    truth = coreferent(rows, base, groups)
    print("ROC AUC of the cosine, coreferent vs not, and [recall at precision 0.8 / 0.5] "
          "(pairs with both ends annotated; positives / pairs):")
    print("  " + "; ".join(f"{k} {int((t == 1).sum())}/{int((t >= 0).sum())}" for k, t in truth.items()))
    for variant in variants:
        cos = {k: np.concatenate(v) for k, v in pair_cosines(prepared[variant], groups).items()}
        print(f"  layers {variant:<5} " + "  ".join(
            f"{k.replace('_min_cosine', '')} {auc(cos[k], truth[k]):.3f} "
            f"[{recall_at_precision(cos[k], truth[k]):.2f}/{recall_at_precision(cos[k], truth[k], 0.5):.2f}]"
            for k in truth))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--no-grid", action="store_true", help="only the configured-threshold line and the AUCs")
    parser.add_argument("--cost", type=int, default=0, help="time the forward pass on this many sentences")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    CACHE.mkdir(exist_ok=True)
    config = CompareConfig()
    rows = read_jsonl(E.DATA)
    parsed = E.parse_all(rows, config)
    base = mentions_and_labels(rows, parsed)
    print(f"ECB+ dev: {len(rows)} subtopics, {sum(len(b[0]) for b in base)} own mentions")
    hidden = HiddenLayers(config)
    t0 = time.perf_counter()
    variants = list(dict.fromkeys(["6", *args.variants]))
    layered = list(dict.fromkeys(p for v in variants for p in v.split("w")))
    prepared = prepared_for(layered, rows, parsed, base, hidden)
    for v in variants:  # "6w4": head vectors from layer 6, context windows from layer 4
        if "w" in v:
            heads, contexts = v.split("w")
            prepared[v] = [(m, h, labels, w) for (m, h, labels, _), (_, _, _, w) in zip(prepared[heads], prepared[contexts])]
    print(f"token vectors of {len(layered)} variants: {time.perf_counter() - t0:.0f} s")
    groups = [pair_groups(mentions) for mentions, _ in base]
    last = prepared["6"]
    last_pops = populations(last, groups)
    print("pairs per threshold:", {k: len(v) for k, v in last_pops.items()})
    print_auc(variants, prepared, rows, base, groups)
    print(E.line("last layer, configured thresholds", E.total(E.evaluate(rows, last, config.links)[0])))
    if args.cost:
        forward_cost(hidden, [s.text for docs in parsed for d in docs for s in sentences_from_doc(d)][:args.cost])
    if args.no_grid:
        return
    split = E.total(E.evaluate(rows, kind_subset(last, "event"), config.links)[0])
    split.update({k: v for k, v in E.total(E.evaluate(rows, kind_subset(last, "entity"), config.links)[0]).items()
                  if k[0] != "gold"})
    print(E.line("  the same, events + entities apart", split))
    print("variant: thresholds carried over by quantile | all-data optimum | 5-fold (each: events, entities, all P/R/F1)")
    for variant in args.variants:
        t0 = time.perf_counter()
        res = run_variant(variant, rows, prepared[variant], config.links, last_pops, groups)
        print(f"layers {variant:<5} carried  {cells(res['carried'])}")
        print(f"{'':<12} all-data {cells(res['all'])}  {res['best']}")
        print(f"{'':<12} 5-fold   {cells(res['kfold'])}  ({time.perf_counter() - t0:.0f} s)", flush=True)
        for fold, pick in enumerate(res["picks"]):
            print(f"{'':<14} fold {fold}: {pick}")


if __name__ == "__main__":
    main()
