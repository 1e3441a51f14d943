"""Benchmark: importing a large asset CSV with the command line (time and peak memory).

Generates asset CSV files of the sizes asked for (by default 5 MB, the size limit and
50 MB), imports each with ``community-map import assets`` into a fresh SQLite database in
a subprocess, and prints the median wall time and the peak resident memory of the
process. Files over the ``max_import_mb`` limit are refused before they are read: the
figures then show how fast the refusal is. Targets: a 50 MB file imported in under 15 s
and 500 MB, or refused with a clear message; every file under the limit in under 15 s
and 500 MB.

Usage: ``python benchmarks/bench_import.py [--sizes 5 20 50] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from community_map.settings import get_settings  # noqa: E402

CATEGORIES = ["Biblioteca", "Casal de joves", "Centre cívic", "Escola", "Parc", "CAP"]


def write_csv(path: Path, megabytes: float) -> int:
    """Write an asset CSV of about ``megabytes`` MB (Barcelona points); return its rows."""
    rng = random.Random(1)
    target = int(megabytes * 2**20)
    rows = 0
    with path.open("wb") as handle:
        handle.write(b"id,nom,categoria,adreca,telefon,lon,lat,descripcio\n")
        while True:
            lon, lat = 2.10 + rng.random() * 0.12, 41.35 + rng.random() * 0.08
            line = (
                f"A{rows + 1:07d},Equipament {rows + 1} de Sant Martí,{rng.choice(CATEGORIES)},"
                f'"Carrer de la Marina {rows % 300}, Barcelona",93 {rows % 1000:03d} 00 00,'
                f'{lon:.6f},{lat:.6f},"Activitats per a joves i gent gran, número {rows}"\n'
            ).encode()
            if handle.tell() + len(line) > target:  # the file stays within the size asked
                return rows
            handle.write(line)
            rows += 1


def run_import(csv_path: Path, folder: Path) -> tuple[float, float, int, str]:
    """Import ``csv_path`` into a new database in a subprocess.

    Returns wall seconds, peak RSS in MB, the exit code and the last line printed.
    """
    database = folder / f"bench_{time.monotonic_ns()}.db"
    env = {**os.environ, "COMMUNITY_MAP_DATABASE_URL": f"sqlite:///{database}"}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "community_map.cli"]
    subprocess.run([*command, "init"], env=env, check=True, capture_output=True)
    script = (
        "import resource, sys\n"
        "from community_map.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(f'PEAK_KB {peak}', file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    args = ["import", "assets", str(csv_path), "--default-category", "library"]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    peak_kb = next(
        (int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB")),
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    last = next((line for line in said if not line.startswith("PEAK_KB")), "")
    database.unlink(missing_ok=True)
    return seconds, peak_kb / 1024, done.returncode, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    limit = float(get_settings().max_import_mb)
    parser.add_argument("--sizes", type=float, nargs="+", default=[5.0, limit, 50.0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"max_import_mb = {limit:g}; median of {args.repeat} runs per size")
    print(f"{'file (MB)':>9} {'rows':>8} {'result':>9} {'median (s)':>11} {'peak RSS (MB)':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in args.sizes:
            path = folder / f"assets_{size:g}mb.csv"
            rows = write_csv(path, size)
            runs = [run_import(path, folder) for _ in range(args.repeat)]
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            result = "imported" if runs[-1][2] == 0 else "refused"
            print(f"{size:>9g} {rows:>8} {result:>9} {seconds:>11.2f} {peak:>14.0f}")
            if result == "refused":
                print(f"          message: {runs[-1][3][:150]}")
    print("targets: imported in < 15 s and < 500 MB, or refused with a clear message")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
