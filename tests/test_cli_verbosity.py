"""-q/--quiet and -v/--verbose (kwo.cli.verbosity): on every command with one help text; -q
leaves only the output and errors, -v says what the command was given and read."""

from __future__ import annotations

import pytest

from kwo.cli import cli
from kwo.cli.verbosity import PASS_THROUGH, QUIET_HELP, VERBOSE_HELP

from . import handmade as hm
from .kwo_cli import run_kwo

COMMANDS = sorted(n for n in cli.commands if n not in PASS_THROUGH)


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return hm.build_archive(tmp_path_factory.mktemp("verbosity"), hm.ROWS, hm.ROSTER_CSV)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_takes_q_and_v_with_one_meaning(name):
    options = {tuple(sorted(p.opts)): p.help for p in cli.commands[name].params}
    assert options[("--quiet", "-q")] == QUIET_HELP
    assert options[("--verbose", "-v")] == VERBOSE_HELP


def test_the_walk_sees_the_commands():
    assert {"ingest", "sql", "repair", "report", "brands", "chart", "sample", "demo"} <= set(COMMANDS)


def test_quiet_report_prints_only_the_output(case, tmp_path):
    archive, _ = case
    cp1252 = tmp_path / "brands.csv"  # Windows-1252: a notice on stderr without -q
    cp1252.write_bytes(hm.ROSTER_CSV.replace("ING,finance", "ING Bank\u00e9,finance").encode("cp1252"))
    loud = run_kwo("brands", "-a", archive, "-b", cp1252, "-f", "csv")
    assert loud.stderr.startswith("Notice: ") and "\nkwo: these figures carry caveats (5 info);" in loud.stderr
    quiet = run_kwo("brands", "-a", archive, "-b", cp1252, "-f", "csv", "-q")
    assert quiet.stderr == "" and quiet.stdout == loud.stdout


def test_verbose_says_what_was_given_and_read(case):
    archive, roster = case
    result = run_kwo("answered", "-a", archive, "-b", roster, "-f", "json", "--brand", "ing", "-v")
    lines = result.stderr.splitlines()
    assert lines[0] == f"kwo answered: --format json, --archive {archive}, --brands {roster}, --brand ing"
    assert lines[1].startswith(f"kwo: archive {archive} (fingerprint ") and lines[1].endswith(
        f"; roster {roster}: 1 brand in the figures")
    assert run_kwo("answered", "-a", archive, "-b", roster, "-f", "json", "-v", "-q").stderr == ""  # -q wins
    sql = run_kwo("sql", "SELECT 1 AS n", "-a", archive, "-v")
    assert sql.stderr.splitlines()[0] == f"kwo sql: QUERY SELECT 1 AS n, --archive {archive}"
