"""Issue 12, seventh round (mentions): gold mentions without an own mention, and what re-parsing headlines gains.

1. Gold mentions of cross-document chains (ECB+ dev, the document pairs of
   the protocol in _links_eval.py) that no own mention stands for, by why:
   no own mention overlaps them, or only with character Jaccard < 0.3;
   the most frequent texts.
2. Variants of mention extraction, each on all data (own mentions, the
   configured ``LinksConfig``): title-case and all-caps sentences parsed as
   written or re-parsed as the body writes their words
   (``links.headlines``), words the body does not use lower-cased in a
   title-case headline kept or lower-cased; the relative "where" and
   predicatives of an object ("found two women dead"); nouns the
   noun-chunk iterator skips; and nouns that modify a noun ("shooting
   spree", "telephone and Internet traffic") as mentions of their own. Then
   5-fold over topics (the variant chosen on 4/5 of the topics by all-pairs
   F1, scored on the fifth).

    python benchmarks/links_mentions.py             # ~2 min with ecb_links' caches
    python benchmarks/links_mentions.py --basil 15  # + the headline links it changes on 15 BASIL stories
    python benchmarks/links_mentions.py --no-ecb --diff  # the ECB+ pairs the re-parse adds and removes
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from contextlib import contextmanager
from functools import partial
from dataclasses import replace
from pathlib import Path

import ecb_links as E
from _links_eval import doc_pairs, gold_links, jaccard, predicted_links
from links_rules import basil_documents, kfold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compare.config import CompareConfig  # noqa: E402
from compare.links import headlines as H  # noqa: E402
from compare.links import mentions as M  # noqa: E402
from compare.links.cluster import partition  # noqa: E402

EXAMPLES = 30


def unstood(rows, prepared) -> tuple[Counter, Counter]:
    """Gold mentions in cross-document chains that no own mention stands for:
    counts by (kind, why) and the most frequent texts."""
    why, texts = Counter(), Counter()
    for row, (mentions, _, labels, _) in zip(rows, prepared):
        stood = {(m.article, labels[i]) for i, m in enumerate(mentions) if labels[i] is not None}
        for a in sorted({x for pair in doc_pairs(len(row["docs"])) for x in pair}):
            for k, g in enumerate(row["docs"][a]["mentions"]):
                if g["singleton"] or (a, k) in stood:
                    continue
                overlaps = [jaccard((m.start, m.end), (g["start"], g["end"])) for m in mentions
                            if m.article == a and min(m.end, g["end"]) > max(m.start, g["start"])]
                why[(g["kind"], "no overlapping mention" if not overlaps else
                     "overlap < 0.3" if max(overlaps) < 0.3 else "its mention stands for another")] += 1
                texts[g["text"]] += 1
    return why, texts


def modifier_nouns(doc) -> list:
    """Common nouns that modify a noun and head no noun phrase, outside names."""
    names = {t.i for ent in doc.ents for t in ent}
    return [t for t in doc if t.pos_ == "NOUN" and t.dep_ in ("compound", "nmod") and t.i not in names]


@contextmanager
def patched(module, **values):
    """``module``'s attributes set to ``values`` for the block."""
    saved = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


# This round's extraction rules switched off (``mentions`` module attributes).
RULES_OFF = {"RELATIVE_ADVERBS": {}, "OBJECT_PREDICATIVE": frozenset(), "skipped_nouns": lambda doc: []}


def with_modifiers(events_only: bool):
    """``mentions.possessors`` extended by the noun modifiers (all, or those
    ``mentions.is_event_noun`` calls events with the article's verbs)."""
    possessors = M.possessors

    def heads(doc):
        verbs = M.verb_lemmas(doc)
        return possessors(doc) + [t for t in modifier_nouns(doc) if not events_only or M.is_event_noun(t, verbs)]

    return heads


def variant_table(rows, embedder, config) -> dict:
    """Variant name -> own mentions prepared per subtopic (``ecb_links.prepare``)."""
    plain = E.parse_all(rows, replace(config, links=replace(config.links, recase_headlines=False)))
    recased = E.parse_all(rows, replace(config, links=replace(config.links, recase_headlines=True)))
    recased_word = H.recased_word
    with patched(H, recased_word=lambda word, cases, stop, all_caps: recased_word(word, cases, True, all_caps)):
        lowered = E.parse_all(rows, replace(config, links=replace(config.links, recase_headlines=True)))
    prepare = partial(E.prepare, embedder=embedder, gold=False)
    table = {}
    with patched(M, **RULES_OFF):
        table["headlines as parsed (before this round)"] = prepare(rows, plain)
        table["+ headlines re-parsed as the body writes their words"] = prepare(rows, recased)
        table["+ re-parsed, words the body lacks lower-cased"] = prepare(rows, lowered)
    with patched(M, skipped_nouns=lambda doc: []):
        table["+ re-parsed, relative 'where', object predicatives"] = prepare(rows, recased)
    table["+ nouns the noun-chunk iterator skips (configured)"] = prepare(rows, recased)
    for events_only, name in ((True, "event nouns"), (False, "every noun")):
        with patched(M, possessors=with_modifiers(events_only)):
            table[f"configured + {name} modifying a noun"] = prepare(rows, recased)
    return table


def ecb_figures() -> None:
    config = CompareConfig()
    rows, _, embedder, _ = E.own_mentions(replace(config, links=replace(config.links, recase_headlines=False)))
    table = variant_table(rows, embedder, config)
    for name in (list(table)[0], list(table)[4]):
        why, texts = unstood(rows, table[name])
        print(f"{name}: gold chain mentions without an own mention: {sum(why.values())}")
        for key, n in sorted(why.items()):
            print(f"    {n:4d} {key[0]}, {key[1]}")
        print("    most frequent:", ", ".join(f"{t!r} {n}" for t, n in texts.most_common(EXAMPLES)))
    results = {}
    for name, prepared in table.items():
        results[name] = E.evaluate(rows, prepared, config.links)[0]
        print(E.line(name, E.total(results[name])), f"({sum(len(p[0]) for p in prepared)} mentions)")
    chain = {name: results[name] for name in list(results)[:5]}
    print(E.line(f"  {E.FOLDS}-fold over topics, the first five (chosen on 4/5)", kfold(rows, chain)))
    print(E.line(f"  {E.FOLDS}-fold over topics, every variant (chosen on 4/5)", kfold(rows, results)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--basil", type=int, default=0, help="read the headline links on this many BASIL stories")
    parser.add_argument("--no-ecb", action="store_true", help="skip the ECB+ figures")
    parser.add_argument("--diff", action="store_true", help="the ECB+ pairs the re-parse of headlines changes")
    args = parser.parse_args()
    if not args.no_ecb:
        ecb_figures()
    if args.diff:
        headline_diff()
    if args.basil:
        basil_headlines(args.basil)
        basil_noun_rules(args.basil)


def scored_pairs(rows, prepared, links_config) -> dict:
    """(subtopic, doc a, doc b, gold a, gold b) -> (right, "kinds 'text a' / 'text b'") for every predicted pair."""
    out = {}
    for row, (mentions, vectors, labels, windows) in zip(rows, prepared):
        groups, _ = partition(mentions, vectors, links_config, windows)
        cluster = {i: c for c, group in enumerate(groups) for i in group}
        side: dict = defaultdict(lambda: ([], []))
        for i, m in enumerate(mentions):
            side[m.article][0].append(labels[i])
            side[m.article][1].append(cluster[i])
        for a, b in doc_pairs(len(row["docs"])):
            gold = gold_links(row["docs"][a], row["docs"][b])
            for g, h in predicted_links(side[a][0], side[b][0], side[a][1], side[b][1]):
                m1, m2 = row["docs"][a]["mentions"][g], row["docs"][b]["mentions"][h]
                out[(row["subtopic"], a, b, g, h)] = (
                    (g, h) in gold, f"{m1['kind'][:2]}/{m2['kind'][:2]} {m1['text']!r} / {m2['text']!r}")
    return out


def headline_diff() -> None:
    """The scored pairs the re-parse of headlines adds and removes (right and wrong), by text."""
    config = CompareConfig()
    rows, _, embedder, _ = E.own_mentions(replace(config, links=replace(config.links, recase_headlines=False)))
    found = {}
    for on in (False, True):
        cfg = replace(config, links=replace(config.links, recase_headlines=on))
        found[on] = scored_pairs(rows, E.prepare(rows, E.parse_all(rows, cfg), embedder, gold=False), cfg.links)
    for title, on in (("added", True), ("removed", False)):
        keys = found[on].keys() - found[not on].keys()
        for right in (True, False):
            texts = Counter(f"{k[0]} {found[on][k][1]}" for k in keys if found[on][k][0] == right)
            print(f"{title}, {'right' if right else 'wrong'}: {sum(texts.values())} pairs")
            for text, n in texts.most_common(EXAMPLES):
                print(f"    {n:3d} {text}")


def basil_headlines(stories: int) -> None:
    """On the first ``stories`` BASIL dev stories (unseen, politics): the
    cross-article links with an end in a title-case headline that re-parsing
    adds or removes, with both mentions' sentences, to read."""
    from compare.links import link_mentions
    from compare.pipeline import default_embedder

    config = CompareConfig()
    embedder = default_embedder(config)
    counts = Counter()
    for documents in basil_documents(stories, config, embedder):
        headline = {(k, s.start) for k, d in enumerate(documents) for s in d.doc.sents if M.title_case(s)}
        found = {}
        for on in (False, True):
            switched = replace(config, links=replace(config.links, recase_headlines=on))
            links = link_mentions(documents, switched, embedder)
            found[on] = {described(links, link, documents): link.evidence for link in links.links
                         if any(in_headline(links.mentions[i], documents, headline) for i in (link.a, link.b))}
        counts["headlines"] += len(headline)
        for on, sign in ((True, "+"), (False, "-")):
            for key in found[on].keys() - found[not on].keys():
                counts[sign] += 1
                print(f"  {sign} {found[on][key]} | {key[0]} | {key[1]}")
    print(f"  BASIL, {stories} stories, {counts['headlines']} title-case sentences: "
          f"re-parsing adds {counts['+']} headline links, removes {counts['-']}")


def basil_noun_rules(stories: int) -> None:
    """On the first ``stories`` BASIL dev stories: the cross-article links
    with an end on a mention only this round's noun rules make (skipped
    nouns, relative "where", object predicatives), to read."""
    from compare.links import link_mentions
    from compare.pipeline import default_embedder

    config = CompareConfig()
    embedder = default_embedder(config)
    total = 0
    for documents in basil_documents(stories, config, embedder):
        with patched(M, **RULES_OFF):
            before = {(m.article, m.start, m.end) for m in link_mentions(documents, config, embedder).mentions}
        links = link_mentions(documents, config, embedder)
        for link in links.links:
            new = [i for i in (link.a, link.b) if (lambda m: (m.article, m.start, m.end))(links.mentions[i]) not in before]
            if new:
                total += 1
                key = described(links, link, documents)
                print(f"  + {link.evidence} | {key[0]} | {key[1]}")
    print(f"  BASIL, {stories} stories: {total} links with an end only the noun rules make")


def in_headline(m, documents, headline) -> bool:
    sentence = documents[m.article].sentences[m.sentence]
    return (m.article, documents[m.article].doc.char_span(sentence.start, sentence.end,
                                                          alignment_mode="expand").sent.start) in headline


def described(links, link, documents) -> tuple[str, str]:
    """Each end of a link as "article: ...context [mention] context..."."""
    out = []
    for i in (link.a, link.b):
        m = links.mentions[i]
        text = documents[m.article].article.text
        context = f"...{text[max(0, m.start - 40):m.start]}[{m.text}]{text[m.end:m.end + 30]}..."
        out.append(f"{m.article}: " + context.replace("\n", " "))
    return tuple(out)


if __name__ == "__main__":
    main()
