"""Archives given as URLs (``s3a://bucket/kwo16``, ``hdfs://nn/kwo16``, ``abfss://...``,
``file:///data/kwo16``): the Spark engine reads them, through their manifest's list of parts
(kwo.engine.spark.open_url_archive); DuckDB reads archive folders on this machine."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit

# A scheme and "://": a Windows path (C:\\...) or a folder named "s3a:" has no "//" after the colon.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(archive: str | os.PathLike) -> bool:
    return isinstance(archive, str) and _URL.match(archive) is not None


def local_folder(archive: str | os.PathLike) -> str | os.PathLike | None:
    """The folder on this machine that ``archive`` names: itself when a path, the path of a
    ``file://`` URL, None for a URL of another file system."""
    if not is_url(archive):
        return archive
    parts = urlsplit(archive)
    if parts.scheme.lower() == "file" and parts.netloc in ("", "localhost"):
        return unquote(parts.path)
    return None


def part_url(archive: str, rel: str) -> str:
    """The URL of the part ``rel`` (tweets/month=YYYY-MM/NAME.parquet, checked by the manifest)."""
    return f"{archive.rstrip('/')}/{rel}"


__all__ = ["is_url", "local_folder", "part_url"]
