"""Report commands (kwo report, answered, proactive, rush-hour, response-times, brands)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Attach the report commands to the ``kwo`` group."""
