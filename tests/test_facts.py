"""Fact stage: matching rules, status logic on hand-made units, phrase
scoring on hand-made arrays, and end-to-end facts/highlights with the fake encoder."""
from __future__ import annotations

import numpy as np
import pytest

from compare.config import CompareConfig, FactsConfig
from compare.facts.families import build_highlights, conflicting_number, unique_runs
from compare.facts.match import number_counterparts, quote_overlap, same_entity, same_slot, same_speaker, same_value
from compare.facts.phrases import Phrases, closed_words, mutual_pairs, title_cased
from compare.facts.score import (SentenceTokenVectors, anchored_support, contextual_support, counterpart_sentences,
                                 nearest_sentences, phrase_scores, phrase_support, smooth_clauses)
from compare.facts.units import Unit
from compare.pipeline import compare_articles
from compare.types import AlignedPair, Alignment


def number(value, noun="people", verb="kill", sentence=0, start=0, approx=False):
    return Unit("number", start, start + 5, sentence, f"{value:g} {noun}", (), value=value, noun=noun,
                verb=verb, approx=approx)


# ---------------------------------------------------------------- matching rules

@pytest.mark.parametrize("x, y, same", [
    ("Putin", "President Vladimir Putin", True),
    ("Duma", "Russia's State Duma", True),
    ("Lugansk", "Luhansk", True),
    ("Kiev", "Kyiv", True),
    ("Austria", "Australia", False),
    ("Ukraine", "Ukraine’s National Security and Defense Council", False),
    ("Russia", "United Russia party", False),
    ("the Ministry", "Russian Foreign Ministry", False),
    ("Dmitry Peskov", "Dmytro Kuleba", False),
])
def test_same_entity(x, y, same):
    assert same_entity(x, y) is same
    assert same_entity(y, x) is same


@pytest.mark.parametrize("x, y, approx, same", [
    (15000, 15000, False, True), (15000, 14000, False, False), (15000, 14000, True, True),
    (400, 351, True, False),
])
def test_same_value(x, y, approx, same):
    assert same_value(x, y, approx, tolerance=0.1) is same


def test_number_counterparts_need_a_compatible_noun():
    assert number_counterparts(number(400, "mp"), [number(400, "mp"), number(400, "passport")], 0.1) == [number(400, "mp")]
    assert number_counterparts(number(1, ""), [number(1, "vote")], 0.1) == [number(1, "vote")]


def test_same_slot_needs_the_same_counted_noun_not_the_same_verb():
    # "fund 12 new schools" / "pay for 10 new schools": the verb may differ
    # (the conflict test checks that the rest of both sentences agrees)
    assert same_slot(number(12, "school", "fund"), number(10, "school", "pay"))
    assert not same_slot(number(15000), number(14000, noun="soldier"))
    assert not same_slot(number(15000, noun=""), number(14000, noun=""))


def test_quotes_and_speakers():
    assert quote_overlap("there is an attempt to provoke our forces", "an attempt to provoke our forces") == 1.0
    assert quote_overlap("we need help", "") == 0.0
    assert same_speaker("", "Volodin") and same_speaker("Putin", "Vladimir Putin")
    assert not same_speaker("Peskov", "Kuleba")


# ---------------------------------------------------------------- status logic on hand-made matches

def alignment(pairs, sim):
    sim = np.asarray(sim, dtype=np.float32)
    return Alignment(tuple(pairs), (), (), sim, sim, sim)


def verdict(unique, weights=None, partners=(0,)):
    chunks = tuple(Unit("chunk", 10 * n, 10 * n + 5, 0, "x") for n in range(len(unique)))
    weights = weights or [1.0] * len(unique)
    return Phrases(chunks, tuple(0.9 if u else 0.1 for u in unique), tuple(unique), tuple(weights), partners)


def test_conflict_needs_same_slot_same_bead_and_agreeing_rest():
    bead = alignment([AlignedPair((0,), (0,), 1.3, 0.9, "equivalent")], [[0.9]])
    u, v = number(15000, start=10), number(14000, start=10)
    agree = ({0: verdict([False, False, False])}, {0: verdict([False, False, False])})
    assert conflicting_number(u, [v], agree, bead, FactsConfig()) == (v, 0.9)
    # the rest of the sentences differ (a different vote): no conflict
    differ = ({0: verdict([True, False, True])}, {0: verdict([True, False, True])})
    assert conflicting_number(u, [v], differ, bead, FactsConfig()) is None
    # sentences neither aligned nor compared with each other: no conflict
    apart = alignment([], [[0.9]])
    strangers = ({0: verdict([False] * 3, partners=())}, {0: verdict([False] * 3, partners=())})
    assert conflicting_number(u, [v], strangers, apart, FactsConfig()) is None
    # ... but a counterpart sentence outside the bead is compared
    assert conflicting_number(u, [v], agree, apart, FactsConfig()) == (v, 0.9)
    # another counted noun: another slot
    assert conflicting_number(u, [number(14000, noun="soldier", start=10)], agree, bead, FactsConfig()) is None


def test_highlights_read_the_shown_verdict_facts_the_unique_one():
    class Doc:
        sentences = [type("S", (), {"index": 0, "start": 0, "end": 25})()]
    sides = (type("Side", (), {"doc": Doc})(), type("Side", (), {"doc": Doc})())
    facts_verdict = verdict([False, True, True])
    shown = Phrases(facts_verdict.chunks, facts_verdict.scores, facts_verdict.unique, facts_verdict.weights,
                    (0,), shown=(False, False, True))
    spans = [(h.start, h.end, h.status) for h in build_highlights(sides, ({0: shown}, {}), []) if h.article == 0]
    assert spans == [(0, 15, "shared"), (20, 25, "unique")]
    assert unique_runs(shown) == unique_runs(facts_verdict)  # facts read ``unique``


def test_unique_runs_merge_neighbours_and_skip_punctuation():
    runs = unique_runs(verdict([False, True, True, True, False, True], [1, 1, 0, 1, 1, 2]))
    assert [(s, e, w) for s, e, w, _ in runs] == [(10, 35, 2), (50, 55, 2)]


# ---------------------------------------------------------------- scoring on hand-made arrays

def test_contextual_support_averages_subwords():
    mine = SentenceTokenVectors(np.array([[0, 3], [3, 6], [7, 9]]), np.eye(3, dtype=np.float32))
    theirs = [SentenceTokenVectors(np.array([[0, 2]]), np.array([[1, 0, 0]], dtype=np.float32))]
    support = contextual_support([(0, 6), (7, 9)], mine, theirs)
    assert support.tolist() == pytest.approx([0.5, 0.0])


def test_phrase_scores_weight_function_words_less():
    chunk = Unit("chunk", 0, 5, 0, "x", (0, 1))
    assert phrase_scores([chunk], {0: 1.0, 1: 0.0}, {0: 0.3, 1: 1.0}) == [pytest.approx(0.3 / 1.3)]
    punct = Unit("chunk", 5, 6, 0, ",", (2,))
    assert phrase_scores([punct], {2: 1.0}, {2: 0.0}) == [1.0]


class Tok:
    def __init__(self, like_num: bool, text: str = "word"):
        self.like_num, self.text = like_num, text


def test_anchors_numbers_always_long_names_only_when_asked():
    tokens = [Tok(True), Tok(False), Tok(False), Tok(False), Tok(False)]
    figure = Unit("number", 0, 9, 0, "400 MPs", (0, 1), value=400.0, noun="mp")
    short = Unit("entity", 10, 15, 0, "Obama", (2,), label="PERSON")
    long_ = Unit("entity", 16, 30, 0, "Treaty of Friendship", (3, 4), label="LAW")
    missing = {figure: False, short: False, long_: False}
    # the figure's digits only, not its noun; a one-word name keeps its cosine
    assert anchored_support(tokens, [figure, short, long_], missing, 3) == {0: 0.0, 3: 0.0, 4: 0.0}
    assert anchored_support(tokens, [figure, short, long_], missing, 0) == {0: 0.0}
    said = {figure: True, short: True, long_: True}
    assert anchored_support(tokens, [figure, short, long_], said, 0) == {0: 1.0, 2: 1.0, 3: 1.0, 4: 1.0}
    # a figure with its scale glued on ("38b") is not like_num, but its digits are the figure
    glued = Unit("number", 0, 3, 0, "38b", (0,), value=38e9)
    assert anchored_support([Tok(False, "38b")], [glued], {glued: False}, 3) == {0: 0.0}


def test_clause_mostly_unique_becomes_unique():
    chunks = [Unit("chunk", 0, 4, 0, "a", (0,)), Unit("chunk", 5, 9, 0, "b", (1,)), Unit("chunk", 10, 14, 0, "c", (2,))]
    clause = Unit("clause", 5, 14, 0, "b c")
    weights = {0: 1.0, 1: 1.0, 2: 2.0}
    assert smooth_clauses(chunks, [False, False, True], [clause], 0.6, weights) == [False, True, True]
    assert smooth_clauses(chunks, [False, True, False], [clause], 0.6, weights) == [False, True, False]
    # a phrase paired with one of the other report keeps its verdict inside a smoothed clause
    assert smooth_clauses(chunks, [False, False, True], [clause], 0.6, weights, paired=frozenset({1})) == \
        [False, False, True]


def test_phrase_support_scores_each_word_against_each_phrase_alone():
    # mine: word (0, 3) has subwords 0 and 1, word (4, 6) subword 2; theirs: phrase (0, 2) and phrase (3, 5)
    mine = SentenceTokenVectors(np.array([[0, 2], [2, 3], [4, 6]]), np.eye(3, dtype=np.float32))
    theirs = SentenceTokenVectors(np.array([[0, 2], [3, 5]]), np.array([[1, 0, 0], [0, 0, 1]], dtype=np.float32))
    support = phrase_support([(0, 3), (4, 6)], mine, [(theirs, (0, 2)), (theirs, (3, 5)), (theirs, (9, 9))])
    assert np.allclose(support, [[0.5, 0.0, 0.0], [0.0, 1.0, 0.0]])
    # phrases of two sentences, interleaved: each column is scored against its own sentence
    other = SentenceTokenVectors(np.array([[0, 4]]), np.array([[0, 1, 0]], dtype=np.float32))
    support = phrase_support([(0, 3), (4, 6)], mine, [(other, (0, 4)), (theirs, (3, 5)), (other, (5, 9))])
    assert np.allclose(support, [[0.5, 0.0, 0.0], [0.0, 1.0, 0.0]])


@pytest.mark.parametrize("support, floor, rows", [
    ([[0.6, 0.2], [0.3, 0.5]], 0.45, [0, 1]),  # each row and column agree: one-to-one
    ([[0.6, 0.2], [0.55, 0.1]], 0.45, [0]),  # row 1's best column prefers row 0
    ([[0.6, 0.2], [0.3, 0.4]], 0.45, [0]),  # row 1 pairs with column 1 below the floor
    ([[0.4]], 0.45, []),
    (np.zeros((0, 0)), 0.45, []),
])
def test_mutual_pairs_are_one_to_one_above_the_floor(support, floor, rows):
    assert mutual_pairs(np.asarray(support, dtype=np.float32), floor) == rows


def test_closed_words_keep_missing_figures_and_long_names():
    ministry = Unit("entity", 0, 24, 0, "Russian Foreign Ministry", (0, 1, 2), label="ORG")
    obama = Unit("entity", 30, 35, 0, "Obama", (5,), label="PERSON")
    said = {ministry: False, obama: False}
    # the anchored figure (token 7) and the long name the other report never gives; a short name is left to pairing
    assert closed_words({7: 0.0, 8: 1.0}, said, FactsConfig()) == {0, 1, 2, 7}


def test_counterparts_are_bead_partners_plus_similar_sentences():
    sim = [[0.9, 0.5, 0.1], [0.2, 0.3, 0.1]]
    al = alignment([AlignedPair((0,), (0,), 1.3, 0.9, "equivalent")], sim)
    assert counterpart_sentences(al, 0, top_k=2, floor=0.4) == {0: (0, 1)}
    assert counterpart_sentences(al, 1, top_k=2, floor=0.4) == {0: (0,)}


def test_a_sentence_in_no_bead_gets_its_nearest_sentence_above_the_floor():
    sim = [[0.9, 0.5, 0.1], [0.2, 0.3, 0.1]]
    al = alignment([AlignedPair((0,), (0,), 1.3, 0.9, "equivalent")], sim)
    assert nearest_sentences(al, 0, top_k=1, floor=0.0, skip={0: (0,)}) == {1: (1,)}
    assert nearest_sentences(al, 0, top_k=1, floor=0.35, skip={0: (0,)}) == {}
    assert nearest_sentences(al, 1, top_k=1, floor=0.0, skip={0: (0,)}) == {1: (0,), 2: (0,)}


# ---------------------------------------------------------------- end to end (fake encoder)

CONFIG = CompareConfig(require_english=False)


def test_casualty_figures_conflict(fake_embedder):
    a = "The conflict in eastern Ukraine has killed 15,000 people since 2014. Talks resumed in Minsk."
    b = "The conflict in eastern Ukraine has killed 14,000 people since 2014. Talks resumed in Minsk."
    result = compare_articles(a, b, CONFIG, fake_embedder)
    conflicts = [f for f in result.facts if f.status == "conflict"]
    assert [(f.kind, a[f.a_spans[0].start:f.a_spans[0].end], b[f.b_spans[0].start:f.b_spans[0].end])
            for f in conflicts] == [("number", "15,000 people", "14,000 people")]
    assert any(h.status == "conflict" and h.article == 1 for h in result.highlights)


def test_different_votes_are_not_a_conflict(fake_embedder):
    a = "Parliament backed the treaty on Tuesday, with 400 MPs voting in favor."
    b = "Earlier, parliament had backed a motion calling on Putin to recognize the republics, with 351 MPs voting in favor."
    result = compare_articles(a, b, CONFIG, fake_embedder)
    assert result.alignment.pairs, "the test needs the two sentences aligned"
    assert not [f for f in result.facts if f.status == "conflict"]
    # both figures are one-sided: a figure of B's own claim is listed with that claim (facts/merge.py)
    one_sided = [f.text for f in result.facts if f.status in ("only_a", "only_b")]
    assert any("400 MPs" in t for t in one_sided) and any("351 MPs" in t for t in one_sided)


def test_added_clause_is_unique_rest_shared(fake_embedder):
    a = "Parliament approved the treaty on Tuesday, with 400 MPs voting in favour."
    b = "Parliament approved the treaty on Tuesday."
    result = compare_articles(a, b, CONFIG, fake_embedder)
    unique_a = [a[h.start:h.end] for h in result.highlights if h.article == 0 and h.status == "unique"]
    shared_a = [a[h.start:h.end] for h in result.highlights if h.article == 0 and h.status == "shared"]
    assert any("400 MPs voting in favour" in u for u in unique_a)
    assert any("approved the treaty" in s for s in shared_a)
    # one fact per thing said: the figure is folded into the one-sided claim that carries it
    facts = {(f.kind, f.status, f.text) for f in result.facts}
    assert ("claim", "only_a", "with 400 MPs voting in favour") in facts
    assert ("number", "only_a", "400 MPs") not in facts


def test_figure_only_in_one_report_is_unique(fake_embedder):
    a = "The conflict in eastern Ukraine has killed 15,000 people, officials said on Monday."
    b = "The conflict in eastern Ukraine has killed people, officials said on Monday."
    result = compare_articles(a, b, CONFIG, fake_embedder)
    unique_a = [a[h.start:h.end] for h in result.highlights if h.article == 0 and h.status == "unique"]
    assert any("15,000" in u for u in unique_a)
    assert ("number", "only_a", "15,000 people") in {(f.kind, f.status, f.text) for f in result.facts}


def test_unaligned_sentence_is_unique_as_a_whole(fake_embedder):
    a = "Parliament approved the treaty on Tuesday. Farmers protested about grain prices in Lyon."
    b = "Parliament approved the treaty on Tuesday."
    result = compare_articles(a, b, CONFIG, fake_embedder)
    second = a.index("Farmers")
    assert any(h.article == 0 and h.status == "unique" and h.start == second and h.end == len(a)
               for h in result.highlights)
    claim = [f for f in result.facts if f.kind == "claim" and f.status == "only_a"]
    assert claim and claim[0].text.startswith("Farmers")


def test_entities_match_across_forms(fake_embedder):
    a = "President Vladimir Putin met officials in Luhansk on Monday."
    b = "Putin met officials in Lugansk on Monday."
    facts = compare_articles(a, b, CONFIG, fake_embedder).facts
    shared = {f.text for f in facts if f.kind == "entity" and f.status == "shared"}
    assert {"Vladimir Putin", "Luhansk"} <= shared
    luhansk = next(f for f in facts if f.text == "Luhansk")
    assert "spelled" in luhansk.reason and b[luhansk.b_spans[0].start:luhansk.b_spans[0].end] == "Lugansk"


def test_no_parse_no_facts(fake_embedder):
    from compare.facts import analyse_facts
    from compare.pipeline import compare_documents, prepare_documents
    from compare.types import Article
    from dataclasses import replace

    docs = prepare_documents([Article("One sentence here.", id="a"), Article("Another one there.", id="b")],
                             CONFIG, fake_embedder)
    bare = [replace(d, doc=None) for d in docs]
    result = compare_documents(*bare, CONFIG, fake_embedder)
    assert analyse_facts(*bare, result.alignment, CONFIG, fake_embedder) == ((), ())


def test_warm_token_vectors_serves_a_batch_from_the_cache():
    from compare.encoders import CachingEmbedder, HashingEmbedder
    from compare.facts import warm_token_vectors
    from compare.pipeline import compare_documents, prepare_documents
    from compare.types import Article

    inner = HashingEmbedder()
    embedder = CachingEmbedder(inner)
    texts = ["Parliament approved the treaty on Tuesday.", "Parliament approved the treaty on Tuesday, with 400 MPs.",
             "Farmers protested in Lyon."]
    docs = prepare_documents([Article(t, id=str(n)) for n, t in enumerate(texts)], CONFIG, embedder)
    warm_token_vectors(docs, CONFIG, embedder)
    calls = inner.calls
    compare_documents(docs[0], docs[1], CONFIG, embedder)
    compare_documents(docs[1], docs[2], CONFIG, embedder)
    assert inner.calls == calls


@pytest.mark.parametrize("text, title", [
    ("Keita Wins Mali Presidential Election", True),
    ("Mali Counts Votes After Presidential Runoff", True),
    ("Mali due to vote for president", False),
    ("Senate Judiciary Committee nearing final big decisions in shaping immigration bill", False),
    ("Russia's State Duma voted on Tuesday to ask Vladimir Putin to recognize the regions.", False),
    ("Obama Wins", False),  # too few long words to tell
])
def test_title_case_is_told_by_its_long_words(text, title):
    # in title case the recogniser's "names" are runs of capitalised words: a missing one is not anchored unique
    class Token:
        def __init__(self, word):
            self.text, self.is_alpha = word, word.isalpha()

        def __len__(self):
            return len(self.text)
    assert title_cased([Token(w) for w in text.replace(".", " .").split()]) is title
