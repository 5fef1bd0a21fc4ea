"""Linking stage, pairwise signals: is mention ``a`` the same referent as mention ``b``?

Each signal is a small pure function of two ``Mention``s (and, for the
contextual one, their vectors). ``pair_evidence`` combines them into the
one-line reason a link is made, or "" when the pair must not link. The
contribution of each signal on ECB+ is in docs/links.md.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..encoders import supports_tokens
from ..lexicon import REPORT_VERBS, WEEKDAYS
from ..names import name_variant, plain
from .mentions import Mention, bare_name
from .time import anchors_conflict
from .wordnet import relation

# Entity subtypes that never name one referent together (a person is not a
# place); "thing" (a common noun) and "group" may stand for any of them.
TYPED = frozenset({"person", "organisation", "place", "date", "number"})


def same_head(a: Mention, b: Mention) -> bool:
    """Same stem of the head lemma ("announced" / "announcement"); pronouns never count."""
    return (a.stem or a.head) == (b.stem or b.head) and not (a.pronoun or b.pronoun)


def compound_head(a: Mention, b: Mention, shortest: int = 4) -> bool:
    """One head word ends with the other, at least ``shortest`` letters
    ("quake" / "earthquake", "ship" / "warship"); not names nor pronouns."""
    if a.pronoun or b.pronoun or a.name or b.name:
        return False
    x, y = sorted((a.head, b.head), key=len)
    return x != y and len(x) >= shortest and y.endswith(x)


def name_match(a: str, b: str, people: bool = False) -> str:
    """How two proper names are one name ("identical", "transliteration",
    "surname" ...), or "" when they are different names. A name inside a
    longer name is not that name: "Russia" / "United Russia" -> ""; for
    ``people``, a lone surname matches the full name that ends with it
    ("Reid" / "Tara Reid")."""
    if not a or not b:
        return ""
    variant = name_variant(a, b)
    if variant is not None:
        return variant.kind
    if people:
        a, b = bare_name(a), bare_name(b)
        variant = name_variant(a, b)
        if variant is not None:
            return variant.kind
    x, y = sorted((a.replace(".", "").split(), b.replace(".", "").split()), key=len)
    if people and len(y) > len(x) and all(w[:1].isupper() for w in y) and name_variant(" ".join(x), " ".join(y[-len(x):])) is not None:
        return "surname"
    return ""


def same_surface(a: Mention, b: Mention) -> bool:
    """Both mentions are names written alike (the parser's entity labels may
    still disagree: "Hasim Rahman" tagged once a person, once an organisation)."""
    return bool(a.name and b.name) and plain(a.text) == plain(b.text) and a.kind == b.kind


def types_compatible(a: Mention, b: Mention) -> bool:
    """False when the two mentions have different known entity types."""
    if a.kind != b.kind:
        return False
    ta = a.subtype if a.subtype in TYPED else ""
    tb = b.subtype if b.subtype in TYPED else ""
    return not (ta and tb and ta != tb)


def shared_args(a: Mention, b: Mention) -> tuple[str, ...]:
    """Argument lemmas both events have (participants, place, time words)."""
    theirs = set(b.args)
    return tuple(x for x in a.args if x in theirs and x not in (a.head, b.head))


def time_conflict(a: Mention, b: Mention) -> bool:
    """The mentions (or the events' date arguments) are anchored to different days."""
    return anchors_conflict(a.time, b.time)


def token_cosine(vectors: np.ndarray | None, i: int, j: int) -> float | None:
    """Cosine of the mentions' contextual head vectors (None without vectors)."""
    if vectors is None:
        return None
    return float(vectors[i] @ vectors[j])


def pair_cosines(vectors: np.ndarray | None, pairs: Sequence[tuple[int, int]]) -> list[float | None]:
    """``token_cosine`` of each pair, in one call (``row_dots``: the same floats to the bit)."""
    if vectors is None:
        return [None] * len(pairs)
    index = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return row_dots(vectors[index[:, 0]], vectors[index[:, 1]]).tolist()


def mention_vectors(sentences: Sequence, mentions: Sequence[Mention], embedder,
                    encoded: dict | None = None) -> np.ndarray | None:
    """Per mention: the mean of the encoder's contextual vectors of the tokens
    under its head word, L2-normalised, ``(n_mentions, d)``; None when the
    embedder has no token vectors. ``sentences[k]`` are article k's sentences;
    only sentences with a mention are encoded, in the call the fact stage
    makes (cached per sentence by ``CachingEmbedder``). ``encoded``: what
    ``sentence_tokens`` gave, when the caller has it already."""
    return _token_means(sentences, mentions, embedder, lambda m: ((m.head_start, m.head_end),), encoded)


def window_vectors(sentences: Sequence, mentions: Sequence[Mention], embedder,
                   encoded: dict | None = None, heads: np.ndarray | None = None) -> np.ndarray | None:
    """Per mention: the same mean over the words of its context window
    (``Mention.window``: an entity's noun phrase and governor), from the
    same token vectors (no second encoder pass); a mention without a
    window gets its head's vector (its row of ``heads``, what
    ``mention_vectors`` gave, when the caller has it)."""
    if heads is None:
        return _token_means(sentences, mentions, embedder, lambda m: m.window or ((m.head_start, m.head_end),), encoded)
    out = heads.copy()
    rows = [k for k, m in enumerate(mentions) if m.window]
    if rows:  # each row's mean is taken alone: the same vectors as over all mentions
        out[rows] = _token_means(sentences, [mentions[k] for k in rows], embedder, lambda m: m.window, encoded)
    return out


def sentence_tokens(sentences: Sequence, mentions: Sequence[Mention], embedder) -> dict | None:
    """(article, sentence) -> (token offsets, token vectors) of every sentence
    holding a mention, in one call; None when the embedder has no token vectors."""
    if embedder is None or not supports_tokens(embedder) or not mentions:
        return None
    needed = sorted({(m.article, m.sentence) for m in mentions})
    return dict(zip(needed, embedder.encode_tokens([sentences[k][i].text for k, i in needed])))


def _token_means(sentences: Sequence, mentions: Sequence[Mention], embedder, spans_of,
                 encoded: dict | None = None) -> np.ndarray | None:
    """Per mention: the L2-normalised mean contextual vector of the tokens
    under the character ranges ``spans_of(mention)``, ``(n_mentions, d)``.
    The tokens under every mention of a sentence are found at once; the means are taken
    as ``ndarray.mean`` does, so the vectors are the same to the bit."""
    if encoded is None:
        encoded = sentence_tokens(sentences, mentions, embedder)
    if encoded is None:
        return None
    dim = next((v.shape[1] for _, v in encoded.values() if len(v)), 1)
    out = np.zeros((len(mentions), dim), dtype=np.float32)
    by_sentence: dict[tuple[int, int], list[int]] = {}
    for row, m in enumerate(mentions):
        by_sentence.setdefault((m.article, m.sentence), []).append(row)
    for (article, index), rows in by_sentence.items():
        offsets, vectors = encoded[(article, index)]
        if len(offsets):
            start = sentences[article][index].start
            under = tokens_under([[(s - start, e - start) for s, e in spans_of(mentions[r])] for r in rows], offsets)
            out[rows] = normalised_means(vectors, under)
    return out


def tokens_under(spans: Sequence[Sequence[tuple[int, int]]], offsets: np.ndarray) -> np.ndarray:
    """``(len(spans), n_tokens)`` bool: token t overlaps one of the character
    ranges ``spans[k]`` (``offsets``: the tokens' ``(start, end)``)."""
    owner = np.repeat(np.arange(len(spans)), [len(s) for s in spans])
    ranges = np.array([r for s in spans for r in s], dtype=np.int64).reshape(-1, 2)
    hits = (offsets[None, :, 0] < ranges[:, 1:2]) & (offsets[None, :, 1] > ranges[:, 0:1])
    under = np.zeros((len(spans), len(offsets)), dtype=bool)
    np.logical_or.at(under, owner, hits)
    return under


def normalised_means(vectors: np.ndarray, under: np.ndarray) -> np.ndarray:
    """Row k: the L2-normalised mean of ``vectors[under[k]]``, zeros where
    no token is under; float32 ``(len(under), d)``. A lone token's row is
    its own mean (the mean of one row is that row, to the bit)."""
    out = np.zeros((len(under), vectors.shape[1]), dtype=np.float32)
    counts = under.sum(axis=1)
    lone = np.flatnonzero(counts == 1)
    out[lone] = vectors[under[lone].argmax(axis=1)]
    for k in np.flatnonzero(counts > 1).tolist():
        out[k] = vectors[under[k]].mean(axis=0)
    rows = np.flatnonzero(counts)
    out[rows] /= np.maximum(np.sqrt(row_dots(out[rows], out[rows])), 1e-9)[:, None]
    return out


def row_dots(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(n,)``: ``a[k] @ b[k]`` for each row k, each the same dot product (to the bit) as that
    1-D product: a stack of 1 x d by d x 1 products, which ``np.matmul`` takes one by one as
    vector dot products (an ``einsum`` or ``(a * b).sum(1)`` adds in another order)."""
    return np.matmul(a[:, None, :], b[:, :, None]).reshape(len(a))


def pair_evidence(a: Mention, b: Mention, cosine: float | None, config) -> str:
    """One line saying why ``a`` and ``b`` are one referent, or "" when they
    must not be linked. ``config`` is a ``LinksConfig``; ``cosine`` None
    (no token vectors) leaves heads and names as the only signals."""
    if a.pronoun or b.pronoun or time_conflict(a, b):
        return ""
    if same_surface(a, b):
        return f"same name '{a.text}'"
    if not types_compatible(a, b):
        return ""
    if a.name and b.name:
        people = "person" in (a.subtype, b.subtype) and {a.subtype, b.subtype} <= {"person", "thing"}
        how = name_match(a.name, b.name, people=people)
        return f"same name ({how}) '{a.name}' / '{b.name}'" if how else ""
    args = shared_args(a, b)
    said = f", shared argument '{args[0]}'" if args else ""
    if same_head(a, b):
        floor = config.same_head_min_cosine if a.kind == "event" else config.entity_same_head_min_cosine
        return f"same head '{a.head}'{said}" if cosine is None or cosine >= floor else ""
    if config.compound_heads and compound_head(a, b):
        floor = config.same_head_min_cosine if a.kind == "event" else config.entity_same_head_min_cosine
        return f"compound head '{a.head}' / '{b.head}'{said}" if cosine is None or cosine >= floor else ""
    if cosine is None:
        return ""
    if a.kind == "event":
        return event_paraphrase(a, b, cosine, args, config) or wordnet_evidence(a, b, cosine, args, config)
    if cosine >= config.entity_min_cosine:
        return f"similar '{a.head}' / '{b.head}' (cosine {cosine:.2f})"
    return wordnet_evidence(a, b, cosine, args, config)


def different_weekdays(a: Mention, b: Mention) -> bool:
    """Both mentions name a weekday and not the same one ("Thursday" /
    "Friday"): different days whatever the articles' dates."""
    x, y = ({w for w in m.text.lower().split() if w in WEEKDAYS} for m in (a, b))
    return bool(x and y and not x & y)


def context_evidence(a: Mention, b: Mention, cosine: float, window: float, config) -> str:
    """Entities of different articles with different heads, not two names
    ("rehab" / "Promises Treatment Center", "the giant" / "Microsoft"),
    whose head words and context windows are both close
    (``entity_window_head_min_cosine``, ``entity_window_min_cosine``); "" otherwise."""
    if a.kind != "entity" or a.article == b.article or same_head(a, b) or (a.name and b.name):
        return ""
    if a.pronoun or b.pronoun or not types_compatible(a, b) or time_conflict(a, b) or different_weekdays(a, b):
        return ""
    if cosine < config.entity_window_head_min_cosine or window < config.entity_window_min_cosine:
        return ""
    return f"similar in context '{a.text}' / '{b.text}' (cosine {cosine:.2f}, context {window:.2f})"


def same_request(a: Mention, b: Mention, args: tuple[str, ...], config) -> bool:
    """Two events that ask for (or aim at) the same thing of the same
    participants: the same complement verb ("appeal to Putin to recognize" /
    "calling on Putin to recognize") and ``event_min_shared_args`` shared
    argument lemmas, at any cosine (``LinksConfig.event_same_complement``)."""
    return (config.event_same_complement and bool(a.complement) and a.complement == b.complement
            and len(args) >= config.event_min_shared_args)


def event_paraphrase(a: Mention, b: Mention, cosine: float, args: tuple[str, ...], config) -> str:
    """Events named with different words: close contextual vectors and shared
    arguments ("voted" / "backed", both with lawmakers and "recognize"), or
    many shared arguments at a lower cosine ("appeal to Putin to recognize" /
    "calling on Putin to recognize")."""
    close = cosine >= config.event_min_cosine and len(args) >= config.event_min_shared_args
    strong = cosine >= config.event_args_min_cosine and len(args) >= config.event_strong_shared_args
    if same_request(a, b, args, config) and not (close or strong):
        return (f"same request '{a.head}' / '{b.head}' to '{a.complement}', "
                f"shared arguments '{', '.join(args[:3])}'")
    if not (close or strong):
        return ""
    return f"similar events '{a.head}' / '{b.head}' (cosine {cosine:.2f}), shared arguments '{', '.join(args[:3])}'"


def wordnet_evidence(a: Mention, b: Mention, cosine: float, args: tuple[str, ...], config) -> str:
    """Different heads of two articles that WordNet relates
    (``wordnet.relation``: "hit" / "strike" synonyms, "death" / "die"),
    gated as paraphrases are: events at head cosine
    ``wordnet_event_min_cosine`` with ``wordnet_min_shared_args`` shared
    arguments, common nouns (not dates nor numbers) at
    ``wordnet_entity_min_cosine``; never report verbs ("said" / "told" of
    different sayings); "" otherwise."""
    if not config.wordnet_relations or a.name or b.name or a.article == b.article:
        return ""
    if {a.head, b.head} & REPORT_VERBS or {a.subtype, b.subtype} & {"date", "number"}:
        return ""
    event = a.kind == "event"
    if event and (cosine < config.wordnet_event_min_cosine or len(args) < config.wordnet_min_shared_args):
        return ""
    if not event and cosine < config.wordnet_entity_min_cosine:
        return ""
    how = relation(a.head, b.head, "nv" if event else "n", config.wordnet_relations)
    if not how:
        return ""
    said = f", shared argument{'s' if len(args) > 1 else ''} '{', '.join(args[:3])}'" if args else ""
    return f"WordNet {how} '{a.head}' / '{b.head}' (cosine {cosine:.2f}){said}"
