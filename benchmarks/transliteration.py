"""Transliteration detector (compare/names.py letter rules, no lexicon): recall of variant pairs, look-alike merges.

    python benchmarks/transliteration.py            # figures per pair set, tune half / held-out half / all
    python benchmarks/transliteration.py --misses   # also list the variant pairs the rules miss and every merge
    python benchmarks/transliteration.py --sets hand,places   # some pair sets (lexicon-cross takes ~1 min)

The rules are measured without the lexicon (``names.detected_transliteration``), so
a pair the lexicon lists still counts as a miss when the letters alone do not give it.

Variant pairs (same referent, two spellings):
  lexicon-ua     compare/data/names_ukraine.jsonl, forms of one entry that follow a romanization
                 (Ukrainian-/Russian-derived or "other spelling"; translations and equivalents left out)
  lexicon-world  compare/data/names_world.jsonl, entries with relation "transliteration"
                 (Peking/Beijing is here too: no letter rule should get it)
  spelling-ua    ../shared/data/lexicons/spelling_ukraine.jsonl, the listed spelling vs each other Latin spelling
  kyivnotkiev    ../shared/data/lexicons/kyivnotkiev_pairs.jsonl, Ukrainian- vs Russian-derived toponym
                 (includes renamings such as Dnipropetrovsk/Dnipro, which belong to the lexicon)
  hand           tests/test_names.py DETECTED (world names, written while tuning: not held out)
Look-alike pairs (different referents; every merge is an error), counted for the
letter rules alone and for the tool's test (``names.name_variant``, which also keeps
apart two names the lexicon lists under different entries):
  distinct       compare/data/distinct_names.csv and tests/test_names.py DIFFERENT
  lexicon-cross  forms of two different lexicon entries (same number of words)
  places         every pair of English country/territory names (babel) and IANA time-zone
                 cities (tzdata), except zones the tz database links (Kiev -> Kyiv)

Halves: each entry (or pair) goes to the tune or held-out half by a hash of its id, so
the rules were tuned looking only at the tune half's misses; the held-out figure is
the estimate for unseen names.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import sys
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import REPO, SHARED, read_jsonl  # noqa: E402

from compare import names  # noqa: E402

LEXICONS = SHARED / "data" / "lexicons"
ROMANIZATIONS = {"Ukrainian-derived romanization", "Russian-derived romanization", "other spelling"}


def half(key: str) -> str:
    return "tune" if hashlib.md5(key.encode()).digest()[0] % 2 == 0 else "held-out"


def detected(x: str, y: str) -> bool:
    rule = getattr(names, "detected_transliteration", None)
    if rule is not None:
        return rule(x, y) > 0
    # Before the rules were split from the lexicon (commit b3cdb9a): the same test inline.
    score = max(names.transliteration_score(x, y), names._multiword_transliteration(x, y))
    return score >= names.TRANSLITERATION_MIN_SIMILARITY and not names._one_word_is_common(x, y)


def _pairs(forms: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in itertools.combinations(dict.fromkeys(forms), 2) if names.plain(a) != names.plain(b)]


def _lexicon(file: str) -> list[dict]:
    return read_jsonl(Path(str(resources.files("compare.data") / file)))


def lexicon_ua() -> list[tuple[str, str, str]]:
    out = []
    for row in _lexicon("names_ukraine.jsonl"):
        if row["relation"] == "transliteration":
            forms = [f["form"] for f in row["forms"] if f["convention"] in ROMANIZATIONS]
            out += [(row["id"], a, b) for a, b in _pairs(forms)]
    return out


def lexicon_world() -> list[tuple[str, str, str]]:
    return [(row["id"], a, b) for row in _lexicon("names_world.jsonl") if row["relation"] == "transliteration"
            for a, b in _pairs([f["form"] for f in row["forms"]])]


def spelling_ua() -> list[tuple[str, str, str]]:
    out = []
    for row in read_jsonl(LEXICONS / "spelling_ukraine.jsonl"):
        others = [s for s in row.get("incorrectSpellings", []) if s.isascii()]
        out += [(row["file"], row["correctSpelling"], s) for s in others
                if names.plain(s) != names.plain(row["correctSpelling"])]
    return out


def kyivnotkiev() -> list[tuple[str, str, str]]:
    return [(p["ukrainian_derived"], p["ukrainian_derived"], p["russian_derived"])
            for p in read_jsonl(LEXICONS / "kyivnotkiev_pairs.jsonl")]


def _test_lists():
    sys.path.insert(0, str(REPO / "tests"))
    import test_names  # the hand lists live with their tests

    return test_names


def hand() -> list[tuple[str, str, str]]:
    return [(f"{a}/{b}", a, b) for a, b in _test_lists().DETECTED]


def distinct() -> list[tuple[str, str, str]]:
    path = Path(str(resources.files("compare.data") / "distinct_names.csv"))
    rows = [r for r in csv.reader(path.read_text(encoding="utf-8").splitlines()) if r and not r[0].startswith("#")]
    pairs = {(r[0], r[1]) for r in rows} | {(a, b) for a, b in _test_lists().DIFFERENT if a and b}
    return [(f"{a}/{b}", a, b) for a, b in sorted(pairs)]


def lexicon_cross() -> list[tuple[str, str, str]]:
    forms: dict[str, set[str]] = {}  # form -> entry ids
    for file in ("names_ukraine.jsonl", "names_world.jsonl"):
        for row in _lexicon(file):
            for f in row["forms"]:
                forms.setdefault(f["form"], set()).add(row["id"])
    out = []
    for a, b in itertools.combinations(sorted(forms), 2):
        if forms[a] & forms[b] or len(a.split()) != len(b.split()) or names.plain(a) == names.plain(b):
            continue
        if names.name_variant(a, b) is not None and names.name_variant(a, b).kind != "transliteration":
            continue  # the lexicon links them through a third form
        out.append((f"{a}/{b}", a, b))
    return out


def _tz_groups() -> dict[str, str]:
    """City name -> zone group, from the tz database's zones and links."""
    text = (resources.files("tzdata") / "zoneinfo" / "tzdata.zi").read_text(encoding="utf-8")
    parent: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == "Z":
            parent.setdefault(parts[1], parts[1])
        elif parts and parts[0] == "L":
            parent[parts[2]] = parts[1]
    groups = {}
    for zone, target in parent.items():
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
        if "/" in zone and not city[-1].isdigit() and not zone.startswith("Etc/"):
            groups.setdefault(city, parent.get(target, target))
    return groups


def places() -> list[tuple[str, str, str]]:
    from babel import Locale

    groups = _tz_groups()
    for code, name in Locale("en").territories.items():
        if code.isalpha():  # not the numeric world regions
            groups.setdefault(name, "country:" + code)
    out = []
    for a, b in itertools.combinations(sorted(groups), 2):
        if groups[a] != groups[b] and names.plain(a) != names.plain(b) and len(a.split()) == len(b.split()):
            out.append((f"{a}/{b}", a, b))
    return out


VARIANTS = {"lexicon-ua": lexicon_ua, "lexicon-world": lexicon_world, "spelling-ua": spelling_ua,
            "kyivnotkiev": kyivnotkiev, "hand": hand}
LOOK_ALIKES = {"distinct": distinct, "lexicon-cross": lexicon_cross, "places": places}


def report_variants(show: bool, sets: set[str]) -> None:
    print(f"{'variant pairs':14} {'tune':>13} {'held-out':>13} {'all':>13}")
    for name, load in VARIANTS.items():
        if sets and name not in sets:
            continue
        rows = load()
        hits = {h: [detected(a, b) for k, a, b in rows if h in ("all", half(k))] for h in ("tune", "held-out", "all")}
        cells = [f"{sum(v):4d}/{len(v):4d} {sum(v) / max(len(v), 1):.2f}" for v in hits.values()]
        print(f"{name:14} " + " ".join(f"{c:>13}" for c in cells))
        if show:
            for k, a, b in rows:
                if not detected(a, b):
                    print(f"    miss [{half(k)}] {a} / {b}")


def report_look_alikes(show: bool, sets: set[str]) -> None:
    print(f"\n{'look-alikes':14} {'pairs':>8} {'rules':>6} {'tool':>6}   (merged by the letter rules / by names.name_variant)")
    for name, load in LOOK_ALIKES.items():
        if sets and name not in sets:
            continue
        rows = load()
        merged = [(a, b) for _, a, b in rows if detected(a, b)]
        tool = [(a, b) for a, b in merged if names.name_variant(a, b) is not None]
        print(f"{name:14} {len(rows):8d} {len(merged):6d} {len(tool):6d}")
        if show:
            for a, b in merged:
                print(f"    merged {a} / {b}" + ("  (also by the tool)" if (a, b) in tool else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list missed variant pairs and every merge")
    parser.add_argument("--sets", default="", help="comma-separated pair sets (default: all)")
    args = parser.parse_args()
    sets = set(filter(None, args.sets.split(",")))
    report_variants(args.misses, sets)
    report_look_alikes(args.misses, sets)


if __name__ == "__main__":
    main()
