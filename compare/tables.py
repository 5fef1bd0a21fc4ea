"""Report stage (tables): a comparison dict (``report.to_dict``) -> the rows of every table the views show.

One builder per table, shared by the text report, the HTML report, the
dashboard and the pandas views: each returns ``list[dict]`` whose keys are
its ``*_COLUMNS``; DataFrames are made by the callers (report.py, dashboard).
Sentences are numbered for readers by ``labels.sentence_label`` only.
"""
from __future__ import annotations

import json
from typing import Any, Sequence

from .labels import SIDES, sentence_label

ALIGNMENT_COLUMNS = ["a", "b", "kind", "cosine", "score", "text_a", "text_b"]
SENTENCE_COLUMNS = ["label", "article", "index", "status", "start", "end", "counterparts", "text"]
FACT_COLUMNS = ["kind", "status", "text", "a_spans", "b_spans", "reason", "confidence", "text_a", "text_b"]
FRAMING_COLUMNS = ["type", "a_text", "b_text", "a_spans", "b_spans", "referent", "convention_a", "convention_b",
                   "explanation"]
FINDING_COLUMNS = ["finding", "kind", "status", "text", "text_a", "text_b", "spans_a", "spans_b", "explanation",
                   "confidence"]


def sentence_text(article: dict, index: int) -> str:
    s = article["sentences"][index]
    return article["text"][s["start"]:s["end"]]


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def quote(article: dict, spans: Sequence[Sequence[int]]) -> str:
    """The text of every span of ``article``, joined by `` | ``."""
    return " | ".join(article["text"][s:e] for s, e in spans)


def counterparts(data: dict) -> dict[tuple[int, int], list[dict]]:
    """(side, sentence index) -> aligned sentences of the other side:
    ``[{"index", "cosine", "score", "kind"}]``."""
    out: dict[tuple[int, int], list[dict]] = {}
    for pair in data.get("alignments", []):
        info = {"cosine": pair.get("cosine", 0.0), "score": pair.get("score", 0.0), "kind": pair.get("kind", "")}
        for i in pair["a"]:
            out.setdefault((0, i), []).extend({"index": j, **info} for j in pair["b"])
        for j in pair["b"]:
            out.setdefault((1, j), []).extend({"index": i, **info} for i in pair["a"])
    return out


# ---------------------------------------------------------------- sentences and alignment

def alignment_rows(data: dict) -> list[dict[str, Any]]:
    """One row per aligned bead, then one per sentence found in only one article
    (``kind`` "only in A"/"only in B", no cosine or score)."""
    a, b = data["articles"]
    rows = [{"a": ", ".join(sentence_label(0, i) for i in p["a"]), "b": ", ".join(sentence_label(1, j) for j in p["b"]),
             "kind": p["kind"], "cosine": p["cosine"], "score": p["score"],
             "text_a": " ".join(sentence_text(a, i) for i in p["a"]),
             "text_b": " ".join(sentence_text(b, j) for j in p["b"])} for p in data.get("alignments", [])]
    for side, article in enumerate((a, b)):
        for s in article["sentences"]:
            if s.get("status") == "unique":
                row = {"a": "", "b": "", "kind": f"only in {SIDES[side]}", "cosine": None, "score": None,
                       "text_a": "", "text_b": ""}
                row["ab"[side]], row[f"text_{'ab'[side]}"] = sentence_label(side, s["index"]), sentence_text(article, s["index"])
                rows.append(row)
    return rows


def sentence_rows(data: dict) -> list[dict[str, Any]]:
    """One row per sentence of either article (A first): its label, status,
    ``[start, end)`` and the labels of its aligned counterparts."""
    partners = counterparts(data)
    return [{"label": sentence_label(side, s["index"]), "article": SIDES[side], "index": s["index"],
             "status": s.get("status", ""), "start": s["start"], "end": s["end"],
             "counterparts": ", ".join(sentence_label(1 - side, p["index"]) for p in partners.get((side, s["index"]), [])),
             "text": sentence_text(article, s["index"])}
            for side, article in enumerate(data["articles"][:2]) for s in article["sentences"]]


# ---------------------------------------------------------------- findings

def fact_rows(data: dict) -> list[dict[str, Any]]:
    """One row per fact: its JSON fields and the quoted text of its spans in each article."""
    a, b = data["articles"]
    return [{**fact, "text_a": quote(a, fact.get("a_spans", [])), "text_b": quote(b, fact.get("b_spans", []))}
            for fact in data.get("facts", [])]


def framing_rows(data: dict) -> list[dict[str, Any]]:
    """One row per framing difference (its JSON fields)."""
    return [dict(item) for item in data.get("framing", [])]


def finding_rows(data: dict) -> list[dict[str, Any]]:
    """Facts and framing differences as one table (spans as JSON text, the quoted text of each fact's spans)."""
    rows = [{"finding": "fact", "kind": f.get("kind", ""), "status": f.get("status", ""), "text": f.get("text", ""),
             "text_a": f["text_a"], "text_b": f["text_b"], "spans_a": json.dumps(f.get("a_spans", [])),
             "spans_b": json.dumps(f.get("b_spans", [])), "explanation": f.get("reason", ""),
             "confidence": f.get("confidence", "")} for f in fact_rows(data)]
    rows += [{"finding": "framing", "kind": f.get("type", ""), "status": "framing", "text": f.get("referent", ""),
              "text_a": f.get("a_text", ""), "text_b": f.get("b_text", ""),
              "spans_a": json.dumps(f.get("a_spans", [])), "spans_b": json.dumps(f.get("b_spans", [])),
              "explanation": f.get("explanation", ""), "confidence": ""} for f in framing_rows(data)]
    return rows


def matrix_rows(matrix: dict) -> list[dict[str, Any]]:
    """The story's fact matrix (``FactMatrix.to_dict()``): one row per fact, numbered
    from 1, with per outlet (``matrix["columns"]``) the cell's text, spans
    ("start-end;...") and status ("" for an outlet that does not say it), in column order."""
    columns = list(matrix.get("columns", []))
    rows = []
    for n, row in enumerate(matrix.get("rows", []), start=1):
        cells = [{"text": "", "spans": "", "status": ""} if cell is None else
                 {"text": cell.get("text", ""), "status": cell.get("status", ""),
                  "spans": ";".join(f"{s[0]}-{s[1]}" for s in cell.get("spans", []))}
                 for _, cell in zip(columns, row.get("cells", []))]
        rows.append({"row": n, "kind": row.get("kind", ""), "reported_by": row.get("reported_by", 0),
                     "conflict": bool(row.get("conflict")), "text": row.get("text", ""), "cells": cells})
    return rows
