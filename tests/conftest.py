from __future__ import annotations

import os
from pathlib import Path

import pytest

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
