"""Parameter types shared by the commands."""

from __future__ import annotations

import sys

import click


class Choice(click.Choice):
    """click.Choice that refuses in kwo's words: ``--format 'pdf': choose one of table, json``."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
            name = opts[0] if opts else (param.human_readable_name if param else "value")
            raise click.UsageError(f"{name} {value!r}: choose one of {', '.join(self.choices)}", ctx) from None


def archive_option(required: bool = True):
    return click.option(
        "--archive",
        "-a",
        "archive",
        required=required,
        type=click.Path(file_okay=False, path_type=str),
        envvar="KWO_ARCHIVE",
        help="Archive directory (or set KWO_ARCHIVE).",
    )


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
