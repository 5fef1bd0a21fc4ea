"""Issue 12, eighth round (telling occurrences apart): false links by class, and vetoes on event links.

1. False links: the predicted cross-document pairs (own mentions, the
   protocol of ecb_links.py) that are not gold, by class (gold kind of the
   two ends, how each is written, same or different heads, whether an end
   is a gold singleton or the two are in different chains) and by the
   occurrence veto that would fire on them (``occurrence.occurrences_differ``
   with every veto on), with the most frequent text pairs of the biggest
   classes; the same for the right pairs, to see what a veto would cost.
2. Vetoes (``LinksConfig.occurrence_vetoes``) each alone and together on
   all data, then 5-fold over topics (index mod 5; the variant chosen on 4/5
   of the topics by all-pairs F1, scored on the fifth).
3. ``--grid``: ecb_links.py's threshold grid, 5-fold, with the vetoes of
   ``--vetoes`` on.
4. ``--basil N``: the cross-article links the vetoes remove on the first N
   BASIL dev stories (unseen-style data), with their sentences, to read.

    python benchmarks/links_veto.py                      # 1 and 2, ~1-2 min with ecb_links' caches
    python benchmarks/links_veto.py --no-errors --grid   # 2 and 3 (~5 min)
    python benchmarks/links_veto.py --no-errors --no-variants --basil 15
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import ecb_links as E
from _links_eval import doc_pairs, gold_links
from links_rules import basil_documents, form, kfold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare.config import CompareConfig  # noqa: E402
from compare.links.cluster import partition  # noqa: E402
from compare.links.occurrence import VETOES, occurrences_differ, story_occurrences  # noqa: E402
from compare.links.signals import same_head  # noqa: E402

EXAMPLES = 12


def pair_class(a, b, g1: dict, g2: dict) -> str:
    """Gold kind of the ends, how the own mentions are written, same head or not."""
    kind = g1["kind"] if g1["kind"] == g2["kind"] else "mixed"
    forms = sorted((form(a), form(b)))
    head = ""
    if forms[0] == forms[1] and forms[0] in ("common", "event"):
        head = ", same head" if same_head(a, b) else ", different heads"
    return f"{kind}: {forms[0]} / {forms[1]}{head}"


def scored_pairs(rows, prepared, config):
    """Per predicted cross-document pair of annotated mentions (once per
    document pair): (right, class, veto that would fire or "", text a, text b, subtopic)."""
    out = []
    for row, (mentions, vectors, labels, windows) in zip(rows, prepared):
        groups, _ = partition(mentions, vectors, config, windows)
        cluster = {i: c for c, g in enumerate(groups) for i in g}
        occurrences = story_occurrences(mentions)
        for a, b in doc_pairs(len(row["docs"])):
            d1, d2 = row["docs"][a], row["docs"][b]
            gold = gold_links(d1, d2)
            by_cluster = defaultdict(list)
            for y, m in enumerate(mentions):
                if m.article == b and labels[y] is not None:
                    by_cluster[cluster[y]].append(y)
            seen = set()
            for x, m in enumerate(mentions):
                if m.article != a or labels[x] is None:
                    continue
                for y in by_cluster.get(cluster[x], ()):
                    key = (labels[x], labels[y])
                    if key in seen:
                        continue
                    seen.add(key)
                    g1, g2 = d1["mentions"][key[0]], d2["mentions"][key[1]]
                    why = occurrences_differ(occurrences[x], occurrences[y], VETOES)
                    wrong = "" if key in gold else (", gold singleton" if g1["singleton"] or g2["singleton"]
                                                    else ", two chains")
                    out.append((key in gold, pair_class(m, mentions[y], g1, g2) + wrong,
                                why.split(" '")[0].split(" (")[0], m.text, mentions[y].text,
                                row["subtopic"]))
    return out


def error_analysis(rows, prepared, config) -> None:
    pairs = scored_pairs(rows, prepared, config)
    wrong = [p for p in pairs if not p[0]]
    right = [p for p in pairs if p[0]]
    print(f"predicted pairs {len(pairs)}: right {len(right)}, wrong {len(wrong)}")
    print("wrong pairs by class:")
    for cls, n in Counter(p[1] for p in wrong).most_common(15):
        print(f"  {n:6d} {n / len(wrong):6.1%}  {cls}")
    print("pairs a veto would remove (every veto on; the first that applies):")
    vetoed_wrong, vetoed_right = Counter(p[2] for p in wrong), Counter(p[2] for p in right)
    for why in sorted(set(vetoed_wrong) | set(vetoed_right), key=lambda w: -vetoed_wrong[w]):
        print(f"  {why or 'no veto':<28} wrong {vetoed_wrong[why]:6d}  right {vetoed_right[why]:6d}")
    by_chain = Counter(p[5] for p in wrong)
    print("subtopics with most wrong pairs:", ", ".join(f"{k} {n}" for k, n in by_chain.most_common(10)))
    for cls, _ in Counter(p[1] for p in wrong).most_common(5):
        texts = Counter((p[3], p[4], p[2]) for p in wrong if p[1] == cls)
        print(f"examples of '{cls}' (most frequent text pairs; veto that would fire):")
        for (x, y, why), n in texts.most_common(EXAMPLES):
            print(f"    {n:4d}  {x!r} / {y!r}  {why}")
    for name, rows_of in (("wrong", wrong), ("right", right)):
        vetoed = Counter((p[3], p[4], p[2]) for p in rows_of if p[2])
        print(f"{name} pairs a veto removes (most frequent):")
        for (x, y, why), n in vetoed.most_common(EXAMPLES):
            print(f"    {n:4d}  {x!r} / {y!r}  {why}")


ONE_BY_ONE = ("number", "place", "person", "organisation")
NAMES = ("place", "person", "organisation")


def variant_table(base) -> dict:
    """Name -> config: each veto alone and together (on groups of events: a
    merge refused when the two groups' details differ). Vetoes judging each
    pair of events alone (an edge filter, commit 10cbf44) moved no figure:
    a third event without details still joined both occurrences."""
    table = {"no veto": replace(base, occurrence_vetoes=())}
    for vetoes in [(v,) for v in ONE_BY_ONE] + [NAMES, ONE_BY_ONE]:
        table[", ".join(vetoes)] = replace(base, occurrence_vetoes=vetoes)
    return table


def variants(rows, prepared, base) -> dict:
    results = {}
    for name, cfg in variant_table(base).items():
        results[name] = E.evaluate(rows, prepared, cfg)[0]
        counts = E.total(results[name])
        print(E.line(name, counts) + f"  (pred {counts[('pred', 'all')]}, right {counts[('tp', 'all')]})")
    print(E.line(f"  {E.FOLDS}-fold over topics (variant chosen on 4/5)", kfold(rows, results)))
    return results


def basil_removed(stories: int, vetoes: tuple[str, ...]) -> None:
    """Print the cross-article links of the first ``stories`` BASIL dev stories
    that the vetoes remove, and count those they add (a merge no longer made
    may let another edge through)."""
    from compare.links import link_mentions
    from compare.pipeline import default_embedder

    config = CompareConfig()
    embedder = default_embedder(config)
    off = replace(config, links=replace(config.links, occurrence_vetoes=()))
    on = replace(config, links=replace(config.links, occurrence_vetoes=vetoes))
    removed = added = 0
    for documents in basil_documents(stories, config, embedder):
        before, after = link_mentions(documents, off, embedder), link_mentions(documents, on, embedder)

        def keyed(links):
            ends = [(links.mentions[x.a], links.mentions[x.b]) for x in links.links]
            return {tuple((m.article, m.start, m.end) for m in pair): x for pair, x in zip(ends, links.links)}

        def where(m):
            sentence = documents[m.article].sentences[m.sentence]
            at = m.start - sentence.start
            return f"{sentence.text[max(0, at - 50):at]}[{m.text}]{sentence.text[at + len(m.text):at + len(m.text) + 40]}"

        old, new = keyed(before), keyed(after)
        for key in sorted(set(old) - set(new)):
            link = old[key]
            a, b = before.mentions[link.a], before.mentions[link.b]
            print(f"  - {link.evidence} | {where(a)!r} / {where(b)!r}")
            removed += 1
        added += len(set(new) - set(old))
    print(f"  BASIL, {stories} stories, vetoes {vetoes}: {removed} links removed, {added} added")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-errors", action="store_true", help="skip the false-link analysis")
    parser.add_argument("--no-variants", action="store_true", help="skip the table of vetoes")
    parser.add_argument("--grid", action="store_true", help="the threshold grid, 5-fold, with the vetoes on")
    parser.add_argument("--vetoes", default="", help="comma-separated vetoes for --grid/--basil (default: configured)")
    parser.add_argument("--basil", type=int, default=0, help="print the links the vetoes remove on this many BASIL stories")
    args = parser.parse_args()
    config = CompareConfig()
    vetoes = tuple(v for v in args.vetoes.split(",") if v) or config.links.occurrence_vetoes
    if not args.no_errors or not args.no_variants or args.grid:
        rows, _, _, own = E.own_mentions(config)
        print(f"ECB+ dev: {len(rows)} subtopics, {sum(len(p[0]) for p in own)} own mentions")
        if not args.no_errors:
            error_analysis(rows, own, config.links)
        if not args.no_variants:
            variants(rows, own, config.links)
        if args.grid:
            print(f"threshold grid with vetoes {vetoes}:")
            E.kfold(rows, own, replace(config.links, occurrence_vetoes=vetoes))
    if args.basil:
        basil_removed(args.basil, vetoes)


if __name__ == "__main__":
    main()
