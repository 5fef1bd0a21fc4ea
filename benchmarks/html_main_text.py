"""Does the thin-page rule of ingest (``thin_main_text``) let real articles through and stop navigation?

Every dev article (BASIL, NewsWCL50, ECB+ documents, NTREX English) is wrapped
in an ordinary news page (menu, headline, paragraphs of three sentences,
related links, footer) and its main text extracted as ``article_from_html``
does; section fronts built from real BASIL headlines likewise. Prints how
many of each the rule refuses, the smallest word count and prose share of the
articles (the margin to ``MIN_MAIN_TEXT_WORDS`` and ``MIN_SENTENCE_WORD_SHARE``)
and a tune-on-half estimate.

    PYTHONPATH=. python benchmarks/html_main_text.py
"""
from __future__ import annotations

import argparse
import html
import logging
import random
import time
from pathlib import Path

from _common import SHARED, read_jsonl

from compare.ingest import (LONG_LINE_WORDS, MIN_MAIN_TEXT_WORDS, MIN_SENTENCE_WORD_SHARE, main_text_of_html,
                            sentence_word_share)

MENU = "Home World Politics Business Sport Culture Science Health Travel Opinion".split()


def dev_articles(data: Path) -> dict[str, list[list[str]]]:
    """Sentence lists of every dev article, by data set."""
    basil = [a["sentences"] for e in read_jsonl(data / "basil" / "basil_dev_2010_2014.jsonl") for a in e["articles"]]
    wcl = [a["sentences"] for path in sorted((data / "newswcl50").glob("newswcl50_events_dev_*.jsonl"))
           for e in read_jsonl(path) for a in e["articles"].values()]
    ecb = [d["text"].splitlines() for t in read_jsonl(data / "ecbplus" / "ecbplus_mentions_dev_topics_1_35.jsonl")
           for d in t["docs"]]
    ntrex = [d["eng"] for d in read_jsonl(data / "ntrex" / "ntrex_docs_dev.jsonl")]
    return {"BASIL": basil, "NewsWCL50": wcl, "ECB+": ecb, "NTREX": ntrex}


def news_page(sentences: list[str]) -> str:
    """A typical article page around ``sentences`` (the first one is the headline)."""
    esc = [html.escape(s.strip()) for s in sentences if s.strip()]
    paragraphs = "".join(f"<p>{' '.join(esc[i:i + 3])}</p>" for i in range(1, len(esc), 3))
    menu = "".join(f"<li><a href='/{w.lower()}'>{w}</a></li>" for w in MENU)
    related = "".join(f"<li><a href='/r{i}'>{w} stories you may have missed</a></li>" for i, w in enumerate(MENU[:5]))
    return (f"<html><head><title>{esc[0]}</title></head><body><nav><ul>{menu}</ul></nav>"
            f"<article><h1>{esc[0]}</h1>{paragraphs}</article><aside><ul>{related}</ul></aside>"
            "<footer>Copyright 2024 Example Media. All rights reserved.</footer></body></html>")


def basil_titles(data: Path) -> list[str]:
    return [a["title"] for e in read_jsonl(data / "basil" / "basil_dev_2010_2014.jsonl") for a in e["articles"]
            if a.get("title")]


def navigation_pages(rng: random.Random, titles: list[str], n: int = 200) -> list[str]:
    """Section fronts: 2-15 real headlines as links, each with a one-line teaser."""
    pages = []
    for _ in range(n):
        heads = [html.escape(rng.choice(titles)) for _ in range(rng.randint(2, 15))]
        items = "".join(f"<h2><a href='/{j}'>{h}</a></h2><p>{MENU[j % len(MENU)]} latest</p>"
                        for j, h in enumerate(heads))
        pages.append(f"<html><body><main>{items}</main></body></html>")
    return pages


def figures(pages: list[str]) -> list[tuple[int, float]]:
    """(words, prose share) of each page's main text, what ``thin_main_text`` judges."""
    texts = [main_text_of_html(page) for page in pages]
    return [(len(t.split()), sentence_word_share(t)) for t in texts]


def refused(rows: list[tuple[int, float]], min_words: int, min_share: float) -> int:
    return sum(words < min_words or share < min_share for words, share in rows)


def tune_on_half(articles: list[tuple[int, float]], fronts: list[tuple[int, float]]) -> None:
    """Tune both thresholds on even-numbered pages (the largest that refuse no article,
    the share floored to 0.05), report refusals on the odd-numbered ones."""
    words = min(w for w, _ in articles[0::2])
    share = int(min(s for _, s in articles[0::2]) * 20) / 20
    print(f"tune-on-half: min words {words}, min share {share:.2f} on even pages -> odd pages: articles refused "
          f"{refused(articles[1::2], words, share)}/{len(articles[1::2])}, section fronts refused "
          f"{refused(fronts[1::2], words, share)}/{len(fronts[1::2])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura is chatty about discarded elements
    started = time.perf_counter()
    print(f"rule: at least {MIN_MAIN_TEXT_WORDS} words, at least {MIN_SENTENCE_WORD_SHARE:.0%} of them in prose lines "
          f"(>= {LONG_LINE_WORDS} words, or >= 6 ending a sentence)")
    all_rows = []
    for name, articles in dev_articles(args.shared / "data").items():
        rows = figures([news_page(sentences) for sentences in articles])
        all_rows += rows
        print(f"{name:9} articles {len(rows):4}  refused {refused(rows, MIN_MAIN_TEXT_WORDS, MIN_SENTENCE_WORD_SHARE):3}  "
              f"min words {min(w for w, _ in rows)}  min prose share {min(s for w, s in rows if w):.2f}")
    titles = basil_titles(args.shared / "data")
    short = sum(len(t.split()) < LONG_LINE_WORDS for t in titles)
    print(f"BASIL headlines shorter than {LONG_LINE_WORDS} words: {short}/{len(titles)} ({short / len(titles):.0%})")
    fronts = figures(navigation_pages(random.Random(0), titles))
    print(f"section fronts {len(fronts)}  refused {refused(fronts, MIN_MAIN_TEXT_WORDS, MIN_SENTENCE_WORD_SHARE)}")
    tune_on_half(all_rows, fronts)
    print(f"time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
