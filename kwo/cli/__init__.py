"""The command line. It parses options, calls the library and picks a renderer; nothing more."""

from __future__ import annotations

import json
import sys

import click

from ..errors import KwoError, UsageError
from ..safe_text import visible
from ..version import __version__
from .options import Choice, FormatChoice, archive_option, spark_master_option, stderr_is_terminal


class KwoGroup(click.Group):
    """Turns every KwoError into ``Error: ...`` on stderr with exit code 1 (2 for usage errors),
    and a failure to write standard output into one line too (kwo.cli.stdout)."""

    def main(self, *args, **kwargs):
        from .stdout import EXIT_PIPE_CLOSED, StdoutFailed, guarded_stdout, silence_stdout

        try:
            with guarded_stdout():
                return super().main(*args, **kwargs)
        except StdoutFailed as exc:
            silence_stdout()
            if exc.pipe_closed:  # the reader (head, less) has what it wanted
                sys.exit(EXIT_PIPE_CLOSED)
            click.echo(f"Error: cannot write to standard output: {exc}", err=True)
            sys.exit(1)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(visible(str(exc)), ctx) from None
        except KwoError as exc:
            # One line, whatever a file name or a value in it holds (a newline, an escape sequence).
            raise click.ClickException(visible(str(exc))) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)


@click.group(cls=KwoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kwo")
def cli():
    """kwo: webcare figures from Twitter/X @-mention archives.

    \b
    Quick start:
      kwo ingest tweets.jsonl.gz --archive arch
      kwo report --archive arch --brands brands.csv
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=str)
@archive_option()
@click.option(
    "--format",
    "fmt",
    type=FormatChoice(),
    default="auto",
    show_default=True,
    help="Input format; auto detects it from the content.",
)
@click.option("--account", help="Owner handle of an account archive (tweets.js) when no manifest.js/account.js lies beside it.")
@click.option("--strict", is_flag=True, help="Stop at the first record that cannot be parsed instead of quarantining it.")
@click.option("--json", "as_json", is_flag=True, help="Print the accounting as one JSON object.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="Parsing processes (default: the number of CPUs, or KWO_WORKERS).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary (errors still go to stderr).")
@click.option("--wait", "wait", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="When another kwo ingest is writing to the archive, wait this long for it to finish.")
@click.option("--engine", type=Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="Who parses the inputs: kwo's readers, or Apache Spark (pip install 'kwo[spark]' and Java 17; "
              "SPARK_REMOTE=sc://host for Spark Connect) for plain v1.1 JSON-lines files; kwo's readers take "
              "the other inputs and any file Spark cannot read exactly as they do. The same archive.")
@spark_master_option
def ingest(inputs, archive, fmt, account, strict, as_json, workers, quiet, wait, engine, spark_master):
    """Read tweet dumps into the archive (created if missing).

    INPUT is a file (.json, .jsonl, .csv, .js; optionally .gz/.bz2/.zst), a .zip (each
    member an input of its own, named ZIP!member) or - for stdin.
    Ingesting a file again adds nothing; every record is accounted for:
    records_read = tweets_written + duplicates + notices + quarantined.

    \b
    Examples:
      kwo ingest dump-2016-*.jsonl.gz --archive kwo16
      kwo ingest stream-*.jsonl --archive kwo16 --engine spark --spark-master 'local[4]'
    """
    from ..ingest import ingest as run_ingest
    from ..settings import Settings
    from .progress import ingest_progress

    if spark_master and engine != "spark":
        raise UsageError("--spark-master goes with --engine spark")
    settings = Settings.from_environ(engine=engine if engine == "spark" else None, spark_master=spark_master)
    workers = workers or settings.workers
    with ingest_progress(enabled=not quiet and not as_json and stderr_is_terminal()) as progress:
        result = run_ingest(list(inputs), archive, fmt=fmt, strict=strict, account=account,
                            progress=progress, workers=workers, wait=wait,
                            on_wait=None if quiet else _say_waiting(archive), engine=engine,
                            spark_master=settings.spark_master, spark_remote=settings.spark_remote)
    if as_json:
        click.echo(json.dumps(result.as_dict()))
    elif not quiet:
        from .ingest_summary import render_ingest_summary

        render_ingest_summary(result)
        _say_read_by_kwo(result.read_by_kwo)


def _say_read_by_kwo(read_by_kwo: dict[str, str] | None) -> None:
    """--engine spark: how many inputs kwo's own reader read, and why (on stderr)."""
    if not read_by_kwo:
        return
    n = len(read_by_kwo)
    click.echo(f"{n} input{'s' if n != 1 else ''} read by kwo's reader, not Spark:", err=True)
    for path, why in read_by_kwo.items():
        click.echo(f"  {visible(path)}: {why}", err=True)


def _say_waiting(archive: str):
    def say(wait: float) -> None:
        click.echo(f"Another kwo ingest is writing to {archive}; waiting up to {wait:g} s for it to finish...",
                   err=True)

    return say


@cli.command()
@archive_option()
def repair(archive):
    """Rebuild a lost or damaged manifest.json from the archive's parts.

    Every Parquet file under tweets/ is verified (readable to the end, kwo's schema, its row
    count, every tweet in its folder's month); the ones that pass are adopted. Nothing is
    deleted or changed: a file that cannot be verified stays where it is and is listed, and
    a damaged manifest is kept beside the new one. Which input files were ingested is lost
    with the manifest: ingesting one again counts its tweets as duplicates.

    \b
    Example:
      kwo repair --archive kwo16
    """
    from ..archive.repair import repair as run_repair
    from .repair_summary import render_repair_summary

    render_repair_summary(run_repair(archive))


def _register_plugins() -> None:
    # Command groups that live in their own modules (reports, samples, benchmarks).
    from . import bench, report, sample, sql, staffing

    report.register(cli)
    sql.register(cli)
    sample.register(cli)
    bench.register(cli)
    staffing.register(cli)
    from .verbosity import add_verbosity

    add_verbosity(cli)  # -q and -v, one meaning on every command


_register_plugins()


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="kwo")


__all__ = ["cli", "archive_option", "KwoGroup"]
