"""Fuzz targets for the readers, shared by the bounded run in the test suite
(tests/test_fuzz_readers.py, hypothesis) and the long run (benchmarks/fuzz_readers.py, atheris
when it is installed, else hypothesis).

Each target builds an input from a source of choices (:class:`Draw`): structure-aware, the way a
coverage-guided fuzzer's corpus grows from real records. It starts from well-formed records (a
v1.1 tweet with a reply, retweet, quote or extended text; a twarc2 page; a twcs row; an
account-archive element) and mixes in notices, search responses, values of the wrong type,
byte-level mutations (flips, deletions, insertions, truncations), arbitrary JSON, deep nesting,
control characters and raw bytes. It knows how many records it wrote, so the properties are exact:

- the reader raises nothing but a KwoError (here: nothing at all, as nothing is --strict);
- every record is accounted for: collected rows + notices + quarantined = records written;
- every quarantine entry names a line of the input (or none, for tweets.js) and a reason.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Protocol

import pyarrow as pa

from kwo.errors import KwoError
from kwo.formats import ReadContext, get_reader


class Draw(Protocol):
    def int(self, lo: int, hi: int) -> int: ...

    def bytes(self, max_size: int) -> bytes: ...

    def text(self, max_size: int) -> str: ...


# ---------------------------------------------------------------------------------------------
# Pieces

_WORDS = ["@kpn", "@KPN", "@ing_nl", "hoi", "RT @kpn:", "&amp;", "&lt;3", "https://t.co/x", "#webcare", "\u202e",
          "\x1b[31m", "\x00", "\r", "\t", "é", "漢字", "👩‍💻", "\ufeff", "[/bold]", "'", '"', "\\", "=1+1"]


def _text(d: Draw) -> str:
    return " ".join(_WORDS[d.int(0, len(_WORDS) - 1)] if d.int(0, 2) else d.text(12) for _ in range(d.int(0, 6)))


def _id(d: Draw) -> str:
    return str(d.int(1, 2**63 - 1) if d.int(0, 9) else d.int(1, 10**6))


def _created(d: Draw) -> str:
    day = d.int(1, 28)
    return f"Tue Mar {day:02d} {d.int(0, 23):02d}:{d.int(0, 59):02d}:00 +0000 201{d.int(0, 9)}"


def _json_value(d: Draw, depth: int = 0):
    kind = d.int(0, 8 if depth < 4 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return bool(d.int(0, 1))
    if kind == 2:
        return d.int(-(2**70), 2**70)
    if kind == 3:
        return d.int(-10**6, 10**6) / 7
    if kind == 4:
        return _text(d)
    if kind in (5, 6):
        return [_json_value(d, depth + 1) for _ in range(d.int(0, 3))]
    # keys kwo gives a meaning to (but none that makes a record a response or a page)
    keys = ["id", "id_str", "text", "user", "created_at", "entities", "delete", "limit", "author_id", "x", "é"]
    return {keys[d.int(0, len(keys) - 1)]: _json_value(d, depth + 1) for _ in range(d.int(0, 3))}


def _deep(d: Draw) -> bytes:
    n = d.int(1, 3000)
    return (b"[" * n + b"]" * n) if d.int(0, 1) else (b'{"a":' * n + b"1" + b"}" * n)


def _mutate(d: Draw, data: bytes, forbid: bytes = b"\n") -> bytes:
    """A few byte-level mutations; the bytes in ``forbid`` never appear in what is added."""
    data = bytearray(data)
    for _ in range(d.int(1, 4)):
        if not data:
            break
        at = d.int(0, len(data) - 1)
        op = d.int(0, 3)
        if op == 0:
            data[at] ^= 1 << d.int(0, 7)
        elif op == 1:
            del data[at : at + d.int(1, 8)]
        elif op == 2:
            data[at:at] = d.bytes(8)
        else:
            del data[at:]
    out = bytes(data)
    for b in forbid:
        out = out.replace(bytes([b]), b" ")
    return out


def _blank(d: Draw) -> bytes:
    return [b"", b" ", b"\t", b"\r", b"  \r"][d.int(0, 4)]


def _eol(d: Draw) -> bytes:
    return b"\r\n" if d.int(0, 3) == 0 else b"\n"


# ---------------------------------------------------------------------------------------------
# v1.1


def v1_tweet(d: Draw, *, embed: bool = True) -> dict:
    t = {"id_str": _id(d), "created_at": _created(d), "text": _text(d),
         "user": {"id_str": _id(d), "screen_name": ["ann", "kpn", "Bob_1", "é"][d.int(0, 3)]},
         "entities": {"user_mentions": [{"id_str": _id(d), "screen_name": "kpn"} for _ in range(d.int(0, 2))]}}
    if d.int(0, 2) == 0:
        t["in_reply_to_status_id_str"] = _id(d)
        t["in_reply_to_screen_name"] = "kpn"
    if d.int(0, 4) == 0:
        t["extended_tweet"] = {"full_text": _text(d), "entities": t["entities"]}
    if embed and d.int(0, 5) == 0:
        # at most two levels (a retweet of a quote), as Twitter writes them
        t["retweeted_status" if d.int(0, 1) else "quoted_status"] = v1_tweet(d, embed=False)
    return t


def v1_input(d: Draw) -> tuple[bytes, int]:
    """JSON lines: the first a tweet (so the file is read one record a line), then any mix."""
    lines, records = [json.dumps(v1_tweet(d)).encode()], 1
    for _ in range(d.int(0, 12)):
        kind = d.int(0, 9)
        if kind <= 2:
            line = json.dumps(v1_tweet(d), ensure_ascii=bool(d.int(0, 1))).encode()
        elif kind == 3:
            line = json.dumps([{"delete": {"status": {"id_str": _id(d)}}}, {"limit": {"track": d.int(0, 99)}},
                               {"scrub_geo": {}}][d.int(0, 2)]).encode()
        elif kind == 4:  # a search response: each status is a record; an empty one is one (a notice)
            statuses = [v1_tweet(d) for _ in range(d.int(0, 2))]
            line = json.dumps({["statuses", "results"][d.int(0, 1)]: statuses}).encode()
            lines.append(line)
            records += max(1, len(statuses))
            continue
        elif kind == 5:
            line = _mutate(d, json.dumps(v1_tweet(d)).encode())
        elif kind == 6:
            line = json.dumps(_json_value(d)).encode()
        elif kind == 7:
            line = _deep(d)
        elif kind == 8:
            line = _mutate(d, d.bytes(40))
        else:
            lines.append(_blank(d))  # not a record
            continue
        if line.strip():
            lines.append(line)
            records += 1
    return b"".join(line + _eol(d) for line in lines), records


# ---------------------------------------------------------------------------------------------
# v2 (twarc2)


def v2_tweet(d: Draw) -> dict:
    tid = _id(d)
    t = {"id": tid, "text": _text(d), "author_id": _id(d), "created_at": f"2016-03-{d.int(1, 28):02d}T10:00:00.000Z",
         "edit_history_tweet_ids": [tid]}
    if d.int(0, 2) == 0:
        t["referenced_tweets"] = [{"type": ["replied_to", "quoted", "retweeted"][d.int(0, 2)], "id": _id(d)}]
    if d.int(0, 2) == 0:
        t["entities"] = {"mentions": [{"username": "kpn", "id": _id(d)}]}
    return t


def v2_input(d: Draw) -> tuple[bytes, int]:
    lines, records = [], 0
    for _ in range(d.int(1, 10)):
        kind = d.int(0, 7)
        if kind <= 2:  # a page: each tweet of data is a record; includes are context
            data = [v2_tweet(d) for _ in range(d.int(1, 3))]
            page = {"data": data, "includes": {"users": [{"id": _id(d), "username": "ann"}],
                                               "tweets": [v2_tweet(d) for _ in range(d.int(0, 1))]},
                    "__twarc": {"version": "2"}}
            lines.append(json.dumps(page).encode())
            records += len(data)
            continue
        if kind == 3:
            line = json.dumps(v2_tweet(d)).encode()  # a flattened line
        elif kind == 4:  # a one-tweet page, broken
            line = _mutate(d, json.dumps({"data": [v2_tweet(d)]}).encode())
        elif kind == 5:
            line = json.dumps(_json_value(d)).encode()
        elif kind == 6:
            line = _deep(d)
        else:
            line = _mutate(d, d.bytes(40))
        if line.strip():
            lines.append(line)
            records += 1
    return b"".join(line + _eol(d) for line in lines), records


# ---------------------------------------------------------------------------------------------
# twcs


TWCS_HEADER = ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
               "in_response_to_tweet_id"]


def twcs_input(d: Draw) -> tuple[bytes, int]:
    buf = io.StringIO(newline="")
    eol = "\r\n" if d.int(0, 3) == 0 else "\n"
    w = csv.writer(buf, lineterminator=eol)
    w.writerow(TWCS_HEADER)
    records = 0
    raw: list[str] = []
    for _ in range(d.int(0, 12)):
        kind = d.int(0, 4)
        if kind <= 1:
            row = [_id(d), ["sprintcare", _id(d)][d.int(0, 1)], ["True", "False", "true", "x"][d.int(0, 3)],
                   _created(d), _text(d), "", [_id(d), "", "3.0"][d.int(0, 2)]]
        elif kind == 2:  # wrong width, odd values
            row = [_text(d) for _ in range(d.int(1, 9))]
        elif kind == 3:  # a line with no quotes or line ends in it
            line = d.text(30).replace('"', "'").replace("\n", " ").replace("\r", " ")
            body = line.removeprefix("\ufeff")  # a byte-order mark starting a record is not data
            if body.strip() and body.strip(",") != "":
                raw.append(line)
                records += 1
            continue
        else:
            w.writerow([])  # a blank line: no record
            continue
        if raw:
            buf.write("".join(line + eol for line in raw))
            raw = []
        start = buf.tell()
        w.writerow(row)
        # csv.writer (3.11) leaves a lone CR unquoted: a row of just that is a blank CRLF line
        # (and a byte-order mark at the start of a record is not data: docs/robustness.md)
        records += buf.getvalue()[start:].removeprefix("\ufeff") not in (eol, "\r" + eol)
    buf.write("".join(line + eol for line in raw))
    return buf.getvalue().encode("utf-8"), records


# ---------------------------------------------------------------------------------------------
# Account archive (tweets.js)


def archive_tweet(d: Draw) -> dict:
    t = {"id_str": _id(d), "created_at": _created(d), "full_text": _text(d),
         "entities": {"user_mentions": [{"id_str": _id(d), "screen_name": "kpn"} for _ in range(d.int(0, 2))]}}
    if d.int(0, 2) == 0:
        t["in_reply_to_status_id_str"] = _id(d)
    return {"tweet": t}


def archive_input(d: Draw) -> tuple[bytes, int]:
    """A tweets.js whose elements are all JSON (values of any kind, deep ones too): one record each."""
    parts = []
    for _ in range(d.int(0, 10)):
        kind = d.int(0, 5)
        if kind <= 2:
            parts.append(json.dumps(archive_tweet(d)).encode())
        elif kind == 3:
            t = archive_tweet(d)
            key = ["id_str", "created_at", "full_text", "entities"][d.int(0, 3)]
            t["tweet"][key] = _json_value(d)
            parts.append(json.dumps(t).encode())
        elif kind == 4:
            parts.append(json.dumps(_json_value(d)).encode())
        else:
            parts.append(_deep(d))
    blanks = [b" ", b"\n", b"\n\n  ", b""]
    sep = b"," + blanks[d.int(0, 3)]
    return b"window.YTD.tweets.part0 = [" + blanks[d.int(0, 3)] + sep.join(parts) + b"]", len(parts)


def archive_mutated_input(d: Draw) -> tuple[bytes, int]:
    """A tweets.js with byte-level damage anywhere after the ``=`` (the count is not kept)."""
    data, n = archive_input(d)
    head, eq, rest = data.partition(b"=")
    return head + eq + _mutate(d, rest, forbid=b""), n


# ---------------------------------------------------------------------------------------------
# The check


INPUTS: dict[str, tuple[str, Callable[[Draw], tuple[bytes, int]], bool]] = {
    # name: (format, builder, exact count)
    "v1": ("v1", v1_input, True),
    "v2": ("v2", v2_input, True),
    "twcs": ("twcs", twcs_input, True),
    "archive": ("archive", archive_input, True),
    "archive-mutated": ("archive", archive_mutated_input, False),
}


def read_all(fmt: str, data: bytes) -> tuple[pa.Table | None, ReadContext]:
    ctx = ReadContext(path="fuzz", account="ann", batch_rows=7)  # small batches: many flushes
    stream = io.BufferedReader(io.BytesIO(data), 1 << 16)
    batches = list(get_reader(fmt)(stream, ctx))
    return (pa.Table.from_batches(batches) if batches else None), ctx


def check(name: str, data: bytes, records: int) -> None:
    """Raise AssertionError when a property fails (see the module doc)."""
    fmt, _, exact = INPUTS[name]
    try:
        table, ctx = read_all(fmt, data)
    except KwoError as exc:
        raise AssertionError(f"{fmt} reader raised {type(exc).__name__}: {exc}") from None
    collected = 0 if table is None else sum(table["collected"].to_pylist())
    accounted = collected + ctx.notices + len(ctx.quarantined)
    if exact:
        assert accounted == records, f"{records} records written, {accounted} accounted for " \
                                     f"({collected} rows, {ctx.notices} notices, {len(ctx.quarantined)} quarantined)"
    else:  # damage can cost elements or make new ones ("[0" is one); it breaks the JSON once at most
        breaks = [q for q in ctx.quarantined if q.reason.endswith("is not read") or "JSON array" in q.reason]
        assert len(breaks) <= 1 and (not breaks or breaks[0] is ctx.quarantined[-1]), ctx.quarantined
    lines = data.count(b"\n") + 1
    for q in ctx.quarantined:
        assert q.reason and isinstance(q.raw, str), q
        assert q.line is None if fmt == "archive" else 1 <= q.line <= lines, q
    if table is not None:
        assert table.num_rows == 0 or min(table["tweet_id"].to_pylist()) >= 0


def check_bytes(fmt: str, data: bytes) -> None:
    """Arbitrary bytes: the only failure allowed is a KwoError (an unknown format, say)."""
    try:
        read_all(fmt, data)
    except KwoError:
        pass


__all__ = ["INPUTS", "Draw", "check", "check_bytes", "read_all"]
