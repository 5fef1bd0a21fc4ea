"""Outlet profiles from the corpus tables: naming, labels, exclusive and left-out facts, hedges; escaped page."""
from pathlib import Path

import pandas as pd
import pytest

from compare.cli import main
from compare.profile import label_table, naming_table, profile_tables, read_tables, write_profile
from test_corpus_tables import run, write_corpus

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("profile")
    manifest = write_corpus(root / "corpus")
    text = manifest.read_text(encoding="utf-8").replace("rates/nyt.txt,NYT", f'rates/nyt.txt,"{EVIL}"')
    manifest.write_text(text, encoding="utf-8")
    run(manifest, root / "out")
    return root / "out"


def test_profile_numbers_come_with_their_counts(results):
    profiles = profile_tables(read_tables(results))
    outlets = profiles["outlets"].set_index("outlet")
    fox = outlets.loc["Fox"]
    assert fox.articles == 2 and fox.stories == 2
    assert fox.exclusive_share == round(fox.facts_exclusive / fox.facts_reported, 4)
    assert fox.hedges_per_1000_words == round(1000 * fox.hedges / fox.words, 2) and fox.hedges >= 1  # "so-called"
    hpo = outlets.loc["HuffPost"]
    assert hpo.facts_left_out > 0 and hpo.left_out_share == round(hpo.facts_left_out / hpo.facts_in_stories, 4)
    naming = profiles["naming"].set_index(["outlet", "convention"])
    assert naming.loc[("Fox", "Russian-derived romanization"), "names"] == 2  # Kiev, Lugansk (each once)
    assert naming.loc[("Fox", "Russian-derived romanization"), "share"] == 1.0
    assert naming.loc[("NYT", "Ukrainian-derived romanization"), "share"] == 1.0
    assert fox.main_convention == "Russian-derived romanization"


def test_labels_count_each_span_once_and_keep_recurring_wordings():
    row = dict(story="s", article="fox", outlet="Fox", type="label", referent="Kim", text="dictator", spans="1-9")
    framing = pd.DataFrame([row, {**row, "other_article": "x"},  # the same span from a second pair
                            {**row, "story": "t"}, {**row, "text": "leader", "spans": "20-26"},
                            {**row, "type": "hedge", "story": "u"}])
    labels = label_table(framing)
    assert labels[["outlet", "referent", "text", "count"]].values.tolist() == [["Fox", "Kim", "dictator", 2]]


def test_naming_counts_distinct_names_per_article():
    row = dict(story="s", article="a", outlet="X", name="ua:kyiv", convention="Russian-derived romanization",
               informative=True)
    names = pd.DataFrame([row, row, {**row, "article": "b"}, {**row, "name": "ua:lviv", "convention": "other"},
                          {**row, "name": "ua:odesa", "informative": False}])
    table = naming_table(names)
    assert table.values.tolist() == [["X", "Russian-derived romanization", 2, 0.6667], ["X", "other", 1, 0.3333]]


def test_the_page_escapes_what_comes_from_the_texts(results, tmp_path):
    out = write_profile(results, tmp_path / "profile")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert EVIL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # in the tables
    assert "\\u003cscript\\u003ealert(1)" in page  # in the charts' data
    assert page.count("vegaEmbed(") == 4
    outlets = pd.read_csv(out / "outlets.csv")
    assert set(outlets.outlet) == {"Fox", "NYT", "HuffPost", EVIL}


def test_the_command(results, tmp_path, capsys):
    assert main(["profile", str(results)]) == 0
    assert {p.name for p in (results / "profile").iterdir()} == {"outlets.csv", "naming.csv", "labels.csv",
                                                                 "index.html"}
    assert main(["profile", str(tmp_path)]) == 2 and "no corpus tables" in capsys.readouterr().err
