"""``kwo repair``: rebuild a lost or damaged manifest from the parts on disk, verifying each.

The manifest is the archive's list of live parts; without it kwo cannot tell a part from a
leftover, so every command refuses a folder that holds parts but no manifest. Repair looks at
every ``tweets/month=YYYY-MM/*.parquet`` file and adopts the ones it can verify:

- a Parquet file kwo can read to the end, in kwo's tweet schema, with as many rows as its
  footer says, every ``created_at`` in its folder's month;
- not written by an ingest that never published (its journal in ``.staging/`` lacks the
  ``publish`` line: kwo.archive.leftovers), and not replaced by another part it adopts (a part kwo
  rewrote names the part it replaces in its metadata): those stay where they are, and the
  next ingest removes them as the leftovers they are;
- no tweet id in two adopted parts: if there is one, nothing is written (one of the two is a
  copy or a replaced part of an older kwo, and only the user can tell which).

It never deletes, moves or changes a part. A file it cannot verify stays where it is, is named
in the result and is not in the new manifest. A damaged manifest is kept beside the new one
(``manifest.json.before-repair-<time>``).

What a rebuilt manifest cannot know: the ``files`` entries (which inputs were ingested, their
sha256, sizes and counts) exist only in the manifest. So ``kwo ingest`` reads a file again even
if it was ingested before; its tweets are already in the archive, and the rule that the copy in
the archive wins makes them count as duplicates, so nothing is counted twice. Its quarantined
records are quarantined again, and the file is recorded anew. The report's ingest accounting
(coverage: input files, records read) covers only what was ingested after the repair.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.duckdb import connection_config
from ..errors import ArchiveError, KwoError
from . import Archive, holds_data
from .layout import (
    MANIFEST,
    TWEETS_DIR,
    check_real,
    duckdb_path,
    is_quarantine_path,
    part_month,
    shown,
)
from .leftovers import RunJournal, plan_sweep
from .lock import WriterLock, publish, read_manifest_bytes
from .manifest import Manifest, ManifestError, parse_manifest


@dataclass
class RepairResult:
    archive: str
    rebuilt: bool  # False: the manifest was sound, nothing was changed
    parts: list[dict] = field(default_factory=list)  # adopted: {path, month, rows}
    not_adopted: list[tuple[str, str]] = field(default_factory=list)  # (path, why), left where they are
    superseded: list[str] = field(default_factory=list)  # replaced by an adopted part: retired
    unfinished: list[str] = field(default_factory=list)  # written by an ingest that never published
    quarantine: list[str] = field(default_factory=list)  # quarantine files kept
    left_alone: list[str] = field(default_factory=list)  # other files that are not kwo's
    source_files: list[str] = field(default_factory=list)  # the inputs the adopted tweets came from
    set_aside: str | None = None  # where the damaged manifest was kept
    reason: str = ""  # why the manifest needed rebuilding

    @property
    def rows(self) -> int:
        return sum(p["rows"] for p in self.parts)


def repair(archive: str | os.PathLike) -> RepairResult:
    """Rebuild ``archive``'s manifest if it is missing or damaged, or names a part that is gone or
    does not read whole; see the module docstring. Holds the writer lock (fails at once if an
    ingest is running)."""
    arch = Archive(archive, must_exist=False)
    root = arch.root
    if not root.is_dir():
        raise ArchiveError(f"{arch.path}: no such archive")
    if read_manifest_bytes(root) is None and not holds_data(root):  # not to make any folder an archive
        raise ArchiveError(f"{arch.path}: not a kwo archive (no {MANIFEST}, no parts in {TWEETS_DIR}/): nothing to repair")
    lock = WriterLock(root, busy="run kwo repair when it has finished")
    try:
        data = read_manifest_bytes(root)
        reason = _what_is_wrong(arch, data)
        if reason is None:
            return RepairResult(archive=str(arch.path), rebuilt=False)
        run_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + os.urandom(4).hex()
        journal = RunJournal(root, run_id)
        try:
            result = _rebuild(arch, run_id, data, reason, journal)
        finally:
            journal.close()
        return result
    finally:
        lock.release()


def _what_is_wrong(arch: Archive, data: bytes | None) -> str | None:
    if data is None:
        return f"there was no {MANIFEST}"
    try:
        manifest = parse_manifest(data, str(arch.manifest_path), str(arch.path))
    except ManifestError as exc:
        return f"the manifest was damaged: {exc.what}"
    for part in manifest.parts:
        problem = arch.part_problem(part["path"])
        if problem is not None:
            return f"the manifest names {shown(part['path'])}, which {problem}"
    for part in manifest.parts:  # read whole: damage inside a part shows only when it is read
        try:
            rows = _verify(arch.root, part["path"]).rows
        except _Unverified as exc:
            return f"the manifest names {shown(part['path'])}, which does not verify: {exc}"
        if rows != part["rows"]:
            return f"the manifest gives {shown(part['path'])} {part['rows']:,} rows where it has {rows:,}"
    return None


def _rebuild(arch: Archive, run_id: str, data: bytes | None, reason: str, journal: RunJournal) -> RepairResult:
    root = arch.root
    result = RepairResult(archive=str(arch.path), rebuilt=True, reason=reason)
    sweep = plan_sweep(root, None, own_run=run_id)  # refuses if a writer is running
    sweep.close()
    unfinished = {rel for run in sweep.runs if not run.published for rel in run.created}
    candidates: list[str] = []
    for rel in sweep.foreign:
        if part_month(rel) is not None:
            candidates.append(rel)
        elif is_quarantine_path(rel):
            result.quarantine.append(rel)
        else:
            result.left_alone.append(rel)
    for rel in sweep.remove:  # recorded by a dead run's journal
        if rel in unfinished:
            if part_month(rel) is not None:
                result.unfinished.append(rel)
        elif part_month(rel) is not None:
            candidates.append(rel)
        elif is_quarantine_path(rel):
            result.quarantine.append(rel)
    verified: dict[str, _Part] = {}
    for rel in sorted(candidates):
        try:
            verified[rel] = _verify(root, rel)
        except _Unverified as exc:
            result.not_adopted.append((rel, str(exc)))
    replaced = {p.replaces for p in verified.values() if p.replaces}
    result.superseded = sorted(rel for rel in verified if rel in replaced)
    adopted = [p for rel, p in verified.items() if rel not in replaced]
    _check_unique(arch, adopted)
    result.parts = [{"path": p.rel, "month": p.month, "rows": p.rows} for p in adopted]
    result.source_files = sorted(set().union(*(p.sources for p in adopted)))
    result.quarantine.sort()
    manifest = Manifest(
        parts=result.parts, quarantine=result.quarantine, retired=result.superseded,
        generation=max((p.generation for p in verified.values()), default=0) + 1,
        repaired={"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "reason": reason,
                  "not_adopted": [rel for rel, _ in result.not_adopted],
                  "note": "rebuilt from the parts: which input files were ingested is not known"},
    )
    if data is not None:
        aside = f"{MANIFEST}.before-repair-{run_id}"
        fd = os.open(root / aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        result.set_aside = aside
    publish(root, manifest, started_from=data, tmp_dir=journal.dir)
    return result


class _Unverified(Exception):
    """Why a file cannot be adopted as a part."""


@dataclass
class _Part:
    rel: str
    month: str
    rows: int
    replaces: str | None
    generation: int
    sources: set[str]


def _verify(root: Path, rel: str) -> _Part:
    """Read the whole file (every column of every row group), or say why not."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from ..schema import TWEET_SCHEMA

    try:
        check_real(root, rel, kind="file")
    except KwoError as exc:
        raise _Unverified(str(exc).split(": ", 1)[-1].split(";")[0]) from None
    month = part_month(rel)
    try:
        pf = pq.ParquetFile(root / rel)
        if not pf.schema_arrow.remove_metadata().equals(TWEET_SCHEMA):
            raise _Unverified("not kwo's tweet schema (its columns: "
                              f"{shown(', '.join(pf.schema_arrow.names))[:200]})")
        meta = {k.decode(errors="replace"): v.decode(errors="replace") for k, v in (pf.metadata.metadata or {}).items()}
        rows, sources, months = 0, set(), set()
        for batch in pf.iter_batches(batch_size=65_536):
            rows += batch.num_rows
            created = batch.column("created_at")
            if created.null_count:
                raise _Unverified("rows without created_at")
            months.update(pc.unique(pc.strftime(created, format="%Y-%m")).to_pylist())
            handles = [batch.column("author_handle"), batch.column("in_reply_to_handle"),
                       pc.struct_field(pc.list_flatten(batch.column("mentions")), "handle")]
            if any(pc.any(pc.not_equal(h, pc.utf8_lower(h))).as_py() for h in handles):
                raise _Unverified("handles that are not lowercase (kwo stores them lowercase)")
            sources.update(s for s in pc.unique(batch.column("source_file")).to_pylist() if s is not None)
    except _Unverified:
        raise
    except (OSError, pa.ArrowException) as exc:
        raise _Unverified(f"not a readable Parquet file ({shown(str(exc).splitlines()[0])[:200]})") from None
    if rows != pf.metadata.num_rows:
        raise _Unverified(f"{rows:,} rows read where its footer says {pf.metadata.num_rows:,}")
    if rows == 0:
        raise _Unverified("holds no rows")
    if months != {month}:
        raise _Unverified(f"rows of {', '.join(sorted(months - {month}))} in the folder of {month}")
    replaces = meta.get("kwo.replaces")
    generation = meta.get("kwo.generation", "0")
    return _Part(rel=rel, month=month, rows=rows, replaces=replaces if replaces and part_month(replaces) else None,
                 generation=int(generation) if generation.isdigit() else 0, sources=sources)


def _check_unique(arch: Archive, parts: list[_Part]) -> None:
    """No tweet id in two parts; otherwise an error naming the parts, and nothing is written."""
    if not parts:
        return
    import duckdb

    con = duckdb.connect(":memory:", config=connection_config())
    try:
        con.read_parquet([duckdb_path(arch.root / p.rel) for p in parts], filename=True).create_view("t")
        shared = con.execute(
            "WITH twice AS (SELECT tweet_id FROM t GROUP BY tweet_id HAVING count(*) > 1) "
            "SELECT filename, count(*) FROM t SEMI JOIN twice USING (tweet_id) GROUP BY filename ORDER BY filename"
        ).fetchall()
    finally:
        con.close()
    if shared:
        prefix = str(arch.root) + os.sep
        listed = "; ".join(f"{shown(f.removeprefix(prefix))}: {n:,}" for f, n in shared[:10])
        raise ArchiveError(
            f"{arch.path}: cannot rebuild the manifest: parts share tweet ids ({listed}). One of them is a "
            "copy, or a part an ingest replaced; only you can tell which. Move the one you do not want "
            f"out of {TWEETS_DIR}/ (kwo changed nothing) and run kwo repair again")


__all__ = ["RepairResult", "repair"]
