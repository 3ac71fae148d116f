"""The input-format registry (kwo.formats): CONTRIBUTING.md's "Add an input format" recipe followed
once, with a toy format defined here (one tweet a line: ``id|time|user|text``). Registering it is
all it takes for ``kwo ingest --format toy`` (and ``--format auto``) to read it, for the help
and the unknown-format message to name it, and for its rows to reach a report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

import pyarrow as pa
import pytest

from kwo.formats import (
    BUILTIN,
    Format,
    ReadContext,
    format_names,
    formats_help,
    get_format,
    plausible_time,
    record_lines,
    register_format,
    unregister_format,
)
from kwo.formats.detect import detect
from kwo.formats.text_mentions import mentions_from_text
from tests.kwo_cli import run_kwo

TOY_DESCRIPTION = "toy pipe-separated lines: id|time|user|text"


def read_toy(stream: BinaryIO, ctx: ReadContext) -> Iterator[pa.RecordBatch]:
    """Step 2 of the recipe: the reader contract (rows through ctx.builder(), bad records quarantined)."""
    builder = ctx.builder()
    for number, line in record_lines(stream, ctx):
        try:
            tweet_id, when, user, text = line.decode("utf-8").rstrip("\r\n").split("|", 3)
            ms = int(datetime.fromisoformat(when).timestamp() * 1000)
            builder.add(int(tweet_id), plausible_time(ms, when), user, user, text,
                        mentions=[(None, handle) for _, handle in mentions_from_text(text)])
        except ValueError as exc:  # also UnicodeDecodeError, a ValueError
            ctx.quarantine(number, f"not a toy line: {exc}", line)
            continue
        if builder.full:
            yield builder.flush()
    if batch := builder.flush():
        yield batch


def detect_toy(head: bytes) -> bool:
    """Step 4: a digit id and then three more fields, separated by pipes."""
    first = head.split(b"\n", 1)[0].split(b"|")
    return len(first) >= 4 and first[0].isdigit()


@pytest.fixture
def toy():
    register_format(Format(name="toy", description=TOY_DESCRIPTION, read=read_toy, detect=detect_toy))
    try:
        yield
    finally:
        unregister_format("toy")


TOY_LINES = (
    "101|2021-01-04T10:00:00+00:00|ann|@kpn my internet is down\n"
    "\n"  # a blank line is no record
    "102|2021-01-04T10:05:00+00:00|bob|@ING @kpn two brands at once\n"
    "103|yesterday|cat|@kpn a line the toy reader cannot parse\n"
    "104|2021-01-04T11:00:00+00:00|dan|no brand here\n"
)
BRANDS = "handle,name,sector\nkpn,KPN,telecom\ning,ING,finance\n"


def _ingest(tmp_path, *fmt: str) -> dict:
    src = tmp_path / "dump.txt"
    src.write_text(TOY_LINES, encoding="utf-8")
    out = run_kwo("ingest", src, "--archive", tmp_path / "arch", *fmt, "--json", "--workers", "1")
    return json.loads(out.stdout)


@pytest.mark.parametrize("fmt", [("--format", "toy"), ()])
def test_a_registered_format_is_ingested_and_reported(toy, tmp_path, fmt):
    """--format toy, and --format auto (the default) through the toy's detect function."""
    summary = _ingest(tmp_path, *fmt)
    # 4 records (the blank line is none): 3 tweets written, 1 quarantined
    assert (summary["records_read"], summary["tweets_written"], summary["quarantined"]) == (4, 3, 1)
    (tmp_path / "brands.csv").write_text(BRANDS, encoding="utf-8")
    report = json.loads(run_kwo("report", "--archive", tmp_path / "arch", "--brands", tmp_path / "brands.csv",
                                "--format", "json").stdout)
    # tweet 101 mentions kpn, 102 kpn and ing; 103 was quarantined, 104 mentions no brand
    assert {b["handle"]: b["mentions"] for b in report["brands"]} == {"kpn": 2, "ing": 1}
    assert report["totals"]["mention_tweets"] == 2
    assert report["totals"]["mention_pairs"] == 3


def test_help_and_messages_name_a_registered_format(toy, tmp_path):
    help_text = run_kwo("ingest", "--help").stdout
    assert "[auto|v1|v2|twcs|twarc-csv|archive|toy]" in help_text
    assert formats_help().endswith(f"; toy: {TOY_DESCRIPTION}")
    refused = run_kwo("ingest", tmp_path / "x", "--archive", tmp_path / "arch", "--format", "pdf", code=2)
    assert "choose one of auto, v1, v2, twcs, twarc-csv, archive, toy" in refused.stderr


def test_unregistered_the_format_is_gone(tmp_path):
    """The fixture's cleanup leaves the registry as kwo ships it (this runs without ``toy``)."""
    assert format_names() == ["v1", "v2", "twcs", "twarc-csv", "archive"]
    assert "[auto|v1|v2|twcs|twarc-csv|archive]" in run_kwo("ingest", "--help").stdout
    assert detect(b"101|2021-01-04T10:00:00+00:00|ann|@kpn hi\n") is None


def test_builtin_formats_register_themselves_in_help_order():
    names = [get_format(name).name for name in BUILTIN]
    assert names == ["v1", "v2", "twcs", "twarc-csv", "archive"]
    assert formats_help().split("; ")[0] == (
        "v1: Twitter API v1.1 tweet JSON (lines, arrays, search/premium responses, stream captures)")


def test_builtin_rules_detect_before_a_registered_format(toy):
    # a v1 line is still v1, even though the toy's detector is asked about unknown content only
    assert detect(b'{"id_str": "1", "text": "hi", "user": {"screen_name": "a"}}\n') == "v1"
    assert detect(b"101|2021-01-04T10:00:00+00:00|ann|@kpn hi\n") == "toy"


@pytest.mark.parametrize("name", ["", "auto", " toy"])
def test_a_format_needs_a_usable_name(name):
    with pytest.raises(ValueError, match="a format cannot be named"):
        register_format(Format(name=name, description="x", read=read_toy))
