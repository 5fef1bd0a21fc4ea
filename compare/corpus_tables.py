"""Output stage for a whole run: every story's findings -> corpus-wide Parquet tables.

A batch run writes, beside its per-story files, one Parquet table per kind of
finding under ``tables/`` in its output folder, one row per

- ``articles``: article (outlet, words, sentences, hedges), so rates per 1,000 words can be taken;
- ``pairs``: compared article pair (the summary's counts);
- ``facts``: fact of a story's fact matrix and outlet (``status`` "absent" when that outlet does not report it);
- ``framing``: framing finding and side of its pair (the outlet's wording, its convention);
- ``mentions``: member mention of a cross-article link cluster;
- ``names``: name with known variant spellings, as an article writes it (its romanization or convention),

each keyed by ``story`` and ``outlet`` (docs/cli.md shows pandas and DuckDB
queries). A story's rows are built once, when it is compared
(``story_table_rows``); they are kept in its ``done.json`` so that a resumed
run still writes complete tables. The bytes are deterministic: rows sorted,
a fixed schema, no timestamps (``table_bytes``).
"""
from __future__ import annotations

import io
import logging
import re
from typing import Any, Callable, Iterable, Mapping, Sequence

from .outputs import SUMMARY_FILE, Location, join, summary_csv, write_file
from .story import StoryComparison
from .types import Span

log = logging.getLogger(__name__)

TABLES_DIR = "tables"
_S, _I, _F, _B = "string", "int64", "float64", "bool"
# Table -> (column, Arrow type) in order. Fixed, so that a table with no rows
# (or a run without framing) still has every column with its type.
TABLE_COLUMNS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "articles": (("story", _S), ("article", _S), ("outlet", _S), ("title", _S), ("date", _S), ("words", _I),
                 ("sentences", _I), ("hedges", _I)),
    "pairs": (("story", _S), ("article_a", _S), ("outlet_a", _S), ("article_b", _S), ("outlet_b", _S),
              ("sentences_a", _I), ("sentences_b", _I), ("shared_share_a", _F), ("shared_share_b", _F),
              ("equivalent_pairs", _I), ("related_pairs", _I), ("unique_sentences_a", _I),
              ("unique_sentences_b", _I), ("facts_shared", _I), ("facts_only_a", _I), ("facts_only_b", _I),
              ("facts_conflict", _I), ("framing_differences", _I), ("warnings", _I)),
    "facts": (("story", _S), ("fact", _I), ("kind", _S), ("fact_text", _S), ("reported_by", _I),
              ("outlets", _I), ("conflict", _B), ("article", _S), ("outlet", _S), ("status", _S), ("text", _S),
              ("spans", _S)),
    "framing": (("story", _S), ("pair", _I), ("finding", _I), ("type", _S), ("referent", _S), ("side", _S),
                ("article", _S), ("outlet", _S), ("text", _S), ("convention", _S), ("other_article", _S),
                ("other_outlet", _S), ("other_text", _S), ("explanation", _S), ("spans", _S)),
    "mentions": (("story", _S), ("cluster", _I), ("kind", _S), ("subtype", _S), ("article", _S), ("outlet", _S),
                 ("start", _I), ("end", _I), ("text", _S)),
    "names": (("story", _S), ("article", _S), ("outlet", _S), ("name", _S), ("kind", _S), ("convention", _S),
              ("informative", _B), ("text", _S), ("start", _I), ("end", _I)),
}
# Rows of one table are sorted by story, then by these columns (their order of discovery otherwise).
SORT_KEYS: Mapping[str, tuple[str, ...]] = {
    "articles": ("article",), "pairs": ("article_a", "article_b"), "facts": ("fact", "article"),
    "framing": ("pair", "finding", "side"), "mentions": ("cluster", "article", "start", "end"),
    "names": ("article", "start", "end"),
}
STORY_TABLES = ("articles", "facts", "framing", "mentions", "names")  # built from the comparison
_WORD = re.compile(r"\w+")


def spans_text(spans: Iterable[Span]) -> str:
    """"12-18;40-52": the spans as matrix.csv writes them."""
    return ";".join(f"{s.start}-{s.end}" for s in spans)


# ---------------------------------------------------------------- a story's rows

def article_rows(story: StoryComparison) -> list[dict[str, Any]]:
    from .framing.hedges import hedges

    rows = []
    for doc in story.documents:
        art = doc.article
        rows.append({"story": story.story, "article": art.id, "outlet": art.source, "title": art.title,
                     "date": art.date, "words": len(_WORD.findall(art.text)), "sentences": len(doc.sentences),
                     "hedges": _count_or_none(lambda: len(hedges(doc)) if doc.doc is not None else None)})
    return rows


def _count_or_none(count: Callable[[], int | None]) -> int | None:
    try:
        return count()
    except Exception:  # noqa: BLE001 - a count the analysis could not make is missing, not a failed story
        log.info("a table count failed", exc_info=True)
        return None


def fact_rows(story: StoryComparison) -> list[dict[str, Any]]:
    """One row per (matrix row, outlet): what that outlet says of the fact, or "absent"."""
    docs = story.documents
    rows = []
    for n, row in enumerate(story.matrix.rows, start=1):
        for doc, cell in zip(docs, row.cells):
            rows.append({"story": story.story, "fact": n, "kind": row.kind, "fact_text": row.text,
                         "reported_by": row.reported_by, "outlets": len(docs), "conflict": row.conflict,
                         "article": doc.article.id, "outlet": doc.article.source,
                         "status": "absent" if cell is None else cell.status,
                         "text": "" if cell is None else cell.text,
                         "spans": "" if cell is None else spans_text(cell.spans)})
    return rows


def framing_rows(story: StoryComparison) -> list[dict[str, Any]]:
    """One row per framing finding and side (a finding names both outlets' wording)."""
    rows = []
    for pair, ((i, j), comparison) in enumerate(zip(story.pairs, story.comparisons)):
        a, b = story.documents[i].article, story.documents[j].article
        for n, item in enumerate(comparison.framing):
            sides = (("a", a, b, item.a_text, item.b_text, item.convention_a, item.a_spans),
                     ("b", b, a, item.b_text, item.a_text, item.convention_b, item.b_spans))
            for side, mine, other, text, other_text, convention, spans in sides:
                rows.append({"story": story.story, "pair": pair, "finding": n, "type": item.type,
                             "referent": item.referent, "side": side, "article": mine.id, "outlet": mine.source,
                             "text": text, "convention": convention, "other_article": other.id,
                             "other_outlet": other.source, "other_text": other_text,
                             "explanation": item.explanation, "spans": spans_text(spans)})
    return rows


def mention_rows(story: StoryComparison) -> list[dict[str, Any]]:
    """One row per member mention of each cross-article link cluster."""
    links = story.links
    if links is None:
        return []
    rows = []
    for cluster in links.clusters:
        for index in cluster.members:
            m = links.mentions[index]
            art = story.documents[m.article].article
            rows.append({"story": story.story, "cluster": cluster.id, "kind": cluster.kind,
                         "subtype": cluster.subtype, "article": art.id, "outlet": art.source, "start": m.start,
                         "end": m.end, "text": m.text})
    return rows


def name_rows(story: StoryComparison, framing_config) -> list[dict[str, Any]]:
    """One row per lexicon name an article writes (the framing stage's reading of it)."""
    from .framing.naming import name_mentions

    rows = []
    for doc in story.documents:
        if doc.doc is None:  # split by rule, not parsed: no proper-noun test, no names
            continue
        mentions = _count_or_none(lambda: name_mentions(doc, framing_config)) or []
        for m in mentions:
            rows.append({"story": story.story, "article": doc.article.id, "outlet": doc.article.source,
                         "name": m.entry.id, "kind": m.entry.kind, "convention": m.convention,
                         "informative": m.informative, "text": m.text, "start": m.start, "end": m.end})
    return rows


def story_table_rows(story: StoryComparison, config) -> dict[str, list[dict[str, Any]]]:
    """The story's rows of every table but ``pairs`` (which comes from the summary rows)."""
    return {"articles": article_rows(story), "facts": fact_rows(story), "framing": framing_rows(story),
            "mentions": mention_rows(story), "names": name_rows(story, config.framing)}


def pair_rows(summary_rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``pairs`` rows: the summary's compared pairs (error rows have no pair)."""
    def cell(row: Mapping[str, Any], column: str, kind: str) -> Any:
        value = row.get(column, "")
        return value if kind == _S or value != "" else None  # a count missing in an old run's row

    return [{column: cell(row, column, kind) for column, kind in TABLE_COLUMNS["pairs"]}
            for row in summary_rows if row.get("status") == "ok"]


# ---------------------------------------------------------------- Parquet

def arrow_schema(name: str):
    import pyarrow as pa

    return pa.schema([(column, pa.type_for_alias(kind)) for column, kind in TABLE_COLUMNS[name]])


def sorted_rows(name: str, rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    keys = ("story",) + SORT_KEYS[name]
    return sorted(rows, key=lambda row: tuple(row[k] for k in keys))  # key columns are never null


def table_bytes(name: str, rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The Parquet file of table ``name``: same rows -> same bytes (sorted rows,
    the fixed schema, no pandas or timestamp metadata)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(name)
    columns = [column for column, _ in TABLE_COLUMNS[name]]
    table = pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in sorted_rows(name, rows)],
                                 schema=schema)
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd")
    return out.getvalue()


def corpus_tables(results: Sequence[Any]) -> dict[str, bytes]:
    """File name -> Parquet bytes of every table, from the stories' results
    (``StoryResult``: ``rows`` are the summary rows, ``tables`` the story's rows)."""
    tables: dict[str, list] = {name: [] for name in TABLE_COLUMNS}
    for result in results:
        tables["pairs"] += pair_rows(result.rows)
        for name in STORY_TABLES:
            tables[name] += list((result.tables or {}).get(name, ()))
    return {f"{name}.parquet": table_bytes(name, rows) for name, rows in tables.items()}


def write_run_outputs(out_dir: Location, results: Sequence[Any]) -> None:
    """The run's ``summary.csv`` and its corpus tables (``tables/<name>.parquet``)."""
    write_file(join(out_dir, SUMMARY_FILE), summary_csv(results))
    for name, data in corpus_tables(results).items():
        write_file(join(out_dir, TABLES_DIR, name), data)
