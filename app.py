"""newscompare dashboard: widgets -> library -> views.

Run with ``streamlit run app.py``. NEWSCOMPARE_BACKEND=hashing selects the
instant word-hashing stand-in instead of the sentence model (tests, CI).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import streamlit as st

from compare import dashboard as ui
from compare import pile, result_cache
from compare.config import AlignConfig, CompareConfig
from compare.encoders import get_embedder
from compare.html_band import LAYERS, render_band, render_outlets_band, with_key_marks
from compare.html_report import (FRAMING_TYPES, fact_groups, page_css, render_fact_group, render_framing,
                                 render_side_by_side)
from compare.summary import key_differences
from compare.labels import article_label, side_letter, unique_ids

log = logging.getLogger("newscompare.app")

st.set_page_config(page_title="newscompare", page_icon="📰", layout="wide")


# ---------------------------------------------------------------- cached library calls

@st.cache_resource(show_spinner="Loading the sentence model (once per server)…")
def load_embedder(model: str, backend: str, batch_size: int):
    embedder = get_embedder(model, backend, batch_size)
    embedder.encode(["Loading."])  # the model loads lazily: load it here, under the spinner
    return embedder


@st.cache_resource(show_spinner="Loading the multilingual sentence model (once per server)…")
def load_multilingual(encoder: str):
    from compare.languages.hooks import multilingual_embedder

    embedder = multilingual_embedder(encoder)
    embedder.encode(["Loading."])
    return embedder


def encoders(config: CompareConfig) -> tuple:
    """The page's (English, multilingual) encoder loaders, for pipeline.embedder_for."""
    return (partial(load_embedder, config.model, config.backend, config.batch_size),
            partial(load_multilingual, config.multilingual.encoder))


def embedder_for(docs: list, config: CompareConfig):
    """The encoder the library compares these documents with (English, or multilingual when one is not English)."""
    from compare.pipeline import embedder_for

    return embedder_for([d.article for d in docs], config, *encoders(config))


@st.cache_resource(max_entries=16, show_spinner=False)  # progress: the status box in compare_with_progress
def prepare(articles: tuple, config: CompareConfig):
    """Each article parsed and encoded in its own language's encoder."""
    from compare.pipeline import prepare_each  # spaCy and torch load here, not for a saved comparison

    return prepare_each(list(articles), config, *encoders(config))


@st.cache_resource(max_entries=64, show_spinner=False)
def comparison_for(articles: tuple, i: int, j: int, config: CompareConfig):
    """Comparison of articles i and j, with the encoder the library picks for
    the pair; a threshold change re-labels the cached default-threshold
    comparison instead of re-embedding."""
    from compare.pipeline import compare_documents, encoded_with, relabel

    base_config = replace(config, align=AlignConfig())
    pair = [prepare(articles, base_config)[k] for k in (i, j)]
    embedder = embedder_for(pair, config)
    if config != base_config:
        return relabel(comparison_for(articles, i, j, base_config), config, embedder)
    return compare_documents(*encoded_with(pair, embedder), config, embedder)


@st.cache_resource(max_entries=8, show_spinner=False)
def story_views(articles: tuple, config: CompareConfig) -> dict:
    """The story's fact matrix and per-outlet referent table (one story comparison for both)."""
    from compare.pipeline import encoded_with
    from compare.story import compare_story

    docs = prepare(articles, replace(config, align=AlignConfig()))
    embedder = embedder_for(docs, config)
    story = compare_story(encoded_with(docs, embedder), config, embedder).to_dict()
    return {"matrix": story["matrix"], "referents": story["referents"]}


def story_matrix(articles: tuple, config: CompareConfig) -> dict:
    return story_views(articles, config)["matrix"]


@st.cache_data(show_spinner="Reading the story…")
def load_story(story: str):
    return ui.load_story(ui.story_refs()[story])


@st.cache_data(ttl=3600, show_spinner="Fetching the page…")
def fetch(url: str, label: str, source: str, title: str, date: str):
    return ui.article_from_link(url, label, source=source, title=title, date=date)


@st.cache_resource(max_entries=4, show_spinner="Looking for the stories in the pile…")
def group_pile(articles: tuple, model: str, backend: str, batch_size: int):
    from compare.grouping import group_with_confidence  # the encoder loads here, only for a pile

    return group_with_confidence(list(articles), None, load_embedder(model, backend, batch_size))


def within_limits(articles: list) -> list:
    """Refuse, before any parsing or encoding, a request over the page's limits."""
    problem = ui.limit_problem(articles)
    if problem:
        st.error(problem)
        st.stop()
    return articles


@st.cache_resource(show_spinner=False)
def preload_models(model: str, backend: str, batch_size: int, spacy_model: str, segmenter: str) -> threading.Thread:
    """Load spaCy and the sentence model in a thread, once per server: started
    after a page drawn from the disk cache (so the next comparison finds them
    loaded), or by the first comparison that needs them (which waits for it)."""
    thread = threading.Thread(target=ui.preload_models, args=(model, backend, batch_size, spacy_model, segmenter),
                              name="newscompare-preload", daemon=True)
    thread.start()
    return thread


@st.cache_resource(max_entries=16, show_spinner=False)
def warm_up(articles: tuple, i: int, j: int, config: CompareConfig) -> threading.Thread:
    """Once per server and pair, after a page drawn without a model (the saved comparison): load
    the models, then parse, encode and compare the pair in memory, in a thread. The reader's first
    threshold change then re-runs only the stages that read the alignment (``pipeline.relabel``)
    instead of every stage; if it comes first, it waits for this work (the caches' locks)."""
    thread = threading.Thread(target=warm_comparison, args=(articles, i, j, config), name="newscompare-warm-up",
                              daemon=True)
    thread.start()
    return thread


# Seconds the background warm-up waits before it starts: the page drawn from the saved comparison
# is still being sent and rendered, and loading spaCy holds the GIL the server needs to send it.
# benchmarks/dashboard_cold_start.py, idle machine: result -> key difference clicked 2.77 s when the
# warm-up started at once (docs/dashboard.md). $NEWSCOMPARE_WARM_UP_DELAY overrides it (the tests: 0).
WARM_UP_DELAY_S = 4.0
WARM_UP_DELAY_ENV = "NEWSCOMPARE_WARM_UP_DELAY"


def warm_up_delay() -> float:
    try:
        return max(0.0, float(os.environ.get(WARM_UP_DELAY_ENV, WARM_UP_DELAY_S)))
    except ValueError:
        return WARM_UP_DELAY_S


def warm_comparison(articles: tuple, i: int, j: int, config: CompareConfig) -> None:
    time.sleep(warm_up_delay())
    preload_models(config.model, config.backend, config.batch_size, config.spacy_model, config.segmenter).join()
    try:
        comparison_for(articles, i, j, config)
    except Exception as exc:  # the page's own comparison reports it, if the reader asks for one
        log.warning("comparing the pair in the background failed: %s", exc)


def compare_with_progress(articles: tuple, i: int, j: int, config: CompareConfig, cached: bool):
    """The comparison, with a status box that names each stage while it runs
    (the pipeline has no stage callback: the box labels the calls made here).
    ``cached``: a bundled story, whose finished result is kept on disk."""
    status = st.status("Comparing…", expanded=False)
    started = time.perf_counter()
    key = result_cache.cache_key(articles, i, j, config) if cached else None
    result = result_cache.load(key) if key else None
    if result is not None:
        status.update(label=f"Loaded the saved comparison of this bundled story in "
                            f"{time.perf_counter() - started:.2f} s", state="complete")
        return result
    status.update(label="Loading spaCy and the sentence model (once per server)…")
    preload_models(config.model, config.backend, config.batch_size, config.spacy_model, config.segmenter).join()
    run_stage(status, "Loading the sentence model (once per server)…",
              load_embedder, config.model, config.backend, config.batch_size)
    run_stage(status, f"Parsing and encoding {len(articles)} articles "
              f"({sum(len(a.text) for a in articles):,} characters)…",
              prepare, articles, replace(config, align=AlignConfig()))
    comparison = run_stage(status, "Aligning sentences, then facts, then framing…",
                           comparison_for, articles, i, j, config)
    for line in ui.stage_lines(comparison):
        status.write(line)
    status.update(label=f"Compared in {time.perf_counter() - started:.2f} s (open for the time of each stage)",
                  state="complete")
    result = result_cache.page_result(comparison)
    if key:
        result_cache.save(key, result)
    return result


def run_stage(status, label: str, fn, *args):
    """One labelled stage; a failure marks the box and shows its message below it, not hidden inside."""
    status.update(label=label)
    try:
        return fn(*args)
    except Exception as exc:
        status.update(label=f"Stopped at: {label.rstrip('…')}", state="error")
        show_error(exc)


def guarded(fn, *args, **kwargs):
    """Run a library call; show its error as one readable line and stop the page."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        show_error(exc)


def show_error(exc: Exception) -> None:
    """Every failure becomes a one-line message, never a traceback; the page stops here."""
    log.warning("dashboard step failed: %s", exc, exc_info=not isinstance(exc, ValueError))
    message = str(exc) or exc.__class__.__name__
    st.error(message)
    if ui.non_english_refused(message):
        st.info("To compare it anyway, switch on “Allow other languages” in the sidebar (under Sentence model).")
    st.stop()


# ---------------------------------------------------------------- input widgets

def meta_inputs(label: str) -> dict[str, str]:
    cols = st.columns(3)
    return {"source": cols[0].text_input("Outlet", key=f"outlet_{label}"),
            "title": cols[1].text_input("Title", key=f"title_{label}"),
            "date": cols[2].text_input("Date", key=f"date_{label}", placeholder="YYYY-MM-DD")}


def article_input(mode: str, label: str):
    """One article's widgets for the chosen mode; returns a function that
    builds the Article, or None while the file or URL is not given yet."""
    st.markdown(f"**Article {label}**")
    if mode == "paste":
        text = st.text_area("Text", key=f"text_{label}", height=180, placeholder="Paste the article text here")
        meta = meta_inputs(label)
        return lambda: ui.article_from_paste(text, label, **meta)
    if mode == "upload":
        upload = st.file_uploader("File (txt, md, html)", type=ui.UPLOAD_TYPES, key=f"file_{label}")
        meta = meta_inputs(label)
        return None if upload is None else (lambda: ui.article_from_upload(upload.name, upload.getvalue(), label, **meta))
    url = st.text_input("URL", key=f"url_{label}", placeholder="https://…")
    meta = meta_inputs(label)
    return None if not url.strip() else (lambda: fetch(url, label, **meta))


def custom_articles(mode: str) -> list:
    count = st.sidebar.number_input("Number of reports", 2, ui.LIMITS.max_articles, 2, key="count")
    labels = [side_letter(n) for n in range(int(count))]
    makers = []
    with st.expander("Articles", expanded=True):
        st.caption(ui.limits_note())
        for row in range(0, len(labels), 2):
            for col, label in zip(st.columns(2), labels[row:row + 2]):
                with col:
                    makers.append(article_input(mode, label))
    if mode == "paste" and not any(st.session_state.get(f"text_{label}", "").strip() for label in labels):
        st.info("Paste two reports of the same event above, or pick a story from the corpus in the sidebar.")
        st.stop()
    if any(maker is None for maker in makers):
        st.info(f"Give every article ({', '.join(labels)}) a {'file' if mode == 'upload' else 'URL'}.")
        st.stop()
    return [guarded(maker) for maker in makers]


def story_articles() -> list:
    story_names = list(guarded(ui.story_refs))
    default = story_names.index(ui.DEFAULT_STORY) if ui.DEFAULT_STORY in story_names else 0
    story = st.sidebar.selectbox("Story", story_names, index=default, key="story")
    return guarded(load_story, story)


def pile_inputs() -> list:
    """Many uploads or URLs: (name, build) per article, refused over the pile limit before any fetch."""
    with st.expander("Articles", expanded=True):
        st.caption(f"Give up to {pile.PILE_LIMITS.max_articles} articles, from any number of events: the page "
                   "finds the stories among them (same event, not just same topic), then you pick one to compare.")
        uploads = st.file_uploader("Files (txt, md, html)", type=ui.UPLOAD_TYPES, accept_multiple_files=True,
                                   key="pile_files") or []
        urls, not_urls = pile.url_lines(st.text_area("URLs, one per line", key="pile_urls", height=120))
    if not_urls:
        st.warning(f"{len(not_urls)} lines are not URLs and were ignored, e.g.:")
        st.text(not_urls[0])  # user text: never Markdown
    makers = [(u.name, partial(ui.article_from_upload, u.name, u.getvalue(), Path(u.name).stem)) for u in uploads]
    makers += [(url, partial(fetch, url, f"url{n + 1}", "", "", "")) for n, url in enumerate(urls)]
    problem = pile.pile_problem(len(makers))
    if problem:
        (st.info if len(makers) < 2 else st.error)(problem)
        st.stop()
    return makers


def pile_articles() -> list:
    """Group the pile, show the stories found, return the chosen story's articles."""
    articles, problems = pile.read_pile(pile_inputs())
    if problems:
        st.warning(f"Skipped {len(problems)} article{'s' if len(problems) > 1 else ''} (the others are grouped):")
        st.text("\n".join(problems))  # user text: never Markdown
    articles = unique_ids(articles)
    if len(articles) < 2:
        show_error(ValueError("Fewer than two readable articles in the pile."))
    model, backend = ui.MODELS[st.session_state.get("model", ui.default_model_choice())]
    grouping = guarded(group_pile, tuple(articles), model, backend, CompareConfig.batch_size)
    options, alone = pile.story_options(grouping)
    with st.expander(f"Stories found: {len(options)} with two or more articles, {len(alone)} articles alone",
                     expanded=not options):
        st.dataframe(pile.group_rows(grouping, articles), hide_index=True)
    if not options:
        st.info("No two articles of the pile report the same event: nothing to compare.")
        st.stop()
    k = st.selectbox("Story to compare", range(len(options)), key="pile_story",
                     format_func=lambda n: options[n].describe(articles))
    members = options[k].members
    if len(members) > ui.LIMITS.max_articles:
        members = st.multiselect(f"Articles of this story to compare (at most {ui.LIMITS.max_articles})", members,
                                 default=members[:ui.LIMITS.max_articles], key=f"pile_members_{options[k].label}",
                                 format_func=lambda i: article_label(articles[i]))
    if len(members) < 2:
        st.info("Pick at least two articles of the story to compare.")
        st.stop()
    return [articles[i] for i in members]


def pick_pair(articles: list) -> tuple[int, int]:
    """Which two articles go side by side (asked only when there are more than two)."""
    if len(articles) == 2:
        return 0, 1
    labels = [ui.picker_label(a, n) for n, a in enumerate(articles)]
    cols = st.columns(2)
    i = cols[0].selectbox("Left column (A)", range(len(articles)), format_func=labels.__getitem__, key="pick_a")
    j = cols[1].selectbox("Right column (B)", range(len(articles)), index=1, format_func=labels.__getitem__, key="pick_b")
    if i == j:
        st.error("Pick two different articles for A and B.")
        st.stop()
    return i, j


# ---------------------------------------------------------------- sidebar controls

def reset_thresholds() -> None:
    for name, value in ui.default_thresholds().items():
        st.session_state[f"thr_{name}"] = value


def threshold_sliders() -> dict[str, float]:
    for name, value in ui.default_thresholds().items():
        st.session_state.setdefault(f"thr_{name}", value)  # sliders read their value from here
    with st.sidebar.expander("Thresholds", expanded=False):
        st.button("Reset to calibrated defaults", key="reset_thresholds", on_click=reset_thresholds)
        return {s.field: st.slider(s.label, s.low, s.high, step=s.step, help=s.help, key=f"thr_{s.field}")
                for s in ui.threshold_sliders()}


def layer_switches() -> list[str]:
    """The phrase marks the reader switches on (sentence colours are always on)."""
    st.sidebar.subheader("Marks in the text")
    st.sidebar.caption("Sentence colours are always on. Key differences, conflicts and framing terms are "
                       "marked by default; marking every fact would underline most of both texts. Hover a word "
                       "to see how the other report names the same person, place, thing or event.")
    return [status for status, label in LAYERS.items()
            if st.sidebar.checkbox(label, value=status in ui.DEFAULT_LAYERS, key=f"layer_{status}")]


def finding_filters(data: dict) -> tuple[dict, bool]:
    """The data with the findings the reader chose, and whether linked mentions are underlined."""
    options = ui.finding_options(data)
    layers = layer_switches()
    with st.sidebar.expander("Show findings", expanded=False):
        kinds = st.multiselect("Fact kinds", options["fact_kinds"], default=options["fact_kinds"])
        types = st.multiselect("Framing types", options["framing_types"], default=options["framing_types"],
                               format_func=lambda k: FRAMING_TYPES.get(k, k))
    return ui.filter_data(data, layers, kinds, types), ui.LINK_LAYER in layers


def export_buttons(full: dict, view: dict) -> None:
    st.sidebar.subheader("Export")
    for n, export in enumerate(ui.EXPORTS):
        data = view if export.filtered else full
        st.sidebar.download_button(export.label, export.render(data), file_name=ui.export_name(data, export),
                                   mime=export.mime, key=f"export_{n}", on_click="ignore")


# ---------------------------------------------------------------- views

ALIGNMENT_COLUMNS = {
    "a": st.column_config.TextColumn("A", width="small"),
    "b": st.column_config.TextColumn("B", width="small"),
    "kind": st.column_config.TextColumn("Match", help="equivalent: same fact; related: same topic, details differ"),
    "cosine": st.column_config.TextColumn("Cosine", help="Similarity of the aligned sentences (— : no counterpart)"),
    "score": st.column_config.TextColumn("Margin", help="How much the pair stands out from each sentence's neighbours"),
    "text_a": st.column_config.TextColumn("Text in A", width="large"),
    "text_b": st.column_config.TextColumn("Text in B", width="large"),
}


def problems_notice(comparison, articles: list) -> None:
    """Problems the analysis recorded while still giving results: one line each, collapsed."""
    lines = ui.warning_lines(comparison, articles)
    if lines:
        with st.expander(f"⚠️ {len(lines)} problem{'s' if len(lines) > 1 else ''} while comparing "
                         "(the results below are still shown)", expanded=False):
            for line in lines:
                st.text(line)  # st.text: user text never rendered as Markdown or HTML


def summary_metrics(data: dict) -> None:
    metrics = ui.headline_metrics(data["summary"])
    for row in range(0, len(metrics), 5):  # two rows of five: labels stay whole at 1400 px
        for col, (label, value, help_) in zip(st.columns(5), metrics[row:row + 5]):
            col.metric(label, value, help=help_)
    st.caption(f"Model: {data.get('model') or 'the configured model'}. "
               "Hover a sentence to outline its counterpart (the tooltip gives its text and cosine); "
               "click the B1 in A3↔B1 to scroll to it. Sentence counts and fact counts are separate: "
               "one sentence can hold several facts.")


def selected_sentence(data: dict, comparison) -> None:
    choices = ui.sentence_choices(data)
    choice = st.selectbox("Selected sentence (its counterpart is shown beside it)", choices,
                          format_func=lambda c: ui.sentence_choice_label(data, c), key="selected_sentence")
    detail = ui.sentence_detail(data, comparison.alignment.similarity, *choice)
    left, right = st.columns(2)
    left.markdown(f"**{detail['label']}** · {detail['status_label']}")
    left.text(detail["text"])
    if detail["counterparts"]:
        for p in detail["counterparts"]:
            right.markdown(f"**{p['label']}** · {p['kind']} · cosine {p['cosine']:.2f} · margin {p['margin']:.2f}")
            right.text(p["text"])
    elif detail["closest"]:
        c = detail["closest"]
        right.markdown(f"No counterpart. Closest: **{c['label']}** · cosine {c['cosine']:.2f} (below the thresholds)")
        right.text(c["text"])


def panels(data: dict, comparison, articles: list, config: CompareConfig) -> None:
    """The detail tabs. Only the open tab is drawn (a tab switch reruns the page, ~0.5 s warm):
    drawing all of them (two tables, the heatmap, five HTML lists) kept the browser busy for
    seconds after the result (benchmarks/dashboard_cold_start.py, docs/dashboard.md). Labels
    carry no counts, so that the open tab stays open when a filter or threshold changes them."""
    cols = st.columns(2)
    significant_only = cols[0].toggle("Significant facts only (numbers, quotes, names, conflicts)",
                                      key="significant_only")
    by_salience = cols[1].toggle("Sort by salience (most salient first)", value=True, key="by_salience")
    groups = [(title, ui.fact_view(data, facts, significant_only, by_salience)) for _, title, facts in fact_groups(data)]
    views = ([("Alignment table", lambda: alignment_table(data))]
             + [(title, partial(fact_tab, data, title, facts)) for title, facts in groups]
             + [("Framing", lambda: framing_tab(data)),
                ("Similarity heatmap", lambda: st.altair_chart(ui.heatmap_chart(ui.heatmap_frame(
                    comparison.alignment.similarity, data)), width="stretch")),
                (NAMING_TAB, lambda: naming_table(data, articles, config))]
             + ([(f"All {len(articles)} outlets", lambda: outlets_matrix(articles, config))] if len(articles) > 2 else []))
    for tab, (_, draw) in zip(st.tabs([name for name, _ in views], key="detail_tab", on_change="rerun"), views):
        if tab.open:
            with tab:
                draw()


def alignment_table(data: dict) -> None:
    st.dataframe(ui.alignment_display_frame(data), hide_index=True, column_config=ALIGNMENT_COLUMNS)


def fact_tab(data: dict, title: str, facts: list) -> None:
    st.caption(f"{len(facts)} {'fact' if len(facts) == 1 else 'facts'}")
    st.html(page_css() + render_fact_group(data, facts, empty=f"No {title[0].lower() + title[1:]} found."))


def framing_tab(data: dict) -> None:
    count = len(data["framing"])
    st.caption(f"{count} framing {'difference' if count == 1 else 'differences'}")
    st.html(page_css() + render_framing(data))


NAMING_TAB = "Naming per outlet"


def naming_table(data: dict, articles: list, config: CompareConfig) -> None:
    """How each outlet names the people, groups, places and events they share (the links stage's referents)."""
    if len(articles) > 2:
        with st.spinner(f"Linking the referents of all {len(articles)} outlets…"):
            table = guarded(story_views, tuple(articles), config)["referents"]
    else:
        table = data.get("referents", {})
    st.caption("One row per referent named by two or more outlets; a column per outlet with the words it uses. "
               "Referents named in different words come first.")
    st.dataframe(ui.referents_frame(table), hide_index=True)


def outlets_matrix(articles: list, config: CompareConfig) -> None:
    """Every outlet of the story at once: which facts each one reports."""
    pairs = len(articles) * (len(articles) - 1) // 2
    with st.spinner(f"Comparing all {pairs} pairs of the {len(articles)} outlets…"):
        matrix = guarded(story_matrix, tuple(articles), config)
    st.caption(f"One row per {'fact' if matrix.get('level') == 'fact' else 'group of aligned sentences'}; "
               "a column per outlet with its wording; ≠ marks a conflicting version.")
    st.dataframe(ui.matrix_frame(matrix), hide_index=True,
                 column_config={"outlets": st.column_config.NumberColumn("Outlets", help="How many outlets report it")})


# ---------------------------------------------------------------- page

st.title("newscompare")
st.caption("How reports of the same event differ: what both say, what only one says, where they conflict, "
           "and how they name and frame it. Every finding points at the words in the articles.")

mode = ui.INPUT_MODES[st.sidebar.radio("Articles", list(ui.INPUT_MODES), key="mode")]
st.sidebar.caption(ui.limits_note())
articles = (story_articles() if mode == "corpus" else pile_articles() if mode == "pile"
            else custom_articles(mode))
articles = within_limits(unique_ids(articles))
model_choice = st.sidebar.selectbox("Sentence model", list(ui.MODELS), key="model",
                                    index=list(ui.MODELS).index(ui.default_model_choice()))
allow_non_english = st.sidebar.checkbox("Allow other languages", key="allow_non_english",
                                        help="Compare articles in languages newscompare does not read "
                                             "(it reads en, ru, uk, de, fr, es)")
if allow_non_english:
    st.sidebar.warning(ui.NON_ENGLISH_NOTE)
config = ui.build_config(model_choice, threshold_sliders(), allow_non_english)
i, j = pick_pair(articles)

comparison = compare_with_progress(tuple(articles), i, j, config, mode == "corpus")
problems_notice(comparison, articles)
full = comparison.data
keys = key_differences(full)
st.html(page_css() + render_band(full, keys))
if len(articles) > 2:
    st.html(page_css() + render_outlets_band(guarded(story_matrix, tuple(articles), config)))
view, underline_links = finding_filters(with_key_marks(full, keys))
export_slot = st.container()  # filled last: building the exports (pandas) would delay the columns by ~0.5 s

summary_metrics(full)
# each fragment carries its style: no ordering race; linked mentions list their counterparts on hover
st.html(page_css() + render_side_by_side(view, links=True, underline_links=underline_links))
selected_sentence(full, comparison)
panels(view, comparison, articles, config)
with export_slot:
    export_buttons(full, view)
# a page drawn from the saved comparison needed no model: load them and compare the pair in memory now
warm_up(tuple(articles), i, j, replace(config, align=AlignConfig()))
