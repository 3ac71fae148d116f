"""Crash safety and concurrent use of an archive (docs/robustness.md, "Archive").

Crash safety: an ingest is SIGKILLed at several points while it writes. Afterwards the archive
opens, the report and queries run, every part the manifest names is a complete Parquet file with
the rows the manifest says, and running the ingest again gives exactly what an uninterrupted run
into a fresh archive gives.

Concurrency: two ingests at once (the second waits for the lock, or gives up with a clear
message), and readers (reports, kwo sql) while an ingest commits: they see the archive before or
after the ingest, never a mix and never a missing file.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from kwo.archive import MANIFEST, Archive
from kwo.cli import cli
from kwo.errors import ArchiveError
from kwo.ingest import LOCK_FILE, ingest
from kwo.metrics import build_report
from kwo.schema import COLUMNS
from kwo.sqlshell import run_readonly_sql

BASE_ID = 1_100_000_000_000_000_000
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
ROSTER = "handle,name,sector,user_id\nkpn,KPN,telecom,1\n"


def tweet(i: int, retweet_of: int | None = None) -> dict:
    """Tweet i of a synthetic v1.1 dump: six months of mentions of @kpn, every fifth one kpn's reply."""
    t = {
        "id_str": str(BASE_ID + i),
        "created_at": f"Tue {MONTHS[i % 6]} 0{1 + i % 9} {10 + i % 12}:{i % 60:02d}:00 +0000 2016",
        "text": f"@kpn tweet {i} " + "lorem ipsum " * 10,
        "user": {"id_str": str(1000 + i % 500), "screen_name": f"user{i % 500}"},
        "entities": {"user_mentions": [{"id_str": "1", "screen_name": "kpn"}]},
        "lang": "nl",
    }
    if i % 5 == 0:
        t["in_reply_to_status_id_str"] = str(BASE_ID + i - 1)
        t["user"] = {"id_str": "1", "screen_name": "kpn"}
    if retweet_of is not None:
        t["retweeted_status"] = tweet(retweet_of)
    return t


def write_dump(path: Path, ids, retweets: bool = False) -> Path:
    with open(path, "w") as f:
        for i in ids:
            f.write(json.dumps(tweet(i, 20_000 + i if retweets and i % 10 == 0 else None)) + "\n")
    return path


@pytest.fixture(scope="module")
def dumps(tmp_path_factory) -> dict[str, Path]:
    """A: 10,000 tweets whose retweets bring 1,000 tweets of B in as context rows; B: 30,000
    tweets (11 MB), so ingesting B rewrites parts of A's months besides writing new ones."""
    d = tmp_path_factory.mktemp("dumps")
    return {
        "A": write_dump(d / "A.jsonl", range(0, 10_000), retweets=True),
        "B": write_dump(d / "B.jsonl", range(10_000, 40_000)),
        "C": write_dump(d / "C.jsonl", range(50_000, 52_000)),
        "roster": _write(d / "brands.csv", ROSTER),
    }


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def rows(archive: Path, *, source_file: bool = True) -> list[tuple]:
    con = Archive(archive).connect()
    excluded = "created_at" if source_file else "created_at, source_file"
    try:
        return con.sql(f"SELECT * EXCLUDE ({excluded}), epoch_ms(created_at) FROM tweets ORDER BY tweet_id").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def fresh(dumps, tmp_path_factory) -> dict:
    """Uninterrupted runs into fresh archives: A alone, then A and B."""
    root = tmp_path_factory.mktemp("fresh")
    ingest([str(dumps["A"])], root / "a")
    before = rows(root / "a")
    ingest([str(dumps["B"])], root / "a")
    return {"before": before, "after": rows(root / "a")}


def archive_with_a(dumps, tmp_path) -> Path:
    archive = tmp_path / "archive"
    ingest([str(dumps["A"])], archive)
    return archive


def check_consistent(archive: Path, fresh: dict) -> str:
    """The archive is one of the two states a finished run can leave; returns which one."""
    manifest = Archive(archive).read_manifest()
    for part in manifest.parts:
        path = archive / part["path"]
        assert path.is_file(), part
        assert not path.name.endswith(".tmp")
        assert pq.ParquetFile(path).metadata.num_rows == part["rows"], part  # complete, readable
    got = rows(archive)
    assert len(got) == sum(p["rows"] for p in manifest.parts)
    assert got in (fresh["before"], fresh["after"])
    return "before" if got == fresh["before"] else "after"


def check_usable(archive: Path, roster: Path) -> None:
    """The report and queries run on the archive as it is."""
    result = CliRunner().invoke(cli, ["report", "-a", str(archive), "-b", str(roster), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["mention_tweets"] > 0
    columns, got = run_readonly_sql(archive, "SELECT count(*), count(DISTINCT tweet_id) FROM tweets")
    assert got[0][0] == got[0][1]


def check_rerun(archive: Path, dumps: dict, fresh: dict) -> None:
    """Running the ingest again completes it: the result of an uninterrupted run, no leftovers."""
    ingest([str(dumps["B"])], archive)
    assert rows(archive) == fresh["after"]
    live = {p["path"] for p in Archive(archive).read_manifest().parts}
    ingest([str(dumps["C"])], archive)  # the next run removes what the last one replaced
    live |= {p["path"] for p in Archive(archive).read_manifest().parts}
    on_disk = {f.relative_to(archive).as_posix() for f in (archive / "tweets").rglob("*") if f.is_file()}
    assert on_disk <= live
    assert not list((archive / ".staging").iterdir())
    assert not list(archive.glob(f".{MANIFEST}.tmp-*"))


# ---------------------------------------------------------------------------------------------
# Crash safety: SIGKILL at exact points (the process kills itself there) ...

_KILL_AT = r"""
import os, signal, sys
import kwo.archive as ka
import kwo.ingest as ki
import kwo.staging as ks

point, path, archive = sys.argv[1:4]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if point == "staging":  # after the first staged batch is on disk
    write_staged = ks.write_staged
    def first_batch_then_die(task, batches):
        def gen():
            for n, batch in enumerate(batches):
                if n == 1:
                    die()
                yield batch
        return write_staged(task, gen())
    ks.write_staged = first_batch_then_die
elif point == "workers":  # while worker processes parse byte ranges and this one hashes the file
    ki.PARALLEL_MIN_BYTES = ki.RANGE_MIN_BYTES = 1 << 20
    ki.file_sha256 = lambda *a, **k: die()
elif point == "merge":  # everything staged, nothing merged
    ki._Writer._merge = lambda self, threads: die()
elif point in ("part", "manifest-tmp"):
    replace = os.replace
    def replace_then_die(src, dst):
        src, dst = str(src), str(dst)
        if point == "manifest-tmp" and ".manifest.json.tmp" in src:
            die()  # the new manifest written and fsynced, not renamed
        replace(src, dst)
        if point == "part" and dst.endswith(".parquet"):
            die()  # a new part renamed into tweets/, not in any manifest
    os.replace = replace_then_die
elif point == "published":  # the new manifest in place, the run not finished
    write_manifest = ka.Archive.write_manifest
    def write_then_die(self, manifest):
        write_manifest(self, manifest)
        die()
    ka.Archive.write_manifest = write_then_die

ki.ingest([path], archive, workers=2 if point == "workers" else 1, batch_rows=5000)
sys.exit(3)  # not killed: the point was never reached
"""


@pytest.mark.parametrize("point", ["staging", "workers", "merge", "part", "manifest-tmp", "published"])
def test_sigkill_at_a_point_of_the_ingest(dumps, fresh, tmp_path, point):
    archive = archive_with_a(dumps, tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", _KILL_AT, point, str(dumps["B"]), str(archive)],
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=60)
        if point == "workers":
            # Orphaned parse workers used to wait forever for tasks; now they end with their parent.
            deadline = time.monotonic() + 15
            while _live_in_group(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not _live_in_group(proc.pid)
    finally:
        _kill_group(proc.pid)  # whatever is left of its process group
    assert proc.returncode == -signal.SIGKILL, err.decode()
    state = check_consistent(archive, fresh)
    assert state == ("after" if point == "published" else "before")
    check_usable(archive, dumps["roster"])
    check_rerun(archive, dumps, fresh)


# ... and from outside, while it writes


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _live_in_group(pgid: int) -> list[int]:
    """Processes of a process group that are still running (not zombies), from /proc."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            live.append(int(stat.parent.name))
    return live


def _staging_file(archive: Path) -> bool:
    return any((archive / ".staging").glob("*/*.parquet"))


def _part_tmp(archive: Path) -> bool:
    return any((archive / "tweets").glob("month=*/*.parquet.tmp"))


@pytest.mark.parametrize("until", [_staging_file, _part_tmp], ids=["staging-file", "part-tmp"])
def test_sigkill_from_outside_while_writing(dumps, fresh, tmp_path, until):
    archive = archive_with_a(dumps, tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "kwo", "ingest", str(dumps["B"]), "-a", str(archive), "-q", "-j", "1"],
                            start_new_session=True)
    try:
        while proc.poll() is None and not until(archive):
            time.sleep(0.0005)
        _kill_group(proc.pid)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    assert check_consistent(archive, fresh) == "before"
    check_usable(archive, dumps["roster"])
    check_rerun(archive, dumps, fresh)


def test_a_full_disk_is_a_clear_error_and_changes_nothing(dumps, fresh, tmp_path):
    # A file size limit stands in for a full disk or a quota: writing the staging file fails with
    # EFBIG. That was a pyarrow traceback; now it is one line naming the archive.
    archive = archive_with_a(dumps, tmp_path)
    manifest = (archive / MANIFEST).read_bytes()

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    proc = subprocess.run([sys.executable, "-m", "kwo", "ingest", str(dumps["B"]), "-a", str(archive)],
                          preexec_fn=small_files, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"Error: {archive}: cannot write the archive: ")
    assert "File too large" in proc.stderr and proc.stderr.endswith("it is as the last complete ingest left it\n")
    assert (archive / MANIFEST).read_bytes() == manifest
    assert check_consistent(archive, fresh) == "before"
    assert not list((archive / ".staging").iterdir())
    check_rerun(archive, dumps, fresh)


# ---------------------------------------------------------------------------------------------
# Two writers: the lock


def test_second_ingest_waits_for_the_lock_then_runs(dumps, tmp_path):
    archive = archive_with_a(dumps, tmp_path)
    fd = os.open(archive / LOCK_FILE, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a running ingest holds it
    proc = subprocess.Popen([sys.executable, "-m", "kwo", "ingest", str(dumps["C"]), "-a", str(archive), "--json",
                             "--wait", "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.5)
        assert proc.poll() is None  # waiting
    finally:
        os.close(fd)  # the other ingest is done
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert f"Another kwo ingest is writing to {archive}; waiting up to 30 s".encode() in err
    assert json.loads(out)["tweets_written"] == 2000


def test_second_ingest_gives_up_after_wait_with_a_clear_message(dumps, tmp_path):
    archive = archive_with_a(dumps, tmp_path)
    manifest = (archive / MANIFEST).read_bytes()
    fd = os.open(archive / LOCK_FILE, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["ingest", str(dumps["C"]), "-a", str(archive), "--wait", "0.5"])
        took = time.monotonic() - started
        with pytest.raises(ArchiveError, match="another kwo ingest is writing to this archive;"):
            ingest([str(dumps["C"])], archive)  # the library's default: no waiting
    finally:
        os.close(fd)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Another kwo ingest is writing to {archive}; waiting up to 0.5 s for it to finish...\n"
        f"Error: {archive}: another kwo ingest is writing to this archive (waited 0.5 s); "
        "try again when it has finished (kwo ingest --wait SECONDS waits longer)\n")
    assert 0.5 <= took < 5
    assert (archive / MANIFEST).read_bytes() == manifest


def test_two_ingests_at_once_both_complete(dumps, fresh, tmp_path):
    # The first ingest reads B from its stdin, which the test keeps open until the second has
    # said that it waits: the two overlap however fast either of them is.
    archive = archive_with_a(dumps, tmp_path)
    first = subprocess.Popen([sys.executable, "-m", "kwo", "ingest", "-", "-a", str(archive), "-q", "-j", "1"],
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    while first.poll() is None and not any((archive / ".staging").glob("*")):
        time.sleep(0.001)  # the first one holds the lock once its staging folder exists
    second = subprocess.Popen([sys.executable, "-m", "kwo", "ingest", str(dumps["C"]), "-a", str(archive), "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    said = second.stderr.readline()
    assert b"waiting up to 60 s" in said, said  # --wait defaults to 60 s
    first.stdin.write(dumps["B"].read_bytes())
    first.stdin.close()
    assert first.wait(timeout=120) == 0, first.stderr.read()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert json.loads(out)["tweets_written"] == 2000
    got = rows(archive, source_file=False)
    # the rows of a fresh A + B, B now from "-": C's ids all come after them
    source_file = [c for c in COLUMNS if c != "created_at"].index("source_file")
    assert got[: len(fresh["after"])] == [r[:source_file] + r[source_file + 1:] for r in fresh["after"]]
    assert len(got) == len(fresh["after"]) + 2000


# ---------------------------------------------------------------------------------------------
# Readers during an ingest


def test_a_reader_keeps_its_snapshot_while_an_ingest_replaces_parts(dumps, fresh, tmp_path):
    # B holds collected copies of A's 1,000 context rows, so its ingest rewrites A's parts. The
    # replaced parts were deleted right after the new manifest was in place, and a reader that had
    # opened the archive before (a report that had read the old manifest) failed on a missing file.
    archive = archive_with_a(dumps, tmp_path)
    parts_a = {p["path"] for p in Archive(archive).read_manifest().parts}
    con = Archive(archive).connect()
    (before,) = con.execute("SELECT count(*) FROM tweets").fetchone()
    result = ingest([str(dumps["B"])], archive)
    assert (result.tweets_written, result.context_written) == (30_000, 0)
    replaced = parts_a - {p["path"] for p in Archive(archive).read_manifest().parts}
    assert replaced and all((archive / p).is_file() for p in replaced)
    # the old snapshot, whole: context rows and all
    assert con.execute("SELECT count(*), count(*) FILTER (WHERE NOT collected) FROM tweets").fetchone() == (before, 1000)
    con.close()
    assert rows(archive) == fresh["after"]
    ingest([str(dumps["C"])], archive)  # the next ingest removes the replaced parts, under the lock
    assert not any((archive / p).exists() for p in replaced)
    on_disk = {f.relative_to(archive).as_posix() for f in (archive / "tweets").rglob("*") if f.is_file()}
    assert on_disk == {p["path"] for p in Archive(archive).read_manifest().parts}


def test_reports_and_queries_during_an_ingest_see_before_or_after(dumps, fresh, tmp_path):
    archive = archive_with_a(dumps, tmp_path)
    n_before, n_after = len(fresh["before"]), len(fresh["after"])
    proc = subprocess.Popen([sys.executable, "-m", "kwo", "ingest", str(dumps["B"]), "-a", str(archive), "-q"],
                            stderr=subprocess.PIPE)
    seen: set[int] = set()
    errors: list[Exception] = []

    def read_loop() -> None:
        while proc.poll() is None:
            try:
                _, got = run_readonly_sql(archive, "SELECT count(*), count(DISTINCT tweet_id) FROM tweets")
                assert got[0][0] == got[0][1]
                seen.add(got[0][0])
                report = build_report(archive, str(dumps["roster"]), sections=("brands",))
                assert report.totals.mention_tweets > 0
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                errors.append(exc)

    readers = [threading.Thread(target=read_loop) for _ in range(2)]
    for t in readers:
        t.start()
    for t in readers:
        t.join(timeout=120)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert not errors, errors[:3]
    assert seen and seen <= {n_before, n_after}
    assert len(rows(archive)) == n_after
