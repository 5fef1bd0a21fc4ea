"""summary.py and html_band.py: key differences, headlines, coverage, framing lines, layers; on hand-made dicts."""
from __future__ import annotations

import re

from compare import dashboard as ui
from compare.html_band import DEFAULT_LAYERS, layer_css, render_band, render_outlets_band, with_key_marks
from compare.html_report import render_html, render_side_by_side
from compare.summary import (coverage_line, framing_lines, headlines, key_differences, outlet_summaries, rank_facts,
                             significant, tier)
from compare.tables import alignment_rows

TEXT_A = "Russia recognised Luhansk. Fighting has killed 15,000 people. Talks failed, Kuleba said."
TEXT_B = "Moscow recognised Lugansk. 351 MPs voted for it. Putin <b>spoke</b>."


def span(text: str, word: str) -> list[int]:
    return [text.index(word), text.index(word) + len(word)]


def sentences(text: str, statuses: list[str]) -> list[dict]:
    out, start = [], 0
    for n, part in enumerate(re.findall(r"[^.]+\.", text)):
        begin = text.index(part.strip(), start)
        out.append({"index": n, "start": begin, "end": begin + len(part.strip()), "status": statuses[n]})
        start = out[-1]["end"]
    return out


def fact(status: str, kind: str, word: str, side: int = 0) -> dict:
    text = TEXT_B if side else TEXT_A
    return {"kind": kind, "status": status, "text": word, "a_spans": [] if side else [span(text, word)],
            "b_spans": [span(text, word)] if side else [], "reason": f"{word} only on one side", "confidence": 0.9}


def make_data() -> dict:
    return {
        "articles": [{"id": "a", "source": "Wire", "title": "", "text": TEXT_A,
                      "sentences": sentences(TEXT_A, ["shared", "unique", "partial"])},
                     {"id": "b", "source": "State <i>TV</i>", "title": "Duma votes", "text": TEXT_B,
                      "sentences": sentences(TEXT_B, ["shared", "unique", "partial"])}],
        "alignments": [{"a": [0], "b": [0], "score": 1.3, "cosine": 0.8, "kind": "equivalent"},
                       {"a": [2], "b": [2], "score": 1.0, "cosine": 0.5, "kind": "related"}],
        "highlights": [{"article": 0, "start": 0, "end": len(TEXT_A), "status": "unique"}],
        "facts": [fact("only_a", "claim", "Talks failed"), fact("only_a", "number", "15,000 people"),
                  fact("only_a", "claim", "has killed 15,000 people"), fact("only_a", "entity", "Kuleba"),
                  fact("only_b", "number", "351 MPs", 1), fact("only_b", "entity", "Putin", 1),
                  fact("shared", "entity", "Russia")],
        "framing": [{"type": "naming_variant", "a_text": "Luhansk", "b_text": "Lugansk", "a_spans": [span(TEXT_A, "Luhansk")],
                     "b_spans": [span(TEXT_B, "Lugansk")], "explanation": "two romanizations"}] * 2,
        "summary": {},
    }


def test_salience_puts_figures_quotes_names_and_conflicts_first():
    assert tier({"status": "conflict", "kind": "claim"}) < tier({"kind": "number", "text": "15,000"})
    assert tier({"kind": "number", "text": "15,000"}) < tier({"kind": "quote"}) < tier({"kind": "entity"})
    assert tier({"kind": "number", "text": "two regions"}) > tier({"kind": "entity"})  # a number in words
    assert significant({"kind": "entity"}) and not significant({"kind": "claim"})
    data = make_data()
    assert [f["text"] for f in rank_facts(data)][:2] == ["351 MPs", "15,000 people"]  # tier, then position


def test_key_differences_one_per_sentence_with_its_label_and_quote():
    keys = key_differences(make_data())
    assert [(k["label"], k["quote"]) for k in keys] == [("B2", "351 MPs"), ("A2", "15,000 people"),
                                                         ("B3", "Putin"), ("A3", "Kuleba")]
    assert key_differences(make_data(), limit=1) == keys[:2]  # per side


def test_conflicts_quote_both_versions():
    data = make_data()
    data["facts"] = [{"kind": "number", "status": "conflict", "text": "toll", "a_spans": [span(TEXT_A, "15,000")],
                      "b_spans": [span(TEXT_B, "351")], "reason": "numbers differ"}]
    (key,) = key_differences(data)
    assert (key["label"], key["quote"], key["status"]) == ("A2", "15,000 / 351", "conflict")


def test_headlines_coverage_and_framing_lines():
    data = make_data()
    assert [(h["headline"], h["from"]) for h in headlines(data)] == [("Russia recognised Luhansk.", "first sentence"),
                                                                      ("Duma votes", "title")]
    assert coverage_line(data) == ("B repeats 1 of A's 3 sentences (1 more in part); "
                                   "A repeats 1 of B's 3 (1 more in part)")
    assert framing_lines(data) == (["Naming / transliteration: A “Luhansk” / B “Lugansk”"], 0)  # repeats once


def test_band_links_each_key_difference_to_its_sentence_and_escapes():
    data = make_data()
    band = render_band(data)
    assert 'href="#nc-A-s1"' in band and "15,000 people" in band and 'href="#nc-B-s1"' in band
    assert "State &lt;i&gt;TV&lt;/i&gt;" in band and "<i>" not in band
    assert "B repeats 1 of A&#x27;s 3 sentences" in band
    page = render_html(data)
    assert page.index('id="nc-band"') < page.index('id="nc-body-A"')
    assert 'id="nc-A-s1"' in page  # the target of the band's link exists
    assert "<b>" not in page and "&lt;b&gt;spoke&lt;/b&gt;" in page


def test_default_layers_and_css_switches_in_the_standalone_page():
    data = with_key_marks(make_data())
    assert {h["status"] for h in data["highlights"]} == {"unique", "key"}
    page = render_html(make_data())
    for status in DEFAULT_LAYERS:
        assert f'id="nc-layer-{status}" checked' in page
    assert 'id="nc-layer-unique">' in page and 'id="nc-layer-shared">' in page  # off until the reader asks
    css = layer_css(toggles=True)
    assert ".nc-root:has(#nc-layer-unique:checked) .nc-body mark.nc-h-unique{" in css
    assert ".nc-legend mark.nc-h-unique{" in css  # the legend always shows what a mark looks like
    assert ".nc-root:has" not in layer_css(toggles=False)
    # the dashboard's fragment lists in its legend only the marks it shows
    shown = render_side_by_side(ui.filter_data(data, highlights=["key"]))
    assert "nc-h-key" in shown.split("nc-legend")[1] and 'class="nc-h nc-h-unique"' not in shown


def test_outlets_band_one_line_per_outlet():
    matrix = {"columns": ["Wire", "State", "Daily"], "rows": [
        {"kind": "number", "text": "15,000", "reported_by": 1, "conflict": False,
         "cells": [{"text": "15,000 people", "status": "only"}, None, None]},
        {"kind": "entity", "text": "Putin", "reported_by": 2, "conflict": True,
         "cells": [None, {"text": "Putin", "status": "conflict"}, {"text": "<Putin>", "status": "conflict"}]}]}
    lines = outlet_summaries(matrix)
    assert [(o["outlet"], o["only"], o["shared"], o["conflicts"], o["top"]) for o in lines] == [
        ("Wire", 1, 0, 0, ["15,000 people"]), ("State", 0, 1, 1, []), ("Daily", 0, 1, 1, [])]
    band = render_outlets_band(matrix)
    assert band.count("<li>") == 3 and "<Putin>" not in band
    page = render_html(make_data(), matrix=matrix)  # a pair page of a story of three outlets
    assert "Per outlet" in page and page.index("Per outlet") < page.index('id="nc-body-A"')
    assert "Per outlet" not in render_html(make_data(), matrix={**matrix, "columns": ["Wire", "State"]})


def test_sentences_are_numbered_from_one_in_every_view():
    data = make_data()
    rows = alignment_rows(data)
    assert rows[0]["a"] == "A1" and rows[-1]["b"] in ("B2", "")
    assert '<sup class="nc-sid">A1↔' in render_side_by_side(data)
    assert ui.alignments_csv(data).splitlines()[1].startswith("A1,B1,")
    assert ui.heatmap_frame(__import__("numpy").zeros((3, 3)), data)["A"].min() == 1


def test_a_key_difference_shows_the_one_sided_figures_of_its_sentence():
    from compare.summary import key_differences

    text = "The deputies had backed a motion calling on Putin to act, with 351 MPs voting in favor. Then they left."
    claim_spans = [[text.index("had backed"), text.index("calling") + 7], [text.index("voting"), text.index("favor") + 5]]
    figure = [[text.index("351 MPs"), text.index("351 MPs") + 7]]
    data = {"articles": [{"text": "Nothing here.", "sentences": [{"index": 0, "start": 0, "end": 13}]},
                         {"text": text, "sentences": [{"index": 0, "start": 0, "end": 87},
                                                      {"index": 1, "start": 88, "end": len(text)}]}],
            "facts": [{"kind": "claim", "status": "only_b", "text": "had backed a motion calling … voting in favor",
                       "a_spans": [], "b_spans": claim_spans, "reason": "", "salience": 0.7},
                      {"kind": "number", "status": "only_b", "text": "351 MPs", "a_spans": [], "b_spans": figure,
                       "reason": "", "salience": 0.5}],
            "key_differences": {"only_a": [], "conflicts": [],
                                "only_b": [{"kind": "claim", "status": "only_b", "text": "x", "a_spans": [],
                                            "b_spans": claim_spans, "reason": "", "salience": 0.7}]}}
    keys = key_differences(data)
    assert len(keys) == 1 and keys[0]["label"] == "B1"
    assert keys[0]["quote"] == "had backed a motion calling … voting in favor (351 MPs)"


def test_a_long_quote_is_clipped_around_its_figure():
    from compare.summary import QUOTE_CHARS, short_quote

    words = ("Recognition of the self-declared republics could kill off the peace process in the east, where a "
             "conflict has killed 15,000 people since 2014")
    quote = short_quote(words)
    assert "15,000" in quote and quote.startswith("…") and len(quote) <= QUOTE_CHARS
    assert short_quote("No figure " * 20).endswith("…") and not short_quote("No figure " * 20).startswith("…")
