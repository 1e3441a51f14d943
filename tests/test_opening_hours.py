"""Opening hours: parsing the text and checking a session against it."""

from __future__ import annotations

import datetime as dt

import pytest

from community_map.activities import (
    is_open,
    parse_opening_hours,
)
from community_map.errors import ValidationError

MONDAY = dt.date(2025, 3, 3)  # a Monday


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


# ------------------------------------------------------------------------ opening hours


def test_parse_weekdays_and_saturday() -> None:
    hours = parse_opening_hours("Mo-Fr 09:00-21:00; Sa 10:00-14:00")
    assert hours is not None
    assert [hours.day_intervals(d) for d in range(7)] == [[(540, 1260)]] * 5 + [[(600, 840)], []]
    assert not hours.always_open


def test_parse_every_day() -> None:
    hours = parse_opening_hours("Mo-Su 07:00-23:00")
    assert hours is not None
    assert all(hours.day_intervals(d) == [(420, 1380)] for d in range(7))


def test_parse_day_list() -> None:
    hours = parse_opening_hours("Tu,Th 15:00-18:00")
    assert hours is not None
    assert [bool(hours.day_intervals(d)) for d in range(7)] == [
        False,
        True,
        False,
        True,
        False,
        False,
        False,
    ]


def test_rules_add_up() -> None:
    hours = parse_opening_hours("Mo-Fr 09:00-14:00; Tu,Th 15:00-18:00")
    assert hours is not None
    assert hours.day_intervals(0) == [(540, 840)]
    assert hours.day_intervals(1) == [(540, 840), (900, 1080)]
    assert hours.day_intervals(3) == [(540, 840), (900, 1080)]


def test_parse_24_7() -> None:
    hours = parse_opening_hours("24/7")
    assert hours is not None and hours.always_open
    assert is_open(hours, at(MONDAY, 23), at(day(9), 3))  # across days and weeks


def test_parse_variants() -> None:
    several = parse_opening_hours("Mo-Fr 09:00-14:00,16:00-20:00")
    assert several is not None and several.day_intervals(2) == [(540, 840), (960, 1200)]
    lower = parse_opening_hours("mo-fr 9:00-14:00")
    assert lower is not None and lower.day_intervals(4) == [(540, 840)]
    osm_comma = parse_opening_hours("Mo-Fr 09:00-14:00, Sa 10:00-12:00")
    assert osm_comma is not None and osm_comma.day_intervals(5) == [(600, 720)]
    weekend = parse_opening_hours("Fr-Mo 10:00-12:00")  # wraps over the weekend
    assert weekend is not None
    assert [bool(weekend.day_intervals(d)) for d in range(7)] == [
        True,
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    closed = parse_opening_hours("Mo-Sa 09:00-20:00; Sa off")
    assert closed is not None and closed.day_intervals(5) == []
    no_days = parse_opening_hours("10:00-12:00")  # no day selector: every day
    assert no_days is not None and all(no_days.day_intervals(d) for d in range(7))
    holidays = parse_opening_hours("Mo-Fr 09:00-14:00; PH off")
    assert holidays is not None and holidays.day_intervals(0) == [(540, 840)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "sunrise-sunset",
        "Mo-Fr",
        "Mo-Fr 25:00-26:00",
        "Xx 10:00-12:00",
        "Mo-Fr 10:00-10:00",
        "by appointment",
        "Mo-Fr 09:60-12:00",
        "Jan-Mar Mo 10:00-12:00",
    ],
)
def test_unparseable_hours_are_unknown(text: str) -> None:
    assert parse_opening_hours(text) is None


def test_is_open_edges() -> None:
    hours = parse_opening_hours("Mo-Fr 09:00-14:00; Mo-Fr 16:00-20:00")
    assert hours is not None
    assert is_open(hours, at(MONDAY, 9), at(MONDAY, 14))  # exactly the opening interval
    assert is_open(hours, at(MONDAY, 16), at(MONDAY, 20))
    assert not is_open(hours, at(MONDAY, 8, 59), at(MONDAY, 10))  # starts before opening
    assert not is_open(hours, at(MONDAY, 13), at(MONDAY, 14, 1))  # ends after closing
    assert not is_open(hours, at(MONDAY, 13), at(MONDAY, 17))  # across the lunch gap
    assert not is_open(hours, at(day(6), 10), at(day(6), 11))  # Sunday: closed
    assert not is_open(hours, at(MONDAY, 19), at(day(1), 10))  # overnight


def test_touching_rules_are_one_interval() -> None:
    hours = parse_opening_hours("Mo 09:00-12:00; Mo 12:00-15:00")
    assert hours is not None
    assert is_open(hours, at(MONDAY, 10), at(MONDAY, 14))


def test_hours_past_midnight() -> None:
    friday_night = parse_opening_hours("Fr 22:00-02:00")
    assert friday_night is not None
    assert is_open(friday_night, at(day(4), 23), at(day(5), 1))
    assert not is_open(friday_night, at(day(4), 23), at(day(5), 3))
    sunday_night = parse_opening_hours("Su 22:00-02:00")  # wraps into Monday
    assert sunday_night is not None
    assert is_open(sunday_night, at(day(6), 23), at(day(7), 1))
    assert is_open(sunday_night, at(MONDAY, 0, 30), at(MONDAY, 1, 30))


def test_is_open_rejects_an_empty_interval() -> None:
    hours = parse_opening_hours("24/7")
    assert hours is not None
    with pytest.raises(ValidationError):
        is_open(hours, at(MONDAY, 10), at(MONDAY, 10))
