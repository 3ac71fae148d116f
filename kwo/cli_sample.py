"""Sample-archive commands (kwo sample, kwo demo)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Attach the sample commands to the ``kwo`` group."""
