"""Dashboard helpers (no streamlit here): lookup tables, inputs, limits, filters, tables and exports for app.py.

app.py is a thin script: it draws widgets from the tables below, calls the
functions below and the pipeline, and shows what they return.
"""
from __future__ import annotations

import copy
import logging
import importlib
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .config import BACKEND_ENV, DEFAULT_MODEL, AlignConfig, CompareConfig, env_setting
from .corpus import load_manifest, read_ref, stories
from .html_band import DEFAULT_LAYERS as BAND_DEFAULT_LAYERS
from .html_report import HIGHLIGHT_STATUS, SENTENCE_STATUS, humanise, render_html
from .ingest import IngestError, article_from_html, article_from_text, article_from_url, decode_bytes
from .summary import rank_facts, significant
from .json_text import indented_json
from .labels import SIDES, article_label, sentence_label, sentence_number, side_letter
from .tables import ALIGNMENT_COLUMNS, FINDING_COLUMNS, alignment_rows, finding_rows, matrix_rows, sentence_text
from .types import Article

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MANIFEST = ROOT / "corpus" / "manifest.csv"
DEFAULT_STORY = "duma-recognition"

# Model choice shown in the sidebar -> (model, encoder backend).
MODELS: dict[str, tuple[str, str]] = {
    "MiniLM-L6 (packaged, ONNX Runtime)": (DEFAULT_MODEL, "onnx"),
    "MiniLM-L6 (packaged, PyTorch reference)": (DEFAULT_MODEL, "torch"),
    "MiniLM-L6, ONNX int8 (faster on CPU)": (DEFAULT_MODEL, "onnx-int8"),
    "Word hashing (no model)": ("hashing", "hashing"),
}

# Phrase layers shown when the page opens (html_band.DEFAULT_LAYERS): the key
# differences, conflicts and framing terms; all one-sided facts and shared facts
# are switched on by the reader (on the seed pair they mark 60-98% of the text).
DEFAULT_LAYERS = BAND_DEFAULT_LAYERS
# Not a finding: every mention whose referent the other report names (the
# links stage) carries the other report's words for it on hover
# (``html_report.link_marks``, escaped like every text); this layer only
# underlines them. Off when the page opens, as in the HTML report: on the
# seed pair the underlines would raise the marked share of each column from
# 26-27% to 41-44%.
LINK_LAYER = "link"

# Input modes: radio label -> mode.
INPUT_MODES = {"Story from the corpus": "corpus", "Paste text": "paste", "Upload files": "upload", "URLs": "url",
               "Many files or URLs: find the stories": "pile"}
UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm"]
BATCH_COMMAND = "newscompare"


@dataclass(frozen=True)
class RequestLimits:
    """What one dashboard request may ask for, checked before any parsing or encoding.

    Sized so that the worst accepted input finishes in under 30 s on the 2-core
    machine with the default encoder (ONNX MiniLM), shared with other jobs:
    ``python benchmarks/dashboard_limits.py`` times the page's work on synthetic
    articles at these limits, cold and warm (figures in docs/dashboard.md). The
    page compares every pair of its articles (the outlets tab), so six articles
    of 20,000 characters cost 27 CPU s against 11-13 for six of 10,000 and 6-10
    for two or three of 20,000: hence a total besides the per-article cap.
    Larger inputs belong to the batch command, which has no request time-out.
    """

    max_chars: int = 20_000  # per article
    max_sentences: int = 300  # per article, estimated before parsing (see estimate_sentences)
    max_articles: int = 6  # per comparison
    max_total_chars: int = 60_000  # all articles of a comparison together


LIMITS = RequestLimits()


@dataclass(frozen=True)
class Slider:
    """One threshold slider: an ``AlignConfig`` field and its range."""

    field: str
    label: str
    low: float
    high: float
    step: float
    help: str


# Known AlignConfig fields -> slider; fields not listed get a generic slider (see threshold_sliders).
SLIDERS = {s.field: s for s in (
    Slider("equivalent_margin", "Same fact: margin score at least", 0.8, 2.0, 0.01,
           "How much a pair must stand out from each sentence's nearest neighbours (ratio margin)."),
    Slider("equivalent_cosine", "Same fact: cosine at least", 0.3, 0.95, 0.01,
           "Plain similarity floor for 'in both reports'."),
    Slider("related_margin", "Same topic: margin score at least", 0.6, 1.6, 0.01,
           "Below this, a sentence has no counterpart (only in one report)."),
    Slider("related_cosine", "Same topic: cosine at least", 0.1, 0.8, 0.01,
           "Similarity floor for 'same topic, details differ'."),
    Slider("join_min_gain", "Join a second sentence (1-n): gain at least", 0.0, 0.2, 0.005,
           "A leftover sentence joins an aligned pair when the merged match improves by this much."),
    Slider("margin_k", "Neighbours for the margin background (k)", 1, 10, 1,
           "How many nearest sentences define a sentence's background similarity."),
)}


def threshold_sliders() -> list[Slider]:
    """One slider per numeric ``AlignConfig`` field, known ones first."""
    defaults = AlignConfig()
    out = []
    for f in fields(AlignConfig):
        value = getattr(defaults, f.name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        generic = (Slider(f.name, humanise(f.name), 1, max(10, 2 * value), 1, "") if isinstance(value, int)
                   else Slider(f.name, humanise(f.name), 0.0, max(1.0, round(2 * value, 2)), 0.01, ""))
        out.append(SLIDERS.get(f.name, generic))
    return sorted(out, key=lambda s: list(SLIDERS).index(s.field) if s.field in SLIDERS else len(SLIDERS))


def default_model_choice(environ: dict[str, str] | None = None) -> str:
    """The sidebar's initial model: the hashing stand-in when NEWSCOMPARE_BACKEND=hashing (tests, CI)."""
    backend = env_setting(BACKEND_ENV, environ).lower()
    return next((name for name, (_, b) in MODELS.items() if b == backend), next(iter(MODELS)))


def build_config(model_choice: str, thresholds: dict[str, float], allow_non_english: bool = False) -> CompareConfig:
    """The run's config from the sidebar's model choice, slider values and the non-English switch."""
    model, backend = MODELS[model_choice]
    config = CompareConfig(model=DEFAULT_MODEL if backend == "hashing" else model, backend=backend,
                           require_english=not allow_non_english)
    known = {f.name for f in fields(AlignConfig)}
    return config.with_align(**{k: v for k, v in thresholds.items() if k in known})


def preload_models(model: str, backend: str, batch_size: int, spacy_model: str, segmenter: str) -> None:
    """Load what a comparison needs (the page runs this in a thread after it draws): spaCy without
    torch (``compare.imports``), the pipeline's modules, the language identifiers, and the sentence
    model. One thread: two (encoder beside spaCy) cost more CPU and no less wall time on the
    loaded 2-core machine (docs/dashboard.md, Speed)."""
    from .imports import import_spacy

    try:
        import_spacy()  # first: the modules below import spaCy
        importlib.import_module(".pipeline", __package__)  # the fact, link and framing stages' modules
        from .encoders import get_embedder
        from .languages.detect import supported_language
        from .segment import load_spacy

        load_spacy(spacy_model, segmenter)
        supported_language("Loading the language identifiers.")  # ingest's and the restricted one
        get_embedder(model, backend, batch_size).encode(["Loading."])
    except Exception as exc:  # the comparison itself reports the failure to the reader
        log.warning("preloading the models failed: %s", exc)


def default_thresholds() -> dict[str, float]:
    defaults = AlignConfig()
    return {s.field: getattr(defaults, s.field) for s in threshold_sliders()}


# ---------------------------------------------------------------- inputs

def story_refs(manifest: Path = DEFAULT_MANIFEST) -> dict[str, list]:
    """Stories of the bundled corpus, in manifest order."""
    return stories(load_manifest(manifest))


def load_story(refs: Sequence) -> list[Article]:
    return [read_ref(ref) for ref in refs]


def article_from_paste(text: str, label: str, **meta: str) -> Article:
    return article_from_text(text or "", id=label, label=f"article {label}", **clean(meta))


def article_from_upload(name: str, data: bytes, label: str, **meta: str) -> Article:
    text = decode_bytes(data, label=f"article {label} ({name})")
    meta = clean(meta)
    if Path(name).suffix.lower() in (".html", ".htm"):
        return article_from_html(text, id=label, label=f"article {label} ({name})", **meta)
    return article_from_text(text, id=label, label=f"article {label} ({name})", **meta)


def article_from_link(url: str, label: str, **meta: str) -> Article:
    if not (url or "").strip():
        raise IngestError(f"article {label}: give a URL")
    return replace(article_from_url(url.strip(), **clean(meta)), id=label)


# ---------------------------------------------------------------- limits and warnings

# A sentence end: terminal punctuation, closing quotes or brackets, then space or the end.
SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)")


def estimate_sentences(text: str) -> int:
    """Sentences in ``text`` without parsing it: per non-empty line, its sentence
    ends (at least one). On the 150 BASIL dev articles never below spaCy's count
    (median 1.17 times it; ``benchmarks/dashboard_limits.py --estimate``)."""
    return sum(max(1, len(SENTENCE_END.findall(line))) for line in text.splitlines() if line.strip())


def limits_note(limits: RequestLimits = LIMITS) -> str:
    """The limits as the page states them, next to the inputs."""
    return (f"Limits: up to {limits.max_articles} articles per comparison, each up to {limits.max_chars:,} "
            f"characters and {limits.max_sentences:,} sentences, {limits.max_total_chars:,} characters in all. "
            f"For longer texts or more articles use the batch command `{BATCH_COMMAND}`.")


def limit_problem(articles: Sequence[Article], limits: RequestLimits = LIMITS) -> str | None:
    """One line saying which limit the request breaks, or None when it is within them."""
    batch = f"use the batch command instead: {BATCH_COMMAND} a.txt b.txt"
    if len(articles) > limits.max_articles:
        return (f"{len(articles)} articles: the dashboard compares at most {limits.max_articles} at once; "
                f"{batch} ...")
    for n, article in enumerate(articles):
        name = f"Article {article.id or side_letter(n)}"
        if len(article.text) > limits.max_chars:
            return (f"{name} has {len(article.text):,} characters: the dashboard takes at most "
                    f"{limits.max_chars:,} per article; {batch}")
        sentences = estimate_sentences(article.text)
        if sentences > limits.max_sentences:
            return (f"{name} has about {sentences:,} sentences: the dashboard takes at most "
                    f"{limits.max_sentences:,} per article; {batch}")
    total = sum(len(article.text) for article in articles)
    if total > limits.max_total_chars:
        return (f"{len(articles)} articles of {total:,} characters in all: the dashboard takes at most "
                f"{limits.max_total_chars:,} per comparison; compare fewer or shorter articles, or {batch}")
    return None


def warning_lines(comparison: Any, articles: Sequence[Article] = ()) -> list[str]:
    """One line per problem the analysis recorded without failing: stages that
    skipped a sentence (``comparison.warnings``) and input notes such as
    replaced characters (``article.warnings``). Empty for results without them."""
    lines = [f"article {article.id or side_letter(n)}: {note}"
             for n, article in enumerate(articles) for note in getattr(article, "warnings", ())]
    for w in getattr(comparison, "warnings", ()):
        where = ", ".join(part for part in (
            f"article {w.article}" if getattr(w, "article", None) not in (None, "") else "",
            f"sentence {sentence_number(w.sentence) if isinstance(w.sentence, int) else w.sentence}"
            if getattr(w, "sentence", None) is not None else "") if part)
        lines.append(f"{w.stage} stage{' (' + where + ')' if where else ''}: {w.error}")
    return lines


# Pipeline timing keys (Comparison.meta["timings"]) -> the stage names the progress box shows.
STAGE_NAMES = {"align_s": "aligning", "facts_s": "facts", "framing_s": "framing"}


def stage_lines(comparison: Any) -> list[str]:
    """``"facts: 1.23 s"`` per analysis stage the comparison timed (when it was first computed)."""
    timings = dict(getattr(comparison, "meta", ()) or ()).get("timings", {})
    return [f"{STAGE_NAMES.get(key, key)}: {seconds:.2f} s" for key, seconds in timings.items()]


def clean(meta: dict[str, str]) -> dict[str, str]:
    return {k: v.strip() for k, v in meta.items() if v and v.strip()}


def picker_label(article: Article, n: int) -> str:
    """How the pickers name the ``n``-th article: ``"C: fox-1 (Fox News)"``."""
    return f"{side_letter(n)}: {article_label(article)}"


# ---------------------------------------------------------------- filters

def finding_options(data: dict) -> dict[str, list[str]]:
    """What the filters can choose from: phrase-highlight statuses, fact kinds, framing types."""
    return {
        "highlights": list(dict.fromkeys(list(HIGHLIGHT_STATUS) + [h["status"] for h in data.get("highlights", [])])),
        "fact_kinds": sorted({f.get("kind", "") for f in data.get("facts", [])}),
        "framing_types": sorted({f.get("type", "") for f in data.get("framing", [])}),
    }


def filter_data(data: dict, highlights: Sequence[str] | None = None, fact_kinds: Sequence[str] | None = None,
                framing_types: Sequence[str] | None = None) -> dict:
    """A copy of ``data`` keeping only the chosen kinds of finding (None keeps all)."""
    out = copy.copy(data)
    if highlights is not None:
        out["highlights"] = [h for h in data.get("highlights", []) if h["status"] in highlights]
    if fact_kinds is not None:
        out["facts"] = [f for f in data.get("facts", []) if f.get("kind") in fact_kinds]
    if framing_types is not None:
        out["framing"] = [f for f in data.get("framing", []) if f.get("type") in framing_types]
    return out


# ---------------------------------------------------------------- selected sentence

def sentence_choices(data: dict) -> list[tuple[int, int]]:
    """(side, index) of every sentence, A first: what the 'selected sentence' box lists."""
    return [(side, s["index"]) for side in (0, 1) for s in data["articles"][side]["sentences"]]


def sentence_choice_label(data: dict, choice: tuple[int, int]) -> str:
    side, index = choice
    status = data["articles"][side]["sentences"][index].get("status", "")
    label = SENTENCE_STATUS.get(status, (status,))[0]
    text = sentence_text(data["articles"][side], index)
    return f"{sentence_label(side, index)} · {label} · {text[:90]}{'…' if len(text) > 90 else ''}"


def sentence_detail(data: dict, similarity: np.ndarray, side: int, index: int) -> dict[str, Any]:
    """The selected sentence, its aligned counterparts, and the closest sentence
    of the other article (shown even when it is below the thresholds)."""
    other = 1 - side
    row = similarity[index] if side == 0 else similarity[:, index]
    aligned = [p for p in data.get("alignments", []) if index in (p["a"] if side == 0 else p["b"])]
    partners = [{"label": sentence_label(other, j), "text": sentence_text(data["articles"][other], j),
                 "cosine": float(row[j]), "kind": p["kind"], "margin": p["score"]}
                for p in aligned for j in (p["b"] if side == 0 else p["a"])]
    closest = int(np.argmax(row)) if row.size else None
    status = data["articles"][side]["sentences"][index].get("status", "")
    return {
        "label": sentence_label(side, index), "text": sentence_text(data["articles"][side], index),
        "status": status, "status_label": SENTENCE_STATUS.get(status, (status,))[0], "counterparts": partners,
        "closest": None if closest is None else {"label": sentence_label(other, closest), "cosine": float(row[closest]),
                                                 "text": sentence_text(data["articles"][other], closest)},
    }


# ---------------------------------------------------------------- heatmap

def heatmap_frame(similarity: np.ndarray, data: dict):
    """Long table of the A x B cosine matrix, with whether each cell is an aligned pair."""
    import pandas as pd

    aligned = {(i, j): p["kind"] for p in data.get("alignments", []) for i in p["a"] for j in p["b"]}
    n_a, n_b = similarity.shape
    a_text = [sentence_text(data["articles"][0], i) for i in range(n_a)]
    b_text = [sentence_text(data["articles"][1], j) for j in range(n_b)]
    rows = [{"A": sentence_number(i), "B": sentence_number(j), "cosine": round(float(similarity[i, j]), 3),
             "aligned": aligned.get((i, j), "no"), "text_a": a_text[i][:120], "text_b": b_text[j][:120]}
            for i in range(n_a) for j in range(n_b)]
    return pd.DataFrame(rows, columns=["A", "B", "cosine", "aligned", "text_a", "text_b"])


def heatmap_chart(frame):
    """Altair heatmap: sentences of A down, of B across; aligned pairs outlined."""
    import altair as alt

    base = alt.Chart(frame).encode(
        x=alt.X("B:O", title="Sentence of B"), y=alt.Y("A:O", title="Sentence of A"),
        tooltip=["A", "B", "cosine", "aligned", "text_a", "text_b"])
    cells = base.mark_rect().encode(color=alt.Color("cosine:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                                                    title="cosine"))
    pairs = base.transform_filter(alt.datum.aligned != "no").mark_rect(
        fill=None, strokeWidth=2).encode(stroke=alt.Stroke("aligned:N", title="aligned as",
                                                           scale=alt.Scale(domain=["equivalent", "related"],
                                                                           range=["#b91c1c", "#d97706"])))
    return (cells + pairs).properties(height=max(200, 18 * int(frame["A"].max() or 1)))


# ---------------------------------------------------------------- tables

# Summary keys shown as metrics above the articles, in this order, with short labels and help.
HEADLINE_METRICS = {
    "shared_share_a": ("A in both", "Share of A's text in sentences that B also reports"),
    "shared_share_b": ("B in both", "Share of B's text in sentences that A also reports"),
    "equivalent_pairs": ("Same-fact pairs", "Sentence pairs that say the same thing"),
    "related_pairs": ("Related pairs", "Sentence pairs on the same point whose details differ"),
    "unique_sentences_a": ("Sentences only in A", "Sentences of A with no counterpart in B"),
    "unique_sentences_b": ("Sentences only in B", "Sentences of B with no counterpart in A"),
    "facts_only_a": ("Facts only in A", "Facts (numbers, names, quotes, claims) of A that B does not give"),
    "facts_only_b": ("Facts only in B", "Facts (numbers, names, quotes, claims) of B that A does not give"),
    "facts_conflict": ("Conflicting facts", "Facts the two reports state differently"),
    "framing_differences": ("Framing", "Naming, label, qualifier and hedge differences"),
}


def headline_metrics(summary: dict) -> list[tuple[str, str, str]]:
    """(label, formatted value, help) for the metrics row."""
    return [(label, f"{summary[key]:.0%}" if key.startswith("shared_share") else str(summary[key]), help_)
            for key, (label, help_) in HEADLINE_METRICS.items() if key in summary]


NON_ENGLISH_NOTE = ("newscompare reads English, Russian, Ukrainian, German, French and Spanish. With other "
                    "languages the sentence matching is unreliable and names, numbers and framing are mostly "
                    "missed. Results are shown anyway.")


def non_english_refused(message: str) -> bool:
    """Whether an error is the refusal of an article in a language the tool does not read
    (languages.detect.article_language, or ingest.require_english)."""
    return "does not read" in message or "not English" in message


def fact_view(data: dict, facts: Sequence[dict], significant_only: bool = False,
              by_salience: bool = False) -> list[dict]:
    """The facts a fact tab lists: only significant ones (numbers, quotes,
    names, conflicts) when asked, most salient first when asked."""
    kept = [f for f in facts if significant(f)] if significant_only else list(facts)
    return rank_facts(data, kept) if by_salience else kept


def alignment_display_frame(data: dict):
    """The alignment table as the page shows it: "—" where a row has no
    counterpart, no cosine or no margin (never "None")."""
    frame = alignment_frame(data)
    for column in ("cosine", "score"):
        frame[column] = [("—" if v is None or v != v else f"{v:.2f}") for v in frame[column]]
    for column in ("a", "b", "text_a", "text_b"):
        frame[column] = [v or "—" for v in frame[column]]
    return frame


def alignment_frame(data: dict):
    """The alignment table (aligned pairs, then sentences in only one article)."""
    import pandas as pd

    return pd.DataFrame(alignment_rows(data), columns=ALIGNMENT_COLUMNS)


# ---------------------------------------------------------------- exports

def export_json(data: dict) -> str:
    return indented_json(data)


def alignments_csv(data: dict) -> str:
    """One row per aligned pair and per sentence found in only one article."""
    return alignment_frame(data).to_csv(index=False)


def findings_csv(data: dict) -> str:
    import pandas as pd

    return pd.DataFrame(finding_rows(data), columns=FINDING_COLUMNS).to_csv(index=False)


@dataclass(frozen=True)
class Export:
    label: str
    file_name: str
    mime: str
    render: Callable[[dict], str]
    filtered: bool = False  # True: export what the page shows (filters applied), else everything


EXPORTS = (
    Export("JSON (everything)", "comparison.json", "application/json", export_json),
    Export("CSV: alignments", "alignments.csv", "text/csv", alignments_csv),
    Export("CSV: findings", "findings.csv", "text/csv", findings_csv),
    Export("HTML report (as shown)", "comparison.html", "text/html", render_html, filtered=True),
)


def export_name(data: dict, export: Export) -> str:
    """``<id a>_vs_<id b>_<file name>`` with only safe characters."""
    ids = [str(a.get("id") or SIDES[n]) for n, a in enumerate(data["articles"][:2])]
    stem = "_vs_".join("".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in i)[:40] for i in ids)
    return f"{stem}_{export.file_name}"


# ---------------------------------------------------------------- multi-article matrix

def matrix_frame(matrix: dict):
    """The story's fact matrix (``FactMatrix.to_dict()``) as a table: one row per
    fact, one column per outlet with what that outlet says ("≠" marks a conflict)."""
    import pandas as pd

    columns = list(matrix.get("columns", []))
    rows = [{"kind": row["kind"], "fact": row["text"], "outlets": row["reported_by"], "conflict": row["conflict"],
             **{name: ("≠ " if cell["status"] == "conflict" else "") + cell["text"]
                for name, cell in zip(columns, row["cells"])}} for row in matrix_rows(matrix)]
    return pd.DataFrame(rows, columns=["kind", "fact", "outlets", "conflict"] + columns)


def referents_frame(table: dict):
    """The per-outlet referent table (the ``referents`` JSON section): one row
    per referent, one column per outlet with the phrases it names it with."""
    import pandas as pd

    columns = list(table.get("columns", []))
    rows = []
    for row in table.get("rows", []):
        out = {"referent": row.get("referent", ""), "kind": row.get("subtype", ""),
               "outlets": row.get("outlets", 0), "differs": bool(row.get("differs"))}
        for name, cell in zip(columns, row.get("cells", [])):
            out[name] = "" if cell is None else " · ".join(cell.get("words", []))
        rows.append(out)
    return pd.DataFrame(rows, columns=["referent", "kind", "outlets", "differs"] + columns)
