"""The Map page in a real browser: click on the map to add an asset, filter, export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_page_browser import QUIET_FOR_A_SECOND

pytestmark = pytest.mark.browser
IFRAME = "iframe[title='streamlit_folium.st_folium']:not([width='-1'])"


def _login(page, base: str, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base)
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)


def _shown(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    text = page.get_by_text("assets shown").inner_text()
    match = re.match(r"(\d+) of (\d+)", text)
    assert match, text
    return int(match.group(1)), int(match.group(2))


def test_click_to_add_filter_and_export(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    _login(page, app_url, "coordinator", "demo-coordinator")
    page.get_by_role("link", name="Map").click()
    page.get_by_role("heading", name="Territory map").wait_for(timeout=30_000)
    expect(page.get_by_text("assets shown")).to_be_visible(timeout=30_000)
    _shown_now, total = _shown(page)

    # the map draws its layers from local copies of Leaflet: no blocked scripts
    expect(page.locator(IFRAME)).to_have_count(1, timeout=30_000)
    frame = page.frame_locator(IFRAME).first
    expect(frame.locator(".leaflet-overlay-pane canvas").first).to_be_attached(timeout=30_000)
    expect(frame.locator(".cm-legend")).to_contain_text("Library")
    assert page.context.blocked.critical() == []

    # filter by category: fewer markers, so a click lands on the map, not on a marker
    page.get_by_label("Categories").click()
    page.get_by_role("option", name="Library").click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("assets shown")).not_to_have_text(
        re.compile(rf"^{total} of"), timeout=30_000
    )
    shown, _all = _shown(page)
    assert 0 < shown < total

    # click on the map, then fill the form that appears
    expect(page.locator(IFRAME)).to_have_count(1, timeout=30_000)
    frame = page.frame_locator(IFRAME).first
    expect(frame.locator(".cm-legend")).not_to_contain_text("Civic centre", timeout=30_000)
    expect(frame.locator(".leaflet-container")).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)  # Leaflet binds its handlers right after drawing
    for x, y in ((470, 280), (430, 260), (510, 300), (450, 320)):
        frame.locator(".leaflet-container").click(position={"x": x, "y": y})
        try:
            page.get_by_text("New asset at").wait_for(timeout=8_000)
            break
        except Exception:
            continue
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_label("Name"))
    form.get_by_label("Name").first.fill("Espai Veïnal <i>Prova</i>")
    form.get_by_label("Category").first.click()
    page.keyboard.type("Library")
    page.keyboard.press("Enter")
    form.get_by_role("button", name="Save").first.click()
    page.get_by_text("Click on the map where the new asset is.").wait_for(timeout=30_000)
    expect(page.get_by_text("assets shown")).to_contain_text(
        f"{shown + 1} of {total + 1}", timeout=30_000
    )

    # search by name finds it; the export holds exactly the filtered assets
    page.get_by_label("Search by name").fill("Espai Veïnal")
    page.keyboard.press("Enter")
    expect(page.get_by_text("assets shown")).to_have_text(re.compile(r"^1 of "), timeout=30_000)
    # the button carries the data of the run that drew it: wait until that run has finished
    page.evaluate("() => { window.cmQuietSince = null; }")
    page.wait_for_function(QUIET_FOR_A_SECOND, polling=100, timeout=60_000)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    data = download_info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert [r["name"] for r in rows] == ["Espai Veïnal <i>Prova</i>"]
    assert rows[0]["category"] == "library" and rows[0]["neighbourhood"]
    assert page.errors == []
