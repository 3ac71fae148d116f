"""The hardware limit of ingest on a given input: decompress only, parse only, or both, on N cores.

    python benchmarks/limits.py decompress FILE.gz...          # python-isal igzip, output dropped
    python benchmarks/limits.py parse FILE.jsonl [--simdjson]  # msgspec projected Struct per line
    python benchmarks/limits.py decompress+parse FILE.gz...
    python benchmarks/limits.py parse FILE.jsonl --duckdb      # DuckDB read_json, kwo's columns

``--duckdb`` parses with DuckDB's JSON reader (yyjson, its own threads) into the columns kwo
reads, every one of them counted so that none is skipped; with .gz files DuckDB decompresses too.
It is the fastest parser on PyPI for this input, so it is part of the limit.

``--jobs N`` (default 2) forks N processes: plain files are cut into N byte ranges at line ends,
several compressed files are shared out by size (a gzip stream cannot be entered in the middle).
Nothing is written: this is the floor under any reader that must look at every byte.
"""

from __future__ import annotations

import argparse
import os
import sys

import msgspec

CHUNK = 8 << 20


# The projection kwo's v1.1 reader decodes (kwo/formats/v1/tweet.py), repeated here so that the limit
# does not pay for importing kwo (pyarrow, duckdb).
class _Mention(msgspec.Struct, gc=False):
    id_str: str | None = None
    id: int | float | str | None = None
    screen_name: str | None = None


class _Entities(msgspec.Struct, gc=False):
    user_mentions: list[_Mention] | None = None


class _Extended(msgspec.Struct, gc=False):
    full_text: str | None = None
    entities: _Entities | None = None


class _User(msgspec.Struct, gc=False):
    id_str: str | None = None
    id: int | float | str | None = None
    screen_name: str | None = None


class _Tweet(msgspec.Struct, gc=False):
    id_str: str | None = None
    id: int | float | str | None = None
    created_at: str | None = None
    user: _User | None = None
    text: str | None = None
    full_text: str | None = None
    extended_tweet: _Extended | None = None
    entities: _Entities | None = None
    in_reply_to_status_id_str: str | None = None
    in_reply_to_status_id: int | float | str | None = None
    in_reply_to_user_id_str: str | None = None
    in_reply_to_user_id: int | float | str | None = None
    in_reply_to_screen_name: str | None = None
    retweeted_status: _Tweet | None = None
    quoted_status: _Tweet | None = None
    quoted_status_id_str: str | None = None
    lang: str | None = None
    source: str | None = None


def _chunks(path: str, start: int, end: int | None, decompress: bool):
    if decompress:
        from isal import igzip

        with igzip.open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
        return
    with open(path, "rb") as f:
        f.seek(start)
        left = (end - start) if end is not None else None
        while left is None or left > 0:
            chunk = f.read(CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                break
            if left is not None:
                left -= len(chunk)
            yield chunk


def _parser(use_simdjson: bool):
    if use_simdjson:
        import simdjson

        parser = simdjson.Parser()

        def parse(line: bytes) -> None:
            doc = parser.parse(line)
            # touch the fields kwo keeps, as a projected decode would
            for key in ("id_str", "created_at", "text", "in_reply_to_status_id_str", "lang"):
                doc.get(key)
            user = doc.get("user")
            if user is not None:
                user.get("id_str")
            del doc, user

        return parse
    return msgspec.json.Decoder(_Tweet).decode


def work(mode: str, pieces: list[tuple[str, int, int | None]], use_simdjson: bool) -> int:
    decompress = "decompress" in mode
    parse = _parser(use_simdjson) if "parse" in mode else None
    lines = 0
    for path, start, end in pieces:
        rest = b""
        for chunk in _chunks(path, start, end, decompress):
            if parse is None:
                continue
            buf = rest + chunk
            cut = buf.rfind(b"\n") + 1
            for line in buf[:cut].splitlines():
                if line:
                    parse(line)
                    lines += 1
            rest = buf[cut:]
        if parse is not None and rest.strip():
            parse(rest)
            lines += 1
    return lines


def plan(files: list[str], jobs: int, compressed: bool) -> list[list[tuple[str, int, int | None]]]:
    shares: list[list[tuple[str, int, int | None]]] = [[] for _ in range(jobs)]
    if compressed or len(files) >= jobs:
        sizes = [0] * jobs
        for f in sorted(files, key=os.path.getsize, reverse=True):
            k = sizes.index(min(sizes))
            shares[k].append((f, 0, None))
            sizes[k] += os.path.getsize(f)
        return shares
    for f in files:  # fewer plain files than jobs: byte ranges at line ends
        size = os.path.getsize(f)
        bounds = [0]
        with open(f, "rb") as fh:
            for k in range(1, jobs):
                fh.seek(max(bounds[-1], size * k // jobs))
                fh.readline()
                bounds.append(min(fh.tell(), size))
        bounds.append(size)
        for k in range(jobs):
            shares[k].append((f, bounds[k], bounds[k + 1]))
    return shares


def duckdb_parse(files: list[str], threads: int) -> int:
    """Every column kwo reads, parsed and counted by DuckDB (nothing is written); returns the
    number of records."""
    import duckdb

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from peer_ingest import _full_columns

    con = duckdb.connect(config={"threads": threads})
    rel = con.read_json(files, format="newline_delimited", columns=_full_columns())
    counts = rel.aggregate("count(*), " + ", ".join(f'count("{c}")' for c in rel.columns)).fetchall()
    return counts[0][0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["decompress", "parse", "decompress+parse"])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--simdjson", action="store_true", help="parse with pysimdjson instead of msgspec")
    ap.add_argument("--duckdb", action="store_true", help="parse with DuckDB's read_json (threads = --jobs)")
    a = ap.parse_args(argv)
    if a.duckdb:
        duckdb_parse(a.files, a.jobs)
        return 0
    shares = [s for s in plan(a.files, a.jobs, "decompress" in a.mode) if s]
    pids = []
    for share in shares[1:]:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                work(a.mode, share, a.simdjson)
                code = 0
            finally:
                os._exit(code)
        pids.append(pid)
    work(a.mode, shares[0], a.simdjson)
    status = 0
    for pid in pids:
        _, st = os.waitpid(pid, 0)
        status |= os.waitstatus_to_exitcode(st)
    return status


if __name__ == "__main__":
    sys.exit(main())
