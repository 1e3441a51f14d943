"""Nothing recorded is lost or changed without trace: session edits, registers, imports."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from community_map import activities as svc
from community_map.activities.reads import register_frame
from community_map.errors import ValidationError
from community_map.models import AuditLog, Service
from community_map.models import Session as SessionRow
from community_map.storage import session_scope
from tests.test_activity_service import COORD, EDU, LATER, MONDAY, _plan, world

__all__ = ["world"]  # the fixture, imported for these tests


def _entries(engine: Engine, entity: str) -> list[AuditLog]:
    with session_scope(engine) as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.entity == entity)))
        s.expunge_all()
    return rows


def _planned(engine: Engine, world: dict[str, int]) -> tuple[int, int]:
    with session_scope(engine) as s:
        sac = s.scalar(select(Service.id).where(Service.code == "SAC"))
        row = svc.plan_sessions(
            s,
            actor=EDU,
            plan=_plan(world, partner_service_ids=[sac], capacity=10, notes="Portar davantal"),
        )[0]
        return row.id, row.version


def test_editing_only_the_end_time_keeps_people_capacity_and_notes(
    engine: Engine, world: dict[str, int]
) -> None:
    """The planner's edit form loads every field, so saving an end time changes only it."""
    session_id, version = _planned(engine, world)
    with session_scope(engine) as s:
        loaded = svc.session_details(s, actor=EDU, session_id=session_id)
    assert loaded["facilitator_ids"] == [world["p1"]]
    assert loaded["participant_ids"] == sorted([world["A"], world["B"], world["C"]])
    assert len(loaded["partner_service_ids"]) == 1
    assert (loaded["capacity"], loaded["notes"]) == (10, "Portar davantal")
    edit = svc.SessionPlan(
        action_id=loaded["action_id"],
        type=loaded["type"],
        title=loaded["title"],
        starts_at=loaded["starts_at"],
        ends_at=loaded["ends_at"] + dt.timedelta(minutes=30),
        venue_asset_id=loaded["venue_id"],
        capacity=loaded["capacity"],
        facilitator_ids=loaded["facilitator_ids"],
        partner_service_ids=loaded["partner_service_ids"],
        participant_ids=loaded["participant_ids"],
        notes=loaded["notes"],
    )
    with session_scope(engine) as s:
        svc.update_sessions(s, actor=EDU, session_id=session_id, version=version, plan=edit)
    with session_scope(engine) as s:
        after = svc.session_details(s, actor=EDU, session_id=session_id)
    assert {k: v for k, v in after.items() if k not in {"ends_at", "version"}} == {
        k: v for k, v in loaded.items() if k not in {"ends_at", "version"}
    }
    update = _entries(engine, "sessions")[-1]
    end = MONDAY + dt.timedelta(hours=2)
    assert update.before == {"ends_at": end.isoformat()}
    assert update.after == {"ends_at": (end + dt.timedelta(minutes=30)).isoformat()}


def test_session_update_audit_holds_every_changed_field(
    engine: Engine, world: dict[str, int]
) -> None:
    session_id, version = _planned(engine, world)
    changed = _plan(
        world,
        facilitator_ids=[world["p2"]],
        participant_ids=[world["A"], world["D"]],
        capacity=12,
        notes="Sense davantal",
    )
    with session_scope(engine) as s:
        svc.update_sessions(s, actor=COORD, session_id=session_id, version=version, plan=changed)
    entry = _entries(engine, "sessions")[-1]
    assert entry.action == "update" and entry.entity_id == str(session_id)
    assert entry.before == {
        "capacity": 10,
        "notes": "Portar davantal",
        "facilitator_ids": [world["p1"]],
        "partner_service_ids": entry.before["partner_service_ids"],
        "participant_ids": sorted([world["A"], world["B"], world["C"]]),
    }
    assert len(entry.before["partner_service_ids"]) == 1
    assert entry.after == {
        "capacity": 12,
        "notes": "Sense davantal",
        "facilitator_ids": [world["p2"]],
        "partner_service_ids": [],
        "participant_ids": sorted([world["A"], world["D"]]),
    }


def test_a_finalised_session_cannot_be_cancelled_until_reopened_with_a_reason(
    engine: Engine, world: dict[str, int]
) -> None:
    session_id, _version = _planned(engine, world)
    with session_scope(engine) as s:
        svc.mark_attendance(
            s, actor=EDU, session_id=session_id, marks={world["A"]: "attended"}, now=LATER
        )
        svc.finalise_session(s, actor=EDU, session_id=session_id, now=LATER)
        version = s.get(SessionRow, session_id).version  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="finalised"), session_scope(engine) as s:
        svc.cancel_sessions(s, actor=EDU, session_id=session_id, version=version, reason="Pluja")
    with session_scope(engine) as s:
        row = s.get(SessionRow, session_id)
        assert row is not None and (row.status, row.finalised) == ("held", True)
    with session_scope(engine) as s:
        svc.reopen_session(s, actor=COORD, session_id=session_id, reason="Registre equivocat")
        version = s.get(SessionRow, session_id).version  # type: ignore[union-attr]
    reopened = _entries(engine, "sessions")[-1]
    assert reopened.after == {"finalised": False, "reopen_reason": "Registre equivocat"}
    with session_scope(engine) as s:
        svc.cancel_sessions(s, actor=COORD, session_id=session_id, version=version, reason="Pluja")
    cancelled = _entries(engine, "sessions")[-1]
    assert cancelled.before == {"status": "held", "cancel_reason": ""}
    assert cancelled.after == {"status": "cancelled", "cancel_reason": "Pluja"}


def test_a_session_that_has_not_started_cannot_be_marked_held(
    engine: Engine, world: dict[str, int]
) -> None:
    session_id, _version = _planned(engine, world)
    week_before = MONDAY - dt.timedelta(days=7)
    for call in (
        lambda s: svc.mark_attendance(
            s, actor=EDU, session_id=session_id, marks={world["A"]: "attended"}, now=week_before
        ),
        lambda s: svc.finalise_session(s, actor=EDU, session_id=session_id, now=week_before),
        lambda s: svc.add_walk_in(
            s, actor=EDU, session_id=session_id, code="AM-D", now=week_before
        ),
        lambda s: svc.mark_all_present(s, actor=EDU, session_id=session_id, now=week_before),
        lambda s: svc.finalise_session(s, actor=EDU, session_id=session_id),  # now: 2026
    ):
        with pytest.raises(ValidationError, match="not started yet"), session_scope(engine) as s:
            call(s)
    with session_scope(engine) as s:  # an excuse in advance is fine
        svc.mark_attendance(
            s, actor=EDU, session_id=session_id, marks={world["B"]: "excused"}, now=week_before
        )
        row = s.get(SessionRow, session_id)
        assert row is not None and (row.status, row.finalised) == ("planned", False)
        marks = register_frame(s, session_id, actor=EDU).set_index("code")["status"].to_dict()
    assert marks == {"AM-A": None, "AM-B": "excused", "AM-C": None}


def test_mark_all_present_keeps_the_absence_just_tapped(
    engine: Engine, world: dict[str, int]
) -> None:
    session_id, _version = _planned(engine, world)
    with session_scope(engine) as s:
        svc.mark_attendance(
            s, actor=EDU, session_id=session_id, marks={world["B"]: "absent"}, now=LATER
        )
    with session_scope(engine) as s:
        assert svc.mark_all_present(s, actor=EDU, session_id=session_id, now=LATER) == 2
        marks = register_frame(s, session_id, actor=EDU).set_index("code")["status"].to_dict()
    assert marks == {"AM-A": "attended", "AM-B": "absent", "AM-C": "attended"}
    entry = _entries(engine, "attendance")[-1]
    assert entry.before == {str(world["A"]): None, str(world["C"]): None}
    assert entry.after == {str(world["A"]): "attended", str(world["C"]): "attended"}
    with session_scope(engine) as s:  # nothing left without a mark: nothing to do
        assert svc.mark_all_present(s, actor=EDU, session_id=session_id, now=LATER) == 0


def _workbook(engine: Engine, *, status: str | None = None) -> bytes:
    with session_scope(engine) as s:
        programme = svc.programme_frame(s)
        attendance = svc.attendance_long_frame(s, actor=COORD)
    if status is not None:
        attendance["status"] = status
    return svc.programme_to_excel(programme, attendance, language="en")


def test_programme_import_refuses_to_change_a_finalised_register(
    engine: Engine, world: dict[str, int]
) -> None:
    session_id, _version = _planned(engine, world)
    with session_scope(engine) as s:
        svc.mark_attendance(
            s,
            actor=EDU,
            session_id=session_id,
            marks={world["A"]: "attended", world["B"]: "attended", world["C"]: "absent"},
            now=LATER,
        )
        svc.finalise_session(s, actor=EDU, session_id=session_id, now=LATER)
    same, all_absent = _workbook(engine), _workbook(engine, status="absent")
    entries = len(_entries(engine, "attendance"))
    with pytest.raises(svc.ProgrammeImportError) as info, session_scope(engine) as s:
        read = svc.programme_from_excel(all_absent, **svc.known_codes(s))
        svc.import_programme(s, actor=EDU, programme=read, display_name="programa.xlsx", now=LATER)
    assert "programa.xlsx" in str(info.value)
    [problem] = info.value.problems
    assert problem.row == 2 and "finalised" in problem.reason
    with session_scope(engine) as s:
        marks = register_frame(s, session_id, actor=EDU).set_index("code")["status"].to_dict()
    assert marks == {"AM-A": "attended", "AM-B": "attended", "AM-C": "absent"}
    assert len(_entries(engine, "attendance")) == entries
    with session_scope(engine) as s:  # the same programme again changes nothing: accepted
        read = svc.programme_from_excel(same, **svc.known_codes(s))
        counts = svc.import_programme(s, actor=EDU, programme=read, now=LATER)
    assert counts == {"created": 0, "updated": 0, "unchanged": 1, "attendance": 3}


def test_programme_import_logs_before_and_after_of_each_changed_session(
    engine: Engine, world: dict[str, int]
) -> None:
    session_id, _version = _planned(engine, world)
    with session_scope(engine) as s:
        programme = svc.programme_frame(s)
    programme["title"] = "Taller de cuina (nou títol)"
    programme["capacity"] = 14
    data = svc.programme_to_excel(programme, language="en")
    with session_scope(engine) as s:
        read = svc.programme_from_excel(data, **svc.known_codes(s))
        counts = svc.import_programme(s, actor=EDU, programme=read)
    assert counts["updated"] == 1
    entry = [e for e in _entries(engine, "sessions") if e.entity_id == str(session_id)][-1]
    assert entry.before == {"title": "Taller de cuina", "capacity": 10}
    assert entry.after == {"title": "Taller de cuina (nou títol)", "capacity": 14}


def test_programme_import_cannot_hold_a_session_that_has_not_started(
    engine: Engine, world: dict[str, int]
) -> None:
    session_id, _version = _planned(engine, world)
    with session_scope(engine) as s:
        programme = svc.programme_frame(s)
    programme["status"] = "held"
    data = svc.programme_to_excel(programme, language="en")
    with pytest.raises(svc.ProgrammeImportError) as info, session_scope(engine) as s:
        read = svc.programme_from_excel(data, **svc.known_codes(s))
        svc.import_programme(s, actor=EDU, programme=read, now=MONDAY - dt.timedelta(days=7))
    [problem] = info.value.problems
    assert problem.row == 2 and "has not started yet" in problem.reason
    with session_scope(engine) as s:
        row = s.get(SessionRow, session_id)
        assert row is not None and (row.status, row.finalised) == ("planned", False)
    with session_scope(engine) as s:  # once it has taken place, it can be recorded as held
        read = svc.programme_from_excel(data, **svc.known_codes(s))
        svc.import_programme(s, actor=EDU, programme=read, now=LATER)
        row = s.get(SessionRow, session_id)
        assert row is not None and (row.status, row.finalised) == ("held", True)
