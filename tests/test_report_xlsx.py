"""kwo report --format xlsx: the workbook read back with openpyxl holds the sheets and figures of
the JSON report; texts are strings, never formulas; binary output refuses a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import openpyxl
import pytest

from . import handmade as hm
from .kwo_cli import run_kwo

# ING's name begins with "=": a formula if it were written as one
ROSTER = hm.ROSTER_CSV.replace("ing,ING,finance", 'ing,"=HYPERLINK(""http://x"",""ING"")",finance')


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("xlsx"), hm.ROWS, ROSTER)


@pytest.fixture(scope="module")
def as_json(case):
    archive, roster = case
    return json.loads(run_kwo("report", "-a", archive, "-b", roster, "-f", "json").stdout)


@pytest.fixture(scope="module")
def workbook(case, tmp_path_factory):
    archive, roster = case
    out = tmp_path_factory.mktemp("out") / "report.xlsx"  # the suffix picks the format
    result = run_kwo("report", "-a", archive, "-b", roster, "-o", out)
    assert result.stdout == ""
    return openpyxl.load_workbook(out)


def _table(sheet, first_row: int = 1) -> list[dict]:
    rows = list(sheet.iter_rows(min_row=first_row, values_only=True))
    header = rows[0]
    out = []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        out.append(dict(zip(header, row)))
    return out


def _flat(row: dict) -> dict:
    """A JSON row as a sheet holds it: each 95% interval [low, high] as two columns."""
    out = {}
    for key, value in row.items():
        if key.endswith("_ci"):
            out[f"{key}_low"], out[f"{key}_high"] = value if value is not None else (None, None)
        else:
            out[key] = value
    return out


def test_sheets_and_figures_are_those_of_the_json(workbook, as_json):
    assert workbook.sheetnames == ["parameters", "totals", "response_times", "hourly", "weekday_hourly", "brands",
                                   "sectors", "brand_agents", "monthly", "weekly", "answered_ranking",
                                   "coverage_months"]
    totals = {r["metric"]: r["value"] for r in _table(workbook["totals"])}
    assert totals == _flat(as_json["totals"])
    assert totals["mention_tweets"] == 10 and totals["answered_pct"] == 60.0  # hm.EXPECTED_TOTALS
    for section in ("response_times", "hourly", "weekday_hourly", "brands", "sectors"):
        rows = _table(workbook[section])
        assert len(rows) == len(as_json[section]), section
        for got, want in zip(rows, as_json[section]):
            for key, value in _flat(want).items():
                assert got[key] == value, (section, key)
    months = _table(workbook["coverage_months"])
    assert [(m["month"], m["tweets"]) for m in months] == [(m["month"], m["tweets"])
                                                         for m in as_json["coverage"]["months"]]
    # the caveats column, as in the CSV: each brand's own plus the archive-wide coverage_gap
    assert {r["handle"]: r["caveats"] for r in _table(workbook["brands"])} == {
        "ing": "few_mentions;coverage_gap", "kpn": "few_mentions;coverage_gap",
        "ns_online": "few_mentions;coverage_gap", "kpnwebcare": "coverage_gap;roster_unmatched"}


def test_parameters_sheet_holds_parameters_and_caveats(workbook, as_json):
    sheet = workbook["parameters"]
    params = _table(sheet)
    named = {r["name"]: r["value"] for r in params}
    assert named["tz"] == "Europe/Amsterdam"
    assert named["roster_sha256"] == as_json["parameters"]["roster_sha256"]
    assert named["caveats"] == "6 info"
    caveats = _table(sheet, first_row=len(params) + 3)  # after one empty row
    assert [(c["code"], c["severity"], c["brand"], c["message"]) for c in caveats] == [
        (c["code"], c["severity"], c["brand"], c["message"]) for c in as_json["caveats"]]


def test_numbers_are_numbers_formatted_header_frozen(workbook):
    sheet = workbook["brands"]
    header = [c.value for c in sheet[1]]
    ing = sheet[2]
    assert ing[header.index("handle")].value == "ing"
    pct = ing[header.index("answered_pct")]
    assert pct.value == 20.0 and pct.data_type == "n" and pct.number_format == '0.0"%"'
    assert ing[header.index("mentions")].number_format == "#,##0"
    assert ing[header.index("median_response_minutes")].number_format == "#,##0.0"
    for name in workbook.sheetnames:
        assert workbook[name].freeze_panes == "A2", name
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    # as wide as the widest text plus a margin, within 6..60 characters
    col = openpyxl.utils.get_column_letter(header.index("hours") + 1)
    assert 36 <= widths[col] <= 40  # "mon-fri 08:00-22:00; sat 10:00-18:00" is 36 characters
    assert all(6 <= w <= 61 for w in widths.values())


def test_a_text_beginning_with_equals_is_a_string(workbook):
    sheet = workbook["brands"]
    header = [c.value for c in sheet[1]]
    name = sheet[2][header.index("name")]
    assert name.value == '=HYPERLINK("http://x","ING")' and name.data_type == "s"
    assert not any(c.data_type == "f" for s in workbook for row in s.iter_rows() for c in row)


def test_same_report_same_bytes(case, tmp_path):
    archive, roster = case
    for name in ("a.xlsx", "b.xlsx"):
        run_kwo("brands", "-a", archive, "-b", roster, "-f", "xlsx", "-o", tmp_path / name)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").sheetnames == ["parameters", "brands", "brand_agents", "monthly",
                                                                      "weekly", "answered_ranking"]


def _kwo(args, **kw):
    return subprocess.run([sys.executable, "-m", "kwo", *map(str, args)], **kw)


def test_xlsx_refuses_a_terminal_but_goes_to_a_pipe(case):
    archive, roster = case
    args = ["brands", "-a", archive, "-b", roster, "-f", "xlsx"]
    piped = _kwo(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK\x03\x04")  # a zip: the workbook
    main, secondary = pty.openpty()
    try:
        shown = _kwo([*args, "-o", "-"], stdout=secondary, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(secondary)
        os.close(main)
    assert shown.returncode == 2
    assert ("--format xlsx writes a binary workbook, not text for a terminal: give --output FILE.xlsx, or send "
            "standard output to a file or a pipe") in shown.stderr
