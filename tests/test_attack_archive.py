"""The archive under attack: what a hostile or careless user can do to an archive, and what
kwo promises then (docs/robustness.md, section 2). Every case checks that no traceback comes
out and that the archive before the case is intact after it (the same rows and tweet ids,
tests/archive_state.py), except where the user asked for a change.

- Crash safety: an ingest is SIGKILLed at several points while it writes (and once by SIGINT).
  Afterwards the archive opens, the report and queries run, every part the manifest names is a
  complete Parquet file with the rows the manifest says, running the ingest again gives exactly
  what an uninterrupted run into a fresh archive gives, and `kwo repair` on a copy whose
  manifest is deleted rebuilds the state the crash left.
- Concurrency: two ingests at once (the second waits for the lock, or gives up with a clear
  message), a lock file deleted under a running ingest, a manifest replaced under it, and
  readers (reports, kwo sql) while an ingest commits: they see the archive before or after the
  ingest, never a mix and never a missing file.
- Damage: a missing or malformed manifest, a missing or truncated part; `kwo repair`.
- Symbolic links at every place of the archive; files kwo did not write in its folders; glob
  characters in the archive's path; absurd KWO_MEMORY_LIMIT values.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import kwo.archive.lock as kal
from kwo.archive import MANIFEST, Archive
from kwo.archive.layout import LOCK_FILE
from kwo.archive.repair import repair
from kwo.cli import cli
from kwo.engine.duckdb import connect
from kwo.engine.sandbox import run_readonly_sql
from kwo.errors import ArchiveError
from kwo.ingest import ingest, ingest_batches
from kwo.metrics import build_report
from kwo.schema import COLUMNS

from .archive_state import archive_state, assert_intact, parts_state

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
    con = connect(archive)
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


def _has_part_of_the_killed_run(archive: Path) -> bool:
    live = {p["path"] for p in Archive(archive).read_manifest().parts}
    return any(f.relative_to(archive).as_posix() not in live for f in (archive / "tweets").rglob("*.parquet"))


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
import kwo.ingest as ki
import kwo.ingest.staging as ks
import kwo.ingest.transaction as kt
import kwo.ingest.workers as kw

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
    kw.file_sha256 = lambda *a, **k: die()
elif point == "merge":  # everything staged, nothing merged
    kt.merge = lambda *a, **k: die()
elif point in ("part", "manifest-tmp"):
    replace = os.replace
    def replace_then_die(src, dst):
        src, dst = str(src), str(dst)
        if point == "manifest-tmp" and dst.endswith("/manifest.json"):
            die()  # the new manifest written and fsynced, "publish" in the journal, not renamed
        replace(src, dst)
        if point == "part" and dst.endswith(".parquet"):
            die()  # a new part renamed into tweets/, not in any manifest
    os.replace = replace_then_die
elif point == "published":  # the new manifest in place, the run not finished
    publish = kt.publish
    def publish_then_die(*args, **kwargs):
        publish(*args, **kwargs)
        die()
    kt.publish = publish_then_die

tuning = ki.IngestTuning(batch_rows=5000, parallel_min_bytes=1 << 20, range_min_bytes=1 << 20)
ki.ingest([path], archive, workers=2 if point == "workers" else 1, tuning=tuning)
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
    check_repair(archive, fresh, "before" if point in ("staging", "workers", "merge", "part") else "after")
    check_rerun(archive, dumps, fresh)


def check_repair(archive: Path, fresh: dict, expected: str) -> None:
    """The manifest of a copy deleted, kwo repair rebuilds the state of the last ingest that got
    as far as its publish: its parts are complete. (Killed between writing "publish" in its
    journal and the rename, an ingest's state is "before", and repair makes it "after": a
    complete state either way.) The parts of an ingest killed before are not adopted."""
    copy = archive.parent / (archive.name + "-repaired")
    shutil.copytree(archive, copy, symlinks=True)
    (copy / MANIFEST).unlink()
    result = repair(copy)
    assert result.rebuilt and not result.not_adopted
    assert rows(copy) == fresh[expected]
    assert bool(result.unfinished) == (expected == "before" and _has_part_of_the_killed_run(archive))


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
    check_repair(archive, fresh, "before")
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
        said = proc.stderr.readline()  # it says so when it starts waiting (not a matter of timing)
        assert proc.poll() is None  # waiting
    finally:
        os.close(fd)  # the other ingest is done
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert said == f"Another kwo ingest is writing to {archive}; waiting up to 30 s for it to finish...\n".encode()
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
    con = connect(archive)
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


def test_sigint_ends_an_ingest_cleanly_and_changes_nothing(dumps, fresh, tmp_path):
    # Ctrl-C while the ingest reads its input (from a pipe the test keeps open): "Interrupted."
    # and exit code 130, no traceback, nothing of the run left behind.
    archive = archive_with_a(dumps, tmp_path)
    started = _checked_marker(archive)
    proc = subprocess.Popen([sys.executable, "-m", "kwo", "ingest", "-", "-a", str(archive), "-q", "-j", "1"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(dumps["B"].read_bytes()[:1_000_000])
    proc.stdin.flush()
    _wait_while(proc, started.exists)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.decode().endswith("Interrupted.\n"), err.decode()
    assert "Traceback" not in err.decode()
    assert check_consistent(archive, fresh) == "before"
    assert not list((archive / ".staging").iterdir())
    assert not [f for f in (archive / "tweets").rglob("*") if f.is_file()
                and f.relative_to(archive).as_posix() not in {p["path"] for p in Archive(archive).read_manifest().parts}]
    check_rerun(archive, dumps, fresh)


def _checked_marker(archive: Path) -> Path:
    """A manifest tmp file as an older kwo left them: an ingest removes it (a leftover by its
    name) once it has locked and checked the archive, so its disappearance says the ingest is
    past that point."""
    marker = archive / ".manifest.json.tmp-12345"
    marker.write_text("{}")
    return marker


def _wait_while(proc: subprocess.Popen, condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and condition():
        assert time.monotonic() < deadline, "the ingest never got there"
        time.sleep(0.001)
    assert proc.poll() is None, proc.stderr.read()


# ---------------------------------------------------------------------------------------------
# The attacks: a small archive (6 months, a quarantine file), copied for each case

SMALL_TWEETS = 600


@pytest.fixture(scope="module")
def small_template(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("small")
    dump = d / "small.jsonl"
    with open(dump, "w") as f:
        for i in range(SMALL_TWEETS):
            f.write(json.dumps(tweet(i, 20_000 + i if i % 10 == 0 else None)) + "\n")
        f.write("{not json\n")  # one quarantined record: the archive has a quarantine/ folder
    extra = write_dump(d / "extra.jsonl", range(1_000, 1_050))
    archive = d / "archive"
    ingest([str(dump)], archive)
    return {"archive": archive, "dump": dump, "extra": extra, "roster": _write(d / "brands.csv", ROSTER)}


@pytest.fixture
def small(small_template, tmp_path) -> dict:
    """A fresh copy of the small archive, its snapshot, and the inputs."""
    archive = tmp_path / "archive"
    shutil.copytree(small_template["archive"], archive, symlinks=True)
    return {**small_template, "archive": archive, "before": archive_state(archive)}


def kwo(*args, env: dict | None = None):
    """Run the command line; whatever happens, no traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def flat(text: str) -> str:
    """Text with its line breaks and indents as single spaces (kwo repair wraps at 80 columns)."""
    return re.sub(r"\s+", " ", text).strip()


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (links not followed) and its bytes."""
    out = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = Path(dirpath) / name
            if not path.is_symlink():
                out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


def part_files(archive: Path) -> list[Path]:
    return sorted((archive / "tweets").glob("month=*/*.parquet"))


# ---------------------------------------------------------------------------------------------
# 1. A missing manifest: refused, never taken for a new archive; kwo repair


def test_an_archive_without_its_manifest_is_refused_and_nothing_is_deleted(small):
    # This used to be taken for a new archive: the ingest removed every part and exited 0.
    archive = small["archive"]
    (archive / MANIFEST).unlink()
    on_disk = files_under(archive)
    message = (f"Error: {archive}: damaged archive: it holds parts in tweets/ but no manifest.json (the list "
               "of what is live); nothing was changed. `kwo repair --archive "
               f"{archive}` rebuilds the manifest from the parts, verifying each\n")
    for args in (["ingest", small["extra"]], ["report", "-b", small["roster"]], ["sql", "SELECT 1"]):
        result = kwo(*args, "-a", archive)
        assert (result.exit_code, result.stderr) == (1, message), args
    assert files_under(archive) == on_disk
    assert parts_state(part_files(archive)) == small["before"]


def test_repair_rebuilds_the_manifest_and_a_file_ingested_again_adds_nothing(small):
    archive = small["archive"]
    (archive / MANIFEST).unlink()
    result = kwo("repair", "-a", archive)
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert out.startswith(f"Rebuilt {archive}/manifest.json (there was no manifest.json) from 6 parts: "
                          f"{small['before'].rows:,} tweets, 2016-01 to 2016-06. Quarantine files kept (1): quarantine/")
    assert out.endswith("Lost with the manifest: which input files were ingested (their sha256, sizes and counts). "
                        "The tweets came from 1 input file. Ingesting one of them again adds no tweet (the copies in "
                        "the archive win, so its tweets count as duplicates), quarantines its bad records again and "
                        "records the file anew.")
    assert_intact(archive, small["before"])
    manifest = Archive(archive).read_manifest()
    assert manifest.files == [] and len(manifest.quarantine) == 1 and manifest.repaired["note"].startswith("rebuilt")
    # Which files were ingested is lost: the file is read again, and every tweet is a duplicate.
    again = kwo("ingest", small["dump"], "-a", archive, "--json")
    assert again.exit_code == 0, again.output
    counts = json.loads(again.stdout)
    assert (counts["tweets_written"], counts["duplicates"], counts["quarantined"]) == (0, SMALL_TWEETS, 1)
    assert_intact(archive, small["before"])
    assert (archive / manifest.quarantine[0]).is_file()  # the recovered quarantine file stays live


def test_repair_of_a_sound_archive_changes_nothing(small):
    archive = small["archive"]
    manifest = (archive / MANIFEST).read_bytes()
    result = kwo("repair", "-a", archive)
    assert (result.exit_code, flat(result.stdout)) == (
        0, f"{archive}/manifest.json is sound, and every part it names reads whole: nothing to repair.")
    assert (archive / MANIFEST).read_bytes() == manifest


def test_repair_does_not_make_any_folder_an_archive(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("precious")
    result = kwo("repair", "-a", folder)
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {folder}: not a kwo archive (no manifest.json, no parts in tweets/): nothing to repair\n")
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.txt"]


def test_repair_finds_damage_inside_a_live_part(small):
    # Bytes overwritten in the middle of a part: its end marker is whole, so only reading it
    # tells (kwo sql may not even touch the damaged page). Repair reads every part whole.
    archive = small["archive"]
    part = part_files(archive)[1]
    rel = part.relative_to(archive).as_posix()
    n = pq.ParquetFile(part).metadata.num_rows
    data = bytearray(part.read_bytes())
    data[len(data) // 3: len(data) // 3 + 2000] = b"\xff" * 2000
    part.write_bytes(bytes(data))
    result = kwo("repair", "-a", archive)
    assert result.exit_code == 0, result.output
    assert flat(result.stdout).startswith(
        f"Rebuilt {archive}/manifest.json (the manifest names {rel}, which does not verify: not a readable "
        "Parquet file (")
    assert f"from 5 parts: {small['before'].rows - n:,} tweets" in flat(result.stdout)
    assert f"Not adopted, left where they are (1): {rel}: not a readable Parquet file (" in flat(result.stdout)
    assert part.read_bytes() == bytes(data)  # left as it is


def test_repair_keeps_a_damaged_manifest_beside_the_new_one(small):
    archive = small["archive"]
    (archive / MANIFEST).write_text("[]\n")
    result = kwo("repair", "-a", archive)
    assert result.exit_code == 0, result.output
    (aside,) = archive.glob("manifest.json.before-repair-*")
    assert flat(result.stdout).startswith(
        f"Rebuilt {archive}/manifest.json (the manifest was damaged: a list where an object belongs) from 6 parts: "
        f"{small['before'].rows:,} tweets, 2016-01 to 2016-06. The previous manifest is kept as {archive}/{aside.name}. ")
    assert aside.read_text() == "[]\n"
    assert_intact(archive, small["before"])


def test_repair_adopts_only_what_it_can_verify_and_moves_nothing(small):
    archive = small["archive"]
    parts = part_files(archive)
    truncated = parts[1]  # 2016-02
    truncated.write_bytes(truncated.read_bytes()[:1000])
    elsewhere = archive / "tweets/month=2016-03/copied-from-january.parquet"
    shutil.copy(parts[0], elsewhere)  # rows of 2016-01 in the folder of 2016-03
    schemaless = archive / "tweets/month=2016-04/other.parquet"
    pq.write_table(pa.table({"x": [1, 2]}), schemaless)
    (archive / "tweets/README.md").write_text("notes")
    (archive / MANIFEST).unlink()
    on_disk = files_under(archive)
    result = kwo("repair", "-a", archive)
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert "from 5 parts:" in out
    assert re.search(
        r"Not adopted, left where they are \(3\): "
        rf"{re.escape(truncated.relative_to(archive).as_posix())}: not a readable Parquet file \([^)]*\) "
        r"tweets/month=2016-03/copied-from-january.parquet: rows of 2016-01 in the folder of 2016-03 "
        r"tweets/month=2016-04/other.parquet: not kwo's tweet schema \(its columns: x\) "
        r"Quarantine files kept \(1\): quarantine/\S+ "
        r"Not kwo's, left alone \(1\): tweets/README.md ", out), out
    now = files_under(archive)
    assert {k: now.get(k) for k in on_disk} == on_disk  # nothing changed, moved or removed
    assert set(now) - set(on_disk) == {"manifest.json"}
    assert archive_state(archive) == parts_state([p for p in parts if p != truncated])


def test_repair_refuses_parts_that_share_tweet_ids(small):
    archive = small["archive"]
    first = part_files(archive)[0]
    shutil.copy(first, first.with_name("copy.parquet"))
    (archive / MANIFEST).unlink()
    on_disk = files_under(archive)
    result = kwo("repair", "-a", archive)
    assert result.exit_code == 1
    n = pq.ParquetFile(first).metadata.num_rows
    assert result.stderr == (
        f"Error: {archive}: cannot rebuild the manifest: parts share tweet ids (tweets/month=2016-01/copy.parquet: "
        f"{n:,}; {first.relative_to(archive).as_posix()}: {n:,}). One of them is a copy, or a part an ingest "
        "replaced; only you can tell which. Move the one you do not want out of tweets/ (kwo changed nothing) "
        "and run kwo repair again\n")
    assert files_under(archive) == on_disk  # no manifest written either


def test_repair_leaves_replaced_parts_and_an_unfinished_ingest_out(dumps, fresh, tmp_path):
    # A, then B, which rewrites parts of A's months: the parts it replaced stay until the next
    # ingest (retired). The manifest deleted, repair rebuilds A + B without them.
    archive = archive_with_a(dumps, tmp_path)
    ingest([str(dumps["B"])], archive)
    retired = Archive(archive).read_manifest().retired
    assert len(retired) == 3 and all((archive / r).is_file() for r in retired)
    copy = tmp_path / "copy"
    shutil.copytree(archive, copy)
    (copy / MANIFEST).unlink()
    result = repair(copy)
    assert rows(copy) == fresh["after"]
    assert (result.superseded, result.unfinished) == (sorted(retired), [])
    assert Archive(copy).read_manifest().retired == sorted(retired)  # the next ingest removes them
    # Then an ingest of C killed after its first part: not adopted either.
    proc = subprocess.run([sys.executable, "-c", _KILL_AT, "part", str(dumps["C"]), str(archive)], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    (archive / MANIFEST).unlink()
    result = repair(archive)
    assert rows(archive) == fresh["after"]
    (unfinished,) = result.unfinished
    assert re.fullmatch(r"tweets/month=2016-0\d/part-\d{8}T\d{6}-[0-9a-f]{8}\.parquet", unfinished)
    # the next ingest removes the leftovers, and reads C in full
    ingest([str(dumps["C"])], archive)
    assert not (archive / unfinished).exists()
    assert len(rows(archive)) == len(fresh["after"]) + 2000
    ingest([str(dumps["C"])], copy)
    assert not any((copy / r).exists() for r in retired)


def test_a_first_ingest_killed_after_a_part_leaves_a_new_archive(dumps, fresh, tmp_path):
    # No manifest yet, but a part in tweets/: the journal says it is a dead run's, so this is
    # still a new archive (not a damaged one), and the next ingest starts it afresh.
    archive = tmp_path / "archive"
    proc = subprocess.run([sys.executable, "-c", _KILL_AT, "part", str(dumps["A"]), str(archive)], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert part_files(archive) and not (archive / MANIFEST).exists()
    ingest([str(dumps["A"])], archive)
    assert rows(archive) == fresh["before"]
    assert {f.relative_to(archive).as_posix() for f in part_files(archive)} == {
        p["path"] for p in Archive(archive).read_manifest().parts}


# ---------------------------------------------------------------------------------------------
# 2. Symbolic links: never followed, never deleted through

LINKS = {
    # where the link is: (what it replaces, what it points to)
    "tweets": ("tweets", "dir"),
    "quarantine": ("quarantine", "dir"),
    "month": ("tweets/month=2016-01", "dir"),
    "part": (None, "part"),
    "manifest": ("manifest.json", "file"),
    "lock": (".lock", "file"),
    "staging": (".staging", "dir"),
}


@pytest.mark.parametrize("where", list(LINKS))
def test_a_symbolic_link_in_the_archive_is_refused_and_nothing_is_deleted_through_it(small, tmp_path, where):
    # `ln -s /some/dir A/tweets`: the next ingest used to delete everything under /some/dir.
    archive = small["archive"]
    rel, kind = LINKS[where]
    if rel is None:
        rel = part_files(archive)[0].relative_to(archive).as_posix()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    (outside / "part-20160101T000000-00000000.parquet").write_bytes(b"PAR1 not yours PAR1")
    original = tmp_path / "original"
    shutil.move(archive / rel, original)  # kept aside, put back below
    if kind == "dir":
        target = outside
    elif kind == "part":
        target = outside / "part.parquet"  # a copy of the part itself, outside the archive
        shutil.copy(original, target)
    else:
        target = outside / "precious.txt"
    (archive / rel).symlink_to(target)
    before_outside = files_under(outside)
    message = (f"{archive}: {rel} is a symbolic link; kwo does not follow links inside an archive (nothing "
               "was changed). Put the folder or file itself in its place\n")
    commands = [["ingest", small["extra"]]]
    if where in ("tweets", "month", "part", "manifest"):  # what readers read
        commands += [["report", "-b", small["roster"]], ["sql", "SELECT count(*) FROM tweets"]]
    for args in commands:
        result = kwo(*args, "-a", archive)
        assert (result.exit_code, result.stderr) == (1, "Error: " + message), args
    assert files_under(outside) == before_outside
    (archive / rel).unlink()
    shutil.move(original, archive / rel)
    assert_intact(archive, small["before"])


# ---------------------------------------------------------------------------------------------
# 3. The lock and the manifest's compare-and-swap


def test_deleting_the_lock_during_an_ingest_cannot_lose_data(small):
    # The user deletes a .lock that looks stale while an ingest runs. Two ingests then both exited
    # 0, and the manifest of one replaced the other's: its tweets vanished from the archive.
    # The first ingest waits for its input (a pipe the test holds), past its check of the archive.
    archive = small["archive"]
    started = _checked_marker(archive)
    first = subprocess.Popen([sys.executable, "-m", "kwo", "ingest", "-", "-a", str(archive), "-q", "-j", "1"],
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_while(first, started.exists)
    (archive / LOCK_FILE).unlink()
    second = kwo("ingest", small["extra"], "-a", archive, "--wait", "0")
    assert second.exit_code == 1
    assert re.fullmatch(
        rf"Error: {re.escape(str(archive))}: another kwo ingest \(run \d{{8}}T\d{{6}}-[0-9a-f]{{8}}\) is writing to this "
        r"archive, though it does not hold \.lock \(was \.lock deleted\? kwo never needs that\); nothing was "
        r"changed: try again when it has finished\n", second.stderr), second.stderr
    first.stdin.write(write_dump(archive.parent / "more.jsonl", range(2_000, 2_100)).read_bytes())
    first.stdin.close()
    assert first.wait(timeout=60) == 0, first.stderr.read()
    after_first = archive_state(archive)
    assert after_first.rows == small["before"].rows + 100
    assert set(small["before"].ids) < set(after_first.ids)
    again = kwo("ingest", small["extra"], "-a", archive, "--json")  # the refused one, run again
    assert again.exit_code == 0 and json.loads(again.stdout)["tweets_written"] == 50
    assert archive_state(archive).rows == after_first.rows + 50


def test_a_manifest_replaced_during_an_ingest_makes_it_fail_loudly(small):
    # Another program publishes while this ingest runs (what a deleted .lock allowed): the swap
    # compares the manifest with the one the ingest started from and refuses to overwrite it.
    archive = small["archive"]
    other = json.loads((archive / MANIFEST).read_text())
    other["generation"] = other.get("generation", 0) + 1
    other["files"] = []  # a visibly different manifest
    other = json.dumps(other)
    run_ids = []

    def batches():
        run_ids.extend(p.name for p in (archive / ".staging").iterdir())
        (archive / "other.tmp").write_text(other)
        os.replace(archive / "other.tmp", archive / MANIFEST)
        yield from _batches_of(range(5_000, 5_010))

    with pytest.raises(ArchiveError) as caught:
        ingest_batches(batches(), archive)
    assert str(caught.value) == (
        f"{archive}: the manifest changed while this ingest ran (generation 1 when it started, generation 2 now): "
        "another program wrote to the archive at the same time, which the lock should have prevented (was .lock "
        "deleted? kwo never needs that). Nothing of this run was published, and the archive is as the other "
        "writer left it; run this ingest again")
    assert (archive / MANIFEST).read_text() == other
    assert_intact(archive, small["before"])
    (run_id,) = run_ids
    assert not [f for f in (archive / "tweets").rglob("*") if run_id in f.name]  # its parts removed
    assert not list((archive / ".staging").iterdir())


def _batches_of(ids) -> list[pa.RecordBatch]:
    from kwo.schema import TWEET_SCHEMA

    ids = list(ids)
    cols = {f.name: pa.nulls(len(ids), f.type) for f in TWEET_SCHEMA}
    cols["tweet_id"] = pa.array(ids, pa.int64())
    cols["created_at"] = pa.array([1_456_790_400_000] * len(ids), pa.timestamp("ms", tz="UTC"))  # 2016-03-01
    cols["collected"] = pa.array([True] * len(ids))
    return [pa.RecordBatch.from_arrays([cols[f.name] for f in TWEET_SCHEMA], schema=TWEET_SCHEMA)]


def test_the_lock_is_released_when_its_holder_dies_and_never_deleted(small):
    archive = small["archive"]
    inode = os.stat(archive / LOCK_FILE).st_ino
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR); "
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(600)",
                               str(archive / LOCK_FILE)], stdout=subprocess.PIPE)
    assert holder.stdout.readline() == b"held\n"
    assert kwo("ingest", small["extra"], "-a", archive, "--wait", "0").exit_code == 1  # held
    holder.kill()
    holder.wait()
    result = kwo("ingest", small["extra"], "-a", archive, "--wait", "0")
    assert result.exit_code == 0, result.output
    assert os.stat(archive / LOCK_FILE).st_ino == inode


def test_a_lock_file_deleted_between_open_and_flock_is_not_trusted(small, monkeypatch):
    # The file this writer opened was deleted before its flock succeeded: a lock on it excludes
    # nobody (the next writer creates a new .lock). The writer locks the file that is there.
    archive = small["archive"]
    real_flock, calls = fcntl.flock, []

    def flock(fd, op):
        if not calls:
            os.unlink(archive / LOCK_FILE)
        calls.append(op)
        return real_flock(fd, op)

    monkeypatch.setattr(kal.fcntl, "flock", flock)
    lock = kal.WriterLock(archive)
    try:
        assert len(calls) == 2 and lock.still_held()
    finally:
        lock.release()


# ---------------------------------------------------------------------------------------------
# 4. Files kwo did not write are left alone, and said so


def test_foreign_files_in_the_archive_are_left_alone_and_reported(small):
    archive = small["archive"]
    first = part_files(archive)[0]
    foreign = {
        "tweets/README.md": b"what these parts are",
        "quarantine/notes.txt": b"checked by hand",
        "tweets/month=2016-01/copied.parquet": first.read_bytes(),
        # named as kwo names its parts, but no journal of kwo's names it
        "tweets/month=2016-02/part-20990101T000000-deadbeef.parquet": first.read_bytes(),
        "tweets/backup/old.parquet": first.read_bytes(),
        ".staging/mine/notes.txt": b"mine",
    }
    for rel, data in foreign.items():
        (archive / rel).parent.mkdir(parents=True, exist_ok=True)
        (archive / rel).write_bytes(data)
    result = kwo("ingest", small["extra"], "-a", archive)
    assert result.exit_code == 0, result.output
    assert ("Left alone: 6 file(s) in the archive's folders that kwo did not write (it never removes those): "
            ".staging/mine, quarantine/notes.txt, tweets/README.md, tweets/backup/, tweets/month=2016-01/copied.parquet, "
            "tweets/month=2016-02/part-20990101T000000-deadbeef.parquet\n") in result.stdout
    for rel, data in foreign.items():
        assert (archive / rel).read_bytes() == data, rel
    assert archive_state(archive).rows == small["before"].rows + 50
    again = kwo("ingest", small["extra"], "-a", archive, "--json")
    assert json.loads(again.stdout)["left_alone"] == [
        ".staging/mine", "quarantine/notes.txt", "tweets/README.md", "tweets/backup/",
        "tweets/month=2016-01/copied.parquet", "tweets/month=2016-02/part-20990101T000000-deadbeef.parquet"]


# ---------------------------------------------------------------------------------------------
# 6. Glob characters in the archive's path


@pytest.mark.parametrize("name, sibling", [("q?", "qx"), ("a[x]", "ax"), ("st*r", "star"), ("~", "home")])
def test_an_archive_path_with_glob_characters_reads_only_its_own_parts(small, name, sibling):
    # `q?` and `qx` side by side, the parts of one copied from the other (same names): a report
    # on `q?` counted the tweets of both.
    here = small["archive"].parent
    archive, other = here / name, here / sibling
    shutil.copytree(small["archive"], archive, symlinks=True)
    shutil.copytree(small["archive"], other, symlinks=True)
    assert kwo("ingest", small["extra"], "-a", other).exit_code == 0
    other_state = archive_state(other)
    want = json.loads(kwo("report", "-a", small["archive"], "-b", small["roster"], "--format", "json").stdout)["totals"]
    os.chdir(here)  # relative, as typed: `-a 'q?'` (and `-a '~'`, which is not the home folder)
    try:
        got = json.loads(kwo("report", "-a", name, "-b", small["roster"], "--format", "json").stdout)["totals"]
        assert got == want
        counted = kwo("sql", "SELECT count(*) AS n FROM tweets", "-a", name, "--format", "json")
        assert json.loads(counted.stdout) == [{"n": small["before"].rows}]
        assert kwo("ingest", small["extra"], "-a", name).exit_code == 0
    finally:
        os.chdir(small_cwd)
    assert archive_state(archive).rows == small["before"].rows + 50
    assert_intact(other, other_state)


small_cwd = os.getcwd()


# ---------------------------------------------------------------------------------------------
# 14. Damaged manifests, damaged parts, absurd memory limits: errors, not tracebacks

PART = "tweets/month=2016-01/part.parquet"


def _v1(**fields) -> str:
    return json.dumps({"version": 1, **fields})


def _part(**fields) -> dict:
    return {"path": PART, "month": "2016-01", "rows": 3, **fields}


NOT_A_PART = "is not a part of this archive (tweets/month=YYYY-MM/NAME.parquet)"
MANIFESTS = {
    "list": ("[]", "a list where an object belongs"),
    "null": ("null", "null where an object belongs"),
    "cut": ('{"version": 1, "par', "not JSON (at line 1, column 16)"),
    "parts null": (_v1(parts=None), "parts is null, not a list"),
    "parts object": (_v1(parts={}), "parts is an object, not a list"),
    "files text": (_v1(files="x"), "files is text, not a list"),
    "part text": (_v1(parts=["x"]), "parts[0] is text, not an object"),
    "no path": (_v1(parts=[{"month": "2016-01", "rows": 3}]), "parts[0] has no path"),
    "path number": (_v1(parts=[_part(path=7)]), "parts[0]: path is not text"),
    "dot-dot": (_v1(parts=[_part(path="../other/tweets/month=2016-01/p.parquet")]),
                f"parts[0]: '../other/tweets/month=2016-01/p.parquet' {NOT_A_PART}"),
    "inner dot-dot": (_v1(parts=[_part(path="tweets/month=2016-01/../../../x.parquet")]),
                      f"parts[0]: 'tweets/month=2016-01/../../../x.parquet' {NOT_A_PART}"),
    "absolute": (_v1(parts=[_part(path="/etc/x.parquet")]), f"parts[0]: '/etc/x.parquet' {NOT_A_PART}"),
    "month": (_v1(parts=[_part(month="2016-02")]), "parts[0]: month '2016-02' is not its folder's (2016-01)"),
    "rows text": (_v1(parts=[_part(rows="3")]), "parts[0]: rows is not a count"),
    "twice": (_v1(parts=[_part(), _part()]), f"parts[1]: {PART} is listed twice"),
    "file entry": (_v1(files=[{"path": "x", "format": "v1"}]), "files[0]: sha256 is not text"),
    "counts": (_v1(files=[{"path": "x", "format": "v1", "sha256": "s", "duplicates": -1}]),
               "files[0]: duplicates is not a count"),
    "quarantine path": (_v1(files=[{"path": "x", "format": "v1", "sha256": "s", "quarantine_file": "/etc/passwd"}]),
                        "files[0]: quarantine_file '/etc/passwd' is not a file under quarantine/"),
    "generation": (_v1(generation="7"), "generation is not a count"),
}


@pytest.mark.parametrize("case", list(MANIFESTS))
def test_a_malformed_manifest_is_an_error_naming_it(small, case):
    archive = small["archive"]
    text, what = MANIFESTS[case]
    (archive / MANIFEST).write_text(text)
    on_disk = files_under(archive)
    message = (f"Error: {archive}/manifest.json: damaged manifest: {what}; nothing was changed "
               f"(`kwo repair --archive {archive}` rebuilds it from the parts)\n")
    for args in (["report", "-b", small["roster"]], ["rush-hour", "-b", small["roster"]], ["sql", "SELECT 1"],
                 ["ingest", small["extra"]]):
        result = kwo(*args, "-a", archive)
        assert (result.exit_code, result.stderr) == (1, message), args
    assert files_under(archive) == on_disk
    assert repair(archive).rebuilt
    assert_intact(archive, small["before"])


def test_an_unknown_archive_format_is_named(small):
    archive = small["archive"]
    for version, shown_version in ((2, "2"), (True, "True"), ("1", "'1'")):
        (archive / MANIFEST).write_text(json.dumps({"version": version}))
        result = kwo("sql", "SELECT 1", "-a", archive)
        assert (result.exit_code, result.stderr) == (
            1, f"Error: {archive}/manifest.json: archive format {shown_version} is not supported\n")


@pytest.mark.parametrize("damage", ["missing", "truncated", "emptied"])
def test_a_missing_or_truncated_part_is_an_error_naming_it(small, tmp_path, damage):
    archive = small["archive"]
    part = part_files(archive)[2]
    rel = part.relative_to(archive).as_posix()
    size = part.stat().st_size
    if damage == "missing":
        part.unlink()
        what = "is missing (deleted or moved by hand?)"
    else:
        cut = size // 2 if damage == "truncated" else 0
        part.write_bytes(part.read_bytes()[:cut])
        what = f"is not a complete Parquet file ({cut:,} bytes, no end marker)"
    on_disk = files_under(archive)
    message = (f"Error: {archive}: the manifest names {rel}, which {what}: the archive is damaged. Restore the "
               f"file, or rebuild the manifest from the parts that are whole with `kwo repair --archive {archive}` "
               "(this part's tweets are then missing until their files are ingested again)\n")
    roster = small["roster"]
    for args in (["report", "-b", roster], ["rush-hour", "-b", roster],
                 ["chart", "rush-hour", "-b", roster, "-o", tmp_path / "c.svg"],
                 ["sql", "SELECT count(*) FROM tweets"], ["ingest", small["extra"]]):
        result = kwo(*args, "-a", archive)
        assert (result.exit_code, result.stderr) == (1, message), args
    assert files_under(archive) == on_disk
    assert not (tmp_path / "c.svg").exists()


@pytest.mark.parametrize("value", ["1KB", "0MB", "31MB", "-1GB", "abc", "1e9GB", "2000TB", "99999999999999999999TB"])
def test_an_absurd_memory_limit_is_a_usage_error(small, value):
    archive = small["archive"]
    for args in (["report", "-b", small["roster"]], ["sql", "SELECT count(*) FROM tweets"]):
        result = kwo(*args, "-a", archive, env={"KWO_MEMORY_LIMIT": value})
        assert result.exit_code == 2
        assert result.stderr.endswith(f"Error: KWO_MEMORY_LIMIT='{value}': expected a size from 32MB to 1024TB, "
                                      "such as 800MB or 4GB\n"), result.stderr
    assert_intact(archive, small["before"])


def test_the_smallest_memory_limit_runs_the_report(small):
    result = kwo("report", "-a", small["archive"], "-b", small["roster"], "--format", "json",
                 env={"KWO_MEMORY_LIMIT": "32MB"})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["mention_tweets"] == 480  # 600 tweets, every fifth kpn's reply
