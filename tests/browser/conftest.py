"""Browser harness: the app served headless on a fresh demo database, driven by Playwright.

Chromium is Debian's (/usr/bin/chromium): nothing is downloaded. Requests to CDNs are
answered from local copies installed from the npm registry (see cdn.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from community_map import storage
from community_map.models import Role
from community_map.trust.permissions import Actor

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the app on a fresh demo database; yield its base URL."""
    from community_map.demo import generate_demo

    folder = tmp_path_factory.mktemp("browser-app")
    db_url = f"sqlite:///{folder / 'demo.db'}"
    engine = storage.create_db_engine(db_url)
    storage.migrate(engine)
    generate_demo(engine, actor=Actor(username="browser-fixture", role=Role.ADMIN))
    engine.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMUNITY_MAP_")}
    env.update(COMMUNITY_MAP_DATABASE_URL=db_url, COMMUNITY_MAP_DEMO="true")
    log = (folder / "streamlit.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the app did not start: " + (folder / "streamlit.log").read_text())
        time.sleep(0.3)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    from tests.browser.cdn import ensure_node_modules
    from tests.browser.harness import launch_browser

    ensure_node_modules()
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser page whose CDN requests are served locally; collects page errors."""
    from tests.browser.cdn import install_cdn_routes

    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    context.blocked = install_cdn_routes(context)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()
