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


@pytest.mark.slow
def test_import_benchmark_prints_time_memory_and_refusal(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "COMMUNITY_MAP_MAX_IMPORT_MB": "1"}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_import.py"),
            "--sizes",
            "0.05",
            "2",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert "peak RSS (MB)" in result.stdout, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[:1] == ["0.05"] and "imported" in line for line in lines)
    assert any(line.split()[:1] == ["2"] and "refused" in line for line in lines)
    assert "the limit is 1 MB" in result.stdout
