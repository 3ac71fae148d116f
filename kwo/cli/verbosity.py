"""``-q/--quiet`` and ``-v/--verbose``: one meaning on every command (kwo bench passes its
arguments on to benchmarks/run.py and has its own).

-q: print nothing but errors and the output asked for: no progress bar, summary, notice or
caveat headline. -v: also say on standard error what the command was given (the
options that differ from their defaults) and what it read (a report: the archive's fingerprint,
the roster and its brands). -q wins over -v. The flags are kept in the click context
(:func:`is_quiet`, :func:`is_verbose`), so a command's body asks instead of taking parameters.
"""

from __future__ import annotations

import functools

import click

QUIET_HELP = ("Print nothing but errors and the output asked for (a report, --json, a file): no progress bar, "
              "summary, notice or caveat headline.")
VERBOSE_HELP = "Also say on stderr what the command was given and what it read."
KEYS = {"quiet": "kwo.quiet", "verbose": "kwo.verbose"}
#: Commands that pass their arguments on (kwo bench: to benchmarks/run.py).
PASS_THROUGH = ("bench",)


def _remember(key: str):
    def callback(ctx: click.Context, param, value):
        if value:
            ctx.find_root().meta[KEYS[key]] = True
        return value

    return callback


def _meta(key: str) -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get(KEYS[key]))


def is_quiet() -> bool:
    return _meta("quiet")


def is_verbose() -> bool:
    return _meta("verbose") and not is_quiet()


def say(message: str) -> None:
    """One line on stderr with -v."""
    if is_verbose():
        click.echo(message, err=True)


def add_verbosity(group: click.Group) -> None:
    """Give every command of ``group`` -q/--quiet and -v/--verbose (a command's own -q gets the same
    help and is remembered too), and with -v the line of what it was given."""
    for name, cmd in group.commands.items():
        if name in PASS_THROUGH:
            continue
        own = {o: p for p in cmd.params for o in getattr(p, "opts", [])}
        if "-q" in own:
            own["-q"].help = QUIET_HELP
            own["-q"].callback = _remember("quiet")
        else:
            cmd.params.append(click.Option(["--quiet", "-q"], is_flag=True, expose_value=False,
                                           callback=_remember("quiet"), help=QUIET_HELP))
        cmd.params.append(click.Option(["--verbose", "-v"], is_flag=True, expose_value=False,
                                       callback=_remember("verbose"), help=VERBOSE_HELP))
        if cmd.callback is not None:
            cmd.callback = _saying_what_was_given(name, cmd, cmd.callback)


def _saying_what_was_given(name: str, cmd: click.Command, callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        if is_verbose():
            given = []
            for p in cmd.params:
                value = kwargs.get(p.name)
                if p.name in kwargs and value not in (None, False, (), "") and value != p.default:
                    shown = " ".join(map(str, value)) if isinstance(value, (tuple, list)) else value
                    flag = max(p.opts, key=len) if isinstance(p, click.Option) else p.name.upper()
                    given.append(f"{flag} {shown}")
            click.echo(f"kwo {name}: {', '.join(given) or 'the defaults'}", err=True)
        return callback(*args, **kwargs)

    return run


__all__ = ["QUIET_HELP", "VERBOSE_HELP", "add_verbosity", "is_quiet", "is_verbose", "say"]
