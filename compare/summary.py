"""Report stage (the reader's summary): a comparison dict -> what a reader should see first.

Pure functions over ``report.to_dict`` dicts (and a story's fact matrix dict):
the two headlines, the key differences (facts only in A, only in B, and
conflicts, ranked by ``salience``), one line per framing difference and the
coverage line. The HTML band (``html_band.py``) and the dashboard draw these.

The ranking lives in ``salience`` alone, so that a ranked list from the fact
stage (issue 13) can replace it in one place: numbers written in figures,
quotes, names and conflicts first, then the earlier sentence (news reports put
what matters first).
"""
from __future__ import annotations

import re
from typing import Any, Sequence

from .html_common import FRAMING_TYPES, humanise
from .labels import SIDES, sentence_label
from .tables import clip, sentence_text

# Fact kind -> salience tier (lower is more salient); conflicts and figures come first.
KIND_TIERS = {"number": 1, "quote": 2, "entity": 3, "date": 4, "event": 5, "claim": 6}
CONFLICT_TIER = 0
WORD_NUMBER_TIER = 4  # "two", "Four-way": a number not written in figures is a weaker check
OTHER_TIER = 7
SIGNIFICANT_TIER = 3  # tiers up to this one are "significant" (numbers, quotes, names, conflicts)
KEY_LIMIT = 5  # key differences shown per side (conflicts count on A's side)
FRAMING_LIMIT = 6  # framing lines shown before "and N more"
QUOTE_CHARS = 70  # a key difference's quote, clipped
HEADLINE_CHARS = 180
ONE_SIDED = {"only_a": 0, "only_b": 1}
STATUS_WORDS = {"only_a": "only in A", "only_b": "only in B", "conflict": "conflict"}  # in this order in lists


def tier(fact: dict) -> int:
    """The salience tier of a fact (0 = most salient)."""
    if fact.get("status") == "conflict":
        return CONFLICT_TIER
    kind = fact.get("kind", "")
    if kind == "number" and not any(ch.isdigit() for ch in fact.get("text", "")):
        return WORD_NUMBER_TIER
    return KIND_TIERS.get(kind, OTHER_TIER)


def significant(fact: dict) -> bool:
    """Numbers in figures, quotes, names and conflicts: what the "significant only" filter keeps."""
    return tier(fact) <= SIGNIFICANT_TIER


def fact_side(fact: dict) -> int:
    """The article a fact is anchored in: B for facts only in B, else A."""
    return ONE_SIDED.get(fact.get("status", ""), 0)


def first_span(fact: dict, side: int) -> tuple[int, int] | None:
    spans = fact.get("a_spans" if side == 0 else "b_spans") or []
    return (int(spans[0][0]), int(spans[0][1])) if spans else None


def sentence_at(article: dict, offset: int) -> int | None:
    """Index of the sentence of ``article`` that contains character ``offset``."""
    return next((s["index"] for s in article["sentences"] if s["start"] <= offset < s["end"]), None)


def salience(fact: dict, data: dict) -> tuple[float, float, int]:
    """Sort key of a fact (smaller first). Conflicts first; then the fact stage's
    ``salience`` score (``compare/facts/salience.py``) where the dict has one, else the
    tier; then the position of its first span, then length (longer first)."""
    side = fact_side(fact)
    span = first_span(fact, side) or (len(data["articles"][side]["text"]), 0)
    if "salience" in fact:
        conflict_first = 0 if fact.get("status") == "conflict" else 1
        return conflict_first, -float(fact["salience"]), span[0] - 1e-6 * (span[1] - span[0])
    return tier(fact), span[0], -(span[1] - span[0])


def rank_facts(data: dict, facts: Sequence[dict] | None = None) -> list[dict]:
    """``facts`` (default: all of ``data``) sorted by salience."""
    return sorted(data.get("facts", []) if facts is None else facts, key=lambda f: salience(f, data))


def candidates(data: dict) -> list[dict]:
    """The facts a reader should see first, most salient first: the fact stage's
    ranked ``key_differences`` (conflicts, then each side) when the comparison has
    them, else every fact ranked here."""
    chosen = data.get("key_differences")
    if chosen:
        return [*chosen.get("conflicts", []), *rank_facts(data, [*chosen.get("only_a", []),
                                                                 *chosen.get("only_b", [])])]
    return rank_facts(data)


def key_differences(data: dict, limit: int = KEY_LIMIT) -> list[dict[str, Any]]:
    """The most salient facts only in A, only in B and in conflict: at most one
    per sentence and ``limit`` per side, most salient first. Each gives the
    side, sentence (its label and index), the span, and a short quote."""
    out: list[dict[str, Any]] = []
    used: set[tuple[int, int]] = set()
    per_side = [0, 0]
    for fact in candidates(data):
        if fact.get("status") not in ("only_a", "only_b", "conflict"):
            continue
        side = fact_side(fact)
        span = first_span(fact, side)
        article = data["articles"][side]
        index = None if span is None else sentence_at(article, span[0])
        if index is None or (side, index) in used or per_side[side] >= limit:
            continue
        used.add((side, index))
        per_side[side] += 1
        out.append({"side": side, "status": fact["status"], "kind": fact.get("kind", ""), "sentence": index,
                    "label": sentence_label(side, index), "start": span[0], "end": span[1],
                    "quote": key_quote(data, fact, side, span), "reason": fact.get("reason", ""),
                    "tier": tier(fact)})
    return with_sentence_figures(data, out)


def with_sentence_figures(data: dict, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each one-sided key difference's quote gains the one-sided figures of its
    sentence that it does not show ("had backed a motion … (351 MPs)"): a key
    difference stands for its sentence, and the figure is what a reader checks."""
    for key in keys:
        if key["status"] == "conflict":
            continue
        article = data["articles"][key["side"]]
        figures = []
        for fact in data.get("facts", []):
            span = first_span(fact, key["side"])
            if (fact.get("kind") == "number" and fact.get("status") == key["status"] and span is not None
                    and sentence_at(article, span[0]) == key["sentence"] and fact.get("text", "") not in key["quote"]
                    and any(ch.isdigit() for ch in fact.get("text", ""))):
                figures.append(fact["text"])
        if figures:
            key["quote"] += " (" + ", ".join(dict.fromkeys(figures)) + ")"
    return keys


FIGURE = re.compile(r"\d[\d,.]*\d|\d")
FIGURE_LEAD = 25  # characters kept before a figure when the quote is centred on it


def short_quote(words: str, width: int = QUOTE_CHARS) -> str:
    """``words`` clipped to ``width``; a long claim whose first figure would be cut
    off is clipped around that figure instead ("…conflict that has killed 15,000
    people…"): the figure is what a reader checks."""
    if len(words) <= width:
        return words
    found = FIGURE.search(words)
    if found is None or found.end() <= width - 1:
        return clip(words, width)
    start = max(0, found.start() - FIGURE_LEAD)
    start = words.rfind(" ", 0, start) + 1 if start > 0 else 0
    return "…" + clip(words[start:], width - 1)


def side_words(data: dict, fact: dict, side: int) -> str:
    """The fact's own words in article ``side``: every span, joined by " … "."""
    text = data["articles"][side]["text"]
    spans = fact.get("a_spans" if side == 0 else "b_spans") or []
    return " … ".join(" ".join(text[int(s):int(e)].split()) for s, e in spans)


def key_quote(data: dict, fact: dict, side: int, span: tuple[int, int]) -> str:
    """A short quote: the fact's words (both versions for a conflict)."""
    own = short_quote(side_words(data, fact, side))
    if fact.get("status") != "conflict" or not fact.get("b_spans"):
        return own
    return f"{own} / {short_quote(side_words(data, fact, 1))}"


def key_spans(data: dict, keys: Sequence[dict] | None = None) -> list[dict]:
    """Highlights (status "key") over the spans of the key differences: the default phrase marks."""
    keys = key_differences(data) if keys is None else keys
    return [{"article": k["side"], "start": k["start"], "end": k["end"], "status": "key",
             "note": k["reason"]} for k in keys]


def headlines(data: dict) -> list[dict[str, str]]:
    """Per article: its outlet and its headline (its title, else its first sentence)."""
    out = []
    for side, article in enumerate(data["articles"][:2]):
        first = sentence_text(article, 0) if article.get("sentences") else article.get("text", "")
        out.append({"side": SIDES[side], "outlet": article.get("source") or article.get("id") or "",
                    "headline": clip(" ".join((article.get("title") or first).split()), HEADLINE_CHARS),
                    "from": "title" if article.get("title") else "first sentence"})
    return out


def coverage_line(data: dict) -> str:
    """``"B repeats 1 of A's 20 sentences (8 more in part); A repeats 1 of B's 10 (8 more in part)"``."""
    parts = []
    for side in (0, 1):
        statuses = [s.get("status") for s in data["articles"][side]["sentences"]]
        part = f" ({statuses.count('partial')} more in part)" if "partial" in statuses else ""
        total = f"{SIDES[side]}'s {len(statuses)} sentences" if side == 0 else f"{SIDES[side]}'s {len(statuses)}"
        parts.append(f"{SIDES[1 - side]} repeats {statuses.count('shared')} of {total}{part}")
    return "; ".join(parts)


def framing_lines(data: dict, limit: int = FRAMING_LIMIT) -> tuple[list[str], int]:
    """One line per framing difference (``'naming: A “Kyiv” / B “Kiev”'``), repeats dropped;
    returns the first ``limit`` lines and how many more there are."""
    lines = list(dict.fromkeys(
        f"{FRAMING_TYPES.get(f.get('type', ''), humanise(f.get('type', '')))}: "
        f"A “{clip(f.get('a_text') or '—', 60)}” / B “{clip(f.get('b_text') or '—', 60)}”"
        for f in data.get("framing", [])))
    return lines[:limit], max(0, len(lines) - limit)


# ---------------------------------------------------------------- stories of more than two outlets

def outlet_summaries(matrix: dict, limit: int = 3) -> list[dict[str, Any]]:
    """Per outlet of a story's fact matrix (``FactMatrix.to_dict()``): how many
    of its facts no other outlet reports, the most salient of them, and how
    many rows it shares with at least one other outlet or conflicts on."""
    rows = matrix.get("rows", [])
    out = []
    for n, name in enumerate(matrix.get("columns", [])):
        mine = [r for r in rows if n < len(r.get("cells", [])) and r["cells"][n] is not None]
        alone = sorted((r for r in mine if r.get("reported_by", 0) == 1),
                       key=lambda r: tier({"kind": r.get("kind"), "text": r["cells"][n].get("text", "")}))
        out.append({"outlet": name, "only": len(alone), "shared": len(mine) - len(alone),
                    "conflicts": sum(bool(r.get("conflict")) for r in mine),
                    "top": [clip(" ".join(r["cells"][n].get("text", "").split()), QUOTE_CHARS) for r in alone[:limit]]})
    return out
