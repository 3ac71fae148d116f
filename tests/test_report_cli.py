"""kwo report and its section commands through the CLI (CliRunner)."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kwo.cli import cli

from . import handmade as hm

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("cli"), hm.ROWS, hm.ROSTER_CSV)


def run(*args, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def as_json(case):
    archive, roster = case
    return json.loads(run("report", "-a", archive, "-b", roster, "--format", "json").stdout)


def test_json_carries_every_key_of_design_section_4(as_json, case):
    archive, roster = case
    data = as_json
    assert {"mention_tweets", "mention_pairs", "answered", "answered_pct", "proactive_replies",
            "replies_parent_missing", "peak_hour"} <= set(data["totals"])
    assert len(data["hourly"]) == 24
    assert all({"hour", "mentions", "answered_pct"} <= set(h) for h in data["hourly"])
    assert all({"handle", "mentions", "answered", "answered_pct", "median_response_minutes", "proactive_replies"}
               <= set(b) for b in data["brands"])
    assert [b["bucket"] for b in data["response_times"]] == list(hm.EXPECTED_BUCKETS)
    assert all({"bucket", "count"} <= set(b) for b in data["response_times"])
    p = data["parameters"]
    assert {"tz", "window", "mode", "since", "until", "roster", "roster_sha256", "archive_fingerprint",
            "kwo_version"} <= set(p)
    from kwo.archive import Archive

    assert p["archive_fingerprint"] == Archive(archive).read_manifest().fingerprint
    import hashlib

    assert p["roster_sha256"] == hashlib.sha256(roster.read_bytes()).hexdigest()
    # and the values are the hand-counted ones
    for key, value in hm.EXPECTED_TOTALS.items():
        assert data["totals"][key] == value, key
    assert {b["handle"]: b["mentions"] for b in data["brands"]} == {
        h: e["mentions"] for h, e in hm.EXPECTED_BRANDS.items()}


def _csv_blocks(directory: Path) -> tuple[dict, dict[str, list[dict]]]:
    """The tables of ``-o DIR/``: parameters.json and one CSV per table."""
    params = json.loads((directory / "parameters.json").read_text())["parameters"]
    blocks = {p.stem: list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8"))))
              for p in directory.glob("*.csv")}
    return params, blocks


def _num(text: str):
    if text in ("", "–"):
        return None
    return float(text.replace(",", "").rstrip("%"))


def test_csv_carries_the_same_numbers(as_json, case, tmp_path):
    archive, roster = case
    assert run("report", "-a", archive, "-b", roster, "-o", f"{tmp_path}/tables/").stdout == ""
    params, blocks = _csv_blocks(tmp_path / "tables")
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == [
        "answered_ranking.csv", "brand_agents.csv", "brands.csv", "caveats.csv", "coverage_months.csv", "hourly.csv",
        "monthly.csv", "parameters.csv", "parameters.json", "response_times.csv", "sectors.csv", "totals.csv",
        "weekday_hourly.csv", "weekly.csv"]
    named = {r["name"]: r["value"] for r in blocks["parameters"]}
    assert named["tz"] == "Europe/Amsterdam" and named["roster_sha256"] == as_json["parameters"]["roster_sha256"]
    assert named["coverage_collected_tweets"] == "24" and named["caveats"] == "6 info"
    assert params["tz"] == "Europe/Amsterdam" and params["roster_sha256"] == as_json["parameters"]["roster_sha256"]
    assert params["archive_fingerprint"] == as_json["parameters"]["archive_fingerprint"]
    totals = {r["metric"]: r["value"] for r in blocks["totals"]}
    for k, v in _flat_intervals(as_json["totals"]).items():
        assert totals[k] == ("" if v is None else str(v)), k
    for section in ("hourly", "weekday_hourly", "response_times", "brands", "sectors"):
        rows = blocks[section]
        assert len(rows) == len(as_json[section]), section
        for got, want in zip(rows, as_json[section]):
            for k, v in _flat_intervals(want).items():
                assert got[k] == ("" if v is None else str(v)), (section, k)


def _flat_intervals(row: dict) -> dict:
    """An interval [low, high] of the JSON is two CSV columns, KEY_low and KEY_high."""
    out = {}
    for k, v in row.items():
        if k.endswith("_ci"):
            out[f"{k}_low"], out[f"{k}_high"] = v if v is not None else (None, None)
        else:
            out[k] = v
    return out


def test_markdown_carries_the_same_numbers(as_json, case):
    archive, roster = case
    text = run("report", "-a", archive, "-b", roster, "--format", "markdown").stdout
    assert "- **time zone**: Europe/Amsterdam" in text
    assert f"- **roster sha256**: {as_json['parameters']['roster_sha256']}" in text
    assert f"- **archive fingerprint**: {as_json['parameters']['archive_fingerprint']}" in text
    tables = _markdown_tables(text)
    totals = {row[0]: row[1] for row in tables["Totals"]}
    t = as_json["totals"]
    assert _num(totals["mention tweets"]) == t["mention_tweets"]
    assert _num(totals["answered %"]) == round(t["answered_pct"], 1)
    assert _num(totals["proactive replies"]) == t["proactive_replies"]
    assert _num(totals["replies, parent not in archive"]) == t["replies_parent_missing"]
    assert totals["peak hour (local)"] == "11:00-12:00"
    brands = {row[0]: row for row in tables["Per brand"]}
    header = tables["Per brand"].header
    for b in as_json["brands"]:
        row = dict(zip(header, brands[b["handle"]]))
        assert _num(row["mentions"]) == b["mentions"]
        assert _num(row["answered"]) == b["answered"]
        assert _num(row["answered %"]) == (None if b["answered_pct"] is None else round(b["answered_pct"], 1))
        assert _num(row["median (min)"]) == (None if b["median_response_minutes"] is None
                                             else round(b["median_response_minutes"], 1))
        assert _num(row["proactive"]) == b["proactive_replies"]
        assert _num(row["parent missing"]) == b["replies_parent_missing"]
    hourly = tables["Mention tweets per hour of the day"]
    assert [_num(r[2]) for r in hourly] == [h["mentions"] for h in as_json["hourly"]]
    bands = tables["Response times (mention pairs)"]
    assert {r[0]: _num(r[1]) for r in bands} == {b["band"]: b["count"] for b in as_json["response_times"]}
    assert [(r[4], _num(r[5])) for r in bands] == [(b["within"] or "–", None if b["within_pct"] is None else
                                                    round(b["within_pct"], 1)) for b in as_json["response_times"]]
    matrix = tables["Mention tweets per weekday and hour"]
    assert sum(_num(r[-1]) for r in matrix) == t["mention_tweets"]
    assert _num(matrix[1][7]) == 1  # Sunday 01:00 (27 March, CET)


class _Table(list):
    header: list[str]


def _markdown_tables(text: str) -> dict[str, _Table]:
    tables, title = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            title = line[3:]
            tables[title] = _Table()
        elif line.startswith("|") and title:
            # cells as a Markdown reader shows them: escaped pipes and entities (&lt;=30 min) decoded
            cells = [html.unescape(c.strip().replace("\\|", "|")) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not hasattr(tables[title], "header"):
                tables[title].header = cells
            elif not all(set(c) <= set("-:") for c in cells):
                tables[title].append(cells)
    return tables


def test_golden_markdown(case):
    """The whole markdown report of the hand-made archive, parameters that vary per run masked."""
    archive, roster = case
    text = run("report", "-a", archive, "-b", roster, "--format", "markdown").stdout
    text = re.sub(r"(- \*\*(roster|archive|archive fingerprint|kwo version)\*\*: ).*", r"\1<varies>", text)
    golden = GOLDEN / "handmade_report.md"
    if os.environ.get("KWO_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_table_format(case):
    archive, roster = case
    out = run("report", "-a", archive, "-b", roster).stdout
    assert "KWO webcare report" in out and "Europe/Amsterdam" in out
    assert re.search(r"answered %\s*│\s*60\.0%", out)
    assert re.search(r"mention tweets\s*│\s*10 │", out)
    assert "Per brand" in out and "Per sector" in out and "11:00-12:00" in out
    assert "roster sha256" in out and "archive fingerprint" in out
    assert not any(line != line.rstrip() for line in out.splitlines())  # no padding in files/pipes


@pytest.mark.parametrize(
    "command, keys",
    [
        ("answered", {"view", "parameters", "coverage", "caveats", "totals", "sectors"}),
        ("proactive", {"view", "parameters", "coverage", "caveats", "totals", "proactive"}),
        ("rush-hour", {"view", "parameters", "coverage", "caveats", "totals", "hourly", "weekday_hourly",
                       "opening_hours"}),
        ("response-times", {"view", "parameters", "coverage", "caveats", "totals", "response_times"}),
        ("brands", {"view", "parameters", "coverage", "caveats", "brands", "brand_agents", "monthly", "weekly",
                    "answered_ranking"}),
    ],
)
def test_section_commands(case, as_json, command, keys):
    archive, roster = case
    data = json.loads(run(command, "-a", archive, "-b", roster, "-f", "json").stdout)
    assert set(data) == keys
    assert data["view"] == command
    for k, v in data.get("totals", {}).items():
        assert v == as_json["totals"][k]
    if command == "proactive":
        assert {b["handle"]: (b["proactive_replies"], b["replies_parent_missing"]) for b in data["proactive"]} == {
            "kpn": (1, 0), "ing": (0, 1), "ns_online": (1, 0)}
    if command == "rush-hour":
        assert data["totals"]["peak_hour"] == 11
        assert {b["handle"]: b["closed_pct"] for b in data["opening_hours"]} == {"kpn": 0.0, "ing": 60.0}
    if command == "brands":
        assert data["brands"] == as_json["brands"]
    # every format of every command states its parameters
    for fmt, marker in (("table", "time zone"), ("markdown", "**time zone**")):
        assert marker in run(command, "-a", archive, "-b", roster, "-f", fmt).stdout
    # a CSV is one table: its parameters are the table "parameters"
    text = run(command, "-a", archive, "-b", roster, "-f", "csv", "--section", "parameters").stdout
    assert text.splitlines()[:2] == ["name,value", "tz,Europe/Amsterdam"]


def test_options_reach_the_figures(case):
    archive, roster = case
    data = json.loads(run("answered", "-a", archive, "-b", roster, "-f", "json", "--window", "30m").stdout)
    assert data["totals"]["answered"] == 3 and data["parameters"]["window"] == "30m"
    data = json.loads(run("answered", "-a", archive, "-b", roster, "-f", "json",
                          "--since", "2016-03-02", "--until", "2016-03-27").stdout)
    assert data["totals"]["mention_tweets"] == 4
    assert (data["parameters"]["since"], data["parameters"]["until"]) == ("2016-03-02", "2016-03-27")
    data = json.loads(run("rush-hour", "-a", archive, "-b", roster, "-f", "json", "--tz", "UTC").stdout)
    assert data["totals"]["peak_hour"] == 0 and data["parameters"]["tz"] == "UTC"
    data = json.loads(run("answered", "-a", archive, "-b", roster, "-f", "json", "--thread").stdout)
    assert data["parameters"]["mode"] == "thread"


def test_output_file(case, tmp_path):
    archive, roster = case
    target = tmp_path / "r.json"
    result = run("report", "-a", archive, "-b", roster, "-f", "json", "-o", target)
    assert result.stdout == ""
    assert json.loads(target.read_text())["totals"]["mention_tweets"] == 10
    target = tmp_path / "r.txt"
    run("brands", "-a", archive, "-b", roster, "-o", target)
    assert "Per brand" in target.read_text() and "\x1b[" not in target.read_text()


def test_environment_variables(case):
    archive, roster = case
    result = CliRunner().invoke(cli, ["answered", "-f", "json"],
                                env={"KWO_ARCHIVE": str(archive), "KWO_BRANDS": str(roster), "KWO_TZ": "UTC"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["parameters"]["tz"] == "UTC"


@pytest.mark.parametrize(
    "extra, code, message",
    [
        (["--window", "soon"], 2, "--window 'soon': expected a duration"),
        (["--tz", "Mars/Olympus"], 2, "unknown time zone 'Mars/Olympus'"),
        (["--since", "2016-04-01", "--until", "2016-03-01"], 2, "is not before"),
        (["--since", "yesterday"], 2, "--since 'yesterday'"),
        (["-f", "pdf"], 2, "--format 'pdf': choose one of table, json, csv, markdown, html, xlsx"),
    ],
)
def test_usage_errors(case, extra, code, message):
    archive, roster = case
    result = run("report", "-a", archive, "-b", roster, *extra, ok=False)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_no_roster_on_an_archive_without_inbound(case):
    archive, _ = case
    result = run("report", "-a", archive, ok=False)
    assert result.exit_code == 2
    assert "report [OPTIONS]" in result.stderr  # the usage of the command, not of the group
    assert "pass the brands with --brands FILE" in result.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        ("handle,name,sector\nkpn,KPN,t\nKPN,KPN,t\n", ":3: duplicate handle 'kpn'"),
        ("handle,name,sector,hours\nkpn,KPN,t,mon-fri 9-17\n", ":2: malformed hours 'mon-fri 9-17'"),
        ("handle,name,sector,tz\nkpn,KPN,t,CET/Amsterdam\n", ":2: unknown time zone 'CET/Amsterdam'"),
        ("", ": the roster is empty"),
    ],
)
def test_roster_errors(case, tmp_path, text, message):
    archive, _ = case
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    result = run("report", "-a", archive, "-b", bad, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}{message}")
    assert "Traceback" not in result.output


def test_missing_archive(tmp_path):
    result = run("report", "-a", tmp_path / "nope", "-b", tmp_path / "b.csv", ok=False)
    assert result.exit_code == 1
    assert "no such archive" in result.stderr


@pytest.mark.parametrize("command", ["report", "answered", "proactive", "rush-hour", "response-times", "brands"])
def test_help_has_an_example(command):
    out = run(command, "--help").stdout
    assert "Example" in out and f"kwo {command}" in out
    for option in ("--archive", "--brands", "--tz", "--since", "--until", "--window", "--thread", "--format", "--output"):
        assert option in out


# ---------------------------------------------------------------------------------------------
# The other printers of kwo/report: kwo sql results, the ingest summary, the progress bar


def test_sql_printer_formats(case):
    archive, _ = case
    q = "SELECT tweet_id, created_at, mentions, inbound FROM tweets WHERE tweet_id = 119"
    out = run("sql", q, "-a", archive, "--format", "json").stdout
    # an id column is strings in JSON (tests/test_sql_command.py)
    assert json.loads(out) == [{"tweet_id": "119", "created_at": "2016-03-02T09:00:00+00:00",
                                "mentions": [{"user_id": None, "handle": "kpn"}], "inbound": None}]
    out = run("sql", q, "-a", archive, "--format", "csv").stdout
    assert out.splitlines() == ["tweet_id,created_at,mentions,inbound",
                                '119,2016-03-02T09:00:00+00:00,"[{""user_id"": null, ""handle"": ""kpn""}]",']
    out = run("sql", "SELECT 1234567890123456789 AS id, NULL AS x", "-a", archive).stdout
    assert "1234567890123456789" in out and "NULL" in out and "1 row" in out  # ids keep their digits


def test_ingest_summary():
    from types import SimpleNamespace

    from kwo.cli.ingest_summary import render_ingest_summary

    f1 = SimpleNamespace(path="a[1].jsonl", format="v1", records_read=10, tweets_written=6, context_written=3,
                         duplicates=2, notices=1, quarantined=1, skipped=False)
    f2 = SimpleNamespace(path="b.csv", format="twcs", records_read=5, tweets_written=0, context_written=0,
                         duplicates=5, notices=0, quarantined=0, skipped=True)
    result = SimpleNamespace(per_file=[f1, f2], archive="arch", quarantine_file="arch/quarantine/x.jsonl",
                             records_read=15, tweets_written=6, context_written=3, duplicates=7, notices=1,
                             quarantined=1)
    buf = io.StringIO()
    render_ingest_summary(result, out=buf)
    text = buf.getvalue()
    assert "a[1].jsonl" in text and "b.csv (already ingested)" in text and "total" in text
    assert text.rstrip().splitlines()[-2] == (
        "records_read = tweets_written + duplicates + notices + quarantined: 15 = 6 + 7 + 1 + 1")
    assert "arch/quarantine/x.jsonl" in text.splitlines()[-1]


def test_progress():
    from kwo.cli.progress import NoProgress, ingest_progress

    with ingest_progress(False) as p:
        assert isinstance(p, NoProgress)
        p.start_file("x", 10)
        p.advance(5)
        p.end_file()
    with ingest_progress(True) as p:  # a rich bar on stderr; must survive files of unknown size
        p.start_file("/data/dump.jsonl.gz", 1000)
        p.advance(400)
        p.start_file("-", None)
        p.advance(10)
        p.end_file()


def test_ingest_summary_fits_80_columns():
    """In an 80-column terminal no count is cut off at the right edge: columns go by priority
    (context rows first) and the summary says which."""
    from kwo.cli.ingest_summary import render_ingest_summary
    from kwo.ingest import FileResult, IngestResult

    files = [FileResult(path="dump-2016-03.jsonl.gz", format="v1", records_read=1_234_567, tweets_written=1_200_000,
                        duplicates=34_000, notices=500, quarantined=67, context_written=250_000)]
    result = IngestResult(per_file=files, archive="kwo16")
    wide, narrow = io.StringIO(), io.StringIO()
    render_ingest_summary(result, out=wide, width=140)
    render_ingest_summary(result, out=narrow, width=80)
    assert "context" in wide.getvalue() and "left out" not in wide.getvalue()
    lines = narrow.getvalue().splitlines()
    table = [line for line in lines if line[:1] in "┏┃┡│└"]
    assert len(table) == 6 and max(len(line) for line in table) <= 80  # the file name folds onto 2 lines
    header = next(line for line in lines if "file" in line)
    assert [h for h in ("format", "read", "written", "duplicates", "notices", "quarantined", "context")
            if h in header] == ["read", "written", "duplicates", "notices", "quarantined"]
    row = next(line for line in lines if "dump-2016-03" in line)
    assert row.split("│")[2:-1] == [" 1,234,567 ", " 1,200,000 ", "     34,000 ", "     500 ", "          67 "]
    assert "(left out at this width: context, format; kwo ingest --json gives every count)" in lines


# ---------------------------------------------------------------------------------------------
# -o -, the format from the suffix, CSV tables and the excel-nl dialect


def test_dash_output_is_standard_output(case, as_json, tmp_path, monkeypatch):
    archive, roster = case
    monkeypatch.chdir(tmp_path)
    result = run("answered", "-a", archive, "-b", roster, "-f", "json", "-o", "-")
    assert json.loads(result.stdout)["totals"]["mention_tweets"] == as_json["totals"]["mention_tweets"] == 10
    result = run("answered", "-a", archive, "-b", roster, "--output", "-")
    assert "Answered mentions" in result.stdout  # no suffix: the terminal table
    assert list(tmp_path.iterdir()) == []  # no file named "-"


@pytest.mark.parametrize("name, check", [
    ("r.json", lambda t: json.loads(t)["totals"]["mention_tweets"] == 10),
    ("r.csv", lambda t: t.startswith("handle,name,sector,mentions,")),
    ("r.md", lambda t: t.startswith("# KWO webcare report\n")),
    ("r.html", lambda t: t.lstrip().lower().startswith("<!doctype html>")),
    ("r.txt", lambda t: t.startswith("KWO webcare report")),
])
def test_format_follows_the_output_suffix(case, tmp_path, name, check):
    archive, roster = case
    run("report", "-a", archive, "-b", roster, "-o", tmp_path / name)
    assert check((tmp_path / name).read_text(encoding="utf-8"))


def test_unknown_suffix_without_format_is_an_error(case, tmp_path):
    archive, roster = case
    result = run("report", "-a", archive, "-b", roster, "-o", tmp_path / "r.pdf", ok=False)
    assert result.exit_code == 2
    assert "kwo cannot tell the format from the suffix '.pdf'; give --format (table, json, csv" in result.stderr
    assert ".json (json), .csv (csv), .md (markdown)" in result.stderr
    assert not (tmp_path / "r.pdf").exists()
    # --format says it
    run("report", "-a", archive, "-b", roster, "-f", "json", "-o", tmp_path / "r.pdf")
    assert json.loads((tmp_path / "r.pdf").read_text())["view"] == "report"


@pytest.mark.parametrize("command, header", [
    ("report", "handle,name,sector,mentions,answered,answered_pct"),
    ("brands", "handle,name,sector,mentions,answered,answered_pct"),
    ("answered", "sector,brands,mention_tweets,answered,answered_pct"),
    ("response-times", "bucket,"),
    ("rush-hour", "hour,"),
    ("proactive", "handle,"),
])
def test_csv_is_one_plain_table(case, as_json, command, header):
    archive, roster = case
    text = run(command, "-a", archive, "-b", roster, "-f", "csv").stdout
    assert text.startswith(header)
    assert not [line for line in text.splitlines() if line.startswith("#") or not line]
    rows = list(csv.DictReader(io.StringIO(text)))
    if command in ("report", "brands"):
        assert [(r["handle"], int(r["mentions"])) for r in rows] == [(b["handle"], b["mentions"])
                                                                   for b in as_json["brands"]]


def test_csv_section_chooses_the_table(case, as_json):
    archive, roster = case
    text = run("report", "-a", archive, "-b", roster, "-f", "csv", "--section", "totals").stdout
    totals = {metric: value for metric, value, _caveats in csv.reader(io.StringIO(text))}
    assert totals.pop("metric") == "value"
    assert totals["mention_tweets"] == "10" and totals["peak_hour"] == "11"
    assert set(totals) == set(_flat_intervals(as_json["totals"]))
    result = run("report", "-a", archive, "-b", roster, "-f", "csv", "--section", "nope", ok=False)
    assert result.exit_code == 2
    assert ("--section nope: kwo report has the tables parameters, totals, response_times, hourly, weekday_hourly, "
            "brands, sectors, brand_agents, monthly, weekly, answered_ranking, caveats, coverage_months") in result.stderr
    result = run("report", "-a", archive, "-b", roster, "-f", "json", "--section", "totals", ok=False)
    assert "--section and --csv-dialect go with --format csv" in result.stderr


def test_csv_dialect_excel_nl(case, as_json, tmp_path):
    archive, roster = case
    target = tmp_path / "brands.csv"
    run("brands", "-a", archive, "-b", roster, "--csv-dialect", "excel-nl", "-o", target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfhandle;name;sector;")
    assert raw.count(b"\r\n") == len(as_json["brands"]) + 1 and b"\n" not in raw.replace(b"\r\n", b"")
    with open(target, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    by_handle = {r["handle"]: r for r in rows}
    for b in as_json["brands"]:
        got = by_handle[b["handle"]]
        assert int(got["mentions"]) == b["mentions"]
        want = b["answered_pct"]
        assert got["answered_pct"] == ("" if want is None else str(want).replace(".", ","))
    assert by_handle["ing"]["answered_pct"] == "20,0" and by_handle["kpn"]["median_response_minutes"] == "25,0"
    assert by_handle["kpn"]["hours"] == "mon-fri 08:00-22:00; sat 10:00-18:00"  # a ; inside is quoted
    assert '"mon-fri 08:00-22:00; sat 10:00-18:00"' in raw.decode("utf-8-sig")


def test_csv_directory_refused_inside_the_archive(case):
    archive, roster = case
    result = run("report", "-a", archive, "-b", roster, "-o", f"{archive}/tables/", ok=False)
    assert result.exit_code == 2 and "kwo does not write into an archive" in result.stderr
    assert not (archive / "tables").exists()


def test_one_csv_table_names_its_caveats_on_stderr(case, as_json, tmp_path):
    """A CSV table names each row's caveat codes in its last column; the headline (how many) goes
    to standard error, never into the CSV a script reads."""
    archive, roster = case
    assert [c["severity"] for c in as_json["caveats"]] == ["info"] * 6  # 4 few_mentions, coverage_gap, roster_unmatched
    notice = ("kwo: these figures carry caveats (6 info); the caveats column names them per row, --section caveats "
              "writes what they mean, -o DIR/ every table with parameters.json\n")
    result = run("report", "-a", archive, "-b", roster, "-f", "csv")
    assert result.stderr == notice and result.stdout.startswith("handle,name,sector,")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # few_mentions of ing, kpn, ns_online (their own); coverage_gap (archive-wide, affects brands);
    # roster_unmatched of kpnwebcare; the archive-wide few_mentions is not about the brand table
    assert [(r["handle"], r["caveats"]) for r in rows] == [
        ("ing", "few_mentions;coverage_gap"), ("kpn", "few_mentions;coverage_gap"),
        ("ns_online", "few_mentions;coverage_gap"), ("kpnwebcare", "coverage_gap;roster_unmatched")]
    result = run("report", "-a", archive, "-b", roster, "-o", tmp_path / "brands.csv")
    assert result.stderr == notice
    assert run("report", "-a", archive, "-b", roster, "-f", "csv", "--section", "caveats").stderr == ""
    result = run("report", "-a", archive, "-b", roster, "-f", "csv", "-o", f"{tmp_path}/tables/")
    assert result.stderr == (f"kwo: these figures carry caveats (6 info); the caveats column names them per row, "
                             f"{tmp_path}/tables/caveats.csv says what they mean\n")
    header = (tmp_path / "brands.csv").read_text().splitlines()[0].split(",")
    assert header[-1] == "caveats" and {"answered_within_48h_pct", "agents", "signed_pct"} <= set(header)
    assert header.index("answered_pct_ci_low") + 1 == header.index("answered_pct_ci_high")
