"""Apache Spark as kwo's engine (issue 17): the same statements and figures as DuckDB, for archives
larger than one machine serves. Optional: ``pip install 'kwo[spark]'`` (pyspark, sqlglot) and a
Java runtime; pyspark is imported only when a Spark engine is opened.

The statements are kwo's one SQL source (kwo/sql/), a portable subset of DuckDB's dialect that
sqlglot transpiles to Spark's (tests/test_sql_portable.py keeps it so); a file of
kwo/sql/spark/FOLDER/NAME.sql replaces one whose Spark text differs, written in the same dialect
and transpiled the same way. On top of sqlglot the engine:

- turns ``CREATE [OR REPLACE] TABLE x AS q`` into the query ``q`` run with its parameters and
  kept as a temporary view over a ``localCheckpoint()`` of its rows (a table: computed once).
  Not ``persist()``: with it one table hit a Spark optimizer bug (PushProjectionThroughUnion,
  issue 17). ``CREATE VIEW x AS q`` becomes a temporary view over the query, not computed;
- binds the ``$name`` parameters through Spark (``spark.sql(text, args=...)``), never formatted;
- writes decimal literals (``100.0 * a / b``) as DOUBLE: in Spark they are DECIMAL, whose
  arithmetic rounds otherwise than DuckDB's DOUBLE;
- drops ``AS [NOT] MATERIALIZED`` (a DuckDB planning hint);
- expands the table macro ``kwo_quantiles('vals')`` into its text (Spark has no table macros),
  which gives the neighbours of the p90 so that it is interpolated exactly as DuckDB does
  (:func:`kwo.engine.duckdb_sql.interpolate_quantiles`; never percentile_approx);
- defines the prelude of engine functions (``kwo_handle``, ``kwo_isodow``) the statements call.

The session time zone is UTC (only the statements turn instants into wall-clock time), and the
recursive-CTE limits are raised for the thread walk (conversation_roots: up to 1,000 steps).
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from datetime import datetime
from functools import cache
from pathlib import Path

from ..errors import QueryError, UsageError

#: Spark's types for the SQL types of kwo's constant tables (kwo.roster's *_TYPES).
_SPARK_TYPES = {"INTEGER": "INT", "BIGINT": "BIGINT", "VARCHAR": "STRING", "BOOLEAN": "BOOLEAN",
                "TINYINT": "TINYINT", "SMALLINT": "SMALLINT", "DOUBLE": "DOUBLE"}

#: The engine functions the statements call, Spark's text (kwo.engine.duckdb.PRELUDE says what each
#: is). kwo_isodow: sqlglot's transpilation of isodow() shifts every weekday; epoch_ms(ts) becomes
#: TIMESTAMP_MILLIS, the reverse.
PRELUDE = (
    "CREATE OR REPLACE TEMPORARY FUNCTION kwo_handle(h STRING) RETURNS STRING RETURN h",
    "CREATE OR REPLACE TEMPORARY FUNCTION kwo_isodow(t TIMESTAMP) RETURNS INT RETURN weekday(t) + 1",
    "CREATE OR REPLACE TEMPORARY FUNCTION kwo_isoweek(d DATE) RETURNS INT RETURN weekofyear(d)",
    "CREATE OR REPLACE TEMPORARY FUNCTION kwo_epoch_ms(t TIMESTAMP) RETURNS BIGINT RETURN unix_millis(t)",
    "CREATE OR REPLACE TEMPORARY FUNCTION kwo_epoch_us(t TIMESTAMP) RETURNS BIGINT RETURN unix_micros(t)",
    "CREATE OR REPLACE TEMPORARY FUNCTION kwo_timestamptz_us(us BIGINT) RETURNS TIMESTAMP RETURN timestamp_micros(us)",
    "CREATE OR REPLACE TEMPORARY FUNCTION kwo_timestamp_us(us BIGINT) RETURNS TIMESTAMP_NTZ "
    "RETURN CAST(timestamp_micros(us) AS TIMESTAMP_NTZ)",
    "CREATE OR REPLACE TEMPORARY FUNCTION kwo_utc_hour(t TIMESTAMP) RETURNS BIGINT "
    "RETURN (unix_micros(t) + 86400000000000000) div 3600000000 - 24000000",
)

#: Spark's defaults stop a recursive CTE at depth 100 and 1M rows; the thread walk goes to 1,000
#: steps (tables/conversation_roots.sql) over every mention and reply.
RECURSION_LEVEL_LIMIT = 1100
DEFAULT_MASTER = "local[*]"
#: Shuffle partitions of a local session (Spark's 200 cost seconds of task overhead a query on one
#: machine); a cluster session keeps its own setting.
LOCAL_SHUFFLE_PARTITIONS = 2

_PARAM_RE = re.compile(r"(?<!:):([A-Za-z_]\w*)")


def _pyspark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("--engine spark needs pyspark: pip install 'kwo[spark]'") from None
    return SparkSession


def _sqlglot():
    try:
        import sqlglot
    except ImportError:
        raise UsageError("--engine spark needs sqlglot: pip install 'kwo[spark]'") from None
    return sqlglot


def _quiet_query_errors() -> None:
    """pyspark logs every failed statement as a JSON line with the JVM's stack trace on stderr;
    kwo reports the failure itself, once, as "query NAME: message" (kwo.errors.QueryError)."""
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:  # pyspark before 4.0 has no such logger
        return
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True


def spark_session(master: str | None = None, remote: str | None = None, conf: dict | None = None):
    """A SparkSession for kwo and whether it was made here: the process's active session when it
    has one (a notebook's, spark-submit's, the test suite's), else one at Spark Connect ``remote``
    (sc://host), else at ``master`` (a URL as spark-submit takes it; default local[*]).
    UsageError when pyspark or Java is missing."""
    SparkSession = _pyspark()
    _quiet_query_errors()
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    if not remote and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise UsageError("--engine spark needs a Java runtime (17 or later; Debian: apt-get install "
                         "openjdk-17-jre-headless), and none was found (no java on PATH, no JAVA_HOME)")
    builder = SparkSession.builder.appName("kwo")
    if remote:
        builder = builder.remote(remote)
    else:
        master = master or DEFAULT_MASTER
        builder = builder.master(master).config("spark.ui.enabled", "false") \
            .config("spark.ui.showConsoleProgress", "false")
        if master.startswith("local"):
            for key, value in _local_conf().items():
                builder = builder.config(key, value)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        with warnings.catch_warnings():
            # pyspark warns on every start that it does not know pandas 3 (kwo passes no pandas)
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
            spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        return spark, True
    except Exception as exc:  # the JVM did not start: say so, without pyspark's traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"--engine spark: could not start Spark ({first})") from None


def _local_conf() -> dict:
    """What a local session kwo starts itself sets besides Spark's defaults:

    - spark.sql.warehouse.dir in kwo's own temporary folder (kwo.engine.spill, removed at exit):
      Spark's default makes a ``spark-warehouse/`` folder in the working directory, which is the
      user's, and kwo keeps no Spark tables;
    - the JVM's log to errors only (spark_log4j2.properties beside this module), through
      spark.driver.defaultJavaOptions, so that extraJavaOptions a user sets still apply;
    - few shuffle partitions (LOCAL_SHUFFLE_PARTITIONS)."""
    from .spill import spark_warehouse_dir

    log4j = Path(__file__).with_name("spark_log4j2.properties")
    return {"spark.sql.shuffle.partitions": str(LOCAL_SHUFFLE_PARTITIONS),
            "spark.sql.warehouse.dir": spark_warehouse_dir(),
            "spark.driver.defaultJavaOptions": f"-Dlog4j2.configurationFile={log4j.as_uri()}"}


def _configure(spark) -> None:
    for key, value in (("spark.sql.session.timeZone", "UTC"),
                       ("spark.sql.cteRecursionLevelLimit", str(RECURSION_LEVEL_LIMIT)),
                       ("spark.sql.cteRecursionRowLimit", "-1")):
        try:
            spark.conf.set(key, value)
        except Exception:  # a Spark without recursive CTEs has no such limits to raise
            if key == "spark.sql.session.timeZone":
                raise
    for sql in PRELUDE:
        spark.sql(sql)


class SparkEngine:
    """The :class:`kwo.engine.base.Engine` of a SparkSession (``spark``). With ``own=True`` closing
    the engine stops the session; otherwise (a session the caller keeps, such as the test suite's)
    the engine works in a new session of it (temporary views and settings of its own) and drops
    its views on close."""

    name = "spark"

    def __init__(self, spark, *, own: bool = False):
        self.own = own
        self.spark = spark if own else spark.newSession()
        self._views: set[str] = set()
        self._macros: dict[str, tuple[str, str]] = {}  # name -> (parameter, body as Spark AST text)
        _configure(self.spark)

    # -- the Engine protocol --------------------------------------------------------------------

    @property
    def time_zone(self) -> str:
        return self.spark.conf.get("spark.sql.session.timeZone")

    def set_time_zone(self, tz: str) -> None:
        self.spark.conf.set("spark.sql.session.timeZone", tz)

    def run(self, name: str, bindings: dict | None = None) -> None:
        self._execute(name, self._load(name), bindings)

    def query(self, name: str, bindings: dict | None = None) -> list[dict]:
        return self.query_text(name, self._load(name), bindings)

    def query_text(self, name: str, sql: str, bindings: dict | None = None) -> list[dict]:
        df = self._dataframe(name, sql, bindings)
        try:
            rows = [r.asDict() for r in df.collect()]
        except Exception as exc:
            raise QueryError(f"query {name}: {_first_line(exc)}") from None
        cols = df.columns
        if rows and any(c.endswith("__frac") for c in cols):
            import duckdb

            from .duckdb_sql import interpolate_quantiles

            # DuckDB's own interpolation of the two neighbours: the same bits as its quantile_cont
            con = duckdb.connect()
            try:
                rows = interpolate_quantiles(con, rows)
            finally:
                con.close()
        return rows

    def create_table(self, table: str, name: str, bindings: dict | None = None) -> None:
        self._keep(table, self._dataframe(name, self._load(name), bindings), name)

    def fetch_arrow(self, name: str, bindings: dict | None = None):
        df = self._dataframe(name, self._load(name), bindings)
        try:
            return df.toArrow()
        except Exception as exc:
            raise QueryError(f"query {name}: {_first_line(exc)}") from None

    def register_arrow(self, table: str, data) -> None:
        self._view(table, self.spark.createDataFrame(data))

    def create_columns_table(self, table: str, columns: dict[str, list], types: dict[str, str]) -> None:
        schema = ", ".join(f"{col} {_SPARK_TYPES[types[col]]}" for col in columns)
        rows = list(zip(*columns.values())) if columns else []
        self._view(table, self.spark.createDataFrame(rows, schema))

    def to_utc(self, wall: datetime, tz: str) -> int:
        # Spark's (Java's) time-zone rules convert the wall-clock time, as they convert the hours.
        (row,) = self.spark.sql(
            "SELECT unix_millis(to_utc_timestamp(CAST(CAST(:wall AS TIMESTAMP_NTZ) AS TIMESTAMP), :tz)) AS ms",
            args={"wall": wall.isoformat(sep=" "), "tz": tz}).collect()
        return row["ms"]

    def close(self) -> None:
        for view in self._views:
            self.spark.catalog.dropTempView(view)
        self._views.clear()
        if self.own:
            self.spark.stop()

    # -- the archive ----------------------------------------------------------------------------

    def register_parts(self, paths: list[str]) -> None:
        """The ``tweets`` view over exactly these Parquet files (the manifest's parts: any path
        Spark reads, s3a://, hdfs://, ...), never a glob of a folder."""
        if paths:
            try:
                df = self.spark.read.parquet(*paths)
            except Exception as exc:
                raise QueryError(f"cannot read the archive's parts: {_first_line(exc)}") from None
        else:
            from ..schema import TWEET_SCHEMA

            df = self.spark.createDataFrame(TWEET_SCHEMA.empty_table())
        self._view("tweets", df)

    # -- statements -----------------------------------------------------------------------------

    def _load(self, name: str) -> str:
        from ..sql.loader import load_query

        return load_query(name, self.name)

    def _dataframe(self, name: str, sql: str, bindings: dict | None):
        """The DataFrame of the query ``sql`` (no CREATE), its parameters bound by Spark."""
        text = self._spark_text(name, sql)
        if isinstance(text, tuple):
            raise QueryError(f"query {name}: creates {text[1]}, returns no rows")
        return self._sql(name, text, bindings)

    def _execute(self, name: str, sql: str, bindings: dict | None) -> None:
        macro = _MACRO_RE.match(_strip_comments(sql))
        if macro:  # a table macro: kept, and put in place where a statement calls it
            name_, param, body = macro.groups()
            self._macros[name_.lower()] = (param, macro_body(param, body))
            return
        text = self._spark_text(name, sql)
        if not isinstance(text, tuple):
            self._sql(name, text, bindings).collect()
            return
        kind, table, query = text
        df = self._sql(name, query, bindings)
        if kind == "VIEW":
            self._view(table, df)
        else:
            self._keep(table, df, name)

    def _keep(self, table: str, df, name: str) -> None:
        try:
            df = df.localCheckpoint()
        except Exception as exc:
            raise QueryError(f"query {name}: {_first_line(exc)}") from None
        self._view(table, df)

    def _view(self, table: str, df) -> None:
        df.createOrReplaceTempView(table)
        self._views.add(table)

    def _sql(self, name: str, text: str, bindings: dict | None):
        wanted = set(_PARAM_RE.findall(_STRING_RE.sub("''", text)))
        bindings = bindings or {}
        missing = wanted - set(bindings)
        if missing:
            raise QueryError(f"query {name}: parameters not given: {', '.join(sorted(missing))}")
        try:
            return self.spark.sql(text, args={k: bindings[k] for k in sorted(wanted)})
        except Exception as exc:
            raise QueryError(f"query {name}: {_first_line(exc)}") from None

    def _spark_text(self, name: str, sql: str):
        """The Spark text of a kwo statement: a query's text, or (kind, table, query text) for a
        CREATE TABLE/VIEW."""
        return _transpile(sql, tuple(sorted(self._macros.items())))


def macro_body(param: str, body: str) -> str:
    """A table macro's body as the query put in place of its call (no statement's semicolon)."""
    return body.strip().removesuffix(";").replace(f"query_table({param})", param)


_MACRO_RE = re.compile(r"\s*CREATE\s+OR\s+REPLACE\s+TEMP\s+MACRO\s+(\w+)\((\w+)\)\s+AS\s+TABLE\s(.*)", re.I | re.S)
_STRING_RE = re.compile(r"'(?:[^'\\]|\\.|'')*'")


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _first_line(exc: BaseException) -> str:
    # pyspark's errors carry the JVM's stack trace in str(); getMessage() is Spark's sentence
    get = getattr(exc, "getMessage", None)
    text = (get() if callable(get) else str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@cache
def _transpile(sql: str, macros: tuple):
    sqlglot = _sqlglot()
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(_strip_comments(sql), read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise QueryError(f"cannot transpile to Spark: {_first_line(exc)}") from None
    bodies = dict(macros)

    def rewrite(node):
        if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
            node.set("materialized", None)
        if isinstance(node, exp.Literal) and not node.is_string and re.search(r"[.eE]", node.this):
            return exp.cast(node.copy(), "DOUBLE")
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous) \
                and node.this.name.lower() in bodies:
            param, body = bodies[node.this.name.lower()]
            (arg,) = node.this.expressions
            sub = sqlglot.parse_one(body, read="duckdb").transform(rewrite)
            for t in sub.find_all(exp.Table):
                if t.name == param:
                    t.set("this", exp.to_identifier(arg.name))
            alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier(f"kwo_{param}"))
            return exp.Subquery(this=sub, alias=alias)
        if isinstance(node, exp.RegexpFullMatch if hasattr(exp, "RegexpFullMatch") else ()) or (
                isinstance(node, exp.Anonymous) and node.name.lower() == "regexp_full_match"):
            subject, pattern = node.expressions if isinstance(node, exp.Anonymous) else (node.this, node.expression)
            return exp.RegexpLike(this=subject, expression=exp.Literal.string(f"^(?:{pattern.name})$"))
        return node

    tree = tree.transform(rewrite)
    if isinstance(tree, exp.Create):
        kind = tree.args.get("kind", "").upper()
        if kind not in ("TABLE", "VIEW") or not isinstance(tree.expression, exp.Query):
            raise QueryError(f"cannot run on Spark: CREATE {kind} without a query")
        return kind, tree.this.name, tree.expression.sql(dialect="spark")
    return tree.sql(dialect="spark")


def open_archive(arch, *, manifest, settings=None, spark=None) -> SparkEngine:
    """A Spark engine over ``manifest``'s parts of ``arch``: on ``spark`` (a SparkSession the caller
    keeps), else on a session of its own from ``settings`` (kwo.settings.Settings: spark_master,
    spark_remote)."""
    paths = [str(arch.check_part(p["path"])) for p in manifest.parts]
    own = False
    if spark is None:
        spark, own = spark_session(getattr(settings, "spark_master", None), getattr(settings, "spark_remote", None))
    engine = SparkEngine(spark, own=own)
    try:
        engine.register_parts([_hadoop_path(p) for p in paths])
    except BaseException:
        engine.close()
        raise
    return engine


def open_url_archive(url: str, *, settings=None, spark=None):
    """A Spark engine over the archive at ``url`` (s3a://, hdfs://, abfss://, file://; see
    kwo.archive.url) and the manifest it was opened at: the manifest is read once, by Spark, and
    checked as a local one is; the ``tweets`` view is exactly its parts, never a glob of the folder.

    A file:// archive is a folder on this machine, so its parts get the local checks too (no
    symbolic link on the way, a whole Parquet file): Hadoop's file system follows links. Object
    stores have no links to follow."""
    from ..archive import Archive
    from ..archive.manifest import parse_manifest
    from ..archive.url import local_folder, part_url
    from ..errors import ArchiveError

    own = False
    if spark is None:
        spark, own = spark_session(getattr(settings, "spark_master", None), getattr(settings, "spark_remote", None))
    engine = SparkEngine(spark, own=own)
    try:
        where = part_url(url, "manifest.json")
        try:
            rows = spark.read.text(_hadoop_path(where), wholetext=True).collect()
        except Exception as exc:
            raise ArchiveError(f"{where}: cannot be read, so {url} is no kwo archive that Spark reaches "
                               f"({_first_line(exc)})") from None
        manifest = parse_manifest(rows[0][0].encode("utf-8") if rows else b"", where, url)
        folder = local_folder(url)
        if folder is not None:
            local = Archive(folder)
            local.read_manifest()  # refuses a linked manifest.json
            for part in manifest.parts:
                local.check_part(part["path"])
        engine.register_parts([_hadoop_path(part_url(url, p["path"])) for p in manifest.parts])
    except BaseException:
        engine.close()
        raise
    return engine, manifest


def _hadoop_path(path: str) -> str:
    # Spark expands glob characters in the paths it reads: escape them, so a part is only itself.
    return re.sub(r"([\\*?\[\]{}])", r"\\\1", path)


__all__ = ["PRELUDE", "SparkEngine", "open_archive", "open_url_archive", "spark_session"]
