"""Rows a caller hands to ingest_batches, made into the archive's batches."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..schema import TWEET_SCHEMA
from .staging import as_tweet_batch


def as_batches(x: pa.RecordBatch | pa.Table) -> list[pa.RecordBatch]:
    return x.to_batches() if isinstance(x, pa.Table) else [x]


def lowercase_handles(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A batch given to ingest_batches, in TWEET_SCHEMA, with its handles lowercase as the
    readers' RowBuilder writes them: every part stores handles lowercase (kwo_handle relies on it)."""
    batch = as_tweet_batch(batch)
    names = TWEET_SCHEMA.names
    cols = list(batch.columns)
    for name in ("author_handle", "in_reply_to_handle"):
        cols[names.index(name)] = pc.utf8_lower(cols[names.index(name)])
    i = names.index("mentions")
    lists = cols[i]
    values = pc.list_flatten(lists)  # the mentions of this batch's rows, a null mention kept as null
    values = pa.StructArray.from_arrays(
        [pc.struct_field(values, "user_id"), pc.utf8_lower(pc.struct_field(values, "handle"))],
        fields=list(TWEET_SCHEMA.field("mentions").type.value_type), mask=values.is_null())
    offsets = pc.subtract(lists.offsets, lists.offsets[0])  # a slice's offsets start where it starts
    cols[i] = pa.ListArray.from_arrays(offsets, values, type=lists.type, mask=lists.is_null())
    return pa.RecordBatch.from_arrays(cols, schema=TWEET_SCHEMA)

