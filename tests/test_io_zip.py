"""``.zip`` inputs (kwo.io.zip): each member an input named ``PATH!member``; junk skipped;
bombs refused; re-ingesting adds nothing, member by member."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kwo.archive import Archive
from kwo.cli import cli
from kwo.engine.duckdb import connect
from kwo.errors import InputError, UnknownFormatError
from kwo.ingest import IngestTuning, ingest
from kwo.io import file_sha256

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
TWCS = (
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
    "1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,@115712 I understand.,,3\n"
    "3,115712,True,Tue Oct 31 22:08:27 +0000 2017,@sprintcare and how do you propose we do that,1,\n"
    "4,115713,True,Tue Oct 31 22:09:00 +0000 2017,@sprintcare hello,,\n"
)
V1_GZ = SAMPLE / "tweets-2016-01.jsonl.gz"


def make_zip(path: Path, members: dict[str, bytes | None], compression=zipfile.ZIP_DEFLATED) -> Path:
    """A zip of ``members`` (name -> bytes; None: a directory entry)."""
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in members.items():
            if data is None:
                z.writestr(zipfile.ZipInfo(name), b"")
            else:
                z.writestr(name, data)
    return path


@pytest.fixture
def download(tmp_path) -> Path:
    """What a Kaggle or macOS zip holds: data, a folder, a .gz inside, and junk."""
    return make_zip(tmp_path / "twcs.zip", {
        "twcs/": None,
        "twcs/twcs.csv": TWCS.encode(),
        "twcs/tweets-2016-01.jsonl.gz": V1_GZ.read_bytes(),
        "__MACOSX/twcs/._twcs.csv": b"\x00\x05\x16\x07 resource fork",
        "twcs/.DS_Store": b"\x00\x00\x00\x01Bud1",
    })


def test_each_member_is_an_input_of_its_own(tmp_path, download):
    result = ingest([str(download)], tmp_path / "a", workers=1)
    zip_name = str(download)
    assert [(f.path, f.format) for f in result.per_file] == [
        (f"{zip_name}!twcs/twcs.csv", "twcs"), (f"{zip_name}!twcs/tweets-2016-01.jsonl.gz", "v1")]
    # the same figures as the plain files
    (tmp_path / "twcs.csv").write_text(TWCS, encoding="utf-8")
    plain = ingest([str(tmp_path / "twcs.csv"), str(V1_GZ)], tmp_path / "b", workers=1)
    fields = ("records_read", "tweets_written", "duplicates", "notices", "quarantined", "context_written")
    assert [[getattr(f, k) for k in fields] for f in result.per_file] == \
        [[getattr(f, k) for k in fields] for f in plain.per_file]
    assert result.per_file[0].tweets_written == 3
    # the manifest names the members, with their own size and sha256 (those of the plain files)
    entries = Archive(tmp_path / "a").read_manifest().files
    assert [(e["path"], e["size"], e["sha256"]) for e in entries] == [
        (f"{zip_name}!twcs/twcs.csv", len(TWCS), file_sha256(str(tmp_path / "twcs.csv"))),
        (f"{zip_name}!twcs/tweets-2016-01.jsonl.gz", V1_GZ.stat().st_size, file_sha256(str(V1_GZ))),
    ]

    con = connect(tmp_path / "a")
    files = {r[0] for r in con.execute("SELECT DISTINCT source_file FROM tweets").fetchall()}
    assert files == {f"{zip_name}!twcs/twcs.csv", f"{zip_name}!twcs/tweets-2016-01.jsonl.gz"}


def test_reingesting_adds_nothing_member_by_member(tmp_path, download):
    first = ingest([str(download)], tmp_path / "a", workers=1)
    again = ingest([str(download)], tmp_path / "a", workers=1)
    assert [f.skipped for f in again.per_file] == [True, True]
    assert again.tweets_written == 0 and again.duplicates == first.tweets_written
    # a member ingested before as a plain file, and a zip re-made with one more member: only the
    # new member is read
    (tmp_path / "twcs.csv").write_text(TWCS, encoding="utf-8")
    assert ingest([str(tmp_path / "twcs.csv")], tmp_path / "a", workers=1).per_file[0].skipped
    more = make_zip(tmp_path / "more.zip", {
        "twcs.csv": TWCS.encode(),
        "new.csv": TWCS.replace("\n1,", "\n11,").replace("\n3,", "\n13,").replace("\n4,", "\n14,").encode(),
    }, zipfile.ZIP_STORED)
    result = ingest([str(more)], tmp_path / "a", workers=1)
    assert [(f.path, f.skipped, f.tweets_written) for f in result.per_file] == [
        (f"{more}!twcs.csv", True, 0), (f"{more}!new.csv", False, 3)]
    assert [e["path"] for e in Archive(tmp_path / "a").read_manifest().files] == [  # skipped inputs add no entry
        f"{download}!twcs/twcs.csv", f"{download}!twcs/tweets-2016-01.jsonl.gz", f"{more}!new.csv"]


def test_quarantine_entries_name_the_member(tmp_path):
    z = make_zip(tmp_path / "d.zip", {"bad.csv": (TWCS + "5,u,maybe,Tue Oct 31 22:09:00 +0000 2017,x,,\n").encode()})
    result = ingest([str(z)], tmp_path / "a", workers=1)
    assert result.quarantined == 1
    (line,) = (tmp_path / "a" / result.quarantine_file).read_text(encoding="utf-8").splitlines()
    entry = json.loads(line)
    assert (entry["file"], entry["line"], entry["reason"]) == (f"{z}!bad.csv", 5, "inbound is neither true nor false: 'maybe'")
    r = CliRunner().invoke(cli, ["ingest", str(z), "-a", str(tmp_path / "s"), "--strict", "-q"])
    assert r.exit_code == 1
    assert r.stderr == f"Error: {z}!bad.csv:5: cannot parse record: inbound is neither true nor false: 'maybe'\n"


def test_a_member_that_is_not_tweet_data_is_an_error_naming_it(tmp_path, download):
    z = make_zip(tmp_path / "e.zip", {"twcs.csv": TWCS.encode(), "docs/README.txt": b"Customer support tweets\n"})
    with pytest.raises(UnknownFormatError) as e:
        ingest([str(z)], tmp_path / "a", workers=1)
    assert str(e.value).startswith(f"{z}!docs/README.txt: unknown format; kwo reads: ")
    r = CliRunner().invoke(cli, ["ingest", str(z), "-a", str(tmp_path / "a"), "-q"])
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {z}!docs/README.txt: unknown format;")
    assert not (tmp_path / "a" / "manifest.json").exists()  # nothing of the zip was ingested


def test_declared_zip_bomb_is_refused(tmp_path):
    z = make_zip(tmp_path / "bomb.zip", {"big.json": bytes(100 << 20)})
    compressed = zipfile.ZipFile(z).getinfo("big.json").compress_size
    assert compressed < 200 << 10  # deflate packs 100 MiB of zeros into about 100 KiB
    with pytest.raises(InputError) as e:
        ingest([str(z)], tmp_path / "a", workers=1)
    assert str(e.value) == (f"{z}!big.json: refused: it declares 104,857,600 bytes from {compressed:,} compressed "
                            "ones, more than the 200 times tweet data ever expands (a zip bomb?)")


def test_a_gzip_bomb_inside_a_zip_is_refused_as_it_expands(tmp_path):
    # Stored in the zip, the member declares its true (gzip) size; its content, stream notices that
    # look like tweet data all the way, expands some 500 times.
    bomb = gzip.compress(b'{"limit":{"track":1}}\n' * (1 << 20), compresslevel=9)
    assert len(bomb) * 200 < 22 << 20
    z = make_zip(tmp_path / "gz.zip", {"tweets.jsonl.gz": bomb}, zipfile.ZIP_STORED)
    limit = 200 * len(bomb) + (1 << 20)
    with pytest.raises(InputError) as e:
        ingest([str(z)], tmp_path / "a", workers=1)
    assert str(e.value) == (f"{z}!tweets.jsonl.gz: refused: it expands to over {limit:,} bytes from {len(bomb):,} "
                            "compressed ones, more than the 200 times tweet data ever expands (a zip bomb?)")


def test_damaged_zips(tmp_path):
    good = make_zip(tmp_path / "g.zip", {"twcs.csv": TWCS.encode() * 50})
    data = good.read_bytes()
    # cut short: the directory at the end is gone
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as e:
        ingest([str(tmp_path / "cut.zip")], tmp_path / "a", workers=1)
    assert str(e.value) == (f"{tmp_path / 'cut.zip'}: not a readable zip archive (damaged or truncated: its "
                            "directory cannot be read)")
    # a flipped byte inside the compressed data: the CRC (or the deflate stream) says so
    offset = zipfile.ZipFile(good).getinfo("twcs.csv").header_offset + 30 + len("twcs.csv") + 40
    flipped = bytearray(data)
    flipped[offset] ^= 0xFF
    (tmp_path / "flip.zip").write_bytes(bytes(flipped))
    with pytest.raises(InputError) as e:
        ingest([str(tmp_path / "flip.zip")], tmp_path / "a", workers=1)
    assert str(e.value) == (f"{tmp_path / 'flip.zip'}!twcs.csv: truncated or corrupt zip member: its compressed "
                            "data is damaged or its checksum does not match")
    # an encrypted member (only its flag is set here, in the central directory: zipfile writes no
    # encryption)
    data = bytearray(make_zip(tmp_path / "enc.zip", {"secret.csv": TWCS.encode()}).read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1  # general purpose flag, bit 0: encrypted
    (tmp_path / "enc.zip").write_bytes(bytes(data))
    with pytest.raises(InputError) as e:
        ingest([str(tmp_path / "enc.zip")], tmp_path / "a", workers=1)
    assert str(e.value) == (f"{tmp_path / 'enc.zip'}!secret.csv: an encrypted zip member: kwo cannot read it "
                            "(unzip it with its password first)")
    # nothing but junk
    make_zip(tmp_path / "junk.zip", {"__MACOSX/._x": b"x", "d/": None})
    with pytest.raises(InputError, match=r"junk\.zip: the zip archive holds no files$"):
        ingest([str(tmp_path / "junk.zip")], tmp_path / "a", workers=1)
    assert not (tmp_path / "a" / "manifest.json").exists()


def test_a_zip_on_standard_input(tmp_path, download):
    r = CliRunner().invoke(cli, ["ingest", "-", "-a", str(tmp_path / "a"), "-q"], input=download.read_bytes())
    assert r.exit_code == 1
    assert r.stderr == ("Error: -: a zip archive on standard input cannot be read (zip keeps its directory at the "
                        "end): pass the file's name\n")


def test_members_in_parallel_workers(tmp_path, download):
    want = ingest([str(download)], tmp_path / "one", workers=1)
    got = ingest([str(download), str(V1_GZ)], tmp_path / "two", workers=2,
                 tuning=IngestTuning(parallel_min_bytes=1))  # the process pool, as for large inputs
    assert [(f.path, f.tweets_written, f.notices) for f in got.per_file[:2]] == \
        [(f.path, f.tweets_written, f.notices) for f in want.per_file]
    assert got.per_file[2].duplicates == want.per_file[1].tweets_written  # the same file, plain
