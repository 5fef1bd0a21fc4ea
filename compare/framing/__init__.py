"""Framing stage: naming variants, naming conventions, labels, qualifiers, hedges and report verbs.

Every finding names both choices and the convention or word class behind
them; none calls a spelling or a label wrong. One module per analysis:
``naming`` (over ``names.py``), ``labels`` (over the noun phrases of
``phrases``), ``hedges`` (hedges and report verbs), with the word-list helpers
of ``words`` over ``compare/lexicon.py`` and the shared builders of ``findings``.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from ..config import CompareConfig
from ..failsoft import Collector
from ..types import Alignment, Document, FramingDifference, Highlight
from .hedges import hedge_findings, hedges, report_verb_findings
from .labels import demonym_of, label_findings
from .naming import PROFILE_REFERENT, ConventionProfile, convention_profile, naming_findings
from .findings import sorted_spans
from .phrases import NounPhrase, noun_phrases
from .referents import referent_findings
from .words import families, is_qualifier

__all__ = ["analyse_framing", "highlights_of", "shown_once", "naming_findings", "label_findings", "hedge_findings",
           "report_verb_findings", "referent_findings", "convention_profile", "ConventionProfile", "PROFILE_REFERENT",
           "NounPhrase", "noun_phrases", "hedges", "is_qualifier", "families", "demonym_of"]


def highlights_of(findings: Iterable[FramingDifference]) -> tuple[Highlight, ...]:
    out = []
    for f in findings:
        note = f"{f.type.replace('_', ' ')}: {f.explanation}"
        for side, spans in ((0, f.a_spans), (1, f.b_spans)):
            out += [Highlight(side, s.start, s.end, "framing", note) for s in spans]
    return tuple(out)


def analyse_framing(a: Document, b: Document, alignment: Alignment, config: CompareConfig,
                    collector: Collector | None = None, links: Any = None
                    ) -> tuple[tuple[FramingDifference, ...], tuple[Highlight, ...]]:
    """Framing findings and their ``framing`` highlights.

    Naming variants (lexicon and detected), the naming-convention profile of
    each article, labels and qualifiers for shared referents, the words each
    article uses for the referents of ``links`` (the pair's ``Links``; none
    when the links stage is off), hedges, and report-verb choices on aligned
    content. An analysis that raises is left out and recorded in
    ``collector``; the others are still reported."""
    run, pair = (collector or Collector()).run, (a, b)
    verbs = run("framing.report_verbs", pair, lambda: report_verb_findings(a, b, alignment), [])
    hedge_list = run("framing.hedges", pair, lambda: hedge_findings(hedges(a), hedges(b), alignment), [])
    findings = (run("framing.naming", pair, lambda: naming_findings(a, b, alignment, config), [])
                + run("framing.labels", pair, lambda: label_findings(a, b, alignment, config), []))
    linked = run("framing.referents", pair,
                 lambda: referent_findings(a, b, links, config.framing, findings, alignment), [])
    findings = _without_one_sided(findings, linked) + linked
    hedge_list = _without_qualified(_without_verbs(hedge_list, verbs), findings)
    findings = shown_once(findings + hedge_list + verbs)
    return tuple(findings), run("framing.highlights", pair, lambda: highlights_of(findings), ())


def shown_once(findings: list[FramingDifference]) -> list[FramingDifference]:
    """One finding per explanation: a repeat (two clusters or phrase pairs
    that say the same) adds its spans to the first."""
    first: dict[tuple[str, str], int] = {}
    out: list[FramingDifference] = []
    for f in findings:
        key = (f.type, f.explanation)
        if key not in first:
            first[key] = len(out)
            out.append(f)
            continue
        kept = out[first[key]]
        out[first[key]] = replace(kept, a_spans=sorted_spans((s.start, s.end) for s in kept.a_spans + f.a_spans),
                                  b_spans=sorted_spans((s.start, s.end) for s in kept.b_spans + f.b_spans))
    return out


def _without_one_sided(findings: list[FramingDifference], linked: list[FramingDifference]
                       ) -> list[FramingDifference]:
    """A one-sided qualifier ("A calls them “the alleged collusion”; B ... never
    with “alleged”") gives way to the two-sided finding of the same linked
    referent, which also shows how B names it."""
    def covered(f: FramingDifference) -> bool:
        side = 0 if f.a_spans else 1
        mine = f.a_spans or f.b_spans
        words = {w.strip().lower() for w in (f.convention_a or f.convention_b).split(",")} - {""}
        for g in linked:
            theirs, conv = (g.a_spans, g.convention_a) if side == 0 else (g.b_spans, g.convention_b)
            if words and words <= {w.strip().lower() for w in conv.split(",")} and any(
                    s.overlaps(t) for s in mine for t in theirs):
                return True
        return False
    return [f for f in findings if f.type != "qualifier" or bool(f.a_spans) == bool(f.b_spans) or not covered(f)]


def _without_qualified(hedge_list: list[FramingDifference], findings: list[FramingDifference]
                       ) -> list[FramingDifference]:
    """An "alleged" or "so-called" already shown as a qualifier of a phrase
    ("the so-called republic" / "the republic") is not shown again as a hedge."""
    def shown(h: FramingDifference, side: int) -> bool:
        spans, text = (h.a_spans, h.a_text) if side == 0 else (h.b_spans, h.b_text)
        for f in findings:
            if f.type not in ("label", "qualifier"):
                continue
            words = [w.strip().lower() for w in (f.convention_a if side == 0 else f.convention_b).split(",")]
            theirs = f.a_spans if side == 0 else f.b_spans
            if any(w and w in text.lower() for w in words) and any(s.overlaps(t) for s in spans for t in theirs):
                return True
        return False
    return [h for h in hedge_list if not shown(h, 0) and not shown(h, 1)]


def _without_verbs(hedge_list: list[FramingDifference], verbs: list[FramingDifference]) -> list[FramingDifference]:
    """A "claimed" already shown as a report-verb choice is not shown again as a hedge."""
    starts_a = {s.start for f in verbs for s in f.a_spans}
    starts_b = {s.start for f in verbs for s in f.b_spans}
    return [h for h in hedge_list if not any(s.start in starts_a for s in h.a_spans)
            and not any(s.start in starts_b for s in h.b_spans)]
