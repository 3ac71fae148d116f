"""The stage step of an ingest on Spark (``kwo ingest --engine spark``): plain v1.1 JSON-lines
inputs are parsed by Spark into staging Parquet files with the staging schema and the accounting
kwo's reader gives; the merge and the publish then run as for any ingest (kwo.ingest.transaction).

Spark takes an input when it is a plain (uncompressed) file whose content kwo detects as v1.1
JSON lines, and then only when every line of it is *sure* (kwo.ingest.spark_v1): a file with one
line Spark might read otherwise than kwo (a broken record, a search response, a pre-2010 tweet,
a value of an unexpected type...) is read by kwo's own reader, so that its rows and quarantine
entries are byte for byte the default ingest's. So are all other inputs (compressed files, zip
members, stdin, v2 and the other formats, files of 128 GiB or more): :class:`SparkStaged` names them.

Two Spark jobs: one counts each input's records, notices and unsure lines and gathers the
distinct ``source`` values (labelled here by kwo.schema.source_label, the one definition of that
rule); one writes the rows of the sure inputs, partitioned by input. A row's ``_seq`` keeps the
order of kwo's reader: the line's position in its file (Spark's byte offset of the line's file
split plus the line's number in that split, with one split per Spark partition) and the row's slot.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.spark import _hadoop_path
from ..io import file_sha256
from ..schema import source_label
from .results import FileResult
from .staging import FILE_SHIFT, STAGED_SCHEMA, Task, is_plain_jsonl

#: Line positions are byte offsets (split start + line number in the split) << SLOT_BITS, below
#: FILE_SHIFT: a file of this size or more is read by kwo's reader.
MAX_SPARK_BYTES = 1 << (FILE_SHIFT - 3)
_IN_SPLIT_BITS = 33  # monotonically_increasing_id: partition id << 33 | record number in the partition


@dataclass
class SparkStaged:
    """What Spark staged: the inputs' results (by input index) and their staging files, and the
    tasks left to kwo's reader with the reason Spark did not take each."""

    results: dict[int, FileResult] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    left: list[Task] = field(default_factory=list)
    why_left: dict[int, str] = field(default_factory=dict)


def spark_can_take(task: Task) -> str | None:
    """None when Spark may read ``task``'s input, else why not (said in the ingest's summary)."""
    if task.path == "-" or task.member is not None:
        return "standard input or a zip member"
    if task.fmt not in ("auto", "v1"):
        return f"--format {task.fmt}"
    name = is_plain_jsonl(task.path)
    if name != "v1":
        return "not plain v1.1 JSON lines (kwo's reader takes compressed files, documents, v2 and other formats)"
    if os.path.getsize(task.path) >= MAX_SPARK_BYTES:
        return "128 GiB or larger"
    return None


def stage_on_spark(spark, tasks: list[Task], staging: Path) -> SparkStaged:
    """Stage the tasks Spark can take; the others, and those with an unsure line, are left."""
    from pyspark.sql import functions as F

    from . import spark_v1

    out = SparkStaged()
    mine: list[Task] = []
    for task in tasks:
        why = spark_can_take(task)
        if why is None:
            mine.append(task)
        else:
            out.left.append(task)
            out.why_left[task.index] = why
    if not mine:
        return out
    now_ms = int(time.time() * 1000)
    saved = _set_conf(spark, {
        # One file split per partition, so that a line's number in its partition is its number in
        # the split (see the module docstring).
        "spark.sql.files.openCostInBytes": spark.conf.get("spark.sql.files.maxPartitionBytes"),
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MILLIS",
        "spark.sql.session.timeZone": "UTC",
    })
    try:
        lines = None
        for task in mine:
            df = (spark.read.option("lineSep", "\n").option("encoding", "UTF-8").text(_hadoop_path(os.path.abspath(task.path)))
                  .select("value", F.col("_metadata.file_block_start").alias("block"),
                          F.monotonically_increasing_id().alias("mid"))
                  .withColumn("input", F.lit(task.index)))
            lines = df if lines is None else lines.unionByName(df)
        lines = lines.where(~spark_v1.is_blank(F.col("value")))
        j = F.from_json("value", spark_v1.LINE_SCHEMA, spark_v1.JSON_OPTIONS)
        parsed = lines.select("input", "block", "mid", "value", j.alias("j"))
        parsed = parsed.select("input", "block", "mid", spark_v1.line_kind(F.col("j"), F.col("value")).alias("kind"),
                               F.when(F.col("j.id_str").isNotNull(), spark_v1.line_rows(F.col("j"), now_ms)).alias("rows"))
        sure_rows = F.forall(F.coalesce(F.col("rows"), F.array()), lambda r: r.isNull() | r["sure"])
        kind = F.when((F.col("kind") == "tweet") & ~sure_rows, "unsure").otherwise(F.col("kind"))
        counts = (parsed.withColumn("kind", kind)
                  .groupBy("input")
                  .agg(F.count("*").alias("records"), F.sum((F.col("kind") == "notice").cast("int")).alias("notices"),
                       F.sum((F.col("kind") == "unsure").cast("int")).alias("unsure"),
                       F.array_distinct(F.flatten(F.collect_list(F.transform(F.coalesce(F.col("rows"), F.array()),
                                                                             lambda r: r["source"])))).alias("sources"))
                  .collect())
        by_input = {r["input"]: r for r in counts}
        sure_inputs = []
        for task in mine:
            r = by_input.get(task.index)
            if r is not None and r["unsure"]:
                out.left.append(task)
                out.why_left[task.index] = f"{r['unsure']:,} line{'s' if r['unsure'] != 1 else ''} Spark cannot read exactly as kwo does"
                continue
            sure_inputs.append(task)
            out.results[task.index] = FileResult(
                path=task.path, format="v1", size=os.path.getsize(task.path), sha256=file_sha256(task.path),
                notices=(r["notices"] or 0) if r is not None else 0)
        if not sure_inputs:
            return out
        sources = sorted({s for r in counts if r["input"] in {t.index for t in sure_inputs}
                          for s in r["sources"] if s is not None})
        labels = spark.createDataFrame([(s, source_label(s)) for s in sources] or [("", None)],
                                       "raw_source string, label string")
        target = staging / "spark"
        _write_rows(parsed, sure_inputs, labels, target)
        for task in sure_inputs:
            folder = target / f"input={task.index}"
            files = sorted(str(p) for p in folder.glob("*.parquet")) if folder.is_dir() else []
            out.files.extend(files)
    finally:
        _set_conf(spark, saved)
    out.left.sort(key=lambda t: t.index)
    return out


def _write_rows(parsed, inputs: list[Task], labels, target: Path) -> None:
    from pyspark.sql import functions as F

    from . import spark_v1

    paths = F.create_map(*[F.lit(x) for t in inputs for x in (t.index, t.path)])
    # Every line of these inputs is a sure tweet or notice: the checks are not run again.
    rows = (parsed.where(F.col("input").isin([t.index for t in inputs]) & F.col("rows").isNotNull())
            .select("input", "block", "mid", F.posexplode("rows").alias("slot", "r"))
            .where(F.col("r").isNotNull()))
    line = F.col("block") + F.expr(f"mid & {(1 << _IN_SPLIT_BITS) - 1}")
    seq = (F.shiftleft(F.col("input").cast("bigint"), FILE_SHIFT)
           .bitwiseOR(F.shiftleft(line, spark_v1.SLOT_BITS)).bitwiseOR(F.col("slot")))
    rows = rows.join(F.broadcast(labels), F.col("r.source") == F.col("raw_source"), "left")
    columns = []
    for name in STAGED_SCHEMA.names:
        if name == "_seq":
            columns.append(seq.alias("_seq"))
        elif name == "source":
            columns.append(F.col("label").alias("source"))
        elif name == "source_file":
            columns.append(paths[F.col("input")].alias("source_file"))
        else:
            columns.append(F.col(f"r.{name}").alias(name))
    (rows.select(*columns, "input").write.mode("errorifexists").option("compression", "none")
     .partitionBy("input").parquet(str(target)))


def _set_conf(spark, values: dict[str, str]) -> dict[str, str | None]:
    """Set session settings; returns the previous ones (None: was unset) to set back."""
    saved = {}
    for key, value in values.items():
        try:
            saved[key] = spark.conf.get(key)
        except Exception:
            saved[key] = None
        if value is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, value)
    return saved
