"""Score sentence alignment on the seed pair's gold (shared/eval/seed_pair_gold.json).

For each ``shared_facts`` item: are the sentences holding its A and B snippets
in one aligned bead? For each ``only_in_a``/``only_in_b`` snippet: is the
sentence holding it marked unique (or only partial)?

    python benchmarks/seed_alignment.py [--backend torch]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from _common import REPO, SHARED
from compare import CompareConfig, compare_articles, read_article
from compare.types import Comparison


def sentence_of(comparison: Comparison, side: int, snippet: str) -> int:
    doc = comparison.documents[side]
    start = doc.article.text.index(snippet)
    return next(s.index for s in doc.sentences if s.start <= start < s.end)


def score(comparison: Comparison, gold: dict) -> dict:
    beads = [(set(p.a), set(p.b), p.kind) for p in comparison.alignment.pairs]
    shared = []
    for item in gold["shared_facts"]:
        i, j = sentence_of(comparison, 0, item["a"]), sentence_of(comparison, 1, item["b"])
        kind = next((k for a, b, k in beads if i in a and j in b), None)
        shared.append((i, j, kind, item["note"]))
    unique = []
    for side, key in ((0, "only_in_a"), (1, "only_in_b")):
        status = comparison.alignment.status_a if side == 0 else comparison.alignment.status_b
        for snippet in gold[key]:
            i = sentence_of(comparison, side, snippet)
            unique.append(("AB"[side], i, status[i], snippet))
    return {"shared": shared, "unique": unique}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--backend", default=CompareConfig().backend, help="torch, onnx, onnx-int8 or hashing")
    args = parser.parse_args()
    gold = json.loads((args.shared / "eval" / "seed_pair_gold.json").read_text(encoding="utf-8"))
    story = REPO / "corpus" / "duma-recognition"
    comparison = compare_articles(read_article(story / "a-wire.txt"), read_article(story / "b-state.txt"),
                                  CompareConfig(backend=args.backend))
    result = score(comparison, gold)
    aligned = sum(kind is not None for *_, kind, _ in result["shared"])
    print(f"shared_facts aligned: {aligned} of {len(result['shared'])}")
    for i, j, kind, note in result["shared"]:
        print(f"   A{i} <-> B{j}: {kind or 'NOT ALIGNED'}   ({note})")
    marked = sum(status == "unique" for _, _, status, _ in result["unique"])
    print(f"only_in snippets in unique sentences: {marked} of {len(result['unique'])}"
          f" (partial: {sum(st == 'partial' for _, _, st, _ in result['unique'])})")
    for side, i, status, snippet in result["unique"]:
        print(f"   {side}{i} {status:8} {snippet}")


if __name__ == "__main__":
    main()
