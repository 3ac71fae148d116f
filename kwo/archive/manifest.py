"""``manifest.json``: which inputs were ingested and which parts are live, checked when read.

A manifest is read by every command, so a damaged one (a hand edit, a truncated copy, another
program's JSON) must give an error naming it, never a traceback, and must never make kwo read
or remove a file outside the archive: every part path has kwo's form
``tweets/month=YYYY-MM/NAME.parquet`` (no ``..``, not absolute) and its month is the folder's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from ..errors import ArchiveError
from .layout import is_quarantine_path, part_month, shown

FORMAT_VERSION = 1
_COUNTS = ("records_read", "tweets_written", "context_written", "duplicates", "notices", "quarantined")


@dataclass
class Manifest:
    files: list[dict] = field(default_factory=list)  # one entry per ingested input
    parts: list[dict] = field(default_factory=list)  # live data files: {path, month, rows}
    version: int = FORMAT_VERSION
    # How many manifests were published before this one: an ingest publishes only over the
    # manifest it started from (kwo.archive.lock.publish). 0 in manifests of older kwo.
    generation: int = 0
    # Parts the publish of this manifest replaced: kept for readers of the manifest before it,
    # removed by the next ingest.
    retired: list[str] = field(default_factory=list)
    # Quarantine files no files entry names, kept live (kwo repair adopts them).
    quarantine: list[str] = field(default_factory=list)
    # Set by kwo repair: when, and what a rebuilt manifest cannot know.
    repaired: dict | None = None

    def to_json(self) -> str:
        data = {"version": self.version, "generation": self.generation, "files": self.files,
                "parts": self.parts, "retired": self.retired}
        if self.quarantine:
            data["quarantine"] = self.quarantine
        if self.repaired is not None:
            data["repaired"] = self.repaired
        return json.dumps(data, indent=1, sort_keys=True)

    @property
    def fingerprint(self) -> str:
        """Identifies the archive content: the sha256 of the sorted list of input hashes and parts."""
        h = hashlib.sha256()
        for entry in sorted(f["sha256"] for f in self.files):
            h.update(entry.encode())
        for part in sorted(p["path"] for p in self.parts):
            h.update(part.encode())
        return h.hexdigest()[:16]

    def live_paths(self) -> set[str]:
        """Every file of the archive this manifest keeps: its parts and quarantine files."""
        live = {p["path"] for p in self.parts} | set(self.quarantine)
        live |= {f["quarantine_file"] for f in self.files if f.get("quarantine_file")}
        return live


def parse_manifest(text: bytes, where: str, archive: str) -> Manifest:
    """The manifest in ``text`` (the bytes of ``where``), every field checked."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _damaged(where, archive, f"not JSON (at line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError):  # not UTF-8; nested deeper than Python recurses
        raise _damaged(where, archive, "not JSON") from None
    if not isinstance(data, dict):
        raise _damaged(where, archive, f"{_kind(data)} where an object belongs")
    version = data.get("version")
    if not _is_int(version) or version != FORMAT_VERSION:
        raise ArchiveError(f"{where}: archive format {shown(repr(version))} is not supported")  # not repairable
    files = _list(data, "files", where, archive)
    parts = _list(data, "parts", where, archive)
    retired = _list(data, "retired", where, archive)
    quarantine = _list(data, "quarantine", where, archive)
    for i, entry in enumerate(files):
        _check_file(entry, f"files[{i}]", where, archive)
    seen: set[str] = set()
    for i, part in enumerate(parts):
        _check_part(part, f"parts[{i}]", where, archive)
        if part["path"] in seen:
            raise _damaged(where, archive, f"parts[{i}]: {shown(part['path'])} is listed twice")
        seen.add(part["path"])
    for i, rel in enumerate(retired):
        if not isinstance(rel, str) or part_month(rel) is None or rel in seen:
            raise _damaged(where, archive, f"retired[{i}]: {shown(rel)!r} is not a replaced part")
    for i, rel in enumerate(quarantine):
        if not isinstance(rel, str) or not is_quarantine_path(rel):
            raise _damaged(where, archive, f"quarantine[{i}]: {shown(rel)!r} is not a quarantine file")
    # "lowercase_handles", in manifests of kwo before its first release, is ignored: every part
    # kwo writes stores handles lowercase.
    generation = data.get("generation", 0)
    repaired = data.get("repaired")
    if not _is_int(generation) or generation < 0:
        raise _damaged(where, archive, "generation is not a count")
    if repaired is not None and not isinstance(repaired, dict):
        raise _damaged(where, archive, "repaired is not an object")
    return Manifest(files=files, parts=parts, generation=generation,
                    retired=retired, quarantine=quarantine, repaired=repaired)


class ManifestError(ArchiveError):
    """The manifest is not one kwo can use; ``what`` says why."""

    def __init__(self, where: str, archive: str, what: str):
        self.what = what
        super().__init__(f"{where}: damaged manifest: {what}; nothing was changed "
                         f"(`kwo repair --archive {archive}` rebuilds it from the parts)")


def _damaged(where: str, archive: str, what: str) -> ManifestError:
    return ManifestError(where, archive, what)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list(data: dict, key: str, where: str, archive: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _damaged(where, archive, f"{key} is {_kind(value)}, not a list")
    return value


_JSON_KINDS = {type(None): "null", bool: "true or false", int: "a number", float: "a number", str: "text",
               list: "a list", dict: "an object"}


def _kind(value) -> str:
    return _JSON_KINDS.get(type(value), type(value).__name__)


def _check_part(part, at: str, where: str, archive: str) -> None:
    if not isinstance(part, dict):
        raise _damaged(where, archive, f"{at} is {_kind(part)}, not an object")
    path = part.get("path")
    if not isinstance(path, str):
        raise _damaged(where, archive, f"{at} has no path" if path is None else f"{at}: path is not text")
    month = part_month(path)
    if month is None:
        raise _damaged(where, archive, f"{at}: {shown(path)!r} is not a part of this archive "
                                       "(tweets/month=YYYY-MM/NAME.parquet)")
    if part.get("month") != month:
        raise _damaged(where, archive, f"{at}: month {shown(part.get('month'))!r} is not its folder's ({month})")
    rows = part.get("rows")
    if not _is_int(rows) or rows < 0:
        raise _damaged(where, archive, f"{at}: rows is not a count")


def _check_file(entry, at: str, where: str, archive: str) -> None:
    if not isinstance(entry, dict):
        raise _damaged(where, archive, f"{at} is {_kind(entry)}, not an object")
    for key in ("path", "format", "sha256"):
        if not isinstance(entry.get(key), str):
            raise _damaged(where, archive, f"{at}: {key} is not text")
    for key in _COUNTS:
        if key in entry and (not _is_int(entry[key]) or entry[key] < 0):
            raise _damaged(where, archive, f"{at}: {key} is not a count")
    if entry.get("size") is not None and not _is_int(entry["size"]):
        raise _damaged(where, archive, f"{at}: size is not a number of bytes")
    q = entry.get("quarantine_file")
    if q is not None and (not isinstance(q, str) or not is_quarantine_path(q)):
        raise _damaged(where, archive, f"{at}: quarantine_file {shown(q)!r} is not a file under quarantine/")
