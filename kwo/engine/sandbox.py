"""``kwo sql``: user SQL over an archive, read-only by construction, and bounded.

Three locks, each enough on its own for most attacks, together for all we know of:
only single SELECT-like statements are accepted (an EXPLAIN only of a SELECT: EXPLAIN ANALYZE
runs the statement it explains); DuckDB's file access is switched off except for the archive
directory (so no COPY TO, ATTACH, INSTALL or read_csv('/etc/passwd')); and the configuration is
locked so that a query cannot switch it back on.

And limits, so that one query cannot take the machine: a time limit (``timeout``, default
:data:`DEFAULT_TIMEOUT_S`), Ctrl-C honoured at once even while DuckDB computes (a watchdog
thread interrupts the connection), DuckDB's memory limit (KWO_MEMORY_LIMIT), a cap on its
spill files (``temp_limit``, DuckDB's max_temp_directory_size) in a folder of kwo's own that the
next run removes when this one is killed (kwo.spill), and rows that stream out in batches of
:data:`FETCH_ROWS` instead of being gathered in Python.
"""

from __future__ import annotations

import os
import select
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb

from ..archive import Archive
from ..archive.layout import duckdb_path
from ..errors import QueryError, UsageError
from .duckdb import connect_archive, memory_limit

_ALLOWED = {"SELECT", "EXPLAIN"}

#: A query that runs longer is stopped (kwo sql --timeout; 0 or None: no limit).
DEFAULT_TIMEOUT_S = 600
#: DuckDB's spill files of one query may take this much disk at most (kwo sql --temp-limit).
DEFAULT_TEMP_LIMIT = "10GB"
#: Rows fetched from DuckDB at a time.
FETCH_ROWS = 2048


def sandboxed_connection(archive: str | os.PathLike, *, temp_limit: str = DEFAULT_TEMP_LIMIT,
                         memory: str | None = None) -> duckdb.DuckDBPyConnection:
    arch = Archive(archive)
    con = connect_archive(arch, memory_limit=memory)
    # The parts are read through escaped absolute paths (kwo.layout.duckdb_path): allow the
    # archive under those names too, besides its resolved one.
    roots = {str(arch.path.resolve()), str(arch.root)}
    allowed = sorted({r + os.sep for r in roots} | {duckdb_path(r) + os.sep for r in roots})
    try:
        con.execute("SET max_temp_directory_size = $1", [temp_limit])
    except duckdb.Error:
        con.close()
        raise UsageError(f"--temp-limit {temp_limit!r}: expected a size such as 500MB or 10GB") from None
    from .sql_views import VIEWS

    for view in VIEWS:  # before the lock: a view is kwo's own SQL over the tweets view
        if view.sql is not None:
            con.execute(f"CREATE VIEW {view.name} AS {view.sql}")
    con.execute("SET allowed_directories = $1", [allowed])
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")
    return con


@dataclass
class QueryResult:
    """The columns of a running query and its rows as they come (:meth:`batches`, :meth:`rows`)."""

    columns: list[str]
    _cursor: duckdb.DuckDBPyConnection | None
    _errors: _Translate
    types: list[str] = field(default_factory=list)  # DuckDB's type of each column (BIGINT, VARCHAR[], ...)

    def batches(self, size: int = FETCH_ROWS) -> Iterator[list[tuple]]:
        if self._cursor is None:
            return
        while True:
            with self._errors:
                batch = self._cursor.fetchmany(size)
            if not batch:
                return
            yield batch

    def rows(self) -> Iterator[tuple]:
        for batch in self.batches():
            yield from batch


@contextmanager
def readonly_query(archive: str | os.PathLike, query: str, *, timeout: float | None = DEFAULT_TIMEOUT_S,
                   temp_limit: str = DEFAULT_TEMP_LIMIT, memory: str | None = None) -> Iterator[QueryResult]:
    """Run one read-only statement; the block reads its rows while the limits hold (the time
    limit runs until the block ends). Raises QueryError (refused, failed, over a limit) and
    KeyboardInterrupt (Ctrl-C). ``memory``: DuckDB's memory limit (kwo.settings.Settings)."""
    con = sandboxed_connection(archive, temp_limit=temp_limit, memory=memory)
    try:
        with _Watchdog(con, timeout) as watchdog:
            errors = _Translate(watchdog, temp_limit, memory_limit(memory))
            with errors:  # the check runs DuckDB too: a Ctrl-C during it is an interrupt as well
                check_readonly(con, query)
                cursor = con.execute(query)
            columns = [d[0] for d in cursor.description] if cursor.description else []
            types = [str(d[1]) for d in cursor.description] if cursor.description else []
            yield QueryResult(columns, cursor if cursor.description else None, errors, types)
    finally:
        con.close()


def run_readonly_sql(archive: str | os.PathLike, query: str, *, timeout: float | None = DEFAULT_TIMEOUT_S,
                     temp_limit: str = DEFAULT_TEMP_LIMIT, memory: str | None = None
                     ) -> tuple[list[str], list[tuple]]:
    """Run one read-only statement; returns (column names, every row). For large results use
    :func:`readonly_query`, which streams."""
    with readonly_query(archive, query, timeout=timeout, temp_limit=temp_limit, memory=memory) as result:
        return result.columns, list(result.rows())


def check_readonly(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Raise QueryError unless ``query`` is exactly one SELECT (or EXPLAIN of one)."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryError(f"SQL syntax error: {_first_line(exc)}") from None
    if len(statements) != 1:
        raise QueryError(f"kwo sql runs exactly one statement; got {len(statements)}")
    kind = _kind(statements[0], query)
    if kind not in _ALLOWED:
        raise QueryError(f"kwo sql is read-only: {kind} statements are refused (use SELECT)")
    if kind == "EXPLAIN":
        # EXPLAIN ANALYZE runs what it explains: EXPLAIN ANALYZE COPY ... TO would write into
        # the archive directory, the one place file access is allowed.
        explained = _explained(con, statements[0].query)
        if explained != "SELECT":
            raise QueryError("kwo sql is read-only: EXPLAIN is allowed of a SELECT only "
                             f"(this one explains: {explained})")


def _kind(statement, text: str) -> str:
    """The statement's type name; for a type the duckdb module has no name for (UPDATE
    EXTENSIONS in DuckDB 2.0 raised "29 is not a valid StatementType") its first two words."""
    try:
        return statement.type.name
    except ValueError:
        words = (getattr(statement, "query", None) or text).split()[:2]
        return " ".join(words).upper() or "unknown"


class _Watchdog:
    """Interrupts the connection when the time limit passes or on Ctrl-C (SIGINT).

    A Python signal handler runs only between bytecodes of the main thread, so a SIGINT used to
    wait until DuckDB returned (a whole query). The C-level handler does write the signal number
    to the wakeup fd at once: a thread waiting on that fd interrupts DuckDB within milliseconds,
    and the KeyboardInterrupt follows in the main thread as usual."""

    def __init__(self, con: duckdb.DuckDBPyConnection, timeout: float | None):
        self.con = con
        self.timeout = timeout or None
        self.reason: str | None = None  # "timeout" or "interrupt" once it fired
        self._stop_r, self._stop_w = os.pipe()
        self._wake_r = self._wake_w = None
        self._old_wakeup = None
        self._thread = threading.Thread(target=self._watch, name="kwo-sql-watchdog", daemon=True)

    def __enter__(self) -> _Watchdog:
        if threading.current_thread() is threading.main_thread():
            self._wake_r, self._wake_w = os.pipe()
            os.set_blocking(self._wake_w, False)
            os.set_blocking(self._wake_r, False)
            self._old_wakeup = signal.set_wakeup_fd(self._wake_w, warn_on_full_buffer=False)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        os.write(self._stop_w, b"x")
        self._thread.join()
        if self._wake_w is not None:
            signal.set_wakeup_fd(self._old_wakeup)
            if self._old_wakeup != -1:  # hand the signals on to whoever waited for them before
                try:
                    os.write(self._old_wakeup, os.read(self._wake_r, 64))
                except OSError:
                    pass
        for fd in (self._stop_r, self._stop_w, self._wake_r, self._wake_w):
            if fd is not None:
                os.close(fd)

    def settle(self, seconds: float) -> None:
        """Wait up to ``seconds`` for the watchdog to have fired (or to keep waiting)."""
        self._thread.join(seconds)

    def _watch(self) -> None:
        waiting = [self._stop_r] + ([self._wake_r] if self._wake_r is not None else [])
        ready, _, _ = select.select(waiting, [], [], self.timeout)
        if self._stop_r in ready:
            return
        if not ready:
            self.reason = "timeout"
        else:
            signals = os.read(self._wake_r, 64)
            if signal.SIGINT not in signals:
                return  # another signal (SIGWINCH, ...): Python handles it; the query goes on
            self.reason = "interrupt"
        self.con.interrupt()


class _Translate:
    """DuckDB's errors as kwo's: the limits by name, anything else by its first line."""

    def __init__(self, watchdog: _Watchdog, temp_limit: str, memory_limit: str):
        self.watchdog = watchdog
        self.temp_limit = temp_limit
        self.memory_limit = memory_limit

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None:
            return False
        interrupted = isinstance(exc, (RuntimeError, duckdb.InterruptException))
        if interrupted and self.watchdog.reason is None:
            # DuckDB's own SIGINT handler can stop the query before the watchdog thread has read
            # the signal (seen under load): give the thread a moment to say why.
            self.watchdog.settle(1.0)
        reason = self.watchdog.reason
        if reason is None and interrupted and "interrupt" in str(exc).lower():
            reason = "interrupt"  # DuckDB's handler took the SIGINT itself: nothing else interrupts
        # an interrupted execute() raises RuntimeError("Query interrupted"), a fetch InterruptException
        if not (isinstance(exc, duckdb.Error) or (reason and isinstance(exc, RuntimeError))):
            return False
        if reason == "interrupt":
            raise KeyboardInterrupt from None
        if reason == "timeout":
            t = f"{self.watchdog.timeout:g}"
            raise QueryError(f"the query was stopped after {t} s (kwo sql --timeout {t}; --timeout 0 for no "
                             "limit)") from None
        if isinstance(exc, duckdb.OutOfMemoryException):
            if "max_temp_directory_size" in str(exc):
                raise QueryError(f"the query needs more than {self.temp_limit} of disk for its temporary files "
                                 f"(kwo sql --temp-limit {self.temp_limit}): filter or aggregate more, or raise "
                                 "--temp-limit") from None
            raise QueryError(f"the query needs more memory than kwo's limit of {self.memory_limit} (set "
                             f"KWO_MEMORY_LIMIT to raise it): {_first_line(exc)}") from None
        raise QueryError(_first_line(exc)) from None


def _explained(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """The type of the statement an ``EXPLAIN [ANALYZE] [(options)] statement`` explains."""
    starts = [pos for pos, kind in duckdb.tokenize(query) if kind != duckdb.token_type.comment]
    # each token's text up to the next token, without the comments and blanks after it
    words = [(query[a:b].split(None, 1) or [""])[0] for a, b in zip(starts, [*starts[1:], len(query)])]
    i = 1  # words[0] is EXPLAIN
    if i < len(words) and words[i].upper() in ("ANALYZE", "ANALYSE"):
        i += 1
    if i < len(words) and words[i].startswith("("):  # options, or a statement in parentheses
        j, depth = i, 0
        while j < len(words):
            depth += words[j].count("(") - words[j].count(")")
            j += 1
            if depth <= 0:
                break
        if j < len(words):
            i = j
    if i >= len(words):
        return "missing"
    try:
        inner = con.extract_statements(query[starts[i]:])
    except duckdb.Error:
        return "unreadable"
    return _kind(inner[0], query[starts[i]:]) if len(inner) == 1 else "multiple"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
