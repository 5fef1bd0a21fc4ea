"""Linking stage on the seed pair with the real models (slow)."""
from __future__ import annotations

import pytest

from compare.config import CompareConfig
from compare.links import link_mentions
from compare.pipeline import default_embedder, prepare_documents

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_links(seed_pair):
    config = CompareConfig()
    embedder = default_embedder(config)
    documents = prepare_documents(list(seed_pair), config, embedder)
    return documents, link_mentions(documents, config, embedder)


def in_sentence(links, documents, article: int, sentence_has: str, cluster_members) -> bool:
    return any(documents[links.mentions[i].article].sentences[links.mentions[i].sentence].text.find(sentence_has) >= 0
               and links.mentions[i].article == article for i in cluster_members)


def test_recognition_vote_links_to_the_motion_vote(seed_links):
    documents, links = seed_links
    vote = [c for c in links.clusters if any(links.mentions[i].text == "voted" and links.mentions[i].article == 0
                                             and "on Tuesday voted to recognize" in documents[0].article.text[
                                                 max(0, links.mentions[i].start - 30):links.mentions[i].end + 20]
                                             for i in c.members)]
    assert vote, "A's recognition vote is in no cross-report cluster"
    assert in_sentence(links, documents, 1, "backed a motion calling on Putin", vote[0].members)


def test_appeal_links_to_the_motion(seed_links):
    # "appeal directly to President Vladimir Putin to recognize" / "a motion calling on Putin to recognize":
    # token cosine 0.28, linked as the same request (same complement verb, shared arguments Putin, recognize)
    documents, links = seed_links
    appeal = [c for c in links.clusters if any(links.mentions[i].head == "appeal" and links.mentions[i].article == 0
                                               for i in c.members)]
    assert any(in_sentence(links, documents, 1, "backed a motion calling on Putin", c.members) for c in appeal)
    members = {i for c in appeal for i in c.members}
    assert any(x.a in members and "same request" in x.evidence for x in links.links)


@pytest.mark.parametrize("a_name, b_name", [("Donetsk", "Donetsk"), ("Luhansk", "Lugansk")])
def test_republics_link_across_spellings(seed_links, a_name, b_name):
    _, links = seed_links
    assert any(any(links.mentions[i].article == 0 and a_name in links.mentions[i].text for i in c.members)
               and any(links.mentions[i].article == 1 and links.mentions[i].text == b_name for i in c.members)
               for c in links.clusters)


def test_united_russia_is_never_russia(seed_links):
    _, links = seed_links
    for cluster in links.clusters:
        texts = {links.mentions[i].text for i in cluster.members}
        assert not ("Russia" in texts and any("United Russia" in t for t in texts))
    assert any({links.mentions[i].text for i in c.members} == {"Russia"} for c in links.clusters)


def test_the_two_tuesdays_do_not_link(seed_links):
    documents, links = seed_links
    assert [d.article.date for d in documents] == ["2022-02-15", "2022-02-22"]
    for cluster in links.clusters:
        tuesdays = {links.mentions[i].article for i in cluster.members if "Tuesday" in links.mentions[i].text}
        assert len(tuesdays) < 2
