from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI must not fail on a new random draw: there the examples are derived from the test itself
# (reproducible); locally each run explores new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"

# Tests run without a terminal and in a predictable locale/time zone.
os.environ.setdefault("TZ", "UTC")


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent")
    return REALDATA


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return tmp_path / "archive"
