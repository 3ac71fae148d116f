"""kwo bench: runs benchmarks/run.py of a checkout; says so clearly when there is none."""

from __future__ import annotations

from click.testing import CliRunner

from kwo.cli import bench as cli_bench
from kwo.cli import cli


def test_bench_passes_arguments_to_run_py():
    res = CliRunner().invoke(cli, ["bench", "--help"])
    assert res.exit_code == 0
    assert "--tweets" in res.output and "--quick" in res.output


def test_bench_without_benchmarks_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_bench, "BENCHMARKS", tmp_path / "benchmarks")
    res = CliRunner().invoke(cli, ["bench", "--quick"])
    assert res.exit_code == 1
    assert "benchmarks are not installed" in res.output and "checkout" in res.output
