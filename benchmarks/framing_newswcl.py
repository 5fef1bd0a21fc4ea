"""Score framing findings on NewsWCL50 dev events (word choice and labeling).

Items: for each pair of outlets of an event and each annotated concept that
both outlets mention with different phrases (distinct lower-cased phrase sets
differ), is there a two-sided finding whose A spans overlap an annotated
phrase of that concept in A and whose B spans overlap one in B?

    recall    = found items / items
    precision = label/qualifier findings whose two sides overlap phrases of
                one concept / all label/qualifier findings

Unannotated but real label differences count as errors, so precision is a
lower bound. Article texts are read at run time and never stored. Each
event is linked once over its five outlets (as ``compare_story`` does) and
each pair compared with its view of those links.

``--sweep`` re-scores a small grid of FramingConfig thresholds and prints a
leave-one-event-out estimate beside the all-data figure: for each event, the
setting with the best recall (without PROPERTY) at precision >= 0.60 on the
other events is scored on that event; the held-out counts are summed.

    PYTHONHASHSEED=0 python benchmarks/framing_newswcl.py [--shared PATH] [--events 0,1] [--misses 15] [--sweep]
"""
from __future__ import annotations

import argparse
import itertools
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from _common import SHARED, read_jsonl
from dataclasses import replace

from compare import CompareConfig
from compare.links import link_mentions
from compare.pipeline import compare_documents, default_embedder, prepare_documents
from compare.types import Article, Comparison, FramingDifference, Span

OUTLETS = ("LL", "L", "M", "R", "RR")
PAIR_TYPES = ("label", "qualifier", "naming_variant", "report_verb")
PRECISION_TYPES = ("label", "qualifier")


@dataclass(frozen=True)
class Mention:
    concept: str
    code_type: str
    phrase: str
    span: Span


def article_text(article: dict) -> tuple[str, list[int]]:
    """Sentences joined by line breaks (each stays one sentence); their start offsets."""
    starts, offset = [], 0
    for sentence in article["sentences"]:
        starts.append(offset)
        offset += len(sentence) + 1
    return "\n".join(article["sentences"]), starts


def mentions(article: dict, starts: list[int]) -> list[Mention]:
    """Annotated concept phrases with character spans (first match in their sentence)."""
    out = []
    for ann in article["annotations"]:
        sentence = article["sentences"][ann["sent_idx"]]
        at = sentence.lower().find(ann["code_mention"].lower())
        if at < 0:
            continue
        start = starts[ann["sent_idx"]] + at
        out.append(Mention(ann["code_name"], ann["code_type"], ann["code_mention"],
                           Span(start, start + len(ann["code_mention"]))))
    return out


def overlaps(spans: tuple[Span, ...], targets: list[Span]) -> bool:
    return any(s.overlaps(t) for s in spans for t in targets)


def items(ma: list[Mention], mb: list[Mention]) -> dict[str, tuple[list[Mention], list[Mention]]]:
    """Concepts both articles name with different phrase sets."""
    by_a, by_b = defaultdict(list), defaultdict(list)
    for m in ma:
        by_a[m.concept].append(m)
    for m in mb:
        by_b[m.concept].append(m)
    out = {}
    for concept in by_a.keys() & by_b.keys():
        if {m.phrase.lower() for m in by_a[concept]} != {m.phrase.lower() for m in by_b[concept]}:
            out[concept] = (by_a[concept], by_b[concept])
    return out


def finding_hits(f: FramingDifference, ma: list[Mention], mb: list[Mention]) -> set[str]:
    """Concepts whose phrases the finding's two sides overlap."""
    ca = {m.concept for m in ma if overlaps(f.a_spans, [m.span])}
    cb = {m.concept for m in mb if overlaps(f.b_spans, [m.span])}
    return ca & cb


def score_pair(comparison: Comparison, ma: list[Mention], mb: list[Mention], tally: dict) -> None:
    two_sided = [f for f in comparison.framing if f.type in PAIR_TYPES and f.a_spans and f.b_spans]
    for concept, (xa, xb) in items(ma, mb).items():
        found = any(concept in finding_hits(f, xa, xb) for f in two_sided)
        code_type = xa[0].code_type
        tally["items"][code_type] += 1
        tally["found"][code_type] += found
        if not found:
            tally["misses"].append((concept, sorted({m.phrase for m in xa}), sorted({m.phrase for m in xb})))
    for f in comparison.framing:
        if f.type in PRECISION_TYPES and f.a_spans and f.b_spans:
            correct = bool(finding_hits(f, ma, mb))
            tally["findings"] += 1
            tally["correct"] += correct
            tally["examples"].append((correct, f.type, f.a_text, f.b_text))


def prepare(events: list[dict], config: CompareConfig, embedder) -> list[tuple[dict, dict, object]]:
    """Per event: outlet -> Document, outlet -> annotated mentions, and the
    event's links over all outlets (parsed, embedded and linked once)."""
    out = []
    for event in events:
        arts, notes = {}, {}
        for outlet in OUTLETS:
            text, starts = article_text(event["articles"][outlet])
            arts[outlet] = Article(text, id=outlet, source=event["articles"][outlet]["outlet"])
            notes[outlet] = mentions(event["articles"][outlet], starts)
        docs = prepare_documents([arts[o] for o in OUTLETS], config, embedder)
        links = link_mentions(docs, config, embedder) if config.links.enabled else None
        out.append((dict(zip(OUTLETS, docs)), notes, links))
    return out


def new_tally() -> dict:
    return {"items": Counter(), "found": Counter(), "findings": 0, "correct": 0, "misses": [], "examples": []}


def run_event(event: tuple[dict, dict, object], config: CompareConfig, embedder) -> dict:
    """The tally of one event's 10 outlet pairs, each with its view of the event's links."""
    docs, notes, links = event
    unlinked = replace(config, links=replace(config.links, enabled=False))
    tally = new_tally()
    for (i, x), (j, y) in itertools.combinations(enumerate(OUTLETS), 2):
        view = links.pair_view(i, j) if links is not None else None
        score_pair(compare_documents(docs[x], docs[y], unlinked, embedder, links=view), notes[x], notes[y], tally)
    return tally


def merge(tallies: list[dict]) -> dict:
    out = new_tally()
    for t in tallies:
        for key in ("items", "found"):
            out[key].update(t[key])
        for key in ("findings", "correct"):
            out[key] += t[key]
        out["misses"] += t["misses"]
        out["examples"] += t["examples"]
    return out


def run(prepared: list[tuple[dict, dict, object]], config: CompareConfig, embedder) -> dict:
    return merge([run_event(event, config, embedder) for event in prepared])


def figures(tally: dict) -> tuple[int, int, int, int]:
    """(found, items) without PROPERTY, and (correct, findings)."""
    found = sum(tally["found"].values()) - tally["found"]["PROPERTY"]
    items = sum(tally["items"].values()) - tally["items"]["PROPERTY"]
    return found, items, tally["correct"], tally["findings"]


def objective(tally: dict, min_precision: float = 0.6) -> tuple:
    """Best recall (without PROPERTY) among settings at the precision floor, then precision."""
    found, items, correct, findings = figures(tally)
    precision = correct / max(findings, 1)
    return (precision >= min_precision, found / max(items, 1), precision)


SWEEP_GRID = [{"referent_min_similarity": r, "descriptor_min_mentions": m} for r in (0.3, 0.5) for m in (4, 5, 6)]


def sweep(prepared: list[tuple[dict, dict, object]], config: CompareConfig, embedder) -> None:
    """All-data figures for a small grid of FramingConfig thresholds, and a
    leave-one-event-out estimate of the tuned setting."""
    per_setting = []
    for change in SWEEP_GRID:
        tallies = [run_event(e, replace(config, framing=replace(config.framing, **change)), embedder) for e in prepared]
        per_setting.append(tallies)
        found, items, correct, findings = figures(merge(tallies))
        print(f"{change}: recall without PROPERTY {found}/{items} = {found / max(items, 1):.3f}, "
              f"precision {correct}/{findings} = {correct / max(findings, 1):.3f}")
    best = max(range(len(SWEEP_GRID)), key=lambda k: objective(merge(per_setting[k])))
    held_out, picks = [], []
    for e in range(len(prepared)):
        k = max(range(len(SWEEP_GRID)), key=lambda k: objective(merge([t for n, t in enumerate(per_setting[k]) if n != e])))
        picks.append(k)
        held_out.append(per_setting[k][e])
    both = (("all-data optimum " + str(SWEEP_GRID[best]), merge(per_setting[best])),
            ("leave-one-event-out", merge(held_out)))
    for label, tally in both:
        found, items, correct, findings = figures(tally)
        print(f"{label}: recall without PROPERTY {found}/{items} = {found / max(items, 1):.3f}, "
              f"precision {correct}/{findings} = {correct / max(findings, 1):.3f}")
    print(f"settings picked per held-out event: {[SWEEP_GRID[k] for k in picks]}")
    print(f"recall by concept type: {'all-data':>16} {'leave-one-out':>16}")
    for code_type in sorted(both[0][1]["items"]):
        cells = [f"{t['found'][code_type]:4d}/{t['items'][code_type]:4d} = {t['found'][code_type] / t['items'][code_type]:.2f}"
                 for _, t in both]
        print(f"  {code_type:10s} {cells[0]:>22} {cells[1]:>16}")


def report(tally: dict, n_misses: int) -> None:
    items, found = sum(tally["items"].values()), sum(tally["found"].values())
    print(f"recall (pair, concept) items: {found}/{items} = {found / max(items, 1):.3f}")
    # PROPERTY concepts are evaluations ("Importance", "Affection"), mostly verb
    # phrases and clauses, not names for a referent: shown apart.
    items_ref = items - tally["items"]["PROPERTY"]
    found_ref = found - tally["found"]["PROPERTY"]
    print(f"recall without PROPERTY items: {found_ref}/{items_ref} = {found_ref / max(items_ref, 1):.3f}")
    for code_type in sorted(tally["items"]):
        n, k = tally["items"][code_type], tally["found"][code_type]
        print(f"  {code_type:10s} {k:4d}/{n:4d} = {k / n:.3f}")
    n, k = tally["findings"], tally["correct"]
    print(f"precision label/qualifier findings: {k}/{n} = {k / max(n, 1):.3f}")
    rng = random.Random(0)
    print(f"\nsample of misses (concept: phrases in A | phrases in B):")
    for concept, pa, pb in rng.sample(tally["misses"], min(n_misses, len(tally["misses"]))):
        print(f"  {concept}: {pa[:4]} | {pb[:4]}")
    print("\nsample of findings (correct?, type, A, B):")
    for row in rng.sample(tally["examples"], min(n_misses, len(tally["examples"]))):
        print("  ", row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder holding data/newswcl50")
    parser.add_argument("--events", default="", help="comma-separated event ids (default: all dev events)")
    parser.add_argument("--misses", type=int, default=15, help="how many misses and findings to print")
    parser.add_argument("--sweep", action="store_true", help="also score a small grid of FramingConfig thresholds")
    args = parser.parse_args()
    path = args.shared / "data" / "newswcl50" / "newswcl50_events_dev_events_0_4.jsonl"
    events = read_jsonl(path)
    if args.events:
        wanted = {int(e) for e in args.events.split(",")}
        events = [e for e in events if e["event_id"] in wanted]
    t0 = time.perf_counter()
    # The fact stage is not scored here: switched off so it neither costs time nor fails the run.
    config = CompareConfig()
    config = replace(config, facts=replace(config.facts, enabled=False))
    embedder = default_embedder(config)
    prepared = prepare(events, config, embedder)
    report(run(prepared, config, embedder), args.misses)
    if args.sweep:
        print()
        sweep(prepared, config, embedder)
    print(f"\n{len(events)} events, {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
