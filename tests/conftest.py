from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from .kwo_cli import run_kwo

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


@pytest.fixture(scope="session")
def kwo_cli():
    """:func:`run_kwo`, for tests and fixtures of any scope: ``kwo_cli("report", "-a", archive, code=1)``."""
    return run_kwo
