"""``.zip`` inputs (the Kaggle twcs download is twcs.zip): each member is an input of its own.

A member is named ``PATH!member`` in the manifest, in quarantine entries and in messages; it may
be in any format kwo reads, compressed too (a ``.gz`` inside the zip). Directories, macOS
``__MACOSX/`` resource forks and ``.DS_Store`` files are skipped; any other member that is not
tweet data is an error naming it, as a file would be.

Members are read as streams straight from the zip (nothing is extracted to disk), so no member
name can write or overwrite a file. Zip bombs are bounded: tweet data compresses 5 to 30 times,
so a member whose declared size, or whose bytes once decompressed (a ``.gz`` inside the zip
too), exceed :data:`MAX_EXPANSION` times its compressed size (plus :data:`EXPANSION_SLACK`) is
refused. zipfile itself never gives more bytes than a member declares.

Re-ingesting adds nothing *per member*: a member's manifest entry carries the sha256 of its own
bytes (the file as it was before it was zipped), so the same zip, a zip re-made with one more
file, and a member ingested before as a plain file are all recognised, and only new members are
read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from ..errors import InputError

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"  # an empty archive is only its end record
SEPARATOR = "!"
MAX_EXPANSION = 200
EXPANSION_SLACK = 1 << 20  # small members may expand more: a kilobyte of JSON that is all spaces is no bomb
_JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Member:
    """One file inside a zip input (picklable: it travels to the parse workers in a Task)."""

    zip_path: str  # the zip as the user named it
    name: str  # the member's name inside the zip
    size: int  # its declared (uncompressed) size
    compressed: int  # its compressed size in the zip

    @property
    def display(self) -> str:
        return f"{self.zip_path}{SEPARATOR}{self.name}"

    @property
    def limit(self) -> int:
        """The most bytes its data may expand to, a .gz inside it included."""
        return MAX_EXPANSION * self.compressed + EXPANSION_SLACK


def is_zip(path: str) -> bool:
    """Whether ``path`` is a zip archive (by its first bytes, never by its name)."""
    if path == "-":
        return False
    try:
        with open(path, "rb") as f:
            return f.read(4) in (ZIP_MAGIC, EMPTY_ZIP_MAGIC)
    except OSError:
        return False  # the ingest's own open names the problem


def expand_inputs(inputs: list[str]) -> list[str | Member]:
    """The inputs with every zip replaced by its members (in the zip's order)."""
    out: list[str | Member] = []
    for path in inputs:
        out.extend(members(path) if is_zip(path) else [path])
    return out


def members(path: str) -> list[Member]:
    """The members of the zip ``path`` that hold data; raises InputError for a damaged zip, an
    encrypted member or a member that would expand absurdly."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InputError(path, "not a readable zip archive (damaged or truncated: its directory cannot be read)") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    out = []
    for info in infos:
        if info.is_dir() or _is_junk(info.filename):
            continue
        m = Member(path, info.filename, info.file_size, info.compress_size)
        if info.flag_bits & 0x1:
            raise InputError(m.display, "an encrypted zip member: kwo cannot read it (unzip it with its password first)")
        if m.size > m.limit:
            raise InputError(m.display, _too_big(m, f"declares {m.size:,} bytes"))
        out.append(m)
    if not out:
        raise InputError(path, "the zip archive holds no files")
    return out


def _is_junk(name: str) -> bool:
    base = name.rstrip("/").rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or "/__MACOSX/" in name or base in _JUNK_NAMES or base.startswith("._")


def _too_big(m: Member, what: str) -> str:
    return (f"refused: it {what} from {m.compressed:,} compressed ones, more than the {MAX_EXPANSION} times "
            "tweet data ever expands (a zip bomb?)")


def open_member(m: Member) -> io.RawIOBase:
    """The member's bytes as a stream (the caller closes it); errors name ``PATH!member``."""
    try:
        z = zipfile.ZipFile(m.zip_path)
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise InputError(m.zip_path, "not a readable zip archive (damaged or truncated)") from None
    except OSError as exc:
        raise InputError(m.zip_path, f"cannot read: {exc.strerror or exc}") from None
    try:
        f = z.open(m.name)
    except NotImplementedError:
        z.close()
        raise InputError(m.display, "a zip member compressed with a method Python's zipfile does not read "
                                    "(re-zip it with deflate)") from None
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, zlib.error):
        z.close()
        raise InputError(m.display, "truncated or corrupt zip member: its header cannot be read") from None
    return _MemberStream(z, f, m.display)


class _MemberStream(io.RawIOBase):
    """A zip member's bytes; damage inside the member (a bad CRC, cut data) is an InputError."""

    def __init__(self, z: zipfile.ZipFile, f, display: str):
        self._zip = z
        self._f = f
        self._display = display

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            data = self._f.read(len(b))
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
            # zipfile's and zlib's own messages are not passed on (they change between releases)
            raise InputError(self._display, "truncated or corrupt zip member: its compressed data is damaged "
                                            "or its checksum does not match") from None
        n = len(data)
        memoryview(b)[:n] = data
        return n

    def close(self) -> None:
        try:
            self._f.close()
            self._zip.close()
        finally:
            super().close()


class Bounded(io.RawIOBase):
    """Decompressed bytes of a member, refused past its limit: a .gz inside a zip is not bounded
    by the zip's declared size."""

    def __init__(self, inner, m: Member):
        self._inner = inner
        self._member = m
        self._seen = 0

    def readable(self) -> bool:
        return True

    @property
    def nbytes(self) -> int:
        """Decompressed bytes read so far (what kwo.io.open.OpenedInput.decompressed_bytes reports)."""
        return self._seen

    def readinto(self, b) -> int:
        n = self._inner.readinto(b) or 0
        self._seen += n
        if self._seen > self._member.limit:
            raise InputError(self._member.display, _too_big(self._member, f"expands to over {self._member.limit:,} bytes"))
        return n


def member_sha256(m: Member) -> str:
    """The sha256 of a member's bytes (what the manifest keeps, as for a plain file)."""
    import hashlib

    h = hashlib.sha256()
    with open_member(m) as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
