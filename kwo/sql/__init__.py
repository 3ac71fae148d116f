"""kwo's SQL statements (package data) and their loader: see :mod:`kwo.sql.loader` for the layout,
the header lines and how the build order of the report tables is computed."""

from .loader import (
    DEFAULT_ENGINE,
    ENGINES,
    EXTERNAL,
    Statement,
    all_statement_names,
    build_order,
    choices,
    load_query,
    parse_header,
    provided,
    query_parameters,
    sql_root,
    statement,
    statement_names,
)

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "EXTERNAL",
    "Statement",
    "all_statement_names",
    "build_order",
    "choices",
    "load_query",
    "parse_header",
    "provided",
    "query_parameters",
    "sql_root",
    "statement",
    "statement_names",
]
