"""Week and month calendar HTML."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from community_map.activities import (
    month_calendar_html,
    week_calendar_html,
)

MONDAY = dt.date(2025, 3, 3)  # a Monday


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


# ----------------------------------------------------------------------------- calendars

EVIL = "<script>alert('x')</script>"


def calendar_rows(*rows: tuple[int, str, str, dt.datetime, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "session_id": sid,
                "title": title,
                "type": kind,
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=1, minutes=30),
                "venue": "Casal <b>1</b>",
                "status": status,
            }
            for sid, title, kind, start, status in rows
        ]
    )


@pytest.fixture
def week_sessions() -> pd.DataFrame:
    return calendar_rows(
        (1, EVIL, "workshop", at(day(1), 10), "planned"),
        (2, "Cafè & xerrada", "group_dynamic", at(day(1), 9), "held"),
        (3, "Sortida", "cultural_outing", at(day(4), 17), "cancelled"),
        (4, "Next week", "workshop", at(day(7), 10), "planned"),
        (5, "Previous week", "workshop", at(day(-1), 10), "planned"),
    )


def test_week_calendar_structure_and_escaping(week_sessions: pd.DataFrame) -> None:
    page = week_calendar_html(week_sessions, week_start=MONDAY, language="en")
    assert page.startswith('<div class="cm-calendar') and page.endswith("</div>")
    assert page.count('class="cm-day"') == 7
    assert re.findall(r'data-date="([\d-]+)"', page) == [day(i).isoformat() for i in range(7)]
    assert "<script" not in page and "<b>1</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Cafè &amp; xerrada" in page and "Casal &lt;b&gt;1&lt;/b&gt;" in page
    assert "Next week" not in page and "Previous week" not in page
    assert page.count('class="cm-event') == 3
    assert page.count("cm-event cm-cancelled") == 1 and "line-through" in page
    assert "Week of March 3, 2025" in page and "Monday" in page and "Sunday" in page
    # Sessions of a day are in time order: 09:00 before 10:00.
    assert page.index("09:00–10:30") < page.index("10:00–11:30")
    assert "#E69F00" in page  # workshop colour


def test_week_starts_on_monday_whatever_day_is_given(week_sessions: pd.DataFrame) -> None:
    page = week_calendar_html(week_sessions, week_start=day(2), language="en")
    assert re.findall(r'data-date="([\d-]+)"', page)[0] == MONDAY.isoformat()


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("ca", ["dilluns", "dimarts", "dimecres", "dijous", "divendres", "dissabte", "diumenge"]),
        ("es", ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]),
    ],
)
def test_week_day_names_are_localised(
    week_sessions: pd.DataFrame, language: str, names: list[str]
) -> None:
    page = week_calendar_html(week_sessions, week_start=MONDAY, language=language)
    positions = [page.index(f">{name}<") for name in names]
    assert positions == sorted(positions)  # Monday first


def test_week_calendar_of_nothing() -> None:
    page = week_calendar_html(pd.DataFrame(), week_start=MONDAY, language="xx")
    assert page.count('class="cm-day"') == 7 and page.count("No sessions") == 7


@pytest.mark.parametrize(
    ("month", "cells", "outside"),
    [(dt.date(2025, 3, 15), 42, 11), (dt.date(2021, 2, 1), 28, 0), (dt.date(2025, 9, 30), 35, 5)],
)
def test_month_grid_has_whole_weeks(month: dt.date, cells: int, outside: int) -> None:
    page = month_calendar_html(pd.DataFrame(), month=month, language="en")
    dates = re.findall(r'data-date="([\d-]+)"', page)
    assert len(dates) == cells
    assert dt.date.fromisoformat(dates[0]).weekday() == 0
    assert dt.date.fromisoformat(dates[-1]).weekday() == 6
    assert page.count("cm-day cm-outside") == outside


def test_month_lines_and_more() -> None:
    busy = day(2)
    sessions = calendar_rows(
        *[(i, f"Taller {i}", "workshop", at(busy, 9 + i), "planned") for i in range(6)],
        (10, EVIL, "leadership", at(day(3), 18), "cancelled"),
        (11, "Abril", "other", dt.datetime(2025, 4, 2, 10), "planned"),  # shown, muted day
        (12, "Maig", "other", dt.datetime(2025, 5, 2, 10), "planned"),  # not in the grid
    )
    page = month_calendar_html(sessions, month=MONDAY, language="en")
    assert page.count('class="cm-line') == 4 + 1 + 1
    assert "+2 more" in page
    assert ">09:00</span> Taller 0<" in page and "Taller 4" not in page
    assert "<script" not in page and "&lt;script&gt;" in page
    assert page.count("cm-line cm-cancelled") == 1
    assert "Abril" in page and "Maig" not in page
    assert "March 2025" in page


@pytest.mark.parametrize(
    ("language", "title", "monday"),
    [("ca", "Març 2025", "dilluns"), ("es", "Marzo 2025", "lunes"), ("en", "March 2025", "Mon")],
)
def test_month_names_are_localised(language: str, title: str, monday: str) -> None:
    page = month_calendar_html(pd.DataFrame(), month=MONDAY, language=language)
    assert title in page and monday in page
