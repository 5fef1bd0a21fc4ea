"""Report stage (HTML): a ``report.to_dict(comparison)`` dict -> the side-by-side page.

The same functions feed the Streamlit dashboard (fragments, no script), its
HTML export and the batch command (standalone pages with a small hover
script). Everything taken from the dict is escaped with ``html.escape``:
article text is user input. Findings are rendered generically from the dict
(grouped by ``status``/``kind`` and ``type``), so new kinds of findings show up
without changes here.
"""
from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .html_common import (CONTEXT_CHARS, FACT_GROUPS, FRAMING_TYPES, HIGHLIGHT_STATUS, SENTENCE_STATUS,  # noqa: F401
                          SUMMARY_LABELS, esc, humanise, page_css, sentence_id)
from .html_band import DEFAULT_LAYERS, layer_css, layer_legend, render_band, render_outlets_band, with_key_marks
from .html_referents import referents_link
from .labels import LANGUAGE_NAMES, SIDES, language_label, sentence_label
from .summary import key_differences
from .tables import alignment_rows, clip, counterparts, sentence_text

# ---------------------------------------------------------------- segments

@dataclass(frozen=True)
class Segment:
    """A stretch of text with one sentence (or None) and the set of phrase highlights over it."""

    start: int
    end: int
    sentence: int | None
    marks: tuple[int, ...]  # indexes into the highlight list, outermost first


def visible_highlights(sentences: Sequence[dict], highlights: Iterable[dict]) -> list[dict]:
    """Drop highlights that only repeat a sentence's own status (sentence-level
    highlights when no fact stage ran); the sentence background shows those.
    Highlights with the same span and status become one mark whose note
    joins theirs (several findings often point at one name)."""
    whole = {(s["start"], s["end"], s.get("status")) for s in sentences}
    merged: dict[tuple[int, int, str], dict] = {}
    for h in highlights:
        key = (h["start"], h["end"], h["status"])
        if key in whole or h["end"] <= h["start"]:
            continue
        if key in merged:
            notes = [n for n in (merged[key].get("note"), h.get("note")) if n]
            merged[key] = {**merged[key], "note": "\n".join(dict.fromkeys(notes))}
        else:
            merged[key] = dict(h)
    return list(merged.values())


def segments(length: int, sentences: Sequence[dict], highlights: Sequence[dict]) -> list[Segment]:
    """Split ``[0, length)`` at every sentence and highlight boundary. Each
    segment knows its sentence and the highlights covering it (longer ones
    first, so nesting is stable). Overlapping highlights are allowed."""
    def clamp(x: int) -> int:
        return max(0, min(x, length))

    opens = [clamp(h["start"]) for h in highlights]
    closes = [clamp(h["end"]) for h in highlights]
    bounds = sorted({0, length, *opens, *closes, *(clamp(s[k]) for s in sentences for k in ("start", "end"))})
    rank = [0] * len(highlights)
    for r, k in enumerate(sorted(range(len(highlights)), key=lambda k: (highlights[k]["start"] - highlights[k]["end"], k))):
        rank[k] = r
    by_start = sorted(sentences, key=lambda s: s["start"])
    starts = [s["start"] for s in by_start]
    pending = sorted(range(len(highlights)), key=opens.__getitem__)
    active: set[int] = set()
    closing: list[tuple[int, int]] = []  # heap of (close, highlight) of the active ones
    out, next_pending = [], 0
    for start, end in zip(bounds, bounds[1:]):
        # sweep: highlights open at their start and close at their end
        while next_pending < len(pending) and opens[pending[next_pending]] <= start:
            active.add(pending[next_pending])
            heapq.heappush(closing, (closes[pending[next_pending]], pending[next_pending]))
            next_pending += 1
        while closing and closing[0][0] < end:  # not a scan of every active one per segment (link marks: thousands)
            active.discard(heapq.heappop(closing)[1])
        at = bisect.bisect_right(starts, start) - 1  # the last sentence starting at or before ``start``
        sentence = by_start[at]["index"] if at >= 0 and end <= by_start[at]["end"] else None
        out.append(Segment(start, end, sentence, tuple(sorted(active, key=rank.__getitem__))))
    return out


# ---------------------------------------------------------------- counterparts

def link_marks(data: dict, side: int, limit: int = 6) -> list[dict]:
    """Marks for mentions of ``side`` whose referent the other report names
    (the ``links`` section): the note lists the other side's mentions."""
    out = []
    for cluster in data.get("links", {}).get("clusters", []):
        other = list(dict.fromkeys(m["text"] for m in cluster["members"] if m["article"] != side))
        if not other:
            continue
        shown = ", ".join(f"“{clip(t, 60)}”" for t in other[:limit]) + (" …" if len(other) > limit else "")
        note = f"{SIDES[1 - side]}: {shown} ({cluster['kind']}, {cluster['subtype']})"
        out.extend({"article": side, "start": m["start"], "end": m["end"], "status": "link", "note": note}
                   for m in cluster["members"] if m["article"] == side)
    return out


def sentence_title(data: dict, side: int, sentence: dict, partners: list[dict]) -> str:
    """Tooltip: status, counterpart numbers, similarity and the counterpart's start."""
    label = SENTENCE_STATUS.get(sentence.get("status"), (sentence.get("status", ""),))[0]
    head = f"{sentence_label(side, sentence['index'])} · {label}"
    if not partners:
        return head
    other = data["articles"][1 - side]
    lines = [head] + [f"↔ {sentence_label(1 - side, p['index'])} ({p['kind']}, cosine {p['cosine']:.2f}): "
                      f"{clip(sentence_text(other, p['index']), 140)}" for p in partners]
    return "\n".join(lines)


# ---------------------------------------------------------------- article columns

def mark_open(highlight: dict) -> str:
    label = HIGHLIGHT_STATUS.get(highlight["status"], (highlight["status"],))[0]
    note = f"{label}: {highlight['note']}" if highlight.get("note") else label
    return f'<mark class="nc-h nc-h-{esc(highlight["status"])}" title="{esc(note)}">'


def sentence_open(data: dict, side: int, sentence: dict, partners: list[dict]) -> str:
    ids = " ".join(sentence_id(1 - side, p["index"]) for p in partners)
    best = max((p["cosine"] for p in partners), default=None)
    sim = f' data-similarity="{best:.3f}"' if best is not None else ""
    links = ",".join(f'<a class="nc-link" href="#{sentence_id(1 - side, p["index"])}">'
                     f'{sentence_label(1 - side, p["index"])}</a>' for p in partners)
    badge = f'<sup class="nc-sid">{sentence_label(side, sentence["index"])}{"↔" + links if links else ""}</sup>'
    return (f'<span class="nc-sent nc-s-{esc(sentence.get("status", ""))}" id="{sentence_id(side, sentence["index"])}"'
            f' data-side="{SIDES[side]}" data-index="{sentence["index"]}" data-counterparts="{ids}"{sim}'
            f' title="{esc(sentence_title(data, side, sentence, partners))}">{badge}')


def article_body(data: dict, side: int, links: bool = False) -> str:
    """The article text with sentence spans (status background, counterpart
    data) and nested phrase marks; with ``links``, linked mentions too."""
    article = data["articles"][side]
    text, sentences = article["text"], article["sentences"]
    by_index = {s["index"]: s for s in sentences}
    marks = visible_highlights(sentences, (h for h in data.get("highlights", []) if h.get("article") == side))
    if links:
        marks += link_marks(data, side)
    partners = counterparts(data)
    opening: dict[int, str] = {}  # a mark spans many segments: its tag is built once
    parts, current = [], None
    for seg in segments(len(text), sentences, marks):
        if seg.sentence != current:
            if current is not None:
                parts.append("</span>")
            if seg.sentence is not None:
                parts.append(sentence_open(data, side, by_index[seg.sentence], partners.get((side, seg.sentence), [])))
            current = seg.sentence
        inner = esc(text[seg.start:seg.end])
        for k in seg.marks:
            if k not in opening:
                opening[k] = mark_open(marks[k])
        parts.append("".join(opening[k] for k in seg.marks) + inner + "</mark>" * len(seg.marks))
    if current is not None:
        parts.append("</span>")
    return "".join(parts)


def article_header(article: dict, side: int) -> str:
    language = language_label(article.get("language"))
    meta = " · ".join(esc(v) for v in (article.get("source"), article.get("date"), language) if v)
    title = article.get("title") or article.get("id") or f"Article {SIDES[side]}"
    link = f' <a href="{esc(article["url"])}" rel="noopener noreferrer">source</a>' if safe_url(article.get("url")) else ""
    return (f'<div class="nc-head"><span class="nc-side">{SIDES[side]}</span> <strong>{esc(title)}</strong>'
            f'<div class="nc-meta">{meta}{link}</div></div>')


def lang_attribute(article: dict) -> str:
    """The body's ``lang`` attribute (fonts, hyphenation, screen readers) for a detected language."""
    code = article.get("language")
    return f' lang="{esc(code)}"' if code in LANGUAGE_NAMES else ""


def safe_url(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


def render_legend(shown: Sequence[str] = DEFAULT_LAYERS, toggles: bool = False) -> str:
    """What the colours and marks mean, in words; with ``toggles``, a switch per layer of marks."""
    sentence = "".join(f'<span class="nc-key nc-s-{k}">{esc(label)}</span>' for k, (label, _) in SENTENCE_STATUS.items())
    return (f'<div class="nc-legend"><span class="nc-legend-t">Sentence colours:</span>{sentence}'
            f'<span class="nc-legend-t">Phrase marks{" (switch them on and off)" if toggles else ""}:</span>'
            f'{layer_legend(shown, toggles)}'
            '<span class="nc-legend-t">A3↔B1: sentence 3 of A matches sentence 1 of B (hover for the text)</span></div>')


def hover_css(data: dict) -> str:
    """CSS-only counterpart highlighting: hovering a sentence outlines its
    aligned sentences in the other column (``:has``), so it works where no
    script may run (the dashboard). Selectors use only generated ids."""
    rules = [f".nc-cols:has(#{sentence_id(side, index)}:hover) #{sentence_id(1 - side, p['index'])}"
             for (side, index), partners in sorted(counterparts(data).items()) for p in partners]
    return f"<style>{','.join(rules)}{{box-shadow:0 0 0 2px #0969da}}</style>" if rules else ""


def render_side_by_side(data: dict, links: bool = False, toggles: bool = False, underline_links: bool = True) -> str:
    """Legend and the two articles in columns; ``links`` marks every mention
    whose referent the other report names (its counterparts on hover;
    without ``underline_links``, the hover alone). With ``toggles`` every
    layer of marks is in the page and the legend switches them (default:
    ``DEFAULT_LAYERS``); without, the marks given are shown."""
    columns = "".join(f'<div class="nc-article">{article_header(data["articles"][side], side)}'
                      f'<div class="nc-body" id="nc-body-{SIDES[side]}"{lang_attribute(data["articles"][side])}>'
                      f'{article_body(data, side, links)}</div></div>' for side in (0, 1))
    underlined = links and (underline_links or toggles)
    shown = sorted({h["status"] for h in data.get("highlights", [])} | ({"link"} if underlined else set()))
    css = layer_css(toggles, unstyled=() if underlined else ("link",))
    return f'{hover_css(data)}{css}{render_legend(shown, toggles)}<div class="nc-cols">{columns}</div>'


# ---------------------------------------------------------------- summary and alignment table

def format_metric(key: str, value: Any) -> str:
    if key.startswith("shared_share") and isinstance(value, (int, float)):
        return f"{value:.0%}"
    return esc(value)


def render_summary(data: dict) -> str:
    summary = data.get("summary", {})
    keys = [k for k in SUMMARY_LABELS if k in summary] + [k for k in summary if k not in SUMMARY_LABELS]
    cells = "".join(f'<div class="nc-metric"><div class="nc-metric-v">{format_metric(k, summary[k])}</div>'
                    f'<div class="nc-metric-l">{esc(SUMMARY_LABELS.get(k, humanise(k)))}</div></div>'
                    for k in keys if isinstance(summary[k], (int, float, str)))
    return f'<div class="nc-summary">{cells}</div>'


def render_alignment_table(data: dict) -> str:
    def num(v):
        return "" if v is None else f"{v:.2f}"

    body = "".join(f'<tr class="nc-row-{esc(r["kind"].split()[0])}"><td>{esc(r["a"])}</td><td>{esc(r["text_a"])}</td>'
                   f'<td>{esc(r["b"])}</td><td>{esc(r["text_b"])}</td><td>{esc(r["kind"])}</td>'
                   f'<td>{num(r["cosine"])}</td><td>{num(r["score"])}</td></tr>' for r in alignment_rows(data))
    return ('<table class="nc-table"><thead><tr><th>A</th><th>Text in A</th><th>B</th><th>Text in B</th>'
            f'<th>Match</th><th>Cosine</th><th>Margin</th></tr></thead><tbody>{body}</tbody></table>')


# ---------------------------------------------------------------- findings

def span_context(article: dict, spans: Sequence[Sequence[int]]) -> str:
    """The sentence(s) around ``spans`` with the spans marked; ``—`` without spans."""
    text, sentences = article["text"], article["sentences"]
    spans = [(max(0, s), min(len(text), e)) for s, e in spans if e > s]
    if not spans:
        return '<span class="nc-none">—</span>'
    windows: list[tuple[int, int]] = []
    for start, end in spans:
        around = [(s["start"], s["end"]) for s in sentences if s["start"] < end and start < s["end"]]
        lo = min([start] + [w[0] for w in around]) if around else max(0, start - CONTEXT_CHARS)
        hi = max([end] + [w[1] for w in around]) if around else min(len(text), end + CONTEXT_CHARS)
        windows.append((lo, hi))
    return " … ".join(marked_window(text, lo, hi, spans) for lo, hi in merge_windows(windows))


def merge_windows(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def marked_window(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> str:
    """``text[lo:hi]`` escaped, the parts inside any of ``spans`` marked (a
    span-only ``segments``: a report has ~40,000 of these small windows)."""
    inside = [(max(s, lo), min(e, hi)) for s, e in spans if s < hi and lo < e]
    cuts = sorted({lo, hi, *(x for span in inside for x in span)})
    parts = []
    for start, end in zip(cuts, cuts[1:]):
        piece = esc(text[start:end])
        parts.append(f'<mark class="nc-span">{piece}</mark>' if any(s <= start and end <= e for s, e in inside)
                     else piece)
    return "".join(parts)


def fact_card(data: dict, fact: dict) -> str:
    a, b = data["articles"]
    conf = fact.get("confidence")
    conf_html = f' <span class="nc-conf">confidence {conf:.2f}</span>' if isinstance(conf, (int, float)) else ""
    return (f'<div class="nc-card"><div class="nc-card-h"><span class="nc-tag">{esc(fact.get("kind", "finding"))}</span>'
            f' {esc(fact.get("text", ""))}{conf_html}</div>'
            f'<div class="nc-reason">{esc(fact.get("reason", ""))}</div>'
            f'<div class="nc-pair"><div><span class="nc-side">A</span> {span_context(a, fact.get("a_spans", []))}</div>'
            f'<div><span class="nc-side">B</span> {span_context(b, fact.get("b_spans", []))}</div></div></div>')


def group_by(items: Iterable[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for item in items:
        grouped.setdefault(str(item.get(key, "") or "other"), []).append(item)
    return grouped


def fact_groups(data: dict) -> list[tuple[str, str, list[dict]]]:
    """(status, panel title, facts) in the order of ``FACT_GROUPS``, then any other status."""
    grouped = group_by(data.get("facts", []), "status")
    order = [s for s in FACT_GROUPS] + sorted(s for s in grouped if s not in FACT_GROUPS)
    return [(s, FACT_GROUPS.get(s, humanise(s)), grouped.get(s, [])) for s in order]


def render_fact_group(data: dict, facts: list[dict], empty: str = "None found.") -> str:
    """Facts of one status, sub-grouped by kind."""
    if not facts:
        return f'<p class="nc-none">{esc(empty)}</p>'
    return "".join(f'<h4 class="nc-kind">{esc(humanise(kind))} ({len(items)})</h4>'
                   + "".join(fact_card(data, f) for f in items) for kind, items in group_by(facts, "kind").items())


def framing_card(data: dict, item: dict) -> str:
    a, b = data["articles"]
    explanation = item.get("explanation", "")
    # conventions already named in the explanation are not repeated after it
    conventions = " / ".join(esc(c) for c in (item.get("convention_a"), item.get("convention_b"))
                             if c and c.lower() not in explanation.lower())
    referent = f'<span class="nc-ref">referent: {esc(item["referent"])}</span>' if item.get("referent") else ""
    return (f'<div class="nc-card"><div class="nc-card-h"><span class="nc-term">A: {esc(item.get("a_text") or "—")}</span>'
            f' <span class="nc-term">B: {esc(item.get("b_text") or "—")}</span> {referent}</div>'
            f'<div class="nc-reason">{esc(explanation)}'
            f'{" <em>(" + conventions + ")</em>" if conventions else ""}</div>'
            f'<div class="nc-pair"><div><span class="nc-side">A</span> {span_context(a, item.get("a_spans", []))}</div>'
            f'<div><span class="nc-side">B</span> {span_context(b, item.get("b_spans", []))}</div></div></div>')


def render_framing(data: dict) -> str:
    """Framing differences grouped by type."""
    grouped = group_by(data.get("framing", []), "type")
    if not grouped:
        return '<p class="nc-none">No framing differences found.</p>'
    order = [t for t in FRAMING_TYPES if t in grouped] + sorted(t for t in grouped if t not in FRAMING_TYPES)
    return "".join(f'<h4 class="nc-kind">{esc(FRAMING_TYPES.get(t, humanise(t)))} ({len(grouped[t])})</h4>'
                   + "".join(framing_card(data, item) for item in grouped[t]) for t in order)


def render_referents(data: dict) -> str:
    """The ``referents`` table: one row per linked referent, a column per article with the words it uses."""
    table = data.get("referents") or {}
    columns, rows = table.get("columns", []), table.get("rows", [])
    if not rows:
        return '<p class="nc-none">No referent linked across the articles.</p>'
    head = "".join(f"<th>{esc(c)}</th>" for c in ["Referent"] + list(columns))
    body = "".join(f'<tr><td>{esc(row["referent"])}<br><span class="nc-ref">{esc(row["subtype"])}'
                   f'{" · named differently" if row.get("differs") else ""}</span></td>'
                   + "".join(f'<td>{" · ".join(esc(w) for w in cell["words"]) if cell else "—"}</td>'
                             for cell in row["cells"]) + "</tr>" for row in rows)
    return f'<table class="nc-table"><tr>{head}</tr>{body}</table>'


def render_findings(data: dict) -> str:
    """Every fact panel and the framing panel, one section each."""
    sections = [f'<section><h3>{esc(title)} ({len(facts)})</h3>{render_fact_group(data, facts)}</section>'
                for _, title, facts in fact_groups(data)]
    sections.append(f'<section><h3>Framing differences ({len(data.get("framing", []))})</h3>{render_framing(data)}</section>')
    sections.append(f'<section><h3>How each article names shared referents</h3>{render_referents(data)}</section>')
    return "".join(sections)


# ---------------------------------------------------------------- page

# Hover or click a sentence: outline its counterparts and scroll the other
# column to the first one. Constant code; no article text is ever put here.
HOVER_SCRIPT = """<script>
(function(){
  function partners(el){return (el.dataset.counterparts||'').split(' ').filter(Boolean).map(function(id){return document.getElementById(id);}).filter(Boolean);}
  function show(el,on){partners(el).forEach(function(p){p.classList.toggle('nc-linked',on);});}
  function reveal(el){var p=partners(el)[0];if(!p)return;var box=p.closest('.nc-body');box.scrollTop=p.offsetTop-box.offsetTop-40;}
  document.querySelectorAll('.nc-sent').forEach(function(el){
    el.addEventListener('mouseenter',function(){show(el,true);});
    el.addEventListener('mouseleave',function(){show(el,false);});
    el.addEventListener('click',function(){reveal(el);});
  });
})();
</script>"""


def page_title(data: dict) -> str:
    names = [a.get("source") or a.get("title") or a.get("id") or SIDES[n] for n, a in enumerate(data["articles"][:2])]
    return f"Comparison: {names[0]} vs {names[1]}"


def render_html(data: dict, *, standalone: bool = True, matrix: dict | None = None,
                referents_page: str | None = None) -> str:
    """The whole comparison as HTML: title, summary, legend, the two articles
    side by side, alignment table and findings; with the ``matrix`` of a story
    of more than two outlets, a line per outlet under the band, and with
    ``referents_page`` (a file name) a link to the story's page of how every
    outlet names its referents. ``standalone`` gives a full document with the
    hover script; otherwise a ``<div>`` fragment (with its ``<style>``) to
    embed in another page."""
    keys = key_differences(data)
    marked = with_key_marks(data, keys)
    body = (f'<div class="nc-root"><h1>{esc(page_title(data))}</h1>{render_band(data, keys)}'
            f'{render_outlets_band(matrix) if matrix and len(matrix.get("columns", [])) > 2 else ""}'
            f'{referents_link(referents_page) if referents_page else ""}{render_summary(data)}'
            f'{render_side_by_side(marked, links=standalone, toggles=True)}<h2>Sentence alignment</h2>{render_alignment_table(data)}'
            f'<h2>Findings</h2>{render_findings(data)}'
            f'<p class="nc-meta">Model: {esc(data.get("model", ""))} · schema {esc(data.get("schema_version", ""))}</p></div>')
    if not standalone:
        return page_css() + body
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(page_title(data))}</title>{page_css()}</head>'
            f'<body style="margin:1rem 2rem">{body}{HOVER_SCRIPT}</body></html>')
