"""``kwo sql``: one read-only query over the archive's views (kwo.engine.sandbox), printed as a
table, CSV or JSON (kwo.render.tables)."""

from __future__ import annotations

import sys

import click

from ..engine.sql_views import VIEWS
from ..errors import UsageError
from ..render.tables import FORMATS, TABLE_MAX_ROWS
from ..safe_text import visible
from .options import Choice, archive_option

#: The format an --output name implies when --format is not given.
_SUFFIX_FORMATS = {".csv": "csv", ".json": "json"}


def _views_help() -> str:
    width = max(len(v.name) for v in VIEWS) + 2
    return "\n".join(f"  {v.name.ljust(width)}{v.about}" for v in VIEWS)


_HELP = f"""Run one read-only SQL query (SELECT) over the archive's views.

QUERY is the SQL text, or - to read it from standard input.

\b
Views:
{_views_help()}

\b
Rows stream out as DuckDB produces them; Ctrl-C stops the query. Memory
is bounded by KWO_MEMORY_LIMIT, disk by --temp-limit, time by --timeout.
The table shows the first {TABLE_MAX_ROWS:,} rows (--max-rows 0: all); csv
and json stream every row. In JSON, integer columns named id or *_id
and any integer beyond 2^53 are strings: JavaScript and jq would round
them (972473092814589952 became 972473092814590000).

\b
Examples:
  kwo sql "SELECT lang, count(*) FROM tweets GROUP BY 1" -a arch
  kwo sql "SELECT * FROM mentions" -a arch -o mentions.csv
  echo "SELECT tweet_id FROM replies" | kwo sql - -a arch -f json
"""


def register(cli: click.Group) -> None:
    @cli.command("sql", help=_HELP)
    @click.argument("query")
    @archive_option()
    @click.option("--format", "-f", "fmt", type=Choice(list(FORMATS)), default=None,
                  help="table (default), csv or json; with --output NAME.csv or NAME.json the suffix decides.")
    @click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=str),
                  help="Write to this file instead of standard output (complete or not at all); - is "
                       "standard output.")
    @click.option("--max-rows", "max_rows", type=click.IntRange(min=0), default=TABLE_MAX_ROWS, show_default=True,
                  metavar="N", help="Rows the table shows at most (0: every row); csv and json show every row.")
    @click.option("--timeout", type=click.FloatRange(min=0), default=600, show_default=True, metavar="SECONDS",
                  help="Stop the query after this long (0: no limit).")
    @click.option("--temp-limit", "temp_limit", default="10GB", show_default=True, metavar="SIZE",
                  help="Disk the query may fill with temporary files when it does not fit in memory.")
    def sql(query, archive, fmt, output, max_rows, timeout, temp_limit):
        from contextlib import ExitStack

        from ..engine.sandbox import readonly_query
        from ..output import check_output, open_output
        from ..render.tables import print_relation
        from ..settings import Settings

        if query == "-":
            query = sys.stdin.read()
            if not query.strip():
                raise click.UsageError("QUERY -: standard input held no SQL")
        if fmt is None:
            suffix = output[output.rfind("."):].lower() if output and "." in output else ""
            fmt = _SUFFIX_FORMATS.get(suffix, "table")
        with ExitStack() as stack:
            try:  # usage errors raised here show `kwo sql` usage
                memory = Settings.from_environ().memory_limit
                target = check_output(output, archives=[archive]) if output else None
                result = stack.enter_context(readonly_query(archive, query, timeout=timeout or None,
                                                            temp_limit=temp_limit, memory=memory))
            except UsageError as exc:
                raise click.UsageError(visible(str(exc))) from None
            if target is None:
                print_relation(result.columns, result.rows(), fmt, types=result.types, max_rows=max_rows)
            else:
                with open_output(target, archives=[archive]) as out:
                    print_relation(result.columns, result.rows(), fmt, out=out, types=result.types,
                                   max_rows=max_rows)


__all__ = ["register"]
