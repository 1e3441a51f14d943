"""The Networks page in a real browser: draw, move the time slider, download the GEXF."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_slider_and_gexf(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_url)
    page.get_by_label("User name").fill("evaluator")
    page.get_by_label("Password", exact=True).fill("demo-evaluator")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)
    page.get_by_role("link", name="Networks").click()
    page.get_by_role("heading", name="Networks over time").wait_for(timeout=60_000)

    # the pyvis drawing, with vis-network served from the local copy, draws on a canvas
    drawing = page.frame_locator("iframe[srcdoc]").first
    expect(drawing.locator("#mynetwork canvas")).to_be_attached(timeout=60_000)

    slider = page.get_by_role("slider").first
    # the demo's T2 wave has no community sessions: the page opens on T1, the last with people
    expect(slider).to_have_attribute("aria-valuetext", "T1", timeout=30_000)
    expect(page.get_by_text("Since T0:")).to_be_visible(timeout=60_000)
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "T2", timeout=30_000)
    expect(page.get_by_text("Since T1:")).to_be_visible(timeout=60_000)

    button = page.get_by_role("button", name="GEXF (Gephi timeline)")
    expect(button).to_have_count(1, timeout=60_000)
    with page.expect_download() as gexf:
        button.click()
    root = ET.fromstring(gexf.value.path().read_bytes())
    ns = {"g": "http://gexf.net/1.3"}
    graph = root.find("g:graph", ns)
    assert graph is not None and graph.get("mode") == "dynamic"
    assert root.findall(".//g:spell", ns)
    assert page.errors == []
    assert page.context.blocked.critical() == []
