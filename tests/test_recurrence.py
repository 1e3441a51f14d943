"""Recurring sessions: the dates of a series and its RFC 5545 rule."""

from __future__ import annotations

import datetime as dt

import pytest

from community_map.activities import (
    MAX_OCCURRENCES,
    occurrences,
    series_rule,
)
from community_map.errors import ValidationError

MONDAY = dt.date(2025, 3, 3)  # a Monday


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


# --------------------------------------------------------------------------- occurrences


def test_weekly_series_until_is_inclusive() -> None:
    slots = occurrences(at(MONDAY, 10), at(MONDAY, 12), until=dt.date(2025, 3, 31))
    assert [s.date() for s, _ in slots] == [
        dt.date(2025, 3, 3),
        dt.date(2025, 3, 10),
        dt.date(2025, 3, 17),
        dt.date(2025, 3, 24),
        dt.date(2025, 3, 31),
    ]
    assert all(s.time() == dt.time(10) and e.time() == dt.time(12) for s, e in slots)


def test_every_two_weeks() -> None:
    slots = occurrences(at(MONDAY, 10), at(MONDAY, 12), every_weeks=2, until=dt.date(2025, 3, 31))
    assert [s.day for s, _ in slots] == [3, 17, 31]
    slots = occurrences(at(MONDAY, 10), at(MONDAY, 12), every_weeks=2, until=dt.date(2025, 3, 30))
    assert [s.day for s, _ in slots] == [3, 17]


def test_until_on_the_first_day_gives_one_session() -> None:
    assert occurrences(at(MONDAY, 10), at(MONDAY, 12), until=MONDAY) == [
        (at(MONDAY, 10), at(MONDAY, 12))
    ]


def test_daylight_saving_change_keeps_the_clock_time() -> None:
    # Europe/Madrid moves to summer time on 30 March 2025; datetimes are naive local
    # times, so the series stays at 18:00 before and after.
    slots = occurrences(
        dt.datetime(2025, 3, 24, 18), dt.datetime(2025, 3, 24, 19, 30), until=dt.date(2025, 4, 7)
    )
    assert [(s.isoformat(), e.isoformat()) for s, e in slots] == [
        ("2025-03-24T18:00:00", "2025-03-24T19:30:00"),
        ("2025-03-31T18:00:00", "2025-03-31T19:30:00"),
        ("2025-04-07T18:00:00", "2025-04-07T19:30:00"),
    ]


def test_overnight_session_keeps_its_length() -> None:
    slots = occurrences(at(MONDAY, 22), at(day(1), 1), until=day(7))
    assert slots[1] == (at(day(7), 22), at(day(8), 1))


def test_two_hundred_occurrences_are_allowed() -> None:
    last = MONDAY + dt.timedelta(weeks=MAX_OCCURRENCES - 1)
    assert len(occurrences(at(MONDAY, 10), at(MONDAY, 11), until=last)) == 200


@pytest.mark.parametrize(
    ("start", "end", "every_weeks", "until"),
    [
        (at(MONDAY, 10), at(MONDAY, 10), 1, day(14)),  # ends when it starts
        (at(MONDAY, 10), at(MONDAY, 9), 1, day(14)),  # ends before it starts
        (at(MONDAY, 10), at(MONDAY, 11), 0, day(14)),
        (at(MONDAY, 10), at(MONDAY, 11), -1, day(14)),
        (at(MONDAY, 10), at(MONDAY, 11), 1, day(-1)),  # until before the first date
        (at(MONDAY, 10), at(MONDAY, 11), 1, MONDAY + dt.timedelta(weeks=200)),  # 201
    ],
)
def test_occurrences_rejects_bad_input(
    start: dt.datetime, end: dt.datetime, every_weeks: int, until: dt.date
) -> None:
    with pytest.raises(ValidationError):
        occurrences(start, end, every_weeks=every_weeks, until=until)


# ------------------------------------------------------------- RFC 5545 rule (dateutil)

RULE_CASES = [
    (at(MONDAY, 10), at(MONDAY, 12), 1, dt.date(2025, 3, 31)),
    (at(MONDAY, 10), at(MONDAY, 12), 2, dt.date(2025, 3, 31)),
    (at(MONDAY, 10), at(MONDAY, 12), 2, dt.date(2025, 3, 30)),
    (at(MONDAY, 10), at(MONDAY, 12), 1, MONDAY),
    (dt.datetime(2025, 3, 24, 18), dt.datetime(2025, 3, 24, 19, 30), 1, dt.date(2025, 4, 7)),
    (dt.datetime(2025, 10, 20, 18), dt.datetime(2025, 10, 20, 19), 1, dt.date(2025, 11, 3)),
    (at(MONDAY, 22), at(day(1), 1), 1, day(7)),
    (at(MONDAY, 10), at(MONDAY, 11), 1, MONDAY + dt.timedelta(weeks=MAX_OCCURRENCES - 1)),
    (at(day(5), 9, 30), at(day(5), 11), 3, dt.date(2025, 12, 31)),
]


def _weekly_reference(
    start: dt.datetime, end: dt.datetime, every_weeks: int, until: dt.date
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The former hand-written arithmetic: add whole weeks to naive datetimes."""
    count = (until - start.date()).days // (7 * every_weeks) + 1
    step = dt.timedelta(weeks=every_weeks)
    return [(start + i * step, end + i * step) for i in range(count)]


@pytest.mark.parametrize(("start", "end", "every_weeks", "until"), RULE_CASES)
def test_the_rrule_gives_the_same_dates_as_the_series(
    start: dt.datetime, end: dt.datetime, every_weeks: int, until: dt.date
) -> None:
    slots = occurrences(start, end, every_weeks=every_weeks, until=until)
    assert slots == _weekly_reference(start, end, every_weeks, until)
    rule = series_rule(start, every_weeks=every_weeks, until=until)
    assert list(rule) == [s for s, _e in slots]
    assert list(series_rule(start, every_weeks=every_weeks, count=len(slots))) == [
        s for s, _e in slots
    ]
