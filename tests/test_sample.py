"""kwo sample: the calibrated synthetic KWO16 archive.

The acceptance tests generate an archive, ingest it with the normal path and assert that every
figure the generator counted (truth.json) equals the one `kwo report --format json` finds.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwo import sample
from kwo.demo import truth_mismatches
from kwo.formats.detect import detect
from kwo.roster import load_roster
from kwo.sample import json_writers
from kwo.schema import TWITTER_EPOCH_MS, parse_twitter_date

from .kwo_cli import run_kwo as run

SMALL = 5_000


@pytest.fixture(scope="module")
def small_v1(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "v1"
    sample.generate(out, tweets=SMALL, seed=7)
    return out


def truth_of(out: Path) -> dict:
    return json.loads((out / "truth.json").read_text(encoding="utf-8"))


def dump_files(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.name not in ("brands.csv", "truth.json"))


def lines(path: Path) -> list[bytes]:
    return gzip.decompress(path.read_bytes()).splitlines()


# ---------------------------------------------------------------------------------------------
# The plan: the calibration is arithmetic, checked without writing 1.5 million tweets


def test_default_plan_is_kwo16():
    plan = sample.plan_counts()
    assert plan.tweets == sample.DEFAULT_TWEETS == 1_508_812
    assert plan.mention_tweets == 1_508_812
    assert plan.proactive == 79_012
    assert round(plan.answered_pct) == 58
    assert plan.answered == 875_111  # round(0.58 * 1,508,812)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=sample.MIN_TWEETS, max_value=20_000_000))
def test_plan_for_any_size(n):
    plan = sample.plan_counts(n)
    assert plan.mention_tweets == n
    assert plan.proactive == sample.proactive_for(n) == math.floor(n * 79_012 / 1_508_812 + 0.5)
    assert round(plan.answered_pct) == 58
    # Follow-ups hang off answers, second follow-ups off answers to follow-ups.
    assert plan.followups <= plan.answered_roots <= plan.single + plan.double
    assert plan.followups2 <= plan.answered_followups <= plan.followups
    assert plan.brand_to_brand_answered <= plan.brand_to_brand
    assert min(plan.single, plan.customers) > 0


def test_plan_refuses_tiny_archives():
    with pytest.raises(sample.UsageError):
        sample.plan_counts(sample.MIN_TWEETS - 1)


# ---------------------------------------------------------------------------------------------
# truth.json


def test_truth_counts_what_was_asked(small_v1):
    t = truth_of(small_v1)
    totals = t["totals"]
    assert totals["mention_tweets"] == SMALL
    assert totals["proactive_replies"] == sample.proactive_for(SMALL) == 262
    assert totals["answered"] == sample.plan_counts(SMALL).answered
    assert totals["answered_pct"] == round(100 * totals["answered"] / SMALL, 3)
    assert totals["peak_hour"] == 17
    assert totals["replies_parent_missing"] == sample.plan_counts(SMALL).parent_missing > 0
    assert totals["replies_to_self"] > 0
    assert t["parameters"] == {"seed": 7, "tweets": SMALL, "format": "v1", "brands": 100, "year": 2016,
                               "tz": "Europe/Amsterdam", "mode": "direct", "window": None}


def test_truth_is_internally_consistent(small_v1):
    t = truth_of(small_v1)
    totals, hourly, brands = t["totals"], t["hourly"], t["brands"]
    assert [h["hour"] for h in hourly] == list(range(24))
    assert sum(h["mentions"] for h in hourly) == totals["mention_tweets"]
    assert sum(h["answered"] for h in hourly) == totals["answered"]
    assert max(range(24), key=lambda h: (hourly[h]["mentions"], -h)) == totals["peak_hour"]
    assert hourly[totals["peak_hour"]]["mentions"] == totals["peak_hour_mentions"]
    assert sum(c["mentions"] for c in t["weekday_hourly"]) == totals["mention_tweets"]
    assert len(t["weekday_hourly"]) == 7 * 24
    assert sum(b["count"] for b in t["response_times"]) == totals["mention_pairs"]
    assert t["response_times"][-1] == {"bucket": "unanswered", "count": totals["mention_pairs"] - totals["answered_pairs"],
                                       "pct": t["response_times"][-1]["pct"], "answered_pct": None}
    assert [b["bucket"] for b in t["response_times"]] == list(sample.BUCKETS)
    assert len(brands) == 100
    assert sum(b["mentions"] for b in brands) == totals["mention_pairs"]
    assert sum(b["answered"] for b in brands) == totals["answered_pairs"]
    for key in ("brand_replies", "replies_to_mentions", "proactive_replies", "replies_parent_missing", "replies_to_self"):
        assert sum(b[key] for b in brands) == totals[key], key
    assert totals["brand_replies"] == sum(totals[k] for k in ("replies_to_mentions", "proactive_replies",
                                                             "replies_parent_missing", "replies_to_self"))
    assert sum(s["mention_pairs"] for s in t["sectors"]) == totals["mention_pairs"]
    assert sum(s["brands"] for s in t["sectors"]) == 100
    # Mention tweets naming two brands: more pairs than tweets.
    assert totals["mention_pairs"] > totals["mention_tweets"]
    # Every kind of tweet the issue asks for is there.
    kinds = t["kinds"]
    for kind in ("mention2", "brand_mention", "brand_mention_reply", "followup", "followup2", "retweet",
                 "proactive_parent", "proactive", "parent_missing", "delete", "limit"):
        assert kinds[kind] > 0, kind
    assert kinds["proactive"] == totals["proactive_replies"]


def test_rush_hour_with_teams_closed_from_17(small_v1):
    t = truth_of(small_v1)
    assert t["roster"]["closing_at_17"] == 30
    closing = {b["handle"] for b in t["brands"] if "-17:00" in b["hours"].split(";")[0]}
    assert len(closing) == 30
    # Mentions arriving in the rush hour at teams that just closed are answered less often.
    at_17 = t["hourly"][17]
    assert at_17["mentions_while_closed"] > 0
    assert 0 < at_17["answered_pct"] < 100


def test_roster_loads_and_is_fictional(small_v1):
    roster = load_roster(small_v1 / "brands.csv")
    assert len(roster) == 100
    assert len({b.sector for b in roster}) >= 7
    assert all(b.tz == "Europe/Amsterdam" and b.slots for b in roster)
    assert all(len(b.handle) <= 15 for b in roster)
    assert sum(1 for b in roster if b.hours == "mon-sun 00:00-24:00") > 0
    truth_handles = {b["handle"] for b in truth_of(small_v1)["brands"]}
    assert truth_handles == {b.handle for b in roster}


# ---------------------------------------------------------------------------------------------
# Deterministic bytes


def file_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_same_seed_same_bytes_whatever_the_workers(tmp_path, small_v1, monkeypatch):
    monkeypatch.setattr(json_writers, "PARALLEL_MIN_ROWS", 0)  # use the worker pool even for a small archive
    again = tmp_path / "again"
    sample.generate(again, tweets=SMALL, seed=7, workers=2)
    assert file_bytes(again) == file_bytes(small_v1)
    assert len(dump_files(again)) >= 12  # one file per month


def test_different_seed_different_files(tmp_path, small_v1):
    other = tmp_path / "other"
    sample.generate(other, tweets=SMALL, seed=8)
    a, b = file_bytes(small_v1), file_bytes(other)
    for name in ("tweets-2016-03.jsonl.gz", "tweets-2016-10.jsonl.gz", "brands.csv", "truth.json"):
        assert a[name] != b[name], name
    # ... with the same calibrated totals.
    assert truth_of(other)["totals"]["mention_tweets"] == SMALL


def test_gzip_header_has_no_time_or_name(small_v1):
    for path in dump_files(small_v1):
        head = path.read_bytes()[:10]
        assert head[:3] == b"\x1f\x8b\x08"
        assert head[3] & 0x08 == 0, "FNAME flag set"
        assert head[4:8] == b"\0\0\0\0", "mtime set"


@pytest.mark.parametrize("fmt", ["v2", "twcs"])
def test_other_formats_are_deterministic(tmp_path, fmt):
    a, b = tmp_path / "a", tmp_path / "b"
    sample.generate(a, tweets=1_000, seed=3, fmt=fmt)
    sample.generate(b, tweets=1_000, seed=3, fmt=fmt)
    assert file_bytes(a) == file_bytes(b)


# ---------------------------------------------------------------------------------------------
# The files look like the real thing


def test_v1_lines_are_real_tweets(small_v1):
    path = small_v1 / "tweets-2016-03.jsonl.gz"
    assert detect(gzip.decompress(path.read_bytes())[:65536]) == "v1"
    seen: dict[int, int] = {}
    notices = retweets = replies = 0
    for raw in lines(path):
        obj = json.loads(raw)
        if "delete" in obj or "limit" in obj:
            notices += 1
            continue
        tid = int(obj["id_str"])
        assert obj["id"] == tid
        ms = (tid >> 22) + TWITTER_EPOCH_MS
        assert int(obj["timestamp_ms"]) == ms == parse_twitter_date(obj["created_at"])
        assert obj["user"]["id_str"] == str(obj["user"]["id"])
        assert obj["lang"] == "nl"
        for m in obj["entities"]["user_mentions"]:
            s, e = m["indices"]
            assert obj["text"][s:e] == "@" + m["screen_name"]
            assert m["id_str"] == str(m["id"])
        if obj["in_reply_to_status_id_str"]:
            replies += 1
            parent = int(obj["in_reply_to_status_id_str"])
            assert obj["in_reply_to_status_id"] == parent < tid
            if parent in seen:
                assert seen[parent] < ms
        if "retweeted_status" in obj:
            retweets += 1
            orig = obj["retweeted_status"]
            assert obj["text"].startswith("RT @" + orig["user"]["screen_name"] + ": ")
            assert int(orig["id_str"]) < tid
        seen[tid] = ms
    assert notices and retweets and replies > len(seen) / 3


def test_v2_pages_and_twcs_rows(tmp_path):
    v2, twcs = tmp_path / "v2", tmp_path / "twcs"
    sample.generate(v2, tweets=1_000, seed=3, fmt="v2")
    sample.generate(twcs, tweets=1_000, seed=3, fmt="twcs")
    page_file = v2 / "search-2016-05.jsonl.gz"
    data = gzip.decompress(page_file.read_bytes())
    assert detect(data[:65536]) == "v2"
    page = json.loads(data.splitlines()[0])
    assert set(page) == {"data", "includes", "meta", "__twarc"}
    assert page["meta"]["result_count"] == len(page["data"]) <= 100
    users = {u["id"] for u in page["includes"]["users"]}
    for tw in page["data"]:
        assert tw["author_id"] in users
        assert tw["created_at"].endswith(".000Z")
        for m in tw.get("entities", {}).get("mentions", []):
            assert tw["text"][m["start"]:m["end"]] == "@" + m["username"]
    csv_data = gzip.decompress((twcs / "twcs.csv.gz").read_bytes())
    assert detect(csv_data[:65536]) == "twcs"
    assert csv_data.splitlines()[0] == (b"tweet_id,author_id,inbound,created_at,text,response_tweet_id,"
                                        b"in_response_to_tweet_id")
    roster = load_roster(twcs / "brands.csv")
    companies = {b.user_id for b in roster}
    import csv
    import io

    for row in csv.DictReader(io.StringIO(csv_data.decode())):
        assert (row["inbound"] == "False") == (row["author_id"] in companies)
        assert row["inbound"] == "False" or row["author_id"].isdigit()


# ---------------------------------------------------------------------------------------------
# The command line


def test_cli_json_and_summary(tmp_path):
    out = tmp_path / "cli"
    result = run("sample", "--out", out, "--tweets", 1000, "--seed", 4, "--json")
    totals = json.loads(result.stdout)
    assert totals["mention_tweets"] == 1000 and totals["proactive_replies"] == 52
    assert totals == truth_of(out)["totals"]
    text = run("sample", "--out", out, "--tweets", 1000, "--seed", 4).stdout
    assert "1,508,812" in text and "mention tweets" in text and "brands.csv" in text


def test_cli_defaults_are_the_library_defaults():
    from kwo.cli import sample as cli_sample

    for name in ("DEFAULT_TWEETS", "DEFAULT_SEED", "DEFAULT_BRANDS", "MIN_TWEETS", "MAX_BRANDS", "FORMATS"):
        assert getattr(cli_sample, name) == getattr(sample, name), name


def test_cli_usage_errors(tmp_path):
    run("sample", "--out", tmp_path / "x", "--tweets", 5, code=2)
    run("sample", "--out", tmp_path / "x", "--format", "v3", code=2)
    run("sample", "--out", tmp_path / "x", "--brands", 1, code=2)
    afile = tmp_path / "file"
    afile.write_text("x")
    run("sample", "--out", afile, "--tweets", 100, code=2)


def test_rerun_replaces_its_own_files_only(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("keep me")
    sample.generate(out, tweets=500, seed=1)
    assert any(p.suffix == ".gz" and p.name.startswith("tweets-") for p in out.iterdir())
    sample.generate(out, tweets=500, seed=1, fmt="twcs")
    names = {p.name for p in out.iterdir()}
    assert names == {"README.md", "brands.csv", "truth.json", "twcs.csv.gz"}


# ---------------------------------------------------------------------------------------------
# Acceptance: the analysis recovers every figure the generator decided


def report_json(out: Path, archive: Path) -> dict:
    from kwo.ingest import ingest

    files = [str(p) for p in dump_files(out)]
    result = ingest(files, archive).as_dict()
    arch = truth_of(out)["archive"]
    assert result["records_read"] == arch["records"]
    assert result["tweets_written"] == arch["tweets"]
    assert result["notices"] == arch["notices"]
    assert result["quarantined"] == 0
    return json.loads(run("report", "--archive", archive, "--brands", out / "brands.csv", "--format", "json").stdout)


def assert_report_matches_truth(truth: dict, report: dict) -> None:
    mismatches = truth_mismatches(truth, report)
    assert not mismatches, "\n".join(mismatches[:40])


def test_acceptance_v1_100k(tmp_path):
    out = tmp_path / "kwo16"
    sample.generate(out, tweets=100_000, seed=2016)
    truth = truth_of(out)
    assert truth["totals"]["mention_tweets"] == 100_000
    assert truth["totals"]["peak_hour"] == 17
    assert round(truth["totals"]["answered_pct"]) == 58
    assert_report_matches_truth(truth, report_json(out, tmp_path / "archive"))


@pytest.mark.parametrize("fmt", ["v2", "twcs"])
def test_acceptance_v2_and_twcs(tmp_path, fmt):
    out = tmp_path / fmt
    sample.generate(out, tweets=20_000, seed=11, fmt=fmt)
    truth = truth_of(out)
    assert_report_matches_truth(truth, report_json(out, tmp_path / "archive"))


# ---------------------------------------------------------------------------------------------
# sample_data/ is what its README says


def test_sample_data_regenerates(tmp_path):
    committed = Path(__file__).resolve().parents[1] / "sample_data"
    readme = (committed / "README.md").read_text(encoding="utf-8")
    assert "kwo sample --out sample_data --tweets 10000 --seed 1" in readme
    out = tmp_path / "sample_data"
    run("sample", "--out", out, "--tweets", 10000, "--seed", 1, "--quiet")
    old, new = truth_of(committed), truth_of(out)
    # The calibrated figures hold whatever the library versions.
    for key in ("mention_tweets", "answered", "proactive_replies", "replies_parent_missing"):
        assert old["totals"][key] == new["totals"][key], key
    if old["generator"]["numpy"] == new["generator"]["numpy"]:  # the same random streams: the same tweets
        skip = ("generator", "archive")  # (file sizes also depend on isal)
        assert {k: v for k, v in old.items() if k not in skip} == {k: v for k, v in new.items() if k not in skip}
    if old["generator"] == new["generator"]:  # the same numpy and isal: the same bytes
        assert file_bytes(out) == {n: b for n, b in file_bytes(committed).items() if n != "README.md"}


def test_unwritable_out_is_a_clean_error(tmp_path, monkeypatch):
    out = tmp_path / "ro"
    out.mkdir()

    def fail(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(json_writers, "_write_job", fail)
    result = run("sample", "--out", out, "--tweets", 200, code=1)
    assert "cannot write" in result.output and "Traceback" not in result.output
    assert list(out.iterdir()) == []


def test_agents_work_shifts():
    from kwo.sample.shifts import on_shift

    # weekdays: even agents early (06-15), odd agents late (15-24); weekends one each; nights the last
    assert [on_shift(5, 0, h) for h in (5, 6, 14, 15, 23)] == [[4], [0, 2, 4], [0, 2, 4], [1, 3], [1, 3]]
    assert [on_shift(3, 6, h) for h in (3, 10, 20)] == [[2], [0], [1]]
    assert on_shift(1, 2, 20) == [0]  # a lone agent works every shift
