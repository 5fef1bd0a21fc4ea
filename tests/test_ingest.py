"""Ingest: text, front matter, HTML, files, manifests and bad input."""
import pytest

from compare.corpus import load_manifest, stories
from compare.ingest import (IngestError, article_from_html, article_from_text, decode_bytes, decode_text, fetch_url,
                            read_article, require_english, split_front_matter, thin_main_text)
from compare.types import Article

HTML = """<html><head><title>Duma backs recognition</title></head><body>
<nav>Home | World | Sport</nav>
<article><h1>Duma backs recognition</h1>
<p>Russian lawmakers on Tuesday voted to recognize two breakaway regions of Ukraine as independent states.</p>
<p>The resolution now goes to the Kremlin, the speaker of the lower house said in a statement on Tuesday.</p>
<p>Ukraine's foreign minister said the move would mean Russia had withdrawn from the Minsk agreements.</p>
</article><footer>Copyright 2022</footer></body></html>"""


def test_front_matter_is_metadata_not_text():
    meta, body = split_front_matter("---\ntitle: T\ndate: 2022-02-22\n---\nBody text.")
    assert meta == {"title": "T", "date": "2022-02-22"} and body == "Body text."


def test_article_from_text_reads_front_matter():
    art = article_from_text("---\noutlet: Wire\ntitle: Head\nsubtitle: Sub\n---\nThe Duma voted on Tuesday.")
    assert (art.source, art.title, art.text) == ("Wire", "Head", "The Duma voted on Tuesday.")
    assert ("subtitle", "Sub") in art.extra


def test_malformed_front_matter_is_a_clear_error():
    with pytest.raises(IngestError, match="key: value"):
        article_from_text("---\nno colon here\n---\nBody.")


@pytest.mark.parametrize("text,message", [("", "empty"), ("   \n\t ", "empty"), ("1234 5678 !!!", "no words")])
def test_empty_or_wordless_text_is_refused(text, message):
    with pytest.raises(IngestError, match=message):
        article_from_text(text, label="article B")


def test_binary_bytes_are_refused():
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "upload.png")


def test_one_bad_byte_keeps_the_utf8_text_and_counts_it(tmp_path):
    text = "He’ll say the “vote” was fair, the minister told reporters on Tuesday."
    data = text.encode() + b" \xff" + " Then he left.".encode()
    decoded = decode_text(data)
    assert decoded.text == text + " \ufffd Then he left." and decoded.replaced == 1
    assert decoded.warnings == ("1 character could not be decoded (invalid UTF-8) and was replaced with \ufffd",)
    (tmp_path / "a.txt").write_bytes(data)
    article = read_article(tmp_path / "a.txt")
    assert "He’ll" in article.text and article.warnings == decoded.warnings


def test_short_legacy_text_is_not_guessed():
    # charset_normalizer's cleanest readings of this disagree (cp775 "Z³rich", cp1250 "Zürich"): not sure, so replaced
    decoded = decode_text("Die Stadt Zürich liegt am See und hat viele Einwohner.".encode("latin-1"))
    assert decoded.text.startswith("Die Stadt Z\ufffdrich") and decoded.replaced == 1


def test_long_legacy_text_is_detected_with_a_warning():
    text = ("Депутаты Государственной думы во вторник проголосовали за признание независимости "
            "Донецкой и Луганской народных республик. Решение направлено президенту.")
    decoded = decode_text(text.encode("cp1251"))
    assert decoded.text == text and decoded.encoding == "cp1251" and "decoded as cp1251" in decoded.warnings[0]


def test_mostly_undecodable_bytes_are_refused():
    with pytest.raises(IngestError, match="save it as UTF-8"):
        decode_text(b"He\xe2\x80\x99ll " + bytes(range(0x80, 0xc0)) * 3)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_byte_order_marks(encoding):
    text = "Lawmakers voted on Tuesday — “again”."
    data = text.encode(encoding) if encoding == "utf-8-sig" else "\ufeff".encode(encoding) + text.encode(encoding)
    decoded = decode_text(data)
    assert (decoded.text, decoded.replaced, decoded.warnings) == (text, 0, ())


def test_html_main_text_is_extracted():
    art = article_from_html(HTML)
    assert "voted to recognize" in art.text
    assert "Copyright" not in art.text and "Home | World" not in art.text
    assert art.title == "Duma backs recognition"


def test_pasted_html_is_recognised():
    assert "<p>" not in article_from_text(HTML).text


def test_html_date_is_never_made_up():
    assert article_from_html(HTML).date == ""  # htmldate's extensive search made 2022-01-01 of "Copyright 2022"
    stated = HTML.replace("<head>", '<head><meta property="article:published_time" content="2022-02-15T10:00:00Z">')
    assert article_from_html(stated).date == "2022-02-15"


_HEADLINES = ("Markets rally after rate decision", "Storm closes schools in the north", "Ministers meet over budget gap",
              "Club signs striker for record fee", "Museum reopens its east wing", "Court delays ruling on merger")
SECTION_FRONT = ("<html><body><main>" + "".join(f"<h2><a href='/{n}'>{h}</a></h2><p>{h.split()[0]} latest</p>"
                                              for n, h in enumerate(_HEADLINES)) + "</main></body></html>")


@pytest.mark.parametrize("page,message", [
    ("<html><body><nav>menu</nav></body></html>", "only 1 words of main text"),
    (SECTION_FRONT, "looks like navigation: only 0 of its 44 words are in sentences"),
])
def test_navigation_only_pages_are_refused(page, message):
    with pytest.raises(IngestError, match=message):
        article_from_html(page, label="article A")


@pytest.mark.parametrize("text,thin", [
    ("menu", True),
    ("Home\nWorld\nSport\n" * 10, True),
    ("One short sentence here, then nothing more at all.", True),
    ("The minister said on Tuesday that the vote would go ahead as planned. " * 3, False),
    ("Vote goes ahead\n" + "The minister said on Tuesday that the vote would go ahead as planned, “again”.\n" * 2, False),
])
def test_thin_main_text(text, thin):
    assert (thin_main_text(text) is not None) == thin


def test_html_without_text_is_refused():
    with pytest.raises(IngestError, match="empty after HTML extraction"):
        article_from_html("<html><body><script>var x=1;</script></body></html>")


def test_read_article_files(tmp_path):
    (tmp_path / "a.md").write_text("---\ndate: 2022-02-15\n---\nLawmakers voted on Tuesday.", encoding="utf-8")
    (tmp_path / "b.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "c.bin").write_bytes(b"\x00\x01\x02binary")
    assert read_article(tmp_path / "a.md").date == "2022-02-15"
    assert read_article(tmp_path / "b.html").id == "b"
    with pytest.raises(IngestError, match="binary"):
        read_article(tmp_path / "c.bin")
    with pytest.raises(IngestError, match="no such file"):
        read_article(tmp_path / "missing.txt")


def test_huge_text_is_refused():
    with pytest.raises(IngestError, match="too long"):
        article_from_text("word " * 200_000)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a", "javascript:alert(1)"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(IngestError, match="only http and https"):
        fetch_url(url)


def test_unreachable_url_is_a_clear_error():
    with pytest.raises(IngestError, match="could not fetch"):
        fetch_url("http://127.0.0.1:9/nothing-listens-here", timeout=2)


def test_non_english_is_refused_with_reason():
    text = ("Депутаты Государственной думы во вторник проголосовали за признание независимости "
            "Донецкой и Луганской народных республик.")
    with pytest.raises(IngestError, match="not English.*'ru'"):
        require_english(Article(text), "article B")
    require_english(Article("Lawmakers in Moscow voted on Tuesday to recognise the two regions as states."))


def test_manifest_csv_and_jsonl(tmp_path):
    (tmp_path / "m.csv").write_text('story,path,outlet\ns1,a.txt,Wire\n\ns1,b.txt,"State, Inc."\ns2,c.txt,\n')
    groups = stories(load_manifest(tmp_path / "m.csv"))
    assert list(groups) == ["s1", "s2"] and [r.source for r in groups["s1"]] == ["Wire", "State, Inc."]
    assert groups["s1"][0].location == str(tmp_path / "a.txt")
    (tmp_path / "m.jsonl").write_text('{"story": "s", "url": "https://example.com/x"}\n')
    assert load_manifest(tmp_path / "m.jsonl")[0].location == "https://example.com/x"


@pytest.mark.parametrize("content,suffix,message", [
    ("story,outlet\ns1,Wire\n", ".csv", "needs a 'story' and a 'path'"),
    ('{"story": "s", "path": "a.txt"}\nnot json\n', ".jsonl", "line 2 is not valid JSON"),
    ("", ".csv", "no header row"),
    ("story,path\n", ".csv", "lists no articles"),
    ('story,path,title\ns1,a.txt,"Vote\ns1,b.txt,Other\ns2,c.txt,Third\n', ".csv", "line 2 is not valid CSV"),
    ('story,path,title\ns1,a.txt,"Vote\ns1,b.txt,Other"\ns2,c.txt,Third\n', ".csv", "line 2: a quoted value runs"),
    ("story,path,title\ns1,a.txt,Vote, again\n", ".csv", "line 2 has 4 fields but the header has 3"),
    ("story,path,title\ns1,a.txt\n", ".csv", "line 2 has 2 fields"),
])
def test_malformed_manifests(tmp_path, content, suffix, message):
    path = tmp_path / f"m{suffix}"
    path.write_text(content)
    with pytest.raises(IngestError, match=message):
        load_manifest(path)


def test_bundled_corpus_loads(seed_pair):
    a, b = seed_pair
    assert a.date == "2022-02-15" and b.date == "2022-02-22"
    assert b.text.startswith("Russian lawmakers have voted") and "date 2022-02-22" not in b.text


def test_utf16_with_bom_is_text():
    assert decode_bytes("Lawmakers voted on Tuesday.".encode("utf-16")) == "Lawmakers voted on Tuesday."
