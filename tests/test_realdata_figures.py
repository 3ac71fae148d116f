"""The KWO figures on real public data, against an independent plain-Python implementation.

The independent implementation below uses only the standard library (csv, json, re, statistics,
zoneinfo) and none of kwo's code: it reads the files itself and applies the definitions of
DESIGN.md section 3 tweet by tweet. It is first checked on the hand-made cases (whose figures
were counted by hand), then compared with kwo on:

* REALDATA/twcs/monalisapatra26__twcs.csv, brands derived from ``inbound = False``;
* the TwitterDev premium-search pair (to:TwitterDev + from:TwitterDev), roster ``TwitterDev``.
"""

from __future__ import annotations

import html
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from . import handmade as hm
from .conftest import REALDATA, REALDATA_MISSING

TWCS = REALDATA / "twcs" / "monalisapatra26__twcs.csv"
TD_TO = REALDATA / "v1" / "sferik_twitter__premium_search_to.json"
TD_FROM = REALDATA / "v1" / "sferik_twitter__premium_search_from.json"

needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason=REALDATA_MISSING)


# ---------------------------------------------------------------------------------------------
# The independent implementation


@dataclass
class Tweet:
    id: int
    at: datetime  # aware, UTC
    author_id: str | None
    handle: str | None
    reply_to: int | None = None
    mentions: list[tuple[str | None, str | None]] = field(default_factory=list)
    is_retweet: bool = False
    collected: bool = True


@dataclass(frozen=True)
class Brand:
    handle: str  # lowercase
    uid: str | None = None


def _is_by(t: Tweet, b: Brand) -> bool:
    return (b.uid is not None and t.author_id == b.uid) or (t.handle or "").lower() == b.handle


def _mentions(t: Tweet, b: Brand) -> bool:
    return any((b.uid is not None and u == b.uid) or (h or "").lower() == b.handle for u, h in t.mentions)


def independent_figures(tweets: list[Tweet], brands: list[Brand], tz: str = "Europe/Amsterdam") -> dict:
    """Totals and per-brand figures by the DESIGN.md section 3 definitions, one tweet at a time."""
    by_id = {t.id: t for t in tweets}
    zone = ZoneInfo(tz)
    # earliest direct reply time per (parent id, brand), from collected tweets by the brand
    first_reply: dict[tuple[int, Brand], datetime] = {}
    kinds: dict[str, set[int]] = {"to_mention": set(), "proactive": set(), "parent_missing": set(), "to_self": set()}
    per_brand_kind: dict[Brand, Counter] = {b: Counter() for b in brands}
    for r in tweets:
        if not r.collected or r.reply_to is None:
            continue
        for b in brands:
            if not _is_by(r, b):
                continue
            key = (r.reply_to, b)
            if key not in first_reply or r.at < first_reply[key]:
                first_reply[key] = r.at
            parent = by_id.get(r.reply_to)
            if parent is None:
                kind = "parent_missing"
            elif _is_by(parent, b):
                kind = "to_self"
            elif _mentions(parent, b):
                kind = "to_mention"
            else:
                kind = "proactive"
            kinds[kind].add(r.id)
            per_brand_kind[b][kind] += 1

    pairs = []  # (tweet, brand, response minutes or None)
    for t in tweets:
        if not t.collected or t.is_retweet:
            continue
        for b in brands:
            if _mentions(t, b) and not _is_by(t, b):
                reply_at = first_reply.get((t.id, b))
                rt = (reply_at - t.at).total_seconds() / 60 if reply_at is not None else None
                pairs.append((t, b, rt))

    mention_tweets = {t.id: t for t, _, _ in pairs}
    answered = {t.id for t, _, rt in pairs if rt is not None}
    hours = Counter(t.at.astimezone(zone).hour for t in mention_tweets.values())
    peak = min(hours, key=lambda h: (-hours[h], h)) if hours else None
    times = [rt for _, _, rt in pairs if rt is not None]
    brands_out = {}
    for b in brands:
        mine = [rt for _, bb, rt in pairs if bb == b]
        done = [rt for rt in mine if rt is not None]
        brands_out[b.handle] = {
            "mentions": len(mine),
            "answered": len(done),
            "median_response_minutes": statistics.median(done) if done else None,
            "proactive_replies": per_brand_kind[b]["proactive"],
            "replies_parent_missing": per_brand_kind[b]["parent_missing"],
        }
    return {
        "totals": {
            "mention_tweets": len(mention_tweets),
            "mention_pairs": len(pairs),
            "answered": len(answered),
            "answered_pct": 100 * len(answered) / len(mention_tweets) if mention_tweets else None,
            "answered_pairs": len(times),
            "proactive_replies": len(kinds["proactive"]),
            "replies_parent_missing": len(kinds["parent_missing"]),
            "replies_to_mentions": len(kinds["to_mention"]),
            "peak_hour": peak,
            "median_response_minutes": statistics.median(times) if times else None,
        },
        "brands": brands_out,
        "answered_ids": answered,
    }


# Readers of the independent implementation ---------------------------------------------------

_MENTION = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])")
_PLACEHOLDER = "\x00CR\x00"


def read_twcs_plain(path: Path) -> list[dict]:
    """twcs CSV rows as dicts (the method of SOURCES.md "TWCS counts"): bare CRs hidden from csv."""
    import csv
    import io

    text = path.read_bytes().decode("utf-8")
    text = re.sub(r"\r(?!\n)", _PLACEHOLDER, text)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, data = rows[0], rows[1:]
    if header[0] == "":
        header, data = header[1:], [r[1:] for r in data]
    return [{k: v.replace(_PLACEHOLDER, "\r") for k, v in zip(header, r)} for r in data]


def _int_id(s: str) -> int | None:
    s = s.strip()
    if not s:
        return None
    return int(s[:-2] if s.endswith(".0") else s)


def twcs_tweets(rows: list[dict]) -> tuple[list[Tweet], list[Brand]]:
    tweets = []
    for r in rows:
        text = html.unescape(r["text"])
        seen: dict[str, None] = {}
        for h in _MENTION.findall(text):
            seen.setdefault(h.lower(), None)
        tweets.append(Tweet(
            id=int(r["tweet_id"]),
            at=datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y").astimezone(UTC),
            author_id=r["author_id"],
            handle=r["author_id"].lower(),
            reply_to=_int_id(r["in_response_to_tweet_id"]),
            mentions=[(h if h.isdigit() else None, h) for h in seen],
        ))
    companies = sorted({r["author_id"] for r in rows if r["inbound"].strip().lower() == "false"})
    return tweets, [Brand(c.lower(), c) for c in companies]


def v1_tweets(paths: list[Path]) -> list[Tweet]:
    """Tweets of premium-search responses: results are collected, embedded tweets are context."""
    def make(t: dict, collected: bool) -> Tweet:
        ext = t.get("extended_tweet") or {}
        ents = ext.get("entities") or t.get("entities") or {}
        return Tweet(
            id=int(t["id_str"]),
            at=datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y").astimezone(UTC),
            author_id=t["user"]["id_str"],
            handle=t["user"]["screen_name"].lower(),
            reply_to=int(t["in_reply_to_status_id_str"]) if t.get("in_reply_to_status_id_str") else None,
            mentions=[(m["id_str"], m["screen_name"].lower()) for m in ents.get("user_mentions", [])],
            is_retweet="retweeted_status" in t,
            collected=collected,
        )

    collected: dict[int, Tweet] = {}
    context: dict[int, Tweet] = {}
    for p in paths:
        for t in json.loads(p.read_text(encoding="utf-8"))["results"]:
            collected[int(t["id_str"])] = make(t, True)
            stack = [t[k] for k in ("retweeted_status", "quoted_status") if k in t]
            while stack:
                e = stack.pop()
                context.setdefault(int(e["id_str"]), make(e, False))
                stack.extend(e[k] for k in ("retweeted_status", "quoted_status") if k in e)
    return list(collected.values()) + [t for i, t in context.items() if i not in collected]


# ---------------------------------------------------------------------------------------------
# The independent implementation on the hand-made cases


def _handmade_tweets(rows) -> list[Tweet]:
    return [
        Tweet(r.tweet_id, datetime.fromtimestamp(hm.ms(r.at) / 1000, UTC), r.author_id, r.author_handle,
              r.reply_to, list(r.mentions), r.is_retweet, r.collected)
        for r in rows
    ]


HANDMADE_BRANDS = [Brand("kpn", "1"), Brand("kpnwebcare", "2"), Brand("ing", "3"), Brand("ns_online", "4")]


def test_independent_implementation_on_the_hand_made_cases():
    got = independent_figures(_handmade_tweets(hm.ROWS), HANDMADE_BRANDS)
    for key, value in got["totals"].items():
        assert value == pytest.approx(hm.EXPECTED_TOTALS[key]), key
    for handle, figures in got["brands"].items():
        for key, value in figures.items():
            assert value == hm.EXPECTED_BRANDS[handle][key], (handle, key)
    assert got["answered_ids"] == {101, 105, 107, 109, 119, 121}


def test_independent_implementation_on_the_thread_case_direct_mode():
    got = independent_figures(_handmade_tweets(hm.THREAD_ROWS), [Brand("kpn", "1"), Brand("ing", "3")])
    t = got["totals"]
    for key in ("mention_tweets", "answered", "median_response_minutes", "proactive_replies", "replies_parent_missing",
                "replies_to_mentions"):
        assert t[key] == hm.EXPECTED_THREAD_DIRECT[key], key


@needs_realdata
def test_twcs_plain_reader_keeps_the_bare_cr_row():
    rows = read_twcs_plain(TWCS)
    assert len(rows) == 5000
    row = next(r for r in rows if r["tweet_id"] == "3399")
    assert "\r\r" in row["text"]
    tweets, brands = twcs_tweets(rows)
    # SOURCES.md "TWCS counts": 2,778 inbound, 2,222 brand rows, 76 brand accounts
    assert sum(r["inbound"] == "True" for r in rows) == 2778
    assert len(brands) == 76


# ---------------------------------------------------------------------------------------------
# kwo against the independent implementation on real data


def _compare(report, expected: dict) -> None:
    d = report.as_dict()
    for key, value in expected["totals"].items():
        got = d["totals"][key]
        if isinstance(value, float):
            assert got == pytest.approx(value, abs=1e-3), key
        else:
            assert got == value, key
    brands = {b["handle"]: b for b in d["brands"]}
    assert set(brands) == set(expected["brands"])
    for handle, figures in expected["brands"].items():
        for key, value in figures.items():
            got = brands[handle][key]
            if isinstance(value, float):
                assert got == pytest.approx(value, abs=1e-3), (handle, key)
            else:
                assert got == value, (handle, key)


@pytest.fixture(scope="module")
def twcs_archive(tmp_path_factory):
    if not REALDATA.is_dir():
        pytest.skip(REALDATA_MISSING)
    from kwo.ingest import ingest

    archive = tmp_path_factory.mktemp("twcs") / "archive"
    result = ingest([str(TWCS)], archive)
    assert result.tweets_written == 5000
    return archive


@needs_realdata
def test_twcs_figures_equal_the_independent_implementation(twcs_archive):
    from kwo.metrics import build_report

    tweets, brands = twcs_tweets(read_twcs_plain(TWCS))
    expected = independent_figures(tweets, brands)
    report = build_report(twcs_archive)  # brands from inbound = False
    assert report.parameters.roster_brands == 76
    _compare(report, expected)
    # the figures themselves, for the record (and to notice if the data or a definition changes)
    t = expected["totals"]
    assert (t["mention_tweets"], t["mention_pairs"], t["answered"], t["answered_pairs"]) == (2201, 2705, 1624, 1624)
    assert (t["proactive_replies"], t["replies_parent_missing"], t["replies_to_mentions"]) == (469, 3, 1721)
    assert t["peak_hour"] == 23  # 22:00-23:00 UTC on 31 October 2017 is 23:00-24:00 in Amsterdam (CET)
    assert t["median_response_minutes"] == pytest.approx(11.533, abs=1e-3)


@pytest.fixture(scope="module")
def twitterdev(tmp_path_factory):
    if not REALDATA.is_dir():
        pytest.skip(REALDATA_MISSING)
    from kwo.ingest import ingest

    root = tmp_path_factory.mktemp("twitterdev")
    ingest([str(TD_TO), str(TD_FROM)], root / "archive")
    roster = root / "brands.csv"
    roster.write_text("handle,name,sector\nTwitterDev,Twitter Developers,technology\n", encoding="utf-8")
    return root / "archive", roster


@needs_realdata
def test_twitterdev_pair(twitterdev):
    from kwo.metrics import build_report

    archive, roster = twitterdev
    expected = independent_figures(v1_tweets([TD_TO, TD_FROM]), [Brand("twitterdev")])
    t = expected["totals"]
    # the independent count agrees with SOURCES.md: 100 mention tweets, 5 distinct mentions
    # answered directly (930513702209458176 twice), and TwitterDev's 31 replies to tweets that
    # are in neither file are parent-missing, none proactive
    assert (t["mention_tweets"], t["answered"], t["answered_pairs"]) == (100, 5, 5)
    assert 930513702209458176 in expected["answered_ids"]
    assert (t["replies_parent_missing"], t["proactive_replies"], t["replies_to_mentions"]) == (31, 0, 6)
    report = build_report(archive, roster)
    _compare(report, expected)
    assert report.brands[0].replies_parent_missing == 31 and report.brands[0].proactive_replies == 0
