"""Framing stage, linked referents: the words each article uses for one referent of the links stage.

The links stage (``compare/links/``) clusters the mentions of one person,
group, place, thing or event across the articles of a story. Here each
cluster's mentions in one article are read with the noun phrase around them
("North Korean dictator Kim Jong Un", "the salacious dossier") and with the
phrases set beside a person's name ("Kim, the North Korean leader"). The two
articles' words for the referent are then compared, and a difference is
reported only when it carries framing: a qualifier ("so-called", "regime"),
an evaluative word ("salacious", "fired"), words of one label family used
differently ("migrants" / "illegal aliens"), a different role noun for a
named person ("leader" / "dictator"), or a different noun for one event
("summit" / "meeting"). Other name-form changes ("Trump" / "President
Trump") are not reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

from .. import names
from ..caches import per_parse
from ..config import FramingConfig
from ..lexicon import EVALUATIVE_WORDS, GENERIC_HEADS, NEUTRAL_MODIFIERS, TITLES
from ..links.mentions import stem_of
from ..types import Alignment, Document, FramingDifference
from .findings import as_written, framing_difference, quote, sentence_of
from .labels import label_words, same_name
from .phrases import NounPhrase, noun_phrases
from .words import families, is_qualifier

# Link subtypes whose clusters are referents a reader names (not dates, numbers or verbs).
REFERENT_SUBTYPES = frozenset({"person", "organisation", "group", "place", "thing", "nominal"})


@dataclass(frozen=True)
class SideWords:
    """One article's words for one referent: the mentions (character spans,
    text as written), the noun phrases around them, their label words and
    head nouns."""

    mentions: tuple[tuple[int, int, str], ...]
    phrases: tuple[NounPhrase, ...]
    words: frozenset[str]
    heads: frozenset[str]
    descriptors: frozenset[str] = frozenset()  # label words that modify a phrase's head ("top-secret")


def is_evaluative(word: str) -> bool:
    return word.lower() in EVALUATIVE_WORDS


def enclosing_phrase(mention: Any, nps: Sequence[NounPhrase]) -> NounPhrase | None:
    """The shortest noun phrase around ``mention`` that is headed by it: the
    same head word, or a labelled name of the same person ("North Korean
    leader Kim Jong Un" for "Kim Jong Un"), not "the Trump administration"
    for "Trump"."""
    around = [np for np in nps if np.start <= mention.start and mention.end <= np.end]
    fits = [np for np in around if np.head == mention.head
            or np.named and mention.name and same_name(np.named, mention.name)]
    return min(fits, key=lambda np: (np.end - np.start, np.start)) if fits else None


class OwnMention(NamedTuple):
    """What ``side_words`` reads of a link mention (not its article number,
    which differs between the story's links and a pair's view of them)."""

    start: int
    end: int
    text: str
    head: str
    name: str


def side_words(doc: Document, mentions: Sequence[Any], config: FramingConfig, person: str = "") -> SideWords:
    """The words one article uses for one referent (``mentions``: its link
    mentions of it). For a person (``person``: the referent's name) only
    phrases that carry that name or stand in apposition to it count.
    Cached per article: the story's referent table, each pair's table and
    its framing findings read the same referents."""
    own = tuple(OwnMention(m.start, m.end, m.text, m.head, m.name) for m in mentions
                if not m.pronoun and any(c.isalnum() for c in m.text))
    return _side_words(doc, own, config, person)[0]


@per_parse(maxsize=512)
def _side_words(doc: Document, own: tuple[OwnMention, ...], config: FramingConfig, person: str) -> tuple[SideWords]:
    nps = noun_phrases(doc, config)
    phrases = [np for np in (enclosing_phrase(m, nps) for m in own) if np is not None]
    if person:  # "Kim Jong Un, the North Korean leader": the apposition labels him too
        phrases = [np for np in phrases + [np for np in nps if np.named and not np.anchors]
                   if np.named and same_name(np.named, person)]
    phrases = sorted(set(phrases), key=lambda np: (np.start, np.end))
    words = frozenset(_marked_form(w, doc, phrases) for np in phrases for w in label_words(np))
    name_words = {names.fold(w) for m in own for w in m.name.split()}
    heads = frozenset(h for h in (_role(np) for np in phrases) if h and names.fold(h) not in name_words)
    descriptors = frozenset(_marked_form(w, doc, phrases) for w in modifier_words(doc, phrases))
    return (SideWords(tuple((m.start, m.end, m.text) for m in own), tuple(phrases), words, heads, descriptors),)


# Parts of speech of a word that describes the head of its phrase ("the
# top-secret visit", "ballistic missiles", "the summit meeting"); a verb only
# as a participle modifier ("the planned meeting").
_DESCRIPTOR_POS = frozenset({"ADJ", "NOUN"})


def modifier_words(doc: Document, phrases: Sequence[NounPhrase]) -> set[str]:
    """The label words (lemmas) of ``phrases`` that describe their head:
    adjectives, noun and participle modifiers and hyphen compounds; no names,
    numbers or dates ("top-secret" and "visit" of "the top-secret visit":
    only "top-secret")."""
    descriptors = set()
    for np in phrases:
        labels = label_words(np)
        span = doc.doc.char_span(np.start, np.end, alignment_mode="expand") if doc.doc is not None else None
        for token in span or ():
            lemma = token.lemma_.lower()
            if lemma in labels and lemma != np.head and not token.ent_type_ and _describes(token):
                descriptors.add(lemma)
        descriptors.update(w for w in labels if "-" in w and w != np.head and not w[0].isdigit())
    return descriptors


def _describes(token: Any) -> bool:
    if token.pos_ == "VERB":
        return token.dep_ == "amod" and token.tag_ in ("VBN", "VBG")
    return token.pos_ in _DESCRIPTOR_POS and token.dep_ in ("amod", "compound", "nmod")


def _marked_form(word: str, doc: Document, phrases: Sequence[NounPhrase]) -> str:
    """A label word as the word lists know it: the lemma "allege" is the qualifier "alleged"."""
    if is_qualifier(word) or is_evaluative(word):
        return word
    written = surface(word, doc, phrases).lower()
    return written if is_qualifier(written) or is_evaluative(written) else word


def _role(np: NounPhrase) -> str:
    """The noun a phrase calls its referent by: its common-noun head, or the
    role noun before a name ("leader" in "North Korean leader Kim Jong Un")."""
    return np.role if np.named else np.head


@dataclass(frozen=True)
class WordDifference:
    only_a: frozenset[str]
    only_b: frozenset[str]
    marked: tuple[str, ...]  # the words that carry the framing, sorted
    why: str  # "qualifier", "evaluative", "label family", "role noun", "event noun" or "descriptor"


def word_key(word: str) -> str:
    """Words compared across spellings and inflections: "Lugansk" = "Luhansk",
    "allege" = "alleged", "president" = "presidency"."""
    return stem_of(names.fold(word))


def _folded(words) -> frozenset[str]:
    return frozenset(word_key(w) for w in words)


def _plain_role(word: str) -> bool:
    return bool(word) and word not in GENERIC_HEADS and word not in NEUTRAL_MODIFIERS


def word_difference(x: SideWords, y: SideWords, kind: str) -> WordDifference | None:
    """The framing-bearing difference between two articles' words for one referent, or None."""
    fx, fy = _folded(x.words), _folded(y.words)
    only_a = frozenset(w for w in x.words if word_key(w) not in fy)
    only_b = frozenset(w for w in y.words if word_key(w) not in fx)
    quals = sorted(w for w in only_a | only_b if is_qualifier(w))
    if quals:
        return WordDifference(only_a, only_b, tuple(quals), "qualifier")
    evals = sorted(w for w in only_a | only_b if is_evaluative(w))
    if evals:
        return WordDifference(only_a, only_b, tuple(evals), "evaluative")
    fam = (families(only_a) & families(y.words)) | (families(only_b) & families(x.words))
    if fam:
        words = sorted(w for w in only_a | only_b if families([w]) & fam)
        return WordDifference(only_a, only_b, tuple(words), "label family")
    ha, hb = _folded(x.heads), _folded(y.heads)
    roles_a = sorted(h for h in x.heads if word_key(h) not in hb and _plain_role(h))
    roles_b = sorted(h for h in y.heads if word_key(h) not in ha and _plain_role(h))
    if roles_a and roles_b and (kind == "nominal" or not set(roles_a + roles_b) <= TITLES):
        return WordDifference(only_a, only_b, tuple(roles_a + roles_b), "event noun" if kind == "nominal" else "role noun")
    return descriptor_difference(x, y, only_a, only_b, kind)


def descriptor_difference(x: SideWords, y: SideWords, only_a: frozenset[str], only_b: frozenset[str],
                          kind: str) -> WordDifference | None:
    """Words that describe the referent on one side only ("the secret visit" /
    "top-secret visit", "long-range missiles" / "intercontinental ballistic
    missiles"): word choice, though no word list marks it. Not for a person:
    what describes a person beside the name is a title or role ("campaign
    chair Paul Manafort" / "Paul Manafort"), a name form."""
    if kind == "person":
        return None
    desc = sorted(w for w in only_a if w in x.descriptors and _plain_role(w) and w not in TITLES)
    desc += sorted(w for w in only_b if w in y.descriptors and _plain_role(w) and w not in TITLES)
    return WordDifference(only_a, only_b, tuple(desc), "descriptor") if desc else None


def referent_name(links: Any, members: Sequence[int]) -> str:
    """What to call a referent: its longest name, else its most used (then shortest) mention as written."""
    ms = [links.mentions[i] for i in members if not links.mentions[i].pronoun]
    named = sorted({m.name for m in ms if m.name}, key=lambda n: (-len(n), n))
    if named:
        return named[0]
    texts = [m.text for m in ms]  # as written: "the memos" -> "memos", not the lemma "memo"
    return min(sorted(set(texts)), key=lambda t: (-texts.count(t), len(t))) if texts else ""


def _showing(side: SideWords, words: frozenset[str]) -> list[NounPhrase]:
    """The phrases of one side that hold any of ``words`` (all its phrases when none do)."""
    hits = [np for np in side.phrases if label_words(np) & words]
    return hits or list(side.phrases)


def _spans(side: SideWords, phrases: list[NounPhrase]) -> list[tuple[int, int]]:
    return [(np.start, np.end) for np in phrases] or [(s, e) for s, e, _ in side.mentions]


def _text(side: SideWords, phrases: list[NounPhrase]) -> str:
    return phrases[0].text if phrases else (side.mentions[0][2] if side.mentions else "")


def _note(side: str, words: Sequence[str]) -> str:
    return f" Only {side}: {', '.join(words)}." if words else ""


def surface(word: str, doc: Document, phrases: Sequence[NounPhrase]) -> str:
    """A label word (a lemma, lower case) as one of ``phrases`` writes it:
    "worst" for "bad", "American" for "american"."""
    for np in phrases:
        span = doc.doc.char_span(np.start, np.end, alignment_mode="expand") if doc.doc is not None else None
        for token in span or ():
            if token.lemma_.lower() == word or token.lower_ == word:
                return token.text
    return as_written(word, [np.text for np in phrases])  # hyphen compounds: "self-declared"


def _surfaces(words, doc: Document, phrases: Sequence[NounPhrase]) -> list[str]:
    return list(dict.fromkeys(surface(w, doc, phrases) for w in sorted(words)))


WHY = {"qualifier": "qualifier", "evaluative": "evaluative word", "label family": "label family",
       "role noun": "role noun", "event noun": "event noun", "descriptor": "descriptor"}


def referent_finding(referent: str, docs: tuple[Document, Document], x: SideWords, y: SideWords,
                     diff: WordDifference) -> FramingDifference:
    pa, pb = _showing(x, diff.only_a), _showing(y, diff.only_b)
    ta, tb = _text(x, pa), _text(y, pb)
    heads_same = {_role(np) for np in pa} & {_role(np) for np in pb}
    kind = "qualifier" if diff.why in ("qualifier", "evaluative", "descriptor") and heads_same else "label"
    marked_a = _surfaces([w for w in diff.marked if w in diff.only_a or w in x.heads], docs[0], x.phrases)
    marked_b = _surfaces([w for w in diff.marked if w in diff.only_b or w in y.heads], docs[1], y.phrases)
    only_a, only_b = _surfaces(diff.only_a, docs[0], x.phrases), _surfaces(diff.only_b, docs[1], y.phrases)
    marked = ", ".join(dict.fromkeys(marked_a + marked_b))
    why = (f"Both refer to {referent}; A says {quote(ta)}, B says {quote(tb)}."
           f"{_note('in A', only_a)}{_note('in B', only_b)} {WHY[diff.why].capitalize()}"
           f"{'s' if ', ' in marked else ''}: {marked}.")
    return framing_difference(kind, ta, tb, _spans(x, pa), _spans(y, pb), referent,
                              ", ".join(marked_a), ", ".join(marked_b), why)


def _overlaps(spans: Sequence, found: Sequence[tuple[int, int]]) -> bool:
    return any(s.start < e and s0 < s.end for s in spans for s0, e in found)


def _sentences_match(a: Document, b: Document, finding: FramingDifference, alignment: Alignment | None,
                     config: FramingConfig) -> bool:
    """Do the two sides of a finding about an unnamed referent stand in
    matching sentences (similarity at least ``referent_min_similarity``)?
    Two "deals" or two "leaders" linked by their head word alone are often
    two different things."""
    if alignment is None:
        return True
    rows = {sentence_of(a, s.start) for s in finding.a_spans} - {-1}
    cols = {sentence_of(b, s.start) for s in finding.b_spans} - {-1}
    return any(alignment.similarity[i, j] >= config.referent_min_similarity for i in rows for j in cols)


def referent_findings(a: Document, b: Document, links: Any, config: FramingConfig,
                      existing: Sequence[FramingDifference] = (), alignment: Alignment | None = None
                      ) -> list[FramingDifference]:
    """Framing differences between how A and B name each referent they both
    mention (``links``: the pair's ``Links``, articles 0 and 1). A referent
    already covered by an ``existing`` finding on both sides is skipped."""
    if links is None:
        return []
    taken_a = [(s.start, s.end) for f in existing for s in f.a_spans]
    taken_b = [(s.start, s.end) for f in existing for s in f.b_spans]
    out = []
    for cluster in links.clusters:
        if cluster.subtype not in REFERENT_SUBTYPES:
            continue
        ma = [links.mentions[i] for i in cluster.members if links.mentions[i].article == 0]
        mb = [links.mentions[i] for i in cluster.members if links.mentions[i].article == 1]
        referent = referent_name(links, cluster.members)
        person = referent if cluster.subtype == "person" else ""
        x, y = side_words(a, ma, config, person), side_words(b, mb, config, person)
        diff = word_difference(x, y, cluster.subtype)
        if diff is None:
            continue
        finding = referent_finding(referent, (a, b), x, y, diff)
        if _overlaps(finding.a_spans, taken_a) and _overlaps(finding.b_spans, taken_b):
            continue
        named = any(links.mentions[i].name for i in cluster.members)
        if not named and not _sentences_match(a, b, finding, alignment, config):
            continue
        if diff.why == "descriptor" and len(x.mentions) + len(y.mentions) < config.descriptor_min_mentions:
            continue
        out.append(finding)
        taken_a += [(s.start, s.end) for s in finding.a_spans]
        taken_b += [(s.start, s.end) for s in finding.b_spans]
    return out[:config.max_referent_findings]
