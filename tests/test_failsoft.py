"""Fail-soft analysis: a step that raises is a warning in the result, the rest still reported."""
from __future__ import annotations

import json
import logging

import pytest

from compare.labels import warning_line

from compare import compare_articles, framing, pipeline
from compare import story as story_stage
from compare.facts import extract, units
from compare.failsoft import Collector
from compare.story import compare_many
from compare.report import text_report, to_json
from compare.types import AnalysisWarning

A = ("Russian lawmakers voted on Tuesday to recognize two breakaway regions of eastern Ukraine. "
     "The speaker said the appeal would be sent to the Kremlin at once. "
     "Russia has issued more than 700,000 passports to residents of the region since 2014.")
B = ("Russian lawmakers voted on Tuesday to recognize two breakaway regions of eastern Ukraine. "
     "Moscow has issued 650,000 passports to residents of the region since 2014. "
     "Kyiv said the vote broke the Minsk agreements.")
BAD = "The speaker said the appeal"


def failing_on(fn, marker: str):
    """``fn`` that raises on a sentence containing ``marker``."""
    def wrapped(doc, start, end, *args, **kwargs):
        if marker in doc.text[start:end]:
            raise ValueError("7 is not in list")
        return fn(doc, start, end, *args, **kwargs)
    return wrapped


def test_collector_returns_fallback_and_records(fake_embedder, caplog):
    collector = Collector()
    with caplog.at_level(logging.WARNING):
        assert collector.run("x", _doc(fake_embedder), lambda: 1 / 0, "fallback") == "fallback"
    (warning,) = collector.warnings
    assert (warning.stage, warning.sentence, warning.error) == ("x", None, "ZeroDivisionError: division by zero")
    assert len([r for r in caplog.records if "x failed" in r.getMessage()]) == 1


def _doc(embedder):
    return compare_articles(A, B, embedder=embedder).a


def test_unit_failure_is_one_sentence_warning(fake_embedder, monkeypatch, caplog):
    monkeypatch.setattr(extract, "units_of_span", failing_on(units.units_of_span, BAD))
    with caplog.at_level(logging.WARNING):
        result = compare_articles(A, B, embedder=fake_embedder)
    (warning,) = result.warnings
    assert isinstance(warning, AnalysisWarning)
    assert (warning.stage, warning.article, warning.sentence) == ("facts.units", "A", 1)
    assert A[warning.start:warning.end] == warning.text and warning.text.startswith(BAD)
    assert warning.error == "ValueError: 7 is not in list"
    # the other sentences are still analysed: the passport figures still conflict
    assert any(f.kind == "number" and f.status == "conflict" for f in result.facts)
    data = json.loads(to_json(result))
    assert data["warnings"] == [{"stage": "facts.units", "article": "A", "sentence": 1, "text": warning.text,
                                 "span": [warning.start, warning.end], "error": "ValueError: 7 is not in list"}]
    # readers see sentence numbers from 1 (index 1 is the second sentence); logs keep the JSON index
    assert warning_line(warning) in text_report(result).splitlines()[-1]
    assert "facts.units failed on article A, sentence 2 " in text_report(result).splitlines()[-1]
    assert sum("facts.units failed on article A, sentence 1" in r.getMessage() for r in caplog.records) == 1


def test_framing_failure_keeps_facts_and_other_framing(fake_embedder, monkeypatch):
    def broken(*args):
        raise KeyError("label")
    monkeypatch.setattr(framing, "label_findings", broken)
    result = compare_articles(A, B, embedder=fake_embedder)
    assert [w.stage for w in result.warnings] == ["framing.labels"]
    assert result.warnings[0].article == "A+B" and result.warnings[0].sentence is None
    assert result.facts


def test_parser_failure_falls_back_to_rule_sentences(fake_embedder, monkeypatch):
    def parse_many(articles, *args):
        raise RuntimeError("parser exploded")
    real_parse = pipeline.parse

    def parse(article, *args):
        if article.id == "B":
            raise RuntimeError("parser exploded")
        return real_parse(article, *args)
    monkeypatch.setattr(pipeline, "parse_many", parse_many)
    monkeypatch.setattr(pipeline, "parse", parse)
    result = compare_articles(A, B, embedder=fake_embedder)
    assert [(w.stage, w.article) for w in result.warnings] == [("segment", "B")]
    assert result.b.doc is None and len(result.b.sentences) == 3
    assert all(B[s.start:s.end] == s.text for s in result.b.sentences)
    assert result.alignment.pairs  # still aligned


def test_story_collects_pair_warnings_once_and_survives_matrix(fake_embedder, monkeypatch):
    monkeypatch.setattr(extract, "units_of_span", failing_on(units.units_of_span, BAD))

    def broken(*args):
        raise IndexError("matrix")
    monkeypatch.setattr(story_stage, "fact_matrix", broken)
    story = compare_many([A, B, B.replace("Kyiv", "Kiev")], embedder=fake_embedder)
    assert len(story.comparisons) == 3
    stages = [w.stage for w in story.warnings]
    assert stages == ["facts.units", "story.matrix"]  # the unit warning of A: once, not once per pair
    assert [w["stage"] for w in story.to_dict()["warnings"]] == stages
    assert story.matrix.rows == ()


@pytest.mark.parametrize("text", ["", "x" * 1000])
def test_warning_text_is_clipped_but_span_is_whole(text, fake_embedder):
    from compare.failsoft import EXCERPT_CHARS, make_warning
    warning = make_warning("segment", "A", ValueError("v"), text=text)
    assert (warning.start, warning.end) == (0, len(text)) and len(warning.text) <= EXCERPT_CHARS
