"""The benchmark scripts run and print their figures (speed itself is not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_map_benchmark_prints_its_table(demo_db: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_map.py"),
            "--database-url",
            demo_db,
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "build layers, median (s)" in result.stdout, result.stderr
    assert "map HTML sent (MB)" in result.stdout
    assert "targets (layers < 0.5 s, page < 3 MB)" in result.stdout
