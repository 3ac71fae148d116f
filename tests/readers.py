"""Helpers shared by the reader tests: read like the ingest does, and count what came out."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from kwo.formats import ReadContext
from kwo.formats.detect import detect
from kwo.io import open_input
from kwo.schema import TWEET_SCHEMA


def read_path(read, path: Path | str, *, expect_format: str | None = None, **ctx_args) -> tuple[pa.Table, ReadContext]:
    """Open ``path`` as the ingest does (decompressed stream), optionally check detection, read it all."""
    ctx_args.setdefault("fs_path", str(path))
    ctx = ReadContext(path=str(path), **ctx_args)
    with open_input(str(path)) as opened:
        if expect_format is not None:
            assert detect(opened.head) == expect_format
        batches = list(read(opened.stream, ctx))
    return pa.Table.from_batches(batches, schema=TWEET_SCHEMA), ctx


def read_stream(read, stream, path: str = "test", **ctx_args) -> tuple[pa.Table, ReadContext]:
    """Read a stream (or bytes) without detection: inputs not meant to look like anything."""
    if isinstance(stream, bytes | bytearray):
        stream = io.BufferedReader(io.BytesIO(stream))
    ctx = ReadContext(path=path, **ctx_args)
    return pa.Table.from_batches(list(read(stream, ctx)), schema=TWEET_SCHEMA), ctx


def counts(table: pa.Table, ctx: ReadContext) -> dict[str, int]:
    """The figures the EXPECTED tables of the reader tests hold (and the ingest test checks)."""
    collected = table.filter(table["collected"])
    context = table.filter(pc.invert(table["collected"]))
    ids = set(collected["tweet_id"].to_pylist())
    return dict(
        tweets=collected.num_rows,
        distinct_tweets=len(ids),
        context=context.num_rows,
        distinct_context_new=len(set(context["tweet_id"].to_pylist()) - ids),
        notices=ctx.notices,
        quarantined=len(ctx.quarantined),
        records=collected.num_rows + ctx.notices + len(ctx.quarantined),
    )


def rows_by_id(table: pa.Table, collected: bool = True) -> dict[int, dict]:
    return {r["tweet_id"]: r for r in table.filter(pc.equal(table["collected"], collected)).to_pylist()}
