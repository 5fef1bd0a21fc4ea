"""Report stage (HTML): the summary band above the columns, and the layers of phrase marks.

The band is what a reader sees first: both headlines side by side, the key
differences (each a link to its sentence), framing in one line each and the
coverage line (``summary.py`` computes them). Layers are the kinds of phrase
mark; only ``DEFAULT_LAYERS`` are on when a page opens, because marking every
fact underlines most of both texts. Every text is escaped.
"""
from __future__ import annotations

import copy
from typing import Sequence

from .html_common import HIGHLIGHT_STATUS, esc, sentence_id
from .labels import SIDES
from .summary import coverage_line, framing_lines, headlines, key_differences, key_spans, outlet_summaries

# Layers the reader switches, in this order: highlight status -> switch label.
LAYERS = {
    "key": "Key differences",
    "conflict": "Conflicts",
    "framing": "Framing terms",
    "unique": "All one-sided facts",
    "shared": "Shared facts",
    "link": "Same referent",
}
DEFAULT_LAYERS = ("key", "conflict", "framing")


def with_key_marks(data: dict, keys: Sequence[dict] | None = None) -> dict:
    """A copy of ``data`` whose highlights include the key differences (status "key")."""
    out = copy.copy(data)
    out["highlights"] = list(data.get("highlights", [])) + key_spans(data, keys)
    return out


def key_item(key: dict) -> str:
    return (f'<li><a class="nc-keydiff nc-keydiff-{esc(key["status"])}" href="#{sentence_id(key["side"], key["sentence"])}"'
            f' data-side="{SIDES[key["side"]]}" data-sentence="{key["sentence"]}" title="{esc(key["reason"])}">'
            f'<span class="nc-sid">{esc(key["label"])}</span> “{esc(key["quote"])}”</a>'
            f' <span class="nc-tag">{esc(key["kind"])}</span></li>')


def key_lists(keys: Sequence[dict]) -> str:
    groups = [("Only in A", [k for k in keys if k["status"] == "only_a"]),
              ("Only in B", [k for k in keys if k["status"] == "only_b"]),
              ("Conflicts", [k for k in keys if k["status"] == "conflict"])]
    cells = "".join(f'<div class="nc-band-col"><div class="nc-band-t">{esc(title)} ({len(items)})</div>'
                    f'<ul>{"".join(key_item(k) for k in items) or "<li class=nc-none>none found</li>"}</ul></div>'
                    for title, items in groups if items or title != "Conflicts")
    return f'<div class="nc-band-row">{cells}</div>'


def render_band(data: dict, keys: Sequence[dict] | None = None) -> str:
    """The summary band of a pair: headlines, key differences, framing, coverage."""
    keys = key_differences(data) if keys is None else keys
    heads = "".join(f'<div class="nc-band-col"><span class="nc-side">{esc(h["side"])}</span> '
                    f'<span class="nc-meta">{esc(h["outlet"])} · {esc(h["from"])}</span>'
                    f'<div class="nc-band-head">{esc(h["headline"])}</div></div>' for h in headlines(data))
    lines, more = framing_lines(data)
    framing = "".join(f"<li>{esc(line)}</li>" for line in lines) + (f'<li class="nc-none">and {more} more in the framing '
                                                                    'findings</li>' if more else "")
    return (f'<div class="nc-band" id="nc-band"><div class="nc-band-row">{heads}</div>'
            f'<div class="nc-band-t">Key differences (most salient facts; click one to see its sentence)</div>'
            f'{key_lists(keys)}'
            f'<div class="nc-band-t">Framing</div><ul class="nc-band-framing">{framing or "<li class=nc-none>none found</li>"}</ul>'
            f'<div class="nc-band-t">Coverage</div><div class="nc-band-cov">{esc(coverage_line(data))}</div></div>')


def render_outlets_band(matrix: dict) -> str:
    """Stories of more than two outlets: one line per outlet (what only it reports)."""
    rows = "".join(f'<li><strong>{esc(o["outlet"])}</strong>: {o["only"]} fact{"s" if o["only"] != 1 else ""} '
                   f'no other outlet reports{": " if o["top"] else ""}{"; ".join("“" + esc(t) + "”" for t in o["top"])}'
                   f' · {o["shared"]} shared with another outlet · {o["conflicts"]} in conflict</li>'
                   for o in outlet_summaries(matrix))
    return f'<div class="nc-band"><div class="nc-band-t">Per outlet</div><ul>{rows}</ul></div>'


# ---------------------------------------------------------------- layers

def layer_legend(shown: Sequence[str], toggles: bool = False) -> str:
    """The phrase marks in words. With ``toggles`` (standalone pages), each is a
    checkbox that switches its layer (CSS only; see ``layer_css``)."""
    items = []
    for status in LAYERS:
        if status not in shown and not toggles:
            continue
        words = HIGHLIGHT_STATUS.get(status, (status,))[0]
        mark = f'<mark class="nc-h nc-h-{status}">{esc(words)}</mark>'
        if toggles:
            checked = " checked" if status in DEFAULT_LAYERS else ""
            items.append(f'<label class="nc-key"><input type="checkbox" id="nc-layer-{status}"{checked}> '
                         f'{esc(LAYERS[status])}: {mark}</label>')
        else:
            items.append(f'<span class="nc-key">{mark}</span>')
    return "".join(items) or '<span class="nc-legend-t">none (switch a layer on)</span>'


def layer_css(toggles: bool, unstyled: Sequence[str] = ()) -> str:
    """Phrase mark styles: always in the legend; in the text, only while the
    layer's checkbox is on (``toggles``) or always (pages that filter marks
    themselves), except the ``unstyled`` layers (their marks keep only their
    tooltip: the dashboard's same-referent marks while that layer is off)."""
    rules = []
    for status, (_, css) in HIGHLIGHT_STATUS.items():
        rules.append(f".nc-legend mark.nc-h-{status}{{{css}}}")
        if status in unstyled:
            continue
        scope = f".nc-root:has(#nc-layer-{status}:checked) " if toggles and status in LAYERS else ""
        rules.append(f"{scope}.nc-body mark.nc-h-{status}{{{css}}}")
    return "<style>" + "".join(rules) + "</style>"
