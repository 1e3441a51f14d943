"""What the benchmark scripts share: their options, the city-scale database and a timer.

The scripts put the project folder on ``sys.path`` before importing this module.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast

from sqlalchemy import Engine

from community_map import storage
from community_map.cli import ProgressBar
from community_map.demo import generate_demo
from community_map.models import Role
from community_map.trust import Actor

__all__ = ["benchmark_parser", "city_engine", "median_time"]

T = TypeVar("T")


def benchmark_parser(doc: str) -> argparse.ArgumentParser:
    """Return a parser described by the first line of ``doc``, with ``--database-url``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--database-url")
    return parser


@contextmanager
def city_engine(database_url: str | None) -> Iterator[Engine]:
    """Yield an engine on ``database_url``; without one, on the city-scale demo.

    The demo goes into a temporary SQLite database, removed when the block ends.
    """
    with tempfile.TemporaryDirectory() as folder:
        engine = storage.create_db_engine(database_url or f"sqlite:///{folder}/city.db")
        try:
            if database_url is None:
                storage.migrate(engine)
                print("generating the city-scale demo data...", file=sys.stderr)
                generate_demo(
                    engine,
                    actor=Actor(username="benchmark", role=Role.ADMIN),
                    scale="city",
                    progress=ProgressBar(),
                )
            yield engine
        finally:
            engine.dispose()


def median_time(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Run ``fn`` ``repeat`` times; return the median seconds and the last result."""
    times: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), cast("T", result)
