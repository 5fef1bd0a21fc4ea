"""Framing from linked referents (compare/framing/referents.py) and the per-outlet table (framing/table.py)."""
from __future__ import annotations

import html
from dataclasses import replace as dc_replace

import pytest

from compare.dashboard import referents_frame
from compare.framing import referents
from compare.framing.findings import as_written
from compare.html_report import render_referents
from compare.pipeline import compare_articles
from compare.report import to_dict
from compare.story import compare_many

EXPLANATION_KEYS = ("Qualifier", "Evaluative word", "Label family", "Role noun", "Event noun", "Descriptor")


def run(text_a, text_b, fake_embedder, config):
    return compare_articles(text_a, text_b, config, embedder=fake_embedder)


def from_links(result):
    """The findings the linked-referent analysis made (their explanations end with the word class)."""
    return [f for f in result.framing if any(f"{k}:" in f.explanation or f"{k}s:" in f.explanation
                                             for k in EXPLANATION_KEYS)]


def test_evaluative_word_on_one_side_of_a_linked_referent(fake_embedder, config):
    result = run("The memos were released on Thursday. Lawmakers read the memos closely.",
                 "The salacious memos were released on Thursday. Lawmakers read the memos closely.",
                 fake_embedder, config)
    found = from_links(result)
    assert [(f.type, f.a_text, f.b_text, f.convention_b) for f in found] == [
        ("qualifier", "The memos", "The salacious memos", "salacious")]
    f = found[0]
    text_b = result.b.article.text
    assert [text_b[s.start:s.end] for s in f.b_spans] == ["The salacious memos"]
    assert f.a_spans and "Evaluative word: salacious." in f.explanation


def test_qualifier_on_one_side_of_a_linked_referent(fake_embedder, config):
    result = run("Officials of the state media said the talks would go on.",
                 "Officials of the state-run media said the talks would go on.", fake_embedder, config)
    # The label analysis of aligned sentences reports it first; the linked referent is then not repeated ...
    assert [f.b_text for f in result.framing if f.type in ("label", "qualifier")] == ["the state-run media"]
    # ... and the analysis of linked referents alone finds it too.
    found = referents.referent_findings(result.a, result.b, result.links, config.framing, (), result.alignment)
    assert [(f.type, f.a_text, f.b_text, f.convention_b) for f in found] == [
        ("qualifier", "the state media", "the state-run media", "state-run")]
    assert found[0].referent == "media" and "Qualifier: state-run." in found[0].explanation


def test_name_form_alone_is_not_framing(fake_embedder, config):
    """"President Donald Trump" / "Trump": the same person, no framing."""
    result = run("President Donald Trump met Shinzo Abe in Florida on Tuesday.",
                 "Trump met Abe in Florida on Tuesday.", fake_embedder, config)
    assert from_links(result) == []
    assert result.links.clusters  # linked all the same: the analysis saw them


def test_same_words_give_no_finding(fake_embedder, config):
    text = "The salacious memos were released on Thursday."
    assert from_links(run(text, text, fake_embedder, config)) == []


def test_word_difference_rules():
    side = lambda words, heads=(): referents.SideWords((), (), frozenset(words), frozenset(heads))  # noqa: E731
    # A different role noun for a named person is a label choice ...
    diff = referents.word_difference(side({"leader"}, {"leader"}), side({"strongman"}, {"strongman"}), "person")
    assert diff is not None and diff.why == "qualifier"
    diff = referents.word_difference(side({"candidate"}, {"candidate"}), side({"nominee"}, {"nominee"}), "person")
    assert diff is not None and diff.why == "role noun" and diff.marked == ("candidate", "nominee")
    # ... but two titles ("president" / "director") or a role on one side only are name forms.
    assert referents.word_difference(side({"president"}, {"president"}), side({"director"}, {"director"}), "person") is None
    assert referents.word_difference(side({"president"}, {"president"}), side(set()), "person") is None
    # A different noun for one event; inflections are not differences.
    diff = referents.word_difference(side({"summit"}, {"summit"}), side({"meeting"}, {"meeting"}), "nominal")
    assert diff is not None and diff.why == "event noun"
    assert referents.word_difference(side({"president"}, {"president"}), side({"presidency"}, {"presidency"}),
                                     "nominal") is None
    # Label family words used differently ("migrants" / "illegal aliens"; "illegal" is evaluative).
    diff = referents.word_difference(side({"migrant"}, {"migrant"}), side({"refugee"}, {"refugee"}), "group")
    assert diff is not None and diff.why == "label family"


def test_descriptor_rules():
    def side(words, heads=(), descriptors=()):
        return referents.SideWords((), (), frozenset(words), frozenset(heads), frozenset(descriptors))
    visit = referents.word_difference(side({"secret", "visit"}, {"visit"}, {"secret"}),
                                      side({"top-secret", "visit"}, {"visit"}, {"top-secret"}), "nominal")
    assert visit is not None and visit.why == "descriptor" and visit.marked == ("secret", "top-secret")
    # one side only: "ballistic missiles" / "missiles"
    missiles = referents.word_difference(side({"ballistic", "missile"}, {"missile"}, {"ballistic"}),
                                         side({"missile"}, {"missile"}), "thing")
    assert missiles is not None and missiles.marked == ("ballistic",)
    # a word that is not a modifier (a second head noun), a neutral modifier or a title is no descriptor
    assert referents.word_difference(side({"talk"}, {"talk"}), side({"talk", "meeting"}, {"talk"}), "nominal") is None
    assert referents.word_difference(side({"new", "deal"}, {"deal"}, {"new"}), side({"deal"}, {"deal"}), "thing") is None
    # a person's descriptors are titles and roles beside the name: name forms
    assert referents.word_difference(side({"campaign", "chair"}, (), {"campaign"}), side(set()), "person") is None


VISITS = ("Pompeo made a {} visit to Pyongyang on Easter. The {} visit lasted two days. "
          "During the visit Pompeo met Kim. Officials confirmed the visit on Tuesday.")


def test_descriptor_on_one_side_of_a_repeated_referent(fake_embedder, config):
    result = run(VISITS.format("secret", "secret"), VISITS.format("top-secret", "top-secret"), fake_embedder, config)
    found = [f for f in from_links(result) if "Descriptor" in f.explanation]
    assert [(f.type, f.a_text, f.b_text) for f in found] == [("qualifier", "a secret visit", "a top-secret visit")]
    text_a, text_b = result.a.article.text, result.b.article.text
    assert {text_a[s.start:s.end] for s in found[0].a_spans} == {"a secret visit", "The secret visit"}
    assert found[0].explanation.endswith("Descriptors: secret, top-secret.")


def test_descriptor_needs_a_referent_named_often(fake_embedder, config):
    """"a statement" / "a joint statement", each named once: often two statements."""
    result = run("The ministers issued a statement on Tuesday.", "The ministers issued a joint statement on Tuesday.",
                 fake_embedder, config)
    assert not [f for f in from_links(result) if "Descriptor" in f.explanation]
    result = run(VISITS.format("secret", "secret"), VISITS.format("top-secret", "top-secret"), fake_embedder,
                 dc_replace(config, framing=dc_replace(config.framing, descriptor_min_mentions=9)))
    assert not [f for f in from_links(result) if "Descriptor" in f.explanation]


def test_unnamed_referents_need_matching_sentences(fake_embedder, config):
    """Two "deals" linked by their head word alone, in unrelated sentences, are not compared."""
    a = "Farmers signed a deal on grain prices with the co-operative in March."
    b = "The striker's terrible deal with the club was a surprise to the fans of the team."
    result = run(a, b, fake_embedder, config)
    if any(len({result.links.mentions[i].article for i in c.members}) == 2 and result.links.mentions[c.members[0]].head == "deal"
           for c in result.links.clusters):
        assert from_links(result) == []
    else:
        pytest.skip("the links stage did not link the two deals")


def test_explanations_are_neutral_and_keep_proper_nouns():
    assert as_written("donbass", ["the Donbass republics"]) == "Donbass"
    assert as_written("territory", ["the territories"]) == "territory"
    assert as_written("self-declared", ["the Self-Declared republics"]) == "Self-Declared"


def test_explanations_are_never_judgements(fake_embedder, config):
    result = run("The memos were released on Thursday.", "The salacious memos were released on Thursday.",
                 fake_embedder, config)
    for f in result.framing:
        assert not any(w in f.explanation.lower() for w in ("wrong", "incorrect", "misspel"))


# ---------------------------------------------------------------- per-outlet table

def test_pair_table_in_json(fake_embedder, config):
    result = run("Kim Jong Un, the North Korean leader, said on Friday that tests would stop.",
                 "Kim Jong Un, the North Korean dictator, said on Friday that tests would stop.", fake_embedder, config)
    table = to_dict(result)["referents"]
    assert table["columns"] == ["A", "B"]
    kim = next(row for row in table["rows"] if row["referent"] == "Kim Jong Un")
    assert kim["subtype"] == "person" and kim["outlets"] == 2 and kim["differs"]
    assert [c["words"] for c in kim["cells"]] == [["Kim Jong Un", "the North Korean leader"],
                                                   ["Kim Jong Un", "the North Korean dictator"]]
    for side, cell in enumerate(kim["cells"]):
        text = (result.a, result.b)[side].article.text
        assert [[text[s:e] for s, e in spans] for spans in cell["spans"]] == [[w] for w in cell["words"]]
    assert table["rows"][0]["differs"]  # referents named differently first


def test_table_empty_when_links_are_off(fake_embedder, config):
    from dataclasses import replace
    off = replace(config, links=replace(config.links, enabled=False))
    result = run("The memos were released.", "The salacious memos were released.", fake_embedder, off)
    assert to_dict(result)["referents"] == {"columns": [], "rows": []}


def test_story_table_has_one_column_per_outlet(fake_embedder, config):
    from compare.types import Article
    texts = ["The memos were released on Thursday by the committee.",
             "The salacious memos were released on Thursday by the committee.",
             "The explosive memos were released on Thursday by the committee."]
    story = compare_many([Article(t, id=f"x{n}", source=s) for n, (t, s) in enumerate(zip(texts, ["Wire", "Daily", "Post"]))],
                         config, fake_embedder)
    table = story.to_dict()["referents"]
    assert table["columns"] == ["Wire", "Daily", "Post"]
    memo = next(row for row in table["rows"] if row["referent"] == "memos")
    assert [c["words"] for c in memo["cells"]] == [["The memos"], ["The salacious memos"], ["The explosive memos"]]
    frame = referents_frame(table)
    assert list(frame.columns) == ["referent", "kind", "outlets", "differs", "Wire", "Daily", "Post"]
    assert frame.loc[frame.referent == "memos", "Daily"].item() == "The salacious memos"
    # Each pair's findings come from the story's clusters.
    pair = story.comparisons[story.pairs.index((0, 1))]
    assert [f.b_text for f in from_links(pair)] == ["The salacious memos"]


def test_html_table_escapes_text():
    data = {"referents": {"columns": ["<A>", "B"], "rows": [
        {"referent": "<b>x</b>", "subtype": "thing", "outlets": 2, "differs": True,
         "cells": [{"words": ["<i>one</i>"], "spans": [[[0, 3]]]}, None]}]}}
    out = render_referents(data)
    assert "<b>x</b>" not in out and html.escape("<b>x</b>") in out and "—" in out and "named differently" in out
    assert "No referent" in render_referents({})


@pytest.mark.slow
def test_seed_pair_gains_no_finding_from_linked_referents(seed_pair):
    """Real encoder: every referent the seed pair words differently is already a label finding."""
    result = compare_articles(*seed_pair)
    assert result.links is not None and result.links.clusters
    assert from_links(result) == []
    assert len(result.framing) == 12
    kim = to_dict(result)["referents"]
    assert kim["columns"] and any(row["differs"] for row in kim["rows"])


def test_each_explanation_once():
    from compare.framing import shown_once
    from compare.framing.findings import framing_difference
    f1 = framing_difference("qualifier", "x", "y", [(0, 1)], [(5, 6)], "r", "", "q", "Both refer to r.")
    f2 = framing_difference("qualifier", "x", "y", [(10, 11)], [(5, 6)], "r", "", "q", "Both refer to r.")
    f3 = framing_difference("label", "x", "y", [(0, 1)], [(5, 6)], "r", "", "q", "Both refer to r.")
    out = shown_once([f1, f2, f3])
    assert [f.type for f in out] == ["qualifier", "label"]
    assert [(s.start, s.end) for s in out[0].a_spans] == [(0, 1), (10, 11)] and len(out[0].b_spans) == 1


def test_html_card_does_not_repeat_what_the_explanation_says():
    from compare.html_report import framing_card
    article = {"text": "The salacious memos.", "sentences": [{"index": 0, "start": 0, "end": 20}]}
    item = {"type": "qualifier", "a_text": "The memos", "b_text": "The salacious memos", "a_spans": [[0, 3]],
            "b_spans": [[4, 13]], "referent": "memos", "convention_a": "", "convention_b": "salacious",
            "explanation": "Only in B: salacious. Evaluative word: salacious."}
    card = framing_card({"articles": [article, article]}, item)
    assert card.count("salacious.") == 2 and "<em>(salacious)</em>" not in card
    card = framing_card({"articles": [article, article]}, {**item, "convention_b": "a convention"})
    assert "<em>(a convention)</em>" in card


def test_so_called_is_a_qualifier_shown_once(fake_embedder, config):
    """"so-called" stays in the phrase ("the so-called republic") and is reported
    once: as the qualifier of that phrase, not again as a hedge."""
    result = run("The so-called republic held a vote on Sunday.", "The republic held a vote on Sunday.",
                 fake_embedder, config)
    quals = [f for f in result.framing if f.type in ("label", "qualifier")]
    assert [(f.a_text, f.b_text, f.convention_a) for f in quals] == [("The so-called republic", "The republic", "so-called")]
    assert not [f for f in result.framing if f.type == "hedge"]
    # Without a counterpart phrase the hedge is still reported.
    alone = run("The so-called republic held a vote on Sunday.", "A vote was held on Sunday.", fake_embedder, config)
    assert [f.type for f in alone.framing if "so-called" in f.a_text] == ["hedge"]


def test_one_sided_qualifier_gives_way_to_the_linked_referent():
    from compare.framing import _without_one_sided
    from compare.framing.findings import framing_difference
    one = framing_difference("qualifier", "The alleged collusion", "", [(0, 21)], [], "collusion", "alleged", "",
                             "A calls them “The alleged collusion”; B ... never with “alleged”.")
    other = framing_difference("qualifier", "The state media", "", [(40, 55)], [], "media", "state", "", "...")
    linked = framing_difference("qualifier", "The alleged collusion", "the collusion", [(0, 21)], [(30, 43)],
                                "collusion", "alleged", "", "Both refer to collusion; ... Qualifier: alleged.")
    assert _without_one_sided([one, other], [linked]) == [other]
    assert _without_one_sided([one, other], []) == [one, other]


def test_side_words_are_read_once_per_article_whatever_the_article_number(fake_embedder, config):
    """The story's table, each pair's table and its findings read one referent's
    words off one article: computed once, whichever number the pair gives it."""
    from compare.links.cluster import in_article

    result = run("The salacious memos were released on Thursday. Lawmakers read the memos closely.",
                 "The memos were released on Thursday. Lawmakers read the memos closely.", fake_embedder, config)
    mentions = [result.links.mentions[i] for c in result.links.clusters for i in c.members
                if result.links.mentions[i].article == 0]
    first = referents.side_words(result.a, mentions, config.framing)
    again = referents.side_words(result.a, [in_article(m, 2) for m in mentions], config.framing)
    assert "salacious" in first.words and again is first
