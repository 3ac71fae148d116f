"""Coverage and caveats (kwo.caveats): each code where it belongs, in every format, and none of
the warnings on complete archives. The hand-made archives are counted in tests/handmade.py; the
real files are those of SOURCES.md (skipped when ../shared/realdata is absent)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kwo.caveats import Thresholds
from kwo.cli import cli
from kwo.errors import RosterError, UsageError
from kwo.metrics import build_report

from . import handmade as hm
from .conftest import REALDATA
from .test_html_report import Page, embedded_data

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def run(*args, code=0):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def caveat_tuples(caveats) -> list[tuple]:
    return [(c["code"], c["severity"], c["brand"], c["values"]) for c in caveats]


@pytest.fixture(scope="module")
def complete(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("complete"), hm.ROWS, hm.ROSTER_CSV)


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("partial"), hm.PARTIAL_ROWS, hm.PARTIAL_ROSTER_CSV)


@pytest.fixture(scope="module")
def partial_json(partial):
    archive, roster = partial
    return json.loads(run("report", "-a", archive, "-b", roster, "-f", "json").stdout)


# ---------------------------------------------------------------------------------------------
# The codes, counted by hand


def test_each_code_where_it_belongs(partial_json):
    assert caveat_tuples(partial_json["caveats"]) == [(c, s, b, v) for c, s, b, v in hm.EXPECTED_PARTIAL_CAVEATS]
    by_key = {(c["code"], c["brand"]): c for c in partial_json["caveats"]}
    # the sentences name the figure, the numbers and what would make it measurable
    assert by_key["threads_incomplete", None]["message"].startswith(
        "8 of the 20 brand replies (40.0%, more than 10%) answer a tweet that is not in the archive")
    assert "answered % and the proactive replies are lower bounds" in by_key["threads_incomplete", None]["message"]
    assert "collecting the tweets the brands reply to" in by_key["threads_incomplete", None]["message"]
    assert by_key["anonymised_handles", "bank"]["message"].startswith(
        "@bank: 8 of its 10 replies to tweets in the archive (80.0%) answer tweets that mention a numeric, "
        "anonymised handle (most often @5551, in 8) and are counted as proactive")
    assert "aliases: 5551" in by_key["anonymised_handles", "bank"]["message"]
    assert by_key["brand_silent", "shop"]["message"].startswith(
        '@shop is mentioned in 3 mention tweets but none of its own tweets is in the archive: its answered % '
        'cannot tell "never answers" from "its replies were not collected"')
    assert by_key["coverage_gap", None]["message"].startswith(
        "No tweets in 2016-06 to 2016-07 (2 of the 4 months from 2016-05 to 2016-08)")
    assert by_key["roster_unmatched", "ghost"]["message"].startswith(
        "@ghost (roster line 5) occurs nowhere in the archive, neither as author nor as mention")
    assert by_key["few_mentions", None]["message"].startswith(
        "The peak hour and the answered % rest on 7 mention tweets and the median response time on 4 answered "
        "ones, fewer than 100")
    # which figures each affects
    assert by_key["threads_incomplete", None]["figures"] == [
        "answered_pct", "response_times", "proactive_replies", "hourly", "brands"]
    assert by_key["threads_incomplete", "telco"]["figures"] == ["brands"]
    assert by_key["roster_unmatched", "ghost"]["figures"] == ["brands"]


def test_coverage_by_hand(partial_json):
    cov = partial_json["coverage"]
    # 36 rows, all collected (telco 12, bank 20, shop 3): May 35 (Amsterdam time), August 1
    assert (cov["collected_tweets"], cov["context_tweets"]) == (36, 0)
    assert (cov["first_tweet"], cov["last_tweet"]) == ("2016-05-02 11:00", "2016-08-01 14:00")
    assert (cov["first_mention"], cov["last_mention"]) == ("2016-05-02 11:00", "2016-05-04 15:00")
    assert [(m["month"], m["tweets"], m["mention_tweets"], m["answered"]) for m in cov["months"]] == [
        ("2016-05", 35, 7, 4), ("2016-06", 0, 0, 0), ("2016-07", 0, 0, 0), ("2016-08", 1, 0, 0)]
    assert cov["months_without_tweets"] == ["2016-06", "2016-07"]


def test_complete_archive_raises_no_warning(complete):
    archive, roster = complete
    data = json.loads(run("report", "-a", archive, "-b", roster, "-f", "json").stdout)
    # the hand-made archive is complete; what it has are notes: few mentions (it is tiny), the
    # months between March and October without tweets, and kpnwebcare, which occurs nowhere
    assert [(c["code"], c["severity"], c["brand"]) for c in data["caveats"]] == [
        ("few_mentions", "info", None), ("few_mentions", "info", "ing"), ("few_mentions", "info", "kpn"),
        ("few_mentions", "info", "ns_online"), ("coverage_gap", "info", None),
        ("roster_unmatched", "info", "kpnwebcare")]
    run("report", "-a", archive, "-b", roster, "--fail-on", "warning")


def test_no_caveat_at_all_says_so(complete, tmp_path):
    archive, _ = complete
    roster = tmp_path / "brands.csv"  # the hand-made roster without kpnwebcare, which occurs nowhere
    roster.write_text("\n".join(line for line in hm.ROSTER_CSV.splitlines() if "kpnwebcare" not in line))
    args = ("-a", archive, "-b", roster, "--until", "2016-03-31", "--threshold", "few_mentions=1")
    data = json.loads(run("report", *args, "-f", "json").stdout)
    assert data["caveats"] == []
    md = run("report", *args, "-f", "markdown").stdout
    assert "## Caveats: none\n\nNo check found a figure that this archive cannot support" in md
    assert re.search(r"Caveats: none\s+No check found a figure", run("report", *args).stdout)
    html = run("report", *args, "-f", "html").stdout
    assert "<h2>Caveats: none</h2>" in html and '<section id="caveats" class="caveats" ' in html
    run("report", *args, "--fail-on", "info")


def test_sample_data_raises_no_warning(tmp_path):
    from kwo.ingest import ingest

    archive = tmp_path / "archive"
    ingest(sorted(str(p) for p in SAMPLE.glob("*.jsonl.gz")), archive, workers=1)
    caveats = build_report(archive, SAMPLE / "brands.csv").caveats
    assert [c for c in caveats if c.severity == "warning"] == []
    # a 10,000-tweet sample of 100 brands: many rest on fewer than 100 mentions; one brand is
    # mentioned once and has no tweet of its own (a note: other brands' tweets were collected)
    assert {c.code for c in caveats} == {"few_mentions", "brand_silent"}
    assert [(c.brand, c.values["mentions"]) for c in caveats if c.code == "brand_silent"] == [("elektropleinnl", 1)]


def test_kwo16_demo_raises_no_warning(tmp_path):
    from kwo.demo import run_demo

    result = run_demo(tmp_path / "demo", tweets=20_000)
    assert result.mismatches == []  # the figures are the generator's
    caveats = result.report["caveats"]
    assert [c for c in caveats if c["severity"] == "warning"] == []
    assert {(c["code"], c["brand"] is None) for c in caveats} == {("few_mentions", False)}  # 20,000 of 1.5M
    assert result.report["coverage"]["months_without_tweets"] == []


def test_owner_only_archive(tmp_path):
    archive, roster = hm.build_archive(tmp_path, hm.OWNER_ROWS, hm.PARTIAL_ROSTER_CSV)
    r = build_report(archive, roster)
    got = [(c.code, c.severity, c.brand) for c in r.caveats]
    assert got[:2] == [("owner_only_archive", "warning", None), ("brand_silent", "warning", "telco")]
    owner = r.caveats[0]
    assert owner.values == {"tweets": 3, "author_id": "9", "owner": "solo"}
    assert owner.message.startswith("All 3 collected tweets are by one account (@solo), as in an account archive")
    # no brand's tweets at all: telco's silence is a warning however few its mentions
    assert r.caveats[1].values == {"mentions": 2, "brands_with_tweets": 0}


def test_an_account_name_from_the_data_is_shown_only_when_it_is_a_handle(tmp_path):
    rows = [hm.Row(r.tweet_id, r.at, r.author_id, "\x1b[31m<b>solo", r.mentions, r.reply_to) for r in hm.OWNER_ROWS]
    archive, roster = hm.build_archive(tmp_path, rows, hm.PARTIAL_ROSTER_CSV)
    owner = build_report(archive, roster).caveats[0]
    assert owner.code == "owner_only_archive"
    assert owner.message.startswith("All 3 collected tweets are by one account (user id 9), as in")
    assert "\x1b" not in run("report", "-a", archive, "-b", roster).stdout


def test_no_mentions_at_all_is_a_warning(complete):
    archive, roster = complete
    r = build_report(archive, roster, since="2020-01-01")
    few = [c for c in r.caveats if c.code == "few_mentions"]
    assert [(c.severity, c.brand, c.values) for c in few] == [("warning", None, {"mentions": 0, "answered": 0})]
    assert few[0].message.startswith("There are no mention tweets in the figures")
    # the months outside the period do not make a gap of it
    assert "coverage_gap" not in {c.code for c in r.caveats}


def test_the_period_bounds_the_coverage_gap(complete):
    archive, roster = complete
    # March only: no gap; March to October: April to September
    assert "coverage_gap" not in {c.code for c in build_report(archive, roster, until="2016-03-31").caveats}
    (gap,) = [c for c in build_report(archive, roster, since="2016-03-15").caveats if c.code == "coverage_gap"]
    assert gap.values["gaps"] == [["2016-04", "2016-09"]]


def test_empty_archive_has_notes_not_an_error(tmp_path):
    from kwo.ingest import ingest_batches
    from kwo.schema import empty_table

    ingest_batches([empty_table()], tmp_path / "a")
    roster = tmp_path / "b.csv"
    roster.write_text("handle,name,sector\nkpn,KPN,telecom\n")
    r = build_report(tmp_path / "a", roster)
    assert [(c.code, c.severity, c.brand) for c in r.caveats] == [
        ("few_mentions", "warning", None), ("roster_unmatched", "info", "kpn")]
    assert r.coverage.months == [] and r.coverage.first_tweet is None


# ---------------------------------------------------------------------------------------------
# No roster brand in the archive: an error that helps fix the roster


def test_a_roster_that_matches_nothing_is_an_error(partial, tmp_path):
    archive, _ = partial
    typo = tmp_path / "typo.csv"
    typo.write_text("handle,name,sector\ntelcoo,Telco,telecom\nbnak,Bank,finance\n")
    result = run("report", "-a", archive, "-b", typo, code=1)
    assert result.stderr.startswith(
        f"Error: {typo}: none of its 2 brands occurs in the archive (no tweet by them, no tweet mentioning them); "
        "the handles the archive's tweets mention most are @5551 (8), @shop (3), @bank (2), @telco (2), ")
    assert result.stderr.rstrip().endswith("check the handles and user ids in the roster")
    assert result.stdout == ""
    with pytest.raises(RosterError, match="its brand does not occur in the archive"):
        one = tmp_path / "one.csv"
        one.write_text("handle,name,sector\nnobody,N,x\n")
        build_report(archive, one)


def test_the_error_names_the_owner_of_an_account_archive(tmp_path):
    archive, _ = hm.build_archive(tmp_path, hm.OWNER_ROWS)
    roster = tmp_path / "r.csv"
    roster.write_text("handle,name,sector\nnobody,N,x\n")
    result = run("brands", "-a", archive, "-b", roster, code=1)
    assert "the handles the archive's tweets mention most are @telco (2), @friend (1); every collected tweet " \
           "is by @solo (an account archive)" in result.stderr


# ---------------------------------------------------------------------------------------------
# Every format shows both, before the figures; section commands show what affects them


CODES_WARNING = ("threads_incomplete", "anonymised_handles")
CODES_INFO = ("brand_silent", "few_mentions", "coverage_gap", "roster_unmatched")


def test_table_shows_coverage_and_caveats_before_the_figures(partial):
    archive, roster = partial
    out = run("report", "-a", archive, "-b", roster).stdout
    totals = out.index("\nTotals")
    assert out.index("Coverage") < out.index("Caveats: 3 warnings, 7 info") < totals
    assert re.search(r"months\s+4 \(2016-05 to 2016-08\), 2 without tweets: 2016-06 to 2016-07", out)
    for code in CODES_WARNING:
        assert re.search(rf"warning\s+{code}: ", out[:totals]), code
    for code in CODES_INFO:
        assert re.search(rf"info\s+{code}: ", out[:totals]), code
    # the four few_mentions of brands and the archive-wide one: below GROUP_ABOVE each stays a line
    assert len(re.findall(r"few_mentions: @", out[:totals])) == 3
    assert "Tweets per month (coverage)" in out[totals:]


def test_markdown_shows_coverage_and_caveats_before_the_figures(partial):
    archive, roster = partial
    text = run("report", "-a", archive, "-b", roster, "-f", "markdown").stdout
    totals = text.index("## Totals")
    block = text[text.index("## Coverage"):totals]
    assert "- **months**: 4 (2016-05 to 2016-08), 2 without tweets: 2016-06 to 2016-07\n" in block
    assert "## Caveats: 3 warnings, 7 info\n" in block
    assert "- **warning** `threads_incomplete`: 8 of the 20 brand replies (40.0%" in block
    assert "- **warning** `anonymised_handles`: @bank: 8 of its 10 replies" in block
    for code in CODES_INFO:
        assert f"- **info** `{code}`: " in block
    assert "| 2016-06 | 0 | 0 | 0 |" in text[totals:]


def test_csv_states_coverage_and_caveats_in_its_parameters(partial, partial_json):
    archive, roster = partial

    def table(name):
        return run("report", "-a", archive, "-b", roster, "-f", "csv", "--section", name).stdout

    params = dict(csv.reader(io.StringIO(table("parameters"))))
    assert params["coverage_first_tweet"] == "2016-05-02 11:00"
    assert params["coverage_months_without_tweets"] == "2016-06 2016-07"
    assert params["caveats"] == "3 warnings, 7 info"
    assert params["caveat_thresholds"] == ('{"few_mentions": 100, "threads_incomplete_pct": 10.0, '
                                           '"min_brand_replies": 10, "anonymised_handles_pct": 50.0}')
    # every caveat as a table, for a program
    rows = list(csv.DictReader(io.StringIO(table("caveats"))))
    assert [(r["code"], r["severity"], r["brand"]) for r in rows] == [
        (c["code"], c["severity"], c["brand"] or "") for c in partial_json["caveats"]]
    assert rows[0]["message"] == partial_json["caveats"][0]["message"]
    assert table("coverage_months").splitlines()[:3] == ["month,tweets,mention_tweets,answered,caveats",
                                                         "2016-05,35,7,4,coverage_gap", "2016-06,0,0,0,coverage_gap"]


def test_csv_rows_name_the_caveats_that_apply_to_them(partial, partial_json):
    """The last column of every figure table: the brand's own caveat codes plus the archive-wide
    ones that affect the table's figures (kwo.caveats.CODES), in the report's order. Archive-wide
    here: threads_incomplete (answered %, response times, replies, hourly, brands), few_mentions
    (answered %, response times, peak hour, hourly), coverage_gap (mentions, replies, hourly,
    brands, months)."""
    archive, roster = partial

    def rows(name, command="report"):
        return list(csv.DictReader(io.StringIO(run(command, "-a", archive, "-b", roster, "-f", "csv",
                                                   "--section", name).stdout)))

    assert {r["handle"]: r["caveats"] for r in rows("brands")} == {
        "telco": "threads_incomplete;few_mentions;coverage_gap",
        "bank": "threads_incomplete;anonymised_handles;few_mentions;coverage_gap",
        "shop": "threads_incomplete;brand_silent;few_mentions;coverage_gap",
        "ghost": "threads_incomplete;coverage_gap;roster_unmatched"}
    totals = {r["metric"]: r["caveats"] for r in rows("totals")}
    assert totals["mention_tweets"] == "coverage_gap"
    assert totals["answered_pct"] == totals["median_response_minutes"] == "threads_incomplete;few_mentions"
    assert totals["proactive_replies"] == "threads_incomplete;coverage_gap"
    assert totals["peak_hour"] == "few_mentions"
    assert {r["caveats"] for r in rows("hourly")} == {"threads_incomplete;few_mentions;coverage_gap"}
    assert {r["caveats"] for r in rows("response_times")} == {"threads_incomplete;few_mentions"}
    assert {r["caveats"] for r in rows("sectors")} == {"threads_incomplete;coverage_gap"}
    # a brand's row carries every caveat about that brand, also in kwo proactive's table
    assert {r["handle"]: r["caveats"] for r in rows("proactive", "proactive")} == {
        "telco": "threads_incomplete;few_mentions;coverage_gap",
        "bank": "threads_incomplete;anonymised_handles;few_mentions;coverage_gap"}


def test_html_banner_and_notes_beside_the_figures(partial, partial_json, tmp_path):
    archive, roster = partial
    out = tmp_path / "r.html"
    run("report", "-a", archive, "-b", roster, "-f", "html", "-o", out)
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    data = embedded_data(page)
    assert data["caveats"] == partial_json["caveats"] and data["coverage"] == partial_json["coverage"]
    # the banner is the first part of <main>, one item per caveat (the three few_mentions of
    # brands stay three: no more than GROUP_ABOVE)
    assert [e.attrs["id"] for e in page.elements if e.tag == "section"][0] == "caveats"
    assert "has-warnings" in page.find("section", id="caveats").attrs["class"]
    items = [e for e in page.elements if e.tag == "li" and e.attrs.get("id", "").startswith("caveat-")]
    assert [(i.attrs["data-code"], i.attrs["data-severity"], i.attrs["data-brands"]) for i in items] == [
        (c["code"], c["severity"], c["brand"] or "") for c in partial_json["caveats"]]
    assert "<h2>Caveats: 3 warnings, 7 info</h2>" in html
    # beside the figures: a note per caveat in the parts that show what it affects ...
    notes = {m.group(1): re.findall(r'<li class="\w+" data-code="(\w+)"', m.group(2))
             for m in re.finditer(r'<ul class="caveat-notes" data-part="([\w-]+)">(.*?)</ul>', html, re.S)}
    assert notes["rush-hour"] == ["threads_incomplete", "brand_silent", "few_mentions", "coverage_gap"]
    assert notes["response-times"] == ["threads_incomplete", "brand_silent", "few_mentions"]
    assert set(notes["brands"]) == set(CODES_WARNING + CODES_INFO)
    assert notes["coverage"] == ["coverage_gap"]
    # ... on the headline figures (each code once) ...
    kpi = re.search(r'<div class="kpi" data-key="answered_pct".*?<div class="kpi-caveat">(.*?)</div>', html, re.S)
    assert re.findall(r'data-code="(\w+)"', kpi.group(1)) == [
        "threads_incomplete", "anonymised_handles", "brand_silent", "few_mentions"]
    # ... and on the rows of the brands concerned, with the sentence as the mark's title
    rows = {r.attrs["data-handle"]: r.attrs.get("data-caveats") for r in page.find_all("tr") if "data-handle" in r.attrs}
    assert rows == {"telco": "threads_incomplete few_mentions", "bank": "anonymised_handles few_mentions",
                    "shop": "brand_silent few_mentions", "ghost": "roster_unmatched"}
    mark = [e for e in page.find_all("span") if e.attrs.get("data-code") == "anonymised_handles"]
    assert mark[0].attrs["title"].startswith("anonymised_handles: @bank: 8 of its 10 replies")


@pytest.mark.parametrize(
    "command, codes",
    [
        # what each view shows decides which caveats it carries
        ("answered", {"threads_incomplete", "anonymised_handles", "brand_silent", "few_mentions", "coverage_gap",
                      "roster_unmatched"}),
        ("proactive", {"threads_incomplete", "anonymised_handles", "brand_silent", "few_mentions", "coverage_gap",
                       "roster_unmatched"}),
        ("response-times", {"threads_incomplete", "anonymised_handles", "brand_silent", "few_mentions",
                            "coverage_gap"}),
        ("brands", {"threads_incomplete", "anonymised_handles", "brand_silent", "few_mentions", "coverage_gap",
                    "roster_unmatched"}),
    ],
)
def test_section_commands_carry_the_caveats_of_what_they_show(partial, command, codes):
    archive, roster = partial
    data = json.loads(run(command, "-a", archive, "-b", roster, "-f", "json").stdout)
    assert {c["code"] for c in data["caveats"]} == codes
    assert data["coverage"]["months_without_tweets"] == ["2016-06", "2016-07"]
    if command == "response-times":  # per-brand notes are about the brand table it does not show
        assert [c["brand"] for c in data["caveats"] if c["code"] == "few_mentions"] == [None]
    if command == "brands":  # nor does the brand table rest on the archive-wide mention count
        assert None not in [c["brand"] for c in data["caveats"] if c["code"] == "few_mentions"]
    text = run(command, "-a", archive, "-b", roster, "-f", "markdown").stdout
    assert all(f"`{code}`" in text for code in codes)


def test_chart_footnote_names_the_caveats_of_the_chart(partial, tmp_path):
    from kwo.render import view_data
    from kwo.render.charts import chart_caveats, figure

    archive, roster = partial
    data = view_data(build_report(archive, roster, details=True), "report")
    assert [c["code"] for c in chart_caveats("rush-hour", data)] == [
        "threads_incomplete", "anonymised_handles", "brand_silent", "few_mentions", "coverage_gap"]
    assert [c["code"] for c in chart_caveats("months", data)] == ["anonymised_handles", "coverage_gap"]
    foot = figure("rush-hour", data)._supxlabel.get_text()
    assert foot.startswith("Caveat (warning) threads_incomplete: a lower bound: replies to tweets that are not in")
    assert "Caveat (info) brand_silent (@shop): mentioned, but its own tweets were not collected" in foot
    assert figure("rush-hour", data, caveats=False)._supxlabel is None
    # the command writes it, and --fail-on looks at the chart's caveats only
    out = tmp_path / "c.svg"
    run("chart", "months", "-a", archive, "-b", roster, "-o", out, "--fail-on", "warning", code=1)
    assert out.read_bytes().startswith(b"<?xml")


# ---------------------------------------------------------------------------------------------
# --fail-on and --threshold


def test_fail_on(partial, complete, tmp_path):
    archive, roster = partial
    out = tmp_path / "r.json"
    result = run("report", "-a", archive, "-b", roster, "-f", "json", "-o", out, "--fail-on", "warning", code=1)
    assert result.stderr == ("Error: --fail-on warning: the figures carry 3 warnings (threads_incomplete, "
                             "anonymised_handles); the output was written\n")
    assert json.loads(out.read_text())["totals"]["mention_tweets"] == 7  # written all the same
    result = run("report", "-a", archive, "-b", roster, "--fail-on", "info", code=1)
    assert "Caveats: 3 warnings, 7 info" in result.stdout and "10 caveats" in result.stderr
    archive, roster = complete
    run("report", "-a", archive, "-b", roster, "--fail-on", "warning")
    run("report", "-a", archive, "-b", roster, "--fail-on", "info", code=1)
    run("proactive", "-a", archive, "-b", roster, "--fail-on", "warning")
    run("report", "-a", archive, "-b", roster, "--fail-on", "never", code=2)


def test_thresholds_are_parameters(partial):
    archive, roster = partial
    data = json.loads(run("report", "-a", archive, "-b", roster, "-f", "json", "--threshold", "few_mentions=3",
                          "--threshold", "threads_incomplete_pct=50").stdout)
    assert data["parameters"]["caveat_thresholds"] == {"few_mentions": 3, "threads_incomplete_pct": 50.0,
                                                       "min_brand_replies": 10, "anonymised_handles_pct": 50.0}
    got = [(c["code"], c["severity"], c["brand"]) for c in data["caveats"]]
    # 40% overall is no longer more than 50%, telco's 80% is; shop's 3 mentions reach 3: a warning;
    # only the two brands with 2 mentions rest on fewer than 3
    assert got == [("threads_incomplete", "warning", "telco"), ("brand_silent", "warning", "shop"),
                   ("anonymised_handles", "warning", "bank"), ("few_mentions", "info", "bank"),
                   ("few_mentions", "info", "telco"), ("coverage_gap", "info", None),
                   ("roster_unmatched", "info", "ghost")]
    md = run("report", "-a", archive, "-b", roster, "-f", "markdown", "--threshold", "min_brand_replies=11").stdout
    # < and > as entities: Markdown may hold HTML (kwo.safe_text.markdown_text); they render as < and >
    assert "- **caveat thresholds**: few_mentions &lt; 100 mention tweets; threads_incomplete &gt; 10% of replies " \
           "without parent; anonymised_handles &gt; 50% of replies; per brand from 11 replies\n" in md
    assert "`anonymised_handles`" not in md  # bank has 10 replies with a parent


@pytest.mark.parametrize("value, message", [
    ("nope=1", "--threshold 'nope=1': expected NAME=VALUE with NAME one of few_mentions, threads_incomplete_pct"),
    ("few_mentions", "--threshold 'few_mentions': expected NAME=VALUE"),
    ("few_mentions=1.5", "--threshold 'few_mentions=1.5': few_mentions must be a whole number"),
    ("threads_incomplete_pct=x", "threads_incomplete_pct must be a number"),
    ("threads_incomplete_pct=120", "--threshold threads_incomplete_pct: a percentage, at most 100"),
    ("min_brand_replies=-1", "--threshold min_brand_replies: expected a number of at least 0"),
])
def test_bad_thresholds_are_usage_errors(partial, value, message):
    archive, roster = partial
    result = run("report", "-a", archive, "-b", roster, "--threshold", value, code=2)
    assert message in result.stderr
    with pytest.raises(UsageError):
        Thresholds.parse([value])


# ---------------------------------------------------------------------------------------------
# Aliases: the roster's way to map an anonymised handle (or a care account) to its brand


def test_an_alias_maps_the_anonymised_handle_to_its_brand(tmp_path):
    archive, roster = hm.build_archive(tmp_path, hm.PARTIAL_ROWS, hm.PARTIAL_ALIAS_ROSTER_CSV)
    r = build_report(archive, roster)
    for key, value in hm.EXPECTED_PARTIAL_ALIAS.items():
        assert getattr(r.totals, key) == value, key
    assert "anonymised_handles" not in {c.code for c in r.caveats}


# ---------------------------------------------------------------------------------------------
# Coverage months in any time zone


def test_tweet_months_in_zones_with_half_hours(tmp_path):
    # 1969-12-31 18:20 UTC is 23:50 in Kolkata (UTC+5:30), still December 1969: its UTC hour
    # 18:00-19:00 straddles the local new year, and before 1970 (floor division matters there);
    # 2016-03-31 18:15 and 18:45 UTC are 23:45 (March) and 00:15 (April) in Kolkata.
    rows = [hm.Row(1, "1969-12-31 18:20", "1", "a"), hm.Row(2, "2016-03-31 18:15", "1", "a"),
            hm.Row(3, "2016-03-31 18:45", "1", "a"), hm.Row(4, "2016-03-31 20:00", "1", "a")]
    archive, roster = hm.build_archive(tmp_path, rows, "handle,name,sector\na,A,x\n")
    for tz, want in (("Asia/Kolkata", {"1969-12": 1, "2016-03": 1, "2016-04": 2}),
                     ("Europe/Amsterdam", {"1969-12": 1, "2016-03": 3}),  # 20:00 UTC is 22:00 CEST
                     ("America/St_Johns", {"1969-12": 1, "2016-03": 3})):
        cov = build_report(archive, roster, tz=tz).coverage
        got = {m.month: m.tweets for m in cov.months if m.tweets}
        assert got == want, tz
        # December 1969, every month of 1970-2015 (empty), 2016 up to the last tweet's month
        assert len(cov.months) == 1 + 12 * 46 + (4 if "2016-04" in want else 3)


# ---------------------------------------------------------------------------------------------
# The real files of SOURCES.md


needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is absent")


def _ingest(tmp_path_factory, *files: str) -> Path:
    from kwo.ingest import ingest

    archive = tmp_path_factory.mktemp("real") / "archive"
    ingest([str(REALDATA / f) for f in files], archive, workers=1)
    return archive


@pytest.fixture(scope="module")
def divya(tmp_path_factory):
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent")
    return _ingest(tmp_path_factory, "twcs/divya-gh__twcs_small.csv")


@needs_realdata
def test_divya_twcs_threads_incomplete_in_every_format(divya, tmp_path):
    data = json.loads(run("report", "-a", divya, "-f", "json").stdout)  # brands from inbound = False
    assert data["totals"]["answered_pct"] == pytest.approx(0.145, abs=1e-3)
    first = data["caveats"][0]
    assert (first["code"], first["severity"], first["brand"]) == ("threads_incomplete", "warning", None)
    assert first["values"] == {"brand_replies": 2272, "parent_missing": 2269, "parent_missing_pct": 99.868}
    assert first["message"].startswith("2,269 of the 2,272 brand replies (99.9%, more than 10%) answer a tweet that "
                                       "is not in the archive")
    per_brand = [c for c in data["caveats"] if c["code"] == "threads_incomplete" and c["brand"]]
    assert len(per_brand) == 54 and per_brand[0]["brand"] == "amazonhelp"
    # anonymised_handles does not apply: of the 2,272 replies only 3 have their parent in the file
    assert "anonymised_handles" not in {c["code"] for c in data["caveats"]}
    text = run("report", "-a", divya).stdout
    assert "warning  threads_incomplete: 2,269 of the 2,272 brand replies" in text
    assert "warning  threads_incomplete: 54 brands (@amazonhelp, @applesupport" in text  # grouped
    assert "(the caveats of one code about more than 3 brands are one line here; --format json lists each)" in text
    md = run("report", "-a", divya, "-f", "markdown").stdout
    assert "- **warning** `threads_incomplete`: 2,269 of the 2,272 brand replies" in md
    caveats = run("report", "-a", divya, "-f", "csv", "--section", "caveats").stdout
    assert "threads_incomplete,warning,,2,269 of the 2,272" in caveats.replace('"', "")
    out = tmp_path / "divya.html"
    run("report", "-a", divya, "-f", "html", "-o", out)
    page = Page(out.read_text(encoding="utf-8"))
    assert page.find("li", id="caveat-1").attrs["data-code"] == "threads_incomplete"
    assert "2,269 of the 2,272 brand replies" in page.find("li", id="caveat-1").text
    run("report", "-a", divya, "--fail-on", "warning", code=1)


@needs_realdata
def test_twcs_anonymised_handles(tmp_path_factory):
    archive = _ingest(tmp_path_factory, "twcs/monalisapatra26__twcs.csv")
    caveats = {c.brand: c for c in build_report(archive).caveats if c.code == "anonymised_handles"}
    # CenturyLinkHelp answers customers who tag the anonymised @116072 (CenturyLink itself)
    assert caveats["centurylinkhelp"].as_dict()["values"] == {"replies": 19, "anonymised_replies": 17, "anonymised_pct": 89.474,
                                                 "top_handle": "116072", "top_replies": 17}
    assert caveats["tmobilehelp"].values["top_handle"] == "115911"
    assert "threads_incomplete" not in {c.code for c in build_report(archive).caveats}  # 3 of 2,201 replies


@needs_realdata
def test_v2_search_with_a_roster_of_brands_that_never_tweet(tmp_path_factory, tmp_path):
    archive = _ingest(tmp_path_factory, "v2/twarc-csv__withheld.jsonl")
    roster = tmp_path / "brands.csv"
    roster.write_text("handle,name,sector\njiocare,Jio,telecom\nespn,ESPN,media\nnfl,NFL,sports\n"
                      "bleacherreport,Bleacher Report,media\n")
    data = json.loads(run("report", "-a", archive, "-b", roster, "-f", "json").stdout)
    silent = [(c["brand"], c["severity"], c["values"]["mentions"]) for c in data["caveats"] if c["code"] == "brand_silent"]
    assert silent == [("bleacherreport", "warning", 7), ("jiocare", "warning", 4), ("espn", "warning", 3),
                      ("nfl", "warning", 3)]
    assert all(b["answered_pct"] == 0.0 for b in data["brands"])
    md = run("brands", "-a", archive, "-b", roster, "-f", "markdown").stdout
    assert "- **warning** `brand_silent`: 4 brands (@bleacherreport, @jiocare, @espn, @nfl) are mentioned" in md
    table = run("brands", "-a", archive, "-b", roster).stdout
    assert re.search(r"warning\s+brand_silent: 4 brands", table)
    rows = list(csv.DictReader(io.StringIO(run("brands", "-a", archive, "-b", roster, "-f", "csv",
                                               "--section", "caveats").stdout)))
    assert [r["brand"] for r in rows if r["code"] == "brand_silent"] == ["bleacherreport", "jiocare", "espn", "nfl"]
    html = run("brands", "-a", archive, "-b", roster, "-f", "html").stdout
    assert Page(html).find("tr", **{"data-handle": "espn"}).attrs["data-caveats"] == "brand_silent few_mentions"


@needs_realdata
@pytest.mark.parametrize("name, owner, tweets", [("andreruffert", "andreruffert", 1986),
                                                  ("milahu104", "milahu104", 2045)])
def test_account_archives_are_owner_only(tmp_path_factory, tmp_path, name, owner, tweets):
    archive = _ingest(tmp_path_factory, f"archive/{name}__tweets.js")
    roster = tmp_path / "brands.csv"
    roster.write_text("handle,name,sector\ngithub,GitHub,tech\ngrok,Grok,tech\n")
    data = json.loads(run("report", "-a", archive, "-b", roster, "-f", "json").stdout)
    first = data["caveats"][0]
    assert (first["code"], first["severity"], first["values"]["owner"], first["values"]["tweets"]) == (
        "owner_only_archive", "warning", owner, tweets)
    for fmt, marker in (("table", "warning  owner_only_archive: All "), ("markdown", "- **warning** `owner_only_archive`")):
        assert marker in run("report", "-a", archive, "-b", roster, "-f", fmt).stdout, fmt
    caveats = run("report", "-a", archive, "-b", roster, "-f", "csv", "--section", "caveats").stdout
    assert caveats.splitlines()[1].startswith('owner_only_archive,warning,,"All '), caveats
    html = run("report", "-a", archive, "-b", roster, "-f", "html").stdout
    assert Page(html).find("li", id="caveat-1").attrs["data-code"] == "owner_only_archive"


@needs_realdata
def test_twitterdev_threads_incomplete(tmp_path_factory, tmp_path):
    archive = _ingest(tmp_path_factory, "v1/sferik_twitter__premium_search_to.json",
                      "v1/sferik_twitter__premium_search_from.json")
    roster = tmp_path / "brands.csv"
    roster.write_text("handle,name,sector\nTwitterDev,Twitter Developers,technology\n")
    threads = [c.as_dict() for c in build_report(archive, roster).caveats if c.code == "threads_incomplete"]
    # 31 of TwitterDev's 37 replies answer tweets in neither file (docs/methodology.md section 11);
    # the one brand has all the replies, so there is no second caveat saying the same of it
    assert [(c["brand"], c["values"]) for c in threads] == [
        (None, {"brand_replies": 37, "parent_missing": 31, "parent_missing_pct": 83.784})]
