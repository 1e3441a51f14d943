"""The Data page in a real browser: a bad row stops the import; skipping it gives a report."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CSV = (
    "name,lon,lat,category\n"
    "Casal Prova Navegador,2.1700,41.3850,civic_centre\n"
    "Fila sense coordenades,,41.3860,civic_centre\n"
)


def test_import_assets_with_a_bad_row(app_url: str, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "equipaments.csv"
    path.write_text(CSV, encoding="utf-8")
    page.goto(app_url)
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password", exact=True).fill("demo-admin")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)
    page.get_by_role("link", name="Data").click()
    page.get_by_role("heading", name="Import data").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Assets").click()

    uploader = page.locator("[data-testid='stFileUploader']").filter(
        has_text="Open Data BCN list CSV"
    )
    uploader.locator("input[type='file']").set_input_files(str(path))
    page.get_by_role("button", name="Import assets").click()
    error = page.locator("[data-testid='stAlertContentError']")
    expect(error).to_contain_text("equipaments.csv, row 3", timeout=30_000)

    page.get_by_text("Skip bad rows and give me a report of them").click()
    page.get_by_role("button", name="Import assets").click()
    expect(page.get_by_text("Imported: 1 new, 0 updated, 0 unchanged.")).to_be_visible(
        timeout=30_000
    )
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the report of skipped rows").click()
    report = download_info.value.path().read_text(encoding="utf-8")
    assert report.splitlines()[1].startswith("3,")
    assert page.locator("[data-testid='stException']").count() == 0
