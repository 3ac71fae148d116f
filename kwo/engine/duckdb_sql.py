"""Running kwo's SQL files (kwo.sql) on a DuckDB connection: parameters bound by name, rows as
dicts, and the quantiles the spill-safe macro returns in pieces put together by DuckDB itself."""

from __future__ import annotations

import duckdb

from ..errors import QueryError
from ..sql.loader import load_query, query_parameters

ENGINE = "duckdb"


def _bind(sql: str, bindings: dict | None) -> dict:
    wanted = query_parameters(sql)
    bindings = bindings or {}
    missing = wanted - bindings.keys()
    if missing:
        raise QueryError(f"parameters not given: {', '.join(sorted(missing))}")
    # DuckDB refuses parameters a statement does not use, so pass exactly the ones it names.
    return {k: bindings[k] for k in wanted}


def run_statement(con: duckdb.DuckDBPyConnection, name: str, bindings: dict | None = None) -> None:
    """Run statement ``name`` of kwo.sql (``tables/mentions``) for its effect."""
    sql = load_query(name, ENGINE)
    try:
        con.execute(sql, _bind(sql, bindings))
    except duckdb.Error as exc:
        raise QueryError(f"query {name}: {exc}") from None


def create_table(con: duckdb.DuckDBPyConnection, table: str, name: str, bindings: dict | None = None) -> None:
    """Make table ``table`` (a kwo name, never user input) from the rows of query ``name``."""
    sql = load_query(name, ENGINE)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}", _bind(sql, bindings))
    except duckdb.Error as exc:
        raise QueryError(f"query {name}: {exc}") from None


def fetch_arrow(con: duckdb.DuckDBPyConnection, name: str, bindings: dict | None = None):
    """The rows of query ``name`` as a pyarrow Table."""
    sql = load_query(name, ENGINE)
    try:
        return con.execute(sql, _bind(sql, bindings)).fetch_arrow_table()
    except duckdb.Error as exc:
        raise QueryError(f"query {name}: {exc}") from None


def run_query(con: duckdb.DuckDBPyConnection, name: str, bindings: dict | None = None) -> list[dict]:
    """Run statement ``name`` of kwo.sql (``metrics/hourly``) and return its rows as dicts.

    A quantile the query returns in pieces (columns ``X__lo``, ``X__hi``, ``X__frac``: the values at
    quantile_cont's positions floor(h) and ceil(h) and h - floor(h)) comes back as one column ``X``,
    interpolated by :func:`interpolate_quantiles`."""
    return run_sql(con, name, load_query(name, ENGINE), bindings)


def run_sql(con: duckdb.DuckDBPyConnection, name: str, sql: str, bindings: dict | None = None) -> list[dict]:
    """:func:`run_query` for the text ``sql`` (``name`` says in errors which statement it is)."""
    try:
        cur = con.execute(sql, _bind(sql, bindings))
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, row)) for row in cur.fetchall()]
        return interpolate_quantiles(con, rows) if any(c.endswith("__frac") for c in cols) else rows
    except duckdb.Error as exc:
        raise QueryError(f"query {name}: {exc}") from None


def interpolate_quantiles(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> list[dict]:
    """Replace the columns ``X__lo``, ``X__hi``, ``X__frac`` of ``rows`` by ``X``: what quantile_cont
    returns when lo and hi are the values at its positions floor(h) and ceil(h) and frac = h - floor(h).

    quantile_cont gives the value at floor(h) when frac is 0 and otherwise interpolates with DuckDB's
    own formula, whose floating-point rounding depends on how DuckDB was compiled (FMA or not). So
    the interpolation is left to DuckDB: quantile_cont over the two values [lo, hi] at quantile frac
    (h = (2 - 1) * frac) is the same computation on the same three numbers. The fraction must be a
    constant of a query, hence bound parameters: one query for every distinct triple of ``rows``.
    """
    names = [c[: -len("__frac")] for c in rows[0] if c.endswith("__frac")] if rows else []
    triples: dict[tuple, int] = {}
    for row in rows:
        for n in names:
            lo, hi, frac = row[f"{n}__lo"], row[f"{n}__hi"], row[f"{n}__frac"]
            if lo is not None and hi is not None and frac:
                triples.setdefault((lo, hi, frac), len(triples))
    interpolated: dict[tuple, float] = {}
    if triples:
        params: dict[str, float] = {}
        for (lo, hi, frac), i in triples.items():
            params.update({f"lo{i}": lo, f"hi{i}": hi, f"f{i}": frac})
        sql = "SELECT " + ", ".join(
            f"list_aggregate([$lo{i}::DOUBLE, $hi{i}::DOUBLE], 'quantile_cont', $f{i}::DOUBLE)" for i in triples.values()
        )
        values = con.execute(sql, params).fetchone()
        interpolated = {t: values[i] for t, i in triples.items()}
    out = []
    for row in rows:
        new = {}
        for k, v in row.items():
            if k.endswith(("__hi", "__frac")):
                continue
            if k.endswith("__lo"):
                n = k[: -len("__lo")]
                frac = row[f"{n}__frac"]
                key = (v, row[f"{n}__hi"], frac)
                new[n] = interpolated.get(key, v)  # frac 0 (or no values): the value at floor(h)
            else:
                new[k] = v
        out.append(new)
    return out


__all__ = ["create_table", "fetch_arrow", "interpolate_quantiles", "run_query", "run_sql", "run_statement"]
