"""The merge (kwo.ingest.merge, kwo.archive.parts): the new month parts, their row groups, their row
order, and what a failure leaves."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kwo.archive.parts as parts
import kwo.ingest as ki
import kwo.ingest.merge as merge
from kwo.archive import Archive
from kwo.errors import ArchiveError
from kwo.ingest.transaction import Transaction, writing
from kwo.schema import TWEET_SCHEMA

# month -> rows: with row groups of 1000 rows, a part of 2500 rows is 1000 + 1000 + 500, one of
# 999 a single group, one of exactly 1000 a single full group, one of 1 row a group of one.
MONTHS = {"2016-01": 2500, "2016-02": 999, "2016-03": 1000, "2016-04": 1, "2016-05": 2049}


def _rows() -> list[tuple[int, int]]:
    """(tweet_id, created_at ms) of every row; ids are not in time order, and some rows share a
    created_at (the tweet_id breaks the tie)."""
    rows = []
    tid = 1
    for month, n in MONTHS.items():
        start = int(datetime.strptime(month + "-01", "%Y-%m-%d").replace(tzinfo=UTC).timestamp() * 1000)
        for k in range(n):
            rows.append(((tid * 7919) % 100_003 + 10 * tid, start + (k // 3) * 1000))
            tid += 1
    return rows


def _batches(rows: list[tuple[int, int]], size: int) -> list[pa.RecordBatch]:
    """Rows in shuffled batches of ``size`` (the staging order is not the archive order)."""
    shuffled = sorted(rows, key=lambda r: (r[0] * 31) % 977)
    out = []
    for i in range(0, len(shuffled), size):
        chunk = shuffled[i:i + size]
        n = len(chunk)
        cols = {f.name: pa.nulls(n, f.type) for f in TWEET_SCHEMA}
        cols["tweet_id"] = pa.array([r[0] for r in chunk], pa.int64())
        cols["created_at"] = pa.array([r[1] for r in chunk], pa.timestamp("ms", tz="UTC"))
        cols["author_id"] = pa.array([str(r[0] % 17) for r in chunk])
        cols["text"] = pa.array([f"tweet {r[0]}" for r in chunk])
        cols["mentions"] = pa.array([[{"user_id": "1", "handle": "a"}]] * n, TWEET_SCHEMA.field("mentions").type)
        cols["is_retweet"] = pa.array([False] * n)
        cols["collected"] = pa.array([True] * n)
        cols["source_file"] = pa.array(["t"] * n)
        out.append(pa.RecordBatch.from_arrays([cols[f.name] for f in TWEET_SCHEMA], schema=TWEET_SCHEMA))
    return out


def _row_groups(path) -> list[int]:
    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


#: row groups of 1000 rows, so that small archives have several
SMALL_GROUPS = ki.IngestTuning(row_group_rows=1000)


def test_parts_have_full_row_groups_in_time_order(tmp_path):
    rows = _rows()
    archive = tmp_path / "a"
    ki.ingest_batches(_batches(rows, 777), archive, tuning=SMALL_GROUPS)
    manifest = Archive(archive).read_manifest()
    assert [(p["month"], p["rows"]) for p in manifest.parts] == list(MONTHS.items())
    groups = {p["month"]: _row_groups(archive / p["path"]) for p in manifest.parts}
    assert groups == {"2016-01": [1000, 1000, 500], "2016-02": [999], "2016-03": [1000], "2016-04": [1],
                      "2016-05": [1000, 1000, 49]}
    # DuckDB's own view of the same files
    con = duckdb.connect()
    got = con.sql(f"SELECT row_group_num_rows FROM parquet_metadata('{archive}/tweets/*/*.parquet') "
                  "WHERE path_in_schema = 'tweet_id' ORDER BY file_name, row_group_id").fetchall()
    assert [n for (n,) in got] == [n for month in MONTHS for n in groups[month]]
    # every part: its month's rows, in (created_at, tweet_id) order
    expected = sorted(rows, key=lambda r: (r[1], r[0]))
    seen = []
    for p in manifest.parts:
        t = pq.read_table(archive / p["path"], columns=["tweet_id", "created_at"])
        part_rows = list(zip(t.column("tweet_id").to_pylist(),
                             [int(x.timestamp() * 1000) for x in t.column("created_at").to_pylist()]))
        assert {datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m") for _, ms in part_rows} == {p["month"]}
        seen += part_rows
    assert seen == expected
    assert pq.read_table(archive / manifest.parts[0]["path"]).schema == TWEET_SCHEMA


def test_only_repeating_columns_get_dictionaries(tmp_path):
    """Every name in DICTIONARY_COLUMNS is a leaf column of the parts (pyarrow ignores a name it
    does not know), and ids, times and texts are written without a dictionary."""
    archive = tmp_path / "a"
    ki.ingest_batches(_batches(_rows(), 777), archive)
    part = archive / Archive(archive).read_manifest().parts[0]["path"]
    group = pq.ParquetFile(part).metadata.row_group(0)
    with_dictionary = {group.column(i).path_in_schema for i in range(group.num_columns)
                       if group.column(i).has_dictionary_page}
    assert with_dictionary == set(parts.DICTIONARY_COLUMNS)
    assert {"tweet_id", "created_at", "text", "in_reply_to_tweet_id"}.isdisjoint(with_dictionary)


def test_a_second_ingest_writes_full_row_groups_too(tmp_path):
    """New rows on top of an archive: only the new ids, in new parts with full row groups."""
    rows = _rows()
    archive = tmp_path / "a"
    ki.ingest_batches(_batches(rows[:1200], 500), archive, tuning=SMALL_GROUPS)
    result = ki.ingest_batches(_batches(rows, 300), archive, tuning=SMALL_GROUPS)
    assert result.per_file[0].tweets_written == len(rows) - 1200
    assert result.per_file[0].duplicates == 1200
    manifest = Archive(archive).read_manifest()
    run = manifest.parts[-1]["path"].split("/")[-1]  # part-<run id>.parquet of the second ingest
    new = [p for p in manifest.parts if p["path"].endswith(run)]
    assert [(p["month"], p["rows"], _row_groups(archive / p["path"])) for p in new] == [
        ("2016-01", 1300, [1000, 300]), ("2016-02", 999, [999]), ("2016-03", 1000, [1000]),
        ("2016-04", 1, [1]), ("2016-05", 2049, [1000, 1000, 49])]


def test_part_writers_hold_a_bounded_number_of_row_groups(tmp_path, monkeypatch):
    """Months are written by threads; the fetching thread is never more than ``threads`` row
    groups ahead of them, however many months and rows there are."""
    import threading
    import time

    lock = threading.Lock()
    state = {"ahead": 0, "max": 0, "writing": 0, "max_writing": 0}
    put, write = parts.PartWriters.put, parts.MonthPart.write

    def counting_put(self, part, group):
        put(self, part, group)
        with lock:
            state["ahead"] += 1
            state["max"] = max(state["max"], state["ahead"])

    def slow_write(self, group):
        with lock:
            state["writing"] += 1
            state["max_writing"] = max(state["max_writing"], state["writing"])
        time.sleep(0.02)
        write(self, group)
        with lock:
            state["ahead"] -= 1
            state["writing"] -= 1

    monkeypatch.setattr(parts.PartWriters, "put", counting_put)
    monkeypatch.setattr(parts.MonthPart, "write", slow_write)
    rows = _rows()
    archive = tmp_path / "a"
    with writing(archive), Transaction(archive, tuning=SMALL_GROUPS) as w:
        w.stage_batches(0, "t", _batches(rows, 500))
        w.commit(threads=2)
    assert state["ahead"] == 0
    assert state["max"] == 2  # threads
    assert state["max_writing"] == 2  # two months really were written at once
    manifest = Archive(archive).read_manifest()
    assert [(p["month"], p["rows"]) for p in manifest.parts] == list(MONTHS.items())


@pytest.mark.parametrize("where", ["writer", "fetch"])
def test_a_failure_while_writing_parts_leaves_the_archive_as_it_was(tmp_path, monkeypatch, where):
    """A writer thread fails (a full disk) or the fetching thread does: the error comes out,
    nothing hangs, the manifest is unchanged, and the next ingest cleans up and completes."""
    rows = _rows()
    archive = tmp_path / "a"
    ki.ingest_batches(_batches(rows[:1200], 500), archive, tuning=SMALL_GROUPS)
    manifest = (archive / "manifest.json").read_bytes()
    real_writer, real_split = parts.parquet_writer, parts.split_by_month

    def failing_writer(path):
        if "month=2016-03" in str(path):
            raise OSError(28, "No space left on device")
        return real_writer(path)

    def failing_split(batch, months):
        for month, piece in real_split(batch, months):
            if month == "2016-03":
                raise OSError(5, "Input/output error")
            yield month, piece

    # fault injection: the writer of parts, or the merge's cutting of rows into months
    if where == "writer":
        monkeypatch.setattr(parts, "parquet_writer", failing_writer)
    else:
        monkeypatch.setattr(merge, "split_by_month", failing_split)
    with pytest.raises(ArchiveError, match="No space left on device" if where == "writer" else "Input/output"):
        ki.ingest_batches(_batches(rows, 300), archive, tuning=SMALL_GROUPS)
    assert (archive / "manifest.json").read_bytes() == manifest
    monkeypatch.undo()
    # the next ingest removes what the failed one left and writes the rest
    result = ki.ingest_batches(_batches(rows, 300), archive, tuning=SMALL_GROUPS)
    assert result.per_file[0].tweets_written == len(rows) - 1200
    live = {p["path"] for p in Archive(archive).read_manifest().parts}
    assert {f.relative_to(archive).as_posix() for f in (archive / "tweets").rglob("*") if f.is_file()} == live
    assert json.loads((archive / "manifest.json").read_text())["parts"][-1]["rows"] == 2049
