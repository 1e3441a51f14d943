"""The browser harness: the app served on a fresh demo database, and Debian's Chromium.

Playwright never downloads a browser here. Used by the browser tests and the README
screenshot script.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine; fail when CI=true, where the browser tests must run."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)")
    pytest.skip(reason)


def launch_browser(playwright: Any) -> Any:
    """Headless Chromium from /usr/bin/chromium; skip (or fail in CI) when it is missing."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo_app(folder: Path, *, port: int | None = None) -> Iterator[str]:
    """Serve the app headless on a fresh demo database in ``folder``; yield its base URL."""
    from community_map import storage
    from community_map.demo import generate_demo
    from community_map.models import Role
    from community_map.trust import Actor

    db_url = f"sqlite:///{folder / 'demo.db'}"
    engine = storage.create_db_engine(db_url)
    storage.migrate(engine)
    generate_demo(engine, actor=Actor(username="browser-fixture", role=Role.ADMIN))
    engine.dispose()
    with served_app(folder, db_url, demo=True, port=port) as base:
        yield base


EMPTY_ADMIN = ("admin", "first-admin-password")
"""The one account of :func:`empty_app`: what ``community-map user add`` would create."""


@contextmanager
def empty_app(folder: Path, *, port: int | None = None) -> Iterator[str]:
    """Serve the app on an empty database (``init`` and one administrator, no demo)."""
    from community_map import storage
    from community_map.models import Role
    from community_map.trust import Actor, add_user

    db_url = f"sqlite:///{folder / 'empty.db'}"
    engine = storage.create_db_engine(db_url)
    storage.migrate(engine)
    with storage.session_scope(engine) as session:
        add_user(
            session,
            actor=Actor(username="browser-fixture", role=Role.ADMIN),
            username=EMPTY_ADMIN[0],
            password=EMPTY_ADMIN[1],
            role=Role.ADMIN,
        )
    engine.dispose()
    with served_app(folder, db_url, demo=False, port=port) as base:
        yield base


@contextmanager
def served_app(folder: Path, db_url: str, *, demo: bool, port: int | None = None) -> Iterator[str]:
    """Serve the app headless on ``db_url``; yield its base URL."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMUNITY_MAP_")}
    env.update(COMMUNITY_MAP_DATABASE_URL=db_url, COMMUNITY_MAP_DEMO="true" if demo else "false")
    log_path = folder / "streamlit.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the app did not start: " + log_path.read_text())
                time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
