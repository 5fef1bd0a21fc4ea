"""Fact stage with the real encoder: seed gold coverage, a true conflict, no false one."""
from __future__ import annotations

import numpy as np
import pytest

from compare.config import CompareConfig
from compare.encoders import get_embedder
from compare.pipeline import compare_articles

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder():
    config = CompareConfig()
    return get_embedder(config.model, config.backend, config.batch_size)


def unique_share(result, side: int, text: str, snippet: str) -> float:
    start = text.index(snippet)
    mask = np.zeros(len(text), dtype=bool)
    for h in result.highlights:
        if h.article == side and h.status == "unique":
            mask[h.start:h.end] = True
    return float(mask[start:start + len(snippet)].mean())


def test_seed_gold(seed_pair, seed_gold, embedder):
    a, b = seed_pair
    result = compare_articles(a, b, CompareConfig(), embedder)
    texts = (a.text, b.text)
    only = [(0, s) for s in seed_gold["only_in_a"]] + [(1, s) for s in seed_gold["only_in_b"]]
    covered = sum(unique_share(result, side, texts[side], s) > 0.5 for side, s in only)
    alarms = sum(unique_share(result, side, texts[side], s) > 0.5
                 for item in seed_gold["shared_facts"] for side, s in ((0, item["a"]), (1, item["b"])))
    # Issue 13's bar: >= 17 of 18 covered and no shared fact marked unique.
    # The last two false alarms ("a conflict ... has killed 15,000 people" vs
    # "years of fighting in Ukraine's war-torn east") are linked by facts/events.py.
    assert covered >= 17
    assert alarms == 0
    assert not [f for f in result.facts if f.status == "conflict"], "400 vs 351 MPs are two votes, not a conflict"
    # every gold shared fact is linked at fact level: a shared fact (not an
    # entity named on both sides anywhere) with spans on both gold substrings
    for item in seed_gold["shared_facts"]:
        ends = [(t.index(s), t.index(s) + len(s)) for t, s in zip(texts, (item["a"], item["b"]))]
        linked = [f for f in result.facts if f.status == "shared" and f.kind != "entity"
                  and any(x.start < ends[0][1] and ends[0][0] < x.end for x in f.a_spans)
                  and any(x.start < ends[1][1] and ends[1][0] < x.end for x in f.b_spans)]
        linked += [f for f in result.facts if f.status == "shared" and f.kind == "entity"
                   and any(ends[0][0] <= x.start and x.end <= ends[0][1] for x in f.a_spans)
                   and any(ends[1][0] <= x.start and x.end <= ends[1][1] for x in f.b_spans)]
        assert linked, item["note"]


def test_casualty_conflict_real_encoder(embedder):
    a = ("Russia's parliament voted on Tuesday to recognise the two regions. The conflict between government "
         "forces and separatists in eastern Ukraine has killed 15,000 people since 2014.")
    b = ("The conflict between government forces and separatists in eastern Ukraine has killed 14,000 people "
         "since 2014. Russia's parliament voted on Tuesday to recognise the two regions.")
    result = compare_articles(a, b, CompareConfig(), embedder)
    conflicts = [f for f in result.facts if f.status == "conflict"]
    assert [f.text for f in conflicts] == ["15,000 people / 14,000 people"]


def test_mayor_schools_conflict_real_encoder(embedder):
    # issue 13: two one-sided figures ("B gives no figure of 12 of school") were one conflict
    result = compare_articles("The mayor said the plan would fund 12 new schools.",
                              "The mayor said it would pay for 10 new schools.", CompareConfig(), embedder)
    numbers = [(f.status, f.text) for f in result.facts if f.kind == "number"]
    assert numbers == [("conflict", "12 new schools / 10 new schools")]


def test_seed_only_in_one_list_is_short_and_true(seed_pair, embedder):
    a, b = seed_pair
    result = compare_articles(a, b, CompareConfig(), embedder)
    only = {s: [f for f in result.facts if f.status == s] for s in ("only_a", "only_b")}
    for status, facts in only.items():  # for a reader to check by eye (pytest -s)
        print(f"\n{status}: {len(facts)}")
        for f in facts:
            print(f"  [{f.kind}] {f.text}  -- {f.reason}")
    # issue 13: 52 / 43 items before (fragments, names inside one-sided sentences), 21 / 16 in facts13
    assert len(only["only_a"]) <= 15 and len(only["only_b"]) <= 15  # 15 / 13 on 2026-12-01
    reasons = [f.reason for fs in only.values() for f in fs]
    for false_fact in ("A never names Donetsk", "A gives no figure of 2", "B gives no figure of 4", "figure of 1",
                       "B never names Vyacheslav Volodin"):
        assert not any(false_fact in r for r in reasons), false_fact
    texts = {f.text for fs in only.values() for f in fs}
    for fragment in ("Under", "he", "it is", "In a session held", "Vyacheslav Volodin, said"):
        assert fragment not in texts
