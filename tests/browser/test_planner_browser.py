"""An educator plans a recurring workshop, meets a conflict, takes attendance, exports."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _select(page, label: str, text: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label(label).first
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def _set_date(page, label: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    """Type a date into Streamlit's segmented date field (day, month, year)."""
    page.get_by_role("spinbutton", name=f"day, {label}").click()
    page.keyboard.type(day.strftime("%d%m%Y"))
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.locator("h1").first.click()


def test_plan_conflict_attendance_and_exports(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_url)
    page.get_by_label("User name").fill("educator")
    page.get_by_label("Password", exact=True).fill("demo-educator")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Home").wait_for(timeout=30_000)

    page.get_by_role("link", name="Planner").click()
    page.get_by_role("heading", name="Plan sessions").wait_for(timeout=30_000)
    _select(page, "Community action", "AC-0001")
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Title").fill("Taller de cuina col·lectiva")
    _select(page, "Venue (name · capacity · accessibility)", "Centre Cívic")
    form.get_by_label("Repeat every N weeks (0: no)").fill("1")
    form.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("sessions saved.")).to_be_visible(timeout=30_000)
    saved = int(page.get_by_text("sessions saved.").inner_text().split()[0])
    assert saved == 9  # next week and 8 more weeks

    # the same room, same time: a conflict; nothing is saved without a note
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("Title").fill("Un altre grup a la mateixa sala")
    _select(page, "Venue (name · capacity · accessibility)", "Centre Cívic")
    form.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("Conflicts found; nothing was saved yet:")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("is already booked for").first).to_be_visible()
    page.get_by_role("button", name="Change the plan").click()
    expect(page.get_by_text("Conflicts found; nothing was saved yet:")).to_have_count(
        0, timeout=30_000
    )

    # take attendance for the first session of the series
    page.get_by_role("link", name="Attendance").click()
    page.get_by_role("heading", name="Attendance register").wait_for(timeout=30_000)
    monday = dt.date.today() + dt.timedelta(days=7)
    monday -= dt.timedelta(days=monday.weekday())
    _set_date(page, "Sessions of the week starting", monday)
    _select(page, "Session", "Taller de cuina")
    # next week's session has not started: excuses can be recorded, not attendance
    expect(page.get_by_text("This session has not started yet")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Finalise the register")).to_be_disabled()
    present = page.get_by_role("button", name=re.compile("without a mark as present"))
    expect(present).to_be_disabled()
    invited = page.get_by_role("radiogroup").count()
    assert invited > 5
    page.get_by_role("radiogroup").first.get_by_text("Excused").click()
    expect(page.locator("input[type='radio']:checked")).to_have_count(1, timeout=30_000)
    expect(page.get_by_text("has not started yet").first).to_be_visible()

    # download the programme as Excel and .ics from the calendar
    page.get_by_role("link", name="Calendar").click()
    page.get_by_role("heading", name="Calendar").wait_for(timeout=30_000)
    _set_date(page, "Around the date", monday)
    expect(page.locator(".cm-calendar")).to_contain_text("Taller de cuina", timeout=30_000)
    # the download buttons carry the data of the run that drew them: wait until this run
    # has replaced every element of the previous one
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=30_000,
    )
    with page.expect_download() as excel:
        page.get_by_role("button", name="Download programme (Excel)").click()
    with page.expect_download() as ics:
        page.get_by_role("button", name="Download calendar (.ics)").click()

    import openpyxl
    from icalendar import Calendar

    book = openpyxl.load_workbook(io.BytesIO(excel.value.path().read_bytes()))
    titles = [c.value for c in book.worksheets[0]["D"]]
    assert "Taller de cuina col·lectiva" in titles
    calendar = Calendar.from_ical(ics.value.path().read_bytes())
    summaries = [str(e.get("summary")) for e in calendar.walk("VEVENT")]
    assert "Taller de cuina col·lectiva" in summaries
    assert page.errors == []
