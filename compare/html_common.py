"""Report stage (HTML, shared): escaping, the lookup tables of statuses and types, and the page's CSS.

Used by ``html_report.py`` (article columns, findings, the page), ``html_band.py``
(the summary band and the layer switches) and ``summary.py``.
"""
from __future__ import annotations

import html
from typing import Any

from .labels import SIDES

# ---------------------------------------------------------------- lookup tables

# Sentence status -> (legend label, background colour).
SENTENCE_STATUS = {
    "shared": ("In both reports", "#cdeed5"),
    "partial": ("Same topic, details differ", "#ffe8a3"),
    "unique": ("Only in this report", "#fbd3dc"),
}
# Phrase highlight status -> (legend label, CSS). Each uses a different CSS
# property so that nested marks stay visible together.
HIGHLIGHT_STATUS = {
    "key": ("Key difference: a salient fact only this report gives (see the summary)",
            "text-decoration:underline 3px #c2410c;text-underline-offset:3px;background:#ffedd5"),
    "unique": ("Fact only in this report", "text-decoration:underline 2.5px #ea580c;text-underline-offset:3px"),
    "conflict": ("Conflicting detail", "outline:2px solid #b91c1c;outline-offset:1px;border-radius:2px"),
    "framing": ("Framing or naming term", "border-bottom:2px dashed #6d28d9;background:#ede4ff"),
    "shared": ("Fact in both reports", "text-decoration:underline dotted 2px #15803d;text-underline-offset:3px"),
    "link": ("Same referent in the other report (hover)", "box-shadow:inset 0 -2px 0 #0969da66"),
}
# Fact status -> panel title; statuses not listed appear under their own name.
FACT_GROUPS = {
    "shared": "Shared facts",
    "only_a": "Facts only in A",
    "only_b": "Facts only in B",
    "conflict": "Conflicts",
}
FRAMING_TYPES = {
    "naming_variant": "Naming / transliteration",
    "naming_convention": "Naming convention",
    "label": "Label",
    "qualifier": "Qualifier",
    "hedge": "Hedge or distancing",
    "report_verb": "Reporting verb",
}
SUMMARY_LABELS = {
    "shared_share_a": "Share of A in both reports",
    "shared_share_b": "Share of B in both reports",
    "sentences_a": "Sentences in A",
    "sentences_b": "Sentences in B",
    "equivalent_pairs": "Same-fact sentence pairs",
    "related_pairs": "Same-topic sentence pairs",
    "unique_sentences_a": "Sentences only in A",
    "unique_sentences_b": "Sentences only in B",
    "facts_shared": "Shared facts",
    "facts_only_a": "Facts only in A",
    "facts_only_b": "Facts only in B",
    "facts_conflict": "Conflicts",
    "framing_differences": "Framing differences",
}
CONTEXT_CHARS = 120  # context shown around a span that lies outside every sentence


def esc(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def sentence_id(side: int, index: int) -> str:
    """The element id of a sentence in the article columns (``nc-A-s0``; the JSON index)."""
    return f"nc-{SIDES[side]}-s{index}"


def humanise(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def page_css() -> str:
    sentence = "".join(f".nc-s-{k}{{background:{colour}}}" for k, (_, colour) in SENTENCE_STATUS.items())
    return f"<style>{BASE_CSS}{sentence}</style>"  # phrase marks: html_band.layer_css


BASE_CSS = """
.nc-root{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;line-height:1.55}
.nc-cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin-top:.5rem}
.nc-article{border:1px solid #d0d7de;border-radius:6px;background:#fff;min-width:0}
.nc-head{padding:.5rem .75rem;border-bottom:1px solid #d0d7de;background:#f6f8fa}
.nc-meta{font-size:.85em;color:#57606a}
.nc-side{display:inline-block;min-width:1.4em;text-align:center;font-weight:700;background:#24292f;color:#fff;border-radius:3px;padding:0 .3em}
.nc-body{white-space:pre-wrap;padding:.75rem;max-height:70vh;overflow-y:auto;font-size:1rem}
.nc-sent{border-radius:3px;padding:1px 0;scroll-margin:40px}
.nc-sent:hover,.nc-sent.nc-linked,.nc-sent:target{box-shadow:0 0 0 2px #0969da}
.nc-sid{font-size:.7em;color:#57606a;margin-right:.2em;white-space:nowrap}
.nc-link{color:#0969da;text-decoration:none}
mark.nc-h{background:transparent;color:inherit;padding:0}
mark.nc-span{background:#fff3a3;color:inherit}
.nc-legend{display:flex;flex-wrap:wrap;gap:.4rem .8rem;align-items:center;font-size:.85em}
.nc-legend-t{color:#57606a}
.nc-key{padding:1px 6px;border-radius:3px}
.nc-summary{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.nc-metric{border:1px solid #d0d7de;border-radius:6px;padding:.3rem .6rem;min-width:7rem}
.nc-metric-v{font-size:1.3em;font-weight:600}
.nc-metric-l{font-size:.8em;color:#57606a}
.nc-table{border-collapse:collapse;width:100%;font-size:.85em}
.nc-table td,.nc-table th{border:1px solid #d0d7de;padding:.25rem .4rem;vertical-align:top;text-align:left}
.nc-row-equivalent td:first-child{background:#cdeed5}.nc-row-related td:first-child{background:#ffe8a3}
.nc-row-only td:first-child,.nc-row-only td:nth-child(3){background:#fbd3dc}
.nc-card{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .75rem;margin:.4rem 0;background:#fff}
.nc-card-h{font-weight:600}
.nc-tag{font-size:.75em;font-weight:600;background:#eaeef2;border-radius:10px;padding:1px 8px;text-transform:uppercase}
.nc-term{background:#ede4ff;border-radius:3px;padding:0 .3em;margin-right:.3em}
.nc-ref,.nc-conf{font-weight:400;font-size:.85em;color:#57606a}
.nc-reason{font-size:.9em;color:#424a53;margin:.2rem 0}
.nc-pair{display:grid;grid-template-columns:1fr 1fr;gap:.75rem;font-size:.92em}
.nc-none{color:#57606a}
.nc-kind{margin:.6rem 0 .2rem 0}
.nc-band{border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;padding:.5rem .75rem;margin:.5rem 0}
.nc-band-row{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:.5rem 1rem}
.nc-band-t{font-weight:600;margin-top:.4rem}
.nc-band-head{font-size:1.05em;font-weight:600}
.nc-band ul{margin:.2rem 0;padding-left:1.1rem}
.nc-keydiff{color:#0550ae;text-decoration:none}.nc-keydiff:hover{text-decoration:underline}
.nc-band-cov{font-size:.95em}
.nc-legend label{cursor:pointer}
@media (max-width:800px){.nc-cols,.nc-pair{grid-template-columns:1fr}}
"""

