"""folium and pyvis pages work in a browser with their CDN files served locally, offline.

Each page is written to a temporary folder, served from 127.0.0.1 and opened in headless
Chromium, whose requests go through ``cdn.install_cdn_routes``: no request leaves the machine.
"""

from __future__ import annotations

import functools
import http.server
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.cdn import CDN_MAPPINGS, install_cdn_routes

pytestmark = pytest.mark.browser

CDN_HOSTS = frozenset(mapping.host for mapping in CDN_MAPPINGS)

GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "district"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[2.10, 41.35], [2.20, 41.35], [2.20, 41.42], [2.10, 41.42], [2.10, 41.35]]
                ],
            },
        }
    ],
}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """``serve(name, html)`` writes a page to a temporary folder; returns its 127.0.0.1 URL."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def _serve(name: str, html: str) -> str:
        (tmp_path / name).write_text(html, encoding="utf-8")
        return f"http://127.0.0.1:{server.server_address[1]}/{name}"

    yield _serve
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def offline_page(browser: Any) -> Iterator[Any]:
    """A page whose CDN requests are answered locally; ``page.blocked`` / ``page.errors``.

    ``browser`` is the session fixture of tests/browser/conftest.py (ensure_node_modules +
    harness.launch_browser): one process can run only one sync Playwright at a time.
    """
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    blocked = install_cdn_routes(context)
    page = context.new_page()
    page.blocked = blocked
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def _assert_offline_ok(page: Any) -> None:
    """No page error and no blocked script or stylesheet; other CDN misses are only reported."""
    assert page.errors == [], f"page errors: {page.errors}"
    critical = page.blocked.critical()
    assert critical == [], f"scripts/stylesheets blocked (missing from cdn.py): {critical}"
    # Fonts and images from a CDN (map tiles are expected to be blocked) leave the page usable.
    minor = [u for u in page.blocked if urlsplit(u).hostname in CDN_HOSTS]
    if minor:
        warnings.warn(f"CDN fonts/images blocked (missing from cdn.py): {minor}", stacklevel=2)


def test_folium_map_renders_offline(serve: Any, offline_page: Any) -> None:
    import folium
    from folium.plugins import FastMarkerCluster, MarkerCluster

    fmap = folium.Map(location=[41.39, 2.16], zoom_start=12)
    folium.GeoJson(GEOJSON, name="districts", tooltip="district").add_to(fmap)
    cluster = MarkerCluster(name="members").add_to(fmap)
    for lat, lon in ((41.38, 2.15), (41.39, 2.17), (41.40, 2.16)):
        folium.Marker([lat, lon], icon=folium.Icon(icon="info-sign", angle=30)).add_to(cluster)
    FastMarkerCluster([[41.37, 2.14], [41.41, 2.18]], name="fast").add_to(fmap)
    folium.LayerControl().add_to(fmap)
    url = serve("map.html", fmap.get_root().render())

    page = offline_page
    page.goto(url, wait_until="load")
    assert page.evaluate("typeof window.L") == "object"
    assert page.evaluate("typeof L.markerClusterGroup") == "function"
    assert page.evaluate("typeof L.AwesomeMarkers") == "object"
    page.wait_for_selector("path.leaflet-interactive", state="attached", timeout=10_000)
    assert page.locator(".leaflet-control-layers").count() == 1
    page.wait_for_selector(".marker-cluster", state="attached", timeout=10_000)
    _assert_offline_ok(page)


def test_pyvis_network_renders_offline(serve: Any, offline_page: Any) -> None:
    from pyvis.network import Network

    net = Network(height="600px", width="100%", cdn_resources="remote")
    net.toggle_physics(False)
    for i in range(10):
        net.add_node(i, label=f"member {i}", x=(i % 5) * 120, y=(i // 5) * 120)
    for i in range(9):
        net.add_edge(i, i + 1)
    url = serve("network.html", net.generate_html())

    page = offline_page
    page.goto(url, wait_until="load")
    assert page.evaluate("typeof vis !== 'undefined'") is True
    page.wait_for_selector("#mynetwork canvas", state="attached", timeout=10_000)
    assert page.evaluate("typeof network !== 'undefined' && network.body.data.nodes.length") == 10
    # Bootstrap 5.0.0-beta3 passed its SRI check only if its bytes are the CDN's.
    assert page.evaluate("typeof bootstrap") == "object"
    vis_css_rules = page.evaluate(
        "[...document.styleSheets].filter(s => (s.href || '').includes('vis-network'))"
        ".map(s => s.cssRules.length)"
    )
    assert len(vis_css_rules) == 1 and vis_css_rules[0] > 0, vis_css_rules
    _assert_offline_ok(page)
    assert list(page.blocked) == [], f"blocked: {list(page.blocked)}"
