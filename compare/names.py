"""Names stage (framing and facts): spelling keys, variant tests and the naming lexicon.

A name written two ways ("Kyiv"/"Kiev", "Kim Jong Un"/"Kim Jong-un",
"Oleksii"/"Aleksey") is one referent under two conventions. This module gives
the comparison key (``fold``), the pairwise test (``name_variant``) and the
project's lexicon of known variants (``compare/data/names_*.jsonl``, built from
SpellingUkraine and KyivNotKiev plus a hand-made world list; sources in
``compare/data/SOURCES.md``). Nothing here calls a model.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

from .caches import memo

VariantKind = Literal["identical", "lexicon", "transliteration", "diacritics_spacing",
                      "alternative_name", "exonym"]

# Ordered rewrite rules that fold romanization choices into one key. Order
# matters: multigraphs first ("kh" before "h"), then single letters.
# Щ and Ш share one key: "shch"/"sch" (English), "szcz" (Polish) and "sch"
# (German, which is Ш) cannot be told apart letter by letter. Polish "cz"/"sz"
# and German "tsch" are "ch"/"sh" (Halicz/Halych, Tscherkasy/Cherkasy).
_FOLD_RULES: tuple[tuple[str, str], ...] = (
    ("x", "ks"), ("szcz", "sh"), ("shch", "sh"), ("tsch", "ch"), ("sch", "sh"), ("tch", "ch"),
    ("cz", "ch"), ("sz", "sh"), ("ij", "i"), ("dzh", "j"), ("dj", "j"),
    ("kh", "h"), ("gh", "g"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("ck", "k"),
    ("tz", "ts"), ("zh", "j"), ("q", "k"), ("w", "v"),
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ye", "e"), ("yo", "o"), ("yu", "u"),
    ("ya", "a"), ("ia", "a"), ("iu", "u"), ("io", "o"),
    ("iy", "i"), ("yi", "i"), ("ey", "ei"), ("ay", "ai"), ("y", "i"),
    ("h", "g"), ("'", ""),
)
# Polish/German "j" is the English "y" after a vowel before a consonant or at
# the end (Hajsyn/Haysyn, Selenskyj) and in German "yji" (Kyjiw/Kyyiv); elsewhere
# it stays "j", which is also English "j" (Tajik, Najaf).
_J_AS_Y = re.compile(r"(?<=[aeiouy])j(?![aeiou])|(?<=y)j(?=i)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ARABIC_ARTICLE = re.compile(r"\b[ae]l-")  # "al-Assad" / "Assad"
_DOUBLE = re.compile(r"(.)\1+")
_DOUBLE_VOWEL = re.compile(r"([aeiouy])\1+")
# A word-final "h" after a vowel is silent in Arabic and Persian romanizations
# (Fallujah/Falluja, Ajdabiyah/Ajdabiya, Hezbollah/Hizbulla).
_FINAL_H = re.compile(r"(?<=[aeiou])h\b")
_VOWELS = re.compile(r"[aeiou]+")
# Pair tests are cached: the fact and framing stages ask about the same
# mention pairs of a story for every article pair (~1.5 million calls on
# 50 BASIL stories, far fewer distinct pairs); 2**18 entries stay < 100 MB.
NAME_PAIR_CACHE = 2**18


@memo(maxsize=65536)
def plain(name: str) -> str:
    """Romanised, lower-cased, letters and digits only: "Kim Jong-un" -> "kimjongun"."""
    return _NON_ALNUM.sub("", anyascii(name).lower())


@memo(maxsize=65536)
def fold(name: str) -> str:
    """Comparison key that ignores romanization choices: h/g, kh/h, y/i/ii/iy,
    ts/tz, doubled letters, diacritics, hyphens and spaces.
    ``fold("Luhansk") == fold("Lugansk")``, ``fold("Zelenskyy") == fold("Zelensky")``."""
    key = _ARABIC_ARTICLE.sub("", anyascii(name).lower().replace("'", ""))
    key = _FINAL_H.sub("", key)
    # Doubled vowels go first too, so digraph rules see one letter (Dariia/Darya);
    # consonants only at the end ("zhh" is zh + h: Uzhhorod/Uzhgorod).
    key = _DOUBLE_VOWEL.sub(r"\1", _J_AS_Y.sub("y", _NON_ALNUM.sub("", key)))
    for old, new in _FOLD_RULES:
        key = key.replace(old, new)
    return _DOUBLE.sub(r"\1", key)


@memo(maxsize=65536)
def skeleton(name: str) -> str:
    """Consonant skeleton of the folded key: transliterations mostly change vowels
    (``transliteration_score`` tests the edits themselves, see ``_edits_ok``)."""
    return _VOWELS.sub("", fold(name))


@dataclass(frozen=True)
class LexiconForm:
    """One spelling of a lexicon entry and the convention it follows."""

    form: str
    convention: str


@dataclass(frozen=True)
class LexiconEntry:
    """One referent with its known spellings/names.

    ``relation`` says how the forms relate ("transliteration", "renamed",
    "alternative_name", "exonym", "disputed_name"); ``kind`` what the referent is
    ("place", "person", "first_name", "region", "organisation", ...);
    ``region`` the country whose naming is at stake, used for context cues.
    """

    id: str
    referent: str
    kind: str
    relation: str
    region: str
    forms: tuple[LexiconForm, ...]
    source: str

    def convention_of(self, form: str) -> str:
        """Convention of ``form`` (exact, else by plain key), or ""."""
        for f in self.forms:
            if f.form == form:
                return f.convention
        key = plain(form)
        return next((f.convention for f in self.forms if plain(f.form) == key), "")

    @property
    def conventions(self) -> frozenset[str]:
        return frozenset(f.convention for f in self.forms)


@dataclass(frozen=True)
class NameVariant:
    """How two spellings relate when they name the same thing."""

    kind: VariantKind
    convention_x: str
    convention_y: str
    source: str  # lexicon entry source, or "" when detected
    score: float  # 1.0 for identical/lexicon; string similarity of the keys otherwise
    relation: str = ""  # for lexicon hits: the entry's relation (e.g. "renamed")
    entry_id: str = ""


def _entry_from_dict(row: dict) -> LexiconEntry:
    forms = tuple(LexiconForm(f["form"], f["convention"]) for f in row["forms"])
    return LexiconEntry(row["id"], row["referent"], row.get("kind", ""), row.get("relation", ""),
                        row.get("region", ""), forms, row.get("source", ""))


def _data_files(prefix: str, suffix: str) -> list:
    root = resources.files("compare.data")
    return sorted((p for p in root.iterdir() if p.name.startswith(prefix) and p.name.endswith(suffix)),
                  key=lambda p: p.name)


@memo(maxsize=1)
def lexicon_entries() -> tuple[LexiconEntry, ...]:
    """All entries of ``compare/data/names_*.jsonl``, loaded once."""
    out = []
    for path in _data_files("names_", ".jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(_entry_from_dict(json.loads(line)))
    return tuple(out)


@memo(maxsize=1)
def _form_index() -> dict[str, list[tuple[LexiconEntry, str]]]:
    """plain(form) -> [(entry, form)], for lookups by any spelling."""
    index: dict[str, list[tuple[LexiconEntry, str]]] = {}
    for entry in lexicon_entries():
        for f in entry.forms:
            index.setdefault(plain(f.form), []).append((entry, f.form))
    return index


def lexicon_lookup(name: str) -> list[tuple[LexiconEntry, str]]:
    """Entries having ``name`` as one of their forms (ignoring case, diacritics, hyphens)."""
    return list(_form_index().get(plain(name), ()))


@memo(maxsize=1)
def distinct_pairs() -> frozenset[frozenset[str]]:
    """Look-alike names of different things (Austria/Australia), from
    ``compare/data/distinct_names.csv``: never merged by the detector."""
    return frozenset(frozenset(map(fold, pair)) for pair in _distinct_rows() if fold(pair[0]) != fold(pair[1]))


@memo(maxsize=1)
def _distinct_rows() -> tuple[tuple[str, str], ...]:
    rows = []
    for path in _data_files("distinct_names", ".csv"):
        for row in csv.reader(path.read_text(encoding="utf-8").splitlines()):
            if len(row) >= 2 and not row[0].startswith("#"):
                rows.append((row[0], row[1]))
    return tuple(rows)


@memo(maxsize=1)
def _distinct_plain() -> frozenset[frozenset[str]]:
    """The look-alike pairs that fold to one key (Paris/Parys), by their letters."""
    return frozenset(frozenset(map(plain, pair)) for pair in _distinct_rows())


# Lexicon pairs that are not spellings of one name keep their relation as kind.
_LEXICON_KINDS: dict[str, VariantKind] = {"exonym": "exonym", "renamed": "alternative_name",
                                          "alternative_name": "alternative_name", "disputed_name": "alternative_name"}


def _lexicon_variant(x: str, y: str) -> NameVariant | None:
    for entry, form_x in lexicon_lookup(x):
        for f in entry.forms:
            if plain(f.form) == plain(y) and plain(form_x) != plain(y):
                return NameVariant(_LEXICON_KINDS.get(entry.relation, "lexicon"), entry.convention_of(form_x),
                                   f.convention, entry.source, 1.0, entry.relation, entry.id)
    return None


# Minimum normalised similarity of folded keys for a detected transliteration.
# Measured with benchmarks/transliteration.py on the tune half of the Ukrainian
# lexicon pairs (1,143 pairs): 0.60 -> 878 found, 0.65 -> 875, 0.70 -> 872,
# 0.75 -> 851; the only look-alike of ~174,000 country/city pairs that passes the
# edit rules, Paraguay/Prague, scores 0.62.
TRANSLITERATION_MIN_SIMILARITY = 0.65


# A "c" that is not part of "ch" (folded to "cg", as every h is g): Polish,
# Czech, Croatian, Latvian and the Ukrainian scientific romanization write
# "ts" so (Bila Cerkva/Bila Tserkva, Antracit/Antratsyt, Braclav/Bratslav),
# English writes "k" or "s".
_LONE_C = re.compile(r"c(?!g)")


def _c_as_ts(fx: str, fy: str) -> tuple[str, str]:
    """Keys with a lone "c" read as "ts" when the other key writes "ts" and
    has no lone "c" itself: English names keep their "c" (Colombia/Kolombia
    stay what the other rules say)."""
    if _LONE_C.search(fx) and "ts" in fy and not _LONE_C.search(fy):
        return _LONE_C.sub("ts", fx), fy
    if _LONE_C.search(fy) and "ts" in fx and not _LONE_C.search(fx):
        return fx, _LONE_C.sub("ts", fy)
    return fx, fy


# Russian "ё" after a consonant, romanised "yo" or "e" (Gorbachyov/Gorbachev,
# Pyotr/Petr, Oryol/Orel, Artyom/Artem): "yo" folds to "o" otherwise.
_YO = re.compile(r"(?<=[bcdfghklmnprstvz])yo")


def _yo_as_e(x: str, y: str, fx: str, fy: str) -> tuple[str, str]:
    """Keys with a "yo" after a consonant read as "e" when only one name writes it."""
    px, py = plain(x), plain(y)
    if _YO.search(px) and not _YO.search(py):
        return fold(_YO.sub("e", px)), fy
    if _YO.search(py) and not _YO.search(px):
        return fx, fold(_YO.sub("e", py))
    return fx, fy


# Shortest key a one-rule variant may have: Lyon/Len (3 letters) are two names.
ONE_RULE_MIN = 4


def _one_rule_score(x: str, y: str, fx: str, fy: str) -> float:
    """Similarity when one letter rule ("c" = "ts", "yo" = "e") is the only
    change, but for a vowel pair (Truskawiec/Truskavets); 0.0 otherwise: with
    other edits too it is a look-alike (Cypress/Tsipras)."""
    for cx, cy in (_c_as_ts(fx, fy), _yo_as_e(x, y, fx, fy)):
        if (cx, cy) != (fx, fy) and min(len(cx), len(cy)) >= ONE_RULE_MIN and (cx == cy or _diphthongs_only(cx, cy)):
            return Levenshtein.normalized_similarity(cx, cy)
    return 0.0


@memo(maxsize=NAME_PAIR_CACHE)
def transliteration_score(x: str, y: str) -> float:
    """Similarity in [0, 1] of two names as transliterations, 0 when they are
    not (an edit romanizations do not make, such as a changed consonant; one
    extends the other; a different ending; a known look-alike pair)."""
    fx, fy = fold(x), fold(y)
    if not fx or not fy:
        return 0.0
    if frozenset((fx, fy)) in distinct_pairs() or frozenset((plain(x), plain(y))) in _distinct_plain():
        return 0.0
    one_rule = _one_rule_score(x, y, fx, fy)
    if one_rule:
        return one_rule
    if fx == fy:
        return 1.0
    if fx.startswith(fy) or fy.startswith(fx):  # Niger/Nigeria, Sudan/Sudanese
        return 0.0
    size = min(len(plain(x)), len(plain(y)))
    if min(len(fx), len(fy)) <= SHORT_NAME and not _diphthongs_only(fx, fy):
        return 0.0
    if not _same_ending(fx, fy) or not _edits_ok(fx, fy, size):
        return 0.0
    return Levenshtein.normalized_similarity(fx, fy)


_VOWEL_SET = frozenset("aeiou")
# Vowel pairs that romanizations swap (Mohammed/Muhammad, Kuwait/Kuweit,
# Oleksii/Aleksey, Kharkiv/Kharkov). a/i, a/u, u/i, u/e swaps are not in the
# set: they turn Biden into Baden and Putin into Patin.
_VOWEL_SWAPS = frozenset(map(frozenset, ("ou", "ae", "ei", "ao", "io", "eo")))
# Swaps allowed only in longer names, where one letter is a small share of the
# word: Arabic damma/fatha (Abdullah/Abdallah, Nasrallah/Nasrullah), and one
# consonant pair per name: Arabic qaf as g/k/q (Gaddafi/Kadhafi), final
# devoicing and Polish/German s (Kremenchuk/Kremenchug, Izmail/Ismail,
# Nemirov/Nemiroff), Wade-Giles t for Pinyin d (Shantung/Shandong). p/b (Taipei/
# Taibei) is left out: it merged 4 more lexicon look-alikes and found no more pairs.
_LONG_NAME_SWAPS = frozenset(map(frozenset, ("au", "ai")))
_CONSONANT_SWAPS = frozenset(map(frozenset, ("gk", "sz", "vf", "td")))
LONG_NAME = 7
# Consonant swaps from this many letters (shorter name as written). Measured as
# above: no swaps 865/1,143 tune pairs, from 7 letters 872, from 6 or 5 letters
# 875, with no look-alike merged at any of these; 6 is the cautious of the two.
CONSONANT_SWAP_NAME = 6
# Folded keys this short differ in one vowel too easily (Mali/Male): they must
# fold equal or differ only by one vowel next to another vowel (Sergii/Sergei),
# and keys shorter than DIPHTHONG_NAME not even that (Ghana/Guyana; Kyiv/Kiev
# comes from the lexicon).
SHORT_NAME = 5
DIPHTHONG_NAME = 5


_E_I = frozenset("ei")


def _diphthongs_only(fx: str, fy: str) -> bool:
    """Do ``fx`` and ``fy`` differ only by one vowel added next to another
    vowel, or by e/i inside a vowel pair on both sides (al-Qaeda/al-Qaida:
    ae/ai; not a/e: Macao/Maceio)?"""
    ops = Levenshtein.editops(fx, fy)
    if min(len(fx), len(fy)) < DIPHTHONG_NAME or len(ops) != 1:
        return False
    op, i, j = ops[0]
    if op == "replace":
        return frozenset((fx[i], fy[j])) == _E_I and _in_vowel_cluster(fx, i) and _in_vowel_cluster(fy, j)
    return _in_vowel_cluster(*((fx, i) if op == "delete" else (fy, j)))


def _same_ending(fx: str, fy: str) -> bool:
    """A final "a" marks a feminine or another name (Aleksandr/Aleksandra,
    Slatina/Slatino, Colombia/Colombo, Hrebinka/Hrebinky): a name ending in "a"
    and one ending otherwise are different names, unless the other ends in "e",
    how Ukrainian -e, Russian -oe/-ye and English spellings end the same word
    (Zaporizhzhia/Zaporozhye). Other final vowels do swap (Dmytro/Dmitry)."""
    ex, ey = fx[-1], fy[-1]
    return ex == ey or "a" not in (ex, ey) or "e" in (ex, ey)


def _edits_ok(fx: str, fy: str, size: int) -> bool:
    """Every edit from ``fx`` to ``fy`` is one romanizations make: an allowed vowel
    swap, a vowel added or dropped next to another vowel (Kyiv/Kiev, Sergii/Sergei),
    at most one vowel that makes a syllable, not the first (Tehran/Teheran,
    Volodymyr/Vladimir; two: Paraguay/Prague), and in longer names one allowed
    consonant swap. ``size``: letters of the shorter name as written."""
    allowed = _VOWEL_SWAPS | _LONG_NAME_SWAPS if size >= LONG_NAME else _VOWEL_SWAPS
    consonant_swaps = syllables = 0
    for op, i, j in Levenshtein.editops(fx, fy):
        key, k = (fx, i) if op == "delete" else (fy, j)
        if op == "replace":
            pair = frozenset((fx[i], fy[j]))
            if pair in _CONSONANT_SWAPS and size >= CONSONANT_SWAP_NAME:
                consonant_swaps += 1
            elif pair not in allowed:
                return False
        elif key[k] not in _VOWEL_SET or k == 0 and not _in_vowel_cluster(key, k):
            return False  # a consonant, or a first syllable (Khotyn/Yahotyn, Asmara/Samara)
        elif not _in_vowel_cluster(key, k):
            syllables += 1
    return consonant_swaps <= 1 and syllables <= 1


def _in_vowel_cluster(key: str, i: int) -> bool:
    """Is ``key[i]`` a vowel next to another vowel?"""
    return key[i] in _VOWEL_SET and any(0 <= k < len(key) and key[k] in _VOWEL_SET for k in (i - 1, i + 1))


def _multiword_transliteration(x: str, y: str) -> float:
    """Word-by-word test for names of the same length ("Aleksey Danilov")."""
    wx, wy = x.split(), y.split()
    if len(wx) != len(wy) or len(wx) < 2:
        return 0.0
    scores = [1.0 if plain(a) == plain(b) else transliteration_score(a, b) for a, b in zip(wx, wy)]
    return min(scores) if all(s >= TRANSLITERATION_MIN_SIMILARITY for s in scores) else 0.0


@memo(maxsize=NAME_PAIR_CACHE)
def name_variant(x: str, y: str) -> NameVariant | None:
    """How ``x`` and ``y`` relate as spellings of one name, or None when they
    are different names (Austria/Australia, Iran/Iraq, Slovakia/Slovenia).

    Order: identical text, lexicon entry, same letters after removing
    diacritics/spaces/hyphens, transliteration (``detected_transliteration``)
    unless both names are forms of different lexicon entries. Lexicon
    romanization pairs have kind "lexicon";
    alternative names and exonyms that share no letters (Burma/Myanmar,
    Ivory Coast/Côte d'Ivoire) come only from the lexicon, with kind
    "alternative_name" or "exonym" and ``relation`` naming the entry's relation.
    """
    x, y = " ".join(x.split()), " ".join(y.split())
    if not x or not y:
        return None
    if x == y:
        return NameVariant("identical", "", "", "", 1.0)
    hit = _lexicon_variant(x, y)
    if hit is not None:
        return hit
    if plain(x) == plain(y):
        return NameVariant("diacritics_spacing", spelling_style(x), spelling_style(y), "", 1.0)
    if _lexicon_keeps_apart(x, y):
        return None
    score = detected_transliteration(x, y)
    return NameVariant("transliteration", "", "", "", round(score, 3)) if score else None


def _lexicon_keeps_apart(x: str, y: str) -> bool:
    """Both names are lexicon forms, of different entries only: two referents
    (Beryslav/Boryslav, Halyna/Olena, Shakhtarsk/Shakhtarske), whatever the letters say."""
    ids_x = {entry.id for entry, _ in lexicon_lookup(x)}
    ids_y = {entry.id for entry, _ in lexicon_lookup(y)}
    return bool(ids_x and ids_y) and not ids_x & ids_y


def detected_transliteration(x: str, y: str) -> float:
    """Score of ``x``/``y`` as one name romanised two ways, by the letter rules
    alone (no lexicon), or 0.0 when the rules do not merge them."""
    score = max(transliteration_score(x, y), _multiword_transliteration(x, y))
    return score if score >= TRANSLITERATION_MIN_SIMILARITY and not _one_word_is_common(x, y) else 0.0


def _one_word_is_common(x: str, y: str) -> bool:
    # Lower-case common words ("on"/"in") are not names.
    return x.islower() or y.islower()


def spelling_style(name: str) -> str:
    """A short neutral description of how a name is written (for diacritics/spacing)."""
    parts = []
    if anyascii(name) != name:
        parts.append("with diacritics")
    if "-" in name:
        parts.append("hyphenated")
    elif " " in name.strip():
        parts.append("separate words")
    else:
        parts.append("one word")
    return ", ".join(parts)


@memo(maxsize=1)
def _mention_pattern() -> tuple[re.Pattern, dict[str, list[tuple[LexiconEntry, str]]]]:
    """One regex over every Latin-script form, longest first; case-sensitive,
    because lower-case look-alikes ("bile", "nina") are ordinary words."""
    by_form: dict[str, list[tuple[LexiconEntry, str]]] = {}
    for entry in lexicon_entries():
        for f in entry.forms:
            if f.form and anyascii(f.form[0]) == f.form[0] and len(f.form) > 2:
                by_form.setdefault(f.form, []).append((entry, f.convention))
    forms = sorted(by_form, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])")
    return pattern, by_form


def find_lexicon_mentions(text: str) -> list[tuple[int, int, LexiconEntry, str]]:
    """Every lexicon form in ``text`` as ``(start, end, entry, form_convention)``,
    longest match first, non-overlapping, in text order. A form listed by several
    entries yields one tuple per entry (a place and a person may share a name)."""
    pattern, by_form = _mention_pattern()
    out = []
    for match in pattern.finditer(text):
        for entry, convention in by_form[match.group(0)]:
            out.append((match.start(), match.end(), entry, convention))
    return out
