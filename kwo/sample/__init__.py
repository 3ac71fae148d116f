"""A synthetic archive with the published shape of KWO16 (``kwo sample``).

No real KWO16 archive is public, so kwo generates one: about 100 fictional Dutch organisations,
one calendar year (2016) of @-mentions, webcare replies, follow-up conversations, retweets,
proactive replies and stream noise, written as real dump files (API v1.1 JSON lines, twarc2 v2
pages, or the Kaggle twcs CSV) with ``brands.csv`` and ``truth.json`` beside them.

Exact by construction. :func:`plan_counts` decides, with arithmetic only, how many tweets of each
kind there will be; every kind contributes a known number of mention tweets (DESIGN.md section 3:
a collected tweet, not a retweet, that mentions brand b and is not by b), so the defaults give
exactly 1,508,812 mention tweets, 79,012 proactive replies and 58% answered. Which tweets get
answered is random but the number is fixed: an exact-size weighted sample (weights from the
sector, the brand and whether the team was open when the mention arrived). ``truth.json`` is then
counted from the generated tweets themselves with the section 3 definitions (numpy, not kwo's
queries) and checked against the plan.

The kinds of tweet (``KIND_NAMES``) and what they count as:

==================  ==================================================  ======================
kind                what                                                counts as
==================  ==================================================  ======================
mention             a customer's tweet @brand (5% of them in bursts:    mention tweet
                    outages)
mention2            a customer's tweet naming two brands                mention tweet, 2 pairs
brand_mention       a brand's tweet naming another brand                mention tweet
brand_mention_reply the other brand's answer to it (@first brand)       answer + mention tweet
followup(2)         the customer replying to an answer, with @brand     mention tweet
answer              a brand's direct reply to a mention tweet           answer
answer_extra        a second direct reply, minutes later                (not the earliest)
thread_continued    a brand replying to its own answer "(2/2)"          reply to self
retweet             a retweet of a customer mention (v1: the original   not a mention
                    embedded as retweeted_status)
proactive_parent    a customer tweet about a brand without @brand       -
proactive           the brand's reply to it                             proactive reply
parent_missing      a brand's reply to a tweet deleted before           replies_parent_missing
                    collection (a delete notice follows)
delete, limit       stream notices (v1 only)                            notices
==================  ==================================================  ======================

Time: local Amsterdam wall-clock times are drawn from a sector's day-of-year and hour-of-day
rhythm (weekday peak 17:00-18:00, later and flatter weekends, holidays, seasons) and converted to
UTC with the tz database. Answers wait for the team's opening hours (brands.csv), with a lognormal
delay around a brand's median and a long tail of hours to days. Tweets are stamped on whole seconds
and their snowflake ids carry that time.

Texts: each kind has templates (:mod:`.vocabulary`) that mark what they are; truth.json counts
the questions and DM hand-offs of issue 19 from those marks, not by kwo's rules. After the year is
drawn, streams of their own pick which agent on shift signs a reply (:mod:`.shifts`) and put
variants in place of some texts (:mod:`.wording`: the full-width '？', a '?' inside a URL, other
hand-off wordings and decoys), so nothing else changes.

``--format parquet`` (:mod:`kwo.sample.parquet_writer`) writes the same tweets straight into a kwo archive
(month Parquet parts and manifest.json), rendered column by column, in shards above 1.6 million
mention tweets so that 100 million fit in bounded memory.

Deterministic: one seed gives the same bytes (gzip with mtime 0, no file name, a fixed level),
whatever the number of worker processes.

The package, in the order of the pipeline: :mod:`.plan` (the counts), :mod:`.vocabulary` and
:mod:`.brands` (names, texts, the roster), :mod:`.clock` (local time), :mod:`.accounts` and
:mod:`.world` (the accounts, the events), :mod:`.truth` (truth.json), :mod:`.json_writers` and :mod:`.parquet_writer` (the files),
:mod:`.shifts` and :mod:`.wording` (agents, text variants), :mod:`.files` (brands.csv, truth.json and an earlier run's files); :func:`generate` runs them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import KwoError, UsageError
from .brands import SampleBrand, build_roster
from .files import SampleResult, plan_files, previous_files, refuse_inside_archive, write_roster, write_text
from .json_writers import write_dump_files
from .plan import (
    BUCKETS,
    DEFAULT_BRANDS,
    DEFAULT_SEED,
    DEFAULT_TWEETS,
    FORMATS,
    KWO16_ANSWERED_PCT,
    KWO16_MENTION_TWEETS,
    KWO16_PEAK_HOUR,
    KWO16_PROACTIVE,
    MAX_BRANDS,
    MIN_TWEETS,
    Plan,
    plan_counts,
    proactive_for,
)
from .truth import truth_of
from .world import World, WorldGenerator, finish_events


def _default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def generate(
    out: str | os.PathLike,
    *,
    tweets: int = DEFAULT_TWEETS,
    seed: int = DEFAULT_SEED,
    fmt: str = "v1",
    brands: int = DEFAULT_BRANDS,
    compress: bool = True,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SampleResult:
    """Write a synthetic archive to ``out`` (dump files, ``brands.csv``, ``truth.json``).

    ``fmt="parquet"`` writes a kwo archive instead of dump files (:mod:`.parquet_writer`; ``compress``
    and ``workers`` do not apply). ``tweets`` is the number of mention tweets (DESIGN.md section 3) the analysis will find;
    proactive replies scale with it (:func:`proactive_for`). The same arguments give the same
    bytes. Files a previous ``kwo sample`` run left in ``out`` (listed in its truth.json) and that
    this run does not write again are removed; nothing else in ``out`` is touched.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown sample format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "parquet":
        from .parquet_writer import generate_parquet

        return generate_parquet(out, tweets=tweets, seed=seed, brands=brands, progress=progress)
    if not 2 <= brands <= MAX_BRANDS:
        raise UsageError(f"--brands must be between 2 and {MAX_BRANDS} (got {brands})")
    plan = plan_counts(tweets)
    say = progress or (lambda msg: None)
    started = time.perf_counter()
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir}: exists and is not a directory")
    refuse_inside_archive(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KwoError(f"--out {out_dir}: cannot create the directory: {exc.strerror or exc}") from None

    say("planning the year")
    gen = WorldGenerator(plan, brands, seed)
    ev = finish_events(gen, gen.run(), fmt)
    world = World(plan=plan, fmt=fmt, seed=seed, brands=gen.brands, acc=gen.acc, ev=ev)
    world.files = plan_files(world, compress)

    old_files = previous_files(out_dir)
    jobs = [(name, a, b, str(out_dir / name), compress, j == len(world.files) - 1)
            for j, (name, a, b) in enumerate(world.files)]
    n_workers = workers or _default_workers()
    say(f"writing {len(jobs)} file(s) with {min(n_workers, len(jobs))} process(es)")
    try:
        # truth.json is counted in this process while the workers write.
        results, truth = write_dump_files(jobs=jobs, world=world, workers=n_workers,
                                          meanwhile=lambda: truth_of(world, gen.clock, gen.open_mask))
    except BaseException as exc:
        for name, _, _ in world.files:  # half-written temporary files of this run
            for tmp in out_dir.glob(f".{name}.tmp-*"):
                tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise KwoError(f"--out {out_dir}: cannot write: {exc.strerror or exc}") from None
        raise
    by_name = {r[0]: r for r in results}
    files_info = []
    for name, _, _ in world.files:
        _, records, n_tweets, notices, size = by_name[name]
        files_info.append({"name": name, "records": records, "tweets": n_tweets, "notices": notices, "bytes": size})
    truth["archive"] = {
        "files": files_info,
        "records": sum(f["records"] for f in files_info),
        "tweets": sum(f["tweets"] for f in files_info),
        "notices": sum(f["notices"] for f in files_info),
        "roster": "brands.csv",
    }
    write_roster(out_dir / "brands.csv", world)
    write_text(out_dir / "truth.json", json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
    keep = {name for name, _, _ in world.files}
    for stale in old_files - keep:
        try:
            (out_dir / stale).unlink()
        except FileNotFoundError:
            pass
    return SampleResult(out=out_dir, files=[out_dir / n for n, _, _ in world.files], truth=truth,
                        seconds=time.perf_counter() - started)


__all__ = [
    "BUCKETS",
    "DEFAULT_BRANDS",
    "DEFAULT_SEED",
    "DEFAULT_TWEETS",
    "FORMATS",
    "KWO16_ANSWERED_PCT",
    "KWO16_MENTION_TWEETS",
    "KWO16_PEAK_HOUR",
    "KWO16_PROACTIVE",
    "MAX_BRANDS",
    "MIN_TWEETS",
    "Plan",
    "SampleBrand",
    "SampleResult",
    "build_roster",
    "generate",
    "plan_counts",
    "proactive_for",
    "refuse_inside_archive",
]
