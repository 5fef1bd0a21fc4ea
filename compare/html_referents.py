"""Report stage (HTML): the story-wide page of how each outlet names the story's referents.

The NewsWCL50 view of a story of three or more outlets: one row per linked
referent (person, group, place, thing or event), one column per outlet with
the words that outlet uses for it, each word with the sentence it stands in
on hover. It reads the story JSON's ``referents`` table (``story_dict``);
per-pair pages link to it. Every text is escaped.
"""
from __future__ import annotations

from typing import Any, Sequence

from .html_common import esc, page_css

REFERENTS_PAGE = "referents.html"  # file name beside the per-pair pages of a story folder

REFERENTS_CSS = """<style>
.nc-refs td.nc-differs:first-child{border-left:4px solid #6d28d9}
.nc-refs .nc-word{display:inline-block;background:#ede4ff;border-radius:3px;padding:0 .3em;margin:1px .2em 1px 0}
.nc-refs .nc-n{font-size:.75em;color:#57606a;margin-left:.15em}
.nc-refs th{position:sticky;top:0;background:#f6f8fa}
</style>"""


def outlet_names(data: dict) -> list[str]:
    """Column headings: the table's own column labels, else the articles' outlets or ids."""
    columns = (data.get("referents") or {}).get("columns") or []
    if columns:
        return list(columns)
    return [a.get("source") or a.get("id") or f"outlet {n + 1}" for n, a in enumerate(data.get("articles", []))]


def sentence_around(text: str, start: int, end: int, width: int = 160) -> str:
    """The line (sentence or paragraph) holding ``[start, end)``, cut to about ``width`` characters."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    lo, hi = max(lo, start - width // 2), min(hi, end + width // 2)
    return ("…" if lo > 0 and text[lo - 1] != "\n" else "") + " ".join(text[lo:hi].split()) + \
        ("…" if hi < len(text) and text[hi] != "\n" else "")


def word_item(word: str, spans: Sequence[Sequence[int]], text: str) -> str:
    """One phrase of a cell: the words as written, how often, its first sentence on hover."""
    first = spans[0] if spans else None
    title = f' title="{esc(sentence_around(text, first[0], first[1]))}"' if first and text else ""
    count = f'<span class="nc-n">×{len(spans)}</span>' if len(spans) > 1 else ""
    return f'<span class="nc-word"{title}>{esc(word)}</span>{count}'


def referent_cell(cell: dict | None, text: str) -> str:
    if not cell:
        return '<td class="nc-none">—</td>'
    spans = cell.get("spans") or [[] for _ in cell["words"]]
    return "<td>" + " ".join(word_item(w, s, text) for w, s in zip(cell["words"], spans)) + "</td>"


def referent_row(row: dict, texts: Sequence[str]) -> str:
    differs = row.get("differs")
    label = (f'<td{" class=nc-differs" if differs else ""}>{esc(row["referent"])}<br><span class="nc-ref">'
             f'{esc(row["subtype"])} · {row["outlets"]} outlets{" · named differently" if differs else ""}</span></td>')
    cells = "".join(referent_cell(cell, texts[k] if k < len(texts) else "") for k, cell in enumerate(row["cells"]))
    return f"<tr>{label}{cells}</tr>"


def render_referents_page(data: dict, texts: Sequence[str] = ()) -> str:
    """The whole page for a story dict (``story_dict``): one row per linked
    referent, one column per outlet. ``texts`` (article texts, column order)
    give each word its sentence on hover; without them words show alone."""
    table = data.get("referents") or {}
    rows = table.get("rows") or []
    columns = outlet_names(data)
    title = f"How each outlet names the referents of {data.get('story') or 'the story'}"
    head = "".join(f"<th>{esc(c)}</th>" for c in ["Referent"] + columns)
    body = "".join(referent_row(row, texts) for row in rows)
    differs = sum(bool(row.get("differs")) for row in rows)
    intro = (f'<p class="nc-meta">{len(rows)} referents named by two or more of {len(columns)} outlets; '
             f'{differs} named with different words (first, marked at the left). Hover a phrase for its sentence.</p>')
    table_html = (f'<table class="nc-table nc-refs"><tr>{head}</tr>{body}</table>' if rows
                  else '<p class="nc-none">No referent linked across the outlets.</p>')
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)}</title>{page_css()}{REFERENTS_CSS}</head>'
            f'<body style="margin:1rem 2rem"><div class="nc-root"><h1>{esc(title)}</h1>{intro}{table_html}'
            f'<p class="nc-meta">schema {esc(str(data.get("schema_version", "")))}</p></div></body></html>')


def referents_link(href: str = REFERENTS_PAGE) -> str:
    """The line a per-pair page shows when its story has a referents page."""
    return (f'<p class="nc-meta"><a class="nc-link" href="{esc(href)}">How every outlet of this story names '
            f'its referents (one column per outlet)</a></p>')


def story_texts(story: Any) -> list[str]:
    """The article texts of a ``StoryComparison``, column order."""
    return [doc.article.text for doc in story.documents]
