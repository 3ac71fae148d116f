"""Input formats: one module per format (the contract its reader keeps is in
:mod:`kwo.formats.base`); each module joins the registry with :func:`register_format` when it is
imported. This package looks formats up by name and lists them.

Adding a format is described in CONTRIBUTING.md ("Add an input format").
"""

from __future__ import annotations

import importlib

from .base import (
    EXCERPT_BYTES,
    MAX_RECORD_BYTES,
    REGISTRY,
    Format,
    QuarantineEntry,
    ReadContext,
    Reader,
    plausible_time,
    record_lines,
    register_format,
    skip_blank_lines,
    too_long_reason,
    unregister_format,
)

#: The formats kwo ships: name -> the module that registers it. A module is imported when its
#: format is first asked for (a parse worker reading v1 does not import the account-archive
#: reader); this order is the order of ``kwo ingest --help`` and of the unknown-format message.
BUILTIN: dict[str, str] = {
    "v1": "kwo.formats.v1",
    "v2": "kwo.formats.v2",
    "twcs": "kwo.formats.twcs",
    "twarc-csv": "kwo.formats.twarc_csv",
    "archive": "kwo.formats.account_archive",
}


def get_format(name: str) -> Format:
    """The format ``name``; KeyError when no format has that name."""
    if name not in REGISTRY and name in BUILTIN:
        importlib.import_module(BUILTIN[name])
    return REGISTRY[name]


def get_reader(name: str) -> Reader:
    return get_format(name).read


def format_names() -> list[str]:
    """Every format's name, the built-in ones first (without importing any format module)."""
    return [*BUILTIN, *(name for name in REGISTRY if name not in BUILTIN)]


def all_formats() -> list[Format]:
    return [get_format(name) for name in format_names()]


def is_format(name: str) -> bool:
    return name in BUILTIN or name in REGISTRY


def formats_help() -> str:
    return "; ".join(f"{f.name}: {f.description}" for f in all_formats())


__all__ = [
    "BUILTIN",
    "EXCERPT_BYTES",
    "MAX_RECORD_BYTES",
    "Format",
    "QuarantineEntry",
    "ReadContext",
    "Reader",
    "all_formats",
    "format_names",
    "formats_help",
    "get_format",
    "get_reader",
    "is_format",
    "plausible_time",
    "record_lines",
    "register_format",
    "skip_blank_lines",
    "too_long_reason",
    "unregister_format",
]
