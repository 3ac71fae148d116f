"""@-mentions in tweet text: twitter-text's conformance suite, kwo's additions, and the fast path
checked against a plain port of twitter-text's algorithm."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kwo.formats import text_mentions
from kwo.formats.text_mentions import mentions, mentions_from_text, mentions_with_indices, urls_with_indices

CONFORMANCE = json.loads((Path(__file__).parent / "data" / "twitter_text_extract.json").read_text("utf-8"))
TESTS = CONFORMANCE["tests"]


def cases(section: str) -> list:
    return [pytest.param(c, id=c["description"]) for c in TESTS[section]]


def test_the_conformance_file_is_twitter_texts_and_complete():
    assert CONFORMANCE["commit"] == "30e2430d90cff3b46393ea54caf511441983c260"
    assert "Apache License 2.0" in CONFORMANCE["licence"]
    counts = {section: len(TESTS[section]) for section in TESTS}
    assert counts == {
        "mentions": 23,
        "mentions_with_indices": 3,
        "mentions_or_lists_with_indices": 5,
        "urls": 91,
        "urls_with_indices": 10,
        "urls_with_directional_markers": 2,
        "tco_urls_with_params": 5,
    }


def test_every_mention_case_passes():
    """The count for the notes: all 26 cases of `mentions` and `mentions_with_indices`."""
    passed = sum(mentions(c["text"]) == c["expected"] for c in TESTS["mentions"])
    passed += sum(
        [{"screen_name": n, "indices": [s, e]} for n, s, e in mentions_with_indices(c["text"])] == c["expected"]
        for c in TESTS["mentions_with_indices"]
    )
    assert passed == 26


@pytest.mark.parametrize("case", cases("mentions"))
def test_conformance_mentions(case):
    assert mentions(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", cases("mentions_with_indices"))
def test_conformance_mentions_with_indices(case):
    got = [{"screen_name": n, "indices": [s, e]} for n, s, e in mentions_with_indices(case["text"])]
    assert got == case["expected"]


@pytest.mark.parametrize("case", cases("mentions_or_lists_with_indices"))
def test_conformance_lists_are_no_mentions(case):
    """extractMentionsWithIndices is extractMentionsOrListsWithIndices without the lists."""
    expected = [{"screen_name": e["screen_name"], "indices": e["indices"]} for e in case["expected"] if not e["list_slug"]]
    got = [{"screen_name": n, "indices": [s, e]} for n, s, e in mentions_with_indices(case["text"])]
    assert got == expected


# The URL rule only decides which mentions are inside a URL; its cases show it is twitter-text's.
@pytest.mark.parametrize("case", cases("urls") + cases("tco_urls_with_params"))
def test_conformance_urls(case):
    assert [u for u, _, _ in urls_with_indices(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", cases("urls_with_indices") + cases("urls_with_directional_markers"))
def test_conformance_urls_with_indices(case):
    assert [{"url": u, "indices": [s, e]} for u, s, e in urls_with_indices(case["text"])] == case["expected"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # the cases issue 15 names, each one the old rule got wrong
        ("RT@brand thanks", ["brand"]),
        ("mail brand@host.com", []),
        ("@brand/list is great", []),
        ("f!@brand", []),
        ("@aliceìnheiro something", []),
        ("＠brand hello", ["brand"]),
        ("hi @abcdefghijklmnop", ["abcdefghijklmnop"]),  # 16 characters
        ("hi @abcdefghijklmnopqrst", ["abcdefghijklmnopqrst"]),  # 20 characters
        # twitter-text takes the first 20 characters of a longer run (nothing forbids what follows)
        ("hi @abcdefghijklmnopqrstuvw", ["abcdefghijklmnopqrst"]),
        # a brand's support address is no mention of the brand, nor are its last letters "rt"
        ("write to support@brand.com or smart@brand", []),
        ("x.rt@brand -rt@brand", []),
        ("rt: RT:@brand", ["brand"]),
        # mentions inside a URL belong to the URL
        ("read https://medium.com/@brand now", []),
        ("read medium.com/@brand now", []),
        ("see https://example.com?ref=@brand", []),
        ("see example.com/?ref=@brand", []),
        # ... but not one right after a URL, after a t.co link's slug (a t.co URL ends there) or in
        # the query of a URL without protocol and path (twitter-text's URL is then the domain alone)
        ("(see example.com)@brand", ["brand"]),
        ("see example.com?ref=@brand", ["brand"]),
        ("https://t.co/abc/@brand", ["brand"]),
        ("end. @brand", ["brand"]),
        ("@brand.com is our site", ["brand"]),
        ("@@brand", []),
        ("a\n@brand\t@other", ["brand", "other"]),
    ],
)
def test_rules(text, expected):
    assert mentions(text) == expected


def test_a_word_longer_than_a_tweet_is_searched_for_urls_near_its_mentions_only():
    """twitter-text's URL regex is quadratic on some words; kwo looks 300 characters around."""
    assert mentions("https://example.com/" + "a" * 200 + "/@brand") == []
    assert mentions("https://example.com/" + "a" * 400 + "/@brand") == ["brand"]


def test_a_text_longer_than_a_tweet_is_searched_for_urls_up_to_a_budget():
    """At most 1,200 characters of words a text (four tweets' worth) go through the URL regex."""
    words = [f"https://example.com/{'a' * 250}/@b{i}" for i in range(6)]  # 274 characters each
    assert mentions(" ".join(words[:5])) == []  # 4 x 274 = 1,096 < 1,200: the fifth is searched too
    assert mentions(" ".join(words)) == ["b5"]


def test_what_counts_as_a_space_before_an_at_sign_is_twitter_texts_spaces():
    spaces = re.compile("[\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
    assert text_mentions._PLAIN_BEFORE == {c for c in map(chr, range(0x3001)) if spaces.fullmatch(c)}


def test_mentions_from_text_is_lowercase_distinct_and_in_order():
    assert mentions_from_text("@Brand hi @other @BRAND ＠Third") == [(None, "brand"), (None, "other"), (None, "third")]
    assert mentions_from_text(None) == [] and mentions_from_text("") == [] and mentions_from_text("no at sign") == []


# --- the fast path against a plain port -------------------------------------------------------------

# twitter-text's JS, literally: validMentionOrList, endMentionMatch (latinAccentChars) and the
# loop of extractMentionsOrListsWithIndices, extractEntitiesWithIndices' removeOverlappingEntities.
_LATIN = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263\u0268"
    "\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_VALID_MENTION_OR_LIST = re.compile(
    "((?:^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?))([@＠])([a-zA-Z0-9_]{1,20})"
    "(/[a-zA-Z][a-zA-Z0-9_-]{0,24})?"
)
_END_MENTION_MATCH = re.compile(f"^(?:[@＠]|[{_LATIN}]|://)")


def reference_mentions(text: str) -> list[tuple[str, int, int]]:
    entities = [(s, e, None) for _, s, e in urls_with_indices(text)]
    for m in _VALID_MENTION_OR_LIST.finditer(text):
        if not _END_MENTION_MATCH.match(text[m.end() :]):
            entities.append((m.start(2), m.end(), (m.group(3), m.start(2), m.end()) if m.group(4) is None else None))
    entities.sort(key=lambda t: t[0])
    kept, prev_end = [], None
    for start, end, mention in entities:
        if prev_end is not None and prev_end > start:
            continue
        prev_end = end
        if mention:
            kept.append(mention)
    return kept


PIECES = [
    "@", "＠", "a", "Z", "9", "_", "!", "#", "$", "&", "*", ".", "-", "+", "~", "/", ":", "?", "=", "(", ")",
    "rt", "RT", "Rt", " ", "\n", "\u3000", "é", "ì", "ß", "の", "user", "x.com", ".com/", "https://", "t.co/",
    "medium.com/", "://", "list-1", "@user", "x.com/@b", "www.a.co?q=@c", "＠x", "https://＠b", "例＠ab例", "/b-", "@RT",
]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_fast_path_equals_twitter_texts_algorithm(text):  # texts shorter than the URL window
    expected = reference_mentions(text)
    assert mentions_with_indices(text) == expected
    assert mentions_from_text(text) == [(None, h) for h in dict.fromkeys(n.lower() for n, _, _ in expected)]


def test_the_reference_port_sees_what_the_fast_path_must_keep_apart():
    """The hypothesis test above can fail: the cases where a one-regex shortcut goes wrong."""
    # a rejected match is skipped whole: no shorter screen name, no new match inside it
    assert reference_mentions("@aliceì") == [] == mentions_with_indices("@aliceì")
    assert reference_mentions("@user/list-@other") == [] == mentions_with_indices("@user/list-@other")
    assert reference_mentions("@RT@x") == [] == mentions_with_indices("@RT@x")
    assert mentions_from_text("@user/list-@other") == [] == mentions_from_text("@RT@x")
    # ... but the scan goes on after the rejected match's end, not after the next candidate's
    assert reference_mentions("@a/b-@c/d-@e") == [("e", 10, 12)] == mentions_with_indices("@a/b-@c/d-@e")
    # a dot earlier in the word brings the URL pass in
    assert reference_mentions("x.com/@brand") == [] == mentions_with_indices("x.com/@brand")
    # a full-width at sign may stand in a domain: no dot before it, yet inside a URL
    assert reference_mentions("https://＠brand.com") == [] == mentions_with_indices("https://＠brand.com")
    # ... or after the ASCII domain that starts a URL without protocol, extended by its path
    assert reference_mentions("x.com例＠ab例.com/p") == [] == mentions_with_indices("x.com例＠ab例.com/p")
    assert mentions_from_text("https://＠brand.com") == [] == mentions_from_text("x.com/@brand")
