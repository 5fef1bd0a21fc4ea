"""Robustness: run the real pipeline over every dev article and over hostile
generated texts; count exceptions (must be 0) and analysis warnings by stage.

Each dev article is compared with a partner from its own story: BASIL and
NewsWCL50 stories as a whole (every pair of their 3 or 5 outlets), each ECB+
document with the next document of its subtopic (texts rebuilt from the
jsonl, one sentence a line), each iSTS headline pair as two one-line articles.
The hostile texts (``hostile_stories``) are generated here and cover what the
dev sets lack: every Unicode dash, quote and bullet character in place of the
ASCII ones, abbreviations with periods, percent signs, numbers with
separators, no punctuation at all, one 3,000-character sentence, emoji, mixed
scripts, right-to-left names, URLs and code, tables, repeated lines.

    python benchmarks/robustness.py                       # everything (~35 min on 2 busy cores; run sets in the background)
    python benchmarks/robustness.py --sets hostile,basil  # some sets
    python benchmarks/robustness.py --limit 10            # first 10 stories/pairs of each set

An input that the tool refuses with its documented error (``IngestError``,
``ComparisonError``: e.g. a text with no sentence) is counted as refused, not
as an exception; anything else that escapes is an exception.
"""
from __future__ import annotations

import argparse
import itertools
import logging
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, SHARED, read_jsonl  # noqa: E402

sys.path.insert(0, str(REPO))  # this checkout's package, not an installed one

from compare import Article, CompareConfig, ComparisonError, IngestError  # noqa: E402
from compare.facts import warm_token_vectors  # noqa: E402
from compare.pipeline import as_article, compare_documents, default_embedder, prepare_documents  # noqa: E402

DATA = SHARED / "data"
# A story is a list of articles and the index pairs to compare.
Story = tuple[str, list[Article], list[tuple[int, int]]]


# ---------------------------------------------------------------- dev sets

def all_pairs(n: int) -> list[tuple[int, int]]:
    return list(itertools.combinations(range(n), 2))


def basil_stories() -> Iterator[Story]:
    for event in read_jsonl(DATA / "basil" / "basil_dev_2010_2014.jsonl"):
        arts = [Article("\n".join(s.strip() for s in a["sentences"] if s.strip()), id=a["source"],
                        title=a.get("title", "")) for a in event["articles"]]
        yield f"basil/{event['triplet_uuid'][:8]}", arts, all_pairs(len(arts))


def newswcl_stories() -> Iterator[Story]:
    for event in read_jsonl(DATA / "newswcl50" / "newswcl50_events_dev_events_0_4.jsonl"):
        arts = [Article("\n".join(a["sentences"]), id=outlet) for outlet, a in sorted(event["articles"].items())]
        yield f"newswcl50/{event.get('event_id', event.get('event', len(arts)))}", arts, all_pairs(len(arts))


def ecbplus_stories() -> Iterator[Story]:
    """Each document with the next one of its subtopic (the last with the first)."""
    for sub in read_jsonl(DATA / "ecbplus" / "ecbplus_mentions_dev_topics_1_35.jsonl"):
        arts = [Article(d["text"], id=d["doc_id"].replace("/", "_")) for d in sub["docs"]]
        n = len(arts)
        pairs = [(i, (i + 1) % n) for i in range(n)] if n > 2 else all_pairs(n)
        yield f"ecbplus/{sub['subtopic']}", arts, pairs


def ists_stories() -> Iterator[Story]:
    """Headline pairs as two one-line articles, 50 pairs per "story" (one parse batch)."""
    rows = read_jsonl(DATA / "ists" / "ists2016_headlines_train.jsonl")
    for start in range(0, len(rows), 50):
        chunk = rows[start:start + 50]
        arts = [Article(r[key], id=f"{r['pair_id']}{key[-1]}") for r in chunk for key in ("sent1", "sent2")]
        yield f"ists/{start}", arts, [(2 * k, 2 * k + 1) for k in range(len(chunk))]


# ---------------------------------------------------------------- hostile texts

# Written for this benchmark (no dev text): ASCII punctuation that the
# typography variants replace.
BASE = (
    "WASHINGTON - Sen. Jane Doe (D-Ohio) said on Tuesday that the U.S. Senate would vote on the bill "
    "\"as soon as next week,\" after the Supreme Court agreed to hear the case, No. 20-315.\n"
    "The measure - which passed the House 220-210 - would cost $1,250,000,000 over 10 years, "
    "or about 0.5% of the budget, according to the Congressional Budget Office.\n"
    "\"This is a 'historic' day,\" Doe told reporters. \"We have waited long enough.\"\n"
    "Critics, including Gov. John Roe of Texas, called it a \"so-called reform\" - and said 12.5% "
    "of voters in the U.S. opposed it.\n"
    "- Polls: 48% support, 44% oppose\n"
    "- Cost: 1,250 million dollars\n"
    "- Vote: expected Dec. 8\n"
    "No. 20-315 is the first such case since 1998.\n"
    "Support stood at 48%.\n"
)
BASE_B = (
    "Senator Jane Doe said the Senate could vote next week on the bill, which the House passed 220 to 210.\n"
    "The Congressional Budget Office put its cost at $1.25 billion over a decade.\n"
    "Governor John Roe of Texas called it a so-called reform; a poll found 44% of Americans opposed it.\n"
    "The Supreme Court will hear the related case in the spring.\n"
)
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2053\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u301c\u30fc"
DOUBLE_QUOTES = ("\u201c\u201d", "\u201e\u201c", "\u201f\u201d", "\u00ab\u00bb", "\u00bb\u00ab", "\u300c\u300d",
                 "\u300e\u300f", "\uff02\uff02", "\u275d\u275e", "\u2033\u2033", "\u301d\u301e")
SINGLE_QUOTES = ("\u2018\u2019", "\u201a\u2018", "\u201b\u2019", "\u2039\u203a", "\u203a\u2039", "\u2032\u2032",
                 "\uff07\uff07", "\u275b\u275c")
BULLETS = "\u2022\u25e6\u2023\u2043\u2219\u25cf\u25aa\u25a0\u2013\u00b7\u2024\u25cb\u2212\u27a2\u2713\u2794\u2605*"
PERCENTS = ("%", "\u00a0%", " %", "\uff05", "\u066a", "\u2030", " percent", " per cent")
SEPARATORS = (",", "\u00a0", "\u202f", "\u2009", ".", "'", "\u066c", "_", " ")


def typography_variants() -> Iterator[tuple[str, str]]:
    """(name, text): BASE with one kind of ASCII punctuation replaced by each Unicode variant."""
    for ch in DASHES:
        yield f"dash U+{ord(ch):04X}", BASE.replace(" - ", f" {ch} ").replace("\n- ", f"\n{ch} ")
        yield f"dash U+{ord(ch):04X} unspaced", BASE.replace(" - ", ch).replace("20-315", f"20{ch}315")
    for pair in DOUBLE_QUOTES:
        yield f"double quotes {pair}", _requote(BASE, '"', pair)
    for pair in SINGLE_QUOTES:
        yield f"single quotes {pair}", _requote(BASE, "'", pair)
    for ch in BULLETS:
        yield f"bullet U+{ord(ch):04X}", BASE.replace("\n- ", f"\n{ch} ")
    for sign in PERCENTS:
        yield f"percent {sign!r}", BASE.replace("%", sign)
    for sep in SEPARATORS:
        yield f"thousands separator {sep!r}", BASE.replace("1,250,000,000", sep.join(("1", "250", "000", "000")))


def _requote(text: str, mark: str, pair: str) -> str:
    out, opening = [], True
    for ch in text:
        if ch == mark and not (mark == "'" and out and out[-1].isalnum()):
            out.append(pair[0] if opening else pair[1])
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


WORDS = ("the senate vote bill court case governor budget office said would cost years poll voters "
         "support oppose reform reporters week house passed measure critics called texas ohio").split()


def hostile_texts(rng: random.Random) -> Iterator[tuple[str, str]]:
    """(name, text) of texts no dev set has."""
    yield "no punctuation, 5,000 words", " ".join(rng.choice(WORDS) for _ in range(5000))
    yield "one 3,000-character sentence", _long_sentence(rng, 3000)
    yield "only quotes", "\n".join(f"\u201c{' '.join(rng.choices(WORDS, k=8))}\u201d" for _ in range(30))
    yield "nested and unbalanced quotes", ("He said \"she said 'they said \u201cno\u201d' and left.\" "
                                           "\u201cUnclosed quote about the vote.\n\u201d\u201d\u201d \"\"\" ''' \u00ab\u00bb")
    yield "bullets", "\n".join(f"{rng.choice(BULLETS)} {' '.join(rng.choices(WORDS, k=6))}" for _ in range(40))
    yield "table as text", _table(rng)
    yield "emoji", ("The senate voted \U0001F44D\U0001F3FD today \U0001F1FA\U0001F1F8. Critics \U0001F621 "
                    "said the bill \U0001F4B8 costs too much \U0001F468\u200d\U0001F469\u200d\U0001F467. "
                    "\U0001F5F3\ufe0f Voters \U0001F937\u200d\u2642\ufe0f were split. \u2764\ufe0f\u200d\U0001F525")
    yield "mixed scripts", ("President \u0417\u0435\u043b\u0435\u043d\u0441\u044c\u043a\u0438\u0439 met "
                            "\u4e60\u8fd1\u5e73 and \u039c\u03b7\u03c4\u03c3\u03bf\u03c4\u03ac\u03ba\u03b7\u03c2 "
                            "in \u041a\u0438\u0457\u0432 on Monday. The talks in \u6771\u4eac ended, officials said. "
                            "Ki\u0301ev and Kyi\u0308v are spelled with combining marks.")
    yield "right-to-left names", ("Prime Minister \u05d1\u05e0\u05d9\u05de\u05d9\u05df \u05e0\u05ea\u05e0\u05d9\u05d4\u05d5 "
                                  "met \u0645\u062d\u0645\u0648\u062f \u0639\u0628\u0627\u0633 on Tuesday, "
                                  "\u200fofficials said\u200e. The \u202eembedded override\u202c text and "
                                  "\u2067isolate\u2069 marks stayed in the report.")
    yield "URLs and code", ("Read the bill at https://www.congress.gov/bill/117th/hr-1234?text=1&x=%20y#sec.2 or "
                            "email press@senate.example.org. The script ran `df = pd.read_csv('votes.csv'); "
                            "print(df['yes'].sum())` and returned 220.\n"
                            "def count(votes):\n    return {k: v for k, v in votes.items() if v > 0.5}\n"
                            "{\"yes\": 220, \"no\": 210, \"url\": \"http://x.y/z?a=b\"}")
    yield "repeated lines", "\n".join(["The senate will vote on the bill next week."] * 300)
    # Re-parsed by links/headlines.py; letters whose case changes their length ("İ", "ẞ", "ﬁ").
    yield "title-case and all-caps headlines", (
        "Senate Votes On Bill After \u0130ZM\u0130R Talks \U0001F44D\n"
        "THE SENATE VOTED ON THE BILL: \u03a3\u039f\u03a6\u039f\u03a3 STRA\u1e9eE AND \ufb01NAL WORDS\n"
        "The senate voted on the bill after talks in \u0130zmir. Critics said the vote was rushed.\n"
        "SENATOR DOE CHECKS INTO HOSPITAL AGAIN\nDoe checked into a hospital on Monday.")
    yield "control and invisible characters", ("The\u00a0senate\u200bvoted\u2060on\ufeffthe bill.\tCritics\u00ad said "
                                               "no.\r\nThe vote\u2028was 220\u2029to 210.\x0b\x0cDone\x00.")
    yield "abbreviations", ("Sen. Doe, Rep. Roe, Gov. Poe and Dr. Moe met at 10 a.m. in Washington, D.C., U.S.A. "
                            "The U.S. Sen. said No. 5 and No. 20-315 were filed Jan. 3 vs. Feb. 4, i.e. "
                            "before the U.K. and the E.U. agreed, etc. St. Louis Mo. approved it.")
    yield "sentences that start or end with symbols", (
        "% of voters opposed it.\n5% did not.\nNo. 20-315 was heard.\nIt was No.\n"
        "1,000,000 dollars were spent.\nThe bill failed in the U.S.\n\u2015 The vote was close \u2015\n"
        "\u201cNo,\u201d said Doe \u2014\n\u2014 and that was 12.5%\n$\n1,000.\n")
    yield "numbers with separators", ("It cost 1,250,000 dollars, 1 250 000 euros, 1.250.000 pesos, 1'250'000 francs, "
                                      "1\u202f250\u202f000 rubles, \u0661\u066c\u0662\u0665\u0660 dinars, 12,5% and "
                                      "1e6 yen; 10-15% or 3/4 of them, 2,000-3,000 people, +5.5% and \u22123%.")


def _long_sentence(rng: random.Random, chars: int) -> str:
    parts = []
    while sum(len(p) + 2 for p in parts) < chars:
        parts.append(" ".join(rng.choices(WORDS, k=6)))
    return "The senator said that " + ", and ".join(parts) + "."


def _table(rng: random.Random) -> str:
    rows = ["| state | yes | no | share |", "|---|---|---|---|"]
    rows += [f"| {rng.choice(WORDS).title()} | {rng.randint(0, 99)} | {rng.randint(0, 99)} | {rng.random():.1%} |"
             for _ in range(20)]
    rows += ["+-------+-----+", "| a     | 1   |", "+-------+-----+", "state\tyes\tno", "Ohio\t12\t3"]
    return "\n".join(rows)


def hostile_stories() -> Iterator[Story]:
    """Every typography variant with the ASCII original and an independent
    report of the same story; every hostile text with that report."""
    rng = random.Random(11)
    base, other = Article(BASE, id="base"), Article(BASE_B, id="other")
    for name, text in itertools.chain(typography_variants(), hostile_texts(rng)):
        yield f"hostile/{name}", [Article(text, id="hostile"), base, other], [(0, 1), (0, 2), (2, 0)]


SETS: dict[str, Callable[[], Iterator[Story]]] = {
    "hostile": hostile_stories, "basil": basil_stories, "newswcl50": newswcl_stories,
    "ecbplus": ecbplus_stories, "ists": ists_stories,
}


# ---------------------------------------------------------------- running

def run_story(story: Story, config: CompareConfig, embedder, tally: Counter, stages: Counter) -> None:
    name, articles, pairs = story
    try:
        checked = [as_article(a, str(n)) for n, a in enumerate(articles)]
        documents = prepare_documents(checked, config, embedder)
        warm_token_vectors(documents, config, embedder)
    except (IngestError, ComparisonError) as error:
        if len(pairs) > 1:  # find the refused pair; the others still run
            for i, j in pairs:
                run_story((f"{name} {articles[i].id}/{articles[j].id}", [articles[i], articles[j]], [(0, 1)]),
                          config, embedder, tally, stages)
            return
        tally["refused"] += 1
        print(f"  refused {name}: {error}")
        return
    except Exception:  # noqa: BLE001 - what this benchmark counts
        tally["exceptions"] += len(pairs)
        print(f"  EXCEPTION preparing {name}:\n{traceback.format_exc()}")
        return
    for i, j in pairs:
        try:
            comparison = compare_documents(documents[i], documents[j], config, embedder)
        except Exception:  # noqa: BLE001
            tally["exceptions"] += 1
            print(f"  EXCEPTION {name} {articles[i].id} vs {articles[j].id}:\n{traceback.format_exc()}")
            continue
        tally["pairs"] += 1
        tally["warnings"] += len(comparison.warnings)
        stages.update(w.stage for w in comparison.warnings)
        for w in comparison.warnings:
            print(f"  warning {name}: {w.line()}")


def run_set(name: str, limit: int | None, config: CompareConfig, embedder) -> Counter:
    tally, stages = Counter(), Counter()
    t0 = time.perf_counter()
    for story in itertools.islice(SETS[name](), limit):
        run_story(story, config, embedder, tally, stages)
    seconds = time.perf_counter() - t0
    by_stage = ", ".join(f"{s} {n}" for s, n in sorted(stages.items())) or "none"
    print(f"{name:10} pairs run {tally['pairs']:5}  exceptions {tally['exceptions']}  refused {tally['refused']}  "
          f"warnings {tally['warnings']} ({by_stage})  time {seconds:.0f} s", flush=True)
    tally["seconds"] = round(seconds)
    return tally + Counter({f"stage {s}": n for s, n in stages.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, from {', '.join(SETS)}")
    parser.add_argument("--limit", type=int, default=None, help="at most this many stories per set")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # warnings are counted and printed here, one line each
    config = CompareConfig()
    embedder = default_embedder(config)
    total = Counter()
    for name in args.sets.split(","):
        total += run_set(name.strip(), args.limit, config, embedder)
    stages = ", ".join(f"{k[6:]} {v}" for k, v in sorted(total.items()) if k.startswith("stage ")) or "none"
    print(f"{'total':10} pairs run {total['pairs']:5}  exceptions {total['exceptions']}  refused {total['refused']}  "
          f"warnings {total['warnings']} ({stages})  time {total['seconds']} s")


if __name__ == "__main__":
    main()
