"""Everything a user can type is documented (as sqlite-utils' tests check its docs): every
command and every option of ``kwo --help``, walked through click's command tree, appears in
README.md or docs/*.md, and so does every environment variable kwo reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from kwo.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS)


def commands(group: click.Command = cli, path: tuple[str, ...] = ("kwo",)):
    """(command path, command) for the group and every command under it, hidden ones left out."""
    yield path, group
    if isinstance(group, click.Group):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                yield from commands(cmd, (*path, name))


def options(cmd: click.Command) -> list[str]:
    """The long spellings of the command's options (``--gzip`` and ``--no-gzip``)."""
    return [o for p in cmd.params if isinstance(p, click.Option) and not p.hidden
            for o in (*p.opts, *p.secondary_opts) if o.startswith("--")]


COMMANDS = [(" ".join(path), cmd) for path, cmd in commands()]


def environment_variables() -> set[str]:
    """Every ``KWO_*`` name in kwo's source (the names it reads from ``os.environ``, directly, via
    Settings.from_environ, or as a click option's envvar) and every envvar of the CLI's options."""
    names = set()
    for path in (ROOT / "kwo").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.fullmatch(r"KWO_[A-Z0-9_]+", node.value):
                    names.add(node.value)
    for _, cmd in COMMANDS:
        for p in cmd.params:
            envvar = getattr(p, "envvar", None)
            names.update([envvar] if isinstance(envvar, str) else envvar or [])
    return names


def test_the_walk_sees_every_command_and_option():
    found = dict(COMMANDS)
    assert {"kwo", "kwo sample", "kwo report", "kwo ingest", "kwo demo", "kwo sql"} <= set(found)
    assert {"--gzip", "--no-gzip", "--tweets"} <= set(options(found["kwo sample"]))
    assert {"KWO_MEMORY_LIMIT", "KWO_ARCHIVE", "KWO_WORKERS"} <= environment_variables()


@pytest.mark.parametrize("name,cmd", COMMANDS[1:], ids=[name for name, _ in COMMANDS[1:]])
def test_every_command_is_documented(name, cmd):
    assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", docs_text()), f"`{name}` is not in README.md or docs/"


@pytest.mark.parametrize("name,cmd", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_option_is_documented(name, cmd):
    text = docs_text()
    missing = [o for o in options(cmd) if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
    assert not missing, f"options of `{name}` not in README.md or docs/: {missing}"


def test_every_environment_variable_is_documented():
    text = docs_text()
    missing = sorted(v for v in environment_variables() if not re.search(rf"\b{v}\b", text))
    assert not missing, f"environment variables not in README.md or docs/: {missing}"
