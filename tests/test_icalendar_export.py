"""The programme as an iCalendar file: events, time zone, stable UIDs, series as RRULE."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from community_map.activities import (
    programme_frame,
    programme_to_ical,
)


def test_ical_export_of_the_demo(demo_engine: Engine) -> None:
    from icalendar import Calendar

    with Session(demo_engine) as session:
        programme = programme_frame(session)
    first = programme_to_ical(
        programme, calendar_name="Demo", stamp=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    second = programme_to_ical(programme, calendar_name="Demo")
    calendar = Calendar.from_ical(first)
    events = calendar.walk("VEVENT")
    # Every session is one event or one occurrence of a recurring event, none twice.
    assert sorted(s for e in events for s in _event_starts(e)) == sorted(
        dt.datetime.combine(d, dt.time.fromisoformat(t), tzinfo=ZoneInfo("Europe/Madrid"))
        for d, t in zip(programme["date"], programme["start"], strict=True)
    )
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert str(calendar["X-WR-CALNAME"]) == "Demo"
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids) and all(u.endswith("@community-map") for u in uids)
    assert uids == [str(e["UID"]) for e in Calendar.from_ical(second).walk("VEVENT")]

    row = programme.iloc[0]
    event = events[0]
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None
    assert getattr(start.tzinfo, "key", str(start.tzinfo)) == "Europe/Madrid"
    expected = dt.datetime.combine(
        row["date"], dt.time.fromisoformat(row["start"]), tzinfo=ZoneInfo("Europe/Madrid")
    )
    assert start == expected and start.utcoffset() == expected.utcoffset()
    assert str(event["SUMMARY"]) == row["title"]
    assert str(event["LOCATION"]) == row["venue"]
    assert row["facilitators"].split("; ")[0] in str(event["DESCRIPTION"])
    statuses = [str(e["STATUS"]) for e in events]
    assert statuses.count("CANCELLED") == (programme["status"] == "cancelled").sum() > 0
    assert b"TZID=Europe/Madrid" in first


def _event_starts(event: Any) -> list[dt.datetime]:
    """The starts of an event: DTSTART, expanded by its RRULE with dateutil if it has one."""
    from dateutil.rrule import rrulestr

    start = event.decoded("DTSTART")
    if "RRULE" not in event:
        return [start]
    return list(rrulestr(event["RRULE"].to_ical().decode(), dtstart=start))


def _series(days: list[dt.date], **changes: Any) -> pd.DataFrame:
    base = {
        "action_code": "ACT-1",
        "action_title": "Cooking",
        "type": "workshop",
        "title": "Cuina",
        "start": "18:00",
        "end": "19:30",
        "venue_code": "EQ-1",
        "venue": "Casal",
        "facilitators": "PRO-1",
        "partners": "",
        "capacity": 12,
        "status": "planned",
        "cancel_reason": "",
        "notes": "",
        "series_id": 7,
    }
    return pd.DataFrame([{**base, "date": d} for d in days]).assign(**changes)


def test_ical_an_unchanged_series_is_one_recurring_event_across_summer_time() -> None:
    from icalendar import Calendar

    # every two weeks from 17 March 2025; summer time starts on 30 March
    days = [dt.date(2025, 3, 17) + dt.timedelta(weeks=2 * i) for i in range(4)]
    events = Calendar.from_ical(programme_to_ical(_series(days), calendar_name="x")).walk("VEVENT")
    assert len(events) == 1
    starts = _event_starts(events[0])
    madrid = ZoneInfo("Europe/Madrid")
    assert starts == [dt.datetime.combine(d, dt.time(18), tzinfo=madrid) for d in days]
    assert [s.utcoffset() for s in starts] == [dt.timedelta(hours=h) for h in (1, 2, 2, 2)]
    assert events[0].decoded("DTEND") - events[0].decoded("DTSTART") == dt.timedelta(minutes=90)


@pytest.mark.parametrize("change", ["cancelled", "moved", "gap", "renamed"])
def test_ical_a_changed_series_is_one_event_per_session(change: str) -> None:
    from icalendar import Calendar

    days = [dt.date(2025, 3, 3) + dt.timedelta(weeks=i) for i in range(4)]
    programme = _series(days)
    if change == "cancelled":
        programme.loc[2, "status"] = "cancelled"
    elif change == "moved":
        programme.loc[2, "start"] = "17:00"
    elif change == "gap":
        programme = programme.drop(index=2).reset_index(drop=True)
    else:
        programme.loc[1, "title"] = "Other"
    events = Calendar.from_ical(programme_to_ical(programme, calendar_name="x")).walk("VEVENT")
    assert len(events) == len(programme) and not any("RRULE" in e for e in events)
    assert [e.decoded("DTSTART").date() for e in events] == list(programme["date"])

    from icalendar import Calendar

    programme = pd.DataFrame(
        [
            {
                "action_code": "ACT-1",
                "action_title": "Cooking",
                "type": "workshop",
                "title": "",
                "date": dt.date(2025, 7, 1),
                "start": "17:00",
                "end": "19:00",
                "venue_code": "EQ-1",
                "venue": "",
                "facilitators": "PRO-1",
                "partners": "",
                "capacity": pd.NA,
                "status": "planned",
                "cancel_reason": "",
                "notes": "",
            }
        ]
    )
    event = Calendar.from_ical(programme_to_ical(programme, calendar_name="x")).walk("VEVENT")[0]
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=2)
    assert str(event["SUMMARY"]) == "Workshop"  # no title: the type's label
    assert str(event["LOCATION"]) == "EQ-1"
    moved = programme.assign(notes="changed", title="Renamed")
    again = Calendar.from_ical(programme_to_ical(moved, calendar_name="x")).walk("VEVENT")[0]
    assert str(again["UID"]) == str(event["UID"])
