"""Issue 12, sixth round (rules): what the missed cross-document links are, and story-wide rules for them.

1. Error analysis: the gold cross-document links (own mentions, the protocol
   of ecb_links.py) that the tool misses, counted by class of the two
   mentions and weighted by the gold pairs each costs (pairwise counts grow
   with the square of a chain's size), the chains that cost most, and 20
   examples of the biggest classes.
2. Variants of the rules (``LinksConfig`` switches; possessive nouns by
   extracting without ``mentions.possessors``), each scored on all data,
   with the precision of the merges each new rule makes on its own, and
   5-fold over topics (index mod 5; the variant chosen on 4/5 of the
   topics by all-pairs F1, scored on the fifth).

    python benchmarks/links_rules.py               # ~1 min with ecb_links' caches
    python benchmarks/links_rules.py --no-errors   # variants only
    python benchmarks/links_rules.py --basil 15    # + the description links on 15 unseen BASIL stories, to read
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import ecb_links as E
from _links_eval import doc_pairs, gold_links, prf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare.config import CompareConfig  # noqa: E402
from compare.links import mentions as M  # noqa: E402
from compare.links.cluster import partition  # noqa: E402
from compare.links.signals import same_head  # noqa: E402

EXAMPLES = 20


def form(m) -> str:
    """How a mention is written: pronoun, name, common noun (entity) or event."""
    if m.pronoun:
        return "pronoun"
    if m.name:
        return "name"
    return "common" if m.kind == "entity" else "event"


def classify(a, b, gold_kind: str) -> str:
    """Class of a missed gold link between own mentions ``a`` and ``b``."""
    forms = sorted((form(a), form(b)))
    typing = "" if a.kind == b.kind == gold_kind else ", typed " + "/".join(sorted((a.kind, b.kind)))
    head = ""
    if forms[0] == forms[1] and forms[0] in ("common", "event"):
        head = ", same head" if same_head(a, b) else ", different heads"
    return f"{gold_kind}: {forms[0]} / {forms[1]}{head}{typing}"


def missed_links(rows, prepared, config):
    """Per missed gold pair: (class, chain, text a, text b, subtopic), and the totals."""
    out, gold_total = [], 0
    for row, (mentions, vectors, labels, windows) in zip(rows, prepared):
        groups, _ = partition(mentions, vectors, config, windows)
        cluster = {i: c for c, g in enumerate(groups) for i in g}
        standing: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, m in enumerate(mentions):
            if labels[i] is not None:
                standing[(m.article, labels[i])].append(i)
        for a, b in doc_pairs(len(row["docs"])):
            d1, d2 = row["docs"][a], row["docs"][b]
            gold = gold_links(d1, d2)
            gold_total += len(gold)
            for g, h in gold:
                xs, ys = standing.get((a, g), []), standing.get((b, h), [])
                if any(cluster[x] == cluster[y] for x in xs for y in ys):
                    continue
                g1, g2 = d1["mentions"][g], d2["mentions"][h]
                kind = g1["kind"] if g1["kind"] == g2["kind"] else "mixed"
                if not xs or not ys:
                    cls = f"{kind}: no own mention"
                else:
                    cls = classify(mentions[xs[0]], mentions[ys[0]], kind)
                out.append((cls, g1["chain"], g1["text"], g2["text"], row["subtopic"]))
    return out, gold_total


def error_analysis(rows, prepared, config) -> None:
    missed, gold_total = missed_links(rows, prepared, config)
    print(f"missed gold cross-document pairs: {len(missed)} of {gold_total}")
    by_class = Counter(m[0] for m in missed)
    print("by class (gold pairs missed, share of the missed):")
    for cls, n in by_class.most_common(25):
        print(f"  {n:6d} {n / len(missed):6.1%}  {cls}")
    by_chain = Counter((m[4], m[1]) for m in missed)
    print("chains that cost most (missed pairs; mention texts):")
    texts = defaultdict(Counter)
    for m in missed:
        texts[(m[4], m[1])].update((m[2], m[3]))
    for key, n in by_chain.most_common(15):
        print(f"  {n:5d} {key[0]} {key[1][:3]}: {', '.join(t for t, _ in texts[key].most_common(6))}")
    top5 = sum(n for _, n in by_chain.most_common(len(by_chain) // 20 or 1))
    print(f"  the top 5% of chains ({len(by_chain) // 20} of {len(by_chain)}) cost {top5 / len(missed):.1%} of the missed pairs")
    prefix = Counter((m[0].split(":")[0], m[1][:3]) for m in missed)
    print("by gold chain type (ECB+ prefix: HUM person, NON thing, LOC place, TIM time, ACT/NEG events):",
          ", ".join(f"{k[0]} {k[1]} {n}" for k, n in prefix.most_common(10)))
    for cls, _ in by_class.most_common(8):
        rows_of = [m for m in missed if m[0] == cls]
        pairs = Counter((m[2], m[3]) for m in rows_of)
        print(f"examples of '{cls}' (most frequent text pairs, of {len(pairs)} distinct):")
        for (x, y), n in pairs.most_common(EXAMPLES):
            print(f"    {n:4d}  {x!r} / {y!r}")


def precision_of_rule(rows, prepared, config, marker: str) -> tuple[int, int, int]:
    """Merges (within or across articles) whose evidence starts with
    ``marker``: (both ends annotated, right, with an unannotated end)."""
    right = annotated = loose = 0
    for row, (mentions, vectors, labels, windows) in zip(rows, prepared):
        _, links = partition(mentions, vectors, config, windows)
        for link in links:
            a, b = mentions[link.a], mentions[link.b]
            if not link.evidence.startswith(marker):
                continue
            la, lb = labels[link.a], labels[link.b]
            if la is None or lb is None:
                loose += 1
                continue
            annotated += 1
            g1, g2 = row["docs"][a.article]["mentions"][la], row["docs"][b.article]["mentions"][lb]
            right += (not g1["singleton"]) and g1["chain"] == g2["chain"]
    return annotated, right, loose


def kfold(rows, results: dict) -> Counter:
    """Per fold of topics: the variant with the best all-pairs F1 on the other four fifths, scored on the fifth."""
    topics = sorted({r["topic"] for r in rows})
    fold_of = {t: k % E.FOLDS for k, t in enumerate(topics)}
    held = Counter()
    for fold in range(E.FOLDS):
        train = [i for i, r in enumerate(rows) if fold_of[r["topic"]] != fold]
        test = [i for i, r in enumerate(rows) if fold_of[r["topic"]] == fold]
        pick = max(results, key=lambda k: prf(E.total([results[k][i] for i in train]), "all")[2])
        print(f"    fold {fold}: {pick}")
        held += E.total([results[pick][i] for i in test])
    return held


def variants(rows, own, plain, base) -> None:
    """Each variant on all data, with the precision of the new rule's own links;
    then the 5-fold estimate over the variants (chosen on 4/5 of the topics)."""
    before = replace(base, story_descriptors=False, pronoun_sole_person=False)
    people = replace(base, story_descriptors=True, descriptor_types=("person",), descriptor_min_articles=1,
                     pronoun_sole_person=False)
    every = ("person", "organisation", "place")
    table = {
        "rules before this round + names as written": (plain, before),
        "+ possessive common nouns as mentions": (own, before),
        "+ descriptors of people": (own, people),
        "+ descriptors of people and organisations": (own, replace(people, descriptor_types=every[:2])),
        "+ descriptors of people, organisations, places": (own, replace(people, descriptor_types=every)),
        "+ descriptors of all three, names' own heads": (
            own, replace(people, descriptor_types=every, descriptor_own_heads=True)),
        "+ descriptors of people given in 2 articles": (own, replace(people, descriptor_min_articles=2)),
        "+ descriptors of all three given in 2 articles": (
            own, replace(people, descriptor_min_articles=2, descriptor_types=every)),
        "+ descriptors of people, he/she to an article's only person": (own, replace(people, pronoun_sole_person=True)),
        "+ descriptors of people given in 2 articles, he/she to an article's only person (configured)": (
            own, replace(people, descriptor_min_articles=2, pronoun_sole_person=True)),
    }
    results = {}
    for name, (prepared, cfg) in table.items():
        results[name] = E.evaluate(rows, prepared, cfg)[0]
        print(E.line(name, E.total(results[name])))
        if cfg.story_descriptors:
            marker = "only person named" if cfg.pronoun_sole_person else "the story calls"
            annotated, right, loose = precision_of_rule(rows, prepared, cfg, marker)
            print(f"    its links (merges): {right} right of {annotated} with both ends annotated "
                  f"({right / max(annotated, 1):.0%}); {loose} with an unannotated end")
    print(E.line(f"  {E.FOLDS}-fold over topics (variant chosen on 4/5)", kfold(rows, results)))
    for name, cfg in {"+ descriptors of people, compound heads": replace(people, compound_heads=True)}.items():  # noqa: B007
        results[name] = E.evaluate(rows, own, cfg)[0]
        print(E.line(name, E.total(results[name])))
        annotated, right, loose = precision_of_rule(rows, own, cfg, "compound head")
        print(f"    its links (merges): {right} right of {annotated} with both ends annotated "
              f"({right / max(annotated, 1):.0%}); {loose} with an unannotated end")


def basil_documents(stories: int, config, embedder):
    """The parsed and encoded ``Document``s of each of the first ``stories``
    BASIL dev stories (title, a blank line, the sentences)."""
    from compare.pipeline import prepare_documents
    from compare.types import Article

    from _common import SHARED, read_jsonl

    for event in read_jsonl(SHARED / "data" / "basil" / "basil_dev_2010_2014.jsonl")[:stories]:
        articles = [Article(text=a.get("title", "") + "\n\n" + " ".join(x.strip() for x in a["sentences"] if x.strip()),
                            date=a.get("date", "")) for a in event["articles"]]
        yield prepare_documents(articles, config, embedder)


def basil_descriptions(stories: int, min_articles: int) -> None:
    """Print every description link (``descriptors.descriptor_links``, people)
    on the first ``stories`` BASIL dev stories, with its context, to read."""
    from compare.links import link_mentions
    from compare.links.descriptors import descriptor_links
    from compare.pipeline import default_embedder

    config = CompareConfig()
    embedder = default_embedder(config)
    total = 0
    for documents in basil_documents(stories, config, embedder):
        mentions = link_mentions(documents, config, embedder).mentions
        for _, j, why in descriptor_links(mentions, min_articles=min_articles, described=frozenset({"person"})):
            m = mentions[j]
            sentence = documents[m.article].sentences[m.sentence]
            at = m.start - sentence.start
            print(f"    {why} | ...{sentence.text[max(0, at - 70):at + 40]!r}")
            total += 1
    print(f"  BASIL, {stories} stories, descriptions given in {min_articles} article(s): {total} links")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-errors", action="store_true", help="skip the error analysis")
    parser.add_argument("--basil", type=int, default=0, help="print the description links on this many BASIL stories")
    args = parser.parse_args()
    config = CompareConfig()
    rows, parsed, embedder, own = E.own_mentions(config)
    print(f"ECB+ dev: {len(rows)} subtopics, {sum(len(p[0]) for p in own)} own mentions")
    if not args.no_errors:
        error_analysis(rows, own, config.links)
    print(E.line("tool (configured)", E.total(E.evaluate(rows, own, config.links)[0])))
    possessors = M.possessors
    M.possessors = lambda doc: []
    plain = E.prepare(rows, parsed, embedder, gold=False)
    M.possessors = possessors
    variants(rows, own, plain, config.links)
    for min_articles in (1, 2) if args.basil else ():
        basil_descriptions(args.basil, min_articles)


if __name__ == "__main__":
    main()
