"""The dashboard (app.py) run headless by Streamlit's AppTest with the hashing embedder."""
from __future__ import annotations

import csv
import io
import json
import re
import threading
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import compare.pipeline
from compare import dashboard as ui
from compare.config import DASHBOARD_CACHE_ENV, CompareConfig
from compare.encoders import CachingEmbedder
from compare.html_band import LAYERS

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT_S = 180  # the first run loads spaCy

TEXT_A = ("Russian lawmakers voted on Tuesday to recognise two breakaway regions of Ukraine.\n"
          "The vote passed with 351 deputies in favour.\n"
          "Kyiv said the move would end the Minsk peace process.\n"
          "Weather in Moscow was cold and snowy all week.")
TEXT_B = ("On Tuesday Russian lawmakers voted to recognise two breakaway regions of Ukraine.\n"
          "The vote passed with 400 deputies in favour.\n"
          "Western governments threatened new sanctions against Moscow.")
XSS = ('Officials said <script>alert("x")</script> and <img src=x onerror="alert(1)"> '
       'nothing more about the vote on Tuesday.')


@pytest.fixture
def app(monkeypatch, tmp_path) -> AppTest:
    monkeypatch.setenv(ui.BACKEND_ENV, "hashing")
    monkeypatch.setenv(DASHBOARD_CACHE_ENV, str(tmp_path / "dashboard-cache"))
    monkeypatch.setenv("NEWSCOMPARE_WARM_UP_DELAY", "0")  # no background work left running into later tests
    return AppTest.from_file(APP, default_timeout=TIMEOUT_S)


def side_by_side(at: AppTest) -> str:
    return next(h.value for h in at.html if 'id="nc-body-A"' in h.value)


def visible(html: str) -> str:
    """The page's words: our own tags (phrase and same-referent marks split the text) removed."""
    return re.sub(r"<[^>]+>", "", html)


def paste(at: AppTest, text_a: str, text_b: str) -> AppTest:
    at.run()
    at.radio(key="mode").set_value("Paste text").run()
    at.text_area(key="text_A").input(text_a)
    at.text_area(key="text_B").input(text_b)
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_default_story_loads_without_setup(app):
    app.run()
    assert not app.exception and not app.error
    html = side_by_side(app)
    for side in ("A", "B"):
        assert f'id="nc-{side}-s0"' in html
    assert "Russian lawmakers on Tuesday voted" in visible(html)  # the seed pair's article A
    assert metric(app, "A in both").endswith("%")
    assert [t.label for t in app.tabs][:2] == ["Alignment table", "Shared facts"]
    assert app.tabs[0].dataframe and not app.get("vega_lite_chart"), "only the open tab is drawn"
    heatmap = open_tab(app, "Similarity heatmap")
    assert heatmap.get("vega_lite_chart"), "no similarity heatmap"
    assert not app.tabs[0].dataframe


def open_tab(at: AppTest, label: str):
    """Switch the detail tabs to ``label`` (as a click does: the page reruns) and return that tab."""
    at.session_state["detail_tab"] = label
    at.run()
    return next(t for t in at.tabs if t.label == label)


def test_pasted_texts_compare(app):
    paste(app, TEXT_A, TEXT_B)
    assert not app.exception and not app.error
    html = side_by_side(app)
    assert "Weather in Moscow was cold" in visible(html) and "Western governments threatened" in visible(html)
    # the first sentences are near-identical: aligned to each other
    assert 'id="nc-A-s0" data-side="A" data-index="0" data-counterparts="nc-B-s0"' in html
    assert metric(app, "Sentences only in A") != "0"
    # the selected-sentence panel shows B1's counterpart A1 beside it, with the cosine
    app.selectbox(key="selected_sentence").set_value((1, 0)).run()
    shown = [t.value for t in app.text] + [m.value for m in app.markdown]
    assert TEXT_A.splitlines()[0] in shown and any(v.startswith("**A1** · equivalent · cosine") for v in shown)


def counting(monkeypatch, owner, name: str) -> list:
    """Replace ``owner.name`` by a wrapper that records each call's positional arguments."""
    calls, original = [], getattr(owner, name)

    def spy(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return calls


def test_threshold_change_relabels_without_reembedding(app, monkeypatch):
    relabels = counting(monkeypatch, compare.pipeline, "relabel")
    sentence_encodes = counting(monkeypatch, CachingEmbedder, "encode")
    preparations = counting(monkeypatch, compare.pipeline, "prepare_documents")
    paste(app, TEXT_A, TEXT_B)
    before, encoded, prepared = side_by_side(app), len(sentence_encodes), len(preparations)
    app.slider(key="thr_related_cosine").set_value(0.1)
    app.slider(key="thr_related_margin").set_value(0.6)
    app.slider(key="thr_equivalent_cosine").set_value(0.3).run()
    assert not app.exception and not app.error
    assert relabels and relabels[-1][1].align.related_cosine == pytest.approx(0.1)
    assert len(sentence_encodes) == encoded, "a threshold change must not encode sentences again"
    assert len(preparations) == prepared, "a threshold change must not parse or embed the articles again"
    after = side_by_side(app)
    assert after != before and after.count("nc-s-unique") < before.count("nc-s-unique")
    app.button(key="reset_thresholds").click().run()
    assert app.slider(key="thr_related_cosine").value == pytest.approx(ui.default_thresholds()["related_cosine"])
    assert side_by_side(app) == before and not app.warning


def join_background_work(timeout_s: float = TIMEOUT_S) -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("newscompare-"):
            thread.join(timeout_s)


def test_threshold_change_after_a_saved_page_reruns_only_the_alignment_stages(app, monkeypatch):
    app.run()  # a first server compares the bundled story and saves the result
    join_background_work()
    st.cache_resource.clear()  # a fresh server: the comparison on disk, nothing in memory
    preparations = counting(monkeypatch, compare.pipeline, "prepare_documents")
    comparisons = counting(monkeypatch, compare.pipeline, "compare_documents")
    linkings = counting(monkeypatch, compare.pipeline, "link_mentions")
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert not fresh.exception and not fresh.error
    assert any(s.label.startswith("Loaded the saved comparison") for s in fresh.status)
    before = side_by_side(fresh)
    join_background_work()  # the models load and the pair is compared in memory, after the page
    assert (len(preparations), len(comparisons), len(linkings)) == (1, 1, 1)
    fresh.slider(key="thr_related_cosine").set_value(0.1)
    fresh.slider(key="thr_related_margin").set_value(0.6).run()
    assert not fresh.exception and not fresh.error
    assert len(preparations) == 1, "a threshold change must not parse or encode the articles again"
    assert len(linkings) == 1, "a threshold change must not link the mentions again"
    assert len(comparisons) == 2  # align, facts and framing once more, with the new thresholds
    assert side_by_side(fresh).count("nc-s-unique") < before.count("nc-s-unique")


@pytest.mark.parametrize("text_a, text_b, message", [
    ("", TEXT_B, "article A is empty"),
    (TEXT_A, "   \n  ", "article B is empty"),
    ("12345 67890", TEXT_B, "no words"),
    # German is read since issue 19; Italian is not.
    ("I deputati a Mosca hanno deciso martedì di riconoscere due regioni separatiste dell'Ucraina come "
     "stati indipendenti. Il governo di Kiev ha condannato duramente la decisione.", TEXT_B, "does not read"),
])
def test_bad_input_shows_a_readable_error(app, text_a, text_b, message):
    paste(app, text_a, text_b)
    assert not app.exception, "errors must not surface as a traceback"
    assert app.error and message in app.error[0].value
    assert not any('id="nc-body-A"' in h.value for h in app.html)


@pytest.mark.parametrize("url, message", [
    ("ftp://example.org/a", "only http and https"),
    ("http://127.0.0.1:9/closed-port", "could not fetch"),  # connection refused, no network needed
])
def test_bad_url_shows_a_readable_error(app, url, message):
    app.run()
    app.radio(key="mode").set_value("URLs").run()
    app.text_input(key="url_A").input(url)
    app.text_input(key="url_B").input("https://example.org/b").run()
    assert not app.exception
    assert app.error and message in app.error[0].value


def test_uploaded_files_compare(app):
    app.run()
    app.radio(key="mode").set_value("Upload files").run()
    app.file_uploader(key="file_A").upload("a.txt", TEXT_A.encode(), "text/plain")
    html_b = "<html><body><article>" + "".join(f"<p>{line}</p>" for line in TEXT_B.splitlines()) + "</article></body></html>"
    app.file_uploader(key="file_B").upload("b.html", html_b.encode(), "text/html")
    app.text_input(key="outlet_B").input("Example Daily").run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    html = side_by_side(app)
    assert "Western governments threatened" in html and "Example Daily" in html


def test_more_than_two_reports_pick_the_pair(app):
    app.run()
    app.radio(key="mode").set_value("Paste text").run()
    app.number_input(key="count").set_value(3).run()
    for label, text in zip("ABC", (TEXT_A, TEXT_B, "Western governments threatened new sanctions on Tuesday.")):
        app.text_area(key=f"text_{label}").input(text)
    app.run()
    app.selectbox(key="pick_b").set_value(2).run()
    assert not app.exception and not app.error
    text = re.sub(r"<[^>]+>", "", side_by_side(app))  # the words, without the phrase marks between them
    assert "Weather in Moscow" in text and "400 deputies" not in text
    assert any("Per outlet" in h.value for h in app.html)  # the band's line per outlet
    assert app.tabs[-1].label == "All 3 outlets"
    matrix = open_tab(app, "All 3 outlets").dataframe[0].value
    assert list(matrix.columns)[-3:] == ["A", "B", "C"] and len(matrix) >= 1


def test_malicious_article_shows_as_text_on_the_page(app):
    paste(app, XSS, TEXT_B)
    assert not app.exception and not app.error
    html = side_by_side(app)
    assert "<script>" not in html and "<img" not in html
    words = visible(html)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in words and "&lt;img src=x onerror=" in words


def link_marks_of_a(at: AppTest) -> list[tuple[str, str]]:
    """(tooltip, words) of each same-referent mark in article A's column."""
    body_a = side_by_side(at).split('id="nc-body-A"')[1].split('id="nc-body-B"')[0]
    return re.findall(r'<mark class="nc-h nc-h-link" title="([^"]*)">([^<]*)<', body_a)


def test_linked_mentions_show_their_counterparts_on_hover(app):
    paste(app, TEXT_A + " Putin <b>spoke</b> in Kyiv.", TEXT_B + " Putin said nothing.")
    # A's "Putin" and "Moscow" carry B's words for them in the tooltip (the HTML report's markup)
    marks = link_marks_of_a(app)
    assert ("Same referent in the other report (hover): B: “Putin” (entity, person)", "Putin") in marks
    assert any(word == "Moscow" and "B: “Moscow”" in title for title, word in marks)
    html = side_by_side(app)
    assert "<b>" not in html and "&lt;b&gt;spoke&lt;/b&gt;" in visible(html)  # user text is never raw HTML
    underline = ".nc-body mark.nc-h-link{"
    assert underline not in html                     # off by default: the hover alone, as in the HTML report
    app.checkbox(key="layer_link").check().run()
    assert underline in side_by_side(app) and link_marks_of_a(app) == marks


# ---------------------------------------------------------------- limits, problems, serving defaults

@pytest.mark.parametrize("text_a, message", [
    ("The vote passed on Tuesday in Moscow. " * (ui.LIMITS.max_chars // 38 + 1),
     f"the dashboard takes at most {ui.LIMITS.max_chars:,} per article"),
    ("It passed. " * (ui.LIMITS.max_sentences + 1), f"at most {ui.LIMITS.max_sentences:,} per article"),
])
def test_over_limit_paste_is_refused_before_computing(app, monkeypatch, text_a, message):
    app.run()  # the opening page compares the bundled story: count only the paste's run
    app.radio(key="mode").set_value("Paste text").run()
    preparations = counting(monkeypatch, compare.pipeline, "prepare_documents")
    comparisons = counting(monkeypatch, compare.pipeline, "compare_documents")
    app.text_area(key="text_A").input(text_a)
    app.text_area(key="text_B").input(TEXT_B).run()
    assert not app.exception
    assert len(app.error) == 1 and message in app.error[0].value
    assert "Article A" in app.error[0].value and "newscompare" in app.error[0].value
    assert preparations == [] and comparisons == [], "an over-limit request must not reach the pipeline"
    assert not any('id="nc-body-A"' in h.value for h in app.html)


def test_limits_are_stated_next_to_the_inputs(app):
    app.run()
    note = ui.limits_note()
    assert note in [c.value for c in app.sidebar.caption]
    assert f"{ui.LIMITS.max_chars:,} characters" in note and f"{ui.LIMITS.max_sentences:,} sentences" in note
    app.radio(key="mode").set_value("Paste text").run()
    assert [c.value for c in app.caption].count(note) == 2, "stated in the sidebar and above the text boxes"


class WithWarnings:
    """A comparison that carries ``warnings`` (the fail-soft stages' records), else the real one."""

    def __init__(self, comparison, warnings):
        self._comparison, self.warnings = comparison, warnings

    def __getattr__(self, name):
        return getattr(self._comparison, name)


def test_recorded_problems_show_in_a_collapsed_notice_with_the_results(app, monkeypatch):
    from compare.types import AnalysisWarning

    original = compare.pipeline.compare_documents
    problem = AnalysisWarning("facts", "B", 1, "A sentence.", 0, 11, "ValueError: 7 is not in list")
    monkeypatch.setattr(compare.pipeline, "compare_documents",
                        lambda *args, **kwargs: WithWarnings(original(*args, **kwargs), (problem,)))
    paste(app, TEXT_A + "\nA warning test sentence.", TEXT_B)  # new texts: not in the comparison cache
    assert not app.exception and not app.error
    notice = next(e for e in app.expander if "problem" in e.label)
    assert notice.label.startswith("⚠️ 1 problem while comparing")
    assert [t.value for t in notice.text] == ["facts stage (article B, sentence 2): ValueError: 7 is not in list"]
    assert 'id="nc-body-A"' in side_by_side(app), "the results are still shown"


def test_no_problem_notice_without_warnings(app):
    paste(app, TEXT_A, TEXT_B)
    assert not any("problem" in e.label for e in app.expander)


def test_streamlit_config_binds_localhost_and_watches_no_files():
    import tomllib

    from streamlit import config as st_config

    settings = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = settings["server"]
    assert server["address"] in ("localhost", "127.0.0.1")
    assert server["fileWatcherType"] == "none"  # the watchdog watcher walks .venv recursively
    for section, options in settings.items():
        for name in options:  # a misspelt option is ignored by Streamlit: check each one exists
            assert f"{section}.{name}" in st_config._config_options_template, f"{section}.{name}"


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """file name -> bytes of every download button, captured where Streamlit stores them."""
    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            captured[filename] = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode()
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return captured


def by_suffix(files: dict[str, bytes], suffix: str) -> str:
    """The latest captured download whose name ends with ``suffix``."""
    return next(data for name, data in reversed(files.items()) if name.endswith(suffix)).decode("utf-8")


def test_exports_are_valid_json_csv_and_html(app, downloads):
    paste(app, TEXT_A, TEXT_B)
    assert [b.label for b in app.download_button] == [e.label for e in ui.EXPORTS]
    data = json.loads(by_suffix(downloads, "comparison.json"))
    assert {"articles", "alignments", "facts", "framing", "summary"} <= set(data)
    assert data["articles"][0]["text"] == TEXT_A
    rows = list(csv.DictReader(io.StringIO(by_suffix(downloads, "alignments.csv"))))
    assert rows and set(rows[0]) == set(ui.ALIGNMENT_COLUMNS)
    assert any(r["text_a"].startswith("Russian lawmakers voted") for r in rows)
    findings = csv.reader(io.StringIO(by_suffix(downloads, "findings.csv")))
    assert next(findings) == ui.FINDING_COLUMNS
    page = by_suffix(downloads, "comparison.html")
    assert page.startswith("<!DOCTYPE html>") and 'id="nc-body-B"' in page


def test_html_export_escapes_malicious_article(app, downloads):
    paste(app, XSS, TEXT_B)
    page = by_suffix(downloads, "comparison.html")
    assert "<img" not in page and 'alert("x")' not in page
    assert page.count("<script>") == 1  # the page's own hover script only
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_layer_switches_default_to_the_salient_marks_and_switch_marks(app):
    app.run()
    switches = {c.key: c.value for c in app.checkbox if c.key.startswith("layer_")}
    assert switches == {f"layer_{k}": k in ui.DEFAULT_LAYERS for k in LAYERS}
    assert set(ui.DEFAULT_LAYERS) == {"key", "conflict", "framing"}
    key, unique = 'class="nc-h nc-h-key"', 'class="nc-h nc-h-unique"'
    body = side_by_side(app).split('id="nc-body-A"')[1]
    assert key in body and unique not in body
    app.checkbox(key="layer_unique").check().run()
    app.checkbox(key="layer_key").uncheck().run()
    body = side_by_side(app).split('id="nc-body-A"')[1]
    assert unique in body and key not in body
    assert [s.key for s in app.slider] == [f"thr_{s.field}" for s in ui.threshold_sliders()]


# ---------------------------------------------------------------- compare.dashboard (no Streamlit)

def test_every_numeric_align_field_gets_a_slider_around_its_default():
    from dataclasses import fields

    from compare.config import AlignConfig

    sliders = {s.field: s for s in ui.threshold_sliders()}
    numeric = {f.name for f in fields(AlignConfig) if isinstance(getattr(AlignConfig(), f.name), (int, float))}
    assert set(sliders) == numeric
    for name, value in ui.default_thresholds().items():
        assert sliders[name].low <= value <= sliders[name].high, name


def test_build_config_applies_model_choice_and_thresholds():
    config = ui.build_config("Word hashing (no model)", {"related_cosine": 0.33, "not_a_field": 1.0})
    assert config.backend == "hashing" and config.align.related_cosine == 0.33
    assert ui.default_model_choice({ui.BACKEND_ENV: "hashing"}) == "Word hashing (no model)"
    assert ui.MODELS[ui.default_model_choice({})][1] == CompareConfig().backend  # the library default


def test_filter_data_keeps_only_chosen_kinds():
    from test_html_report import with_findings

    data = with_findings()
    view = ui.filter_data(data, highlights=["framing"], fact_kinds=["number"], framing_types=[])
    assert {h["status"] for h in view["highlights"]} == {"framing"}
    assert [f["kind"] for f in view["facts"]] == ["number"] and view["framing"] == []
    assert len(data["facts"]) == 3, "the original dict is left alone"
    assert ui.filter_data(data) == data


def test_sentence_detail_gives_counterpart_or_closest():
    import numpy as np
    from test_html_report import make_data

    data = make_data()
    sim = np.array([[0.81, 0.2], [0.1, 0.47], [0.3, 0.35]], dtype=np.float32)
    aligned = ui.sentence_detail(data, sim, 1, 0)
    assert aligned["label"] == "B1" and [p["label"] for p in aligned["counterparts"]] == ["A1"]
    assert aligned["counterparts"][0]["cosine"] == pytest.approx(0.81)
    alone = ui.sentence_detail(data, sim, 0, 2)
    assert alone["counterparts"] == [] and alone["closest"]["label"] == "B2"
    assert alone["status_label"] == "Only in this report"
    assert alone["text"] == "Talks failed."
    assert ui.sentence_choices(data)[:4] == [(0, 0), (0, 1), (0, 2), (1, 0)]
    assert ui.sentence_choice_label(data, (0, 2)).startswith("A3 · Only in this report · Talks failed.")


def test_findings_csv_quotes_the_spans():
    from test_html_report import with_findings

    rows = list(csv.DictReader(io.StringIO(ui.findings_csv(with_findings()))))
    conflict = next(r for r in rows if r["status"] == "conflict")
    assert conflict["text_a"] == "15,000" and conflict["text_b"] == "14,000"
    assert json.loads(conflict["spans_a"]) == [[27, 33]]
    assert [r["finding"] for r in rows].count("framing") == 2


def test_matrix_frame_has_a_column_per_outlet():
    matrix = {"level": "fact", "columns": ["Wire", "State", "Daily"], "rows": [
        {"kind": "number", "text": "death toll", "reported_by": 2, "conflict": True,
         "cells": [{"spans": [[0, 6]], "text": "15,000", "status": "conflict"}, None,
                   {"spans": [[3, 9]], "text": "14,000", "status": "conflict"}]}]}
    frame = ui.matrix_frame(matrix)
    assert list(frame.columns) == ["kind", "fact", "outlets", "conflict", "Wire", "State", "Daily"]
    assert frame.iloc[0]["Wire"] == "≠ 15,000" and frame.iloc[0]["State"] == ""


def test_headline_metrics_and_export_names():
    metrics = dict((label, value) for label, value, _ in ui.headline_metrics({"shared_share_a": 0.256, "facts_conflict": 2}))
    assert metrics == {"A in both": "26%", "Conflicting facts": "2"}
    labels = [label for label, _, _ in ui.headline_metrics({"unique_sentences_a": 11, "facts_only_a": 52})]
    assert labels == ["Sentences only in A", "Facts only in A"]  # sentence and fact counts never share a label
    data = {"articles": [{"id": "a/../wire"}, {"id": ""}]}
    assert ui.export_name(data, ui.EXPORTS[0]) == "a----wire_vs_B_comparison.json"


def test_heatmap_frame_marks_aligned_cells():
    import numpy as np
    from test_html_report import make_data

    data = make_data()
    frame = ui.heatmap_frame(np.full((3, 2), 0.5, dtype=np.float32), data)
    assert len(frame) == 6
    assert frame.query("A == 1 and B == 1")["aligned"].item() == "equivalent"
    assert frame.query("A == 3 and B == 2")["aligned"].item() == "no"
    spec = ui.heatmap_chart(frame).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "rect"


@pytest.mark.parametrize("text, sentences", [
    ("", 0),
    ("One line without an end", 1),
    ("He said \"no.\" Then it ended. (Really.) Yes!\n\nA second paragraph.", 5),
    ("U.S. officials met. The 3.5% rise", 2),  # an abbreviation counts (over-estimate), a decimal does not
])
def test_estimate_sentences(text, sentences):
    assert ui.estimate_sentences(text) == sentences


def test_limit_problem_names_the_article_and_the_limit():
    from dataclasses import replace

    from compare.types import Article

    limits = ui.RequestLimits(max_chars=50, max_sentences=3, max_articles=2)
    ok = Article(text="Short one. Two.", id="A")
    assert ui.limit_problem([ok, ok], limits) is None
    long = ui.limit_problem([ok, Article(text="x" * 51, id="B")], limits)
    assert long.startswith("Article B has 51 characters") and "newscompare" in long
    assert "about 4 sentences" in ui.limit_problem([Article(text="A. B. C. D.", id="A"), ok], limits)
    assert ui.limit_problem([ok] * 3, limits).startswith("3 articles: the dashboard compares at most 2")
    pair = [Article(text="x" * 40, id="A"), Article(text="y" * 40, id="B")]
    assert ui.limit_problem(pair, replace(limits, max_total_chars=79)).startswith(
        "2 articles of 80 characters in all: the dashboard takes at most 79 per comparison")
    assert ui.limit_problem(pair, replace(limits, max_total_chars=80)) is None


def test_warning_lines_from_comparison_and_articles():
    from types import SimpleNamespace

    comparison = SimpleNamespace(warnings=(SimpleNamespace(stage="framing", article="A", sentence=0, error="boom"),
                                           SimpleNamespace(stage="align", article=None, sentence=None, error="x")))
    articles = [SimpleNamespace(id="A", text="", warnings=("3 characters could not be decoded and were replaced",)),
                SimpleNamespace(id="B", text="")]
    assert ui.warning_lines(comparison, articles) == [
        "article A: 3 characters could not be decoded and were replaced",
        "framing stage (article A, sentence 1): boom", "align stage: x"]
    assert ui.warning_lines(object()) == []


def test_url_input_never_opts_in_to_private_addresses(monkeypatch):
    from compare.types import Article

    calls = []
    monkeypatch.setattr(ui, "article_from_url", lambda url, **kw: calls.append(kw) or Article(text="t", id="x"))
    ui.article_from_link(" http://example.org/a ", "A", source="Daily", title="", date="")
    assert calls == [{"source": "Daily"}], "only metadata: the fetch keeps its safe defaults"


def test_stage_lines_name_the_timed_stages():
    from types import SimpleNamespace

    comparison = SimpleNamespace(meta=(("timings", {"align_s": 0.1234, "facts_s": 2.0}),))
    assert ui.stage_lines(comparison) == ["aligning: 0.12 s", "facts: 2.00 s"]


# ---------------------------------------------------------------- speed with the real model (slow)

LOAD_COSTS = """
import time, json
t = time.perf_counter()
from compare.config import CompareConfig
from compare.encoders import get_embedder
from compare.segment import load_spacy
config = CompareConfig()
load_spacy(config.spacy_model, config.segmenter)
get_embedder(config.model, config.backend, config.batch_size).encode(["Loading."])
print(json.dumps({"load_s": time.perf_counter() - t}))
"""

PAGE_TIMES = """
import time, json, os, statistics
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(%r, default_timeout=600)
if os.environ.get("NEWSCOMPARE_SPEED_MODEL"):  # a sidebar model choice, e.g. the ONNX one
    at.session_state["model"] = os.environ["NEWSCOMPARE_SPEED_MODEL"]
t = time.perf_counter()
at.run()
cold = time.perf_counter() - t
assert not at.exception and not at.error, [at.exception, at.error]
warm = []
for _ in range(3):
    t = time.perf_counter(); at.run(); warm.append(time.perf_counter() - t)
t = time.perf_counter()
at.slider(key="thr_related_cosine").set_value(0.3).run()
relabel = time.perf_counter() - t
print(json.dumps({"cold_s": cold, "warm_s": statistics.median(warm), "relabel_s": relabel}))
"""


def run_json(code: str) -> dict:
    import subprocess
    import sys

    env = {k: v for k, v in __import__("os").environ.items() if k != ui.BACKEND_ENV}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env,
                         cwd=Path(APP).parent, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_seed_pair_page_speed_with_the_real_model():
    """Cold first page vs the cost of loading spaCy and the model; warm rerun; threshold change.
    Run: pytest -m slow tests/test_app.py -k speed -s
    (NEWSCOMPARE_SPEED_MODEL="MiniLM-L6, ONNX int8 (faster on CPU)" times the page with that model;
    the load figure is always the default PyTorch model's.)"""
    load = run_json(LOAD_COSTS)["load_s"]
    page = run_json(PAGE_TIMES % APP)
    print(f"\nimports + spaCy + model load alone: {load:.2f} s\n"
          f"cold first page (fresh process): {page['cold_s']:.2f} s\n"
          f"warm rerun of the seed pair (median of 3): {page['warm_s']:.3f} s\n"
          f"threshold change (re-label, no re-embedding): {page['relabel_s']:.3f} s")
    assert page["warm_s"] < 1.0
    # beyond the load: the first parse and sentence + token encoding of both articles (~10 s on 2 busy cores)
    assert page["cold_s"] < load + 30, "the cold page should cost little beyond loading and first encoding"


# ---------------------------------------------------------------- a pile: many uploads, the stories found

QUAKE_A = ("A magnitude 7.1 earthquake struck central Chile on Tuesday, killing 12 people in Talca, "
           "officials in Santiago said. Rescuers in Talca searched collapsed homes.")
QUAKE_B = ("Twelve people died in Talca when a 7.1 magnitude earthquake hit Chile on Tuesday, the "
           "interior ministry in Santiago said, as rescuers searched the rubble in Talca.")


def upload_pile(app: AppTest, files: list[tuple[str, str]]) -> AppTest:
    app.run()
    app.radio(key="mode").set_value("Many files or URLs: find the stories").run()
    app.file_uploader(key="pile_files").set_value([(n, t.encode(), "text/plain") for n, t in files])
    return app.run()


def test_a_pile_of_more_than_six_uploads_is_grouped_and_one_story_compared(app):
    fillers = [(f"other-{n}.txt", text) for n, text in enumerate([
        "The jazz festival in Oslo opened with three hundred musicians.",
        "Lima's film archive restored a silent comedy from 1921.",
        "A bakery chain in Accra doubled its bread prices after flour imports fell.",
        "Hanoi libraries extended their opening hours for students before exams.",
        "Kite surfers crowded Perth beaches as winds reached forty knots."])]
    upload_pile(app, [("vote-a.txt", TEXT_A), ("quake-a.txt", QUAKE_A), *fillers, ("vote-b.txt", TEXT_B),
                      ("quake-b.txt", QUAKE_B)])
    assert not app.exception and not app.error, [e.value for e in app.error]
    stories = app.selectbox(key="pile_story")
    assert len(stories.options) == 2                        # the vote and the quake; the fillers are alone
    assert any("5 articles alone" in e.label for e in app.expander)
    html = side_by_side(app)                                  # the first story is compared at once
    assert ("Western governments threatened" in html) != ("Talca" in html)
    stories.set_value(1).run()
    assert not app.exception and not app.error
    assert ("Western governments threatened" in side_by_side(app)) != ("Western governments threatened" in html)


def test_a_pile_without_two_reports_of_one_event_says_so(app):
    upload_pile(app, [("vote-a.txt", TEXT_A), ("quake-a.txt", QUAKE_A)])
    assert not app.exception and not app.error
    assert any("nothing to compare" in i.value for i in app.info)


def test_a_pile_over_the_limit_is_refused_before_reading(app, monkeypatch):
    monkeypatch.setattr(ui, "article_from_upload", lambda *a, **k: pytest.fail("read despite the limit"))
    upload_pile(app, [(f"a{n}.txt", TEXT_A) for n in range(pile_limit() + 1)])
    assert app.error and "at most" in app.error[0].value


def pile_limit() -> int:
    from compare.pile import PILE_LIMITS

    return PILE_LIMITS.max_articles


def test_a_story_of_more_than_six_offers_six_to_compare(app):
    copies = [(f"vote-{n}.txt", f"{TEXT_A}\nDeputy number {n} spoke last.") for n in range(7)]
    upload_pile(app, copies)
    assert not app.exception and not app.error, [e.value for e in app.error]
    label = app.selectbox(key="pile_story").options[0]
    assert label.startswith("story-001 · 7 articles")
    members = next(m for m in app.multiselect if m.key.startswith("pile_members_"))
    assert len(members.value) == ui.LIMITS.max_articles
    members.set_value(members.value[:1]).run()
    assert any("at least two" in i.value for i in app.info)


def test_fact_view_keeps_significant_facts_and_sorts_by_salience():
    text = "Talks failed on Monday. Officials said 15,000 people died. Kuleba spoke."
    data = {"articles": [{"text": text, "sentences": []}, {"text": "", "sentences": []}], "facts": []}
    span = lambda w: [[text.index(w), text.index(w) + len(w)]]  # noqa: E731
    claim = {"kind": "claim", "status": "only_a", "text": "Talks failed", "a_spans": span("Talks failed")}
    number = {"kind": "number", "status": "only_a", "text": "15,000 people", "a_spans": span("15,000 people")}
    name = {"kind": "entity", "status": "only_a", "text": "Kuleba", "a_spans": span("Kuleba")}
    facts = [claim, name, number]
    assert ui.fact_view(data, facts) == facts
    assert ui.fact_view(data, facts, by_salience=True) == [number, name, claim]
    assert ui.fact_view(data, facts, significant_only=True) == [name, number]


def test_alignment_table_on_the_page_shows_a_dash_not_none():
    data = {"articles": [{"text": "One. Two.", "sentences": [{"index": 0, "start": 0, "end": 4, "status": "shared"},
                                                            {"index": 1, "start": 5, "end": 9, "status": "unique"}]},
                         {"text": "Uno.", "sentences": [{"index": 0, "start": 0, "end": 4, "status": "shared"}]}],
            "alignments": [{"a": [0], "b": [0], "score": 1.31, "cosine": 0.8, "kind": "equivalent"}]}
    frame = ui.alignment_display_frame(data)
    assert frame.iloc[0][["a", "b", "cosine", "score"]].tolist() == ["A1", "B1", "0.80", "1.31"]
    assert frame.iloc[1][["a", "b", "cosine", "score", "text_b"]].tolist() == ["A2", "—", "—", "—", "—"]
    assert "None" not in frame.to_csv() and "nan" not in frame.to_csv()


def test_unsupported_language_switch_turns_the_check_off_with_a_warning(app):
    italian = ("I deputati russi hanno votato martedì per riconoscere l'indipendenza delle due regioni separatiste "
               "dell'Ucraina orientale, ha annunciato il presidente della Duma davanti alla stampa.")
    paste(app, italian, TEXT_B)
    assert app.error and "does not read" in app.error[0].value and "Russian (ru)" in app.error[0].value
    assert any("Allow other languages" in i.value for i in app.info)
    app.checkbox(key="allow_non_english").check().run()
    assert not app.error and not app.exception
    assert any("unreliable" in w.value for w in app.sidebar.warning)
    assert not ui.build_config(next(iter(ui.MODELS)), {}, allow_non_english=True).require_english


def test_russian_article_is_compared_with_the_multilingual_encoder_and_its_language_shown(app, monkeypatch):
    from compare.encoders import HashingEmbedder
    from compare.languages import hooks

    fake = HashingEmbedder()
    fake.name = "fake-multilingual"
    monkeypatch.setattr(hooks, "get_multilingual_embedder", lambda name: fake)
    st.cache_resource.clear()  # an earlier page may have loaded (and cached) the real multilingual encoder
    russian = ("Во вторник депутаты проголосовали за признание двух регионов Украины. "
               "За решение высказались 351 депутат. В Москве всю неделю было холодно и снежно.")
    paste(app, russian, TEXT_B)
    assert not app.exception and not app.error
    html = side_by_side(app)
    assert "Russian (ru)" in html and "English (en)" in html and 'lang="ru"' in html
    assert any("Model: fake-multilingual" in c.value for c in app.caption)
    assert fake.calls > 0
