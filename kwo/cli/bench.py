"""The benchmark command (kwo bench): runs benchmarks/run.py of a source checkout."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"  # kwo/cli/bench.py -> the checkout


def register(group: click.Group) -> None:
    """Attach ``kwo bench`` to the ``kwo`` group."""

    @group.command("bench", context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                              "help_option_names": []})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def bench(args):
        """Measure ingest and report against the hardware limit and the peers (pandas, polars, DuckDB).

        Runs benchmarks/run.py of a source checkout with the same arguments
        (kwo bench --help lists them). Needs the checkout's benchmarks/ folder and the
        bench extra: pip install -e '.[bench]'.

        \b
        Example:
          kwo bench --quick
          kwo bench --tweets 1000000 --repeat 3 --workdir /tmp/kwo-bench
        """
        script = BENCHMARKS / "run.py"
        if not script.is_file():
            raise click.ClickException(
                f"the benchmarks are not installed (no {script}): they ship with the source, not the wheel; "
                "run `kwo bench` from a checkout (git clone, then pip install -e '.[bench]')"
            )
        spec = importlib.util.spec_from_file_location("kwo_benchmarks_run", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        raise SystemExit(module.main(list(args)))
