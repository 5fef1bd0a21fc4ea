"""Report stage: ``Comparison`` -> JSON-ready dict, pandas DataFrames, text summary.

The dict layout is documented in docs/schema.md; outside tools read it, so
fields are only ever added, and ``schema_version`` changes when they are.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from . import tables
from .labels import language_label, warning_line
from . import summary as reader_summary
from .summary import STATUS_WORDS, coverage_line
from .tables import clip
from .facts.salience import key_differences
from .json_text import indented_json
from .links import links_dict
from .types import AnalysisWarning, Comparison, Document, Fact, FramingDifference, Highlight

SCHEMA_VERSION = "1.3"  # 1.1 "warnings", 1.2 "links", 1.3 "articles[].language", "referents", "key_differences", facts[].salience


def _spans(spans) -> list[list[int]]:
    return [s.to_list() for s in spans]


def article_dict(doc: Document, status: tuple[str, ...]) -> dict[str, Any]:
    art = doc.article
    return {
        "id": art.id, "source": art.source, "title": art.title, "date": art.date, "url": art.url,
        "language": dict(art.extra).get("language", ""),
        "text": art.text, "warnings": list(art.warnings),
        "sentences": [{"index": s.index, "start": s.start, "end": s.end, "status": st}
                      for s, st in zip(doc.sentences, status)],
    }


def fact_dict(fact: Fact) -> dict[str, Any]:
    return {"kind": fact.kind, "status": fact.status, "text": fact.text, "a_spans": _spans(fact.a_spans),
            "b_spans": _spans(fact.b_spans), "reason": fact.reason, "confidence": round(fact.confidence, 3),
            "salience": round(fact.salience, 3)}


def key_differences_dict(facts) -> dict[str, Any]:
    """The ranked key differences (facts/salience.py): facts as in ``facts[]``."""
    return {name: [fact_dict(f) for f in chosen] for name, chosen in key_differences(facts).items()}


def framing_dict(item: FramingDifference) -> dict[str, Any]:
    out = asdict(item)
    out["a_spans"], out["b_spans"] = _spans(item.a_spans), _spans(item.b_spans)
    return out


def highlight_dict(h: Highlight) -> dict[str, Any]:
    out = {"article": h.article, "start": h.start, "end": h.end, "status": h.status}
    if h.note:
        out["note"] = h.note
    return out


def warning_dict(w: AnalysisWarning) -> dict[str, Any]:
    return {"stage": w.stage, "article": w.article, "sentence": w.sentence, "text": w.text,
            "span": [w.start, w.end], "error": w.error}


def referents_dict(table: Any) -> dict[str, Any]:
    """The ``referents`` section (docs/schema.md): one row per linked referent,
    one column per article; empty when the links stage is off."""
    return table.to_dict() if table is not None else {"columns": [], "rows": []}


def to_dict(comparison: Comparison) -> dict[str, Any]:
    """The documented JSON form of a comparison (docs/schema.md)."""
    al = comparison.alignment
    meta = dict(comparison.meta)
    return {
        "schema_version": SCHEMA_VERSION,
        "model": meta.get("model", ""),
        "articles": [article_dict(comparison.a, al.status_a), article_dict(comparison.b, al.status_b)],
        "alignments": [{"a": list(p.a), "b": list(p.b), "score": p.score, "cosine": p.cosine, "kind": p.kind}
                       for p in al.pairs],
        "highlights": [highlight_dict(h) for h in comparison.highlights],
        "facts": [fact_dict(f) for f in comparison.facts],
        "key_differences": key_differences_dict(comparison.facts),
        "framing": [framing_dict(f) for f in comparison.framing],
        "links": links_dict(comparison.links),
        "referents": referents_dict(comparison.referents),
        "summary": summary(comparison),
        "config": meta.get("config", {}),
        "warnings": [warning_dict(w) for w in comparison.warnings],
    }


def to_json(comparison: Comparison, indent: int | None = 2) -> str:
    data = to_dict(comparison)
    return indented_json(data) if indent == 2 else json.dumps(data, ensure_ascii=False, indent=indent)


def shared_share(doc: Document, status: tuple[str, ...]) -> float:
    """Share of an article's sentence characters that are in shared sentences."""
    total = sum(s.end - s.start for s in doc.sentences) or 1
    return sum(s.end - s.start for s, st in zip(doc.sentences, status) if st == "shared") / total


def summary(comparison: Comparison) -> dict[str, Any]:
    al = comparison.alignment
    counts: dict[str, int] = {}
    for fact in comparison.facts:
        counts[f"facts_{fact.status}"] = counts.get(f"facts_{fact.status}", 0) + 1
    out: dict[str, Any] = {
        "sentences_a": len(comparison.a.sentences), "sentences_b": len(comparison.b.sentences),
        "shared_share_a": round(shared_share(comparison.a, al.status_a), 4),
        "shared_share_b": round(shared_share(comparison.b, al.status_b), 4),
        "equivalent_pairs": sum(p.kind == "equivalent" for p in al.pairs),
        "related_pairs": sum(p.kind == "related" for p in al.pairs),
        "unique_sentences_a": al.status_a.count("unique"), "unique_sentences_b": al.status_b.count("unique"),
        "framing_differences": len(comparison.framing),
    }
    for status in ("shared", "only_a", "only_b", "conflict"):
        out[f"facts_{status}"] = counts.get(f"facts_{status}", 0)
    return out


# ---------------------------------------------------------------- DataFrames (edges only)

def table_frame(rows: list[dict], columns: list[str]):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def sentences_frame(comparison: Comparison):
    """One row per sentence of either article, with its status and counterparts."""
    return table_frame(tables.sentence_rows(to_dict(comparison)), tables.SENTENCE_COLUMNS)


def alignments_frame(comparison: Comparison):
    """One row per aligned bead, then one per sentence found in only one article."""
    return table_frame(tables.alignment_rows(to_dict(comparison)), tables.ALIGNMENT_COLUMNS)


def facts_frame(comparison: Comparison):
    """One row per fact, with the quoted text of its spans."""
    return table_frame(tables.fact_rows(to_dict(comparison)), tables.FACT_COLUMNS)


def framing_frame(comparison: Comparison):
    return table_frame(tables.framing_rows(to_dict(comparison)), tables.FRAMING_COLUMNS)


# ---------------------------------------------------------------- plain text

def article_line(side: str, article: dict) -> str:
    language = article.get("language")
    return (f"{side}: {article['title'] or article['id']} ({article['source'] or 'unknown outlet'}, "
            f"{article['date'] or 'no date'}{'; ' + language_label(language) if language else ''})")


def text_report(comparison: Comparison, width: int = 100) -> str:
    """A readable plain-text summary for the terminal: the alignment table, then findings and warnings."""
    data = to_dict(comparison)
    s = data["summary"]
    lines = [article_line("A", data["articles"][0]), article_line("B", data["articles"][1]),
             f"shared: {s['shared_share_a']:.0%} of A, {s['shared_share_b']:.0%} of B; "
             f"{s['equivalent_pairs']} equivalent and {s['related_pairs']} related alignments",
             f"coverage: {coverage_line(data)}"]
    keys = reader_summary.key_differences(data)
    if keys:  # what differs first, as on the dashboard and the HTML report
        lines.append("key differences:")
        lines += [f"   {STATUS_WORDS[k['status']]:9} {k['label']:>4} “{k['quote']}” ({k['kind']})"
                  for k in sorted(keys, key=lambda k: list(STATUS_WORDS).index(k["status"]))]
    lines.append("")
    rows = tables.alignment_rows(data)
    for row in (r for r in rows if r["score"] is not None):
        lines += [f"[{row['kind']} {row['score']:.2f}] {row['a']} <-> {row['b']}",
                  f"   A: {clip(row['text_a'], width)}", f"   B: {clip(row['text_b'], width)}"]
    for side in ("A", "B"):
        lines.append(f"\nonly in {side}:")
        lines += [f"   {row[side.lower()]}: {clip(row['text_' + side.lower()], width)}"
                  for row in rows if row["kind"] == f"only in {side}"]
    if comparison.facts:
        lines.append("\nfacts:")
        lines += [f"   {f['status']:8} {f['kind']:7} {clip(f['text'], width)} — {f['reason']}"
                  for f in tables.fact_rows(data) if f["status"] != "shared"]
    if comparison.framing:
        lines.append("\nframing:")
        lines += [f"   {f['type']}: {f['a_text'] or '—'} / {f['b_text'] or '—'}: {f['explanation']}"
                  for f in tables.framing_rows(data)]
    if comparison.warnings:
        lines.append("\nwarnings (analysis steps that failed and were skipped):")
        lines += [f"   {warning_line(w)}" for w in comparison.warnings]
    return "\n".join(lines)
