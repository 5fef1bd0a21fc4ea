"""Data build step (not run by the pipeline): shared lexicons -> names_ukraine.jsonl.

Reads SpellingUkraine (MIT) and the KyivNotKiev pairs from ``../shared/data/lexicons``
and writes the project's own entry list, where every spelling carries the
convention it follows. SpellingUkraine marks one spelling "correct"; here that
is only "Ukrainian-derived romanization", never right or wrong.

    python -m compare.data.build_names [--lexicons PATH]
"""
from __future__ import annotations

import argparse
import json
import re
from difflib import SequenceMatcher
from pathlib import Path

from rapidfuzz.distance import Levenshtein

UKR = "Ukrainian-derived romanization"
RUS = "Russian-derived romanization"
OTHER = "other spelling"
TRANSLATION = "other name or other-language form"
INTERNATIONAL = "international form"
# First-name spellings that are also the ordinary form in many languages:
# writing them follows no Ukrainian/Russian convention.
_INTERNATIONAL_FORMS = {"Alexander", "Alexandra", "Maria", "Sofia", "Natalia", "Victoria", "Viktoria",
                        "Anastasia", "Daria", "Nadia", "Nina", "Alina", "Victor", "Viktor", "Marina",
                        "Katerina", "Tatiana", "Julia", "Angelina", "Margarita", "Denis", "Philip",
                        "Filip", "Taras", "Yana", "Oksana", "Artem", "Petr", "Natalie", "Katrina"}
# English (or Greek/Latin) equivalents and diminutives: names of their own, no romanization.
_EQUIVALENTS = {"Andrew", "Michael", "Mitchell", "Margaret", "Serge", "Peter", "Paul", "George", "Nicholas",
                "Eugene", "Helen", "Mary", "Alexis", "Theodore", "Dima", "Sasha", "Masha", "Dasha", "Natasha",
                "Lyosha", "Vika", "Zhenia", "Jenia", "Tania", "Katia", "Svieta", "Demetrius", "Anen"}

# Ukrainian national romanization (2010) and a BGN/PCGN-like Russian table:
# enough to tell which source language a Latin spelling follows.
_UK_TABLE = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'’",
                     ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m", "n",
                      "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia", "", ""]))
_RU_TABLE = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))
_RU_TABLE_I = {**_RU_TABLE, "й": "i"}
_UKRAINIAN_ONLY = set("іїєґ")
_RUSSIAN_ONLY = set("ыэъё")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Letter swaps that mark a Latin spelling as following Russian pronunciation
# when no Russian Cyrillic form is listed: Ukrainian h/y/i vs Russian g/i/o,e.
_RUSSIAN_MARKS = {("h", "g"), ("y", "i"), ("i", "o"), ("i", "e"), ("e", "o"), ("ia", "ya")}
# Food words in KyivNotKiev: not names of news referents.
_SKIP_PAIRS = {"Borsch", "Vareniki", "Chicken Kiev"}
_KINDS = {"City": "place", "Settlement": "place", "Village": "place", "Town": "place", "Region": "region",
          "Country": "country", "Person": "person", "Personal name": "first_name", "Company": "organisation",
          "Phrase": "phrase"}


def romanize(cyrillic: str, table: dict[str, str]) -> str:
    out = []
    for ch in cyrillic.lower():
        out.append(table.get(ch, ch))
    return "".join(out)


def light(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def russian_marks(ukrainian: str, variant: str) -> bool:
    """Does ``variant`` differ from the Ukrainian-derived form in a Russian way?"""
    a, b = light(ukrainian), light(variant)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "replace" and (a[i1:i2], b[j1:j2]) in _RUSSIAN_MARKS:
            return True
    return False


def classify(form: str, ukr_form: str, ru_cyrillic: list[str]) -> str:
    """Convention of a Latin spelling of a Ukrainian name."""
    if _CYRILLIC.search(form) or len(light(form)) < 4:
        return ""
    if form in _INTERNATIONAL_FORMS:
        return INTERNATIONAL
    if form in _EQUIVALENTS:
        return TRANSLATION
    if not form.isascii():
        return TRANSLATION  # Polish, German, Czech... spellings
    ukr, cand = light(ukr_form), light(form)
    # Both common renderings of й ("Andrey" / "Andrei"); x is "ks" in practice ("Alexei").
    ru = [light(romanize(c, table)) for c in ru_cyrillic for table in (_RU_TABLE, _RU_TABLE_I)]
    cand = cand.replace("x", "ks")
    s_ukr = Levenshtein.normalized_similarity(cand, ukr)
    s_ru = max((Levenshtein.normalized_similarity(cand, r) for r in ru), default=0.0)
    if max(s_ukr, s_ru) < 0.6:
        return TRANSLATION
    if ru and s_ru > s_ukr and s_ru >= 0.7:
        return RUS
    if not ru and russian_marks(ukr_form, form.replace("x", "ks")):
        return RUS
    return UKR if s_ukr >= 0.7 else OTHER


def russian_cyrillic(row: dict) -> list[str]:
    """Russian Cyrillic forms listed among the related spellings."""
    forms = [s for s in row.get("relatedSpellings", []) if _CYRILLIC.search(s)]
    return [s for s in forms if set(s.lower()) & _RUSSIAN_ONLY or not set(s.lower()) & _UKRAINIAN_ONLY]


def country_forms(row: dict) -> list[dict]:
    """A country's English name is no romanization choice; "The Ukraine" is an older usage."""
    forms = [{"form": row["correctSpelling"], "convention": "English name"}]
    for form in row.get("incorrectSpellings", []) + row.get("relatedSpellings", []):
        if not _CYRILLIC.search(form):
            old = form.lower().startswith("the ")
            forms.append({"form": form, "convention": "older English usage with the article" if old else TRANSLATION})
    return forms


def spelling_ukraine_entry(row: dict) -> dict:
    ru = russian_cyrillic(row)
    forms = [{"form": row["correctSpelling"], "convention": UKR}]
    if row["category"] == "Country":
        forms = country_forms(row)
    for form in row.get("incorrectSpellings", []) + row.get("relatedSpellings", []) if len(forms) == 1 else []:
        convention = classify(form, row["correctSpelling"], ru)
        if convention and all(f["form"] != form for f in forms):
            forms.append({"form": form, "convention": convention})
    name = row["file"].rsplit("/", 1)[-1].removesuffix(".json")
    return {"id": f"ua:{name}", "referent": f"{row['correctSpelling']} ({row['sourceSpelling']})",
            "kind": _KINDS.get(row["category"], "other"), "relation": "transliteration", "region": "Ukraine",
            "forms": forms, "source": f"SpellingUkraine (MIT), {row['file']}"}


def add_kyivnotkiev(entries: list[dict], pair: dict) -> None:
    """Merge one KyivNotKiev pair into the entry of its Ukrainian form, or add one."""
    ukr, rus = pair["ukrainian_derived"], pair["russian_derived"]
    source = f"KyivNotKiev ({pair['source']})"
    for entry in entries:
        if any(f["form"] == ukr for f in entry["forms"]):
            for f in entry["forms"]:
                if f["form"] == rus:
                    f["convention"] = RUS
                    break
            else:
                entry["forms"].append({"form": rus, "convention": RUS})
            entry["source"] += f"; {source}"
            return
    relation = "renamed" if light(ukr)[:3] != light(rus)[:3] else "transliteration"
    entries.append({"id": f"kyivnotkiev:{light(ukr)}", "referent": ukr, "kind": "place" if " " not in ukr else "name",
                    "relation": relation, "region": "Ukraine",
                    "forms": [{"form": ukr, "convention": UKR}, {"form": rus, "convention": RUS}], "source": source})


def build(lexicons: Path) -> list[dict]:
    rows = [json.loads(line) for line in (lexicons / "spelling_ukraine.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    entries = [spelling_ukraine_entry(r) for r in rows]
    for line in (lexicons / "kyivnotkiev_pairs.jsonl").read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        if pair["russian_derived"] not in _SKIP_PAIRS:
            add_kyivnotkiev(entries, pair)
    return entries


def main() -> None:
    default = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lexicons"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lexicons", type=Path, default=default)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("names_ukraine.jsonl"))
    args = parser.parse_args()
    entries = build(args.lexicons)
    args.out.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    print(f"wrote {len(entries)} entries to {args.out}")


if __name__ == "__main__":
    main()
