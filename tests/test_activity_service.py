"""Planning, conflicts and attendance on a tiny hand-made programme."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from community_map import activities as svc
from community_map.activities.reads import attendance_rates, itinerary, register_frame
from community_map.errors import NotFoundError, PermissionDeniedError, ValidationError
from community_map.models import (
    Asset,
    AuditLog,
    Participant,
    Professional,
    Role,
    Service,
)
from community_map.models import Session as SessionRow
from community_map.storage import session_scope
from community_map.trust.permissions import Actor

ADMIN = Actor(username="test-admin", role=Role.ADMIN)

# P1 of the world fixture: educators change the sessions they facilitate
EDU = Actor(username="edu", role=Role.EDUCATOR, user_id=None, professional_id=1)
COORD = Actor(username="coord", role=Role.COORDINATOR, user_id=None)
MONDAY = dt.datetime(2027, 3, 1, 10, 0)  # a Monday
LATER = dt.datetime(2027, 6, 1, 12, 0)  # "now" once the sessions of these tests are over


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """A civic centre room for 20 (open Mo-Fr 09:00-21:00), a library, 2 educators, 4 people."""
    with session_scope(engine) as s:
        civic = Asset(
            name="Centre Cívic Prova",
            category_code="civic_centre",
            x=430000,
            y=4581000,
            capacity=20,
            opening_hours="Mo-Fr 09:00-21:00",
            source="t",
            source_id="CC1",
            tags=[],
        )
        library = Asset(
            name="Biblioteca Prova",
            category_code="library",
            x=430100,
            y=4581000,
            capacity=30,
            source="t",
            source_id="B1",
            tags=[],
        )
        sac = Service(code="SAC", name="SAC", field_of_work="community_action")
        s.add_all([civic, library, sac])
        s.flush()
        pros = [
            Professional(code=f"P{i}", role="social educator", service_id=sac.id) for i in (1, 2)
        ]
        people = [
            Participant(code=f"AM-{c}", consent_processing=True, consent_survey=True)
            for c in "ABCD"
        ]
        s.add_all(pros + people)
        s.flush()
        assert pros[0].id == EDU.professional_id
        action = svc.create_action(
            s,
            actor=EDU,
            title="Dinàmiques de grup",
            typology="amunt_community",
            started_on=dt.date(2027, 1, 10),
        )
        return {
            "civic": civic.id,
            "library": library.id,
            "p1": pros[0].id,
            "p2": pros[1].id,
            "action": action.id,
            **{c: p.id for c, p in zip("ABCD", people, strict=True)},
        }


def _plan(world: dict[str, int], **changes) -> svc.SessionPlan:  # type: ignore[no-untyped-def]
    base = dict(
        action_id=world["action"],
        type="workshop",
        title="Taller de cuina",
        starts_at=MONDAY,
        ends_at=MONDAY + dt.timedelta(hours=2),
        venue_asset_id=world["civic"],
        facilitator_ids=[world["p1"]],
        participant_ids=[world["A"], world["B"], world["C"]],
    )
    base.update(changes)
    return svc.SessionPlan(**base)


def _count(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(SessionRow)) or 0)


def test_recurring_workshop_every_two_weeks(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        rows = svc.plan_sessions(
            s, actor=EDU, plan=_plan(world, every_weeks=2, until=dt.date(2027, 4, 12))
        )
        starts = [r.starts_at for r in rows]
        series = {r.series_id for r in rows}
    # 1, 15, 29 March and 12 April (until is inclusive)
    assert [d.date() for d in starts] == [
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 15),
        dt.date(2027, 3, 29),
        dt.date(2027, 4, 12),
    ]
    assert len(series) == 1 and None not in series
    with session_scope(engine) as s:
        first = s.scalar(select(SessionRow.id).order_by(SessionRow.starts_at))
        assert register_frame(s, first, actor=EDU)["code"].tolist() == ["AM-A", "AM-B", "AM-C"]
        entry = s.scalars(select(AuditLog).where(AuditLog.entity == "sessions")).one()
        assert entry.after["count"] == 4


def test_double_booked_room_is_a_conflict_and_nothing_is_written(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        svc.plan_sessions(s, actor=EDU, plan=_plan(world))
    clash = _plan(
        world,
        title="Un altre taller",
        facilitator_ids=[world["p2"]],
        participant_ids=[world["D"]],
        starts_at=MONDAY + dt.timedelta(hours=1),
        ends_at=MONDAY + dt.timedelta(hours=3),
    )
    with pytest.raises(svc.ConflictError) as info, session_scope(engine) as s:
        svc.plan_sessions(s, actor=COORD, plan=clash)
    assert [c.kind for c in info.value.conflicts] == ["venue"]
    assert _count(engine) == 1
    with session_scope(engine) as s:
        svc.plan_sessions(s, actor=COORD, plan=clash, save_anyway_note="Sala gran dividida")
    with session_scope(engine) as s:
        notes = set(s.scalars(select(SessionRow.conflict_note)))
    assert notes == {"", "Sala gran dividida"}


def test_facilitator_participant_capacity_and_hours(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        svc.plan_sessions(s, actor=EDU, plan=_plan(world))
    elsewhere = _plan(
        world,
        venue_asset_id=world["library"],
        starts_at=MONDAY + dt.timedelta(minutes=30),
        ends_at=MONDAY + dt.timedelta(hours=1),
    )
    with pytest.raises(svc.ConflictError) as info, session_scope(engine) as s:
        svc.plan_sessions(s, actor=EDU, plan=elsewhere)
    assert sorted({c.kind for c in info.value.conflicts}) == ["facilitator", "participant"]
    late = _plan(
        world,
        starts_at=MONDAY + dt.timedelta(hours=10),
        ends_at=MONDAY + dt.timedelta(hours=12),
        capacity=25,
    )
    with pytest.raises(svc.ConflictError) as info, session_scope(engine) as s:
        svc.plan_sessions(s, actor=EDU, plan=late)
    assert sorted({c.kind for c in info.value.conflicts}) == ["capacity", "opening_hours"]


def test_touching_sessions_do_not_conflict(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        svc.plan_sessions(s, actor=EDU, plan=_plan(world))
        svc.plan_sessions(
            s,
            actor=EDU,
            plan=_plan(
                world,
                starts_at=MONDAY + dt.timedelta(hours=2),
                ends_at=MONDAY + dt.timedelta(hours=3),
            ),
        )
    assert _count(engine) == 2


def test_edit_the_rest_of_a_series_and_refuse_a_stale_save(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        rows = svc.plan_sessions(
            s, actor=EDU, plan=_plan(world, every_weeks=1, until=dt.date(2027, 3, 22))
        )
        second_id, version = rows[1].id, rows[1].version
    moved = _plan(
        world,
        starts_at=dt.datetime(2027, 3, 8, 17, 0),
        ends_at=dt.datetime(2027, 3, 8, 18, 30),
        title="Taller (tarda)",
    )
    with session_scope(engine) as s:
        changed = svc.update_sessions(
            s, actor=EDU, session_id=second_id, version=version, plan=moved, scope="following"
        )
        assert len(changed) == 3
    with session_scope(engine) as s:
        times = [
            (r.starts_at.strftime("%d %H:%M"), r.title)
            for r in s.scalars(select(SessionRow).order_by(SessionRow.starts_at))
        ]
    assert times == [
        ("01 10:00", "Taller de cuina"),
        ("08 17:00", "Taller (tarda)"),
        ("15 17:00", "Taller (tarda)"),
        ("22 17:00", "Taller (tarda)"),
    ]
    with pytest.raises(ValidationError, match="Someone else changed"), session_scope(engine) as s:
        svc.update_sessions(s, actor=EDU, session_id=second_id, version=version, plan=moved)


def test_register_walk_in_absences_finalise_and_reopen(
    engine: Engine, world: dict[str, int]
) -> None:
    with session_scope(engine) as s:
        rows = svc.plan_sessions(
            s, actor=EDU, plan=_plan(world, every_weeks=1, until=dt.date(2027, 3, 22))
        )
        ids = [r.id for r in rows]
    with session_scope(engine) as s:
        svc.mark_attendance(
            s,
            actor=EDU,
            session_id=ids[0],
            marks={world["A"]: "attended", world["B"]: "absent"},
            now=LATER,
        )
        svc.add_walk_in(s, actor=EDU, session_id=ids[0], code="am-d", now=LATER)
        assert (
            svc.absent_until(
                s,
                actor=EDU,
                session_id=ids[1],
                participant_id=world["C"],
                until=dt.date(2027, 3, 15),
            )
            == 2
        )
        svc.mark_attendance(
            s,
            actor=EDU,
            session_id=ids[1],
            marks={world["A"]: "attended", world["B"]: "attended"},
            now=LATER,
        )
        svc.finalise_session(s, actor=EDU, session_id=ids[0], now=LATER)
    with pytest.raises(NotFoundError), session_scope(engine) as s:
        svc.add_walk_in(s, actor=EDU, session_id=ids[1], code="AM-ZZZZ", now=LATER)
    with pytest.raises(ValidationError, match="finalised"), session_scope(engine) as s:
        svc.mark_attendance(
            s, actor=EDU, session_id=ids[0], marks={world["B"]: "attended"}, now=LATER
        )
    with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
        svc.reopen_session(s, actor=EDU, session_id=ids[0], reason="Error")
    with pytest.raises(ValidationError, match="reason"), session_scope(engine) as s:
        svc.reopen_session(s, actor=COORD, session_id=ids[0], reason="  ")
    with session_scope(engine) as s:
        svc.reopen_session(s, actor=COORD, session_id=ids[0], reason="AM-B came late")
        register = register_frame(s, ids[0], actor=EDU)
        rates = attendance_rates(s, actor=EDU, series_id=rows[0].series_id)
        path = itinerary(s, "AM-C", actor=EDU)
    assert dict(zip(register.code, register.status, strict=True)) == {
        "AM-A": "attended",
        "AM-B": "absent",
        "AM-C": None,
        "AM-D": "attended",
    }
    assert register.set_index("code").loc["AM-D", "walk_in"]
    # A: 2 of 2; B: 1 of 2; C: 0 of 2 (excused twice); D: 1 of 1
    assert rates.loc["AM-A", "rate"] == 1.0 and rates.loc["AM-B", "rate"] == 0.5
    assert rates.loc["AM-C", "recorded"] == 2 and rates.loc["AM-C", "attended"] == 0
    assert path["status"].tolist() == ["invited", "excused", "excused", "invited"]


def test_bad_plans_are_refused(engine: Engine, world: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="end after it starts"), session_scope(engine) as s:
        svc.plan_sessions(s, actor=EDU, plan=_plan(world, ends_at=MONDAY))
    with pytest.raises(ValidationError, match="end date"), session_scope(engine) as s:
        svc.plan_sessions(s, actor=EDU, plan=_plan(world, every_weeks=1))
    with pytest.raises(PermissionDeniedError), session_scope(engine) as s:
        svc.plan_sessions(
            s, actor=Actor(username="d", role=Role.DISTRICT_VIEWER), plan=_plan(world)
        )
    assert _count(engine) == 0


def test_phases_move_forward_only(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        svc.add_phase(
            s, actor=EDU, action_id=world["action"], phase="design", started_on=dt.date(2027, 2, 1)
        )
    with pytest.raises(ValidationError, match="cannot start before"), session_scope(engine) as s:
        svc.add_phase(
            s,
            actor=EDU,
            action_id=world["action"],
            phase="execution",
            started_on=dt.date(2027, 1, 20),
        )


def _ical_starts(data: bytes) -> list[list[dt.datetime]]:
    """Each VEVENT's starts (naive local), its RRULE expanded with dateutil."""
    from dateutil.rrule import rrulestr
    from icalendar import Calendar

    result = []
    for event in Calendar.from_ical(data).walk("VEVENT"):
        start = event.decoded("DTSTART")
        starts = (
            [start]
            if "RRULE" not in event
            else list(rrulestr(event["RRULE"].to_ical().decode(), dtstart=start))
        )
        result.append([s.replace(tzinfo=None) for s in starts])
    return result


def test_ical_export_of_planned_series_gives_the_stored_sessions(
    engine: Engine, world: dict[str, int]
) -> None:
    from community_map import activities

    with session_scope(engine) as s:
        weekly = svc.plan_sessions(
            s, actor=EDU, plan=_plan(world, every_weeks=1, until=dt.date(2027, 4, 5))
        )  # across summer time (28 March)
        fortnightly = svc.plan_sessions(
            s,
            actor=COORD,
            plan=_plan(
                world,
                every_weeks=2,
                until=dt.date(2027, 5, 10),
                title="Cafè",
                type="other",
                venue_asset_id=world["library"],
                facilitator_ids=[world["p2"]],
                participant_ids=[world["D"]],
                starts_at=MONDAY + dt.timedelta(days=1, hours=6),
                ends_at=MONDAY + dt.timedelta(days=1, hours=7),
            ),
        )
        weekly_starts = [r.starts_at for r in weekly]
        third = (fortnightly[2].id, fortnightly[2].version)
        fortnightly_starts = [r.starts_at for r in fortnightly]
    with session_scope(engine) as s:
        data = activities.programme_to_ical(activities.programme_frame(s), calendar_name="x")
    assert sorted(_ical_starts(data)) == sorted([weekly_starts, fortnightly_starts])
    assert len(weekly_starts) == 6 and len(fortnightly_starts) == 5  # 2 Mar to 27 Apr

    with session_scope(engine) as s:  # a cancelled session: that series becomes single events
        svc.cancel_sessions(
            s, actor=COORD, session_id=third[0], version=third[1], reason="Festa major"
        )
    with session_scope(engine) as s:
        data = activities.programme_to_ical(activities.programme_frame(s), calendar_name="x")
    assert sorted(_ical_starts(data)) == sorted(
        [weekly_starts, *([start] for start in fortnightly_starts)]
    )


def test_excel_round_trip_into_an_empty_programme(demo_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Export the demo programme to Excel, import it where no sessions exist: identical."""
    import shutil

    from sqlalchemy import delete

    from community_map import activities as programme_io
    from community_map import storage
    from community_map.models import (
        Attendance,
        Invitation,
        SessionFacilitator,
        SessionPartner,
        SessionSeries,
    )

    source = storage.create_db_engine(demo_db)
    with session_scope(source) as s:
        programme = programme_io.programme_frame(s)
        attendance = programme_io.attendance_long_frame(s, actor=ADMIN)
    workbook = tmp_path / "programme.xlsx"
    workbook.write_bytes(programme_io.programme_to_excel(programme, attendance, language="ca"))

    copy = tmp_path / "empty.db"
    shutil.copy(demo_db.removeprefix("sqlite:///"), copy)
    target = storage.create_db_engine(f"sqlite:///{copy}")
    with session_scope(target) as s:
        for model in (
            Attendance,
            Invitation,
            SessionFacilitator,
            SessionPartner,
            SessionRow,
            SessionSeries,
        ):
            s.execute(delete(model))
    assert _count(target) == 0
    with session_scope(target) as s:
        read = programme_io.programme_from_excel(workbook, **programme_io.known_codes(s))
        counts = svc.import_programme(s, actor=COORD, programme=read)
    assert counts["created"] == len(programme) and counts["attendance"] == len(attendance)
    with session_scope(target) as s:
        again = programme_io.programme_frame(s)
        again_attendance = programme_io.attendance_long_frame(s, actor=ADMIN)
    key = ["date", "start", "action_code", "venue_code", "type"]
    drop = ["session_id", "series_id"]  # the import writes sessions, not series
    left = programme.drop(columns=drop).sort_values(key).reset_index(drop=True)
    right = again.drop(columns=drop).sort_values(key).reset_index(drop=True)
    import pandas as pd

    pd.testing.assert_frame_equal(left, right)
    akey = ["date", "start", "action_code", "participant_code"]
    pd.testing.assert_frame_equal(
        attendance.sort_values(akey).reset_index(drop=True),
        again_attendance.sort_values(akey).reset_index(drop=True),
    )
    with session_scope(target) as s:  # importing again updates, never duplicates
        read = programme_io.programme_from_excel(workbook, **programme_io.known_codes(s))
        counts = svc.import_programme(s, actor=COORD, programme=read)
    assert counts["created"] == 0 and _count(target) == len(programme)


def test_pages_open_on_a_week_with_sessions(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as s:
        # no sessions at all: today's week
        assert svc.week_with_sessions(s, today=dt.date(2027, 3, 10)) == dt.date(2027, 3, 8)
        svc.plan_sessions(s, actor=EDU, plan=_plan(world))  # Monday 1 March 2027
    with session_scope(engine) as s:
        # months later, the closest session's week; in its week, that week
        assert svc.week_with_sessions(s, today=dt.date(2027, 9, 15)) == dt.date(2027, 3, 1)
        assert svc.week_with_sessions(s, today=dt.date(2026, 12, 3)) == dt.date(2027, 3, 1)
        assert svc.week_with_sessions(s, today=dt.date(2027, 3, 7)) == dt.date(2027, 3, 1)
