"""Fact stage, events: one happening named with other words in each report.

Two reports often tell the same event in words that share nothing a token
or sentence cosine can see: "a conflict between government forces and
Moscow-backed separatists" in one, "years of fighting in Ukraine's war-torn
east" in the other, in sentences about other things (cosine 0.29). Event
coreference work links such mentions by two pieces of evidence together
(e.g. Lee et al. 2012, "Joint entity and event coreference resolution across
documents"): similar trigger words and shared arguments. Here:

- a **mention** is a common noun that is not part of a name, with its phrase
  (the noun's subtree without nested clauses) and its **arguments**: the
  content lemmas of that phrase, plus, when the noun sits in a relative
  clause, those of the noun phrase the clause describes ("east Ukraine,
  where a conflict ..." gives the conflict the arguments east and Ukraine);
- two mentions, one per article, are **the same event** when their trigger
  lemmas differ, the encoder puts the lemmas close (cosine of the words
  encoded on their own), and they share at least ``min_shared_args``
  argument lemmas. Same-lemma mentions are left to the token scores, which
  already see them.

Everything here is pure except ``lemma_vectors``, which makes one
batched encoder call for the few lemmas of candidate pairs.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc, Token

from ..encoders import Embedder

# A noun inside one of these (headed by a verb) is not part of the phrase.
NESTED_CLAUSE_DEPS = frozenset({"relcl", "acl", "ccomp", "advcl", "conj", "parataxis", "xcomp", "csubj"})
ARGUMENT_POS = frozenset({"NOUN", "PROPN", "ADJ"})
NAME_MARK = "@"  # prefix of a name's argument key


@dataclass(frozen=True)
class Mention:
    """A noun of one article with its phrase and argument lemmas."""

    sentence: int
    trigger: int  # token index of the noun
    lemma: str
    tokens: tuple[int, ...]  # token indices of its phrase, sorted
    start: int
    end: int
    args: frozenset[str]


@dataclass(frozen=True)
class EventMatch:
    """Mention ``a`` of article A and ``b`` of article B name one event."""

    a: Mention
    b: Mention
    trigger_cosine: float
    shared_args: tuple[str, ...]


def is_argument(token: Token) -> bool:
    return token.pos_ in ARGUMENT_POS and not token.is_stop and token.is_alpha and len(token.text) > 1


def argument_key(token: Token) -> str:
    """A name counts as one argument whatever its length ("White House",
    "Chick-fil-A"), by its lower-cased text; other words by their lemma."""
    if token.ent_type_:
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if ent is not None:
            return NAME_MARK + ent.text.lower().removeprefix("the ")
    if token.text[:1].isupper() and (token.pos_ == "PROPN" or not token.is_sent_start):
        return NAME_MARK + name_run(token).lower()
    return token.lemma_.lower()


def name_run(token: Token) -> str:
    """The run of proper nouns (joined by hyphens) around ``token``: "Chick-fil-A"."""
    doc, lo, hi = token.doc, token.i, token.i

    def part(i: int) -> bool:  # a name's piece or a hyphen inside it, outside any entity
        return 0 <= i < len(doc) and not doc[i].ent_type_ and (
            doc[i].text[:1].isupper() or (doc[i].text == "-" and not doc[i].whitespace_) or
            (not doc[i - 1].whitespace_ and doc[i - 1].text == "-"))

    while part(lo - 1):
        lo -= 1
    while part(hi + 1):
        hi += 1
    return doc[lo:hi + 1].text


def shown(key: str) -> str:
    """An argument key as a reader sees it: names title-cased, words as they are."""
    return key[len(NAME_MARK):].title() if key.startswith(NAME_MARK) else key


def names(args: frozenset[str]) -> set[str]:
    return {a for a in args if a.startswith(NAME_MARK)}


def noun_phrase(token: Token) -> list[int]:
    """Token indices of ``token``'s subtree without nested verbal clauses."""
    out, stack = [token.i], list(token.children)
    while stack:
        child = stack.pop()
        if child.dep_ in NESTED_CLAUSE_DEPS and child.pos_ in ("VERB", "AUX"):
            continue
        out.append(child.i)
        stack.extend(child.children)
    return sorted(out)


def clause_head(token: Token) -> Token:
    """The verb (or root) governing ``token``."""
    node = token.head
    while node.head.i != node.i and node.pos_ not in ("VERB", "AUX"):
        node = node.head
    return node


def antecedent_args(token: Token) -> set[str]:
    """Argument lemmas of the noun phrase that the relative clause holding
    ``token`` describes ("east Ukraine, where a conflict ..."); empty otherwise."""
    head = clause_head(token)
    if head.dep_ != "relcl":
        return set()
    inside = {t.i for t in head.subtree}
    return {argument_key(t) for t in head.head.subtree if t.i not in inside and is_argument(t)}


def mentions(doc: Doc, sentence_of_token: dict[int, int]) -> tuple[Mention, ...]:
    """Every common noun outside a name, with its phrase and arguments.
    ``sentence_of_token`` maps token index -> sentence index (tokens outside
    the article's sentences are skipped)."""
    out = []
    for token in doc:
        if token.pos_ != "NOUN" or token.is_stop or token.ent_type_ or token.i not in sentence_of_token:
            continue
        ids = noun_phrase(token)
        args = {argument_key(doc[i]) for i in ids if i != token.i and is_argument(doc[i])}
        args |= antecedent_args(token)
        args.discard(token.lemma_.lower())
        span = doc[ids[0]:ids[-1] + 1]
        out.append(Mention(sentence_of_token[token.i], token.i, token.lemma_.lower(), tuple(ids),
                           span.start_char, span.end_char, frozenset(args)))
    return tuple(out)


def candidate_pairs(a: tuple[Mention, ...], b: tuple[Mention, ...], min_shared: int) -> list[tuple[int, int]]:
    """Index pairs of mentions with different lemmas and enough shared
    arguments, whose names (if both have some) are not disjoint: "Obama's
    health care plan" is not "McCain's proposal to tax health care plans".
    Pairs are found through an index of B's arguments, not by trying all."""
    by_arg: dict[str, list[int]] = {}
    for j, y in enumerate(b):
        for key in y.args:
            by_arg.setdefault(key, []).append(j)
    out = []
    for i, x in enumerate(a):
        counts = Counter(j for key in x.args for j in by_arg.get(key, ()))
        out += [(i, j) for j, n in sorted(counts.items()) if n >= min_shared and x.lemma != b[j].lemma
                and not disjoint_names(x.args, b[j].args)]
    return out


def disjoint_names(x: frozenset[str], y: frozenset[str]) -> bool:
    nx, ny = names(x), names(y)
    return bool(nx and ny and not nx & ny)


def lemma_vectors(lemmas: list[str], embedder: Embedder) -> dict[str, np.ndarray]:
    """Unit vector of each lemma encoded on its own (one batched call)."""
    if not lemmas:
        return {}
    return dict(zip(lemmas, embedder.encode(lemmas)))


def match_events(a: tuple[Mention, ...], b: tuple[Mention, ...], pairs: list[tuple[int, int]],
                 vectors: dict[str, np.ndarray], min_cosine: float) -> tuple[EventMatch, ...]:
    """Among candidate ``pairs`` (``candidate_pairs``), those naming one event:
    trigger lemmas with a cosine of at least ``min_cosine``. A mention keeps
    only its best partner (highest trigger cosine)."""
    best: dict[int, EventMatch] = {}
    for i, j in pairs:
        x, y = a[i], b[j]
        cosine = float(vectors[x.lemma] @ vectors[y.lemma])
        if cosine >= min_cosine and (i not in best or cosine > best[i].trigger_cosine):
            best[i] = EventMatch(x, y, round(cosine, 3), tuple(shown(k) for k in sorted(x.args & y.args)))
    taken: dict[int, EventMatch] = {}
    for match in sorted(best.values(), key=lambda m: -m.trigger_cosine):
        taken.setdefault(match.b.trigger, match)
    return tuple(sorted(taken.values(), key=lambda m: (m.a.start, m.b.start)))


def needed_lemmas(a: tuple[Mention, ...], b: tuple[Mention, ...], pairs: list[tuple[int, int]]) -> list[str]:
    """The lemmas whose vectors ``match_events`` will read, in a stable order."""
    return sorted({a[i].lemma for i, _ in pairs} | {b[j].lemma for _, j in pairs})
