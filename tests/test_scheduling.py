"""Recurring sessions, opening hours, conflict checks and calendar HTML (pure functions)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
import pytest

from community_map import i18n
from community_map.activities import (
    MAX_OCCURRENCES,
    Conflict,
    ConflictKind,
    find_conflicts,
    is_open,
    month_calendar_html,
    occurrences,
    parse_opening_hours,
    series_rule,
    week_calendar_html,
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
        dt.date(2025, 3, 3), dt.date(2025, 3, 10), dt.date(2025, 3, 17),
        dt.date(2025, 3, 24), dt.date(2025, 3, 31),
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


# ------------------------------------------------------------------------ opening hours


def test_parse_weekdays_and_saturday() -> None:
    hours = parse_opening_hours("Mo-Fr 09:00-21:00; Sa 10:00-14:00")
    assert hours is not None
    assert [hours.day_intervals(d) for d in range(7)] == [
        [(540, 1260)]] * 5 + [[(600, 840)], []]
    assert not hours.always_open


def test_parse_every_day() -> None:
    hours = parse_opening_hours("Mo-Su 07:00-23:00")
    assert hours is not None
    assert all(hours.day_intervals(d) == [(420, 1380)] for d in range(7))


def test_parse_day_list() -> None:
    hours = parse_opening_hours("Tu,Th 15:00-18:00")
    assert hours is not None
    assert [bool(hours.day_intervals(d)) for d in range(7)] == [
        False, True, False, True, False, False, False]


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
        True, False, False, False, True, True, True]
    closed = parse_opening_hours("Mo-Sa 09:00-20:00; Sa off")
    assert closed is not None and closed.day_intervals(5) == []
    no_days = parse_opening_hours("10:00-12:00")  # no day selector: every day
    assert no_days is not None and all(no_days.day_intervals(d) for d in range(7))
    holidays = parse_opening_hours("Mo-Fr 09:00-14:00; PH off")
    assert holidays is not None and holidays.day_intervals(0) == [(540, 840)]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "sunrise-sunset", "Mo-Fr", "Mo-Fr 25:00-26:00", "Xx 10:00-12:00",
     "Mo-Fr 10:00-10:00", "by appointment", "Mo-Fr 09:60-12:00", "Jan-Mar Mo 10:00-12:00"],
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


# ----------------------------------------------------------------------------- conflicts

CASAL, AULA, PARC = 1, 2, 3
AFTERNOON = (dt.datetime(2025, 3, 3, 15), dt.datetime(2025, 3, 3, 16))


def plan_row(
    key: Any = "p",
    start: dt.datetime = AFTERNOON[0],
    end: dt.datetime = AFTERNOON[1],
    *,
    venue: int | None = None,
    session_id: int | None = None,
    capacity: int | None = None,
    facilitators: list[int] | None = None,
    participants: list[int] | None = None,
    title: str = "Nou taller",
) -> dict[str, Any]:
    return {"key": key, "session_id": session_id, "title": title, "starts_at": start,
            "ends_at": end, "venue_asset_id": venue, "capacity": capacity,
            "facilitator_ids": facilitators or [], "participant_ids": participants or []}


@pytest.fixture
def world() -> dict[str, pd.DataFrame]:
    """Monday 3 March 2025: Cafè 10-12 and Horta 12-13 at the Casal, Cinema 10-12 at the Aula."""
    existing = pd.DataFrame([
        {"session_id": 101, "title": "Cafè", "starts_at": at(MONDAY, 10),
         "ends_at": at(MONDAY, 12), "venue_asset_id": CASAL},
        {"session_id": 102, "title": "Horta", "starts_at": at(MONDAY, 12),
         "ends_at": at(MONDAY, 13), "venue_asset_id": CASAL},
        {"session_id": 103, "title": "Cinema", "starts_at": at(MONDAY, 10),
         "ends_at": at(MONDAY, 12), "venue_asset_id": AULA},
    ])
    facilitators = pd.DataFrame({
        "session_id": [101, 101, 102, 103],
        "professional_id": [7, 8, 9, 10],
        "professional_code": ["PRO-7", "PRO-8", "PRO-9", "PRO-10"],
    })
    invitations = pd.DataFrame({
        "session_id": [101, 101, 103],
        "participant_id": [20, 21, 22],
        "participant_code": ["PAR-20", "PAR-21", "PAR-22"],
    })
    venues = pd.DataFrame(
        {"name": ["Casal Sant Antoni", "Aula 2", "Parc"],
         "capacity": [20, None, None],
         "opening_hours": ["Mo-Fr 09:00-21:00; Sa 10:00-14:00", "", "sunrise-sunset"]},
        index=pd.Index([CASAL, AULA, PARC], name="id"),
    )
    return {"existing": existing, "facilitators": facilitators, "invitations": invitations,
            "venues": venues}


def check(world: dict[str, pd.DataFrame], *rows: dict[str, Any]) -> list[Conflict]:
    return find_conflicts(pd.DataFrame(list(rows)), world["existing"],
                          facilitators=world["facilitators"],
                          invitations=world["invitations"], venues=world["venues"])


def summary(conflicts: list[Conflict]) -> list[tuple[Any, str, int | None]]:
    return [(c.key, str(c.kind), c.other_session_id) for c in conflicts]


def test_same_venue_overlapping(world: dict[str, pd.DataFrame]) -> None:
    conflicts = check(world, plan_row(start=at(MONDAY, 11), end=at(MONDAY, 12), venue=CASAL))
    assert summary(conflicts) == [("p", "venue", 101)]  # Horta starts at 12:00: touching
    message = conflicts[0].message
    assert "Casal Sant Antoni" in message and "Cafè" in message and "10:00–12:00" in message
    assert conflicts[0].kind == ConflictKind.VENUE == "venue"


def test_overlapping_two_sessions_at_the_venue(world: dict[str, pd.DataFrame]) -> None:
    conflicts = check(world, plan_row(start=at(MONDAY, 11), end=at(MONDAY, 12, 30), venue=CASAL))
    assert summary(conflicts) == [("p", "venue", 101), ("p", "venue", 102)]


@pytest.mark.parametrize(
    ("start", "end"),
    [(at(MONDAY, 9), at(MONDAY, 10)), (at(MONDAY, 13), at(MONDAY, 14))],
)
def test_touching_intervals_do_not_conflict(
    world: dict[str, pd.DataFrame], start: dt.datetime, end: dt.datetime
) -> None:
    row = plan_row(start=start, end=end, venue=CASAL, facilitators=[7, 9], participants=[20])
    assert check(world, row) == []


def test_other_venue_or_no_venue_does_not_conflict(world: dict[str, pd.DataFrame]) -> None:
    assert check(world, plan_row(start=at(MONDAY, 10), end=at(MONDAY, 12), venue=PARC)) == []
    assert check(world, plan_row(start=at(MONDAY, 10), end=at(MONDAY, 12))) == []


def test_editing_a_session_does_not_conflict_with_itself(
    world: dict[str, pd.DataFrame],
) -> None:
    row = plan_row(start=at(MONDAY, 10), end=at(MONDAY, 11, 30), venue=CASAL, session_id=101,
                   facilitators=[7, 8], participants=[20, 21], title="Cafè")
    assert check(world, row) == []
    # Moved later it meets Horta, but still not itself.
    row |= {"starts_at": at(MONDAY, 11), "ends_at": at(MONDAY, 12, 30)}
    assert summary(check(world, row)) == [("p", "venue", 102)]


def test_facilitator_in_both(world: dict[str, pd.DataFrame]) -> None:
    conflicts = check(world, plan_row(start=at(MONDAY, 11), end=at(MONDAY, 11, 30), venue=PARC,
                                      facilitators=[7, 11]))
    assert summary(conflicts) == [("p", "facilitator", 101)]
    assert "PRO-7" in conflicts[0].message and "Cafè" in conflicts[0].message
    assert "#11" not in conflicts[0].message  # 11 leads nothing else


def test_two_facilitators_of_one_session_make_one_conflict(
    world: dict[str, pd.DataFrame],
) -> None:
    conflicts = check(world, plan_row(start=at(MONDAY, 11), end=at(MONDAY, 13),
                                      facilitators=[7, 8, 9]))
    assert summary(conflicts) == [("p", "facilitator", 101), ("p", "facilitator", 102)]
    assert conflicts[0].message.startswith("Facilitators PRO-7, PRO-8 already lead")
    assert conflicts[1].message.startswith("Facilitator PRO-9 already leads")


def test_people_without_codes_are_named_by_id(world: dict[str, pd.DataFrame]) -> None:
    world["facilitators"] = world["facilitators"].drop(columns="professional_code")
    row = plan_row(start=at(MONDAY, 11), end=at(MONDAY, 12), facilitators=[9, 10])
    conflicts = check(world, row)
    assert summary(conflicts) == [("p", "facilitator", 103)]
    assert "#10" in conflicts[0].message


def test_participant_double_booked(world: dict[str, pd.DataFrame]) -> None:
    conflicts = check(world, plan_row(start=at(MONDAY, 11), end=at(MONDAY, 12),
                                      participants=[21, 22, 30]))
    assert summary(conflicts) == [("p", "participant", 101), ("p", "participant", 103)]
    assert "PAR-21" in conflicts[0].message and "PAR-20" not in conflicts[0].message
    assert "PAR-22" in conflicts[1].message and "Cinema" in conflicts[1].message


def test_capacity_of_the_room(world: dict[str, pd.DataFrame]) -> None:
    invited = list(range(1000, 1025))
    conflicts = check(world, plan_row(venue=CASAL, participants=invited))
    assert summary(conflicts) == [("p", "capacity", None)]
    assert "25 invited, the room holds 20" in conflicts[0].message
    assert "Casal Sant Antoni" in conflicts[0].message
    assert check(world, plan_row(venue=CASAL, participants=invited[:20])) == []  # exactly full


def test_session_capacity_above_the_room(world: dict[str, pd.DataFrame]) -> None:
    conflicts = check(world, plan_row(venue=CASAL, capacity=30, participants=[1, 2]))
    assert summary(conflicts) == [("p", "capacity", None)]
    assert "the session allows 30, the room holds 20" in conflicts[0].message
    assert check(world, plan_row(venue=CASAL, capacity=20)) == []


def test_more_invited_than_the_session_allows(world: dict[str, pd.DataFrame]) -> None:
    conflicts = check(world, plan_row(capacity=3, participants=[1, 2, 3, 4, 5]))
    assert summary(conflicts) == [("p", "capacity", None)]
    assert "5 invited, the session allows 3" in conflicts[0].message
    # A room without a known capacity is not checked.
    assert check(world, plan_row(venue=AULA, participants=list(range(1, 99)))) == []


def test_outside_opening_hours(world: dict[str, pd.DataFrame]) -> None:
    saturday = day(5)
    late = plan_row(start=at(saturday, 13), end=at(saturday, 15), venue=CASAL)
    conflicts = check(world, late)
    assert summary(conflicts) == [("p", "opening_hours", None)]
    assert "Sa 10:00-14:00" in conflicts[0].message and "Nou taller" in conflicts[0].message
    assert check(world, plan_row(start=at(saturday, 10), end=at(saturday, 14), venue=CASAL)) == []
    sunday = day(6)
    assert summary(check(world, plan_row(start=at(sunday, 10), end=at(sunday, 11),
                                         venue=CASAL))) == [("p", "opening_hours", None)]
    # Empty or unparseable hours mean no check.
    assert check(world, plan_row(start=at(sunday, 3), end=at(sunday, 4), venue=AULA)) == []
    assert check(world, plan_row(start=at(sunday, 3), end=at(sunday, 4), venue=PARC)) == []


def test_planned_rows_conflict_with_each_other(world: dict[str, pd.DataFrame]) -> None:
    a = plan_row("a", at(day(1), 10), at(day(1), 12), venue=PARC, facilitators=[50],
                 participants=[60, 61], title="Primer")
    b = plan_row("b", at(day(1), 11), at(day(1), 13), venue=PARC, facilitators=[50],
                 participants=[61], title="Segon")
    c = plan_row("c", at(day(1), 13), at(day(1), 14), venue=PARC, facilitators=[50],
                 participants=[61])  # touches b
    conflicts = check(world, a, b, c)
    assert [(x.key, str(x.kind), x.other_key, x.other_session_id) for x in conflicts] == [
        ("a", "venue", "b", None),
        ("a", "facilitator", "b", None),
        ("a", "participant", "b", None),
    ]
    assert "Segon" in conflicts[0].message
    assert "#61" in conflicts[2].message and "#60" not in conflicts[2].message


def test_two_edited_sessions_conflict_with_each_other(world: dict[str, pd.DataFrame]) -> None:
    a = plan_row("a", at(day(1), 10), at(day(1), 12), venue=PARC, session_id=201)
    b = plan_row("b", at(day(1), 11), at(day(1), 13), venue=PARC, session_id=202)
    assert summary(check(world, a, b)) == [("a", "venue", 202)]


def test_a_weekly_series_does_not_conflict_with_itself(world: dict[str, pd.DataFrame]) -> None:
    slots = occurrences(at(MONDAY, 17), at(MONDAY, 19), until=day(28))
    rows = [plan_row(i, s, e, venue=CASAL, facilitators=[7], participants=[20])
            for i, (s, e) in enumerate(slots)]
    assert len(rows) == 5 and check(world, *rows) == []
    # Moved onto the Cafè, only the first Monday clashes (venue, facilitator, participant).
    rows = [r | {"starts_at": r["starts_at"].replace(hour=11),
                 "ends_at": r["ends_at"].replace(hour=12)} for r in rows]
    assert summary(check(world, *rows)) == [
        (0, "venue", 101), (0, "facilitator", 101), (0, "participant", 101)]


def test_conflicts_are_ordered_by_row_then_kind(world: dict[str, pd.DataFrame]) -> None:
    first = plan_row("x", at(day(5), 13), at(day(5), 15), venue=CASAL,
                     participants=list(range(1, 30)))
    second = plan_row("y", at(MONDAY, 11), at(MONDAY, 12), venue=CASAL, participants=[20])
    assert summary(check(world, first, second)) == [
        ("x", "capacity", None), ("x", "opening_hours", None),
        ("y", "venue", 101), ("y", "participant", 101),
    ]


def test_cancelled_existing_sessions_are_ignored(world: dict[str, pd.DataFrame]) -> None:
    world["existing"]["status"] = ["cancelled", "planned", "planned"]
    row = plan_row(start=at(MONDAY, 10), end=at(MONDAY, 11), venue=CASAL, facilitators=[7])
    assert check(world, row) == []


def test_nothing_existing_and_empty_frames(world: dict[str, pd.DataFrame]) -> None:
    empty = pd.DataFrame()
    row = plan_row(venue=CASAL, facilitators=[1], participants=[2])
    assert find_conflicts(pd.DataFrame([row]), empty, facilitators=empty, invitations=empty,
                          venues=empty) == []
    assert find_conflicts(pd.DataFrame(), world["existing"], facilitators=empty,
                          invitations=empty, venues=empty) == []


def test_planned_row_must_end_after_it_starts(world: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ValidationError, match="Nou taller"):
        check(world, plan_row(start=at(MONDAY, 12), end=at(MONDAY, 12)))


def test_dates_in_messages_follow_the_language(world: dict[str, pd.DataFrame]) -> None:
    row = plan_row(start=at(MONDAY, 11), end=at(MONDAY, 12), venue=CASAL)
    with i18n.language("ca"):
        message = check(world, row)[0].message
    assert "3 de març 2025, 10:00–12:00" in message


# ----------------------------------------------------------------------------- calendars

EVIL = "<script>alert('x')</script>"


def calendar_rows(*rows: tuple[int, str, str, dt.datetime, str]) -> pd.DataFrame:
    return pd.DataFrame([
        {"session_id": sid, "title": title, "type": kind, "starts_at": start,
         "ends_at": start + dt.timedelta(hours=1, minutes=30), "venue": "Casal <b>1</b>",
         "status": status}
        for sid, title, kind, start, status in rows
    ])


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
    [("ca", ["dilluns", "dimarts", "dimecres", "dijous", "divendres", "dissabte", "diumenge"]),
     ("es", ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"])],
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
