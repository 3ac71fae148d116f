"""Byte ranges of a plain JSON-lines file: the workers count their ranges' lines, and quarantine
entries keep their line numbers in the whole file."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pytest

import kwo.ingest as ki
import kwo.ingest.plan as kplan
import kwo.ingest.staging as ks
from kwo.engine.duckdb import connect
from kwo.ingest import IngestTuning
from kwo.io import file_sha256


def _file(realdata, tmp_path, *, crlf: bool = False, bom: bool = False) -> tuple:
    """Real tweet lines, 4 copies, with broken lines at known places: in the first range, in
    later ones, and a truncated last line without a line end. Returns (path, bad line numbers)."""
    lines = (realdata / "v1/python-twitter__streaming_lines.json").read_bytes().splitlines()
    out, bad = [], []
    for copy in range(4):
        for k, line in enumerate(lines):
            if (copy, k) in ((0, 3), (1, 50), (2, 10), (3, 71)):
                out.append(b'{"id_str": "9", "text": broken')
                bad.append(len(out))
            if (copy, k) == (2, 20):
                out.append(b"")  # a blank line: counted as a line, not a record
            out.append(line)
    out.append(lines[5][: len(lines[5]) // 2])  # truncated, no line end
    bad.append(len(out))
    end = b"\r\n" if crlf else b"\n"
    data = end.join(out)
    path = tmp_path / "ranged.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path, bad


#: small files cut into byte ranges, as large ones are
RANGED = IngestTuning(parallel_min_bytes=1, range_min_bytes=32 * 1024)


@pytest.fixture
def ranges(monkeypatch):
    """The byte ranges the ingest cut its files into (a spy on split_lines)."""
    splits = []
    real = kplan.split_lines
    monkeypatch.setattr(kplan, "split_lines", lambda *a: splits.append(real(*a)) or splits[-1])
    return splits


@pytest.mark.parametrize("crlf,bom", [(False, False), (True, True)])
def test_quarantined_lines_of_every_range_have_their_line_in_the_file(realdata, tmp_path, ranges, crlf, bom):
    path, bad = _file(realdata, tmp_path, crlf=crlf, bom=bom)
    single = ki.ingest([str(path)], tmp_path / "one", workers=1)
    result = ki.ingest([str(path)], tmp_path / "two", workers=2, tuning=RANGED)
    assert len(ranges) == 1 and len(ranges[0]) == 8  # really cut into ranges
    # a bad line in the first range, in later ranges and at the very end
    starts = [s for s, _ in ranges[0]]
    data = path.read_bytes()
    line_of_start = [data.count(b"\n", 0, s) + 1 for s in starts]
    in_range = {max(i for i, first in enumerate(line_of_start) if first <= n) for n in bad}
    assert 0 in in_range and len(ranges[0]) - 1 in in_range and len(in_range) >= 4
    for r in (single, result):
        entries = [json.loads(x) for x in (Path(r.archive) / r.quarantine_file).read_text().splitlines()]
        assert sorted(e["line"] for e in entries) == bad
        lines = data.decode("utf-8-sig").split("\r\n" if crlf else "\n")
        for e in entries:
            assert e["file"] == str(path)
            assert lines[e["line"] - 1].startswith(e["raw"][:20])
    assert result.per_file[0].sha256 == hashlib.sha256(data).hexdigest()
    assert result.per_file[0].size == len(data)
    for key in ("records_read", "tweets_written", "duplicates", "notices", "quarantined"):
        assert result.as_dict()[key] == single.as_dict()[key], key
    assert result.quarantined == 5


def test_a_range_counts_all_its_line_ends_even_when_its_reader_stops_early(tmp_path, monkeypatch):
    data = b"".join(b'{"id_str": "%d"}\n' % i for i in range(5000)) + b"\n\n" + b'{"x": 1}'
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    bounds = ks.split_lines(str(path), len(data), 4)
    assert len(bounds) == 4

    def one_line_reader(stream, ctx):  # reads a line, then stops
        stream.readline()
        return iter(())

    monkeypatch.setattr(ks, "get_reader", lambda name: one_line_reader)
    counts = []
    for part, (start, end) in enumerate(bounds):
        task = ks.Task(index=0, path=str(path), target=str(tmp_path / f"{part}.parquet"), fmt="v1",
                       part=part, start=start, end=end)
        counts.append(ks.stage(task).line_ends)
    assert counts == [data.count(b"\n", s, e) for s, e in bounds]
    assert sum(counts) == 5002


def test_file_sha256_is_the_sha256(tmp_path):
    data = bytes(range(256)) * 9000  # several read buffers and a partial last one
    path = tmp_path / "f"
    path.write_bytes(data)
    assert file_sha256(str(path)) == hashlib.sha256(data).hexdigest()


def test_a_ranged_file_with_stdin_in_the_same_ingest(realdata, tmp_path, ranges, monkeypatch):
    """With stdin among the inputs the ranges are parsed inline (no pool): a ranged file's sha256
    and line numbers are still right (this crashed in zip(strict=True) before)."""
    path, bad = _file(realdata, tmp_path)
    stdin_data = (realdata / "v1/tweet_parser__original_format_examples.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin_data)))
    result = ki.ingest([str(path), "-"], tmp_path / "a", workers=2, tuning=RANGED)
    assert len(ranges[0]) == 8
    assert result.per_file[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    entries = [json.loads(x) for x in (tmp_path / "a" / result.quarantine_file).read_text().splitlines()]
    assert sorted(e["line"] for e in entries if e["file"] == str(path)) == bad
    assert result.per_file[1].tweets_written == 25
    assert connect(tmp_path / "a").sql("SELECT count(*) FROM tweets WHERE collected").fetchall() == \
        [(result.tweets_written,)]


def _in_worker() -> tuple[bool, list]:
    import pyarrow as pa

    values = pa.array(["a", None, "b"]).to_pylist()  # the call that makes pyarrow import pandas
    return "pandas" in sys.modules, values


def test_parse_workers_do_not_import_pandas():
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=ks.init_worker, initargs=(os.getpid(),)) as pool:
        assert pool.submit(_in_worker).result() == (False, ["a", None, "b"])
