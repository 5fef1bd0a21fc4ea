"""Report stage over a whole run: the corpus tables -> per-outlet profiles (CSV tables and an HTML page).

``newscompare profile results/`` reads the Parquet tables a batch run wrote
(``corpus_tables.py``) and describes each outlet, always with the counts
behind each share so that small samples show as such:

- naming: the share of each naming convention (e.g. Russian- or
  Ukrainian-derived romanization) among the distinct names it writes;
- labels and qualifiers it uses for referents that recur across findings;
- exclusive facts: the share of the facts it reports that no other outlet of
  the story reports; omissions: the share of the story's facts it leaves out;
- hedges (distancing words, attributed clauses, scare quotes) per 1,000 words.

Every value taken from the texts is escaped in the page; the charts (Altair)
carry their data as JSON with ``<``, ``>`` and ``&`` escaped.
"""
from __future__ import annotations

import argparse
import html
import json
import logging
import sys
from typing import Sequence

import pandas as pd

from .corpus_tables import TABLES_DIR
from .outputs import Location, as_location, is_remote, join, write_file

log = logging.getLogger(__name__)

PROFILE_DIR = "profile"
LABEL_TYPES = ("label", "qualifier")
MIN_LABEL_COUNT = 2  # a referent's wording shown when the outlet used it at least this often
VEGA = ("https://cdn.jsdelivr.net/npm/vega@5", "https://cdn.jsdelivr.net/npm/vega-lite@5",
        "https://cdn.jsdelivr.net/npm/vega-embed@6")


class ProfileError(ValueError):
    """The folder holds no corpus tables to profile."""


def read_tables(results: Location) -> dict[str, pd.DataFrame]:
    """The tables a profile reads; an article without an outlet counts under its
    id (story folders without a manifest: the file name, e.g. ``fox``)."""
    names = ("articles", "facts", "framing", "names")
    try:
        tables = {name: pd.read_parquet(str(join(results, TABLES_DIR, f"{name}.parquet"))) for name in names}
    except (OSError, ValueError) as exc:
        raise ProfileError(f"no corpus tables in {results}: run a corpus first (newscompare corpus/ --out "
                           f"{results}); {exc}") from None
    for frame in tables.values():
        frame["outlet"] = frame.outlet.where(frame.outlet != "", frame.article)
    return tables


def share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).round(4)


def naming_table(names: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and convention: distinct names written that way (one per article) and their share."""
    distinct = names[names.informative].drop_duplicates(["story", "article", "name"])
    counts = distinct.groupby(["outlet", "convention"]).size().rename("names").reset_index()
    counts["share"] = share(counts.names, counts.groupby("outlet").names.transform("sum"))
    return counts.sort_values(["outlet", "names", "convention"], ascending=[True, False, True], ignore_index=True)


def label_table(framing: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and referent: the wording (label or qualifier) it used, how often (each span once)."""
    rows = framing[framing.type.isin(LABEL_TYPES) & (framing.text != "")]
    rows = rows.drop_duplicates(["story", "article", "type", "spans"])
    counts = rows.groupby(["outlet", "referent", "type", "text"]).size().rename("count").reset_index()
    recurring = counts[counts["count"] >= MIN_LABEL_COUNT]
    return recurring.sort_values(["outlet", "count", "referent", "text"], ascending=[True, False, True, True],
                                 ignore_index=True)


def fact_columns(facts: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: facts reported, reported by it alone, and the story's facts it leaves out."""
    reported = facts.status != "absent"
    frame = pd.DataFrame({"outlet": facts.outlet, "facts_reported": reported,
                          "facts_exclusive": reported & (facts.reported_by == 1),
                          "facts_in_stories": True, "facts_left_out": ~reported})
    out = frame.groupby("outlet").sum()
    out["exclusive_share"] = share(out.facts_exclusive, out.facts_reported)
    out["left_out_share"] = share(out.facts_left_out, out.facts_in_stories)
    return out


def outlet_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per outlet: articles, words, facts (exclusive, left out), hedges per 1,000 words, names."""
    articles = tables["articles"]
    out = articles.groupby("outlet").agg(stories=("story", "nunique"), articles=("article", "size"),
                                         words=("words", "sum"), hedges=("hedges", "sum"))
    out["hedges_per_1000_words"] = (1000 * out.hedges / out.words.where(out.words > 0)).round(2)
    out = out.join(fact_columns(tables["facts"]), how="left")
    naming = naming_table(tables["names"])
    if len(naming):
        top = naming.drop_duplicates("outlet").set_index("outlet")
        out["names"] = naming.groupby("outlet").names.sum()
        out["main_convention"] = top.convention
        out["main_convention_share"] = top.share
    return out.reset_index()


def profile_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {"outlets": outlet_table(tables), "naming": naming_table(tables["names"]),
            "labels": label_table(tables["framing"])}


# ---------------------------------------------------------------- the page

def safe_json(data) -> str:
    """JSON that cannot close a <script> element (texts from articles are data, never markup)."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def charts(profiles: dict[str, pd.DataFrame]) -> list[tuple[str, dict]]:
    """(title, Vega-Lite spec) of each chart."""
    import altair as alt

    outlets, naming = profiles["outlets"], profiles["naming"]
    out = []
    if len(naming):
        out.append(("Naming conventions (share of distinct names)", alt.Chart(naming).mark_bar().encode(
            x=alt.X("share:Q", stack="normalize", title="share of names"), y=alt.Y("outlet:N"),
            color="convention:N", tooltip=["outlet", "convention", "names", "share"]).to_dict()))
    for column, title in (("exclusive_share", "Share of its facts no other outlet reports"),
                          ("left_out_share", "Share of the story's facts it leaves out"),
                          ("hedges_per_1000_words", "Hedges per 1,000 words")):
        if column in outlets and outlets[column].notna().any():
            out.append((title, alt.Chart(outlets).mark_bar().encode(
                x=alt.X(f"{column}:Q", title=title), y=alt.Y("outlet:N"),
                tooltip=["outlet", column, "articles", "facts_reported", "words"]).to_dict()))
    return out


def table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page_html(profiles: dict[str, pd.DataFrame], source: str) -> str:
    specs = charts(profiles)
    divs = "".join(f"<h2>{html.escape(title)}</h2><div id='chart{n}'></div>" for n, (title, _) in enumerate(specs))
    embeds = "".join(f"vegaEmbed('#chart{n}', {safe_json(spec)});" for n, (_, spec) in enumerate(specs))
    scripts = "".join(f"<script src='{url}'></script>" for url in VEGA)
    tables = "".join(f"<h2>{html.escape(name)}</h2>{table_html(frame)}" for name, frame in profiles.items())
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Outlet profiles</title>" + scripts
            + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
              "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}</style></head><body>"
            + f"<h1>Outlet profiles</h1><p>From the corpus tables of {html.escape(source)}. Every share comes "
              "with its counts: a share over a few articles or names is a small sample.</p>"
            + divs + tables + f"<script>{embeds}</script></body></html>\n")


def write_profile(results: Location, out: Location | None = None) -> Location:
    """Write ``outlets.csv``, ``naming.csv``, ``labels.csv`` and ``index.html`` to ``out``
    (default ``<results>/profile``); returns ``out``."""
    profiles = profile_tables(read_tables(results))
    out = join(results, PROFILE_DIR) if out is None else out
    for name, frame in profiles.items():
        write_file(join(out, f"{name}.csv"), frame.to_csv(index=False, lineterminator="\n"))
    write_file(join(out, "index.html"), page_html(profiles, str(results)))
    return out


def profile_main(argv: Sequence[str]) -> int:
    """``newscompare profile RESULTS [--out DIR]``."""
    parser = argparse.ArgumentParser(prog="newscompare profile",
                                     description="Per-outlet profiles (CSV and an HTML page with charts) from "
                                                 "the corpus tables of a batch run's output folder.")
    parser.add_argument("results", type=as_location, help="the --out folder (or URL) of a corpus run")
    parser.add_argument("--out", type=as_location, help="where to write (default: RESULTS/profile)")
    args = parser.parse_args(argv)
    try:
        out = write_profile(args.results, args.out)
    except ProfileError as exc:
        sys.stderr.write(f"newscompare: error: {exc}\n")
        return 2
    where = out if is_remote(out) else str(out)
    print(f"wrote {where}: outlets.csv, naming.csv, labels.csv, index.html")
    return 0
