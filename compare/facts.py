"""Fact stage: shared, only-in-one and conflicting facts below the sentence.

Flow: extract units per sentence (``units.py``) -> score each phrase of an
aligned sentence against its counterpart sentences (``facts_score.py``) ->
phrase-level highlights -> facts (numbers, quotes, entities, dates, claims)
with a status, the spans on both sides and a one-line reason
(``facts_match.py`` decides what counts as the same fact).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from .config import CompareConfig, FactsConfig
from .caches import per_parse
from .encoders import Embedder, supports_tokens
from .failsoft import Collector
from .events import EventMatch, Mention, candidate_pairs, lemma_vectors, match_events, mentions, needed_lemmas
from .facts_match import (name_words, number_counterparts, quote_overlap, same_entity, same_slot, same_speaker,
                          same_word)
from .facts_score import (TokenVectors, anchored_support, configured_floor, contextual_support,
                          counterpart_sentences, isolate_tokens, lexical_support, phrase_scores,
                          sentence_token_vectors, smooth_clauses, word_weights)
from .lexicon import FACT_ENTITY_LABELS, MONTH_NAMES, WEEKDAYS
from .names import name_variant
from .types import Alignment, Document, Fact, Highlight, Span
from .units import DocIndex, Unit, quote_units, units_of_span

log = logging.getLogger(__name__)

SIDES = ("A", "B")
STATUS_ONLY = ("only_a", "only_b")


@dataclass(frozen=True)
class Side:
    """One article with its units, grouped by sentence."""

    doc: Document
    units: tuple[tuple[Unit, ...], ...]  # per sentence
    quotes: tuple[Unit, ...]
    mentions: tuple[Mention, ...] = ()  # common nouns with their arguments (events.py)

    def of_kind(self, kind: str) -> list[Unit]:
        return [u for sentence in self.units for u in sentence if u.kind == kind]


@dataclass(frozen=True)
class Phrases:
    """Phrase verdicts of one aligned sentence."""

    chunks: tuple[Unit, ...]
    scores: tuple[float, ...]
    unique: tuple[bool, ...]
    weights: tuple[float, ...]  # content weight of each chunk
    partners: tuple[int, ...]  # counterpart sentences in the other article


def analyse_facts(a: Document, b: Document, alignment: Alignment, config: CompareConfig,
                  embedder: Embedder, collector: Collector | None = None
                  ) -> tuple[tuple[Fact, ...], tuple[Highlight, ...]]:
    """Facts of both articles with their status, and phrase-level highlights
    (``shared``/``unique``/``conflict``) that replace the sentence-level ones.
    Without a spaCy parse there are no units: no facts, no highlights.
    A sentence or a fact family whose analysis raises is left out and
    recorded in ``collector`` (no highlights at all if highlighting fails)."""
    if a.doc is None or b.doc is None:
        return (), ()
    cfg, run, pair = config.facts, (collector or Collector()).run, (a, b)
    sides = (extract(a, collector), extract(b, collector))
    events = run("events", pair, lambda: event_matches(sides, cfg, embedder), ())
    verdicts = run("facts.phrases", pair, lambda: phrase_verdicts(sides, alignment, config, embedder, collector),
                   ({}, {}))
    phrases = run("events", pair, lambda: with_events(sides, verdicts, events, cfg), verdicts)
    numbers, conflicts = run("facts.numbers", pair, lambda: number_facts(sides, phrases, alignment, cfg), ([], []))
    quotes, quote_conflicts = run("facts.quotes", pair, lambda: quote_facts(sides, cfg), ([], []))
    facts = (numbers + quotes + run("facts.entities", pair, lambda: entity_facts(sides), [])
             + run("facts.dates", pair, lambda: date_facts(sides), [])
             + run("events", pair, lambda: event_facts(sides, events), [])
             + run("facts.claims", pair, lambda: claim_facts(sides, phrases, alignment), []))
    highlights = run("facts.highlights", pair, lambda: build_highlights(sides, phrases, conflicts + quote_conflicts),
                     ())
    order = {"conflict": 0, "only_a": 1, "only_b": 2, "shared": 3}
    facts.sort(key=lambda f: (order[f.status], (f.a_spans or f.b_spans)[0].start if (f.a_spans or f.b_spans) else 0))
    return tuple(facts), highlights


def warm_token_vectors(docs: list[Document], config: CompareConfig, embedder: Embedder) -> None:
    """Encode the token vectors of every sentence of ``docs`` in one batched
    call, so that a batch of comparisons finds them in the embedder's cache.
    A batch should call this once after ``prepare_documents``: per-pair calls
    of a few sentences each cost ~10x more encoder time than one batch."""
    if config.facts.enabled and config.facts.use_token_vectors and supports_tokens(embedder):
        embedder.encode_tokens([s.text for d in docs for s in d.sentences])  # type: ignore[attr-defined]


def extract(doc: Document, collector: Collector | None = None) -> Side:
    """All units of an article, sentence by sentence, its quotes and its noun
    mentions (computed once per parsed article: ``article_units``). A
    sentence whose units cannot be read has none; ``collector`` says why."""
    units, quotes, mentions_, warnings = article_units(doc)
    if collector is not None:
        collector.extend(warnings)
    return Side(doc, units, quotes, mentions_)


@per_parse()
def article_units(doc: Document) -> tuple[tuple, tuple[Unit, ...], tuple[Mention, ...], tuple]:
    """(units per sentence, quotes, noun mentions, warnings of what failed)
    of a parsed article."""
    collector = Collector()
    index = DocIndex.of(doc.doc)
    units = tuple(collector.run("facts.units", doc, lambda s=s: units_of_span(doc.doc, s.start, s.end, s.index, index),
                                (), s) for s in doc.sentences)
    sentence_of = {c: s.index for s in doc.sentences for c in range(s.start, s.end)}
    token_sentence = {t.i: sentence_of[t.idx] for t in doc.doc if t.idx in sentence_of}
    quotes = collector.run("facts.quotes", doc, lambda: quote_units(doc.doc, sentence_of, index.ents), ())
    nouns = collector.run("events", doc, lambda: mentions(doc.doc, token_sentence), ())
    return units, quotes, nouns, collector.warnings


# ---------------------------------------------------------------- phrases

def phrase_verdicts(sides: tuple[Side, Side], alignment: Alignment, config: CompareConfig,
                    embedder: Embedder, collector: Collector | None = None
                    ) -> tuple[dict[int, Phrases], dict[int, Phrases]]:
    """Per side, per aligned sentence: each phrase's difference score and
    verdict; a sentence whose scoring raises gets none (see ``collector``)."""
    cfg = config.facts
    contexts = tuple(counterpart_sentences(alignment, side, cfg.counterpart_top_k, configured_floor(config))
                     for side in (0, 1))
    vectors: tuple[dict[int, TokenVectors], ...] = ({}, {})
    if cfg.use_token_vectors:
        needed = ({i for i in contexts[0]} | {j for js in contexts[1].values() for j in js},
                  {j for j in contexts[1]} | {i for js in contexts[0].values() for i in js})
        vectors = tuple(sentence_token_vectors(sides[n].doc, needed[n], embedder) for n in (0, 1))
    out: tuple[dict[int, Phrases], dict[int, Phrases]] = ({}, {})
    run = (collector or Collector()).run
    for side in (0, 1):
        said = said_elsewhere(sides[side], sides[1 - side], cfg)
        for i, partners in contexts[side].items():
            verdict = run("facts.phrases", sides[side].doc, lambda: sentence_phrases(
                sides, side, i, partners, vectors, said, cfg), None, sides[side].doc.sentences[i])
            if verdict is not None:
                out[side][i] = verdict
    return out


def said_elsewhere(mine: Side, other: Side, cfg: FactsConfig) -> dict[Unit, bool]:
    """For each number, named entity and absolute date of ``mine``: does the
    other article say it anywhere (same value, same referent, same date)?"""
    numbers, dates = other.of_kind("number"), {_date_key(u.text) for u in other.of_kind("date")}
    names = [u.text for u in other.of_kind("entity") if u.label in FACT_ENTITY_LABELS]
    words = {w for name in names for w in name_words(name)}
    vocabulary = {t.lower_ for t in other.doc.doc if t.is_alpha}
    out: dict[Unit, bool] = {}
    for unit in mine.of_kind("number"):
        out[unit] = bool(number_counterparts(unit, numbers, cfg.number_tolerance))
    for unit in mine.of_kind("entity"):
        if unit.label in FACT_ENTITY_LABELS:  # a one-word name may sit inside a longer one ("Luhansk People's Republic")
            out[unit] = any(same_entity(unit.text, name) for name in names) or (
                len(name_words(unit.text)) == 1 and any(same_word(unit.text, w) for w in words)) or (
                _mostly_in(name_words(unit.text), vocabulary))
    for unit in mine.of_kind("date"):
        if _absolute(unit.text):
            out[unit] = _date_key(unit.text) in dates
    return out


def _mostly_in(words: tuple[str, ...], vocabulary: set[str]) -> bool:
    """Most words of a long name occur in the other text, whatever the
    parser made of them there (title-case headlines yield odd entities)."""
    return len(words) > 1 and sum(w.lower() in vocabulary for w in words) * 2 >= len(words)


def sentence_phrases(sides, side: int, i: int, partners: tuple[int, ...], vectors, said: dict[Unit, bool],
                     cfg: FactsConfig) -> Phrases:
    """Score the phrases of sentence ``i`` of ``side`` against ``partners``."""
    mine, other = sides[side], sides[1 - side]
    units = mine.units[i]
    chunks = [u for u in units if u.kind == "chunk"]
    token_ids = [t for c in chunks for t in c.tokens]
    tokens = [mine.doc.doc[t] for t in token_ids]
    if i in vectors[side] and all(j in vectors[1 - side] for j in partners):
        support = contextual_support([(t.idx, t.idx + len(t)) for t in tokens], vectors[side][i],
                                     [vectors[1 - side][j] for j in partners])
        threshold = cfg.unique_threshold
    else:
        keys = {k for j in partners for t in _sentence_tokens(other, j) for k in (t.lemma_.lower(), t.lower_)}
        support, threshold = lexical_support(tokens, keys), cfg.lexical_unique_threshold
    difference = dict(zip(token_ids, (1.0 - support).tolist()))
    facing = {(u.kind, u.label) for j in partners for u in other.units[j]}
    # A figure facing another figure (a name facing a name of its type) is a
    # counterpart with another value, a conflict candidate: not anchored as
    # "only in this article"; its cosine decides.
    said = {u: v for u, v in said.items() if v or (u.kind, u.label) not in facing}
    anchored = anchored_support(mine.doc.doc, list(units), said, cfg.anchor_missing_name_words)
    difference.update({k: 1.0 - v for k, v in anchored.items()})
    chunks = isolate_tokens(chunks, mine.doc.doc, {k for k, v in anchored.items()
                                                   if v == 0.0 and mine.doc.doc[k].like_num})
    weights = dict(zip(token_ids, word_weights(tokens, cfg.stop_weight).tolist()))
    scores = phrase_scores(chunks, difference, weights)
    unique = [not np.isnan(s) and s >= threshold for s in scores]
    unique = smooth_clauses(chunks, unique, [u for u in units if u.kind == "clause"], cfg.clause_unique_share, weights)
    return Phrases(tuple(chunks), tuple(scores), tuple(unique),
                   tuple(sum(weights[t] for t in c.tokens) for c in chunks), partners)


def _sentence_tokens(side: Side, j: int):
    sentence = side.doc.sentences[j]
    span = side.doc.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    return list(span) if span is not None else []


# ---------------------------------------------------------------- events

def event_matches(sides: tuple[Side, Side], cfg: FactsConfig, embedder: Embedder) -> tuple[EventMatch, ...]:
    """Noun mentions of A and B that name one event in other words (events.py)."""
    if cfg.event_min_shared_args <= 0:
        return ()
    a, b = sides[0].mentions, sides[1].mentions
    pairs = candidate_pairs(a, b, cfg.event_min_shared_args)
    vectors = lemma_vectors(needed_lemmas(a, b, pairs), embedder)
    return match_events(a, b, pairs, vectors, cfg.event_min_cosine)


def with_events(sides, phrases, events: tuple[EventMatch, ...], cfg: FactsConfig):
    """Phrase verdicts where the phrases of a matched event mention are
    shared, with the other mention's sentence as a partner. A sentence
    without a counterpart sentence gets a verdict of its own: unique but
    for its event mentions."""
    out = (dict(phrases[0]), dict(phrases[1]))
    for match in events:
        for side, mine, theirs in ((0, match.a, match.b), (1, match.b, match.a)):
            verdict = out[side].get(mine.sentence) or whole_unique(sides[side], mine.sentence, cfg)
            out[side][mine.sentence] = shared_mention(verdict, mine, theirs.sentence)
    return out


def whole_unique(side: Side, i: int, cfg: FactsConfig) -> Phrases:
    """Verdict of a sentence with no counterpart: every phrase unique."""
    chunks = tuple(u for u in side.units[i] if u.kind == "chunk")
    doc = side.doc.doc
    weights = tuple(float(word_weights([doc[t] for t in c.tokens], cfg.stop_weight).sum()) for c in chunks)
    return Phrases(chunks, tuple(1.0 for _ in chunks), tuple(True for _ in chunks), weights, ())


def shared_mention(verdict: Phrases, mention: Mention, partner: int) -> Phrases:
    """``verdict`` with the phrases mostly inside ``mention`` shared and ``partner`` added."""
    inside = set(mention.tokens)
    hit = [len(inside.intersection(c.tokens)) * 2 >= len(c.tokens) > 0 for c in verdict.chunks]
    return Phrases(verdict.chunks, tuple(0.0 if h else s for h, s in zip(hit, verdict.scores)),
                   tuple(u and not h for u, h in zip(verdict.unique, hit)), verdict.weights,
                   tuple(sorted(set(verdict.partners) | {partner})))


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

def entity_groups(side: Side) -> list[list[Unit]]:
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
    groups = (entity_groups(sides[0]), entity_groups(sides[1]))
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
    dates = [[u for u in s.of_kind("date") if _absolute(u.text)] for s in sides]
    keys = [{_date_key(u.text) for u in ds} for ds in dates]
    facts = []
    for side in (0, 1):
        for u in dates[side]:
            shared = _date_key(u.text) in keys[1 - side]
            if shared and side == 1:
                continue  # reported once, from A's side
            others = tuple(Span(v.start, v.end) for v in dates[1 - side] if _date_key(v.text) == _date_key(u.text))
            mine = (Span(u.start, u.end),)
            a_spans, b_spans = (mine, others) if side == 0 else (others, mine)
            facts.append(Fact("date", "shared" if shared else STATUS_ONLY[side], u.text, a_spans, b_spans,
                              "both give this date" if shared else f"{SIDES[1 - side]} gives no such date", 0.8))
    return facts


# Words that make a date absolute: weekdays and month abbreviations ("Tuesday", "Feb").
_CALENDAR = WEEKDAYS + tuple(m[:3] for m in MONTH_NAMES)


def _absolute(text: str) -> bool:
    low = text.lower()
    return any(ch.isdigit() for ch in low) or any(w in low for w in _CALENDAR)


def _date_key(text: str) -> str:
    words = [w.strip(".,").lower() for w in text.split()]
    return " ".join(w for w in words if w not in ("on", "the", "in", "of", "last", "this"))


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
