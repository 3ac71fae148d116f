"""kwo bench: runs benchmarks/run.py of a checkout; says so clearly when there is none."""

from __future__ import annotations

from kwo.cli import bench as cli_bench


def test_bench_passes_arguments_to_run_py(kwo_cli):
    res = kwo_cli("bench", "--help")
    assert "--tweets" in res.output and "--quick" in res.output


def test_bench_without_benchmarks_folder(tmp_path, monkeypatch, kwo_cli):
    monkeypatch.setattr(cli_bench, "BENCHMARKS", tmp_path / "benchmarks")
    res = kwo_cli("bench", "--quick", code=1)
    assert "benchmarks are not installed" in res.output and "checkout" in res.output
