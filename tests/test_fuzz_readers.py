"""The readers' fuzz targets (tests/fuzz_targets.py), run for a bounded number of examples in the
suite; under CI=true derandomized (tests/conftest.py). The long run is benchmarks/fuzz_readers.py."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwo.engine.duckdb import connect
from kwo.errors import InputError

from . import fuzz_targets as ft


class HypothesisDraw:
    """A fuzz target's source of choices, drawn by hypothesis (which shrinks a failure to its
    smallest input)."""

    def __init__(self, data):
        self._data = data

    def int(self, lo: int, hi: int) -> int:
        return self._data.draw(st.integers(lo, hi))

    def bytes(self, max_size: int) -> bytes:
        return self._data.draw(st.binary(max_size=max_size))

    def text(self, max_size: int) -> str:
        return self._data.draw(st.text(max_size=max_size))


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large,
                                                                        HealthCheck.large_base_example])


@pytest.mark.parametrize("name", list(ft.INPUTS))
@FUZZ
@given(data=st.data())
def test_reader_accounts_for_every_record(name, data):
    _, build, _ = ft.INPUTS[name]
    content, records = build(HypothesisDraw(data))
    ft.check(name, content, records)


@pytest.mark.parametrize("fmt", ["v1", "v2", "twcs", "archive"])
@FUZZ
@given(prefix=st.sampled_from([b"", b"window.YTD.tweets.part0 = [", b"tweet_id,author_id,inbound,created_at,text,"
                               b"response_tweet_id,in_response_to_tweet_id\n", b'{"id_str": "1", ', b"[\n"]),
       body=st.binary(max_size=300))
def test_reader_takes_arbitrary_bytes(fmt, prefix, body):
    ft.check_bytes(fmt, prefix + body)


@pytest.mark.parametrize("name,suffix", [("v1", ".jsonl.gz"), ("v2", ".jsonl"), ("twcs", ".csv.gz"),
                                         ("archive", "-tweets.js")])
@settings(max_examples=8, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
    HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_ingest_accounts_for_every_record(tmp_path_factory, name, suffix, data):
    """The same inputs through the whole ingest (opening, decompressing, staging, merge): the
    accounting kwo prints equals the records written, and the archive holds what it says."""
    import gzip

    from kwo.ingest import ingest

    content, records = ft.INPUTS[name][1](HypothesisDraw(data))
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / f"input{suffix}"
    path.write_bytes(gzip.compress(content) if suffix.endswith(".gz") else content)
    try:
        result = ingest([str(path)], tmp / "a", fmt=ft.INPUTS[name][0], account="ann", workers=1)
    except InputError as exc:  # every record quarantined by a format the content does not look like
        assert "could not read any of its" in str(exc) and "Nothing was ingested" in str(exc)
        assert not (tmp / "a").exists()
        return
    assert result.records_read == records
    assert result.records_read == result.tweets_written + result.duplicates + result.notices + result.quarantined
    con = connect(tmp / "a")
    try:
        (n,) = con.execute("SELECT count(DISTINCT tweet_id) FROM tweets WHERE collected").fetchone()
    finally:
        con.close()
    assert n == result.tweets_written
