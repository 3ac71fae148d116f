"""The engine seam: what kwo's report asks of an SQL engine, whichever runs the statements.

An :class:`Engine` is one session over one archive (the manifest's list of parts, never a glob):
it runs kwo's named statements (kwo.sql) with bound ``$name`` parameters (never formatted into
the text), creates tables from them, fetches results as rows or Arrow, takes Arrow tables and
columns in, and has a session time zone (UTC: only the statements turn instants into wall-clock
time). ``kwo.engine.duckdb.DuckDBEngine`` is the default and the reference.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Engine(Protocol):
    #: The engine's name: its folder of override statements in kwo/sql/ (kwo.sql.loader.ENGINES).
    name: str

    @property
    def time_zone(self) -> str:
        """The session time zone (kwo sets it to UTC)."""

    def set_time_zone(self, tz: str) -> None:
        """Set the session time zone."""

    def run(self, name: str, bindings: dict | None = None) -> None:
        """Run statement ``name`` of kwo.sql (``tables/mentions``) for its effect."""

    def query(self, name: str, bindings: dict | None = None) -> list[dict]:
        """Run statement ``name`` and return its rows as dicts (quantiles put together)."""

    def query_text(self, name: str, sql: str, bindings: dict | None = None) -> list[dict]:
        """:meth:`query` for kwo's own text ``sql`` (``name`` says in errors which statement it is)."""

    def create_table(self, table: str, name: str, bindings: dict | None = None) -> None:
        """Make table ``table`` from the rows of statement ``name``."""

    def fetch_arrow(self, name: str, bindings: dict | None = None) -> Any:
        """The rows of statement ``name`` as a pyarrow Table."""

    def register_arrow(self, table: str, data: Any) -> None:
        """Make the pyarrow Table ``data`` readable as ``table``."""

    def create_columns_table(self, table: str, columns: dict[str, list], types: dict[str, str]) -> None:
        """Make table ``table`` from Python lists ``columns`` of the SQL ``types`` (kwo's constants)."""

    def to_utc(self, wall: datetime, tz: str) -> int:
        """Milliseconds since the epoch of the wall-clock time ``wall`` in ``tz`` (the engine's tz rules)."""

    def close(self) -> None:
        """End the session."""


def as_engine(con_or_engine) -> Engine:
    """An engine as given, or a DuckDB connection (one with a ``tweets`` view) as its engine: the
    library also works on a connection a notebook or another tool opened."""
    if isinstance(con_or_engine, Engine):
        return con_or_engine
    from .duckdb import DuckDBEngine

    return DuckDBEngine(con_or_engine)


__all__ = ["Engine", "as_engine"]
