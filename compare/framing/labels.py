"""Framing stage, labels and qualifiers: one referent named with different words in the two articles.

Two noun phrases name the same referent when they share a named anchor, fill
the same slot of the same verb in similar sentences, or share a label family.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .. import names
from ..caches import memo
from ..config import CompareConfig, FramingConfig
from ..lexicon import NEUTRAL_MODIFIERS
from ..types import Alignment, Document, FramingDifference
from .findings import aligned_sentence_pairs, as_written, framing_difference, quote
from .naming import EntityMention, entity_mentions
from .phrases import NounPhrase, noun_phrases
from .words import families, family_of_word, is_qualifier


@memo(maxsize=65536)
def _norm(words: frozenset[str]) -> frozenset[str]:
    """Words compared across spellings (Luhansk = Lugansk)."""
    return frozenset(names.fold(w) for w in words)


def _qualifiers(words: Iterable[str]) -> list[str]:
    return sorted(w for w in words if is_qualifier(w))


@dataclass(frozen=True)
class LabelPair:
    a: NounPhrase
    b: NounPhrase
    score: float
    referent: str


def same_name(x: str, y: str) -> bool:
    """One name, possibly shortened: "Obama" / "Barack Obama", "Lugansk" / "Luhansk"."""
    wx, wy = x.split(), y.split()
    short, long_ = (wx, wy) if len(wx) <= len(wy) else (wy, wx)
    if len(short) < len(long_):
        return len(short) == 1 and names.name_variant(short[0], long_[-1]) is not None
    return names.name_variant(x, y) is not None


def _shared_anchor(x: NounPhrase, y: NounPhrase) -> str:
    """The names both phrases contain, e.g. "Donetsk, Luhansk/Lugansk" ("" if none)."""
    shared = []
    for ax in x.anchors:
        ay = next((ay for ay in y.anchors if same_name(ax, ay)), None)
        if ay is not None:
            shared.append(ax if names.plain(ax) == names.plain(ay) else f"{ax}/{ay}")
    return ", ".join(shared)


def _relevant(x: NounPhrase, y: NounPhrase) -> tuple[frozenset[str], frozenset[str]] | None:
    """Words only in A and only in B, or None when the difference is not a
    framing choice (identical wording, or only names differ)."""
    nx, ny = _norm(x.words), _norm(y.words)
    if names.fold(x.head) in _norm(y.words - y.core) or names.fold(y.head) in _norm(x.words - x.core):
        return None  # "the regions" / "the parliaments of the regions": not one referent
    only_a = frozenset(w for w in x.core if names.fold(w) not in ny)
    only_b = frozenset(w for w in y.core if names.fold(w) not in nx)
    anchors = {w.lower() for a in x.anchors + y.anchors for w in a.split()}
    if not (only_a | only_b) - anchors:
        return None
    heads_differ = names.fold(x.head) != names.fold(y.head)
    marked = _qualifiers(only_a | only_b) or families(only_a | only_b)
    return (only_a, only_b) if heads_differ or marked else None


def pair_score(x: NounPhrase, y: NounPhrase, similarity: float, aligned: bool,
               config: FramingConfig) -> tuple[float, str]:
    """Evidence that two noun phrases name the same referent, and a name for it."""
    anchor = _shared_anchor(x, y)
    if x.anchors and y.anchors and not anchor:
        return 0.0, ""  # "the Trump administration" / "the Obama administration"
    same_head = names.fold(x.head) == names.fold(y.head)
    fam = _label_families(x) & _label_families(y)
    head_fam = families([x.head]) & families([y.head])
    score = 0.0
    if anchor and (same_head or head_fam):
        score += 3.0
    if x.slot == y.slot and x.slot[0] and (same_head or head_fam) and (
            aligned or similarity >= config.slot_min_similarity):
        score += 2.0
    if fam and similarity >= config.family_min_similarity:
        score += 1.0
    if same_head and aligned:
        score += 1.0
    if score == 0.0:
        return 0.0, ""
    role = {"nsubj": "subject", "nsubjpass": "subject", "attr": "complement"}.get(x.slot[0], "object")
    referent = anchor or (f"the {role} of {quote(x.slot[1])}" if x.slot == y.slot and x.slot[0]
                          else "/".join(sorted(fam)) or x.head)
    # Prefer the most marked phrase of a referent ("Moscow-backed separatists"
    # over "the separatists") when several could pair.
    marked = min(1.0, 0.5 * len(_qualifiers(x.core | y.core)))
    return score + similarity + marked + (1.0 if aligned else 0.0), referent


def _corefer_keys(np: NounPhrase) -> list[tuple]:
    """Keys of the cheap test before scoring: two phrases may name one referent
    (any evidence of ``pair_score`` may hold) when they share a key: the same
    verb slot, the same head (folded), a head family when both have names, or
    a label family of head or "of" phrase."""
    keys: list[tuple] = [("slot", np.slot)] if np.slot[0] else []
    keys.append(("head", names.fold(np.head)))
    if np.anchors:
        keys += [("anchored head family", f) for f in families([np.head])]
    return keys + [("family", f) for f in _label_families(np)]


def _may_corefer_index(nps: list[NounPhrase]) -> dict[tuple, list[int]]:
    """Key of ``_corefer_keys`` -> indexes of the phrases that have it."""
    index: dict[tuple, list[int]] = {}
    for n, np in enumerate(nps):
        for key in _corefer_keys(np):
            index.setdefault(key, []).append(n)
    return index


def _label_families(np: NounPhrase) -> frozenset[str]:
    """Label families of the head and of the "of" phrase ("leaders of the
    breakaway republics"); a family word that only modifies another head
    ("the administration's decision") says nothing about the referent."""
    return families({np.head} | (np.words - np.core))


def label_pairs(npa: list[NounPhrase], npb: list[NounPhrase], alignment: Alignment,
                config: FramingConfig) -> list[LabelPair]:
    """One-to-one pairs of noun phrases that name one referent with different words."""
    aligned = aligned_sentence_pairs(alignment)
    index_b = _may_corefer_index(npb)
    candidates = []
    for x in npa:
        maybe = sorted({n for key in _corefer_keys(x) for n in index_b.get(key, ())})
        for y in (npb[n] for n in maybe):  # in npb order, as a full scan would visit them
            if _relevant(x, y) is None:
                continue
            sim = float(alignment.similarity[x.sentence, y.sentence])
            score, referent = pair_score(x, y, sim, (x.sentence, y.sentence) in aligned, config)
            if score >= config.label_min_score:
                candidates.append(LabelPair(x, y, score, referent))
    used_a, used_b, out = set(), set(), []
    for pair in sorted(candidates, key=lambda p: -p.score):
        if pair.a in used_a or pair.b in used_b:
            continue
        used_a.add(pair.a)
        used_b.add(pair.b)
        out.append(pair)
    return out[:config.max_label_findings]


def _words_note(side: str, words: frozenset[str], texts: Iterable[str] = ()) -> str:
    """" Only in A: Donbass, breakaway (qualifier: breakaway)." with each word as ``texts`` write it."""
    if not words:
        return ""
    texts = list(texts)
    quals = [as_written(w, texts) for w in _qualifiers(words)]
    note = f" Only {side}: {', '.join(as_written(w, texts) for w in sorted(words))}"
    return note + (f" (qualifier: {', '.join(quals)})." if quals else ".")


def referent_group(np: NounPhrase, nps: list[NounPhrase]) -> list[NounPhrase]:
    """Phrases of one article that name the same referent as ``np``: same head
    with compatible names, or the same slot of the same verb with a head of
    the same label family ("recognize the regions" / "the breakaway territories")."""
    def anchors_fit(n: NounPhrase) -> bool:
        fx, fy = {names.fold(a) for a in np.anchors}, {names.fold(a) for a in n.anchors}
        return fx <= fy or fy <= fx
    fam = families([np.head])
    return [n for n in nps if n.core == np.core and n.start == np.start
            or names.fold(n.head) == names.fold(np.head) and anchors_fit(n) and n.head not in n.words - n.core
            or n.slot == np.slot and n.slot[0] and fam & families([n.head])]


def label_finding(pair: LabelPair, npa: list[NounPhrase], npb: list[NounPhrase]) -> FramingDifference:
    only_a, only_b = _relevant(pair.a, pair.b) or (frozenset(), frozenset())
    same_head = names.fold(pair.a.head) == names.fold(pair.b.head)
    kind = "qualifier" if same_head and (not only_a or not only_b) else "label"
    explanation = (f"Both refer to {pair.referent}; A says {quote(pair.a.text)}, B says {quote(pair.b.text)}."
                   + _words_note("in A", only_a, [pair.a.text]) + _words_note("in B", only_b, [pair.b.text]))
    group_a, group_b = referent_group(pair.a, npa), referent_group(pair.b, npb)
    return framing_difference(kind, pair.a.text, pair.b.text, [(n.start, n.end) for n in group_a + [pair.a]],
                              [(n.start, n.end) for n in group_b + [pair.b]],
                              pair.referent, ", ".join(as_written(q, [pair.a.text]) for q in _qualifiers(only_a)),
                              ", ".join(as_written(q, [pair.b.text]) for q in _qualifiers(only_b)),
                              explanation)


def one_sided_qualifiers(mine: list[NounPhrase], other: list[NounPhrase], used: set[NounPhrase],
                         first: bool) -> list[FramingDifference]:
    """Qualifiers one article attaches to a referent that the other names
    without any such qualifier ("Moscow-backed" only in A)."""
    other_words = {names.fold(w) for np in other for w in np.words}
    other_heads = {names.fold(np.head): np for np in other}
    me, them = ("A", "B") if first else ("B", "A")
    out, seen = [], set()
    for np in mine:
        if np in used or names.fold(np.head) not in other_heads:
            continue
        quals = [q for q in _qualifiers(np.core - {np.head})
                 if names.fold(q) not in other_words and (q, np.head) not in seen]
        if not quals:
            continue
        seen.update((q, np.head) for q in quals)
        quals = [as_written(q, [np.text]) for q in quals]
        ref = other_heads[names.fold(np.head)]
        why = (f"{me} calls them {quote(np.text)}; {them} also mentions {np.head} "
               f"(e.g. {quote(ref.text)}) but never with {', '.join(quote(q) for q in quals)}.")
        spans, label = [(np.start, np.end)], ", ".join(quals)
        out.append(framing_difference("qualifier", np.text if first else "", "" if first else np.text,
                                      spans if first else [], [] if first else spans, np.head,
                                      label if first else "", "" if first else label, why))
    return out


@memo(maxsize=65536)
def label_words(np: NounPhrase) -> frozenset[str]:
    """What a phrase calls the thing it names: its words minus names and neutral modifiers."""
    name_words = {w.lower() for a in np.anchors for w in a.split()}
    return frozenset(w for w in np.core if w not in name_words and w not in NEUTRAL_MODIFIERS
                     and not w.startswith(("then-", "ex-", "former-")))


def labelled_phrases_by_referent(nps: list[NounPhrase]) -> dict[str, list[NounPhrase]]:
    """Labelled mentions of each named referent, plus bare definite phrases
    ("the North Korean leader") whose head labels exactly one of them."""
    groups: dict[str, list[NounPhrase]] = {}
    for np in nps:
        if np.named and label_words(np):
            key = next((k for k in groups if same_name(k, np.named)), np.named)
            groups.setdefault(key, []).append(np)
    for key, members in groups.items():
        labels = {w for np in members for w in label_words(np)}
        for np in nps:
            owners = {k for k, g in groups.items() if np.head in {w for m in g for w in label_words(m)}}
            if not np.anchors and np.text.lower().startswith("the ") and owners == {key} and np.head in labels:
                members.append(np)
    return groups


def _entity_difference(ga: list[NounPhrase], gb: list[NounPhrase]) -> tuple[frozenset[str], frozenset[str]] | None:
    la = frozenset(w for np in ga for w in label_words(np))
    lb = frozenset(w for np in gb for w in label_words(np))
    only_a = frozenset(w for w in la if names.fold(w) not in _norm(lb))
    only_b = frozenset(w for w in lb if names.fold(w) not in _norm(la))
    marked = _qualifiers(only_a | only_b) or families(only_a | only_b)
    # Without a marked word, only a different role noun is a label choice
    # ("campaign chairman" / "campaign manager"), not "White House" / "senior".
    roles_a, roles_b = {np.role for np in ga} - {""}, {np.role for np in gb} - {""}
    return (only_a, only_b) if marked or (roles_a - roles_b and roles_b - roles_a) else None


def _representative(group: list[NounPhrase], words: frozenset[str]) -> NounPhrase:
    return max(group, key=lambda np: (len(label_words(np) & words), -np.start))


def entity_label_findings(npa: list[NounPhrase], npb: list[NounPhrase]
                          ) -> tuple[list[FramingDifference], set[NounPhrase], set[NounPhrase]]:
    """Named referents (people, organisations) that the two articles label differently."""
    groups_a, groups_b = labelled_phrases_by_referent(npa), labelled_phrases_by_referent(npb)
    out, used_a, used_b = [], set(), set()
    for key_a, ga in groups_a.items():
        key_b = next((k for k in groups_b if same_name(key_a, k)), None)
        diff = None if key_b is None else _entity_difference(ga, groups_b[key_b])
        if diff is None:
            continue
        gb = groups_b[key_b]
        x, y = _representative(ga, diff[0]), _representative(gb, diff[1])
        referent = key_a if len(key_a) >= len(key_b) else key_b
        why = (f"Both name {referent}; A calls them {quote(x.text)}, B {quote(y.text)}."
               + _words_note("in A", diff[0], [n.text for n in ga]) + _words_note("in B", diff[1], [n.text for n in gb]))
        out.append(framing_difference("label", x.text, y.text, [(n.start, n.end) for n in ga],
                                      [(n.start, n.end) for n in gb], referent,
                                      ", ".join(as_written(w, [n.text for n in ga]) for w in sorted(diff[0])),
                                      ", ".join(as_written(w, [n.text for n in gb]) for w in sorted(diff[1])), why))
        used_a |= set(ga)
        used_b |= set(gb)
    return out, used_a, used_b


def demonym_of(adjective: str, country: str) -> bool:
    """"Syrian" / "Syria", "Iranian" / "Iran", but not "Iraqi" / "Iran"."""
    adj, name = names.plain(adjective), names.plain(country)
    stem = name[:-1] if name[-1:] in "aeiouy" else name
    return len(stem) >= 3 and adj != name and adj.startswith(stem) and len(adj) - len(stem) <= 4


def state_phrases(nps: list[NounPhrase]) -> list[NounPhrase]:
    """"the Syrian regime", "the junta": a state named by a marked word for its
    rulers. "The Russian government" / "Russia" is too ordinary to report."""
    state = {w for w, fams in family_of_word().items() if "state or government" in fams}
    return [np for np in nps if np.head in state and is_qualifier(np.head) and not np.anchors and len(np.core) >= 2]


def state_label_findings(a: Document, b: Document, npa: list[NounPhrase], npb: list[NounPhrase],
                         alignment: Alignment, config: FramingConfig) -> list[FramingDifference]:
    """One article says "the Syrian regime" where the other, in a similar
    sentence, names the country ("Syria") or its state with another word."""
    aligned = aligned_sentence_pairs(alignment)
    out = []
    for first, (mine, other_doc, other_nps) in ((True, (npa, b, npb)), (False, (npb, a, npa))):
        places = [m for m in entity_mentions(other_doc) if m.label == "place"]
        for np in state_phrases(mine):
            for m in places:
                if not any(demonym_of(w, m.text) for w in np.core - {np.head}):
                    continue
                pair = (np.sentence, m.sentence) if first else (m.sentence, np.sentence)
                sim = float(alignment.similarity[pair])
                if pair in aligned or sim >= config.slot_min_similarity:
                    out.append(_state_finding(np, m, first))
                    break
    return out


def _state_finding(np: NounPhrase, m: EntityMention, first: bool) -> FramingDifference:
    me, them = ("A", "B") if first else ("B", "A")
    why = (f"In matching sentences {me} says {quote(np.text)} and {them} names {quote(m.text)}: "
           f"{me} names the state by its {np.head}.")
    x, y = ((np.start, np.end), (m.start, m.end)) if first else ((m.start, m.end), (np.start, np.end))
    tx, ty = (np.text, m.text) if first else (m.text, np.text)
    return framing_difference("label", tx, ty, [x], [y], m.text, np.head if first else "place name",
                              "place name" if first else np.head, why)


def label_findings(a: Document, b: Document, alignment: Alignment,
                   config: CompareConfig) -> list[FramingDifference]:
    npa, npb = noun_phrases(a, config.framing), noun_phrases(b, config.framing)
    named, used_a, used_b = entity_label_findings(npa, npb)
    pairs = label_pairs([n for n in npa if n not in used_a], [n for n in npb if n not in used_b],
                        alignment, config.framing)
    used_a |= {p.a for p in pairs}
    used_b |= {p.b for p in pairs}
    states = state_label_findings(a, b, [n for n in npa if n not in used_a], [n for n in npb if n not in used_b],
                                  alignment, config.framing)
    return (named + [label_finding(p, npa, npb) for p in pairs] + states + one_sided_qualifiers(npa, npb, used_a, True)
            + one_sided_qualifiers(npb, npa, used_b, False))
