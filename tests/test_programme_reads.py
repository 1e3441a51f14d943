"""Database reads of the programme files: programme and attendance tables."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from community_map.activities import (
    ATTENDANCE_COLUMNS,
    PROGRAMME_COLUMNS,
    attendance_long_frame,
    programme_frame,
)
from community_map.models import (
    AttendanceStatus,
    CommunityAction,
    Role,
    SessionStatus,
    SessionType,
)
from community_map.models import Session as SessionRow
from community_map.trust import Actor

ADMIN = Actor(username="test-admin", role=Role.ADMIN)


def test_programme_frame_of_the_demo(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        frame = programme_frame(session)
        count = len(session.scalars(select(SessionRow.id)).all())
    assert list(frame.columns) == [*PROGRAMME_COLUMNS, "session_id", "series_id"]
    assert len(frame) == count and frame["session_id"].is_unique
    assert all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in frame["date"])
    assert frame["start"].str.fullmatch(r"\d\d:\d\d").all()
    assert frame["end"].str.fullmatch(r"\d\d:\d\d").all()
    starts = [
        dt.datetime.combine(d, dt.time.fromisoformat(s))
        for d, s in zip(frame["date"], frame["start"], strict=True)
    ]
    assert starts == sorted(starts)
    assert set(frame["type"]) <= {t.value for t in SessionType}
    assert set(frame["status"]) <= {s.value for s in SessionStatus}
    assert str(frame["capacity"].dtype) == "Int64"
    assert (frame["venue_code"] != "").all()
    assert frame["facilitators"].str.contains("; ").any()
    assert (frame["partners"] != "").any()
    assert (frame["action_code"] == "").any()  # coordination meetings belong to no action


def test_programme_frame_filters(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        everything = programme_frame(session)
        action_id, code = session.execute(
            select(CommunityAction.id, CommunityAction.code).order_by(CommunityAction.id)
        ).first()  # type: ignore[misc]
        by_action = programme_frame(session, action_ids=[action_id])
        none = programme_frame(session, action_ids=[])
        day = everything["date"].iloc[len(everything) // 2]
        one_day = programme_frame(session, start=day, end=day)
        later = programme_frame(session, start=day)
        chosen = programme_frame(session, session_ids=everything["session_id"].iloc[:5])
    assert chosen["session_id"].tolist() == everything["session_id"].iloc[:5].tolist()
    assert len(by_action) > 0 and set(by_action["action_code"]) == {code}
    assert none.empty and list(none.columns) == [*PROGRAMME_COLUMNS, "session_id", "series_id"]
    assert len(one_day) > 0 and set(one_day["date"]) == {day}
    assert min(later["date"]) == day and len(later) < len(everything)


def test_attendance_long_frame_of_the_demo(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        frame = attendance_long_frame(session, actor=ADMIN)
        first_ids = session.scalars(select(SessionRow.id).order_by(SessionRow.id).limit(3)).all()
        few = attendance_long_frame(session, actor=ADMIN, session_ids=first_ids)
    assert list(frame.columns) == ATTENDANCE_COLUMNS
    assert set(frame["status"]) == {s.value for s in AttendanceStatus}
    assert frame["walk_in"].dtype == bool and frame["walk_in"].any()
    assert 0 < len(few) < len(frame)


def test_attendance_codes_are_refused_to_aggregate_only_roles(demo_engine: Engine) -> None:
    from community_map.errors import PermissionDeniedError

    viewer = Actor(username="district", role=Role.DISTRICT_VIEWER)
    with Session(demo_engine) as session, pytest.raises(PermissionDeniedError):
        attendance_long_frame(session, actor=viewer)
