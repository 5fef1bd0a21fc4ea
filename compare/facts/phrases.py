"""Fact stage, phrase verdicts: which phrases of an aligned sentence the other article says.

Per aligned sentence: its counterpart sentences, each phrase's difference
score (``score.py``) with numbers, names and dates anchored by value
(``match.py``), and the phrases of nouns that name one event in other words
(``events.py``) marked as shared.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..config import CompareConfig, FactsConfig
from ..encoders import Embedder
from ..failsoft import Collector
from ..lexicon import FACT_ENTITY_LABELS
from ..links.mentions import title_case as title_cased  # one headline test for facts and links
from ..types import Alignment
from .events import EventMatch, Mention, candidate_pairs, lemma_vectors, match_events, needed_lemmas
from .extract import Side
from .match import date_key, is_absolute_date, name_words, nouns_compatible, number_counterparts, same_entity, same_word
from .score import (SentenceTokenVectors, anchored_support, configured_floor, contextual_support,
                    counterpart_sentences, isolate_tokens, lexical_support, nearest_sentences, phrase_scores,
                    phrase_support, sentence_token_vectors, smooth_clauses, word_weights)
from .units import Unit, grammatical_slot


@dataclass(frozen=True)
class Phrases:
    """Phrase verdicts of one aligned sentence."""

    chunks: tuple[Unit, ...]
    scores: tuple[float, ...]
    unique: tuple[bool, ...]
    weights: tuple[float, ...]  # content weight of each chunk
    partners: tuple[int, ...]  # counterpart sentences in the other article
    # a sentence in no bead, judged against its nearest sentence: its verdict
    # shapes the highlights only; facts still read it as said nowhere
    orphan: bool = False
    # the highlights' verdict per chunk (phrases paired one to one are said,
    # ``highlight_unique_threshold``); empty: ``unique``. Facts read ``unique``.
    shown: tuple[bool, ...] = ()

    @property
    def highlighted(self) -> tuple[bool, ...]:
        """Per chunk: drawn as unique."""
        return self.shown or self.unique


def phrase_verdicts(sides: tuple[Side, Side], alignment: Alignment, config: CompareConfig,
                    embedder: Embedder, collector: Collector | None = None,
                    linked: tuple[dict[int, set[int]], dict[int, set[int]]] = ({}, {})
                    ) -> tuple[dict[int, Phrases], dict[int, Phrases]]:
    """Per side, per aligned or linked sentence: each phrase's difference
    score and verdict; a sentence whose scoring raises gets none (see
    ``collector``). ``linked``: per side, sentences the links pair with
    other sentences (``linked.partners_of``), counterparts besides the aligner's.
    Sentences in no bead get an ``orphan`` verdict against their nearest
    sentence (``orphan_counterpart_cosine``); ``judged`` leaves them out."""
    cfg = config.facts
    contexts = tuple(with_linked(counterpart_sentences(alignment, side, cfg.counterpart_top_k, configured_floor(config)),
                                 linked[side]) for side in (0, 1))
    # sentences the aligner and the links leave alone: judged word by word against their nearest sentence
    orphans = tuple(nearest_sentences(alignment, side, cfg.counterpart_top_k, cfg.orphan_counterpart_cosine,
                                      contexts[side]) for side in (0, 1))
    contexts = tuple({**contexts[side], **orphans[side]} for side in (0, 1))
    vectors: tuple[dict[int, SentenceTokenVectors], ...] = ({}, {})
    if cfg.use_token_vectors:
        needed = ({i for i in contexts[0]} | {j for js in contexts[1].values() for j in js},
                  {j for j in contexts[1]} | {i for js in contexts[0].values() for i in js})
        vectors = tuple(sentence_token_vectors(sides[n].doc, needed[n], embedder) for n in (0, 1))
    out: tuple[dict[int, Phrases], dict[int, Phrases]] = ({}, {})
    run = (collector or Collector()).run
    said = tuple(said_elsewhere(sides[side], sides[1 - side], cfg) for side in (0, 1))
    for side in (0, 1):
        for i, partners in contexts[side].items():
            verdict = run("facts.phrases", sides[side].doc, lambda: sentence_phrases(
                sides, side, i, partners, vectors, said, cfg), None, sides[side].doc.sentences[i])
            if verdict is not None:
                out[side][i] = replace(verdict, orphan=i in orphans[side])
    return out


def judged(verdicts):
    """The verdicts of sentences with counterparts (no ``orphan`` ones): what facts read."""
    return tuple({i: v for i, v in side.items() if not v.orphan} for side in verdicts)


def with_orphans(phrases, verdicts):
    """``phrases`` with the ``orphan`` verdicts of ``verdicts`` for sentences it lacks: what highlights read."""
    return tuple({**{i: v for i, v in every.items() if v.orphan}, **mine} for mine, every in zip(phrases, verdicts))


def with_linked(contexts: dict[int, tuple[int, ...]], linked: dict[int, set[int]]) -> dict[int, tuple[int, ...]]:
    """Counterpart sentences with the linked ones added (a sentence in no bead gets its linked ones)."""
    out = dict(contexts)
    for i, js in linked.items():
        out[i] = tuple(sorted(set(out.get(i, ())) | js))
    return out


def said_elsewhere(mine: Side, other: Side, cfg: FactsConfig) -> dict[Unit, bool]:
    """For each number, named entity and absolute date of ``mine``: does the
    other article say it anywhere (same value, same referent, same date)?"""
    numbers, dates = other.of_kind("number"), {date_key(u.text) for u in other.of_kind("date")}
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
        if is_absolute_date(unit.text):
            out[unit] = date_key(unit.text) in dates
    return out


def _mostly_in(words: tuple[str, ...], vocabulary: set[str]) -> bool:
    """Every word of a long name occurs in the other text, whatever the
    parser made of them there (title-case headlines yield odd entities).
    Half the words was too loose: "Russian Foreign Ministry" was "said" by a
    report with "Russian" and "foreign states" in it."""
    return len(words) > 1 and all(w.lower() in vocabulary for w in words)


def sentence_phrases(sides, side: int, i: int, partners: tuple[int, ...], vectors,
                     said_by_side: tuple[dict[Unit, bool], dict[Unit, bool]], cfg: FactsConfig) -> Phrases:
    """Score the phrases of sentence ``i`` of ``side`` against ``partners``.
    ``said_by_side``: per side, ``said_elsewhere`` of its names, figures and dates."""
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
    faced = [v for j in partners for v in other.units[j]]
    said = facing_said(mine.doc.doc, other.doc.doc, units, faced, said_by_side[side], said_by_side[1 - side], cfg)
    # in title case ("Keita Wins Mali Presidential Election") capitals mark no names: the recogniser's
    # "names" there are runs of words, and a missing one is left to its cosine
    name_words_anchored = 0 if title_cased(tokens) else cfg.anchor_missing_name_words
    anchored = anchored_support(mine.doc.doc, list(units), said, name_words_anchored)
    difference.update({k: 1.0 - v for k, v in anchored.items()})
    lone_figures = frozenset(k for k, v in anchored.items() if v == 0.0 and mine.doc.doc[k].like_num)
    chunks = isolate_tokens(chunks, mine.doc.doc, lone_figures)
    weights = dict(zip(token_ids, word_weights(tokens, cfg.stop_weight).tolist()))
    scores = phrase_scores(chunks, difference, weights)
    clauses = [u for u in units if u.kind == "clause"]
    unique = smooth_clauses(chunks, [not np.isnan(s) and s >= threshold for s in scores], clauses,
                            cfg.clause_unique_share, weights, lone_figures)
    shown: tuple[bool, ...] = ()
    if cfg.mutual_phrase_support <= 1 and partners and i in vectors[side]:
        # highlights: a lower threshold, with phrases paired one to one said
        low = [not np.isnan(s) and s >= cfg.highlight_unique_threshold for s in scores]
        shown = tuple(smooth_clauses(chunks, low, clauses, cfg.clause_unique_share, weights, lone_figures))
        if any(shown):  # pairing only takes highlights away: none drawn, nothing to pair (saves its cost)
            paired = paired_phrases(sides, side, i, partners, chunks, vectors, weights,
                                    closed_words(anchored, said_by_side[side], cfg), cfg)
            low = [u and n not in paired for n, u in enumerate(low)]
            shown = tuple(smooth_clauses(chunks, low, clauses, cfg.clause_unique_share, weights, lone_figures,
                                         frozenset(paired)))
    return Phrases(tuple(chunks), tuple(scores), tuple(unique),
                   tuple(sum(weights[t] for t in c.tokens) for c in chunks), partners, shown=shown)


def paired_phrases(sides, side: int, i: int, partners, chunks: list[Unit], vectors, weights: dict[int, float],
                   closed: frozenset[int], cfg: FactsConfig) -> set[int]:
    """Indices of ``chunks`` (content phrases holding none of ``closed``)
    that a phrase of a counterpart sentence says in other words
    (``mutual_pairs``: "topple" / "storm", "militants" / "gunmen")."""
    doc, other = sides[side].doc.doc, sides[1 - side].doc.doc
    content = [n for n, c in enumerate(chunks) if sum(weights[t] for t in c.tokens) > 0.5
               and not closed.intersection(c.tokens)]
    if not content or i not in vectors[side]:
        return set()
    mine = vectors[side][i]
    # per counterpart sentence: its phrases holding a content word, and their words' weights
    theirs: list[tuple[SentenceTokenVectors, list[Unit], dict[int, float]]] = []
    for j in partners:
        if j not in vectors[1 - side]:
            continue
        phrases = [c for c in sides[1 - side].units[j] if c.kind == "chunk"]
        their_weights = {t: w for c in phrases
                         for t, w in zip(c.tokens, word_weights([other[t] for t in c.tokens], cfg.stop_weight).tolist())}
        phrases = [c for c in phrases if max((their_weights[t] for t in c.tokens), default=0.0) == 1.0]
        if phrases:
            theirs.append((vectors[1 - side][j], phrases, their_weights))
    if not theirs:
        return set()
    forward = phrase_matrix(doc, [chunks[n] for n in content], weights, mine,
                            [(v, c) for v, phrases, _ in theirs for c in phrases])
    # each counterpart sentence's phrases against mine, in one call per sentence
    backward = np.concatenate([phrase_matrix(other, phrases, their_weights, v, [(mine, chunks[n]) for n in content])
                               for v, phrases, their_weights in theirs], axis=0).T
    return {content[row] for row in mutual_pairs((forward + backward) / 2, cfg.mutual_phrase_support)}


def mutual_pairs(support: np.ndarray, floor: float) -> list[int]:
    """Rows of a (mine, theirs) phrase support matrix whose best column has
    them as its best row, with support at least ``floor``: competitive
    linking, one-to-one, as iSTS aligners pair chunks."""
    if not support.size:
        return []
    best_col, best_row = support.argmax(axis=1), support.argmax(axis=0)
    return [r for r in range(len(support)) if support[r, best_col[r]] >= floor and best_row[best_col[r]] == r]


def phrase_matrix(doc, chunks: list[Unit], weights: dict[int, float], mine: SentenceTokenVectors,
                  theirs: list[tuple[SentenceTokenVectors, Unit]]) -> np.ndarray:
    """Support of each of ``chunks`` (rows: ``phrase_support`` of its words,
    weighted by ``weights``) against each phrase of ``theirs`` alone
    (columns). Shape (len(chunks), len(theirs))."""
    token_ids = [t for c in chunks for t in c.tokens]
    words = phrase_support([(doc[t].idx, doc[t].idx + len(doc[t])) for t in token_ids], mine,
                           [(v, (c.start, c.end)) for v, c in theirs])
    row_of = dict(zip(token_ids, range(len(token_ids))))
    out = np.zeros((len(chunks), len(theirs)), dtype=np.float32)
    for r, c in enumerate(chunks):
        w = np.array([weights[t] for t in c.tokens], dtype=np.float32)
        if w.sum():
            out[r] = (w[:, None] * words[[row_of[t] for t in c.tokens]]).sum(axis=0) / w.sum()
    return out


def closed_words(anchored: dict[int, float], said: dict[Unit, bool], cfg: FactsConfig) -> frozenset[int]:
    """Tokens a paired phrase may not make said: those anchored as said
    nowhere (figures, dates, long names), and the words of names of at least
    ``anchor_missing_name_words`` words the other article never gives, even
    facing a name of their type ("the Russian Foreign Ministry")."""
    return frozenset(k for k, v in anchored.items() if v == 0.0) | frozenset(
        t for u, v in said.items() if not v and u.kind == "entity" and cfg.anchor_missing_name_words
        and len(u.text.split()) >= cfg.anchor_missing_name_words for t in u.tokens)


def facing_said(doc, other_doc, units, faced: list[Unit], said: dict[Unit, bool], said_there: dict[Unit, bool],
                cfg: FactsConfig) -> dict[Unit, bool]:
    """Which names, figures and dates of ``units`` to anchor, and how
    (``anchored_support``): ``said`` (``said_elsewhere``) where nothing in the
    counterpart sentences (units ``faced``) is another value of their slot. A
    figure facing another figure (a name facing a name of its type) is a
    counterpart with another value, a conflict candidate: not anchored as
    "only in this article"; its cosine decides. ``said_there``: the other
    article's ``said_elsewhere``."""
    facing = {(u.kind, u.label) for u in faced}
    facing_numbers = [v for v in faced if v.kind == "number"]
    out = {u: v or cfg.figure_faces_figure and u.kind == "number" and any(nouns_compatible(u, x) for x in facing_numbers)
           for u, v in said.items() if v or (u.kind, u.label) not in facing or u.kind == "number"}
    if cfg.slot_faces_slot:
        out.update(dict.fromkeys(facing_in_slot(doc, units, other_doc, faced, said, said_there), True))
    return out


def facing_in_slot(doc, units, other_doc, facing: list[Unit], said: dict[Unit, bool],
                   said_there: dict[Unit, bool]) -> list[Unit]:
    """Names and figures of ``units`` the other article never gives that face,
    in the same grammatical slot of a counterpart sentence, a name of their
    type or a figure the first article never gives either ("clash with police
    in Tunisia" / "in Belfast", "kill 6 soldiers" / "kill nine people"):
    another value of one slot, a candidate conflict, not a fact of one report."""
    def open_(u: Unit, table: dict[Unit, bool]) -> bool:
        return u.kind in ("entity", "number") and u in table and not table[u]
    slots = {}
    for v in facing:
        if open_(v, said_there):
            slots.setdefault(grammatical_slot(other_doc, v), set()).add((v.kind, v.label if v.kind == "entity" else ""))
    return [u for u in units if open_(u, said) and (u.kind, u.label if u.kind == "entity" else "")
            in slots.get(grammatical_slot(doc, u), ())]


def _sentence_tokens(side: Side, j: int):
    sentence = side.doc.sentences[j]
    span = side.doc.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    return list(span) if span is not None else []


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
                   tuple(sorted(set(verdict.partners) | {partner})),
                   shown=tuple(u and not h for u, h in zip(verdict.shown, hit)))

