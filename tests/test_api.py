"""The public API (``kwo.__all__``) works as documented, even after every module of kwo has been
imported: no public name may be one that a module import replaces (``import kwo.render`` used to
turn the function ``kwo.report`` into the package of that name)."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import io
import json
import pkgutil
import types
from pathlib import Path

import pyarrow as pa
import pytest

import kwo

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _import_everything() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(kwo.__path__, "kwo."):
        if info.name == "kwo.__main__":
            continue  # runs the command line
        importlib.import_module(info.name)
        names.append(info.name)
    return names


def test_no_public_name_is_a_module_after_importing_every_module():
    modules = _import_everything()
    assert {"kwo.render", "kwo.ingest", "kwo.metrics", "kwo.archive", "kwo.sample"} <= set(modules)
    for name in kwo.__all__:
        assert not isinstance(getattr(kwo, name), types.ModuleType), name


def test_every_public_name_works(tmp_path):
    _import_everything()
    called = set()

    result = kwo.ingest_files(sorted(str(p) for p in SAMPLE.glob("tweets-2016-0[1-3].jsonl.gz")),
                              tmp_path / "archive", workers=1)
    called.add("ingest_files")
    assert result.tweets_written > 0 and result.quarantined == 0

    report = kwo.build_report(tmp_path / "archive", SAMPLE / "brands.csv", tz="Europe/Amsterdam")
    called.add("build_report")
    out = io.StringIO()
    assert kwo.render_report(report, "json", out=out) is None
    called.add("render_report")
    figures = json.loads(out.getvalue())
    assert figures["totals"]["mention_tweets"] == report.totals.mention_tweets > 0

    con = kwo.connect(tmp_path / "archive")
    called.add("connect")
    assert con.execute("SELECT count(*) FROM tweets WHERE collected").fetchone()[0] == result.tweets_written
    archive = kwo.Archive(tmp_path / "archive")
    called.add("Archive")
    assert len(archive.read_manifest().files) == 3

    assert isinstance(kwo.TWEET_SCHEMA, pa.Schema) and "tweet_id" in kwo.TWEET_SCHEMA.names
    called.add("TWEET_SCHEMA")
    assert kwo.__version__ == importlib.metadata.version("kwo")
    called.add("__version__")

    errors = [n for n in kwo.__all__ if inspect.isclass(getattr(kwo, n)) and issubclass(getattr(kwo, n), Exception)]
    for name in errors:
        cls = getattr(kwo, name)
        assert issubclass(cls, kwo.KwoError)
        called.add(name)
    with pytest.raises(kwo.ArchiveError):
        kwo.build_report(tmp_path / "no-such-archive")

    assert called == set(kwo.__all__)
