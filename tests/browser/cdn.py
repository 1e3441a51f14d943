"""Serve the CDN files of folium and pyvis pages from local copies, so browser tests stay offline.

folium 0.20 and pyvis 0.3.2 (cdn_resources="remote") write <script>/<link> tags that point at
public CDNs. The exact same files are installed from the npm registry into
``tests/browser/node_modules`` (see ``package.json``; npm aliases pin one folder per version).
``install_cdn_routes`` answers those requests from disk, lets requests to the local app through
and aborts everything else, recording what it blocked.

pyvis uses Subresource Integrity hashes, so the bytes must be exactly the CDN's: the npm
tarballs are what cdnjs and jsDelivr publish, and the hashes were checked to match.

URLs found in generated pages (folium map with GeoJson, MarkerCluster, FastMarkerCluster,
LayerControl; pyvis ``Network(cdn_resources="remote").generate_html()``):

    https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js
    https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css
    https://code.jquery.com/jquery-3.7.1.min.js
    https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js
    https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css
    https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js
    https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css
    https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css
    https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css
    https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css
    https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js
    https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css
    https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css
    https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js   (branca's colour-scale legend)
    https://d3js.org/d3.v4.min.js                               (folium's colour legend)
    https://cdnjs.cloudflare.com/ajax/libs/vis-network/9.1.2/dist/vis-network.min.js      (SRI)
    https://cdnjs.cloudflare.com/ajax/libs/vis-network/9.1.2/dist/dist/vis-network.min.css (SRI)
    https://cdn.jsdelivr.net/npm/bootstrap@5.0.0-beta3/dist/js/bootstrap.bundle.min.js   (SRI)
    https://cdn.jsdelivr.net/npm/bootstrap@5.0.0-beta3/dist/css/bootstrap.min.css       (SRI)

Two of them have no npm package with the same bytes; neither carries an SRI hash:

* ``bootstrap-glyphicons.css`` (Bootstrap 3.0.0) is served from ``glyphicons-only-bootstrap``,
  the Glyphicons part of Bootstrap 3.3.7 (same class names and font).
* ``leaflet.awesome.rotate.min.css`` (folium's GitHub repo) is served from the folium package's
  own ``templates`` folder when it ships the file, else from ``tests/browser/vendor``.

To support another CDN file: add the package to ``package.json`` (``npm install
--legacy-peer-deps`` there, commit ``package-lock.json``) and a row to ``CDN_MAPPINGS``.
"""

from __future__ import annotations

import fcntl
import json
import mimetypes
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
VENDOR = HERE / "vendor"


def _folium_templates() -> Path:
    try:
        import folium
    except ImportError:  # pragma: no cover - folium is a dependency of the app
        return VENDOR
    return Path(folium.__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class CdnMapping:
    """Requests to ``host`` whose path fully matches ``path`` are served from ``root/target``.

    ``target`` is a format string filled with the named groups of ``path``; a ``rest`` group that
    takes the remainder of the URL path maps a whole package folder, so files that a stylesheet
    references relatively (fonts, images) are found too.
    """

    host: str
    path: str
    root: Path
    target: str

    def file_for(self, host: str, path: str) -> Path | None:
        if host != self.host:
            return None
        match = re.fullmatch(self.path, path)
        if match is None:
            return None
        candidate = (self.root / self.target.format(**match.groupdict())).resolve()
        root = self.root.resolve()
        if root != candidate and root not in candidate.parents:
            return None  # never serve anything outside the mapped folder ("../" tricks)
        return candidate if candidate.is_file() else None


def _npm(folder: str) -> Path:
    return NODE_MODULES / folder


JSDELIVR = "cdn.jsdelivr.net"
CDNJS = "cdnjs.cloudflare.com"
REST = r"(?P<rest>[^?#]+)"

CDN_MAPPINGS: tuple[CdnMapping, ...] = (
    # Leaflet 1.9.3 (folium): whole package, so dist/images/*.png referenced by leaflet.css work.
    CdnMapping(JSDELIVR, rf"/npm/leaflet@1\.9\.3/{REST}", _npm("leaflet-1.9.3"), "{rest}"),
    # d3 4 (folium's colour legend, d3js.org/d3.v4.min.js: the last 4.x release, 4.13.0).
    CdnMapping(
        "d3js.org", r"/d3\.v4(?P<suffix>\.min\.js|\.js)", _npm("d3-4.13.0"), "build/d3{suffix}"
    ),
    # d3 3.5.5 (branca's colour-scale legend on folium maps).
    CdnMapping(CDNJS, rf"/ajax/libs/d3/3\.5\.5/{REST}", _npm("d3-3.5.5"), "{rest}"),
    # jQuery 3.7.1 (folium): code.jquery.com/jquery-3.7.1.min.js and the cdnjs spelling.
    CdnMapping(
        "code.jquery.com",
        r"/jquery-3\.7\.1(?P<suffix>\.js|\.min\.js|\.min\.map|\.slim\.js|\.slim\.min\.js)",
        _npm("jquery-3.7.1"),
        "dist/jquery{suffix}",
    ),
    CdnMapping(CDNJS, rf"/ajax/libs/jquery/3\.7\.1/{REST}", _npm("jquery-3.7.1"), "dist/{rest}"),
    CdnMapping(JSDELIVR, rf"/npm/jquery@3\.7\.1/{REST}", _npm("jquery-3.7.1"), "{rest}"),
    # Bootstrap 5.2.2 (folium) and 5.0.0-beta3 (pyvis, with SRI).
    CdnMapping(JSDELIVR, rf"/npm/bootstrap@5\.2\.2/{REST}", _npm("bootstrap-5.2.2"), "{rest}"),
    CdnMapping(
        JSDELIVR, rf"/npm/bootstrap@5\.0\.0-beta3/{REST}", _npm("bootstrap-5.0.0-beta3"), "{rest}"
    ),
    # Font Awesome 6.2.0 (folium): css/all.min.css loads ../webfonts/*.woff2 relatively.
    CdnMapping(
        JSDELIVR,
        rf"/npm/@fortawesome/fontawesome-free@6\.2\.0/{REST}",
        _npm("fontawesome-free-6.2.0"),
        "{rest}",
    ),
    # Leaflet.awesome-markers 2.0.2 (folium): the cdnjs folder is flat, with images/ beside
    # the stylesheet; the npm package keeps js/ and css/ (css/images/) apart.
    CdnMapping(
        CDNJS,
        r"/ajax/libs/Leaflet\.awesome-markers/2\.0\.2/(?P<name>[^/?#]+\.js)",
        _npm("leaflet-awesome-markers-2.0.2"),
        "js/{name}",
    ),
    CdnMapping(
        CDNJS,
        r"/ajax/libs/Leaflet\.awesome-markers/2\.0\.2/(?P<name>[^/?#]+\.css)",
        _npm("leaflet-awesome-markers-2.0.2"),
        "css/{name}",
    ),
    CdnMapping(
        CDNJS,
        rf"/ajax/libs/Leaflet\.awesome-markers/2\.0\.2/images/{REST}",
        _npm("leaflet-awesome-markers-2.0.2"),
        "css/images/{rest}",
    ),
    # Glyphicons (folium's bootstrap-glyphicons.css, Bootstrap 3.0.0) and the fonts it loads
    # from ../fonts/ relatively; old and new font file names alike.
    *(
        mapping
        for host in ("netdna.bootstrapcdn.com", "maxcdn.bootstrapcdn.com")
        for mapping in (
            CdnMapping(
                host,
                r"/bootstrap/3\.0\.0/css/bootstrap-glyphicons(?:\.min)?\.css",
                _npm("glyphicons-only-bootstrap-1.0.1"),
                "css/bootstrap.min.css",
            ),
            CdnMapping(
                host,
                r"/bootstrap/3\.0\.0/fonts/glyphicons-?halflings-regular\.(?P<ext>eot|svg|ttf|woff2?)",
                _npm("glyphicons-only-bootstrap-1.0.1"),
                "fonts/glyphicons-halflings-regular.{ext}",
            ),
        )
    ),
    # Leaflet.markercluster 1.1.0 (folium MarkerCluster, FastMarkerCluster).
    CdnMapping(
        CDNJS,
        rf"/ajax/libs/leaflet\.markercluster/1\.1\.0/{REST}",
        _npm("leaflet.markercluster-1.1.0"),
        "dist/{rest}",
    ),
    # vis-network 9.1.2 (pyvis, with SRI): cdnjs mirrors the npm package layout, including
    # the odd dist/dist/vis-network.min.css.
    CdnMapping(
        CDNJS, rf"/ajax/libs/vis-network/9\.1\.2/{REST}", _npm("vis-network-9.1.2"), "{rest}"
    ),
    CdnMapping(JSDELIVR, rf"/npm/vis-network@9\.1\.2/{REST}", _npm("vis-network-9.1.2"), "{rest}"),
    # folium's own small assets on GitHub (rotate CSS, heat map JS): the installed folium
    # package ships some of them; tests/browser/vendor holds a stand-in for the others.
    CdnMapping(
        JSDELIVR,
        r"/gh/python-visualization/folium(?:@[^/]+)?/folium/templates/(?P<name>[^/?#]+)",
        _folium_templates(),
        "{name}",
    ),
    CdnMapping(
        JSDELIVR,
        r"/gh/python-visualization/folium(?:@[^/]+)?/folium/templates/(?P<name>[^/?#]+)",
        VENDOR,
        "{name}",
    ),
)

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})
# Request types whose loss breaks a page; fonts and images only make it look worse.
CRITICAL_RESOURCE_TYPES = frozenset({"script", "stylesheet", "document"})

_CONTENT_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def is_local_url(url: str) -> bool:
    """True for the app itself (and for non-network schemes such as data: or blob:)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss"):
        return True
    host = (parts.hostname or "").lower()
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def local_file_for(url: str) -> Path | None:
    """The local copy of a CDN URL, or None when no mapping knows it (or the file is absent)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    path = unquote(parts.path)
    for mapping in CDN_MAPPINGS:
        found = mapping.file_for(host, path)
        if found is not None:
            return found
    return None


def content_type_for(path: Path) -> str:
    known = _CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@lru_cache(maxsize=256)
def _read(path: Path) -> bytes:
    return path.read_bytes()


class BlockedRequests(list[str]):
    """URLs of the external requests that were aborted, in order; a plain list of str.

    ``resource_types`` tells the Playwright resource type of each, so tests can fail on lost
    scripts and stylesheets while only reporting fonts, images and map tiles.
    """

    def __init__(self) -> None:
        super().__init__()
        self.resource_types: dict[str, str] = {}

    def record(self, url: str, resource_type: str) -> None:
        self.append(url)
        self.resource_types[url] = resource_type

    def critical(self) -> list[str]:
        """The blocked scripts, stylesheets and documents."""
        return [u for u in self if self.resource_types.get(u) in CRITICAL_RESOURCE_TYPES]


def install_cdn_routes(context: Any) -> BlockedRequests:
    """Route every request of a Playwright ``BrowserContext``; return the list of blocked URLs.

    Local requests continue; known CDN URLs are fulfilled from disk (with CORS allowed, as the
    CDNs do, so ``crossorigin``/SRI tags and web fonts work); every other request is aborted and
    its URL appended to the returned list.
    """
    blocked = BlockedRequests()

    def handler(route: Any) -> None:
        request = route.request
        url = request.url
        if is_local_url(url):
            route.continue_()
            return
        local = local_file_for(url)
        if local is None:
            blocked.record(url, request.resource_type)
            route.abort("blockedbyclient")
            return
        route.fulfill(
            status=200,
            body=_read(local),
            headers={
                "Content-Type": content_type_for(local),
                "Access-Control-Allow-Origin": "*",
                "Cache-Control": "public, max-age=31536000, immutable",
            },
        )

    context.route("**/*", handler)
    return blocked


def _dependency_folders() -> list[str]:
    manifest = json.loads((HERE / "package.json").read_text(encoding="utf-8"))
    return sorted(manifest.get("dependencies", {}))


def node_modules_ready() -> bool:
    return all((NODE_MODULES / name / "package.json").is_file() for name in _dependency_folders())


def ensure_node_modules(run: Callable[..., Any] = subprocess.run) -> Path:
    """Install the CDN copies with ``npm ci`` (from the npm registry) unless already there."""
    if node_modules_ready():
        return NODE_MODULES
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            f"{NODE_MODULES} is missing and npm is not installed: install Node.js and npm "
            f"(e.g. apt-get install npm), then run `npm ci --legacy-peer-deps` in {HERE}"
        )
    # A lock file keeps parallel test processes from installing over each other.
    with (HERE / ".npm-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if node_modules_ready():
                return NODE_MODULES
            result = run(
                [npm, "ci", "--legacy-peer-deps", "--no-audit", "--no-fund"],
                cwd=HERE,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if result.returncode != 0 or not node_modules_ready():
        raise RuntimeError(
            f"`npm ci` in {HERE} failed (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return NODE_MODULES
