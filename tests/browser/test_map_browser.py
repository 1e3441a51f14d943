"""The Map page in a real browser: filter, click on the map to add an asset, export."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _login(page, base: str, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base)
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)


def test_filter_click_to_add_and_export(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    _login(page, app_url, "coordinator", "demo-coordinator")
    page.get_by_role("link", name="Map").click()
    page.get_by_role("heading", name="Territory map").wait_for(timeout=30_000)
    caption = page.get_by_text("assets shown")
    expect(caption).to_be_visible(timeout=30_000)
    total = int(caption.inner_text().split(" of ")[1].split()[0])

    # filter by category
    page.get_by_label("Categories").click()
    page.get_by_role("option", name="Library").click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("assets shown")).not_to_contain_text(f"{total} of {total}",
                                                             timeout=30_000)
    shown = int(page.get_by_text("assets shown").inner_text().split()[0])
    assert 0 < shown < total

    # the map draws its layers from local copies of Leaflet: no blocked scripts
    iframe = "iframe[title='streamlit_folium.st_folium']"
    expect(page.locator(iframe)).to_have_count(1, timeout=30_000)
    frame = page.frame_locator(iframe)
    expect(frame.locator(".leaflet-overlay-pane canvas").first).to_be_attached(timeout=30_000)
    expect(frame.locator(".cm-legend")).to_contain_text("Library")
    assert page.context.blocked.critical() == []

    # click on the map, then fill the form that appears
    frame.locator(".leaflet-container").click(position={"x": 420, "y": 300})
    page.get_by_text("New asset at").wait_for(timeout=30_000)
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_label("Name"))
    form.get_by_label("Name").first.fill("Espai Veïnal <i>Prova</i>")
    form.get_by_role("button", name="Save").first.click()
    page.get_by_text("Click on the map where the new asset is.").wait_for(timeout=30_000)

    # the new asset is found by name and exported
    page.get_by_label("Categories").click()
    page.get_by_role("option", name="Civic centre").click()  # the form's default category
    page.keyboard.press("Escape")
    page.get_by_label("Search by name").fill("Espai Veïnal")
    page.keyboard.press("Enter")
    expect(page.get_by_text("assets shown")).to_contain_text("1 of", timeout=30_000)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    data = download_info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    names = [r["name"] for r in rows]
    assert "Espai Veïnal <i>Prova</i>" in names
    assert page.errors == []
