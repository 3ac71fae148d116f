"""Hand-made archives small enough to count by hand, shared by the metric tests and the checks of
the independent plain-Python implementation (tests/test_realdata_figures.py).

Every expected figure below was counted by hand from the rows; the reasoning is in the comments.
Times are UTC. 2016-03-01 is a Tuesday; Amsterdam is UTC+1 then (CET). The last Sundays of
March and October 2016 are the 27th and the 30th; daylight saving starts/ends at 01:00 UTC, so
00:30 UTC is 01:30 CET on 27 March (hour 1) and 02:30 CEST on 30 October (hour 2).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa


def ms(ts: str) -> int:
    """'2016-03-01 10:00' (UTC) -> epoch milliseconds."""
    d, t = ts.split(" ")
    y, mo, da = (int(x) for x in d.split("-"))
    h, mi = (int(x) for x in t.split(":"))
    return calendar.timegm((y, mo, da, h, mi, 0, 0, 0, 0)) * 1000


@dataclass
class Row:
    tweet_id: int
    at: str  # UTC, 'YYYY-MM-DD HH:MM'
    author_id: str | None
    author_handle: str | None  # written as-is into the archive (mixed case kept on purpose)
    mentions: list[tuple[str | None, str | None]] = field(default_factory=list)  # as-is, too
    reply_to: int | None = None
    is_retweet: bool = False
    collected: bool = True
    conversation_id: int | None = None
    text: str = ""


# ---------------------------------------------------------------------------------------------
# Case set 1: the default (direct reply) rules

ROSTER_CSV = """handle,name,sector,user_id,hours,tz
# KPN has a brand account and a care account: two handles, one name
@KPN,KPN,telecom,1,mon-fri 08:00-22:00; sat 10:00-18:00,
kpnwebcare,KPN,telecom,2,,
ing,ING,finance,3,mon-fri 09:00-11:30,Europe/London
ns_online,NS,transport,4,,
"""

ROWS = [
    # A: a tweet mentioning two brands; kpn answers after 20 min, ing never.
    Row(101, "2016-03-01 10:00", "100", "alice", [("1", "kpn"), ("3", "ing")]),
    Row(102, "2016-03-01 10:20", "1", "kpn", [("100", "alice")], reply_to=101),
    # B: a retweet of that mention: not a mention.
    Row(103, "2016-03-01 10:05", "101", "bob", [("100", "alice"), ("1", "kpn"), ("3", "ing")], is_retweet=True),
    # C: kpn mentions itself (not counted) and ing (counted, never answered).
    Row(104, "2016-03-01 11:00", "1", "kpn", [("1", "kpn"), ("3", "ing")]),
    # kpn replies to its own tweet: neither a reply to a mention nor proactive ("to_self").
    Row(126, "2016-03-01 11:05", "1", "kpn", [], reply_to=104),
    # D: a reply to a reply. carol mentions kpn (answered after 30 min), replies to kpn's answer
    # mentioning kpn again (a second mention tweet), answered after 60 min.
    Row(105, "2016-03-01 12:00", "102", "carol", [("1", "kpn")]),
    Row(106, "2016-03-01 12:30", "1", "kpn", [("102", "carol")], reply_to=105),
    Row(107, "2016-03-01 12:45", "102", "carol", [("1", "kpn")], reply_to=106),
    Row(108, "2016-03-01 13:45", "1", "kpn", [("102", "carol")], reply_to=107),
    # E: two replies to one mention: 111 (60 min) has the higher id but the earlier time, and
    # counts; 110 (120 min) does not.
    Row(109, "2016-03-01 14:00", "103", "dave", [("3", "ing")]),
    Row(110, "2016-03-01 16:00", "3", "ing", [("103", "dave")], reply_to=109),
    Row(111, "2016-03-01 15:00", "3", "ing", [("103", "dave")], reply_to=109),
    # F: proactive replies: ns to a collected tweet without a mention, kpn to a context tweet.
    Row(112, "2016-03-01 09:00", "104", "erin", []),
    Row(113, "2016-03-01 09:10", "4", "ns_online", [("104", "erin")], reply_to=112),
    Row(114, "2016-03-01 08:00", "105", "frank", [], collected=False),
    Row(115, "2016-03-01 08:30", "1", "kpn", [("105", "frank")], reply_to=114),
    # G: a reply whose parent is not in the archive: parent missing, never proactive.
    Row(116, "2016-03-01 17:00", "3", "ing", [], reply_to=999),
    # H: mentions at 00:30 UTC on the last Sunday of March and of October.
    Row(117, "2016-03-27 00:30", "106", "gina", [("3", "ing")]),
    Row(118, "2016-10-30 00:30", "106", "gina", [("3", "ing")]),
    # I: handles differing only in case: the mention "Kpn" (no user id) and the author "KPN"
    # (no author id) are kpn (roster "@KPN"); answered after 5 min.
    Row(119, "2016-03-02 09:00", "107", "hank", [(None, "Kpn")]),
    Row(120, "2016-03-02 09:05", None, "KPN", [("107", "hank")], reply_to=119),
    # J: ns changed its handle: tweets as "ns_old" with user id 4 are still ns; answered after 40 min.
    Row(121, "2016-03-02 10:00", "108", "ivy", [("4", "ns_old")]),
    Row(122, "2016-03-02 10:40", "4", "ns_old", [("108", "ivy")], reply_to=121),
    # A mention matching ns by user id AND by handle is one pair, not two.
    Row(123, "2016-03-02 11:00", "109", "jack", [("4", "ns_online")]),
    # A context tweet mentioning kpn is not a mention; kpn's reply to it is a reply to a mention.
    Row(124, "2016-03-02 12:00", "110", "kim", [("1", "kpn")], collected=False),
    Row(125, "2016-03-02 12:10", "1", "kpn", [("110", "kim")], reply_to=124),
]

# Mention pairs: (101,kpn) (101,ing) (104,ing) (105,kpn) (107,kpn) (109,ing) (117,ing) (118,ing)
# (119,kpn) (121,ns) (123,ns) = 11; mention tweets 101 104 105 107 109 117 118 119 121 123 = 10.
# Answered pairs and response minutes: (119,kpn) 5, (101,kpn) 20, (105,kpn) 30, (121,ns) 40,
# (107,kpn) 60, (109,ing) 60 -> 6 pairs; tweets 101 105 107 109 119 121 -> 6 of 10 = 60 %.
# Median of 5 20 30 40 60 60 = 35; p90 (linear) = position 4.5 of 0..5 = 60; mean = 215/6.
# Brand replies: to a mention 102 106 108 110 111 120 122 125 (8); proactive 113 115 (2);
# parent missing 116 (1); to self 126 (1) -> 12.
# Amsterdam hours of the mention tweets: 101 11, 104 12, 105 13, 107 13, 109 15, 117 1, 118 2,
# 119 10, 121 11, 123 12 -> 11, 12 and 13 have 2 each: the peak is 11 (earlier on a tie).
EXPECTED_TOTALS = {
    "mention_tweets": 10,
    "mention_pairs": 11,
    "answered": 6,
    "answered_pct": 60.0,
    "answered_pairs": 6,
    "brands_mentioned": 3,
    "brand_replies": 12,
    "replies_to_mentions": 8,
    "proactive_replies": 2,
    "replies_parent_missing": 1,
    "replies_to_self": 1,
    "peak_hour": 11,
    "peak_hour_mentions": 2,
    "median_response_minutes": 35.0,
    "p90_response_minutes": 60.0,
}
EXPECTED_MEAN_RESPONSE = 215 / 6

EXPECTED_HOURLY = {  # hour -> (mention tweets, answered tweets)
    1: (1, 0), 2: (1, 0), 10: (1, 1), 11: (2, 2), 12: (2, 0), 13: (2, 2), 15: (1, 1),
}
# Median response of the answered pairs per hour: 11 -> 20 and 40 -> 30; 13 -> 30 and 60 -> 45.
EXPECTED_HOURLY_MEDIAN = {10: 5.0, 11: 30.0, 13: 45.0, 15: 60.0}
EXPECTED_WEEKDAY_HOURLY = {  # (ISO weekday, hour) -> mention tweets
    (2, 11): 1, (2, 12): 1, (2, 13): 2, (2, 15): 1, (3, 10): 1, (3, 11): 1, (3, 12): 1, (7, 1): 1, (7, 2): 1,
}

EXPECTED_BUCKETS = {
    "<=30 min": 3, "<=1 h": 3, "<=4 h": 0, "<=8 h": 0, "<=24 h": 0, "<=48 h": 0, ">48 h": 0, "unanswered": 5,
}

# Per brand: mentions, answered, answered %, median, p90, replies, to mentions, proactive,
# parent missing, to self, mentions while closed.
# kpn: 101 105 107 119 all answered (20 30 60 5): median 25, p90 30 + 0.7*30 = 51; replies
#   102 106 108 115 120 125 126; all four mentions on weekdays 10:00-14:00 Amsterdam: open.
# ing (hours mon-fri 09:00-11:30 London): 101 (Tue 10:00 London) open, 104 (11:00) open,
#   109 (14:00) closed, 117 and 118 (Sunday) closed -> 3 of 5 closed. (In Amsterdam time 104
#   would be 12:00 and closed: the brand's own tz matters.)
# ns: 121 answered (40), 123 not; replies 113 (proactive) 122 (to a mention); no hours.
EXPECTED_BRANDS = {
    "kpn": dict(mentions=4, answered=4, answered_pct=100.0, median_response_minutes=25.0, p90_response_minutes=51.0,
                brand_replies=7, replies_to_mentions=5, proactive_replies=1, replies_parent_missing=0,
                replies_to_self=1, mentions_while_closed=0, closed_pct=0.0),
    "ing": dict(mentions=5, answered=1, answered_pct=20.0, median_response_minutes=60.0, p90_response_minutes=60.0,
                brand_replies=3, replies_to_mentions=2, proactive_replies=0, replies_parent_missing=1,
                replies_to_self=0, mentions_while_closed=3, closed_pct=60.0),
    "ns_online": dict(mentions=2, answered=1, answered_pct=50.0, median_response_minutes=40.0,
                      p90_response_minutes=40.0, brand_replies=2, replies_to_mentions=1, proactive_replies=1,
                      replies_parent_missing=0, replies_to_self=0, mentions_while_closed=None, closed_pct=None),
    "kpnwebcare": dict(mentions=0, answered=0, answered_pct=None, median_response_minutes=None,
                       p90_response_minutes=None, brand_replies=0, replies_to_mentions=0, proactive_replies=0,
                       replies_parent_missing=0, replies_to_self=0, mentions_while_closed=None, closed_pct=None),
}
EXPECTED_SECTORS = {
    # sector: brands, mention tweets, answered, answered %, pairs, answered pairs, median, proactive, parent missing
    "telecom": (2, 4, 4, 100.0, 4, 4, 25.0, 1, 0),
    "finance": (1, 5, 1, 20.0, 5, 1, 60.0, 0, 1),
    "transport": (1, 2, 1, 50.0, 2, 1, 40.0, 1, 0),
}
# Hours with mention pairs of brands with opening hours (kpn, ing): closed pairs / such pairs.
# 11: (101,kpn) (101,ing) open; 12: (104,ing) open; 13: kpn open x2; 10: (119,kpn) open;
# 15: (109,ing) closed; 1: (117,ing) closed; 2: (118,ing) closed.
EXPECTED_HOURLY_CLOSED = {1: (1, 100.0), 2: (1, 100.0), 10: (0, 0.0), 11: (0, 0.0), 12: (0, 0.0), 13: (0, 0.0),
                          15: (1, 100.0)}

# Periods (dates in Amsterdam time; --until is inclusive):
# --since 2016-03-02 --until 2016-03-27 = [2016-03-01 23:00Z, 2016-03-27 22:00Z) (DST began that
# day): mentions 117 119 121 123; answered 119 121; replies in the period 120 122 125 (all to
# mentions).
EXPECTED_PERIOD_MARCH = dict(mention_tweets=4, answered=2, answered_pct=50.0, proactive_replies=0,
                             replies_parent_missing=0, brand_replies=3)
# --until 2016-03-01: mentions 101 104 105 107 109, answered 101 105 107 109; replies of that
# day 102 106 108 110 111 113 115 116 126: proactive 113 115, parent missing 116.
EXPECTED_PERIOD_FIRST_DAY = dict(mention_tweets=5, answered=4, answered_pct=80.0, proactive_replies=2,
                                 replies_parent_missing=1, brand_replies=9)
# --window 30m: (119,kpn) 5, (101,kpn) 20, (105,kpn) 30 (bound inclusive) -> tweets 101 105 119.
EXPECTED_WINDOW_30M = dict(mention_tweets=10, answered=3, answered_pct=30.0, answered_pairs=3,
                           median_response_minutes=20.0)

# ---------------------------------------------------------------------------------------------
# Case set 2: thread mode

THREAD_ROSTER_CSV = """handle,name,sector,user_id
kpn,KPN,telecom,1
ing,ING,finance,3
"""

THREAD_ROWS = [
    # u1 mentions kpn twice in a row; kpn replies to the second tweet only (29 min after it,
    # 30 min after the first). Thread mode answers both.
    Row(201, "2016-05-01 10:00", "11", "u1", [("1", "kpn")]),
    Row(202, "2016-05-01 10:01", "11", "u1", [("1", "kpn")], reply_to=201),
    Row(203, "2016-05-01 10:30", "1", "kpn", [("11", "u1")], reply_to=202),
    # Two replies to the same missing tweet 900 share a conversation (its root is 900):
    # ing answers 205 directly after 15 min; in thread mode also 204 (20 min).
    Row(204, "2016-05-01 11:00", "12", "u2", [("3", "ing")], reply_to=900),
    Row(205, "2016-05-01 11:05", "13", "u3", [("3", "ing")], reply_to=900),
    Row(206, "2016-05-01 11:20", "3", "ing", [("13", "u3")], reply_to=205),
    # ing's own thread: its reply 209 comes BEFORE u4's mention 208, so it answers nothing.
    Row(207, "2016-05-01 12:00", "3", "ing", []),
    Row(209, "2016-05-01 12:01", "3", "ing", [], reply_to=207),
    Row(208, "2016-05-01 12:05", "14", "u4", [("3", "ing")], reply_to=207),
    # conversation_id (v2) links tweets whose parents are missing or siblings: kpn's reply 213 to
    # the root answers 212 in thread mode (10 min), its reply 215 answers 214 (30 min).
    Row(211, "2016-05-02 09:00", "16", "u6", [], conversation_id=211),
    Row(212, "2016-05-02 10:00", "15", "u5", [("1", "kpn")], reply_to=211, conversation_id=211),
    Row(213, "2016-05-02 10:10", "1", "kpn", [], reply_to=211, conversation_id=211),
    Row(214, "2016-05-02 11:00", "17", "u7", [("1", "kpn")], reply_to=998, conversation_id=211),
    Row(215, "2016-05-02 11:30", "1", "kpn", [], reply_to=997, conversation_id=211),
]
# Mention pairs: 201 202 204 205 208 212 214 (one brand each) = 7.
# Direct: 202 (29) and 205 (15) answered -> 2 of 7.
# Thread: 201 (30) 202 (29) 204 (20) 205 (15) 212 (10) 214 (30) -> 6 of 7; 208 not answered.
# Median of 10 15 20 29 30 30 = 24.5. With --window 25m: 204 205 212 -> 3 of 7.
# Replies: 203 206 to mentions, 209 to self, 213 proactive (211 mentions nobody), 215 parent missing.
EXPECTED_THREAD_DIRECT = dict(mention_tweets=7, answered=2, median_response_minutes=22.0,
                              proactive_replies=1, replies_parent_missing=1, replies_to_self=1, replies_to_mentions=2)
EXPECTED_THREAD = dict(mention_tweets=7, answered=6, median_response_minutes=24.5)
EXPECTED_THREAD_WINDOW_25M = dict(mention_tweets=7, answered=3, median_response_minutes=15.0)
EXPECTED_THREAD_ANSWERED = {201: 30.0, 202: 29.0, 204: 20.0, 205: 15.0, 212: 10.0, 214: 30.0}


# ---------------------------------------------------------------------------------------------
# Case set 3: roster aliases (a brand account and its care account as one organisation)

ALIAS_ROSTER_CSV = """handle,name,sector,user_id,aliases
kpn,KPN,telecom,1,kpnwebcare|@KPN_Care
ing,ING,finance,3,
"""
# The same accounts without aliases: three brands where the roster above has one.
ALIAS_SPLIT_ROSTER_CSV = """handle,name,sector,user_id
kpn,KPN,telecom,1
kpnwebcare,KPN,telecom,
kpn_care,KPN,telecom,
ing,ING,finance,3
"""

ALIAS_ROWS = [
    # 2016-04-04 is a Monday; Amsterdam is UTC+2 (CEST). kpnwebcare and KPN_Care have no user id
    # in the roster: they are kpn by handle.
    # A: a mention of the care account only, answered by the care account after 15 min.
    Row(301, "2016-04-04 08:00", "200", "alice", [(None, "KPNwebcare")]),
    Row(302, "2016-04-04 08:15", "2", "KPNwebcare", [("200", "alice")], reply_to=301),
    # B: a tweet naming the brand account and the care account: one mention of kpn, not two;
    # kpn answers after 30 min.
    Row(303, "2016-04-04 09:00", "201", "bob", [("1", "kpn"), (None, "kpnwebcare")]),
    Row(304, "2016-04-04 09:30", "1", "kpn", [("201", "bob")], reply_to=303),
    # C: KPN_Care and ing named together; nobody answers.
    Row(305, "2016-04-04 10:00", "202", "carol", [(None, "kpn_care"), ("3", "ing")]),
    # D: the care account mentions the brand account: a tweet by kpn, so not a mention of it.
    Row(306, "2016-04-04 11:00", "2", "kpnwebcare", [("1", "kpn")]),
    # E: the care account replies to a tweet that names neither: a proactive reply of kpn.
    Row(307, "2016-04-04 12:00", "203", "dave", []),
    Row(308, "2016-04-04 12:10", "2", "kpnwebcare", [("203", "dave")], reply_to=307),
    # F: ing tweets (so it is not silent) and answers nothing.
    Row(309, "2016-04-04 13:00", "3", "ing", []),
]
# With aliases: mention pairs (301,kpn) (303,kpn) (305,kpn) (305,ing) = 4; mention tweets 301
# 303 305 = 3; answered 301 (15 min) and 303 (30 min) -> 2 of 3; kpn 3 mentions, 2 answered,
# median 22.5; kpn's replies 302 304 (to mentions) 308 (proactive). ing 1 mention, 0 answered.
EXPECTED_ALIAS_TOTALS = dict(mention_tweets=3, mention_pairs=4, answered=2, answered_pairs=2, brands_mentioned=2,
                             brand_replies=3, replies_to_mentions=2, proactive_replies=1, replies_parent_missing=0,
                             median_response_minutes=22.5)
EXPECTED_ALIAS_BRANDS = {  # handle: (mentions, answered, median, replies, proactive)
    "kpn": (3, 2, 22.5, 3, 1),
    "ing": (1, 0, None, 0, 0),
}
# Without aliases: pairs (301,kpnwebcare) (303,kpn) (303,kpnwebcare) (305,kpn_care) (305,ing) and
# (306,kpn): kpnwebcare mentions kpn and is another brand now = 6; 303 names two brands.
# kpnwebcare answered 301, kpn answered 303 -> tweets 301 303 answered of 301 303 305 306.
EXPECTED_ALIAS_SPLIT_TOTALS = dict(mention_tweets=4, mention_pairs=6, answered=2, answered_pairs=2)


# ---------------------------------------------------------------------------------------------
# Case set 4: an archive that cannot support every figure (kwo.caveats)

PARTIAL_ROSTER_CSV = """handle,name,sector,user_id
telco,Telco,telecom,10
bank,Bank,finance,20
shop,Shop,retail,30
ghost,Ghost,retail,
"""
PARTIAL_ROWS = [
    # telco: two mentions, both answered; eight replies to tweets that were never collected
    Row(401, "2016-05-02 09:00", "101", "u1", [("10", "telco")]),
    Row(411, "2016-05-02 09:10", "10", "telco", [("101", "u1")], reply_to=401),
    Row(402, "2016-05-02 10:00", "102", "u2", [("10", "telco")]),
    Row(412, "2016-05-02 10:20", "10", "telco", [("102", "u2")], reply_to=402),
    *[Row(412 + i, f"2016-05-02 11:{i:02d}", "10", "telco", [], reply_to=9000 + i) for i in range(1, 9)],
    # bank: two mentions, both answered; eight replies to tweets that name the anonymised handle
    # @5551 (twcs style) and not the bank: counted as proactive
    Row(431, "2016-05-03 09:00", "103", "u3", [("20", "bank")]),
    Row(441, "2016-05-03 09:05", "20", "bank", [("103", "u3")], reply_to=431),
    Row(432, "2016-05-03 10:00", "104", "u4", [("20", "bank")]),
    Row(442, "2016-05-03 10:10", "20", "bank", [("104", "u4")], reply_to=432),
    *[Row(450 + i, f"2016-05-03 12:{i:02d}", str(110 + i), f"v{i}", [("5551", "5551")]) for i in range(1, 9)],
    *[Row(460 + i, f"2016-05-03 13:{i:02d}", "20", "bank", [], reply_to=450 + i) for i in range(1, 9)],
    # shop: mentioned three times, none of its tweets collected
    *[Row(470 + i, f"2016-05-04 1{i}:00", str(120 + i), f"w{i}", [("30", "shop")]) for i in range(1, 4)],
    # nothing in June and July; one tweet in August
    Row(481, "2016-08-01 12:00", "130", "x1", []),
    # ghost occurs nowhere
]
# Mention tweets 401 402 431 432 471 472 473 = 7, answered 401 402 431 432 = 4 (pairs likewise).
# Brand replies 20: to mentions 411 412 441 442, proactive 461-468 (parents 451-458 are in the
# archive and name only @5551), parent missing 413-420 -> 8 of 20 (40%) overall; telco 8 of its
# 10 (80%), bank 0 of 10.
# anonymised_handles: bank's 10 replies with a parent in the archive, 8 of them (80%) proactive
# replies to tweets naming @5551. telco has 2 such replies (fewer than 10): not looked at.
# brand_silent: shop (3 mentions; telco and bank tweet, so info). roster_unmatched: ghost.
# few_mentions: overall 7 mention tweets, 4 answered pairs; telco (2, 2), bank (2, 2), shop (3, 0).
# coverage_gap: 2016-06 to 2016-07, 2 of the 4 months from 2016-05 to 2016-08.
EXPECTED_PARTIAL_CAVEATS = [  # (code, severity, brand, values)
    ("threads_incomplete", "warning", None, {"brand_replies": 20, "parent_missing": 8, "parent_missing_pct": 40.0}),
    ("threads_incomplete", "warning", "telco", {"brand_replies": 10, "parent_missing": 8, "parent_missing_pct": 80.0}),
    ("anonymised_handles", "warning", "bank", {"replies": 10, "anonymised_replies": 8, "anonymised_pct": 80.0,
                                               "top_handle": "5551", "top_replies": 8}),
    ("brand_silent", "info", "shop", {"mentions": 3, "brands_with_tweets": 2}),
    ("few_mentions", "info", None, {"mentions": 7, "answered": 4}),
    ("few_mentions", "info", "shop", {"mentions": 3, "answered": 0}),
    ("few_mentions", "info", "bank", {"mentions": 2, "answered": 2}),
    ("few_mentions", "info", "telco", {"mentions": 2, "answered": 2}),
    ("coverage_gap", "info", None, {"months_without_tweets": 2, "span_months": 4, "span_first": "2016-05",
                                    "span_last": "2016-08", "gaps": [["2016-06", "2016-07"]]}),
    ("roster_unmatched", "info", "ghost", {"line": 5}),
]
# With @5551 as an alias of bank the eight tweets naming it are mentions of bank, answered by
# its replies: mention tweets 7 + 8 = 15, answered 4 + 8 = 12, proactive replies 0.
PARTIAL_ALIAS_ROSTER_CSV = PARTIAL_ROSTER_CSV.replace("handle,name,sector,user_id\n", "handle,name,sector,user_id,aliases\n") \
    .replace("bank,Bank,finance,20\n", "bank,Bank,finance,20,5551\n")
EXPECTED_PARTIAL_ALIAS = dict(mention_tweets=15, answered=12, proactive_replies=0, replies_to_mentions=12)

# One account's own tweets (an account archive): solo mentions telco twice.
OWNER_ROWS = [
    Row(501, "2016-06-01 10:00", "9", "solo", [("10", "telco")]),
    Row(502, "2016-06-02 10:00", "9", "solo", [("10", "telco"), ("77", "friend")]),
    Row(503, "2016-06-03 10:00", "9", "solo", [], reply_to=501),
]


# ---------------------------------------------------------------------------------------------
# Building archives


def to_batch(rows: list[Row], source: str = "handmade") -> pa.RecordBatch:
    """Rows as a batch in TWEET_SCHEMA, keeping handles exactly as written (RowBuilder would
    lowercase them; the case-insensitive matching is what the tests are after)."""
    from kwo.schema import TWEET_SCHEMA

    cols = {
        "tweet_id": [r.tweet_id for r in rows],
        "created_at": [ms(r.at) for r in rows],
        "author_id": [r.author_id for r in rows],
        "author_handle": [r.author_handle for r in rows],
        "text": [r.text or " ".join(f"@{h}" for _, h in r.mentions if h) for r in rows],
        "in_reply_to_tweet_id": [r.reply_to for r in rows],
        "in_reply_to_user_id": [None] * len(rows),
        "in_reply_to_handle": [None] * len(rows),
        "conversation_id": [r.conversation_id for r in rows],
        "retweet_of_id": [None] * len(rows),
        "quote_of_id": [None] * len(rows),
        "is_retweet": [r.is_retweet for r in rows],
        "mentions": [[{"user_id": u, "handle": h} for u, h in r.mentions] for r in rows],
        "lang": [None] * len(rows),
        "source": [None] * len(rows),
        "inbound": [None] * len(rows),
        "collected": [r.collected for r in rows],
        "source_file": [source] * len(rows),
    }
    arrays = [pa.array(cols[f.name], type=f.type) for f in TWEET_SCHEMA]
    return pa.RecordBatch.from_arrays(arrays, schema=TWEET_SCHEMA)


def build_archive(root: Path, rows: list[Row], roster_csv: str | None = None) -> tuple[Path, Path | None]:
    """Ingest ``rows`` into ``root/archive`` and write the roster; returns (archive, roster path)."""
    from kwo.ingest import ingest_batches

    archive = root / "archive"
    ingest_batches([to_batch(rows)], archive, source="handmade")
    roster = None
    if roster_csv is not None:
        roster = root / "brands.csv"
        roster.write_text(roster_csv, encoding="utf-8")
    return archive, roster


# ---------------------------------------------------------------------------------------------
# Case set: agents (signatures under replies) and staffing (issues 19 and 20)
#
# Two weeks of March 2016 before daylight saving: Amsterdam is UTC+1, 2016-03-07 is a Monday.
# Report with --since 2016-03-07 --until 2016-03-20: 14 days, so every weekday-hour of the week
# occurs exactly twice in the period. Local times in the comments.
#
# acme (hours mon-fri 09:00-17:00):
#   Mon 09h (7 and 14 Mar): 4 + 2 = 6 mentions; on the 7th ^AB and -Sanne sign replies in that
#     hour (2 agents), on the 14th only ^AB (1; -sanne is not capitalised): seen (2 + 1) / 2 = 1.5
#   Thu 15h (10 and 17 Mar): 1 + 1 mention, each answered by ^AB and by ^CD: seen (2 + 2) / 2 = 2
#   Sat 11h (12 Mar): 1 mention, closed, unanswered
#   replies: 10 (one, "e-mail ... T-Mobile", is no signature; nor "-sanne"); signed 8
#   agents ^AB (4 replies: 10, 10, 10, 20 min: median 10; 4 clock hours), -Sanne (2: 20 and 30
#   min, median 25; 1 clock hour: URL and emoji after the signature), ^CD (2: 30 and 40, median
#   35; 2 clock hours)
# bolt (no hours): Tue 10h (8 Mar): 1 mention, answered after 45 min signed "/Piet"
SIGN_ROSTER_CSV = """handle,name,sector,user_id,hours,tz
acme,Acme,telecom,1,mon-fri 09:00-17:00,
bolt,Bolt,energy,2,,
"""

_A = ("1", "acme")
_B = ("2", "bolt")

SIGN_ROWS = [
    # Mon 7 Mar, 09h local (08h UTC): four mentions, four replies
    Row(1001, "2016-03-07 08:05", "201", "c1", [_A]),
    Row(1002, "2016-03-07 08:10", "202", "c2", [_A]),
    Row(1003, "2016-03-07 08:20", "203", "c3", [_A]),
    Row(1004, "2016-03-07 08:40", "204", "c4", [_A]),
    Row(1101, "2016-03-07 08:15", "1", "acme", [("201", "c1")], reply_to=1001, text="@c1 Hoi, we kijken mee. ^AB"),
    Row(1102, "2016-03-07 08:30", "1", "acme", [("202", "c2")], reply_to=1002,
        text="@c2 Stuur ons een DM. -Sanne https://t.co/abc123"),
    Row(1103, "2016-03-07 08:50", "1", "acme", [("203", "c3")], reply_to=1003, text="@c3 Dat is fijn! -Sanne \U0001F600"),
    # 10h local, not signed: hyphenated words only
    Row(1104, "2016-03-07 09:10", "1", "acme", [("204", "c4")], reply_to=1004,
        text="@c4 Stuur je e-mail naar T-Mobile"),
    # Mon 14 Mar, 09h local: two mentions
    Row(1005, "2016-03-14 08:10", "205", "c5", [_A]),
    Row(1006, "2016-03-14 08:15", "206", "c6", [_A]),
    Row(1105, "2016-03-14 08:20", "1", "acme", [("205", "c5")], reply_to=1005, text="@c5 Opgelost  ^AB  "),
    Row(1106, "2016-03-14 08:30", "1", "acme", [("206", "c6")], reply_to=1006, text="@c6 Graag gedaan -sanne"),
    # Thu 10 and 17 Mar, 15h local: one mention each, two agents answer it
    Row(1007, "2016-03-10 14:10", "207", "c7", [_A]),
    Row(1107, "2016-03-10 14:20", "1", "acme", [("207", "c7")], reply_to=1007, text="@c7 Klopt ^AB"),
    Row(1108, "2016-03-10 14:40", "1", "acme", [("207", "c7")], reply_to=1007, text="@c7 Aanvulling ^CD"),
    Row(1008, "2016-03-17 14:10", "208", "c8", [_A]),
    Row(1109, "2016-03-17 14:30", "1", "acme", [("208", "c8")], reply_to=1008, text="@c8 Klopt ^AB"),
    Row(1110, "2016-03-17 14:50", "1", "acme", [("208", "c8")], reply_to=1008, text="@c8 Aanvulling ^CD"),
    # Sat 12 Mar, 11h local: closed, never answered
    Row(1009, "2016-03-12 10:00", "209", "c9", [_A]),
    # bolt: Tue 8 Mar 10h local
    Row(2001, "2016-03-08 09:00", "301", "d1", [_B]),
    Row(2101, "2016-03-08 09:45", "2", "bolt", [("301", "d1")], reply_to=2001, text="@d1 Is gemeld /Piet"),
]
