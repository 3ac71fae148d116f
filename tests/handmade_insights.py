"""Hand-made archives for the figures of issue 19 (questions, DM hand-offs, business-hours
response time, trend), small enough to count by hand; the reasoning is beside the rows.
Times are UTC; 2016-03-01 is a Tuesday, Amsterdam is UTC+1 then (CET)."""

from __future__ import annotations

from .handmade import Row

INSIGHT_ROSTER_CSV = """handle,name,sector,user_id
kpn,KPN,telecom,1
ing,ING,finance,3
"""

INSIGHT_ROWS = [
    # a question (plain '?'), answered by kpn with a DM hand-off
    Row(601, "2016-03-01 10:00", "101", "u1", [("1", "kpn")], text="@kpn werkt mijn internet niet?"),
    Row(602, "2016-03-01 10:10", "1", "kpn", [("101", "u1")], reply_to=601,
        text="@u1 Vervelend! Stuur je ons een DM?"),
    # a '?' only inside a URL: no question; the answer hands off with PB
    Row(603, "2016-03-01 10:20", "102", "u2", [("1", "kpn")], text="@kpn zie https://example.com/faq?id=3 kapot"),
    Row(604, "2016-03-01 10:30", "1", "kpn", [("102", "u2")], reply_to=603, text="@u2 We kijken mee, stuur ons een PB"),
    # the full-width question mark; two brands: ing answers with "privébericht", kpn does not answer
    Row(605, "2016-03-01 11:00", "103", "u3", [("1", "kpn"), ("3", "ing")], text="@kpn @ing hoe zit dat？"),
    Row(606, "2016-03-01 11:20", "3", "ing", [("103", "u3")], reply_to=605,
        text="@u3 Kun je je klantnummer sturen via een privébericht"),
    # a '?' right after a URL belongs to the tweet: a question, never answered
    Row(607, "2016-03-01 12:00", "104", "u4", [("3", "ing")], text="@ing is het https://ing.nl/faq?"),
    # a '?' inside a URL without protocol: no question; the answer names a handle and a hashtag, no hand-off
    Row(608, "2016-03-01 12:10", "105", "u5", [("3", "ing")], text="@ing www.ing.nl/x?y=1 werkt niet"),
    Row(609, "2016-03-01 12:20", "3", "ing", [("105", "u5")], reply_to=608, text="@u5 Dank! Groet van @dm_team #pm"),
    # hand-offs by the DM composer link, "DM'en" and "DMmen"
    Row(610, "2016-03-01 13:00", "106", "u6", [("3", "ing")], text="@ing hallo"),
    Row(611, "2016-03-01 13:05", "3", "ing", [("106", "u6")], reply_to=610,
        text="@u6 Hier: https://twitter.com/messages/compose?recipient_id=3"),
    Row(612, "2016-03-01 13:10", "107", "u7", [("3", "ing")], text="@ing vraagje."),
    Row(613, "2016-03-01 13:15", "3", "ing", [("107", "u7")], reply_to=612, text="@u7 Wil je ons even DM'en"),
    Row(614, "2016-03-01 13:20", "108", "u8", [("3", "ing")], text="@ing ok"),
    Row(615, "2016-03-01 13:25", "3", "ing", [("108", "u8")], reply_to=614, text="@u8 Je kunt ons DMmen"),
    # no hand-off: "pm" inside a longer word; a hand-off: "Direct Message" in any case
    Row(616, "2016-03-01 14:00", "109", "u9", [("1", "kpn")], text="@kpn test"),
    Row(617, "2016-03-01 14:05", "1", "kpn", [("109", "u9")], reply_to=616, text="@u9 Dat is een pmv-actie"),
    Row(618, "2016-03-01 14:10", "110", "u10", [("1", "kpn")], text="@kpn help"),
    Row(619, "2016-03-01 14:15", "1", "kpn", [("110", "u10")], reply_to=618, text="@u10 Stuur ons een Direct Message"),
    # a proactive reply that says DM: not a reply to a mention, so no hand-off of one
    Row(620, "2016-03-01 15:00", "111", "u11", [], text="hallo wereld?"),
    Row(621, "2016-03-01 15:05", "1", "kpn", [("111", "u11")], reply_to=620, text="@u11 stuur een DM"),
]
# Mention pairs: kpn 601 603 605 616 618 (5); ing 605 607 608 610 612 614 (6).
# Questions: 601 ('?'), 605 ('？'), 607 ('?' after the URL); not 603 and 608 (inside URLs), not 620
# (no mention). kpn: 601 answered, 605 not -> 2, 1, 50%. ing: 605 answered (606), 607 not -> 2, 1.
# Tweets: 601 605 607 = 3, answered 601 and 605 -> 2 (66.667%).
# Replies to mentions: kpn 602 (DM) 604 (PB) 617 (no) 619 (direct message) -> 3 of 4 (75%); its 621
# is proactive. ing 606 (privébericht) 609 (no: @dm_team, #pm) 611 (composer) 613 (DM'en) 615
# (DMmen) -> 4 of 5 (80%). Overall 7 of 9 (77.778%).
EXPECTED_INSIGHT_TOTALS = dict(question_tweets=3, questions_answered=2, questions_answered_pct=200 / 3,
                               dm_handoff_replies=7, dm_handoff_pct=700 / 9)
EXPECTED_INSIGHT_BRANDS = {
    "kpn": dict(question_tweets=2, questions_answered=1, questions_answered_pct=50.0, dm_handoff_replies=3,
                dm_handoff_pct=75.0, replies_to_mentions=4),
    "ing": dict(question_tweets=2, questions_answered=1, questions_answered_pct=50.0, dm_handoff_replies=4,
                dm_handoff_pct=80.0, replies_to_mentions=5),
}
EXPECTED_INSIGHT_SECTORS = {
    "telecom": dict(question_tweets=2, questions_answered=1, dm_handoff_replies=3, dm_handoff_pct=75.0),
    "finance": dict(question_tweets=2, questions_answered=1, dm_handoff_replies=4, dm_handoff_pct=80.0),
}


# ---------------------------------------------------------------------------------------------
# Business-hours response time: the clock stops while the brand is closed, in its own time zone.

BUSINESS_ROSTER_CSV = """handle,name,sector,user_id,hours,tz
shop,Shop,retail,20,mon-fri 09:00-17:00,
bank,Bank,finance,30,mon-fri 09:00-17:00,Europe/London
free,Free,retail,40,,
"""
BUSINESS_ROWS = [
    # shop (Amsterdam; CET = UTC+1 until Sunday 27 March 2016 01:00 UTC, then CEST = UTC+2)
    # A: Tue 10:00 local, answered 10:45, all open: 45
    Row(701, "2016-03-01 09:00", "201", "c1", [("20", "shop")]),
    Row(702, "2016-03-01 09:45", "20", "shop", [("201", "c1")], reply_to=701),
    # B: Tue 16:30, the reply is sent while closed (18:00): open 16:30-17:00 = 30
    Row(703, "2016-03-01 15:30", "202", "c2", [("20", "shop")]),
    Row(704, "2016-03-01 17:00", "20", "shop", [("202", "c2")], reply_to=703),
    # C: Tue 20:00 (closed), answered Wed 09:30: 30
    Row(705, "2016-03-01 19:00", "203", "c3", [("20", "shop")]),
    Row(706, "2016-03-02 08:30", "20", "shop", [("203", "c3")], reply_to=705),
    # D: across a weekend: Fri 4 March 16:00, answered Mon 7 March 09:20: 60 + 20 = 80
    Row(707, "2016-03-04 15:00", "204", "c4", [("20", "shop")]),
    Row(708, "2016-03-07 08:20", "20", "shop", [("204", "c4")], reply_to=707),
    # E: across the DST change: Fri 25 March 16:00 CET, answered Mon 28 March 07:10 UTC = 09:10 CEST:
    # 60 + 10 = 70 (a clock that ignored the change would see 08:10, closed, and 60)
    Row(709, "2016-03-25 15:00", "205", "c5", [("20", "shop")]),
    Row(710, "2016-03-28 07:10", "20", "shop", [("205", "c5")], reply_to=709),
    # F: asked and answered while closed the same night (Wed 21:00, 22:00): 0
    Row(711, "2016-03-02 20:00", "206", "c6", [("20", "shop")]),
    Row(712, "2016-03-02 21:00", "20", "shop", [("206", "c6")], reply_to=711),
    # bank (Europe/London, GMT = UTC in early March): Tue 08:30 local (closed), answered 09:30: 30
    Row(721, "2016-03-01 08:30", "207", "c7", [("30", "bank")]),
    Row(722, "2016-03-01 09:30", "30", "bank", [("207", "c7")], reply_to=721),
    # free has no hours: no business-hours time
    Row(731, "2016-03-01 10:00", "208", "c8", [("40", "free")]),
    Row(732, "2016-03-01 10:05", "40", "free", [("208", "c8")], reply_to=731),
]
# shop: 45 30 30 80 70 0 -> sorted 0 30 30 45 70 80: median (30 + 45) / 2 = 37.5; p90 at
# h = 5 * 0.9 = 4.5: 70 + 0.5 * (80 - 70) = 75. bank: 30 (median and p90). free: None.
# Overall (shop and bank): 0 30 30 30 45 70 80: median 30; p90 at h = 6 * 0.9 = 5.4: 70 + 0.4 * 10 = 74.
# Sectors: retail (shop; free has no hours) 37.5, finance 30.
EXPECTED_BUSINESS_MINUTES = {701: 45.0, 703: 30.0, 705: 30.0, 707: 80.0, 709: 70.0, 711: 0.0, 721: 30.0}
EXPECTED_BUSINESS_BRANDS = {"shop": (37.5, 75.0), "bank": (30.0, 30.0), "free": (None, None)}
EXPECTED_BUSINESS_TOTALS = (30.0, 74.0)
EXPECTED_BUSINESS_SECTORS = {"retail": 37.5, "finance": 30.0}


# ---------------------------------------------------------------------------------------------
# Trend: months and ISO weeks of the report time zone (Amsterdam, UTC+1 in winter)

TREND_ROSTER_CSV = """handle,name,sector,user_id
kpn,KPN,telecom,1
"""
TREND_ROWS = [
    # Thursday 31 December 2015 23:30 UTC is Friday 1 January 2016 00:30 in Amsterdam: month
    # 2016-01, ISO week 2015-W53 (its Thursday is 31 December 2015); answered after 30 min
    Row(801, "2015-12-31 23:30", "301", "t1", [("1", "kpn")]),
    Row(802, "2016-01-01 00:00", "1", "kpn", [("301", "t1")], reply_to=801),
    # Monday 4 January: 2016-W01, never answered
    Row(803, "2016-01-04 10:00", "302", "t2", [("1", "kpn")]),
    # Sunday 31 January 23:30 UTC is Monday 1 February 00:30 local: month 2016-02, 2016-W05; 10 min
    Row(804, "2016-01-31 23:30", "303", "t3", [("1", "kpn")]),
    Row(805, "2016-01-31 23:40", "1", "kpn", [("303", "t3")], reply_to=804),
]
EXPECTED_MONTHLY = [("kpn", "2016-01", 2, 1, 50.0, 30.0), ("kpn", "2016-02", 1, 1, 100.0, 10.0)]
EXPECTED_WEEKLY = [("kpn", "2015-W53", "2015-12-28", 1, 1, 100.0, 30.0), ("kpn", "2016-W01", "2016-01-04", 1, 0, 0.0, None),
                   ("kpn", "2016-W05", "2016-02-01", 1, 1, 100.0, 10.0)]
