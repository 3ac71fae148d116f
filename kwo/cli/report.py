"""Report commands (kwo report, answered, proactive, rush-hour, response-times, brands).

The commands only parse options; :mod:`kwo.metrics` computes and :mod:`kwo.report` renders.
"""

from __future__ import annotations

import os
import sys

import click

from ..metrics import DEFAULT_TZ
from .options import Choice, spark_master_option


def figure_options(fn):
    """The options every report command shares: archive, roster, time zone, period, answer rule."""
    from .options import archive_option

    decorators = [
        archive_option(),
        click.option(
            "--brands",
            "-b",
            "brands",
            type=click.Path(dir_okay=False, allow_dash=True, path_type=str),
            envvar="KWO_BRANDS",
            help="Brand roster: handle,name,sector[,user_id][,hours][,tz][,aliases] (or set KWO_BRANDS; "
            "aliases: other handles of the organisation, |-separated). CSV separated by commas, semicolons "
            "or tabs (UTF-8, or Windows-1252 as Excel saves it), an .xlsx workbook (its first sheet), "
            "or - for CSV on standard input. "
            "May be left out for twcs archives: the company accounts (inbound = false) are the brands.",
        ),
        click.option(
            "--brand",
            "only_brands",
            multiple=True,
            metavar="HANDLE",
            help="Only this brand of the roster (handle or alias; repeatable): the figures, totals included, "
            "are those of the brands named, as if the roster held only them.",
        ),
        click.option(
            "--sector",
            "only_sectors",
            multiple=True,
            metavar="NAME",
            help="Only the brands of this sector (repeatable); with --brand, the brands that meet both.",
        ),
        click.option(
            "--tz",
            default=DEFAULT_TZ,
            show_default=True,
            envvar="KWO_TZ",
            help="Report time zone (IANA name): hours of the day, weekdays and --since/--until dates.",
        ),
        click.option("--since", metavar="DATE", help="First day of the period (mention time, YYYY-MM-DD in --tz)."),
        click.option("--until", metavar="DATE", help="Last day of the period, inclusive (YYYY-MM-DD in --tz)."),
        click.option(
            "--window",
            metavar="DURATION",
            help="Count an answer only when it came within this time of the mention: 7d, 48h, 30m, 1d12h.",
        ),
        click.option(
            "--thread",
            is_flag=True,
            help="Count a reply by the brand anywhere later in the same conversation as an answer "
            "(default: only a direct reply to the mention).",
        ),
        click.option(
            "--threshold",
            "thresholds",
            multiple=True,
            metavar="NAME=VALUE",
            help="When a caveat is raised (repeatable; the report states them): few_mentions=100, "
            "threads_incomplete_pct=10, min_brand_replies=10, anonymised_handles_pct=50.",
        ),
        click.option(
            "--engine",
            type=click.Choice(["duckdb", "spark"]),
            envvar="KWO_ENGINE",
            help="SQL engine: duckdb (default, embedded) or spark (Apache Spark, pip install 'kwo[spark]' "
            "and Java 17; SPARK_REMOTE=sc://host for Spark Connect). The same figures.",
        ),
        spark_master_option,
        click.option(
            "--fail-on",
            "fail_on",
            type=click.Choice(["warning", "info"]),
            help="Exit 1 (after writing the output) when the figures shown carry a caveat of this severity "
            "or worse: warning, or info (any caveat). Default: caveats never change the exit code.",
        ),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def output_options(fn):
    """--format, --output, and the CSV options --section and --csv-dialect."""
    from ..render import formats

    fn = click.option(
        "--csv-dialect",
        "csv_dialect",
        type=Choice(["rfc4180", "excel-nl"]),
        default="rfc4180",
        show_default=True,
        help="CSV flavour: rfc4180 (commas, decimal point, LF), or excel-nl (semicolons, decimal comma, "
        "UTF-8 byte order mark, CRLF: what Excel with Dutch settings opens in columns).",
    )(fn)
    fn = click.option(
        "--section",
        "section",
        metavar="NAME",
        help="CSV: the table to write (one per file; default: brands for kwo report and kwo brands, else "
        "the command's first table). Tables: parameters, totals, the sections of the command, caveats, "
        "coverage_months (kwo report). -o DIR/ writes every table plus parameters.json instead.",
    )(fn)
    fn = click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(writable=True, path_type=str),
        help="Write to this file instead of standard output (- is standard output). With --format csv a "
        "directory (DIR/, or an existing directory) gets one CSV per table plus parameters.json.",
    )(fn)
    fn = click.option(
        "--format",
        "-f",
        "fmt",
        type=Choice(formats()),
        help="Output format; every format states the parameters the figures were computed with. "
        "Default: from the --output suffix (.json .csv .md .html .xlsx .txt), else table. xlsx: an Excel "
        "workbook, one sheet per table plus parameters and caveats (binary: to a file or a pipe, not a terminal).",
    )(fn)
    return fn


def _open_metrics(archive, brands, tz, since, until, window, thread, thresholds=(), only_brands=(), only_sectors=(),
                  tables=None, engine=None, spark_master=None):
    """The report library over ``archive``; its usage errors show this command's usage."""
    from ..caveats import Thresholds
    from ..errors import UsageError
    from ..metrics import ReportOptions, open_metrics
    from ..settings import Settings

    try:
        options = ReportOptions(tz=tz, since=since, until=until, window=window, thread=thread,
                                thresholds=Thresholds.parse(thresholds), only_brands=tuple(only_brands),
                                only_sectors=tuple(only_sectors))
        if spark_master and engine != "spark":
            raise UsageError("--spark-master goes with --engine spark")
        settings = Settings.from_environ(engine=engine, spark_master=spark_master)
        metrics = open_metrics(archive, brands, options, settings=settings, tables=tables)
    except UsageError as exc:
        # Raised here, with this command's context, the message shows `kwo <command>` usage.
        raise click.UsageError(str(exc)) from None
    from .verbosity import is_quiet, say

    for notice in metrics.roster.notices:  # how the roster was read (Windows-1252): said, not an error
        if not is_quiet():
            click.echo(f"Notice: {notice}", err=True)
    p = metrics.parameters
    say(f"kwo: archive {p.archive} (fingerprint {p.archive_fingerprint}); roster {p.roster}: "
        f"{p.roster_brands:,} brand{'' if p.roster_brands == 1 else 's'} in the figures")
    return metrics


def _run(view: str, sections: tuple[str, ...] | None, archive, brands, tz, since, until, window, thread, thresholds,
         fail_on, fmt, output, section=None, csv_dialect="rfc4180", only_brands=(), only_sectors=(), engine=None,
         spark_master=None):
    from ..output import check_output, write_output
    from ..render import format_for_output, is_binary, render
    from ..render.sections import view_caveats, view_data

    if fmt is None:
        try:
            fmt = format_for_output(output)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    if fmt != "csv" and (section or csv_dialect != "rfc4180"):
        raise click.UsageError("--section and --csv-dialect go with --format csv")
    if is_binary(fmt) and output in (None, "-") and sys.stdout.isatty():
        raise click.UsageError(f"--format {fmt} writes a binary workbook, not text for a terminal: give --output "
                               f"FILE.{fmt}, or send standard output to a file or a pipe")
    directory = _csv_directory(output, fmt)
    # refused before minutes of computing, not after
    if directory and section:
        raise click.UsageError(f"--output {output}: a directory gets every table; leave --section out")
    if directory:
        _check_csv_directory(directory, archive)
    target = None if directory else _output_target(output, archive)
    metrics = _open_metrics(archive, brands, tz, since, until, window, thread, thresholds, only_brands, only_sectors,
                            engine=engine, spark_master=spark_master)
    try:
        # The HTML report also shows buckets per sector and example tweets.
        report = metrics.report(sections, details=fmt == "html")
    finally:
        metrics.close()
    options = {"section": section, "dialect": csv_dialect} if fmt == "csv" else {}
    if fmt == "csv" and section:
        from ..render.csv_tables import section_names

        names = section_names(view_data(report, view))
        if section not in names:
            raise click.UsageError(f"--section {section}: kwo {view} has the tables {', '.join(names)}")
    if directory:
        _write_csv_directory(directory, view_data(report, view), csv_dialect, archive)
    elif is_binary(fmt):
        write_output(target or check_output("-"), render(report, fmt, view=view), archives=[archive])
    elif target:
        write_output(target, render(report, fmt, view=view, **options), archives=[archive])
    else:
        render(report, fmt, view=view, out=sys.stdout, **options)
        sys.stdout.flush()
    caveats = view_caveats(report.caveats, view)
    if fmt == "csv" and section != "caveats":
        _csv_caveats_notice(caveats, directory)
    _fail_on(fail_on, caveats)


def _csv_caveats_notice(caveats: list, directory: str | None) -> None:
    """The caveat headline on standard error (never in the CSV a script reads): a CSV table names
    each row's caveat codes in its ``caveats`` column; what they mean is elsewhere."""
    from .verbosity import is_quiet

    if not caveats or is_quiet():
        return
    from ..caveat_messages import headline

    counted = headline([{"severity": c.severity} for c in caveats])
    where = (f"{os.path.join(directory, 'caveats.csv')} says what they mean" if directory else
             "--section caveats writes what they mean, -o DIR/ every table with parameters.json")
    click.echo(f"kwo: these figures carry caveats ({counted}); the caveats column names them per row, {where}",
               err=True)


def _csv_directory(output: str | None, fmt: str) -> str | None:
    """The directory of ``--format csv -o DIR/`` (a trailing slash, or a directory that exists)."""
    from ..render import is_directory_output

    return output if fmt == "csv" and is_directory_output(output) else None


def _write_csv_directory(directory: str, data: dict, dialect: str, archive: str) -> None:
    """Every table as DIR/NAME.csv plus DIR/parameters.json; each file through kwo.output (never
    into an archive; written whole or not at all). The directory is made when its parent exists."""
    import io

    from ..errors import OutputError
    from ..output import write_output
    from ..render.csv_tables import csv_tables, parameters_json, write_table

    files = {}
    for name, (keys, rows) in csv_tables(data).items():
        buf = io.StringIO()
        write_table(buf, keys, rows, dialect=dialect)
        files[f"{name}.csv"] = buf.getvalue()
    files["parameters.json"] = parameters_json(data)
    if not os.path.isdir(directory):
        _check_csv_directory(directory, archive)
        try:
            os.mkdir(directory)
        except OSError as exc:
            raise OutputError(f"{directory}: cannot make the directory: {exc.strerror or exc}") from None
    for name, text in files.items():
        write_output(_output_target(os.path.join(directory, name), archive), text, archives=[archive])


def _check_csv_directory(directory: str, archive: str) -> None:
    """Refuse -o DIR/ before computing: inside an archive, or a parent that does not exist."""
    if os.path.isdir(directory):
        _output_target(os.path.join(directory, "parameters.json"), archive)
    else:
        _output_target(os.path.normpath(directory), archive)  # its parent exists, not in an archive


def _fail_on(severity: str | None, caveats: list) -> None:
    """--fail-on: the output is written; then exit 1 when it carries a caveat that bad."""
    from ..caveats import at_least
    from ..errors import KwoError

    if severity is None:
        return
    found = at_least(caveats, severity)
    if found:
        codes = ", ".join(dict.fromkeys(c.code for c in found))
        what = "warning" if severity == "warning" else "caveat"
        raise KwoError(f"--fail-on {severity}: the figures carry {len(found):,} {what}{'' if len(found) == 1 else 's'} "
                       f"({codes}); the output was written")


def _output_target(output: str | None, archive: str):
    """The checked --output (kwo.output: never into an archive, never over a device, FIFO, link
    or directory), or None for standard output. Its refusals show this command's usage."""
    from ..errors import UsageError
    from ..output import check_output

    if not output:
        return None
    try:
        return check_output(output, archives=[archive])
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None


def _command(group: click.Group, name: str, doc: str) -> click.Command:
    def callback(**kwargs):
        from ..render.sections import VIEWS

        # The metrics the view shows (kwo.metrics.registry: each names its commands); None: all.
        _run(name, VIEWS[name].needs, **kwargs)

    callback.__doc__ = doc
    callback.__name__ = name.replace("-", "_")
    return group.command(name)(output_options(figure_options(callback)))


# The report commands and their help; which metrics each shows is in kwo.metrics.registry.
_COMMANDS = {
    "report": """The KWO figures of an archive: mentions, answered %, response times, rush hour,
        proactive replies, per brand and per sector.

        A mention is a collected tweet, not a retweet, that @-mentions a roster brand and is not
        by that brand; it is answered when the brand replied to it directly (--thread: anywhere
        later in the conversation; --window: within that time). docs/methodology.md has the
        full definitions.

        Before the figures every format states what the archive holds (coverage) and what it
        cannot support (caveats: threads that are incomplete, brands whose own tweets were not
        collected, figures resting on few tweets, ...); --fail-on warning makes a script fail
        on them.

        \b
        Examples:
          kwo report --archive kwo16 --brands brands.csv
          kwo report -a kwo16 -b brands.csv --since 2016-01-01 --until 2016-12-31 --window 7d
          kwo report -a twcs-arch --format json --output report.json   # twcs: brands from inbound
          kwo report -a kwo16 -b brands.csv --fail-on warning --threshold few_mentions=500
        """,
    "answered": """Mention tweets and the share answered, overall and per sector.

        \b
        Example:
          kwo answered --archive kwo16 --brands brands.csv --window 48h
        """,
    "proactive": """Brand replies by parent: to a mention, proactive (to a tweet that neither is by the
        brand nor mentions it), to the brand itself, or parent not in the archive.

        \b
        Example:
          kwo proactive --archive kwo16 --brands brands.csv --format csv
        """,
    "rush-hour": """Mention tweets per hour of the day and per weekday in the report time zone, the peak
        hour, and with opening hours in the roster the mentions that arrive while closed.

        \b
        Example:
          kwo rush-hour --archive kwo16 --brands brands.csv --tz Europe/Amsterdam
        """,
    "response-times": """Response times of the mention pairs: median, p90, the bands of the survey's
        guidelines (up to 30 min, 30 min to 1 h, 1 h to 4 h, ... more than 48 h, unanswered) with
        the cumulative share of each (within 30 min, within 1 h, ...), and the share answered
        within 30 min, 1 h, 4 h, 8 h, 24 h and 48 h.

        \b
        Example:
          kwo response-times --archive kwo16 --brands brands.csv --format markdown
        """,
    "brands": """The per-brand table: mentions, answered %, response times, replies by kind,
        mentions while closed.

        \b
        Example:
          kwo brands --archive kwo16 --brands brands.csv --format csv --output brands-figures.csv
        """,
}


# The charts of the HTML report (kwo.report.charts.CHARTS; listed here so that building the CLI
# does not import matplotlib; tests/test_charts.py keeps the two in step).
CHART_NAMES = ("rush-hour", "response-by-hour", "closed-by-hour", "heatmap", "response-times",
               "response-times-by-sector", "trend", "months", "staffing")


def _chart_command(group: click.Group) -> None:
    @group.command("chart")
    @click.argument("name", type=Choice(CHART_NAMES), metavar="NAME")
    @figure_options
    @click.option("--output", "-o", "output", required=True,
                  type=click.Path(dir_okay=False, writable=True, path_type=str),
                  help="The file to write: .svg or .png (the suffix picks the format).")
    @click.option("--no-title", "no_title", is_flag=True, help="Leave the title out (when the slide has one).")
    @click.option("--narrow", is_flag=True,
                  help="The chart's narrow form, as the HTML report shows it on a phone (3.6 in wide; the hours "
                       "run down the page).")
    def chart(name, archive, brands, only_brands, only_sectors, tz, since, until, window, thread, thresholds, fail_on,
              output, no_title, narrow, engine=None, spark_master=None):
        """Write one chart of the HTML report as SVG or PNG, for slides.

        NAME is one of: rush-hour (mention tweets per hour, answered and not, and answered %),
        response-by-hour (median response time per hour of arrival), closed-by-hour (share of
        mentions arriving while the brand is closed), heatmap (weekday x hour), response-times
        (the guideline buckets), response-times-by-sector, months (tweets per month), staffing
        (agents needed by Erlang C and seen, weekday x hour; kwo staffing has the figures).
        The same archive and options give the same bytes. The caveats that affect the chart
        (see kwo report) are its footnote.

        \b
        Examples:
          kwo chart rush-hour --archive kwo16 --brands brands.csv -o rush-hour.svg
          kwo chart heatmap -a kwo16 -b brands.csv --since 2016-10-01 -o heatmap.png
          kwo chart heatmap -a kwo16 -b brands.csv --narrow -o heatmap-phone.png
        """
        from ..caveats import affects
        from ..output import write_output
        from ..render import view_data
        from ..render.charts import CHARTS, render_chart

        fmt = os.path.splitext(output)[1].lower().lstrip(".")
        if fmt not in ("svg", "png"):
            raise click.BadParameter(f"{output!r}: the file name must end in .svg or .png", param_hint="--output")
        target = _output_target(output, archive)
        metrics = _open_metrics(archive, brands, tz, since, until, window, thread, thresholds, only_brands,
                                only_sectors, engine=engine, spark_master=spark_master)
        try:
            report = metrics.report(details=True)
        finally:
            metrics.close()
        write_output(target, render_chart(name, view_data(report, "report"), fmt, title=not no_title, narrow=narrow),
                     archives=[archive])
        _fail_on(fail_on, [c for c in report.caveats if affects(c, CHARTS[name].figures)])


def register(group: click.Group) -> None:
    """Attach the report commands to the ``kwo`` group."""
    for name, doc in _COMMANDS.items():
        _command(group, name, doc)
    _chart_command(group)
