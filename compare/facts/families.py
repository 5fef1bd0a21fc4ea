"""Fact stage, fact families: numbers, quotes, entities, dates, events and claims, and the highlights.

Each family turns the units of both articles (``extract.Side``) and the
phrase verdicts (``phrases.Phrases``) into facts with a status (shared,
only in one, conflict), the spans on both sides and a one-line reason;
``match.py`` decides what counts as the same fact.
"""
from __future__ import annotations

import re

import numpy as np

from ..config import FactsConfig
from ..links.time import anchor, anchors_conflict, publication_date
from ..names import name_variant, plain
from ..caches import memo
from ..lexicon import FACT_ENTITY_LABELS, MEASURE_WORDS, POSSESSIVE
from ..types import Alignment, Fact, Highlight, Span
from .events import EventMatch
from .extract import Side
from .match import (counts_same, date_key, is_absolute_date, name_words, number_counterparts, quote_overlap, same_entity,
                    same_figure, same_referent, same_slot, same_speaker, same_word)
from .phrases import Phrases
from .salience import is_fragment
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
        # a figure of another value in u's slot in a matching sentence outweighs the same value elsewhere
        # counting nothing named ("the top 2 percent" / "the top 6 percent", and a bare "two" elsewhere)
        settled = any(counts_same(u, v) or same_slot(u, v) for v in same)
        rival = None if settled else conflicting_number(u, nums[1], phrases, alignment, cfg)
        same = [] if rival is not None else same
        if same:
            used_b.update(id(v) for v in same)
            facts.append(Fact("number", "shared", u.text, (Span(u.start, u.end),), tuple(Span(v.start, v.end) for v in same),
                              f"both give this figure (B: \u201c{same[0].text}\u201d)", 1.0))
        elif rival is not None:
            used_b.add(id(rival[0]))
            conflicts.append(Fact("number", "conflict", f"{u.text} / {rival[0].text}", (Span(u.start, u.end),),
                                  (Span(rival[0].start, rival[0].end),),
                                  f"{_slot_words(u)} in matching sentences, with different figures: "
                                  f"A \u201c{u.text}\u201d, B \u201c{rival[0].text}\u201d", rival[1]))
        else:
            facts.append(_only_number(u, 0))
    for v in nums[1]:
        if id(v) not in used_b and not number_counterparts(v, nums[0], cfg.number_tolerance):
            facts.append(_only_number(v, 1))
    return facts + conflicts, conflicts


def _slot_words(u: Unit) -> str:
    return f"both count {u.noun}" if u.noun else f"both give a figure after \u201c{u.preceding}\u201d"


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
        if not same_slot(u, v) or same_figure(u, v, cfg.number_tolerance) or \
                not _counterparts(alignment, phrases, u.sentence, v.sentence):
            continue
        if u.noun in MEASURE_WORDS and u.what != v.what:
            # "11 percent of Americans" / "20 percent of Republicans" (or of no one said): two shares of
            # different things, two polls; "45 percent Latino" / "52 percent Latino" may conflict
            continue
        # the same specific thing counted ("12 new schools" / "10 new schools") needs less of the rest to agree
        limit = cfg.conflict_max_unique_share_specific if len(u.what) >= 2 and u.what == v.what \
            else cfg.conflict_max_unique_share
        if _rest_unique_share(phrases[0].get(u.sentence), u) <= limit and \
                _rest_unique_share(phrases[1].get(v.sentence), v) <= limit:
            return v, round(float(alignment.similarity[u.sentence, v.sentence]), 3)
    return None


def _counterparts(alignment: Alignment, phrases, i: int, j: int) -> bool:
    """Sentence i of A and j of B are in one bead, or one is a counterpart the other was compared with."""
    if any(i in p.a and j in p.b for p in alignment.pairs):
        return True
    mine, theirs = phrases[0].get(i), phrases[1].get(j)
    return (mine is not None and j in mine.partners) or (theirs is not None and i in theirs.partners)


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
    """Quotes: shared (same words, same or unknown speaker), conflict
    (near-identical words, two named speakers, both the subject of the
    reporting verb) or only in one. Similar words from different speakers
    are two quotes."""
    facts, conflicts, used = [], [], set()
    for q in sides[0].quotes:
        match = max(sides[1].quotes, key=lambda r: quote_overlap(q.text, r.text), default=None)
        if match is None or not same_quote(q, match, cfg):
            facts.append(_only_quote(q, 0))
            continue
        used.add(id(match))
        spans = ((Span(q.start, q.end),), (Span(match.start, match.end),))
        if same_speaker(q.speaker, match.speaker):
            facts.append(Fact("quote", "shared", q.text, *spans, f"both quote this{_by(q.speaker or match.speaker)}", 0.9))
        elif q.label == match.label == "subject" and not _nested(q, sides[0]) and not _nested(match, sides[1]):
            # both persons named as the reporting verb's subject, neither quote inside another quote
            conflicts.append(Fact("quote", "conflict", q.text, *spans,
                                  f"A attributes this quote to {q.speaker}, B to {match.speaker} "
                                  f"({quote_overlap(q.text, match.text):.0%} of the words are the same)", 0.8))
        else:
            facts.append(Fact("quote", "shared", q.text, *spans,
                              f"both quote this (A names {q.speaker}, B {match.speaker}; one of them is not a "
                              f"person named as the speaker: a pronoun, a description or a nearby name)", 0.7))
    facts += [_only_quote(r, 1) for r in sides[1].quotes if id(r) not in used
              and not any(same_quote(q, r, cfg) for q in sides[0].quotes)]
    return facts + conflicts, conflicts


def _nested(q: Unit, side: Side) -> bool:
    """A quote inside another quote, or holding one ("He added, 'the war was not "a war of Obama's choosing."'"):
    whose words it is depends on nesting the speaker rules do not read."""
    return any((o.start, o.end) != (q.start, q.end) and (o.start <= q.start and q.end <= o.end
                                                          or q.start <= o.start and o.end <= q.end) for o in side.quotes)


def same_quote(q: Unit, r: Unit, cfg: FactsConfig) -> bool:
    """One quote in both reports: enough words in common, and near-identical
    words when the speakers differ."""
    overlap = quote_overlap(q.text, r.text)
    need = cfg.quote_min_overlap if same_speaker(q.speaker, r.speaker) else cfg.quote_conflict_min_overlap
    return overlap >= need


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
        group = next((g for g in groups if same_referent(g[0], m)), None)
        group.append(m) if group is not None else groups.append([m])
    return groups


def entity_facts(sides) -> list[Fact]:
    """Named referents: shared across spellings and forms, or named in one only."""
    groups = (referent_groups(sides[0]), referent_groups(sides[1]))
    facts, matched_b = [], set()
    for g in groups[0]:
        partner = next((h for h in groups[1] if any(same_referent(x, y) for x in g for y in h)), None)
        if partner is None:
            facts.append(_entity_fact(g, (), 0))
            continue
        matched_b.add(id(partner))
        facts.append(_entity_fact(g, partner, None))
    facts += [_entity_fact(h, (), 1) for h in groups[1] if id(h) not in matched_b]
    # "A never names Donetsk" must be true: not when A writes the name inside a
    # longer one ("Donetsk and Luhansk People's Republics"), in any spelling
    return [f for f in facts if f.status == "shared" or not named_in(f.text, sides[1 if f.status == "only_a" else 0])]


def named_in(name: str, side: Side) -> bool:
    """Every word of ``name`` is written (capitalised, in some spelling) in ``side``'s text."""
    words = name_words(name)
    by_initial = _capitalised_words(side.doc.article.text)
    return bool(words) and all(any(same_word(w, t) for t in by_initial.get(plain(w)[:1], ())) for w in words)


@memo(maxsize=256)
def _capitalised_words(text: str) -> dict[str, tuple[str, ...]]:
    """The text's capitalised words by the first letter of their folded form
    (spelling variants keep it: Luhansk/Lugansk, Kyiv/Kiev)."""
    out: dict[str, set[str]] = {}
    for w in re.findall(r"[A-Z][\w'\u2019-]+", text):
        w = POSSESSIVE.sub("", w)
        out.setdefault(plain(w)[:1], set()).add(w)
    return {k: tuple(v) for k, v in out.items()}


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


def date_facts(sides, phrases=None, alignment: Alignment | None = None,
               cfg: FactsConfig | None = None) -> tuple[list[Fact], list[Fact]]:
    """Absolute dates (with a digit, weekday or month), anchored to each
    article's date ("Tuesday" in reports a week apart are two days): shared,
    only in one, or in conflict (two different days for one claim: counterpart
    sentences that otherwise agree, each date missing from the other report)."""
    dates = [[u for u in s.of_kind("date") if is_absolute_date(u.text)] for s in sides]
    keys = [[date_anchor(u.text, s.doc.article.date) for u in ds] for s, ds in zip(sides, dates)]
    conflicts = _date_conflicts(sides, dates, keys, phrases, alignment, cfg) if alignment is not None else []
    in_conflict = {id(u) for f in conflicts for u in f[2:]}
    facts = []
    for side in (0, 1):
        for u, key in zip(dates[side], keys[side]):
            if id(u) in in_conflict:
                continue
            others = tuple(Span(v.start, v.end) for v, k in zip(dates[1 - side], keys[1 - side]) if k == key)
            if others and side == 1:
                continue  # reported once, from A's side
            mine = (Span(u.start, u.end),)
            a_spans, b_spans = (mine, others) if side == 0 else (others, mine)
            facts.append(Fact("date", "shared" if others else STATUS_ONLY[side], u.text, a_spans, b_spans,
                              "both give this date" if others else f"{SIDES[1 - side]} gives no such date", 0.8))
    found = [f[0] for f in conflicts]
    return facts + found, found


def date_anchor(text: str, published: str) -> str:
    """A date's ISO anchor relative to the article's date, else its words ("on Tuesday" ~ "Tuesday")."""
    return anchor(text, publication_date(published)) or date_key(text)


def _dates_differ(x: str, y: str) -> bool:
    """Two anchors name different times: both ISO and disagreeing, or both
    unanchored weekday/month words that differ."""
    if x[:1].isdigit() and y[:1].isdigit():
        return anchors_conflict(x, y)
    return not x[:1].isdigit() and not y[:1].isdigit() and x != y


def _date_verb(side: Side, u: Unit) -> str:
    """The verb a date unit belongs to ("voted on Tuesday" -> "vote"), or ""."""
    if not u.tokens:
        return ""
    token = side.doc.doc[u.tokens[-1]]
    return next((t.lemma_.lower() for t in (token, *token.ancestors) if t.pos_ in ("VERB", "AUX")), "")


def _word_before(side: Side, u: Unit) -> str:
    """The content word right before a date, past a preposition or article ("Cheney on Saturday"
    -> "cheney"), or ""."""
    doc, i = side.doc.doc, u.tokens[0] - 1
    while i >= 0 and u.tokens[0] - i <= 2 and (doc[i].is_stop or doc[i].is_punct):
        i -= 1
    return doc[i].lower_ if i >= 0 and doc[i].is_alpha and not doc[i].is_stop else ""


def _same_date_slot(sides, u: Unit, v: Unit) -> bool:
    """Two dates belong to one happening: the same verb or, where the parser reads two copies of
    one sentence differently ("document on Thursday didn't recite"), the same word before them."""
    if not u.tokens or not v.tokens:
        return True
    before = _word_before(sides[0], u)
    return _date_verb(sides[0], u) == _date_verb(sides[1], v) or bool(before) and before == _word_before(sides[1], v)


def _date_conflicts(sides, dates, keys, phrases, alignment: Alignment, cfg: FactsConfig) -> list[tuple]:
    """Two dates for one happening: same granularity (day and day, month and
    month), same verb, counterpart sentences that otherwise agree, each date
    missing from the other sentence. The same word anchored to two days
    ("Friday" in reports dated a week apart) is two dates, not a conflict:
    which Friday a report means is the uncertain part."""
    out, used = [], set()

    def in_sentence(side: int, sentence: int) -> set[str]:
        return {k for w, k in zip(dates[side], keys[side]) if w.sentence == sentence}

    for u, ku in zip(dates[0], keys[0]):
        for v, kv in zip(dates[1], keys[1]):
            if id(v) in used or not _dates_differ(ku, kv) or len(ku) != len(kv) or \
                    date_key(u.text) == date_key(v.text) or not _same_date_slot(sides, u, v):
                continue
            # the two sentences say the same thing, each with a date the other sentence lacks
            if not _counterparts(alignment, phrases, u.sentence, v.sentence) or ku in in_sentence(1, v.sentence) \
                    or kv in in_sentence(0, u.sentence):
                continue
            if max(_rest_unique_share(phrases[0].get(u.sentence), u),
                   _rest_unique_share(phrases[1].get(v.sentence), v)) > cfg.conflict_max_unique_share:
                continue
            used.add(id(v))
            fact = Fact("date", "conflict", f"{u.text} / {v.text}", (Span(u.start, u.end),), (Span(v.start, v.end),),
                        f"matching sentences give different dates: A \u201c{u.text}\u201d ({ku}), "
                        f"B \u201c{v.text}\u201d ({kv})", round(float(alignment.similarity[u.sentence, v.sentence]), 3))
            out.append((fact, ku, u, v))
            break
    return [(f, k, u, v) for f, k, u, v in out]


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
    quotes = [(q.start, q.end) for q in sides[side].quotes]
    out = []
    # at least two content words and a predicate with an argument (salience.is_fragment);
    # what one sentence adds is one claim, with a span per run
    runs = [(start, end, score) for start, end, weight, score in unique_runs(verdict)
            if weight >= 2.0 and not is_fragment(sides[side].doc.doc, start, end, quotes)]
    if runs:
        out.append(_claim(side, " \u2026 ".join(text[s:e] for s, e, _ in runs), tuple(Span(s, e) for s, e, _ in runs),
                          partner_spans, f"the matching sentence(s) of {SIDES[1 - side]} do not say this",
                          float(np.mean([sc for _, _, sc in runs]))))
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
    if verdict.chunks:  # the conflicts' spans that reach this sentence (a story's links bring hundreds)
        lo, hi = min(c.start for c in verdict.chunks), max(c.end for c in verdict.chunks)
        conflict_spans = [s for s in conflict_spans if s.start < hi and lo < s.end]
    runs: list[list] = []
    for chunk, unique, weight in zip(verdict.chunks, verdict.highlighted, verdict.weights):
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
