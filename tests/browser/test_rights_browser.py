"""The Participants' rights page in a real browser: the record is made on the click, audited."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CODE = "AM-3AV7A"
"""A participant of the demo data (seed 2022) who attended 22 sessions."""


def test_record_download_is_made_on_click_and_audited(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_url)
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password", exact=True).fill("demo-admin")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)
    page.get_by_role("link", name="Participants' rights").click()
    page.get_by_role("heading", name="Participants' rights").wait_for(timeout=30_000)
    page.get_by_label("Participant code").fill(CODE.lower())
    page.get_by_label("Participant code").press("Enter")
    expect(page.get_by_text(f"What is held about {CODE}")).to_be_visible(timeout=30_000)

    button = page.get_by_role("button", name="Download the record (Excel)")
    expect(button).to_have_count(1, timeout=30_000)
    with page.expect_download() as record:
        button.click()
    book = load_workbook(io.BytesIO(record.value.path().read_bytes()))
    assert book["Participant"]["A2"].value == CODE
    assert book["Attendance"].max_row == 1 + 22

    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for(timeout=30_000)
    expect(page.get_by_text("participant_record").first).to_be_attached(timeout=30_000)
    assert page.errors == []
