"""@-mentions found in tweet text, by twitter-text's extraction rules.

Used where a tweet carries no mention entities: twcs rows, and v1 tweets from before 2010. The
rules are a port of the regular expressions of twitter-text (github.com/twitter/twitter-text,
JS ``src/regexp`` and ``extractMentionsWithIndices``, ``extractUrlsWithIndices`` and
``extractEntitiesWithIndices``, v3.1.0 at commit 30e2430d90cff3b46393ea54caf511441983c260;
Copyright 2018 Twitter, Inc., Apache License 2.0, see twitter_text_LICENSE.txt beside this
file). No Python port on PyPI passes its conformance suite without a wrong rule of its own
(README "Dependencies and why"). What they say:

* an ``@`` or full-width ``＠``, then 1-20 ASCII letters, digits or ``_``;
* not after a letter, digit or ``_ ! # $ % & * @ ＠``, so ``brand@host.com`` and ``f!@kn`` are no
  mentions, except right after ``RT``/``rt`` (optionally with ``:``) at the start of a word, so
  ``RT@brand`` is one;
* not followed by ``@``/``＠``, a Latin accented letter (``@aliceìnheiro`` is no mention of
  ``alice``) or ``://`` (``@http://...``);
* ``@brand/list`` is a list, not a mention of ``brand``;
* a mention inside a URL (``https://medium.com/@brand``) is part of the URL, as Twitter's own
  entities have it: mentions that overlap a URL twitter-text finds are dropped.

Speed: this runs on every twcs row. One compiled regex finds every candidate with one C-level
scan (``findall``, without match objects, where every at sign follows a space or starts the
text); the URL pass (a large regex with twitter-text's 1,574 top-level domains, compiled on
first use) runs only for a word in which a mention follows neither a space nor the start of the
text, since no URL starts with an at sign.
"""

from __future__ import annotations

import bisect
import functools
import re

# twitter-text's character groups (JS src/regexp/*.js), as the contents of a [...] class
_AT_SIGNS = "@＠"
_LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"
_SPACES = (
    "\u0009-\u000d\u0020\u0085\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
_INVALID = "\ufffe\ufeff\uffff"
_DIRECTIONAL = "\u202a-\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"
# twitter-text's punctuation for domains; it has neither '"' nor '`' (kept as it is)
_PUNCT = r"!'#%&'()*+,\\\-./:;<=>?@\[\]^_{|}~$"

# validMentionOrList + endMentionMatch. twitter-text's regex starts with what may precede the at
# sign (consumed); here lookbehinds after the at sign check it, so that the regex starts with a
# character set that re finds at C speed (5x faster on twcs texts). Groups: 1 the character
# before the at sign, 2 and 3 an "RT" before it (at the start, after another character),
# 4 screen name, 5 list slug, 6 what follows when it ends the match badly (@, an accented
# letter, ://). That check is an optional lookahead that captures, not one that could fail the
# match: twitter-text rejects such a match as a whole and goes on after it, where a failing
# lookahead would backtrack to a shorter screen name. ("RT:@" needs no alternative of its own:
# ":" may precede an at sign anyway.)
_RT = "(rt|RT|rT|Rt)"
_MENTION = re.compile(
    f"[{_AT_SIGNS}]"
    f"(?:(?<=^.)|(?<=([^a-zA-Z0-9_!#$%&*@＠]).)|(?<=^{_RT}.)|(?<=[^a-zA-Z0-9_+~.-]{_RT}.))"
    "([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_-]{0,24})?"
    f"(?:(?=([{_AT_SIGNS}{_LATIN_ACCENTS}]|://)))?",
    re.DOTALL,
)
# The characters before an at sign for which findall alone is exact: the start of the text or a
# space. After anything else the at sign may be inside a URL, or twitter-text, which consumes
# what precedes the at sign, may have consumed it with its previous match: an at sign after "-"
# (the end of a list slug) or "RT" (the screen name of "@RT@x") whose previous match was
# rejected for that very at sign is no mention.
_PLAIN_BEFORE = frozenset(
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680\u180e\u2028\u2029\u202f\u205f\u3000"
    + "".join(map(chr, range(0x2000, 0x200B)))
)
_WORD = re.compile(f"[^{_SPACES}]+")
# How far around its mentions a word is searched for URLs, and how many characters of a text
# at most: a tweet (280 characters at most) is searched whole. twitter-text's URL regex
# backtracks in quadratic time on some words (a run of "a." labels: 15 s for 2,000 characters),
# so a longer text, which is no tweet, costs at most that of a few such words (about 20 ms each).
_URL_WINDOW = 300
_URL_BUDGET = 4 * _URL_WINDOW

_IDNA_DOTS = re.compile("[\u3002\uff0e\uff61]")
_NON_PRINTABLE_ASCII = re.compile("[^\x20-\x7e]")
_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40


def mentions_with_indices(text: str | None) -> list[tuple[str, int, int]]:
    """(screen name, start, end) of each mention in ``text``, in order, repeats included.

    ``start`` is the index of the at sign and ``end`` the index after the screen name (code points;
    twitter-text counts UTF-16 units, which differ only after a character beyond the BMP). The
    screen name keeps the case it has in the text.
    """
    if not text or ("@" not in text and "＠" not in text):
        return []
    found: list[tuple[str, int, int]] = []
    lists: list[tuple[int, int]] = []
    previous_end = -1  # where twitter-text's scan goes on: the end of its last match
    for m in _MENTION.finditer(text):
        at = m.start()
        # where twitter-text's match would start: "xRT@" 3 before the at sign, "RT@" at 0, else 1
        context = 0 if m.group(2) else at - 3 if m.group(3) else at - 1
        if context < previous_end:
            continue  # twitter-text consumed that context as part of its last match
        previous_end = m.end()
        if m.group(6) is None:
            if m.group(5) is None:
                found.append((m.group(4), at, m.end(4)))
            else:
                lists.append((at, m.end(5)))
    # a mention after a space or at the start of the text starts its word, so no URL holds it
    if any(at and text[at - 1] not in _PLAIN_BEFORE for _, at, _ in found):
        found = _outside_urls(text, found, lists)
    return found


def mentions(text: str | None) -> list[str]:
    """The screen names mentioned in ``text``, in order, repeats included (twitter-text's
    ``extractMentions``)."""
    return [name for name, _, _ in mentions_with_indices(text)]


def mentions_from_text(text: str | None) -> list[tuple[str | None, str | None]]:
    """Mentions found in a tweet's text as kwo stores them: ``(None, lowercase handle)`` pairs,
    distinct, in order (used where no entities exist)."""
    if not text or ("@" not in text and "＠" not in text):
        return []
    names = []
    for before, rt_first, rt, name, slug, bad in _MENTION.findall(text):
        if rt_first or rt or (before and before not in _PLAIN_BEFORE):
            names = [name.lower() for name, _, _ in mentions_with_indices(text)]
            break
        if not (slug or bad):
            names.append(name.lower())
    if len(names) > 1:
        names = list(dict.fromkeys(names))
    return [(None, h) for h in names]


def _outside_urls(
    text: str, found: list[tuple[str, int, int]], lists: list[tuple[int, int]]
) -> list[tuple[str, int, int]]:
    """Drop the mentions that overlap a URL, as twitter-text's removeOverlappingEntities does.

    Entities are taken in order of their start (URLs before mentions and lists at the same
    start); one that starts before the end of the last one kept is dropped. No entity spans a
    space, so each word is taken alone, as far as ``_URL_WINDOW`` and ``_URL_BUDGET`` reach. Cashtags, which twitter-text also takes part, never
    overlap a URL or a mention. Hashtags are left out: twitter-text keeps a hashtag that a URL
    overlaps and drops the URL, so ``#日本example.com/@brand`` is a mention of ``brand`` for it,
    none for kwo (a hashtag glued to a URL holding an at sign).
    """
    words = [m.span() for m in _WORD.finditer(text)]
    word_starts = [start for start, _ in words]
    in_word: dict[int, tuple[list, list]] = {}
    for mention in found:
        in_word.setdefault(bisect.bisect_right(word_starts, mention[1]) - 1, ([], []))[0].append(mention)
    for start, end in lists:
        i = bisect.bisect_right(word_starts, start) - 1
        if i in in_word:
            in_word[i][1].append((start, end))
    kept: list[tuple[str, int, int]] = []
    budget = _URL_BUDGET
    for i, (mentions_here, lists_here) in in_word.items():
        word_start, word_end = words[i]
        lo = max(word_start, mentions_here[0][1] - _URL_WINDOW)
        hi = min(word_end, mentions_here[-1][2] + _URL_WINDOW)
        if all(at == word_start for _, at, _ in mentions_here) or budget <= 0:
            kept.extend(mentions_here)
            continue
        budget -= hi - lo
        urls = [(lo + s, lo + e) for _, s, e in urls_with_indices(text[lo:hi])]
        if not urls:
            kept.extend(mentions_here)
            continue
        entities = sorted(
            [(s, 0, e, None) for s, e in urls]
            + [(s, 1, e, None) for s, e in lists_here]
            + [(s, 1, e, (name, s, e)) for name, s, e in mentions_here],
            key=lambda t: (t[0], t[1]),
        )
        last_end = -1
        for start, _, end, mention in entities:
            if start < last_end:
                continue
            last_end = end
            if mention is not None:
                kept.append(mention)
    return kept


def urls_with_indices(text: str | None) -> list[tuple[str, int, int]]:
    """(url, start, end) of each URL twitter-text finds in ``text`` (its ``extractUrlsWithIndices``
    with URLs without a protocol, the default). kwo uses it only to drop mentions inside URLs."""
    if not text or "." not in text:
        return []
    rx = _url_regexes()
    urls: list[list] = []
    for m in rx.url.finditer(text):
        before, url, protocol, domain, path = m.group(2, 3, 4, 5, 7)
        start, end = m.start(3), m.end(3)
        if not _valid_url(url, protocol or "https://", domain, rx):
            continue
        if not protocol:
            if before[-1:] in ("-", "_", ".", "/"):  # invalidUrlWithoutProtocolPrecedingChars
                continue
            last: list | None = None
            ascii_end = 0
            for a in rx.ascii_domain.finditer(domain):
                ascii_start = domain.index(a.group(0), ascii_end)
                ascii_end = ascii_start + len(a.group(0))
                last = [a.group(0), start + ascii_start, start + ascii_end]
                urls.append(last)
            if last is None:
                continue
            if path:
                last[0] = url.replace(domain, last[0], 1)
                last[2] = end
        else:
            tco = rx.tco.match(url)
            if tco:
                if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco.group(0)
                end = start + len(url)
            urls.append([url, start, end])
    return [(u, s, e) for u, s, e in urls]


def _valid_url(url: str, protocol: str, domain: str, rx: _UrlRegexes) -> bool:
    """twitter-text's isValidUrl: each label of the domain is 1-63 characters once punycode.js
    has encoded it, and protocol + URL stay within 4,096 UTF-16 units. (Its length check adds
    the encoded domain's length less the domain's, but its idna.toAscii returns the domain as it
    was, so the difference is always 0; kept so.)"""
    if domain.startswith("xn--") and not rx.ascii_domain.search(domain):
        return False
    for label in domain.split("."):
        parts = _IDNA_DOTS.split(label)  # punycode.js treats these as dots too
        n = len(parts) - 1
        for part in parts:
            if _NON_PRINTABLE_ASCII.search(part) is None:
                n += len(part)
            else:
                try:
                    n += 4 + len(part.encode("punycode"))
                except UnicodeError:
                    return False
        if not 1 <= n <= 63:
            return False
    return len(protocol) + len(url.encode("utf-16-le")) // 2 <= _MAX_URL_LENGTH


class _UrlRegexes:
    __slots__ = ("url", "ascii_domain", "tco")

    def __init__(self, url: re.Pattern, ascii_domain: re.Pattern, tco: re.Pattern) -> None:
        self.url, self.ascii_domain, self.tco = url, ascii_domain, tco


def _alternation(words: list[str]) -> str:
    """A regex for any one of ``words``, as a trie. re tries the branches of a plain alternation
    one by one, at every label of every candidate domain: with 1,574 TLDs a long run of labels
    ("a.a.a.a...") took minutes. A longer word is tried before its prefix; in twitter-text's
    lists the only two words with a prefix that could end a domain as well come first too
    (嘉里大酒店 before 嘉里, भारतम् before भारत), so the same TLD is found."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            branches.append("")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(trie)


@functools.cache
def _url_regexes(tlds: str | None = None) -> _UrlRegexes:
    """twitter-text's extractUrl, validAsciiDomain and validTcoUrl (compiled on first use: most
    texts never need them). ``tlds``: a regex for the TLDs instead of the trie (for the tests)."""
    if tlds is None:
        from .twitter_tlds import COUNTRY, GENERIC

        tlds = _alternation(GENERIC + COUNTRY)
    # JS '$' is the end of the input; Python's '$' would also match before a final newline.
    # (twitter-text has a gTLD and a ccTLD alternative, each with this lookahead; one trie of
    # both finds the same: no TLD of one list can end a domain where one of the other does.)
    tld = f"(?:(?:{tlds})(?=[^0-9a-z@+-]|\\Z))"
    punycode = r"(?:xn--[\-0-9a-z]+)"
    domain_char = f"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
    subdomain = f"(?:(?:{domain_char}(?:[_-]|{domain_char})*)?{domain_char}\\.)"
    domain_name = f"(?:(?:{domain_char}(?:-|{domain_char})*)?{domain_char}\\.)"
    domain = f"(?:{subdomain}*{domain_name}(?:{tld}|{punycode}))"
    path_char = f"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\u2013_~@|&{_LATIN_ACCENTS}]"
    parens = f"\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)"
    path_end = f"[+\\-a-z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]|(?:{parens})"
    path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*(?:{path_end}))|(?:@{path_char}+/))"
    query_char = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
    query_end = r"[a-z0-9\-_&=#/]"
    preceding = f"(?:[^A-Za-z0-9@＠$#＃{_INVALID}]|[{_DIRECTIONAL}]|^)"
    url = (
        f"(({preceding})((https?://)?({domain})(?::([0-9]+))?(/{path}*)?"
        f"(\\?{query_char}*{query_end})?))"
    )
    ascii_domain = f"(?:(?:[\\-a-z0-9{_LATIN_ACCENTS}]+)\\.)+(?:{tld}|{punycode})"
    tco = f"^https?://t\\.co/([a-z0-9]+)(?:\\?{query_char}*{query_end})?"
    return _UrlRegexes(
        re.compile(url, re.IGNORECASE), re.compile(ascii_domain, re.IGNORECASE), re.compile(tco, re.IGNORECASE)
    )
