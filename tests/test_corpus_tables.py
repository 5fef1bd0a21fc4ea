"""Corpus tables: one Parquet table per kind of finding, keyed by story and outlet, same bytes on every run."""
import json
import random
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from compare.batch import BatchOptions, run_batch
from compare.config import CompareConfig
from compare.corpus import corpus_stories
from compare.corpus_tables import TABLE_COLUMNS, table_bytes
from compare.encoders import CachingEmbedder, HashingEmbedder

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
ARTICLES = {
    "war/fox.txt": "Russian missiles struck Kiev on Monday, officials said. The mayor of Kiev said three people "
                   "were hurt. The so-called referendum in Lugansk was condemned.",
    "war/nyt.txt": "Russian missiles struck Kyiv on Monday, officials said. The mayor of Kyiv said three people "
                   "were hurt. The vote in Luhansk was condemned by the government.",
    "war/hpo.txt": "Russian missiles struck the capital on Monday. Rescue teams worked through the night.",
    "rates/fox.txt": "The central bank raised its main interest rate by half a point on Thursday. Analysts had "
                     "expected a smaller increase.",
    "rates/nyt.txt": "The central bank raised its main interest rate by half a point on Thursday. Housing groups "
                     "warned that mortgages would become more expensive.",
}
OUTLETS = {"fox": "Fox", "nyt": "NYT", "hpo": "HuffPost"}


def write_corpus(root: Path) -> Path:
    rows = ["story,path,outlet"]
    for name, text in ARTICLES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n", encoding="utf-8")
        rows.append(f"{name.split('/')[0]},{name},{OUTLETS[Path(name).stem]}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root / "manifest.csv"


def run(manifest: Path, out: Path):
    return run_batch(corpus_stories(manifest), CompareConfig(backend="hashing"),
                     CachingEmbedder(HashingEmbedder()), BatchOptions(out_dir=out, progress=False))


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tables")
    out = root / "out"
    assert run(write_corpus(root / "corpus"), out).exit_code == 0
    return out


def table(results: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(results / "tables" / f"{name}.parquet")


def story_json(results: Path, story: str) -> dict:
    return json.loads((results / story / "story.json").read_text(encoding="utf-8"))


def test_every_table_is_written_with_its_schema_and_keys(results):
    for name, columns in TABLE_COLUMNS.items():
        schema = pq.read_schema(results / "tables" / f"{name}.parquet")
        assert [(f.name, str(f.type)) for f in schema] == [(c, {"string": "string", "int64": "int64",
                                                               "float64": "double", "bool": "bool"}[t])
                                                              for c, t in columns]
        frame = table(results, name)
        assert len(frame) and set(frame.story) <= {"war", "rates"}
        assert {"story"} <= set(frame.columns) and any(c.startswith("outlet") for c in frame.columns)


def test_rows_match_the_story_outputs(results):
    articles, pairs, facts = table(results, "articles"), table(results, "pairs"), table(results, "facts")
    framing, mentions = table(results, "framing"), table(results, "mentions")
    assert sorted(zip(articles.story, articles.outlet)) == [
        ("rates", "Fox"), ("rates", "NYT"), ("war", "Fox"), ("war", "HuffPost"), ("war", "NYT")]
    assert len(pairs) == 4 and set(pairs.outlet_a) | set(pairs.outlet_b) == {"Fox", "NYT", "HuffPost"}
    for story in ("war", "rates"):
        data = story_json(results, story)
        outlets = len(data["articles"])
        assert (facts.story == story).sum() == outlets * len(data["matrix"]["rows"])
        assert (framing.story == story).sum() == 2 * sum(len(p["comparison"]["framing"]) for p in data["pairs"])
        assert (mentions.story == story).sum() == sum(len(c["members"]) for c in data["links"]["clusters"])
    text = {a: (results.parent / "corpus" / "war" / f"{a}.txt").read_text(encoding="utf-8") for a in OUTLETS}
    for row in mentions[mentions.story == "war"].itertuples():
        assert text[row.article][row.start:row.end] == row.text  # spans point into the original text
    words = dict(zip(zip(articles.story, articles.article), articles.words))
    assert words[("war", "hpo")] == len(re.findall(r"\w+", text["hpo"]))


def test_same_run_same_bytes_and_resume_keeps_every_story(results, tmp_path):
    again = tmp_path / "again"
    assert run(write_corpus(tmp_path / "corpus"), again).exit_code == 0
    first = {p.name: p.read_bytes() for p in (results / "tables").iterdir()}
    assert first == {p.name: p.read_bytes() for p in (again / "tables").iterdir()}
    resumed = run(tmp_path / "corpus" / "manifest.csv", again)
    assert all(r.skipped for r in resumed.results)
    assert first == {p.name: p.read_bytes() for p in (again / "tables").iterdir()}


def test_table_bytes_do_not_depend_on_row_order():
    rows = [{"story": s, "cluster": c, "kind": "entity", "subtype": "person", "article": a, "outlet": a.upper(),
             "start": c * 10, "end": c * 10 + 4, "text": "Kyiv"} for s in "ba" for c in range(3) for a in "xy"]
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    assert table_bytes("mentions", rows) == table_bytes("mentions", shuffled)
    assert table_bytes("mentions", rows) != table_bytes("mentions", rows[1:])
    empty = pq.read_table(__import__("io").BytesIO(table_bytes("names", [])))
    assert empty.num_rows == 0 and empty.column_names == [c for c, _ in TABLE_COLUMNS["names"]]


def docs_block(language: str, marker: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    return next(b for b in blocks if marker in b)


def test_the_documented_pandas_queries_answer(results):
    found: dict = {"results": results}
    exec(docs_block("python", 'results / "tables"'), found)
    left_out = found["left_out"]
    assert set(left_out.outlet) == {"HuffPost"} and set(left_out.story) == {"war"}
    spelling = found["spelling"]
    assert spelling.loc["Fox", "Kiev"] == 2 and spelling.loc["Fox", "Kyiv"] == 0
    assert spelling.loc["NYT", "Kyiv"] == 2 and spelling.loc["NYT", "Kiev"] == 0
    assert "HuffPost" not in spelling.index  # it never names the city
    exclusive = found["exclusive"]
    assert set(exclusive.index) == {"Fox", "NYT", "HuffPost"}
    assert (exclusive["count"] >= exclusive["sum"]).all() and exclusive["sum"].sum() > 0


def test_the_documented_duckdb_queries_answer(results):
    duckdb = pytest.importorskip("duckdb")
    sql = docs_block("sql", "facts.parquet").replace("'results/", f"'{results}/")
    answers = [duckdb.sql(statement).fetchall() for statement in sql.split(";") if statement.strip()]
    assert {row[3] for row in answers[0]} == {"HuffPost"}
    assert ("Fox", "Kiev", 2) in answers[1] and ("NYT", "Kyiv", 2) in answers[1]
    assert [row[0] for row in answers[2]] == ["Fox", "HuffPost", "NYT"]
