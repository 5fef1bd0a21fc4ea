"""Conflict benchmark: copies of BASIL dev articles with one fact changed.

For each BASIL dev story the first article (its first ``--sentences``
sentences; ``--article 1`` or ``2``: another outlet's article, a held-out
sample) is copied and one thing is changed in one sentence:

- number: the first figure that is not a year ("15" -> "19", "3.5" -> "4.5",
  a decade "20s" -> "30s");
- date: the first weekday or month name -> the next one ("Tuesday" -> "Wednesday");
- speaker: a quote's named speaker -> another person the article names;

and, as controls, copies paraphrased without changing a fact: a few words
swapped for synonyms by rule ("said" -> "stated", "also" -> "as well") and two
neighbouring sentences swapped. Both copies keep the article's date.

A change is found when the comparison has a ``conflict`` fact whose A span
covers the changed words; a control raises a false alarm when it has any
conflict. Prints recall per kind and the false-alarm rate. Texts are read
from ../shared at run time; nothing is written.

    python benchmarks/conflicts.py [--stories 50] [--sentences 12] [--article 0]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from _common import SHARED, read_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compare.config import CompareConfig  # noqa: E402
from compare.encoders import get_embedder  # noqa: E402
from compare.pipeline import compare_articles  # noqa: E402
from compare.types import Article  # noqa: E402

BASIL = SHARED / "data" / "basil" / "basil_dev_2010_2014.jsonl"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
NUMBER = re.compile(r"(?<![\w.,$])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w,.]\d)")
MONTH_BEFORE = re.compile(r"\b(?:" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.? $")
DATE = re.compile(r"\b(" + "|".join(WEEKDAYS + MONTHS) + r")\b")
NAME = r"([A-Z][a-z]+ [A-Z][a-z]{2,})"
QUOTE_SPEAKER = re.compile(r"[,.?!][\"\u201d] (?:said |says )?" + NAME + r"(?: said| says| added|,)|"
                           r"[,.?!][\"\u201d] (?:said|says|added) " + NAME + r"\b|"
                           + NAME + r" (?:said|says|added)[:,]? [\"\u201c]")
SYNONYMS = {" said ": " stated ", " also ": " as well ", " about ": " regarding ", " but ": " yet ",
            " big ": " large ", " help ": " assist ", " start ": " begin ", " buy ": " purchase "}


def change_number(sentence: str) -> tuple[int, int, str] | None:
    for m in NUMBER.finditer(sentence):
        whole = m[0]
        digits = whole.replace(",", "")
        if re.fullmatch(r"1[89]\d\d|20\d\d", digits) or MONTH_BEFORE.search(sentence[:m.start()]):
            continue  # a year or a day of the month is a date
        value = float(digits)
        new = value + max(4, round(value * 0.3)) if "." not in digits else value + 1.0
        if sentence[m.end():m.end() + 1] == "s" and value % 10 == 0:
            new = value + 10  # a decade ("in his early 20s" -> "30s"), not "26s"
        text = f"{new:,.0f}" if "," in whole else (f"{new:g}" if "." in digits else str(int(new)))
        return m.start(), m.end(), text
    return None


def change_date(sentence: str) -> tuple[int, int, str] | None:
    m = DATE.search(sentence)
    if not m:
        return None
    names = WEEKDAYS if m[1] in WEEKDAYS else MONTHS
    return m.start(), m.end(), names[(names.index(m[1]) + 1) % len(names)]


def change_speaker(sentence: str, people: list[str]) -> tuple[int, int, str] | None:
    m = QUOTE_SPEAKER.search(sentence)
    if not m:
        return None
    group = next(g for g in (1, 2, 3) if m[g])
    other = next((p for p in people if p not in m[group] and m[group] not in p), None)
    return (m.start(group), m.end(group), other) if other else None


def paraphrase(sentences: list[str]) -> list[str] | None:
    """Synonym swaps in every sentence that has one, and two neighbours swapped."""
    out, changed = [], False
    for s in sentences:
        for old, new in SYNONYMS.items():
            if old in s:
                s, changed = s.replace(old, new, 1), True
        out.append(s)
    if len(out) >= 4:
        out[2], out[3] = out[3], out[2]
    return out if changed else None


def people_of(text: str) -> list[str]:
    """Two-word names said to have said something ("Chris Dodd said", "said Chris Dodd")."""
    found = re.findall(r"([A-Z][a-z]+ [A-Z][a-z]{2,}) (?:said|says|added|told)\b", text)
    found += re.findall(r"\b(?:said|says|added) ([A-Z][a-z]+ [A-Z][a-z]{2,})\b", text)
    return sorted(set(found))


def cases(story: dict, n_sentences: int, article_index: int = 0):
    if article_index >= len(story["articles"]):
        return
    article = story["articles"][article_index]
    sentences = [s.strip() for s in article["sentences"] if s.strip()][:n_sentences]
    text = " ".join(sentences)
    for kind, change in (("number", change_number), ("date", change_date),
                         ("speaker", lambda s: change_speaker(s, people_of(text)))):
        offset = 0
        for s in sentences:
            found = change(s)
            if found:
                start, end, new = found
                at = offset + start
                # a quote conflict spans the quote, not the speaker: the changed sentence counts
                where = (offset, offset + len(s) + len(new) - (end - start)) if kind == "speaker" else (at, at + len(new))
                yield kind, text, text[:at] + new + text[offset + end:], where, article.get("date", "")
                break
            offset += len(s) + 1
    para = paraphrase(sentences)
    if para:
        yield "control", text, " ".join(para), None, article.get("date", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--basil", default=str(BASIL))
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument("--sentences", type=int, default=12, help="sentences of each article used")
    parser.add_argument("--article", type=int, default=0,
                        help="which article of each story is copied (0 = the dev figures; 1, 2 = held-out samples)")
    args = parser.parse_args()
    config = CompareConfig()
    embedder = get_embedder(config.model, config.backend, config.batch_size)
    found = {k: [0, 0] for k in ("number", "date", "speaker")}
    alarms, controls, extra, started = 0, 0, 0, time.time()
    for story in read_jsonl(Path(args.basil))[: args.stories]:
        for kind, original, changed, where, date in cases(story, args.sentences, args.article):
            result = compare_articles(Article(original, date=date), Article(changed, date=date), config, embedder)
            conflicts = [f for f in result.facts if f.status == "conflict"]
            if kind == "control":
                controls += 1
                alarms += bool(conflicts)
                for f in conflicts:
                    print(f"  false alarm ({story['main_event'][:40]}): {f.text!r} | {f.reason}")
                continue
            hit = [f for f in conflicts if any(s.start < where[1] and where[0] < s.end for s in f.b_spans)]
            found[kind][0] += bool(hit)
            found[kind][1] += 1
            extra += len(conflicts) - len(hit)
            if not hit:
                print(f"  missed {kind}: {changed[where[0] - 40:where[1] + 20]!r}")
    print(f"\n{args.stories} BASIL dev stories, article {args.article}, first {args.sentences} sentences ({time.time() - started:.0f} s)")
    for kind, (hit, total) in found.items():
        print(f"recall {kind:8s} {hit}/{total} = {hit / max(total, 1):.2f}")
    numbers_dates = found["number"][0] + found["date"][0], found["number"][1] + found["date"][1]
    print(f"recall numbers+dates {numbers_dates[0]}/{numbers_dates[1]} = {numbers_dates[0] / max(numbers_dates[1], 1):.2f}")
    print(f"false alarms: {alarms}/{controls} control pairs = {alarms / max(controls, 1):.2%}; "
          f"other conflicts in changed pairs: {extra}")


if __name__ == "__main__":
    main()
