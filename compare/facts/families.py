"""Fact stage, fact families: numbers, quotes, entities, dates, events and claims, and the highlights.

Each family turns the units of both articles (``extract.Side``) and the
phrase verdicts (``phrases.Phrases``) into facts with a status (shared,
only in one, conflict), the spans on both sides and a one-line reason;
``match.py`` decides what counts as the same fact.
"""
from __future__ import annotations

import numpy as np

from ..config import FactsConfig
from ..names import name_variant
from ..lexicon import FACT_ENTITY_LABELS
from ..types import Alignment, Fact, Highlight, Span
from .events import EventMatch
from .extract import Side
from .match import (date_key, is_absolute_date, number_counterparts, quote_overlap, same_entity, same_slot,
                    same_speaker)
from .phrases import Phrases
from .units import Unit

SIDES = ("A", "B")
STATUS_ONLY = ("only_a", "only_b")


def event_facts(sides, events: tuple[EventMatch, ...]) -> list[Fact]:
    """One shared fact per matched event, with both mentions' spans."""
    text = sides[0].doc.article.text
    return [Fact("event", "shared", text[m.a.start:m.a.end], (Span(m.a.start, m.a.end),),
                 (Span(m.b.start, m.b.end),),
                 f"both report this event in other words: A “{m.a.lemma}”, B “{m.b.lemma}” "
                 f"(word cosine {m.trigger_cosine:.2f}; both about {', '.join(m.shared_args)})",
                 m.trigger_cosine) for m in events]


# ---------------------------------------------------------------- numbers

def number_facts(sides, phrases, alignment: Alignment, cfg: FactsConfig) -> tuple[list[Fact], list[Fact]]:
    """Every number of A and B: shared (same value, compatible noun), in
    conflict (same slot in the same aligned claim, other value) or only in one."""
    nums = (sides[0].of_kind("number"), sides[1].of_kind("number"))
    facts, conflicts, used_b = [], [], set()
    for u in nums[0]:
        same = number_counterparts(u, nums[1], cfg.number_tolerance)
        rival = None if same else conflicting_number(u, nums[1], phrases, alignment, cfg)
        if same:
            used_b.update(id(v) for v in same)
            facts.append(Fact("number", "shared", u.text, (Span(u.start, u.end),), tuple(Span(v.start, v.end) for v in same),
                              f"both give this figure (B: \u201c{same[0].text}\u201d)", 1.0))
        elif rival is not None:
            used_b.add(id(rival[0]))
            conflicts.append(Fact("number", "conflict", f"{u.text} / {rival[0].text}", (Span(u.start, u.end),),
                                  (Span(rival[0].start, rival[0].end),),
                                  f"same count ({u.noun}, {u.verb}) in matching sentences, different figures: "
                                  f"A \u201c{u.text}\u201d, B \u201c{rival[0].text}\u201d", rival[1]))
        else:
            facts.append(_only_number(u, 0))
    for v in nums[1]:
        if id(v) not in used_b and not number_counterparts(v, nums[0], cfg.number_tolerance):
            facts.append(_only_number(v, 1))
    return facts + conflicts, conflicts


def _only_number(u: Unit, side: int) -> Fact:
    spans = (Span(u.start, u.end),)
    what = f" of {u.noun}" if u.noun else ""
    return Fact("number", STATUS_ONLY[side], u.text, spans if side == 0 else (), spans if side == 1 else (),
                f"{SIDES[1 - side]} gives no figure of {u.value:,.0f}{what}", 0.9)


def conflicting_number(u: Unit, others: list[Unit], phrases, alignment: Alignment,
                       cfg: FactsConfig) -> tuple[Unit, float] | None:
    """A number of B in ``u``'s slot, in a sentence aligned with ``u``'s, whose
    sentences otherwise agree; with a confidence (the sentences' cosine)."""
    for v in others:
        if not same_slot(u, v) or not _same_bead(alignment, u.sentence, v.sentence):
            continue
        if _rest_unique_share(phrases[0].get(u.sentence), u) <= cfg.conflict_max_unique_share and \
                _rest_unique_share(phrases[1].get(v.sentence), v) <= cfg.conflict_max_unique_share:
            return v, round(float(alignment.similarity[u.sentence, v.sentence]), 3)
    return None


def _same_bead(alignment: Alignment, i: int, j: int) -> bool:
    return any(i in p.a and j in p.b for p in alignment.pairs)


def _rest_unique_share(verdict: Phrases | None, number: Unit) -> float:
    """Share (by word weight) of the sentence's phrases outside ``number`` that are unique."""
    if verdict is None:
        return 1.0
    rest = [(w, u) for c, w, u in zip(verdict.chunks, verdict.weights, verdict.unique)
            if not (c.start < number.end and number.start < c.end)]
    total = sum(w for w, _ in rest)
    return sum(w for w, u in rest if u) / total if total else 1.0


# ---------------------------------------------------------------- quotes

def quote_facts(sides, cfg: FactsConfig) -> tuple[list[Fact], list[Fact]]:
    """Quotes: shared (same words, same or unknown speaker), conflict (same
    words, another speaker) or only in one."""
    facts, conflicts, used = [], [], set()
    for q in sides[0].quotes:
        match = max(sides[1].quotes, key=lambda r: quote_overlap(q.text, r.text), default=None)
        if match is None or quote_overlap(q.text, match.text) < cfg.quote_min_overlap:
            facts.append(_only_quote(q, 0))
            continue
        used.add(id(match))
        spans = ((Span(q.start, q.end),), (Span(match.start, match.end),))
        if same_speaker(q.speaker, match.speaker):
            facts.append(Fact("quote", "shared", q.text, *spans, f"both quote this{_by(q.speaker or match.speaker)}", 0.9))
        else:
            conflicts.append(Fact("quote", "conflict", q.text, *spans,
                                  f"A attributes this quote to {q.speaker}, B to {match.speaker}", 0.8))
    facts += [_only_quote(r, 1) for r in sides[1].quotes if id(r) not in used
              and all(quote_overlap(r.text, q.text) < cfg.quote_min_overlap for q in sides[0].quotes)]
    return facts + conflicts, conflicts


def _by(speaker: str) -> str:
    return f" (speaker: {speaker})" if speaker else ""


def _only_quote(q: Unit, side: int) -> Fact:
    spans = (Span(q.start, q.end),)
    return Fact("quote", STATUS_ONLY[side], q.text, spans if side == 0 else (), spans if side == 1 else (),
                f"only {SIDES[side]} quotes this{_by(q.speaker)}", 0.9)


# ---------------------------------------------------------------- entities and dates

def referent_groups(side: Side) -> list[list[Unit]]:
    """Mentions of one article grouped by referent (longest mention first)."""
    mentions = sorted((u for u in side.of_kind("entity") if u.label in FACT_ENTITY_LABELS),
                      key=lambda u: -len(u.text))
    groups: list[list[Unit]] = []
    for m in mentions:
        group = next((g for g in groups if same_entity(g[0].text, m.text)), None)
        group.append(m) if group is not None else groups.append([m])
    return groups


def entity_facts(sides) -> list[Fact]:
    """Named referents: shared across spellings and forms, or named in one only."""
    groups = (referent_groups(sides[0]), referent_groups(sides[1]))
    facts, matched_b = [], set()
    for g in groups[0]:
        partner = next((h for h in groups[1] if any(same_entity(x.text, y.text) for x in g for y in h)), None)
        if partner is None:
            facts.append(_entity_fact(g, (), 0))
            continue
        matched_b.add(id(partner))
        facts.append(_entity_fact(g, partner, None))
    facts += [_entity_fact(h, (), 1) for h in groups[1] if id(h) not in matched_b]
    return facts


def _entity_fact(group_a, group_b, only: int | None) -> Fact:
    if only is not None:
        mentions = group_a
        spans = _spans(mentions)
        return Fact("entity", STATUS_ONLY[only], mentions[0].text, spans if only == 0 else (),
                    spans if only == 1 else (), f"{SIDES[1 - only]} never names {mentions[0].text}", 0.9)
    x, y = group_a[0].text, group_b[0].text
    variant = name_variant(x, y)
    how = (f"spelled \u201c{x}\u201d in A and \u201c{y}\u201d in B" if variant is not None and variant.kind not in
           ("identical", "diacritics_spacing") else f"A \u201c{x}\u201d, B \u201c{y}\u201d" if x != y else x)
    return Fact("entity", "shared", x, _spans(group_a),
                _spans(group_b), f"named in both ({how})", 1.0)


def _spans(units) -> tuple[Span, ...]:
    return tuple(Span(s, e) for s, e in sorted({(u.start, u.end) for u in units}))


def date_facts(sides) -> list[Fact]:
    """Absolute dates (with a digit, weekday or month): shared or only in one."""
    dates = [[u for u in s.of_kind("date") if is_absolute_date(u.text)] for s in sides]
    keys = [{date_key(u.text) for u in ds} for ds in dates]
    facts = []
    for side in (0, 1):
        for u in dates[side]:
            shared = date_key(u.text) in keys[1 - side]
            if shared and side == 1:
                continue  # reported once, from A's side
            others = tuple(Span(v.start, v.end) for v in dates[1 - side] if date_key(v.text) == date_key(u.text))
            mine = (Span(u.start, u.end),)
            a_spans, b_spans = (mine, others) if side == 0 else (others, mine)
            facts.append(Fact("date", "shared" if shared else STATUS_ONLY[side], u.text, a_spans, b_spans,
                              "both give this date" if shared else f"{SIDES[1 - side]} gives no such date", 0.8))
    return facts


# ---------------------------------------------------------------- claims

def claim_facts(sides, phrases, alignment: Alignment) -> list[Fact]:
    """Claims: whole sentences with no counterpart, phrases an aligned
    sentence adds, and aligned sentences that mostly agree."""
    facts = []
    for side in (0, 1):
        sim = alignment.similarity if side == 0 else alignment.similarity.T
        for sentence in sides[side].doc.sentences:
            verdict = phrases[side].get(sentence.index)
            if verdict is None:
                best = float(sim[sentence.index].max()) if sim.shape[1] else 0.0
                facts.append(_claim(side, sentence.text, (Span(sentence.start, sentence.end),), (),
                                    f"no sentence of {SIDES[1 - side]} says this (closest cosine {best:.2f})",
                                    1.0 - max(best, 0.0)))
                continue
            facts += _phrase_claims(sides, side, sentence.index, verdict, sim)
    return facts


def _phrase_claims(sides, side: int, i: int, verdict: Phrases, sim: np.ndarray) -> list[Fact]:
    other = sides[1 - side].doc.sentences
    partner_spans = tuple(Span(other[j].start, other[j].end) for j in verdict.partners)
    text = sides[side].doc.article.text
    out = []
    for start, end, weight, score in unique_runs(verdict):
        if weight >= 2.0:  # at least two content words: a claim, not a stray word
            out.append(_claim(side, text[start:end], (Span(start, end),), partner_spans,
                              f"the matching sentence(s) of {SIDES[1 - side]} do not say this", score))
    total = sum(verdict.weights) or 1.0
    shared = sum(w for w, u in zip(verdict.weights, verdict.unique) if not u) / total
    if side == 0 and shared >= 0.5:
        sentence = sides[0].doc.sentences[i]
        cos = max(float(sim[i, j]) for j in verdict.partners)
        out.append(Fact("claim", "shared", sentence.text, (Span(sentence.start, sentence.end),), partner_spans,
                        f"{shared:.0%} of this sentence is said in B (cosine {cos:.2f})", round(shared, 3)))
    return out


def _claim(side: int, text: str, mine: tuple[Span, ...], theirs: tuple[Span, ...], reason: str,
           confidence: float) -> Fact:
    a_spans, b_spans = (mine, theirs) if side == 0 else (theirs, mine)
    return Fact("claim", STATUS_ONLY[side], text, a_spans, b_spans, reason, round(min(max(confidence, 0.0), 1.0), 3))


def unique_runs(verdict: Phrases) -> list[tuple[int, int, float, float]]:
    """Maximal runs of unique phrases: (start, end, content weight, mean score).
    Punctuation-only phrases (weight 0) do not break a run."""
    runs: list[list] = []
    last_unique = False
    for chunk, unique, weight, score in zip(verdict.chunks, verdict.unique, verdict.weights, verdict.scores):
        if weight == 0:
            continue
        if unique and last_unique:
            runs[-1][1], runs[-1][2] = chunk.end, runs[-1][2] + weight
            runs[-1][3].append(score)
        elif unique:
            runs.append([chunk.start, chunk.end, weight, [score]])
        last_unique = unique
    return [(s, e, w, float(np.nanmean(sc))) for s, e, w, sc in runs]


# ---------------------------------------------------------------- highlights

def build_highlights(sides, phrases, conflicts: list[Fact]) -> tuple[Highlight, ...]:
    """Phrase-level highlights: unaligned sentences unique as a whole, aligned
    ones as runs of shared/unique phrases, conflicting figures and quotes as ``conflict``."""
    out: list[Highlight] = []
    for side in (0, 1):
        conflict_spans = [s for f in conflicts for s in (f.a_spans if side == 0 else f.b_spans)]
        for sentence in sides[side].doc.sentences:
            verdict = phrases[side].get(sentence.index)
            if verdict is None:
                out.append(Highlight(side, sentence.start, sentence.end, "unique",
                                     f"no counterpart sentence in {SIDES[1 - side]}"))
            else:
                out += _sentence_highlights(side, verdict, conflict_spans)
        out += [Highlight(side, s.start, s.end, "conflict", f.reason) for f in conflicts
                for s in (f.a_spans if side == 0 else f.b_spans)]
    return tuple(out)


def _sentence_highlights(side: int, verdict: Phrases, conflict_spans: list[Span]) -> list[Highlight]:
    """Merge consecutive phrases of one status; punctuation joins the run before it."""
    runs: list[list] = []
    for chunk, unique, weight in zip(verdict.chunks, verdict.unique, verdict.weights):
        if any(chunk.start < s.end and s.start < chunk.end for s in conflict_spans):
            status = "conflict"  # drawn by its own highlight
        elif weight == 0 and runs:
            status = runs[-1][2]
        else:
            status = "unique" if unique else "shared"
        if runs and runs[-1][2] == status:
            runs[-1][1] = chunk.end
        else:
            runs.append([chunk.start, chunk.end, status])
    note = f"not in the matching sentence(s) of {SIDES[1 - side]}"
    return [Highlight(side, s, e, st, note if st == "unique" else "") for s, e, st in runs if st != "conflict"]
