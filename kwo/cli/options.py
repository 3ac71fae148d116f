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


class FormatChoice(Choice):
    """``auto`` or the name of a registered input format (kwo.formats), looked up when the option
    is parsed or shown, so a format registered after kwo.cli was imported is a choice too, and
    ``kwo --help`` imports no format."""

    def __init__(self) -> None:
        super().__init__([])

    @property
    def choices(self):
        from ..formats import format_names

        return ("auto", *format_names())

    @choices.setter
    def choices(self, value) -> None:
        pass  # click.Choice.__init__ sets it; the registry is the only source


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


SPARK_MASTER_HELP = "With --engine spark: the master (local[4], spark://host:7077, yarn; default local[*])."


def spark_master_option(fn):
    """``--spark-master URL``, as the report and ingest take it."""
    return click.option("--spark-master", "spark_master", metavar="URL", help=SPARK_MASTER_HELP)(fn)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
