"""tables: one row builder per table, shared by the text report, the HTML report, the dashboard and pandas."""
from __future__ import annotations

import json

import pandas

from test_html_report import TEXT_A, TEXT_B, make_data, with_findings

from compare import compare_articles, dashboard, tables
from compare.html_report import render_alignment_table
from compare.report import alignments_frame, facts_frame, sentences_frame, text_report, to_dict


def test_alignment_rows_list_beads_then_sentences_in_one_article():
    rows = tables.alignment_rows(make_data())
    assert [(r["a"], r["b"], r["kind"]) for r in rows] == [
        ("A1", "B1", "equivalent"), ("A2", "B2", "related"), ("A3", "", "only in A")]
    assert rows[0]["text_a"] == "Russia recognised Luhansk." and rows[0]["text_b"] == "Moscow recognised Lugansk."
    assert rows[2]["text_a"] == "Talks failed." and rows[2]["cosine"] is None and rows[2]["text_b"] == ""
    assert all(list(r) == tables.ALIGNMENT_COLUMNS for r in rows)


def test_alignment_rows_join_the_sentences_of_a_one_to_many_bead():
    data = make_data(alignments=[{"a": [0], "b": [0, 1], "score": 1.1, "cosine": 0.6, "kind": "related"}])
    data["articles"][1]["sentences"] = [dict(s, status="partial") for s in data["articles"][1]["sentences"]]
    rows = tables.alignment_rows(data)
    assert (rows[0]["a"], rows[0]["b"]) == ("A1", "B1, B2")
    assert rows[0]["text_b"] == TEXT_B
    assert [r["a"] for r in rows[1:]] == ["A3"], "A2 is partial, A3 unique; B has no unique sentence"


def test_sentence_rows_name_counterparts_with_the_same_labels():
    rows = tables.sentence_rows(make_data())
    assert [(r["label"], r["index"], r["counterparts"]) for r in rows] == [
        ("A1", 0, "B1"), ("A2", 1, "B2"), ("A3", 2, ""), ("B1", 0, "A1"), ("B2", 1, "A2")]
    assert rows[2]["text"] == "Talks failed." and rows[2]["status"] == "unique"


def test_fact_and_finding_rows_quote_the_spans():
    data = with_findings()
    facts = tables.fact_rows(data)
    assert (facts[0]["text_a"], facts[0]["text_b"]) == ("15,000", "14,000") and facts[1]["text_b"] == ""
    findings = tables.finding_rows(data)
    assert [r["finding"] for r in findings] == ["fact"] * 3 + ["framing"] * 2
    assert all(list(r) == tables.FINDING_COLUMNS for r in findings)
    assert json.loads(findings[0]["spans_a"]) == data["facts"][0]["a_spans"]
    assert findings[3]["text_a"] == "Luhansk" and findings[3]["confidence"] == ""


def test_every_view_shows_the_same_alignment_table(fake_embedder):
    text_a = "The council approved the budget on Monday. Taxes will rise by 3%. The mayor was absent."
    text_b = "On Monday the council approved the budget. Taxes are set to rise by 4%. Protesters gathered outside."
    comparison = compare_articles(text_a, text_b, embedder=fake_embedder)
    data = to_dict(comparison)
    rows = tables.alignment_rows(data)
    assert rows, "the hashing embedder aligns the budget sentences"
    frame = alignments_frame(comparison)
    pandas.testing.assert_frame_equal(frame, dashboard.alignment_frame(data))
    assert list(frame["a"]) == [r["a"] for r in rows] and list(frame["kind"]) == [r["kind"] for r in rows]
    html, text = render_alignment_table(data), text_report(comparison)
    for row in rows:
        for label in filter(None, (row["a"], row["b"])):
            assert f"<td>{label}</td>" in html and label in text
    beads = [r for r in rows if r["score"] is not None]
    assert all(f"{r['a']} <-> {r['b']}" in text for r in beads)
    # the terminal report leads with the coverage line and the key differences, numbered like every view
    from compare.summary import coverage_line, key_differences

    assert f"coverage: {coverage_line(data)}" in text.splitlines()[:4]
    keys = key_differences(data)
    assert keys and all(f"{k['label']} “{k['quote']}”" in text for k in keys)


def test_pandas_views_of_a_comparison(fake_embedder):
    comparison = compare_articles(TEXT_A, TEXT_B, embedder=fake_embedder)
    sentences = sentences_frame(comparison)
    assert list(sentences.columns) == tables.SENTENCE_COLUMNS
    assert len(sentences) == len(comparison.a.sentences) + len(comparison.b.sentences)
    assert list(sentences["label"][:2]) == ["A1", "A2"]
    assert list(facts_frame(comparison).columns) == tables.FACT_COLUMNS


def test_matrix_csv_and_dashboard_matrix_come_from_one_builder():
    from compare.dashboard import matrix_frame
    from compare.tables import matrix_rows

    matrix = {"level": "fact", "columns": ["Wire", "State"], "rows": [
        {"kind": "number", "text": "death toll", "reported_by": 2, "conflict": True,
         "cells": [{"spans": [[0, 6], [10, 16]], "text": "15,000", "status": "conflict"},
                   {"spans": [[3, 9]], "text": "14,000", "status": "conflict"}]},
        {"kind": "entity", "text": "Donetsk", "reported_by": 1, "conflict": False,
         "cells": [None, {"spans": [[1, 8]], "text": "Donetsk", "status": "only"}]}]}
    rows = matrix_rows(matrix)
    assert [r["row"] for r in rows] == [1, 2]
    assert rows[0]["cells"][0] == {"text": "15,000", "status": "conflict", "spans": "0-6;10-16"}
    assert rows[1]["cells"][0] == {"text": "", "spans": "", "status": ""}
    frame = matrix_frame(matrix)
    assert list(frame["Wire"]) == ["≠ 15,000", ""] and list(frame["State"]) == ["≠ 14,000", "Donetsk"]
