"""Linking stage, headlines: title-case and all-caps sentences re-parsed in the case the article writes each word.

The small parser reads "Lindsay Lohan Checks Into Rehab" as one name and
"PROVISIONAL TRIAL DATE SET FOR CUMBRIA DOUBLE MURDER" as an organisation's,
so "Rehab", "SET" and "CUMBRIA" are no mentions. ``recase_headlines`` writes
such a sentence as the article's body writes its words ("Lindsay Lohan
checks into rehab": a word takes the case its stem has most often inside
the body's sentences), parses that short text with the same pipeline, and
puts the annotations back on the original words: the text, its character
offsets and its sentences are unchanged, so mentions keep pointing at what
the reader sees.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
from spacy.tokens import Doc, Span

from .mentions import stem_of, title_case

PARSE_ATTRS = [POS, TAG, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE]
OUTSIDE = 2  # ENT_IOB "O" in Doc.to_array


def body_cases(doc: Doc) -> tuple[dict[str, Counter], frozenset[tuple[str, str]]]:
    """Stem -> how often the body writes a word with that stem "lower",
    "title" or "upper", not counting the first word of a sentence nor
    title-case sentences (which say nothing of a word's case); and the
    pairs of adjacent capitalised words the body writes ("supreme",
    "court"): a name whose words the body also uses lower-cased ("the
    court") stays a name."""
    cases: dict[str, Counter] = defaultdict(Counter)
    pairs = set()
    for sentence in doc.sents:
        tokens = list(sentence)  # each Token made once; then their texts (is_alpha is str.isalpha ...)
        if title_case(tokens):
            continue
        words = [t.text for t in tokens]
        for word in [w for w in words if w.isalpha()][1:]:
            cases[stem_of(word.lower())][word_shape(word)] += 1
        pairs.update((a.lower(), b.lower()) for a, b in zip(words, words[1:])
                     if a.isalpha() and b.isalpha() and not a.islower() and not b.islower())
    return cases, frozenset(pairs)


def word_shape(word: str) -> str:
    if word.islower():
        return "lower"
    return "upper" if word.isupper() and len(word) > 1 else "title"


def recased_word(word: str, cases: Counter | None, stop: bool, all_caps: bool) -> str:
    """The word in the case the body gives its stem most often; a function
    word the body never capitalises in lower case; a word the body does not
    use lower-cased in an all-caps sentence, else as written."""
    if cases:
        shape = cases.most_common(1)[0][0]
    elif stop or all_caps:
        shape = "lower"
    else:
        return word
    return word.lower() if shape == "lower" else word.upper() if shape == "upper" else word[0] + word[1:].lower()


def recased_text(sentence: Span, body: tuple[dict[str, Counter], frozenset], stop_words) -> str:
    """The sentence with each capitalised word recased (``recased_word``)
    unless the body writes it capitalised beside its neighbour ("Supreme
    Court"), its first word capitalised: "Lindsay Lohan checks into rehab"."""
    cases, pairs = body
    all_caps = all(t.text.isupper() for t in sentence if t.is_alpha and len(t) > 3)
    out, first = [], True
    for token in sentence:
        word = token.text
        in_name = any(pair in pairs for pair in neighbour_pairs(token, sentence))
        if token.is_alpha and not word.islower() and not in_name:
            word = recased_word(word, cases.get(stem_of(token.lower_)), token.lower_ in stop_words, all_caps)
        if token.is_alpha and first:
            word, first = word[0].upper() + word[1:], False
        out.append(word + token.whitespace_)
    return "".join(out)


def without_trailing_space(sentence: Span) -> Span:
    """The sentence without the line breaks that end it (re-parsed, the
    recogniser may take them into a name: "Religion\\n\\n")."""
    end = sentence.end
    while end > sentence.start + 1 and sentence.doc[end - 1].is_space:
        end -= 1
    return sentence.doc[sentence.start:end]


def neighbour_pairs(token, sentence: Span) -> list[tuple[str, str]]:
    """(previous, this) and (this, next) words, lower-cased, inside ``sentence``."""
    doc = token.doc
    return [(doc[i].lower_, doc[i + 1].lower_) for i in (token.i - 1, token.i)
            if sentence.start <= i and i + 1 < sentence.end]


def entity_crosses(sentence: Span) -> bool:
    """A named entity runs across the sentence's start or end (its new
    annotations could not be put back without cutting that entity)."""
    doc = sentence.doc
    return sentence[0].ent_iob_ == "I" or (sentence.end < len(doc) and doc[sentence.end].ent_iob_ == "I")


def recase_headlines(doc: Doc, load_nlp) -> Doc:
    """``doc`` with every title-case or all-caps sentence carrying the parse
    of its recased text (``recased_text``) on its original words, or ``doc``
    itself when there is none or a re-parse would move a sentence boundary
    or a token (then that sentence keeps its parse). ``load_nlp()`` gives
    the spaCy pipeline that parsed ``doc``; it is called only when there is
    a headline to re-parse."""
    return recase_story_headlines([doc], load_nlp)[0]


def recase_story_headlines(docs: list, load_nlp) -> list:
    """``recase_headlines`` of each doc of a story (None stays None), the
    recased headlines of all of them parsed in one ``nlp.pipe`` call: one
    call per headline cost ~10 ms of fixed overhead each, and the batched
    parses are the same to the bit (every BASIL headline checked)."""
    found = [headline_rewrites(doc, load_nlp) if doc is not None else [] for doc in docs]
    texts = [text for rewrites in found for _, text in rewrites]
    if not texts:
        return list(docs)
    parsed = iter(load_nlp().pipe(texts))
    return [with_parses(doc, [(sentence, next(parsed)) for sentence, _ in rewrites]) if rewrites else doc
            for doc, rewrites in zip(docs, found)]


def headline_rewrites(doc: Doc, load_nlp) -> list[tuple[Span, str]]:
    """(sentence, recased text) for each title-case sentence of ``doc`` whose
    recased text differs from what it writes."""
    headlines = [s for s in doc.sents if title_case(s) and not entity_crosses(s)]
    if not headlines:
        return []
    body = body_cases(doc)
    stop_words = load_nlp().Defaults.stop_words
    out = []
    for sentence in headlines:
        words = without_trailing_space(sentence)
        text = recased_text(words, body, stop_words)
        if text != words.text:
            out.append((sentence, text))
    return out


def with_parses(doc: Doc, parses: list[tuple[Span, Doc]]) -> Doc:
    """``doc`` with each sentence's words annotated as its re-parse says,
    or ``doc`` itself (``recase_headlines``)."""
    array = doc.to_array(PARSE_ATTRS)
    changed = False
    for sentence, parsed in parses:
        words = without_trailing_space(sentence)
        if [(t.idx, len(t)) for t in parsed] != [(t.idx - words.start_char, len(t)) for t in words] \
                or len(list(parsed.sents)) != 1:
            continue
        array[words.start:words.end] = parsed.to_array(PARSE_ATTRS)
        array[words.end:sentence.end, PARSE_ATTRS.index(ENT_IOB)] = OUTSIDE  # no name ends in a line break
        array[words.end:sentence.end, PARSE_ATTRS.index(ENT_TYPE)] = 0
        changed = True
    if not changed:
        return doc
    out = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    out.from_array(PARSE_ATTRS, array)
    if [(s.start, s.end) for s in out.sents] != [(s.start, s.end) for s in doc.sents]:
        return doc
    return out
