"""The benchmark scripts of `make bench` still run against the code as it is (their figures
are read by people, never asserted here: speed is not a unit test's business). Each runs
once, at its smallest: one client, one run; every measure it prints is still taken."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO


@pytest.mark.parametrize("script, args, last", [
    ("build_bench.py", ["--clients", "1", "--runs", "1"], "peak memory"),
    ("sealed_open_bench.py", ["--runs", "1"], "sealed, next page"),
])
def test_the_benchmark_runs_and_reports_its_figures(script, args, last):
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / script), *args],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "plain" in result.stdout and last in result.stdout and "Traceback" not in result.stderr
