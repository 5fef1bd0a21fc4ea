"""Linking stage, mentions: one parsed article -> the entities and events it mentions.

Read off the spaCy parse the pipeline already made (``Document.doc``): named entities (people,
organisations, places, dates, numbers), noun phrases (things and nominal events such as "the
vote", "an appeal"), verbs (verbal events) and personal pronouns (linked only inside their
article, through their antecedent). A noun phrase inside a longer name is not a mention of its
own: "the United States" in "the Humane Society of the United States" is part of an
organisation's name, not the country.
"""
from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, replace

import numpy as np
from spacy.attrs import LOWER, POS
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Span, Token

from ..caches import memo
from ..lexicon import EVENT_NOUNS, GROUP_PRONOUNS, NAME_ENTITY_LABELS, NOT_EVENT_NOUNS, PERSON_PRONOUNS
from ..segment import sentences_from_doc
from . import time as timex

# spaCy NER label -> mention subtype.
SUBTYPES = {"PERSON": "person", "ORG": "organisation", "NORP": "group", "GPE": "place", "LOC": "place",
            "FAC": "place", "DATE": "date", "TIME": "date", "CARDINAL": "number", "MONEY": "number",
            "QUANTITY": "number", "PERCENT": "number", "ORDINAL": "number", "EVENT": "event",
            "PRODUCT": "thing", "WORK_OF_ART": "thing", "LAW": "thing", "LANGUAGE": "thing"}
# Suffixes of nouns that name happenings (arrest-ment, elect-ion, fail-ure ...), used with
# "the lemma is also a verb in this story" to tell events from things.
EVENT_SUFFIXES = ("tion", "sion", "ment", "ure", "ance", "ence", "ing", "al", "ery", "ade")
# Syntax that says two noun phrases are one referent (``identified_with``).
REFLEXIVES = frozenset({"himself", "herself", "themselves", "itself"})
NAMING_VERBS = frozenset({"know", "call", "name", "dub", "nickname"})
PREDICATIVE = frozenset({"acomp", "oprd"})
# A state an object is found or left in ("found two women dead"), parsed as a
# clause; not after "make" ("make sure", "make clear": BASIL, docs/links.md).
OBJECT_PREDICATIVE = frozenset({"ccomp", "xcomp"})
STATE_VERBS = frozenset({"find", "leave", "declare", "pronounce"})
RELATIVE_ADVERBS = {"where": "place"}  # the place its clause describes: "the hotel where he was"
ARG_POS = frozenset({"NOUN", "PROPN", "VERB", "NUM"})
ARG_DEPTH = 3
_LEADING = frozenset({"DET", "PRON", "PUNCT", "CCONJ", "ADP"})
# An entity's context window (``context_window``): its noun phrase (these
# dependents, each at most ``WINDOW_ARG_TOKENS`` words, no clauses) and its governor.
WINDOW_DEPS = frozenset({"compound", "amod", "poss", "nummod", "det", "prep", "nmod"})
WINDOW_CLAUSES = frozenset({"relcl", "ccomp", "advcl", "acl", "conj", "cc", "appos", "parataxis", "punct"})
WINDOW_ARG_TOKENS = 6


@dataclass(frozen=True)
class Mention:
    """A mention of an entity or event in one article of a story.

    ``start``/``end`` are character offsets into that article's text.
    ``name`` is the proper name the mention carries (a lone surname resolved
    to the full name the article gave before); ``args`` the content lemmas
    around an event (its participants, place and time); ``time`` the ISO
    anchor of a date (or of an event's date argument), "" when unknown.
    """

    article: int
    start: int
    end: int
    text: str
    kind: str  # "entity" | "event"
    subtype: str  # person, organisation, group, place, date, number, thing | verbal, nominal
    head: str  # lower-cased lemma of the head word
    head_start: int
    head_end: int
    sentence: int
    name: str = ""
    label: str = ""  # spaCy NER label, "" for common nouns and verbs
    args: tuple[str, ...] = ()
    time: str = ""
    pronoun: bool = False
    stem: str = ""  # Snowball stem of ``head``: "announce"/"announcement" -> "announc"
    refers_to: int = -1  # character offset of a word of the mention the syntax says this one is ("Reid, who")
    complement: str = ""  # event: stem of the verb it asks for or aims at ("appeal to Putin to *recognize*")
    relation: str = ""  # how: "relative pronoun", "reflexive", "apposition", "known as"
    window: tuple[tuple[int, int], ...] = ()  # entity: character ranges of its context window's words
    descriptors: tuple[str, ...] = ()  # name: lemmas of the common nouns the text calls it ("actress Tara Reid")


@memo(maxsize=65536)
def stem_of(word: str) -> str:
    """Snowball (Porter 2) English stem of a lower-cased word."""
    return _stemmer().stemWord(word)


_LOCAL = threading.local()


def _stemmer():
    # A Snowball stemmer keeps its state in the object while it works: one
    # per thread (the batch command compares stories on two threads).
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def _trim(span: Span) -> tuple[int, int] | None:
    """Token range of a noun phrase without leading determiners, possessive
    pronouns and punctuation ("the actress" -> "actress")."""
    start = span.start
    while start < span.end - 1 and span.doc[start].pos_ in _LEADING:
        start += 1
    end = span.end
    while end > start + 1 and span.doc[end - 1].pos_ == "PUNCT":
        end -= 1
    return start, end


# Words around a person's name that are not the name ("Dr. Sanjay Gupta",
# "W. Mark Felt Sr.").
NAME_AFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "dr", "mr", "mrs", "ms", "miss", "sir", "prof"})


def bare_name(name: str) -> str:
    """A person's name without titles and generational suffixes."""
    words = [w for w in name.replace(".", "").split() if w.lower() not in NAME_AFFIXES]
    return " ".join(words) or name


def _name_text(span: Span) -> str:
    """A name as written, without a leading "the" and possessive endings:
    tokens joined as in the text ("W. Mark Felt Sr.", not "... Sr ." whose
    last word "." matched no surname; ECB+ own mentions all F1 +0.010)."""
    parts = [t.whitespace_ if t.tag_ == "POS" else t.text_with_ws
             for t in span if not (t.i == span.start and t.lower_ == "the")]
    return territory(" ".join("".join(parts).split()))


# "Luhansk People's Republic", "Kharkiv Oblast", "Donetsk region": the
# territory named by the first words. ("United Russia" has no such ending
# and stays a name of its own.)
# A bare "Republic" is part of a country's name ("Czech Republic").
_TERRITORY = re.compile(r"^(.+?) (?:(?:People 's |People's |People )Republics?|Oblasts?|[Rr]egions?|Provinces?)$")


def territory(name: str) -> str:
    """The place a territorial name stands for: "Luhansk People's Republic" -> "Luhansk"."""
    match = _TERRITORY.match(name)
    return match[1] if match else name


def _sentence_index(token: Token, starts: list[int]) -> int:
    """Index of the sentence (``segment.sentences_from_doc``) holding ``token``."""
    return max(0, bisect.bisect_right(starts, token.idx) - 1)


def tagged(doc: Doc, pos: tuple[str, ...], lower: frozenset[str] | dict = frozenset()) -> list[Token]:
    """The tokens, in text order, whose coarse tag is in ``pos`` or whose lower-cased text is
    in ``lower``: only they are made ``Token`` objects (a walk of the doc makes one per word)."""
    array = doc.to_array([POS, LOWER])
    keep = np.isin(array[:, 0], [POS_IDS[p] for p in pos]) | np.isin(array[:, 1], [doc.vocab.strings[w] for w in lower])
    return [doc[i] for i in np.flatnonzero(keep).tolist()]


def event_args(trigger: Token) -> tuple[str, ...]:
    """Content lemmas within ``ARG_DEPTH`` dependency steps below the trigger
    (names as written, lower-cased): who, what, where, when of an event."""
    out: list[str] = []
    frontier = list(trigger.children)
    for depth in range(ARG_DEPTH):
        out += [t.lemma_.lower() for t in frontier if t.pos_ in ARG_POS and not t.is_stop]
        frontier = [c for t in frontier for c in t.children] if depth < ARG_DEPTH - 1 else []  # not a level below
    return tuple(dict.fromkeys(out))


def complement_of(trigger: Token) -> str:
    """Stem of the verb an event's open complement names ("appeal ... to
    recognize", "calling on Putin to recognize" -> "recogn"), or ""."""
    verb = next((c for c in trigger.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
    return stem_of(verb.lemma_.lower()) if verb is not None else ""


def date_of(trigger: Token, anchors: dict[int, str]) -> str:
    """Anchor of a date phrase attached to an event (``anchors``: token index -> ISO)."""
    if not any(abs(i - trigger.i) <= 12 for i in anchors):
        return ""  # most events: no date near, no walk of their subtree
    for token in trigger.subtree:
        if token.i in anchors and abs(token.i - trigger.i) <= 12:
            return anchors[token.i]
    return ""


def is_event_noun(token: Token, story_verbs: frozenset[str]) -> bool:
    """A noun that names a happening: a verb of the story ("the vote"), an event suffix
    ("election") or a noun of the event list ("the blaze", "the heist": ``lexicon.EVENT_NOUNS``;
    ECB+ dev own mentions, event F1 0.662 -> 0.674, all 0.622 -> 0.627); never a person, place
    or thing that only looks like one ("official", "hospital": ``lexicon.NOT_EVENT_NOUNS``;
    entity F1 0.607 -> 0.611, all 0.627 -> 0.629)."""
    lemma = token.lemma_.lower()
    if lemma in NOT_EVENT_NOUNS:
        return False
    return lemma in story_verbs or lemma.endswith(EVENT_SUFFIXES) or lemma in EVENT_NOUNS


def phrase_part(child: Token) -> list[Token]:
    """A dependent's subtree without the clauses hanging off it, at most
    ``WINDOW_ARG_TOKENS`` words nearest the dependent."""
    out, stack = [], [child]
    while stack:
        token = stack.pop()
        out.append(token)
        stack.extend(c for c in token.children if c.dep_ not in WINDOW_CLAUSES)
    return sorted(out, key=lambda t: abs(t.i - child.i))[:WINDOW_ARG_TOKENS]


def context_window(head: Token) -> tuple[tuple[int, int], ...]:
    """Character ranges, in text order, of an entity's noun phrase and the
    word that governs it (through a preposition: "checked into rehab",
    "stay at Promises", "the Promises Treatment Center in Malibu")."""
    words = {head}
    for child in head.children:
        if child.dep_ in WINDOW_DEPS:
            words.update(phrase_part(child))
    governor = head.head
    if head.dep_ == "pobj":
        words.add(governor)
        governor = governor.head
    words.add(governor)
    return tuple((t.idx, t.idx + len(t.text)) for t in sorted(words, key=lambda t: t.i))


def _mention(article: int, doc: Doc, start: int, end: int, head: Token, starts: list[int], **kw) -> Mention:
    first, last = doc[start], doc[end - 1]
    s, e = first.idx, last.idx + len(last.text)
    if kw["kind"] == "entity" and not kw.get("pronoun"):
        kw["window"] = context_window(head)
    return Mention(article, s, e, doc[start:end].text, head=head.lemma_.lower(), stem=stem_of(head.lemma_.lower()),
                   head_start=head.idx,
                   head_end=head.idx + len(head.text), sentence=_sentence_index(head, starts), **kw)


def entity_mentions(article: int, doc: Doc, starts: list[int], published) -> list[Mention]:
    out = []
    for ent in doc.ents:
        trimmed = _trim(ent)
        if trimmed is None:
            continue
        subtype = SUBTYPES.get(ent.label_, "thing")
        kind = "event" if subtype == "event" else "entity"
        time = timex.anchor(ent.text, published) if subtype == "date" else ""
        name = _name_text(ent) if ent.label_ in NAME_ENTITY_LABELS else ""
        if name and territory(ent.text) != ent.text:
            subtype = "place"  # whatever the recogniser said of "Luhansk People's Republic"
        refers_to, relation = identified_with(ent.root) if kind == "entity" else (-1, "")
        out.append(_mention(article, doc, *trimmed, ent.root, starts, kind=kind,
                            subtype="nominal" if kind == "event" else subtype,
                            name=name, label=ent.label_, time=time, refers_to=refers_to, relation=relation,
                            descriptors=name_descriptors(ent) if name and kind == "entity" else ()))
    return out


def _describing_noun(token: Token, apposition: bool) -> bool:
    """A common noun; in an apposition, not one that a proper noun names
    ("People magazine, Jack Ketsoyan"; a title before a name may: "FBI director")."""
    return token.pos_ == "NOUN" and not token.ent_type_ and not (apposition and any(
        c.dep_ == "compound" and (c.pos_ == "PROPN" or c.ent_type_) for c in token.children))


def name_descriptors(ent: Span) -> tuple[str, ...]:
    """Lemmas of the common nouns the text uses as a title or description of a name: a
    compound before it ("actress Tara Reid", "software giant Microsoft", "FBI director W. Mark
    Felt") and appositions ("Reid, an actress"; "the company, Microsoft"; "Microsoft Corp.,
    the software maker")."""
    out = [c for t in ent for c in t.children if not ent.start <= c.i < ent.end and (
        (c.dep_ == "appos" and _describing_noun(c, True))
        or (c.dep_ == "compound" and c.i == ent.start - 1 and _describing_noun(c, False)))]
    before = ent.doc[ent.start - 1] if ent.start else None
    if before is not None and before.dep_ not in ("poss", "compound") and _describing_noun(before, True):
        out.append(before)  # the parse missed the title: "the actress Reid was admitted"
    if ent.root.dep_ == "appos" and _describing_noun(ent.root.head, True):
        out.append(ent.root.head)
    return tuple(dict.fromkeys(t.lemma_.lower() for t in out))


def noun_span(head: Token) -> tuple[int, int]:
    """Token range of a common noun mention: the head word alone ("jury" in "the Brooklyn
    jury", "attack" in "piracy attack"), as ECB+ marks them. ECB+ dev own mentions, all F1:
    head with its compound modifiers 0.595, head alone 0.613; the modifiers as mentions of
    their own as well 0.615 at 0.009 lower precision (not done; seventh round 0.656 ->
    0.657 at 0.015 lower precision)."""
    return head.i, head.i + 1


def pronoun_mentions(article: int, doc: Doc, starts: list[int]) -> list[Mention]:
    """he/she/his/her/who ... (people) and relative "which"/"that" (with the head their clause
    describes): linked only inside their article."""
    out = []
    for token in tagged(doc, ("PRON", "DET"), RELATIVE_ADVERBS):
        if token.ent_type_ or (token.pos_ not in ("PRON", "DET") and token.lower_ not in RELATIVE_ADVERBS):
            continue
        refers_to, relation = identified_with(token)
        if token.lower_ in PERSON_PRONOUNS or token.lower_ in GROUP_PRONOUNS or refers_to >= 0:
            subtype = "person" if token.lower_ in PERSON_PRONOUNS else "group" if token.lower_ in GROUP_PRONOUNS \
                else RELATIVE_ADVERBS.get(token.lower_, "thing")
            out.append(_mention(article, doc, token.i, token.i + 1, token, starts, kind="entity",
                                subtype=subtype, pronoun=True, refers_to=refers_to, relation=relation))
    return out


def title_case(sentence: Span) -> bool:
    """A headline written in title case ("Lindsay Lohan Checks Into Rehab"), where the tagger takes
    most words for proper nouns: 80% of its words of four letters or more capitalised (also facts')."""
    words = [t for t in sentence if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


def entity_tokens(doc: Doc) -> set[int]:
    """Indices of the tokens inside the doc's named entities."""
    return {i for ent in doc.ents for i in range(ent.start, ent.end)}


def headline_verbs(doc: Doc, story_verbs: frozenset[str]) -> list[Token]:
    """Words of title-case sentences tagged as proper nouns, outside named
    entities, that are verbs of the story ("Leaves", "Checks")."""
    stems = {stem_of(v) for v in story_verbs}
    covered = entity_tokens(doc)
    return [t for s in doc.sents if title_case(s) for t in s
            if t.pos_ == "PROPN" and t.i not in covered and stem_of(t.lower_) in stems]


def headline_events(article: int, doc: Doc, starts: list[int], verbs: list[Token],
                    anchors: dict[int, str]) -> list[Mention]:
    return [_mention(article, doc, t.i, t.i + 1, t, starts, kind="event", subtype="verbal",
                     args=event_args(t), time=date_of(t, anchors), complement=complement_of(t)) for t in verbs]


def loose_names(article: int, doc: Doc, starts: list[int], skip: frozenset[int] = frozenset()) -> list[Mention]:
    """Runs of proper nouns the entity recogniser left out ("Donetsk" in
    "Donetsk and Luhansk People's Republics"); ``skip``: token indices that
    are not names (``headline_verbs``)."""
    covered = entity_tokens(doc) | skip
    out, run = [], []
    for token in tagged(doc, ("PROPN",)) + [None]:
        if token is not None and token.pos_ == "PROPN" and token.i not in covered and (not run or run[-1].i == token.i - 1):
            run.append(token)
            continue
        if run:
            span = doc[run[0].i:run[-1].i + 1]
            out.append(_mention(article, doc, span.start, span.end, run[-1], starts, kind="entity",
                                subtype="thing", name=_name_text(span)))
        run = [token] if token is not None and token.pos_ == "PROPN" and token.i not in covered else []
    return out


def phrase_mentions(article: int, doc: Doc, starts: list[int], story_verbs: frozenset[str],
                    anchors: dict[int, str]) -> list[Mention]:
    """Common nouns heading a noun phrase, outside named entities (a noun
    phrase inside a name, "the United States" in "the Humane Society of the
    United States", is part of that name)."""
    ent_tokens = entity_tokens(doc)
    out = []
    for head in dict.fromkeys([chunk.root for chunk in doc.noun_chunks] + possessors(doc) + skipped_nouns(doc)):
        if head.i in ent_tokens or head.pos_ == "PRON":
            continue
        start, end = noun_span(head)
        if is_event_noun(head, story_verbs):
            out.append(_mention(article, doc, start, end, head, starts, kind="event", subtype="nominal",
                                args=event_args(head), time=date_of(head, anchors), complement=complement_of(head)))
        else:
            refers_to, relation = identified_with(head)
            out.append(_mention(article, doc, start, end, head, starts, kind="entity", subtype="thing",
                                refers_to=refers_to, relation=relation))
    return out


# Nouns that modify another word; nouns in an argument's place.
MODIFIER_DEPS = frozenset({"compound", "nmod", "amod", "npadvmod", "poss"})
ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "oprd", "conj"})


def skipped_nouns(doc: Doc) -> list[Token]:
    """Common nouns in an argument's place (``ARGUMENT_DEPS``), outside names,
    that spaCy's noun-chunk iterator leaves out ("Queens Woman Killed" re-parsed);
    not modifiers ("shooting spree", "a few blocks away"). ECB+ own mentions,
    all F1 0.654 -> 0.656 at unchanged precision (docs/links.md, seventh round)."""
    names = entity_tokens(doc)
    return [t for t in tagged(doc, ("NOUN",)) if t.pos_ == "NOUN" and t.is_alpha and t.dep_ in ARGUMENT_DEPS
            and t.i not in names and not modifier(t)]


def modifier(token: Token) -> bool:
    """A word that modifies another, or a conjunct of one ("pay and *promotion*
    decisions") or of a verb (a verb tagged a noun: "take it or *risk* being blamed")."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return True
    return token.dep_ in MODIFIER_DEPS


def possessors(doc: Doc) -> list[Token]:
    """Common nouns in the possessive ("the actress's stay", "the team's
    coach"), which head no noun phrase of their own."""
    return [t for t in tagged(doc, ("NOUN",)) if t.dep_ == "poss" and t.pos_ == "NOUN"]


def verb_mentions(article: int, doc: Doc, starts: list[int], anchors: dict[int, str]) -> list[Mention]:
    """Every full verb (with its particle: "checked out") as a verbal event,
    and predicative adjectives ("found dead", "pleaded guilty"), which name
    a state an event brought about."""
    out = []
    for token in tagged(doc, ("VERB", "ADJ")):
        if token.pos_ != "VERB" and not (token.pos_ == "ADJ" and (token.dep_ in PREDICATIVE or (
                token.dep_ in OBJECT_PREDICATIVE and token.head.lemma_ in STATE_VERBS))):
            continue
        end = token.i + 1
        if end < len(doc) and doc[end].dep_ == "prt" and doc[end].head.i == token.i:
            end += 1
        out.append(_mention(article, doc, token.i, end, token, starts, kind="event", subtype="verbal",
                            args=event_args(token), time=date_of(token, anchors), complement=complement_of(token)))
    return out


def described_head(pronoun: Token) -> int:
    """Character offset of the noun a relative pronoun's clause describes, or -1."""
    clause = pronoun.head
    relative = pronoun.tag_ in ("WP", "WP$", "WDT") or (pronoun.tag_ == "WRB" and pronoun.lower_ in RELATIVE_ADVERBS)
    if relative and clause.dep_ == "relcl":
        return clause.head.idx
    return -1


def identified_with(head: Token) -> tuple[int, str]:
    """What the syntax says a mention (by its head word) is the same as: (character offset of
    a word of that other mention, how), or (-1, ""). Relative pronouns ("Reid, who"), reflexives
    ("Lo Presti hanged himself"), appositions ("Felt, the FBI director"; "one of the bosses,
    Gaetano Lo Presti") and "known as" ("the source known as Deep Throat"). Not copulas: "Felt
    was the source" (+0.003 recall, -0.02 precision of entity links on ECB+, which does not
    link predicate nouns)."""
    described = described_head(head)
    if described >= 0:
        return described, "relative pronoun"
    if head.lower_ in REFLEXIVES:
        subject = next((c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return (subject.idx, "reflexive") if subject is not None and subject.i != head.i else (-1, "")
    if head.dep_ == "appos":
        return head.head.idx, "apposition"
    verb = head.head.head
    if head.dep_ == "pobj" and head.head.lower_ == "as" and verb.lemma_ in NAMING_VERBS and verb.dep_ == "acl":
        return verb.head.idx, "known as"
    return -1, ""


def resolve_surnames(mentions: list[Mention]) -> list[Mention]:
    """A one-word person name takes the article's last full name with it ("Reid" after "Tara Reid")."""
    out, full_names = [], {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.label == "PERSON" and m.name:
            words = bare_name(m.name).split()
            if len(words) > 1:
                full_names[words[-1].lower()] = m.name
            elif words and words[0].lower() in full_names:
                m = replace(m, name=full_names[words[0].lower()])
        out.append(m)
    return out


def time_anchors(doc: Doc, published) -> dict[int, str]:
    """Token index -> ISO anchor, for every token of a date entity."""
    out = {}
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME"):
            iso = timex.anchor(ent.text, published)
            if iso:
                out.update({t.i: iso for t in ent})
    return out


def extract_mentions(article: int, doc: Doc, date: str = "",
                     story_verbs: frozenset[str] = frozenset()) -> list[Mention]:
    """All mentions of one parsed article, in text order. ``date`` is the
    article's publication date (ISO), ``story_verbs`` the verb lemmas of the
    story (a noun that is also a verb there names an event)."""
    published = timex.publication_date(date)
    starts = [s.start for s in sentences_from_doc(doc)] or [0]
    anchors = time_anchors(doc, published)
    verbs = headline_verbs(doc, story_verbs)
    found = (entity_mentions(article, doc, starts, published)
             + phrase_mentions(article, doc, starts, story_verbs, anchors)
             + pronoun_mentions(article, doc, starts)
             + loose_names(article, doc, starts, frozenset(t.i for t in verbs))
             + headline_events(article, doc, starts, verbs, anchors)
             + verb_mentions(article, doc, starts, anchors))
    return sorted(resolve_surnames(found), key=lambda m: (m.start, m.end))


def verb_lemmas(doc: Doc) -> frozenset[str]:
    return frozenset(t.lemma_.lower() for t in tagged(doc, ("VERB",)))

