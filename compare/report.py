"""Report stage: ``Comparison`` -> JSON-ready dict, pandas DataFrames, text summary.

The dict layout is documented in docs/schema.md; outside tools read it, so
fields are only ever added, and ``schema_version`` changes when they are.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .links import links_dict
from .types import AnalysisWarning, Comparison, Document, Fact, FramingDifference, Highlight

SCHEMA_VERSION = "1.3"  # 1.1 added "warnings", 1.2 the "links" section, 1.3 "articles[].language"


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
            "b_spans": _spans(fact.b_spans), "reason": fact.reason, "confidence": round(fact.confidence, 3)}


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
        "framing": [framing_dict(f) for f in comparison.framing],
        "links": links_dict(comparison.links),
        "summary": summary(comparison),
        "config": meta.get("config", {}),
        "warnings": [warning_dict(w) for w in comparison.warnings],
    }


def to_json(comparison: Comparison, indent: int | None = 2) -> str:
    return json.dumps(to_dict(comparison), ensure_ascii=False, indent=indent)


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

def sentences_frame(comparison: Comparison):
    """One row per sentence of either article, with its status and counterparts."""
    import pandas as pd

    al = comparison.alignment
    partners: dict[tuple[int, int], list[str]] = {}
    for p in al.pairs:
        for i in p.a:
            partners.setdefault((0, i), []).extend(f"B{j}" for j in p.b)
        for j in p.b:
            partners.setdefault((1, j), []).extend(f"A{i}" for i in p.a)
    rows = []
    for side, (doc, status) in enumerate(((comparison.a, al.status_a), (comparison.b, al.status_b))):
        for s, st in zip(doc.sentences, status):
            rows.append({"article": "AB"[side], "index": s.index, "status": st, "start": s.start, "end": s.end,
                         "counterparts": ", ".join(partners.get((side, s.index), [])), "text": s.text})
    return pd.DataFrame(rows, columns=["article", "index", "status", "start", "end", "counterparts", "text"])


def alignments_frame(comparison: Comparison):
    """One row per aligned bead."""
    import pandas as pd

    a, b = comparison.a, comparison.b
    rows = [{"a": " ".join(map(str, p.a)), "b": " ".join(map(str, p.b)), "kind": p.kind, "score": p.score,
             "cosine": p.cosine, "text_a": " ".join(a.sentences[i].text for i in p.a),
             "text_b": " ".join(b.sentences[j].text for j in p.b)} for p in comparison.alignment.pairs]
    return pd.DataFrame(rows, columns=["a", "b", "kind", "score", "cosine", "text_a", "text_b"])


def facts_frame(comparison: Comparison):
    import pandas as pd

    rows = [fact_dict(f) for f in comparison.facts]
    return pd.DataFrame(rows, columns=["kind", "status", "text", "a_spans", "b_spans", "reason", "confidence"])


def framing_frame(comparison: Comparison):
    import pandas as pd

    rows = [framing_dict(f) for f in comparison.framing]
    return pd.DataFrame(rows, columns=["type", "a_text", "b_text", "a_spans", "b_spans", "referent",
                                       "convention_a", "convention_b", "explanation"])


# ---------------------------------------------------------------- plain text

def text_report(comparison: Comparison, width: int = 100) -> str:
    """A readable plain-text summary for the terminal."""
    a, b, al = comparison.a, comparison.b, comparison.alignment
    s = summary(comparison)

    def clip(text: str) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = [f"A: {a.article.title or a.article.id} ({a.article.source or 'unknown outlet'}, {a.article.date or 'no date'})",
             f"B: {b.article.title or b.article.id} ({b.article.source or 'unknown outlet'}, {b.article.date or 'no date'})",
             f"shared: {s['shared_share_a']:.0%} of A, {s['shared_share_b']:.0%} of B; "
             f"{s['equivalent_pairs']} equivalent and {s['related_pairs']} related alignments", ""]
    for p in al.pairs:
        lines.append(f"[{p.kind} {p.score:.2f}] A{list(p.a)} <-> B{list(p.b)}")
        lines += [f"   A: {clip(a.sentences[i].text)}" for i in p.a]
        lines += [f"   B: {clip(b.sentences[j].text)}" for j in p.b]
    for side, doc, status in (("A", a, al.status_a), ("B", b, al.status_b)):
        lines.append(f"\nonly in {side}:")
        lines += [f"   {side}{s_.index}: {clip(s_.text)}" for s_, st in zip(doc.sentences, status) if st == "unique"]
    if comparison.facts:
        lines.append("\nfacts:")
        lines += [f"   {f.status:8} {f.kind:7} {clip(f.text)} — {f.reason}" for f in comparison.facts if f.status != "shared"]
    if comparison.framing:
        lines.append("\nframing:")
        lines += [f"   {f.type}: {f.a_text or '—'} / {f.b_text or '—'}: {f.explanation}" for f in comparison.framing]
    if comparison.warnings:
        lines.append("\nwarnings (analysis steps that failed and were skipped):")
        lines += [f"   {w.line()}" for w in comparison.warnings]
    return "\n".join(lines)
