"""``kwo sql``: user SQL over an archive, read-only by construction.

Three locks, each enough on its own for most attacks, together for all we know of:
only single SELECT-like statements are accepted (an EXPLAIN only of a SELECT: EXPLAIN ANALYZE
runs the statement it explains); DuckDB's file access is switched off except for the archive
directory (so no COPY TO, ATTACH, INSTALL or read_csv('/etc/passwd')); and the configuration is
locked so that a query cannot switch it back on.
"""

from __future__ import annotations

import os

import duckdb

from .archive import Archive
from .errors import QueryError
from .layout import duckdb_path

_ALLOWED = {"SELECT", "EXPLAIN"}


def sandboxed_connection(archive: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    arch = Archive(archive)
    con = arch.connect()
    # The parts are read through escaped absolute paths (kwo.layout.duckdb_path): allow the
    # archive under those names too, besides its resolved one.
    roots = {str(arch.path.resolve()), str(arch.root)}
    allowed = sorted({r + os.sep for r in roots} | {duckdb_path(r) + os.sep for r in roots})
    con.execute("SET allowed_directories = $1", [allowed])
    con.execute("SET enable_external_access = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")
    return con


def run_readonly_sql(archive: str | os.PathLike, query: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only statement; returns (column names, rows)."""
    con = sandboxed_connection(archive)
    try:
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as exc:
            raise QueryError(f"SQL syntax error: {_first_line(exc)}") from None
        if len(statements) != 1:
            raise QueryError(f"kwo sql runs exactly one statement; got {len(statements)}")
        kind = statements[0].type.name
        if kind not in _ALLOWED:
            raise QueryError(f"kwo sql is read-only: {kind} statements are refused (use SELECT)")
        if kind == "EXPLAIN":
            # EXPLAIN ANALYZE runs what it explains: EXPLAIN ANALYZE COPY ... TO would write into
            # the archive directory, the one place file access is allowed.
            explained = _explained(con, statements[0].query)
            if explained != "SELECT":
                raise QueryError("kwo sql is read-only: EXPLAIN is allowed of a SELECT only "
                                 f"(this one explains: {explained})")
        try:
            rel = con.sql(query)
            if rel is None:
                return [], []
            return list(rel.columns), rel.fetchall()
        except duckdb.Error as exc:
            raise QueryError(_first_line(exc)) from None
    finally:
        con.close()


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
    return inner[0].type.name if len(inner) == 1 else "multiple"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
