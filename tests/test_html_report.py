"""html_report: segments, escaping, counterparts and generic findings, on hand-made dicts."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from compare.html_report import (article_body, counterparts, render_findings, render_framing, render_html,
                                 segments, span_context, visible_highlights)

TEXT_A = "Russia recognised Luhansk. 15,000 people died. Talks failed."
TEXT_B = "Moscow recognised Lugansk. 14,000 people were killed."
XSS = '<script>alert(1)</script> and <img src=x onerror="alert(2)"> here.'


def sentences(text: str, status: list[str]) -> list[dict]:
    out, start = [], 0
    for n, part in enumerate(re.findall(r"[^.]+\.", text)):
        begin = text.index(part.strip(), start)
        out.append({"index": n, "start": begin, "end": begin + len(part.strip()), "status": status[n]})
        start = begin + len(part.strip())
    return out


def make_data(text_a: str = TEXT_A, text_b: str = TEXT_B, **extra) -> dict:
    sa = sentences(text_a, ["shared", "partial", "unique"][: text_a.count(".")] + ["unique"] * 9)
    sb = sentences(text_b, ["shared", "partial"] + ["unique"] * 9)
    data = {
        "schema_version": "1.0", "model": "hashing-256",
        "articles": [{"id": "a", "source": "Wire", "title": "Title A", "date": "2022-02-15", "url": "", "text": text_a,
                      "sentences": sa},
                     {"id": "b", "source": "State", "title": "Title B", "date": "2022-02-22", "url": "", "text": text_b,
                      "sentences": sb}],
        "alignments": [{"a": [0], "b": [0], "score": 1.3, "cosine": 0.81, "kind": "equivalent"},
                       {"a": [1], "b": [1], "score": 1.05, "cosine": 0.47, "kind": "related"}],
        "highlights": [], "facts": [], "framing": [],
        "summary": {"shared_share_a": 0.4, "shared_share_b": 0.5, "facts_conflict": 1},
    }
    data.update(extra)
    return data


def with_findings() -> dict:
    a, b = TEXT_A, TEXT_B
    span = lambda text, word: [text.index(word), text.index(word) + len(word)]  # noqa: E731
    return make_data(
        highlights=[{"article": 0, "start": span(a, "15,000")[0], "end": span(a, "15,000")[1], "status": "conflict"},
                    {"article": 0, "start": span(a, "Luhansk")[0], "end": span(a, "Luhansk")[1], "status": "framing"},
                    {"article": 0, "start": span(a, "Talks failed")[0], "end": span(a, "Talks failed")[1], "status": "unique"},
                    # overlaps the conflict mark: nested marks
                    {"article": 0, "start": span(a, "15,000 people")[0], "end": span(a, "15,000 people")[1], "status": "unique"}],
        facts=[{"kind": "number", "status": "conflict", "text": "death toll", "a_spans": [span(a, "15,000")],
                "b_spans": [span(b, "14,000")], "reason": "numbers differ: 15,000 vs 14,000", "confidence": 0.9},
               {"kind": "claim", "status": "only_a", "text": "Talks failed", "a_spans": [span(a, "Talks failed")],
                "b_spans": [], "reason": "no counterpart in B", "confidence": 0.7},
               {"kind": "quote", "status": "disputed", "text": "new status", "a_spans": [], "b_spans": [],
                "reason": "a status this page has never seen", "confidence": 1.0}],
        framing=[{"type": "naming_variant", "a_text": "Luhansk", "b_text": "Lugansk", "a_spans": [span(a, "Luhansk")],
                  "b_spans": [span(b, "Lugansk")], "referent": "Luhansk region", "convention_a": "Ukrainian-derived",
                  "convention_b": "Russian-derived", "explanation": "two romanisations of one name"},
                 {"type": "brand_new_type", "a_text": "recognised", "b_text": "", "a_spans": [], "b_spans": [],
                  "referent": "", "convention_a": "", "convention_b": "", "explanation": "future finding"}],
    )


class Balance(HTMLParser):
    """Checks that every opened element is closed in order (void elements aside)."""

    VOID = {"meta", "br", "img", "input", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def text_of(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


@pytest.mark.parametrize("length, sents, highs, expected", [
    (10, [], [], [(0, 10, None, ())]),
    (0, [], [], []),
    (10, [{"index": 0, "start": 0, "end": 4}], [], [(0, 4, 0, ()), (4, 10, None, ())]),
    (10, [], [{"start": 2, "end": 8}, {"start": 4, "end": 6}],
     [(0, 2, None, ()), (2, 4, None, (0,)), (4, 6, None, (0, 1)), (6, 8, None, (0,)), (8, 10, None, ())]),
    # the shorter highlight is nested inside the longer one whatever their order
    (6, [], [{"start": 2, "end": 3}, {"start": 0, "end": 6}], [(0, 2, None, (1,)), (2, 3, None, (1, 0)), (3, 6, None, (1,))]),
])
def test_segments_cut_at_every_boundary(length, sents, highs, expected):
    got = [(s.start, s.end, s.sentence, s.marks) for s in segments(length, sents, highs)]
    assert got == expected


def test_segments_cover_text_once():
    data = with_findings()
    side = data["articles"][0]
    segs = segments(len(side["text"]), side["sentences"], data["highlights"])
    assert segs[0].start == 0 and segs[-1].end == len(side["text"])
    assert all(x.end == y.start for x, y in zip(segs, segs[1:]))


def test_sentence_level_highlights_are_not_repeated_as_marks():
    data = make_data()
    sent = data["articles"][0]["sentences"][2]
    whole = {"article": 0, "start": sent["start"], "end": sent["end"], "status": "unique"}
    phrase = {"article": 0, "start": sent["start"], "end": sent["start"] + 5, "status": "unique"}
    assert visible_highlights(data["articles"][0]["sentences"], [whole, phrase]) == [phrase]


def test_article_body_keeps_text_and_marks_nest():
    data = with_findings()
    body = article_body(data, 0)
    assert text_of(body).replace("A1↔B1", "").replace("A2↔B2", "").replace("A3", "") == TEXT_A
    assert '<mark class="nc-h nc-h-unique"' in body and "nc-h-conflict" in body and "nc-h-framing" in body
    # "15,000" lies in both the conflict mark and the longer "unique" mark: nested, longer outside
    assert re.search(r'nc-h-unique"[^>]*><mark class="nc-h nc-h-conflict"[^>]*>15,000</mark></mark>', body)
    parser = Balance()
    parser.feed(body)
    assert not parser.errors and not parser.stack


def test_sentences_carry_counterparts_and_similarity():
    body = article_body(make_data(), 0)
    assert 'id="nc-A-s0"' in body and 'data-counterparts="nc-B-s0"' in body and 'data-similarity="0.810"' in body
    assert 'href="#nc-B-s1"' in body
    assert 'class="nc-sent nc-s-unique" id="nc-A-s2"' in body and 'id="nc-A-s2" data-side="A" data-index="2" data-counterparts=""' in body


def test_counterparts_cover_one_to_many():
    data = make_data(alignments=[{"a": [0], "b": [0, 1], "score": 1.2, "cosine": 0.7, "kind": "equivalent"}])
    got = counterparts(data)
    assert [p["index"] for p in got[(0, 0)]] == [0, 1]
    assert [p["index"] for p in got[(1, 1)]] == [0]


def test_span_context_marks_span_in_its_sentence():
    data = make_data()
    article = data["articles"][0]
    start = TEXT_A.index("15,000")
    ctx = span_context(article, [[start, start + 6]])
    assert ctx == '<mark class="nc-span">15,000</mark> people died.'
    assert "—" in span_context(article, [])


def test_findings_render_every_status_and_type_generically():
    data = with_findings()
    html = render_findings(data)
    for title in ("Shared facts (0)", "Facts only in A (1)", "Facts only in B (0)", "Conflicts (1)", "Disputed (1)",
                  "Framing differences (2)"):
        assert title in html
    assert "numbers differ: 15,000 vs 14,000" in html and "Brand new type (1)" in html
    framing = render_framing(data)
    assert "Naming / transliteration (1)" in framing and "Ukrainian-derived / Russian-derived" in framing


@pytest.mark.parametrize("standalone", [True, False])
def test_malicious_article_text_is_escaped(standalone):
    data = make_data(text_a=XSS)
    data["articles"][0]["title"] = "<b onmouseover=alert(3)>t</b>"
    data["articles"][0]["sentences"] = [{"index": 0, "start": 0, "end": len(XSS), "status": "unique"}]
    data["alignments"] = []
    data["facts"] = [{"kind": "<i>k</i>", "status": "only_a", "text": "<script>x</script>", "a_spans": [[0, 30]],
                      "b_spans": [], "reason": "<img src=y onerror=alert(4)>", "confidence": 1}]
    out = render_html(data, standalone=standalone)
    assert "<script>alert" not in out and "<img" not in out and "<b onmouseover" not in out and "<i>k" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "onerror=&quot;alert(2)&quot;" in out
    assert out.count("<script>") == (1 if standalone else 0)  # only the page's own hover script


def test_javascript_urls_are_not_linked():
    data = make_data()
    data["articles"][0]["url"] = "javascript:alert(1)"
    data["articles"][1]["url"] = "https://example.org/b"
    out = render_html(data)
    assert "javascript:" not in out and 'href="https://example.org/b"' in out


def test_standalone_page_is_a_balanced_document():
    out = render_html(with_findings())
    assert out.startswith("<!DOCTYPE html>") and "<title>Comparison: Wire vs State</title>" in out
    parser = Balance()
    parser.feed(out)
    assert not parser.errors and not parser.stack
    fragment = render_html(with_findings(), standalone=False)
    assert fragment.startswith("<style>") and "<html" not in fragment


def test_summary_and_alignment_table_in_page():
    out = render_html(make_data())
    assert "40%" in out and "Share of A in both reports" in out and "50%" in out
    assert "<td>A1</td>" in out and "<td>equivalent</td>" in out and "<td>0.81</td>" in out
    assert "only in A" in out  # unique sentence A3 listed in the table


def test_same_span_highlights_merge_into_one_mark_with_both_notes():
    marks = [{"article": 0, "start": 0, "end": 6, "status": "framing", "note": "naming variant"},
             {"article": 0, "start": 0, "end": 6, "status": "framing", "note": "naming convention"},
             {"article": 0, "start": 0, "end": 6, "status": "conflict"}]
    got = visible_highlights([], marks)
    assert len(got) == 2 and got[0]["note"] == "naming variant\nnaming convention"


@pytest.mark.parametrize("seed", range(5))
def test_segments_match_brute_force_on_random_overlaps(seed):
    import random

    rng = random.Random(seed)
    length = 200
    sents = [{"index": n, "start": s, "end": s + 35} for n, s in enumerate(range(0, 180, 40))]
    highs = [{"start": (a := rng.randrange(0, 210)), "end": a + rng.randrange(0, 40)} for _ in range(30)]
    for seg in segments(length, sents, highs):
        covering = [k for k, h in enumerate(highs) if h["start"] <= seg.start and seg.end <= h["end"]]
        assert sorted(seg.marks) == covering
        lengths = [highs[k]["end"] - highs[k]["start"] for k in seg.marks]
        assert lengths == sorted(lengths, reverse=True), "outer (longer) marks first"
        inside = [s["index"] for s in sents if s["start"] <= seg.start and seg.end <= s["end"]]
        assert seg.sentence == (inside[0] if inside else None)


def test_hover_css_links_each_aligned_pair_both_ways():
    from compare.html_report import hover_css

    css = hover_css(make_data())
    assert ".nc-cols:has(#nc-A-s0:hover) #nc-B-s0" in css and ".nc-cols:has(#nc-B-s1:hover) #nc-A-s1" in css
    assert "nc-A-s2" not in css  # unaligned sentence: no rule
    assert hover_css(make_data(alignments=[])) == ""
