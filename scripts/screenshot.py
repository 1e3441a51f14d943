"""Take the README screenshot: the Home page on the demo data, logged in as the coordinator.

Usage: ``python scripts/screenshot.py [output.png]`` (default ``docs/screenshot.png``).
Needs Debian's Chromium and the local CDN copies of tests/browser (``npm ci`` there).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.cdn import ensure_node_modules, install_cdn_routes  # noqa: E402
from tests.browser.harness import demo_app, launch_browser  # noqa: E402

PORT = 8597


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    ensure_node_modules()
    with (
        tempfile.TemporaryDirectory() as folder,
        demo_app(Path(folder), port=PORT) as base,
        sync_playwright() as playwright,
    ):
        browser = launch_browser(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
        install_cdn_routes(context)
        page = context.new_page()
        page.goto(base)
        page.get_by_label("User name").fill("coordinator")
        page.get_by_label("Password", exact=True).fill("demo-coordinator")
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("heading", name="Home").wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
