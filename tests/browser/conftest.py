"""Browser harness: the app served headless on a fresh demo database, driven by Playwright.

Chromium is Debian's (/usr/bin/chromium): nothing is downloaded. Requests to CDNs are
answered from local copies installed from the npm registry (see cdn.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the app on a fresh demo database; yield its base URL."""
    from tests.browser.harness import demo_app

    try:
        with demo_app(tmp_path_factory.mktemp("browser-app")) as base:
            yield base
    except RuntimeError as exc:
        pytest.fail(str(exc))


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
