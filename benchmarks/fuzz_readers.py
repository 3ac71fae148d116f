"""The long fuzz run of the readers: the targets of tests/fuzz_targets.py for minutes, not seconds.

    python benchmarks/fuzz_readers.py --minutes 5                 # every target, 5 minutes each
    python benchmarks/fuzz_readers.py --minutes 2 v1 twcs         # some targets
    python benchmarks/fuzz_readers.py --engine hypothesis         # without atheris

With atheris installed (pip install -e '.[fuzz]'; a wheel for CPython 3.11 on x86-64 Linux) each
target is coverage-guided: kwo's readers are instrumented and libFuzzer keeps the inputs that
reach new code, each one turned into a structured input by the target's builder. Without it the
same builders draw from hypothesis, one seed after another until the time is up. A failure
prints the target, the input (its bytes, repr'd) and the assertion, and the run exits 1;
libFuzzer also leaves the raw input as crash-* in --workdir.

The targets and what each checks: tests/fuzz_targets.py. The suite runs them briefly
(tests/test_fuzz_readers.py); docs/robustness.md records what a long run found.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BYTES_TARGETS = {"v1-bytes": "v1", "v2-bytes": "v2", "twcs-bytes": "twcs", "archive-bytes": "archive"}
# what arbitrary bytes come after, so that they get past the first check of their reader
BYTES_PREFIX = {"twcs": b"tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n",
                "archive": b"window.YTD.tweets.part0 = "}


def targets() -> list[str]:
    from tests import fuzz_targets as ft

    return [*ft.INPUTS, *BYTES_TARGETS]


# ---------------------------------------------------------------------------------------------
# atheris


class AtherisDraw:
    def __init__(self, fdp):
        self.fdp = fdp

    def int(self, lo: int, hi: int) -> int:
        return self.fdp.ConsumeIntInRange(lo, hi)

    def bytes(self, max_size: int) -> bytes:
        return self.fdp.ConsumeBytes(self.fdp.ConsumeIntInRange(0, max_size))

    def text(self, max_size: int) -> str:
        return self.fdp.ConsumeUnicodeNoSurrogates(self.fdp.ConsumeIntInRange(0, max_size))


def atheris_child(name: str, libfuzzer_args: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["kwo"]):
        from kwo.formats import account_archive, twcs, v1, v2  # noqa: F401 - instrumented for coverage
    from tests import fuzz_targets as ft

    def one_input(data: bytes) -> None:
        if name in BYTES_TARGETS:
            fmt = BYTES_TARGETS[name]
            ft.check_bytes(fmt, BYTES_PREFIX.get(fmt, b"") + data)
            return
        content, records = ft.INPUTS[name][1](AtherisDraw(atheris.FuzzedDataProvider(data)))
        try:
            ft.check(name, content, records)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}\ninput: {content!r}") from None

    atheris.Setup([sys.argv[0], *libfuzzer_args], one_input)
    atheris.Fuzz()


def run_atheris(names: list[str], seconds: int, workdir: Path) -> int:
    failed = 0
    for name in names:
        corpus = workdir / f"corpus-{name}"
        corpus.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, __file__, "--atheris-child", name, f"-max_total_time={seconds}",
               "-rss_limit_mb=4096", "-max_len=65536", f"-artifact_prefix={workdir}/{name}-", str(corpus)]
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
        stats = [line for line in proc.stderr.splitlines() if line.startswith("#") and "cov:" in line]
        print(f"{name}: {'ok' if proc.returncode == 0 else 'FAILED'} in {time.perf_counter() - started:.0f} s; "
              f"{stats[-1] if stats else ''}")
        if proc.returncode != 0:
            failed += 1
            print(proc.stderr[-4000:])
    return failed


# ---------------------------------------------------------------------------------------------
# hypothesis


def _property(name: str, counter: list[int]):
    """The property of target ``name`` as a function of hypothesis' data (counting the examples)."""
    from hypothesis import strategies as st

    from tests import fuzz_targets as ft
    from tests.test_fuzz_readers import HypothesisDraw

    def once(data) -> None:
        counter[0] += 1
        if name in BYTES_TARGETS:
            fmt = BYTES_TARGETS[name]
            ft.check_bytes(fmt, BYTES_PREFIX.get(fmt, b"") + data.draw(st.binary(max_size=4096)))
            return
        content, records = ft.INPUTS[name][1](HypothesisDraw(data))
        ft.check(name, content, records)

    return once


def run_hypothesis(names: list[str], seconds: int) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st


    failed = 0
    for name in names:
        started, rounds = time.perf_counter(), 0

        counter = [0]
        test = settings(max_examples=500, deadline=None, database=None, derandomize=False,
                        suppress_health_check=list(HealthCheck))(given(data=st.data())(_property(name, counter)))
        try:
            while time.perf_counter() - started < seconds:
                test()
                rounds += 1
        except Exception as exc:  # the property's failure, shrunk by hypothesis
            failed += 1
            print(f"{name}: FAILED after {counter[0]:,} examples\n{exc}")
            continue
        print(f"{name}: ok, {counter[0]:,} examples in {time.perf_counter() - started:.0f} s")
    return failed


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--atheris-child"]:
        atheris_child(argv[1], argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help=f"default: all ({', '.join(targets())})")
    parser.add_argument("--minutes", type=float, default=5, help="per target")
    parser.add_argument("--engine", choices=["auto", "atheris", "hypothesis"], default="auto")
    parser.add_argument("--workdir", type=Path, default=None, help="for corpora and crash files (atheris)")
    args = parser.parse_args(argv)
    names = args.targets or targets()
    unknown = set(names) - set(targets())
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    seconds = max(1, int(args.minutes * 60))
    print(f"fuzzing {len(names)} target(s) with {engine}, {seconds} s each")
    if engine == "atheris":
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kwo-fuzz-"))
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"corpora and crash files in {workdir}")
        failed = run_atheris(names, seconds, workdir)
    else:
        os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="kwo-fuzz-hyp-"))
        failed = run_hypothesis(names, seconds)
    print("every property held" if not failed else f"{failed} target(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
