"""Fact stage, reading the links (facts/linked.py) and one fact per thing said (facts/merge.py):
hand-made clusters, and end-to-end facts with the fake encoder."""
from __future__ import annotations

from dataclasses import replace

from compare.config import CompareConfig, FactsConfig
from compare.facts.linked import linked_pairs, partners_of, pronoun_referents
from compare.links import Cluster, Links, Mention
from compare.pipeline import compare_articles

CONFIG = CompareConfig()


def mention(article, sentence, head, kind="event", start=0, **kw):
    return Mention(article, start, start + len(head), head, kind, kw.pop("subtype", "verbal"), head, start,
                   start + len(head), sentence, **kw)


def links_of(groups, kinds):
    mentions = tuple(m for g in groups for m in g)
    clusters, k = [], 0
    for n, (g, kind) in enumerate(zip(groups, kinds)):
        clusters.append(Cluster(n, kind, "", tuple(range(k, k + len(g)))))
        k += len(g)
    return Links(mentions, tuple(clusters), ())


def seed_like_links():
    # A0 "voted to recognize the regions" ~ B5 "backed a motion calling ... to recognize ..., with 351 voting";
    # A1 ~ B2 share only "said" (a reporting verb) and one name
    return links_of([
        (mention(0, 0, "vote", start=10), mention(1, 5, "vote", start=90)),
        (mention(0, 0, "recognize", start=20), mention(1, 5, "recognize", start=70)),
        (mention(0, 0, "region", "entity", 30, subtype="thing"), mention(1, 5, "republic", "entity", 80, subtype="thing")),
        (mention(0, 1, "say", start=40), mention(1, 2, "say", start=50)),
        (mention(0, 1, "Putin", "entity", 45, subtype="person", name="Putin"),
         mention(1, 2, "Putin", "entity", 55, subtype="person", name="Putin")),
    ], ["event", "event", "entity", "event", "entity"])


def test_sentences_sharing_events_and_a_referent_are_linked():
    pairs = linked_pairs(seed_like_links(), FactsConfig())
    assert [(p.a, p.b, p.events, p.entities) for p in pairs] == [(0, 5, ("recognize", "vote"), ("region",))]
    assert [s.start for s in pairs[0].a_spans] == [10, 20] and [s.start for s in pairs[0].b_spans] == [70, 90]
    assert partners_of(pairs) == ({0: {5}}, {5: {0}})


def test_reporting_verbs_and_weak_links_do_not_link_sentences():
    links = seed_like_links()
    assert not linked_pairs(links, FactsConfig(link_min_events=3))
    assert not linked_pairs(links, FactsConfig(link_min_events=0))
    assert not linked_pairs(None, FactsConfig())
    no_referent = Links(links.mentions, tuple(c for c in links.clusters if c.id != 2), ())
    assert not linked_pairs(no_referent, FactsConfig())


def test_pronoun_takes_the_name_of_its_chain():
    person = mention(0, 0, "Peskov", "entity", 0, subtype="person", name="Dmitry Peskov", label="PERSON")
    he = mention(0, 1, "he", "entity", 60, subtype="person", pronoun=True)
    far = replace(he, start=200, sentence=4)  # beyond the links' pronoun window: no guess
    links = Links((person, he, far), (), ())
    assert pronoun_referents(links, 0, 1) == {60: "Dmitry Peskov"}
    assert pronoun_referents(links, 1, 1) == {} and pronoun_referents(None, 0, 1) == {}


def test_quote_speaker_given_by_a_pronoun_is_the_linked_person(fake_embedder):
    # the last name before "he" is "Peskov"; the links' chain gives the person the article named in full
    a = ('Kremlin spokesperson Dmitry Peskov met reporters on Monday. Peskov said the talks would go on. '
         '"We are ready to talk to everyone," he added.')
    b = "Kremlin spokesperson Dmitry Peskov met reporters on Monday."
    quotes = [f for f in compare_articles(a, b, CONFIG, fake_embedder).facts if f.kind == "quote"]
    assert [(f.status, f.reason) for f in quotes] == [("only_a", "only A quotes this (speaker: Dmitry Peskov)")]


def test_statements_of_one_speaker_are_one_fact(fake_embedder):
    shared = "The mayor opened a new school in the north of the city on Monday."
    a = (f"{shared} Spokesman John Smith declined to comment on the budget, saying no decision had been made. "
         "But he added that the council was worried about rising costs. He also said that local taxes would not rise.")
    claims = [f for f in compare_articles(a, shared, CONFIG, fake_embedder).facts
              if f.kind == "claim" and f.status == "only_a"]
    assert len(claims) == 1 and len(claims[0].a_spans) == 3
    assert "John Smith" in claims[0].text and "local taxes would not rise" in claims[0].text


def test_unrelated_sentences_stay_apart(fake_embedder):
    shared = "The mayor opened a new school in the north of the city on Monday."
    a = f"{shared} Flooding closed two roads near the river. A bridge in the south was repaired by engineers."
    claims = [f for f in compare_articles(a, shared, CONFIG, fake_embedder).facts
              if f.kind == "claim" and f.status == "only_a"]
    assert len(claims) == 2
