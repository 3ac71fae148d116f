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
