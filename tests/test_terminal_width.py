"""The terminal table fits the terminal: at 80 columns every line fits, wide sections drop
columns by priority (kwo.render.sections.TABLE_DROP_ORDER) instead of squeezing any to nothing,
and say which they left out."""

from __future__ import annotations

import io
import json

import pytest

from kwo.render.render import render_table

from . import handmade as hm
from .kwo_cli import run_kwo


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    archive, roster = hm.build_archive(tmp_path_factory.mktemp("width"), hm.ROWS, hm.ROSTER_CSV)
    return json.loads(run_kwo("report", "-a", archive, "-b", roster, "-f", "json").stdout)


def _table(data, width):
    buf = io.StringIO()
    render_table(data, buf, width=width)
    return buf.getvalue()


def _header(text: str, title: str) -> list[str]:
    """The column headers of the table titled ``title``."""
    lines = text.splitlines()
    i = lines.index(title)
    return [h.strip() for h in lines[i + 2].strip("┃").split("┃")]


@pytest.mark.parametrize("width", [80, 60])
def test_every_line_fits(data, width):
    assert max(len(line) for line in _table(data, width).splitlines()) <= width


def test_brand_table_drops_columns_by_priority_at_80(data):
    text = _table(data, 80)
    # handle, name and sector keep their width; the least needed numbers go, and are named
    assert _header(text, "Per brand") == ["handle", "name", "sector", "mentions", "answered", "answ. %",
                                          "median min"]
    assert "│ ns_online  │ NS   │ transport │        2 │        1 │   50.0% │       40.0 │" in text
    assert "(left out at this width: closed %, no parent, p90 min, proactive; a wider" in text
    assert _header(text, "Response times (mention pairs)") == ["response time", "pairs", "% of pairs", "cumulative",
                                                               "within %"]
    assert "│ 30 min to 1 h  │     3 │      27.3% │ within 1 h      │    54.5% │" in text


def test_nothing_is_left_out_when_it_fits(data):
    text = _table(data, 200)
    assert "left out at this width" not in text
    assert _header(text, "Per brand")[-4:] == ["p90 min", "proactive", "no parent", "closed %"]
