"""kwo chart and kwo.report.charts: every chart as SVG and PNG, and the same bytes on every run."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from kwo.cli.report import CHART_NAMES
from kwo.render.charts import PNG_DPI, chart_names

from . import handmade as hm
from .kwo_cli import run_kwo as run

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("charts"), hm.ROWS, hm.ROSTER_CSV)


def test_the_cli_lists_every_chart():
    # kwo.cli_report repeats the names so that building the CLI does not import matplotlib.
    assert list(CHART_NAMES) == chart_names()


@pytest.mark.parametrize("name", CHART_NAMES)
def test_kwo_chart_writes_svg_and_png(name, case, tmp_path):
    from kwo.render.charts import CHARTS

    archive, roster = case
    svg_path, png_path = tmp_path / f"{name}.svg", tmp_path / f"{name}.PNG"
    assert run("chart", name, "-a", archive, "-b", roster, "--output", svg_path).output == ""
    run("chart", name, "-a", archive, "-b", roster, "-o", png_path)

    svg = svg_path.read_bytes()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("id") == f"kwo-chart-{name}"
    assert float(root.get("width").removesuffix("pt")) == CHARTS[name].width * 72
    assert len(root.findall(f".//{SVG_NS}path")) > 20  # drawn, not empty
    assert b"<metadata" not in svg and b"dc:date" not in svg  # no creation date

    png = png_path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == round(CHARTS[name].width * PNG_DPI) and height > 300
    assert not list(tmp_path.glob("*.tmp-*"))  # written atomically


def test_chart_options_and_errors(case, tmp_path):
    archive, roster = case
    titled, bare = tmp_path / "a.svg", tmp_path / "b.svg"
    run("chart", "heatmap", "-a", archive, "-b", roster, "-o", titled)
    run("chart", "heatmap", "-a", archive, "-b", roster, "-o", bare, "--no-title")
    assert titled.read_bytes() != bare.read_bytes()
    result = run("chart", "heatmap", "-a", archive, "-b", roster, "-o", tmp_path / "x.pdf", code=2)
    assert "must end in .svg or .png" in result.output
    assert "NAME 'pie': choose one of rush-hour," in run("chart", "pie", "-a", archive, "-b", roster, "-o", bare, code=2).output
    assert "Error:" in run("chart", "heatmap", "-a", tmp_path / "nope", "-b", roster, "-o", bare, code=1).output
    # the options reach the figures: a period without mentions draws the note instead of bars
    from kwo.metrics import build_report
    from kwo.render import view_data
    from kwo.render.charts import render_chart

    empty = view_data(build_report(archive, roster, since="2020-01-01", details=True), "report")
    for name in CHART_NAMES:
        assert render_chart(name, empty, "svg", text_as_paths=False).count(b"<text") >= 1


# Two separate processes with different hash seeds (set and dict order), the way two runs of
# `kwo chart` or `kwo report --format html` are: every chart's SVG and the HTML must match.
_RUN = """
import hashlib, json, sys
from kwo.metrics import build_report
from kwo.render import view_data
from kwo.render.charts import chart_names, render_chart
from kwo.render.html import render_html

data = view_data(build_report(sys.argv[1], sys.argv[2], details=True), "report")
out = {name: hashlib.sha256(render_chart(name, data, "svg")).hexdigest() for name in chart_names()}
out["png"] = hashlib.sha256(render_chart("rush-hour", data, "png")).hexdigest()
out["html"] = hashlib.sha256(render_html(data).encode()).hexdigest()
print(json.dumps(out))
"""


def test_same_bytes_on_every_run(case):
    archive, roster = case
    procs = [
        subprocess.Popen([sys.executable, "-c", _RUN, str(archive), str(roster)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        for seed in ("1", "2")
    ]
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outputs.append(json.loads(out))
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {*CHART_NAMES, "png", "html"}


# ---------------------------------------------------------------------------------------------
# Layout: every text whole and inside the chart, none over another (tests/svg_text.py measures
# each <text> of the SVG with the charts' font), titles wrapped, months named with their years.


@pytest.fixture(scope="module")
def report_data(case):
    from kwo.metrics import build_report
    from kwo.render import view_data

    archive, roster = case
    return view_data(build_report(archive, roster, details=True), "report")


def _svg(name, data, **kw):
    from kwo.render.charts import render_chart

    return render_chart(name, data, "svg", text_as_paths=False, **kw)


@pytest.mark.parametrize("name", CHART_NAMES)
@pytest.mark.parametrize("title", [True, False])
@pytest.mark.parametrize("narrow", [False, True])
def test_no_text_is_cut_or_covered(name, title, narrow, report_data):
    from kwo.render.charts_narrow import NARROW_WIDTH, SMALL

    from .svg_text import layout_problems, text_boxes, view_box

    svg = _svg(name, report_data, title=title, narrow=narrow)
    assert layout_problems(svg) == []
    boxes = text_boxes(svg)
    assert len(boxes) >= 3  # the test measured something
    if narrow:  # shown 370 px wide on a phone: 8 pt is 11.4 px
        assert view_box(svg)[0] == pytest.approx(NARROW_WIDTH * 72)
        assert min(b.size for b in boxes) >= SMALL


def test_the_narrow_forms_show_the_same_numbers(report_data):
    from .svg_text import text_boxes

    rows = {r["hour"]: r for r in report_data["hourly"]}
    peak = report_data["totals"]["peak_hour"]
    texts = [b.text for b in text_boxes(_svg("rush-hour", report_data, narrow=True))]
    # each hour as a row, with its answered % after its bar; the peak hour says so
    assert [t for t in texts if len(t) == 2 and t.isdigit()] == [f"{h:02d}" for h in range(24)]
    shown = [f"{r['answered_pct']:.0f}%" + (" peak" if h == peak else "") for h, r in sorted(rows.items())
             if r["mentions"]]
    assert [t for t in texts if t.endswith(("%", "% peak"))] == shown  # (its axis counts tweets: no % there)
    # the weekday x hour grid on its side: weekdays across the top, the 24 hours down
    texts = [b.text for b in text_boxes(_svg("heatmap", report_data, narrow=True))]
    assert texts[:7] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert [t for t in texts if len(t) == 2 and t.isdigit()] == [f"{h:02d}" for h in range(24)]


@pytest.mark.parametrize("name", ["closed-by-hour", "response-by-hour"])
def test_a_long_title_takes_two_lines(name, report_data):
    from kwo.render.charts import CHARTS, chart_title

    from .svg_text import text_boxes, view_box

    title = chart_title(name, report_data)
    lines = title.split("\n")
    # "Mentions arriving while the brand is closed (Europe/Amsterdam)" is 490 pt wide at 12 pt bold:
    # the half-width chart (324 pt) shows it on two lines
    assert len(lines) == 2 and " ".join(lines) == CHARTS[name].title + " (Europe/Amsterdam)"
    svg = _svg(name, report_data)
    width, _height = view_box(svg)
    shown = [b for b in text_boxes(svg) if b.text in lines]
    assert [b.text for b in shown] == lines
    assert all(b.x1 <= width for b in shown)


def _with_peak(data, peak):
    import copy

    data = copy.deepcopy(data)
    for r in data["hourly"]:
        r["mentions"] = 100 + (400 if r["hour"] == peak else 0)
        r["answered"] = 50
        r["answered_pct"] = r["answered"] / r["mentions"] * 100
    data["totals"]["peak_hour"] = peak
    return data


@pytest.mark.parametrize("peak", [0, 1, 12, 22, 23])
def test_the_peak_label_stays_clear_of_the_axes(peak, report_data):
    from .svg_text import layout_problems, text_boxes, view_box

    svg = _svg("rush-hour", _with_peak(report_data, peak))
    assert layout_problems(svg) == []
    (label,) = [b for b in text_boxes(svg) if b.text == "peak 500"]
    right_axis = [b for b in text_boxes(svg) if b.text in ("0%", "25%", "50%", "75%", "100%")]
    assert len(right_axis) == 5 and label.x1 < min(b.x0 for b in right_axis)
    assert label.x1 <= view_box(svg)[0]


def _months(first: str, n: int) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@pytest.mark.parametrize(("first", "n", "expected"), [
    # 13 months: every month, the year under the first tick and under January
    ("2016-01", 13, ["Jan\n2016", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
                     "Jan\n2017"]),
    # 30 months from March: a tick every 2 months, on the odd months, each January with its year
    ("2015-03", 30, ["Mar\n2015", "May", "Jul", "Sep", "Nov", "Jan\n2016", "Mar", "May", "Jul", "Sep", "Nov",
                     "Jan\n2017", "Mar", "May", "Jul"]),
    # 50 months (2014-11 to 2018-12): every quarter from January
    ("2014-11", 50, ["Jan\n2015", "Apr", "Jul", "Oct", "Jan\n2016", "Apr", "Jul", "Oct", "Jan\n2017", "Apr", "Jul",
                     "Oct", "Jan\n2018", "Apr", "Jul", "Oct"]),
    # 20 years (2000-06 to 2020-05): one tick every second January, each with its year
    ("2000-06", 240, [f"Jan\n{y}" for y in range(2002, 2021, 2)]),
])
def test_month_ticks_name_every_year(first, n, expected):
    from kwo.render.chart_style import month_ticks

    months = _months(first, n)
    ticks, labels = month_ticks(months, most=18)
    assert labels == expected
    assert len(ticks) <= 18 and [months[i][5:] for i in ticks][:1] == [{"Jan": "01", "Mar": "03"}[expected[0][:3]]]


def test_the_months_chart_shows_the_years(report_data):
    import copy

    from .svg_text import layout_problems, text_boxes

    data = copy.deepcopy(report_data)
    data["coverage"]["months"] = [{"month": m, "tweets": 1000 + i, "mention_tweets": 400, "answered": 200}
                                  for i, m in enumerate(_months("2015-03", 30))]
    svg = _svg("months", data)
    assert layout_problems(svg) == []
    texts = [b.text for b in text_boxes(svg)]
    assert [t for t in texts if t.isdigit() and len(t) == 4] == ["2015", "2016", "2017"]
    assert texts.count("Jan") == 2 and texts.count("Mar") == 3


def test_kwo_chart_narrow(case, tmp_path):
    from kwo.render.charts_narrow import NARROW_WIDTH

    archive, roster = case
    run("chart", "heatmap", "-a", archive, "-b", roster, "--narrow", "-o", tmp_path / "h.svg")
    root = ET.fromstring((tmp_path / "h.svg").read_bytes())
    assert root.get("id") == "kwo-chart-heatmap-narrow"
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(NARROW_WIDTH * 72)
    run("chart", "heatmap", "-a", archive, "-b", roster, "--narrow", "-o", tmp_path / "h.png")
    width, _height = struct.unpack(">II", (tmp_path / "h.png").read_bytes()[16:24])
    assert width == round(NARROW_WIDTH * PNG_DPI)
