"""Sample-archive commands (kwo sample)."""

from __future__ import annotations

import click

from .options import Choice

# The defaults of kwo.sample, repeated here so that building the CLI does not import numpy
# (tests/test_sample.py checks that they agree).
DEFAULT_TWEETS = 1_508_812
DEFAULT_SEED = 2016
DEFAULT_BRANDS = 100
MIN_TWEETS = 100
MAX_BRANDS = 500
FORMATS = ("v1", "v2", "twcs", "parquet")


def _sample_options(fn):
    decorators = [
        click.option("--out", "-o", "out", required=True, type=click.Path(file_okay=False, path_type=str),
                     help="Directory to write the dump files, brands.csv and truth.json to (created if missing)."),
        click.option("--tweets", "-n", type=click.IntRange(min=MIN_TWEETS), default=DEFAULT_TWEETS,
                     show_default=True,
                     help="Mention tweets to produce (the KWO16 count by default). Proactive replies scale with "
                     "it: round(N x 79,012 / 1,508,812). Answers, follow-ups, retweets and stream notices come "
                     "on top, about 1.75 lines per mention tweet."),
        click.option("--seed", "-s", type=int, default=DEFAULT_SEED, show_default=True,
                     help="Random seed: the same seed and options give byte-identical files."),
        click.option("--format", "-f", "fmt", type=Choice(FORMATS), default="v1", show_default=True,
                     help="v1: API v1.1 JSON lines, one file per month; v2: twarc2 search pages (JSONL), one "
                     "file per month; twcs: the Kaggle customer-support CSV (no retweets or stream notices); "
                     "parquet: no dump files but a ready kwo archive in --out itself (month Parquet parts and "
                     "manifest.json, as kwo ingest writes them; no stream notices), vectorised and in shards "
                     "of 1.6 million mention tweets, so 100 million fit in bounded memory. Up to 1.6 million "
                     "it holds the same tweets as the v1 files ingested. Example: kwo sample --out big --tweets "
                     "10000000 --format parquet && kwo report --archive big --brands big/brands.csv"),
        click.option("--brands", "-b", "n_brands", type=click.IntRange(2, MAX_BRANDS), default=DEFAULT_BRANDS,
                     show_default=True, help="Number of fictional organisations."),
        click.option("--gzip/--no-gzip", "compress", default=True, show_default=True,
                     help="Gzip the dump files (isal, level 1, no time stamp in the header)."),
        click.option("--workers", "-j", type=click.IntRange(1, 64), default=None,
                     help="Processes that write files in parallel [default: the CPU count, at most 4]. "
                     "The bytes do not depend on it."),
        click.option("--json", "as_json", is_flag=True, help="Print the totals of truth.json as one JSON object."),
        click.option("--quiet", "-q", is_flag=True, help="Print nothing (errors still go to stderr)."),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def register(group: click.Group) -> None:
    """Attach the sample commands to the ``kwo`` group."""

    @group.command("sample")
    @_sample_options
    def sample(out, tweets, seed, fmt, n_brands, compress, workers, as_json, quiet):
        """Write a synthetic archive with the published shape of KWO16.

        About 100 fictional Dutch organisations and one year (2016) of @-mentions, webcare
        answers, follow-up conversations, retweets, proactive replies and stream noise, as real
        dump files, plus brands.csv (the roster, with opening hours) and truth.json (the figures
        the generator decided, in the layout of `kwo report --format json`).

        With the defaults the analysis finds exactly 1,508,812 mention tweets, 58% answered,
        79,012 proactive replies and the most mentions between 17:00 and 18:00.

        \b
        Example:
          kwo sample --out kwo16 --tweets 100000 --seed 1
          kwo ingest kwo16/*.jsonl.gz --archive arch
          kwo report --archive arch --brands kwo16/brands.csv
          kwo sample --out big --tweets 100000000 --format parquet   # a ready archive, no ingest
          kwo report --archive big --brands big/brands.csv
        """
        import json
        import sys
        import time

        from ..sample import generate

        started = time.perf_counter()
        progress = None
        if not quiet and not as_json and sys.stderr.isatty():
            def progress(msg: str) -> None:
                click.echo(f"[{time.perf_counter() - started:5.1f}s] {msg}", err=True)

        result = generate(out, tweets=tweets, seed=seed, fmt=fmt, brands=n_brands, compress=compress,
                          workers=workers, progress=progress)
        if quiet:
            return
        totals = result.truth["totals"]
        if as_json:
            click.echo(json.dumps(totals))
            return
        _print_summary(result, totals)


    @group.command("demo")
    @click.option("--tweets", "-n", type=click.IntRange(min=100), default=None,
                  help="Mention tweets to generate  [default: 1,508,812, the KWO16 count].")
    @click.option("--seed", "-s", type=int, default=None, help="Random seed  [default: 2016].")
    @click.option("--out", "-o", type=click.Path(file_okay=False), default="kwo-demo", show_default=True,
                  help="Folder for the sample, the archive and the report files.")
    @click.option("--quiet", "-q", is_flag=True, help="Print only the comparison with KWO16.")
    def demo(tweets, seed, out, quiet):
        """Reproduce KWO16: generate a sample, ingest it, report it and compare.

        Generates a synthetic year of @-mentions with the published shape of KWO16, ingests the
        dump files like any other archive, computes the full report, and prints the headline
        figures beside those the generator decided (truth.json) and those KWO16 published.
        The report is written as report.json, report.md, report.csv and report.html in --out.

        \b
        Example:
          kwo demo                      # the full KWO16 size, about two minutes on 2 cores
          kwo demo --tweets 20000 --out /tmp/demo
        """
        import sys

        from ..demo import run_demo
        from ..sample import DEFAULT_SEED, DEFAULT_TWEETS

        say = None if quiet else (lambda msg: click.echo(f"kwo demo: {msg}", err=True))
        result = run_demo(out, tweets=tweets or DEFAULT_TWEETS, seed=DEFAULT_SEED if seed is None else seed,
                          progress=say)
        if not quiet:
            from ..render import render

            click.echo()
            render(result.report_obj, "table", view="rush-hour", out=sys.stdout)
        _print_demo_comparison(result)
        if result.mismatches:
            raise click.ClickException(
                f"{len(result.mismatches)} figures differ from the generator's truth.json: "
                + "; ".join(result.mismatches[:5])
            )


def _print_summary(result, totals: dict) -> None:
    from ..sample import KWO16_ANSWERED_PCT, KWO16_MENTION_TWEETS, KWO16_PEAK_HOUR, KWO16_PROACTIVE

    files = result.truth["archive"]["files"]
    size = sum(f["bytes"] for f in files)
    if result.truth["parameters"]["format"] == "parquet":
        click.echo(f"Wrote a kwo archive of {len(files)} month part(s) ({size / 1e6:,.1f} MB, "
                   f"{result.truth['archive']['tweets']:,} tweets), brands.csv and truth.json to {result.out} "
                   f"in {result.seconds:.1f} s")
    else:
        click.echo(f"Wrote {len(files)} dump file(s) ({size / 1e6:,.1f} MB, {result.truth['archive']['records']:,} "
                   f"records), brands.csv and truth.json to {result.out} in {result.seconds:.1f} s")
    peak = totals["peak_hour"]
    rows = [
        ("mention tweets", f"{totals['mention_tweets']:,}", f"{KWO16_MENTION_TWEETS:,}"),
        ("answered", f"{totals['answered_pct']:.1f}%", f"{KWO16_ANSWERED_PCT}%"),
        ("proactive replies", f"{totals['proactive_replies']:,}", f"{KWO16_PROACTIVE:,}"),
        ("peak hour", f"{peak:02d}:00-{(peak + 1) % 24:02d}:00", f"{KWO16_PEAK_HOUR}:00-{KWO16_PEAK_HOUR + 1}:00"),
    ]
    click.echo(f"  {'':<18} {'sample':>12}  {'KWO16':>12}")
    for name, ours, published in rows:
        click.echo(f"  {name:<18} {ours:>12}  {published:>12}")
    if result.truth["parameters"]["format"] == "parquet":
        click.echo(f"Next: kwo report --archive {result.out} --brands {result.out}/brands.csv")
        return
    first = files[0]["name"]
    inputs = first if len(files) == 1 else "*." + first.split(".", 1)[1]
    click.echo(f"Next: kwo ingest {result.out}/{inputs} --archive ARCHIVE && "
               f"kwo report --archive ARCHIVE --brands {result.out}/brands.csv")


def _print_demo_comparison(result) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..demo import published_rows
    from ..safe_text import terminal_text

    table = Table(title="kwo demo: this run against KWO16", title_justify="left")
    table.add_column("figure")
    table.add_column("kwo report", justify="right")
    table.add_column("generator (truth.json)", justify="right")
    table.add_column("KWO16 published", justify="right")
    for row in published_rows(result.report, result.truth):
        table.add_row(*row)
    console = Console()
    console.print(table)
    s = result.seconds
    ing = result.ingest
    console.print(
        f"sample {s['sample']:.1f} s, ingest {s['ingest']:.1f} s "
        f"({ing.records_read:,} records: {ing.tweets_written:,} tweets, {ing.notices:,} notices, "
        f"{ing.quarantined:,} quarantined), report {s['report']:.1f} s"
    )
    verdict = ("every figure of truth.json recovered exactly" if not result.mismatches
               else f"{len(result.mismatches)} figures differ from truth.json")
    # the paths are the user's --out: text, never markup
    console.print(terminal_text(f"{verdict}; report files: " + ", ".join(str(p) for p in result.files.values()),
                                keep=""))
