from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

# CI must not fail on a new random draw: there the examples are derived from the test itself
# (reproducible); locally each run explores new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

#: Real public tweet files (README, "Tests on real data"): the folder KWO_REALDATA names, else the
#: one the maintainers keep beside the checkout. They are never copied into the repository.
REALDATA = Path(os.environ.get("KWO_REALDATA") or Path(__file__).resolve().parents[2] / "shared" / "realdata")
#: The skip reason of every test that needs them.
REALDATA_MISSING = f"needs the real tweet files: {REALDATA} is absent (set KWO_REALDATA to their folder)"

# Tests run without a terminal and in a predictable locale/time zone.
os.environ.setdefault("TZ", "UTC")


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(REALDATA_MISSING)
    return REALDATA


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return tmp_path / "archive"


def run_kwo(*args, code: int | None = 0, input=None, env: dict | None = None) -> Result:
    """``kwo ARGS...`` in this process (click's runner); arguments may be paths or numbers.

    Fails the test unless the exit code is ``code`` (None: any code), and whenever kwo shows a
    traceback; an exception other than an exit is raised again, so the test shows where it came from.
    """
    from kwo.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args], input=input, env=env)
    assert "Traceback" not in result.output + result.stderr, result.output + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if code is not None:
        assert result.exit_code == code, result.output
    return result


@pytest.fixture(scope="session")
def kwo_cli():
    """:func:`run_kwo`, for tests and fixtures of any scope: ``kwo_cli("report", "-a", archive, code=1)``."""
    return run_kwo
