"""Handles are stored lowercase, so reports match them to the roster without a lower() per row;
archives from before (no ``lowercase_handles`` in the manifest) are still matched case-insensitively.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kwo.archive import Archive
from kwo.engine.duckdb import connect
from kwo.ingest import ingest, ingest_batches
from kwo.metrics import build_report
from kwo.schema import TWEET_SCHEMA
from tests import handmade as hm


def stored_handles(archive) -> list[tuple]:
    con = connect(archive)
    try:
        return con.sql("SELECT tweet_id, author_handle, in_reply_to_handle, mentions FROM tweets "
                       "ORDER BY tweet_id").fetchall()
    finally:
        con.close()


def test_handles_of_arrow_batches_are_stored_lowercase(tmp_path):
    rows = {f.name: [None] * 4 for f in TWEET_SCHEMA}
    rows.update(tweet_id=[1, 2, 3, 4], created_at=[1_456_826_400_000] * 4, collected=[True] * 4,
                author_handle=["KPN", None, "ÄbC", "x"], in_reply_to_handle=[None, "IngNL", None, None],
                mentions=[[{"user_id": "1", "handle": "KPN"}, None, {"user_id": "2", "handle": None}],
                          None, [], [{"user_id": None, "handle": "NS_Online"}]])
    table = pa.table({f.name: pa.array(rows[f.name], f.type) for f in TWEET_SCHEMA})
    # a slice and a table of two chunks: offsets of the mention lists must follow the slice
    ingest_batches([table.slice(1, 3), pa.concat_tables([table.slice(0, 1), table.slice(0, 0)])], tmp_path / "a")
    assert stored_handles(tmp_path / "a") == [
        (1, "kpn", None, [{"user_id": "1", "handle": "kpn"}, None, {"user_id": "2", "handle": None}]),
        (2, None, "ingnl", None),
        (3, "äbc", None, []),
        (4, "x", None, [{"user_id": None, "handle": "ns_online"}]),
    ]
    assert Archive(tmp_path / "a").read_manifest().lowercase_handles


def _make_old(archive) -> None:
    """The archive as an older kwo left it: handles in mixed case, no flag in the manifest."""
    manifest = json.loads((archive / "manifest.json").read_text())
    for part in manifest["parts"]:
        path = archive / part["path"]
        t = pq.read_table(path)
        mentions = t["mentions"].combine_chunks()
        values = pc.list_flatten(mentions)
        upper = pa.StructArray.from_arrays([pc.struct_field(values, "user_id"), pc.utf8_upper(pc.struct_field(values, "handle"))],
                                           fields=list(values.type), mask=values.is_null())
        t = t.set_column(t.schema.get_field_index("mentions"), "mentions",
                         pa.ListArray.from_arrays(mentions.offsets, upper, type=mentions.type, mask=mentions.is_null()))
        t = t.set_column(t.schema.get_field_index("author_handle"), "author_handle", pc.utf8_upper(t["author_handle"]))
        pq.write_table(t, path)
    del manifest["lowercase_handles"]
    (archive / "manifest.json").write_text(json.dumps(manifest))


def test_an_archive_from_before_lowercase_handles_is_matched_the_same(tmp_path):
    new, roster = hm.build_archive(tmp_path / "new", hm.ROWS, hm.ROSTER_CSV)
    old, _ = hm.build_archive(tmp_path / "old", hm.ROWS)
    _make_old(old)
    assert stored_handles(old) != stored_handles(new)  # upper case now
    assert not Archive(old).read_manifest().lowercase_handles
    con = connect(old)
    assert con.execute("SELECT kwo_handle('KpN')").fetchone() == ("kpn",)
    con.close()
    con = connect(new)
    assert con.execute("SELECT kwo_handle('KpN')").fetchone() == ("KpN",)  # an alias: nothing to lower
    con.close()
    want = build_report(new, roster).as_dict()
    got = build_report(old, roster).as_dict()
    want["parameters"].pop("archive", None), got["parameters"].pop("archive", None)
    want["parameters"].pop("archive_fingerprint", None), got["parameters"].pop("archive_fingerprint", None)
    assert got == want
    assert want["totals"]["mention_tweets"] == hm.EXPECTED_TOTALS["mention_tweets"]


def test_an_ingest_into_an_older_archive_keeps_it_marked(tmp_path, tmp_path_factory):
    old, _ = hm.build_archive(tmp_path, hm.ROWS)
    _make_old(old)
    dump = tmp_path_factory.mktemp("d") / "t.jsonl"
    dump.write_text(json.dumps({"id_str": "1", "created_at": "Tue Mar 01 10:00:00 +0000 2016", "text": "@KPN",
                                "user": {"id_str": "9", "screen_name": "Someone"}}) + "\n")
    ingest([str(dump)], old)
    assert json.loads((old / "manifest.json").read_text())["lowercase_handles"] is False
