"""Conflict checks of planned sessions (pure functions over frames)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from community_map import i18n
from community_map.activities import (
    Conflict,
    ConflictKind,
    find_conflicts,
    occurrences,
)
from community_map.errors import ValidationError

MONDAY = dt.date(2025, 3, 3)  # a Monday


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


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
    return {
        "key": key,
        "session_id": session_id,
        "title": title,
        "starts_at": start,
        "ends_at": end,
        "venue_asset_id": venue,
        "capacity": capacity,
        "facilitator_ids": facilitators or [],
        "participant_ids": participants or [],
    }


@pytest.fixture
def world() -> dict[str, pd.DataFrame]:
    """Monday 3 March 2025: Cafè 10-12 and Horta 12-13 at the Casal, Cinema 10-12 at the Aula."""
    existing = pd.DataFrame(
        [
            {
                "session_id": 101,
                "title": "Cafè",
                "starts_at": at(MONDAY, 10),
                "ends_at": at(MONDAY, 12),
                "venue_asset_id": CASAL,
            },
            {
                "session_id": 102,
                "title": "Horta",
                "starts_at": at(MONDAY, 12),
                "ends_at": at(MONDAY, 13),
                "venue_asset_id": CASAL,
            },
            {
                "session_id": 103,
                "title": "Cinema",
                "starts_at": at(MONDAY, 10),
                "ends_at": at(MONDAY, 12),
                "venue_asset_id": AULA,
            },
        ]
    )
    facilitators = pd.DataFrame(
        {
            "session_id": [101, 101, 102, 103],
            "professional_id": [7, 8, 9, 10],
            "professional_code": ["PRO-7", "PRO-8", "PRO-9", "PRO-10"],
        }
    )
    invitations = pd.DataFrame(
        {
            "session_id": [101, 101, 103],
            "participant_id": [20, 21, 22],
            "participant_code": ["PAR-20", "PAR-21", "PAR-22"],
        }
    )
    venues = pd.DataFrame(
        {
            "name": ["Casal Sant Antoni", "Aula 2", "Parc"],
            "capacity": [20, None, None],
            "opening_hours": ["Mo-Fr 09:00-21:00; Sa 10:00-14:00", "", "sunrise-sunset"],
        },
        index=pd.Index([CASAL, AULA, PARC], name="id"),
    )
    return {
        "existing": existing,
        "facilitators": facilitators,
        "invitations": invitations,
        "venues": venues,
    }


def check(world: dict[str, pd.DataFrame], *rows: dict[str, Any]) -> list[Conflict]:
    return find_conflicts(
        pd.DataFrame(list(rows)),
        world["existing"],
        facilitators=world["facilitators"],
        invitations=world["invitations"],
        venues=world["venues"],
    )


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
    row = plan_row(
        start=at(MONDAY, 10),
        end=at(MONDAY, 11, 30),
        venue=CASAL,
        session_id=101,
        facilitators=[7, 8],
        participants=[20, 21],
        title="Cafè",
    )
    assert check(world, row) == []
    # Moved later it meets Horta, but still not itself.
    row |= {"starts_at": at(MONDAY, 11), "ends_at": at(MONDAY, 12, 30)}
    assert summary(check(world, row)) == [("p", "venue", 102)]


def test_facilitator_in_both(world: dict[str, pd.DataFrame]) -> None:
    conflicts = check(
        world,
        plan_row(start=at(MONDAY, 11), end=at(MONDAY, 11, 30), venue=PARC, facilitators=[7, 11]),
    )
    assert summary(conflicts) == [("p", "facilitator", 101)]
    assert "PRO-7" in conflicts[0].message and "Cafè" in conflicts[0].message
    assert "#11" not in conflicts[0].message  # 11 leads nothing else


def test_two_facilitators_of_one_session_make_one_conflict(
    world: dict[str, pd.DataFrame],
) -> None:
    conflicts = check(
        world, plan_row(start=at(MONDAY, 11), end=at(MONDAY, 13), facilitators=[7, 8, 9])
    )
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
    conflicts = check(
        world, plan_row(start=at(MONDAY, 11), end=at(MONDAY, 12), participants=[21, 22, 30])
    )
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
    assert summary(
        check(world, plan_row(start=at(sunday, 10), end=at(sunday, 11), venue=CASAL))
    ) == [("p", "opening_hours", None)]
    # Empty or unparseable hours mean no check.
    assert check(world, plan_row(start=at(sunday, 3), end=at(sunday, 4), venue=AULA)) == []
    assert check(world, plan_row(start=at(sunday, 3), end=at(sunday, 4), venue=PARC)) == []


def test_planned_rows_conflict_with_each_other(world: dict[str, pd.DataFrame]) -> None:
    a = plan_row(
        "a",
        at(day(1), 10),
        at(day(1), 12),
        venue=PARC,
        facilitators=[50],
        participants=[60, 61],
        title="Primer",
    )
    b = plan_row(
        "b",
        at(day(1), 11),
        at(day(1), 13),
        venue=PARC,
        facilitators=[50],
        participants=[61],
        title="Segon",
    )
    c = plan_row(
        "c", at(day(1), 13), at(day(1), 14), venue=PARC, facilitators=[50], participants=[61]
    )  # touches b
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
    rows = [
        plan_row(i, s, e, venue=CASAL, facilitators=[7], participants=[20])
        for i, (s, e) in enumerate(slots)
    ]
    assert len(rows) == 5 and check(world, *rows) == []
    # Moved onto the Cafè, only the first Monday clashes (venue, facilitator, participant).
    rows = [
        r | {"starts_at": r["starts_at"].replace(hour=11), "ends_at": r["ends_at"].replace(hour=12)}
        for r in rows
    ]
    assert summary(check(world, *rows)) == [
        (0, "venue", 101),
        (0, "facilitator", 101),
        (0, "participant", 101),
    ]


def test_conflicts_are_ordered_by_row_then_kind(world: dict[str, pd.DataFrame]) -> None:
    first = plan_row(
        "x", at(day(5), 13), at(day(5), 15), venue=CASAL, participants=list(range(1, 30))
    )
    second = plan_row("y", at(MONDAY, 11), at(MONDAY, 12), venue=CASAL, participants=[20])
    assert summary(check(world, first, second)) == [
        ("x", "capacity", None),
        ("x", "opening_hours", None),
        ("y", "venue", 101),
        ("y", "participant", 101),
    ]


def test_cancelled_existing_sessions_are_ignored(world: dict[str, pd.DataFrame]) -> None:
    world["existing"]["status"] = ["cancelled", "planned", "planned"]
    row = plan_row(start=at(MONDAY, 10), end=at(MONDAY, 11), venue=CASAL, facilitators=[7])
    assert check(world, row) == []


def test_nothing_existing_and_empty_frames(world: dict[str, pd.DataFrame]) -> None:
    empty = pd.DataFrame()
    row = plan_row(venue=CASAL, facilitators=[1], participants=[2])
    assert (
        find_conflicts(
            pd.DataFrame([row]), empty, facilitators=empty, invitations=empty, venues=empty
        )
        == []
    )
    assert (
        find_conflicts(
            pd.DataFrame(), world["existing"], facilitators=empty, invitations=empty, venues=empty
        )
        == []
    )


def test_planned_row_must_end_after_it_starts(world: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ValidationError, match="Nou taller"):
        check(world, plan_row(start=at(MONDAY, 12), end=at(MONDAY, 12)))


def test_dates_in_messages_follow_the_language(world: dict[str, pd.DataFrame]) -> None:
    row = plan_row(start=at(MONDAY, 11), end=at(MONDAY, 12), venue=CASAL)
    with i18n.language("ca"):
        message = check(world, row)[0].message
    assert "3 de març 2025, 10:00–12:00" in message
