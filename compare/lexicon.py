"""Every word list and label set the analysis uses, defined once.

The words live in ``compare/data/words.json`` (with an ``_about_*`` note per
list saying what it is for and where it comes from); this module loads them
once and gives each list one name, so that the fact, framing, linking and
grouping stages can never disagree about what a title or a report verb is.
spaCy's entity-label sets are here too: they decide which named entities each
stage treats as names, numbers or dates.

Everything is a frozenset, a tuple or a read-only mapping; nothing here loads a
model. Loading the JSON costs about a millisecond, at first import.
"""
from __future__ import annotations

import json
import re
from importlib import resources
from types import MappingProxyType
from typing import Mapping


def _load() -> dict:
    text = resources.files("compare.data").joinpath("words.json").read_text(encoding="utf-8")
    return json.loads(text)


WORDS: Mapping[str, object] = MappingProxyType(_load())


def _set(key: str) -> frozenset[str]:
    return frozenset(WORDS[key])


# ---------------------------------------------------------------- spaCy entity labels
# Named entities that are names of someone or something (the fact stage's entity
# units, the linking stage's name mentions).
NAME_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT",
                                "WORK_OF_ART"})
# Names a fact can be about: nationalities and groups (NORP: "Russian", "Ukrainians")
# are adjectives of a sentence, not facts of their own ("A never names Russian").
FACT_ENTITY_LABELS = NAME_ENTITY_LABELS - {"NORP"}
DATE_ENTITY_LABELS = frozenset({"DATE", "TIME"})
# Entities that are amounts or dates, never part of a proper name.
NUMERIC_ENTITY_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
# The kind of referent a name stands for, as the framing stage reports it.
NAME_KINDS: Mapping[str, str] = MappingProxyType({
    "PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group", "ORG": "organisation"})

# ---------------------------------------------------------------- names
# Words before a person's name that are not part of it ("President Barack Obama").
TITLES = _set("titles")
# Titles with the institution words that can stand before them ("House Speaker Nancy
# Pelosi"): dropped before a name by the framing stage, kept by the fact stage
# ("Pennsylvania Senate" is not "Pennsylvania").
TITLES_WITH_INSTITUTIONS = TITLES | _set("title_institutions")
# Nouns too generic to identify an organisation on their own ("the Ministry").
GENERIC_HEADS = _set("generic_heads")
PERSON_PRONOUNS = _set("person_pronouns")
# Pronouns that stand for an organisation named earlier ("Microsoft ... its").
GROUP_PRONOUNS = _set("group_pronouns")
# Words a continuing sentence may open with before its subject or definite phrase.
SENTENCE_OPENERS = _set("sentence_openers")
# Nouns of happenings without an event suffix ("the blaze", "the heist"): event mentions.
EVENT_NOUNS = _set("event_nouns")
# Nouns with an event suffix that name people, places or things ("official", "hospital").
NOT_EVENT_NOUNS = _set("not_event_nouns")
CAPITALISED_NON_NAMES = _set("capitalised_non_names")
# Dropped from a lead before the grouping encodes it: fewer tokens, same story signal.
LEAD_FUNCTION_WORDS = _set("lead_function_words")
# A possessive ending on a name: "Putin's", "Putin’s", "Jones'".
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")

# ---------------------------------------------------------------- speech
# Lemma -> stance class ("neutral", "distancing", "conceding", "emphatic", "rejecting").
REPORT_VERB_CLASS: Mapping[str, str] = MappingProxyType(
    {verb: cls for cls, verbs in WORDS["report_verbs"].items() for verb in verbs})
# Every verb that attributes speech: a quote's speaker is found through any of them.
REPORT_VERBS = frozenset(REPORT_VERB_CLASS)
QUOTE_PAIRS = (("\u201c", "\u201d"), ('"', '"'), ("\u2018", "\u2019"), ("\u00ab", "\u00bb"))

# ---------------------------------------------------------------- numbers and dates
# Words before a number that make it approximate or a bound ("more than 700,000").
APPROX_WORDS = _set("approx_words")
NUMBER_WORDS: Mapping[str, int] = MappingProxyType({
    **{w: n for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split())},
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
SCALES: Mapping[str, float] = MappingProxyType({
    "dozen": 12, "dozens": 12, "hundred": 1e2, "thousand": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "k": 1e3})
# Scales written as a letter or two, after a number or glued to it ("$53m", "38 bn", "$389M").
SCALE_ABBREVIATIONS = frozenset(word for word in SCALES if len(word) <= 3)  # m, mln, bn, b, k
# Signs and words that give a figure its measure: "$13.6 million" and "13.6 million dollars" are "$",
# "35.7%" and "35.7 percent" are "%". Figures with two different measures are never the same figure.
CURRENCY_SIGNS: Mapping[str, str] = MappingProxyType({"$": "$", "US$": "$", "\u00a3": "\u00a3", "\u20ac": "\u20ac"})
MEASURE_WORDS: Mapping[str, str] = MappingProxyType({
    "%": "%", "percent": "%", "per": "%", "percentage": "%", "pct": "%", "pc": "%", "dollar": "$", "dollars": "$",
    "pound": "\u00a3", "pounds": "\u00a3", "euro": "\u20ac", "euros": "\u20ac"})
# Qualifiers before a figure (the words joined, matched at their end) by which side they leave open:
# "more than 700,000" has no upper end, "up to 10" no lower one, "nearly 50" ends at 50.
BOUND_AT_LEAST: tuple[str, ...] = ("more than", "over", "above", "at least", "upwards of", "upward of", "exceeding")
BOUND_AT_MOST: tuple[str, ...] = ("less than", "fewer than", "under", "below", "at most", "up to", "no more than")
BOUND_UP_TO: tuple[str, ...] = ("nearly", "almost", "just under")
APPROXIMATELY: tuple[str, ...] = ("about", "around", "approximately", "roughly", "some", "estimated")
# Words after a hyphen that make "four-way talks" a modifier, not a count of ways.
HYPHEN_NON_COUNTS = frozenset({"way", "fold", "sided", "pronged", "dimensional", "track", "party", "tier"})
# Platforms and media are where words were posted, never who said them ("posted to Twitter").
PLATFORMS = frozenset({"twitter", "facebook", "instagram", "youtube", "tiktok", "telegram", "x", "reddit",
                       "linkedin", "snapchat", "truth social", "weibo", "vk", "whatsapp", "cnn", "fox news",
                       "msnbc", "abc", "nbc", "cbs", "bbc", "npr", "twitter account", "statement", "blog",
                       "tweet", "post", "interview", "website", "radio", "television", "tv"})
WEEKDAYS: tuple[str, ...] = tuple(WORDS["weekdays"])
MONTH_NAMES: tuple[str, ...] = tuple(WORDS["months"])
# Month name or abbreviation -> number ("january", "jan", "sept" -> 1, 1, 9).
MONTHS: Mapping[str, int] = MappingProxyType({
    **{m: i + 1 for i, m in enumerate(MONTH_NAMES)}, **{m[:3]: i + 1 for i, m in enumerate(MONTH_NAMES)},
    "sept": 9})

# ---------------------------------------------------------------- framing
QUALIFIERS = _set("qualifiers")
QUALIFIER_PATTERNS: tuple[re.Pattern, ...] = tuple(re.compile(p) for p in WORDS["qualifier_patterns"])
# Words that judge a referent ("salacious", "sham", "thug"): framing when only one article uses them.
EVALUATIVE_WORDS = _set("evaluative")
LABEL_FAMILIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {family: tuple(words) for family, words in WORDS["label_families"].items()})
HEDGE_WORDS = _set("hedge_words")
HEDGE_CLAUSE_VERBS = _set("hedge_clause_verbs")
NEUTRAL_MODIFIERS = _set("neutral_modifiers")
REGION_CUES: Mapping[str, object] = MappingProxyType(dict(WORDS.get("region_cues", {})))
