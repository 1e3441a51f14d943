"""AppTests: the Planner and Attendance pages lose nothing that was recorded."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from community_map import activities as svc
from community_map import storage
from community_map.models import (
    Asset,
    Attendance,
    Participant,
    Professional,
    Role,
    Service,
)
from community_map.trust.permissions import Actor
from tests.demo_actors import account_actor
from tests.test_app import _as, app_env

__all__ = ["app_env"]  # the fixture, imported for these tests


def _educator(url: str) -> Actor:
    """The demo educator as the app knows them: linked to the professional they are."""
    return account_actor(url, "educator")


def _copy(app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    copy = tmp_path / "copy.db"
    shutil.copy(app_env.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", url)
    return url


def _plan(url: str, start: dt.datetime, **extra: object) -> tuple[int, list[int]]:
    """A session of the demo educator at a library with three invited people (and ``extra``
    plan fields)."""
    educator = _educator(url)
    facilitators = [*extra.pop("facilitator_ids", []), educator.professional_id]  # type: ignore[misc]
    with storage.session_scope(storage.create_db_engine(url)) as s:
        people = list(s.scalars(select(Participant.id).order_by(Participant.code).limit(3)))
        venue = s.scalar(select(Asset.id).where(Asset.category_code == "library").limit(1))
        row = svc.plan_sessions(
            s,
            actor=educator,
            plan=svc.SessionPlan(
                action_id=None,
                type="workshop",
                title="Club de lectura",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                venue_asset_id=venue,
                participant_ids=people,
                facilitator_ids=list(dict.fromkeys(facilitators)),
                **extra,  # type: ignore[arg-type]
            ),
            save_anyway_note="test",
        )[0]
        return row.id, people


def test_planner_edit_of_the_end_time_keeps_every_other_field(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _copy(app_env, tmp_path, monkeypatch)
    with storage.session_scope(storage.create_db_engine(url)) as s:
        pros = list(s.scalars(select(Professional.id).order_by(Professional.id).limit(2)))
        services = list(s.scalars(select(Service.id).order_by(Service.id).limit(1)))
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=3), dt.time(18, 0))
    session_id, people = _plan(
        url,
        start,
        facilitator_ids=pros,
        partner_service_ids=services,
        capacity=15,
        notes="Portar el llibre",
    )
    with storage.session_scope(storage.create_db_engine(url)) as s:
        loaded = svc.session_details(s, actor=_educator(url), session_id=session_id)
    at = _as(Role.EDUCATOR).run()
    at.switch_page("pages/planner.py").run()
    at.selectbox(key="planner_edit_session").set_value(session_id).run()
    assert not at.exception, at.exception
    form = f"edit_{session_id}_{loaded['version']}"
    at.time_input(key=f"{form}_end").set_value(dt.time(19, 30))
    at.button(key=f"FormSubmitter:{form}-Check and save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    if at.warning:  # demo data around it (people, opening hours): save anyway with a note
        at.text_input(key="conflict_note").input("Prova").run()
        at.button(key="save_anyway").click().run()
    assert any("1 sessions changed" in s.value for s in at.success)
    with storage.session_scope(storage.create_db_engine(url)) as s:
        saved = svc.session_details(s, actor=_educator(url), session_id=session_id)
    assert saved["ends_at"] == start.replace(hour=19, minute=30)
    kept = ["facilitator_ids", "partner_service_ids", "participant_ids", "capacity", "notes"]
    assert {k: saved[k] for k in kept} == {
        "facilitator_ids": sorted({*pros, _educator(url).professional_id}),
        "partner_service_ids": services,
        "participant_ids": sorted(people),
        "capacity": 15,
        "notes": "Portar el llibre",
    }


def test_all_present_keeps_an_absence_just_tapped(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _copy(app_env, tmp_path, monkeypatch)
    start = dt.datetime.combine(dt.date.today() - dt.timedelta(days=1), dt.time(9, 0))
    session_id, people = _plan(url, start)
    at = _as(Role.EDUCATOR).run()
    at.switch_page("pages/attendance.py").run()
    at.date_input(key="register_week").set_value(start.date()).run()
    at.selectbox(key="register_session").set_value(session_id).run()
    at.radio[1].set_value("absent").run()
    assert at.button(key="all_present").label == "Mark 2 people without a mark as present"
    at.button(key="all_present").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with storage.session_scope(storage.create_db_engine(url)) as s:
        marks = dict(
            s.execute(
                select(Attendance.participant_id, Attendance.status).where(
                    Attendance.session_id == session_id
                )
            ).all()
        )
    assert marks == {people[0]: "attended", people[1]: "absent", people[2]: "attended"}


def test_a_session_that_has_not_started_cannot_be_finalised_on_the_page(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _copy(app_env, tmp_path, monkeypatch)
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=7), dt.time(18, 0))
    session_id, _people = _plan(url, start)
    at = _as(Role.EDUCATOR).run()
    at.switch_page("pages/attendance.py").run()
    at.date_input(key="register_week").set_value(start.date()).run()
    at.selectbox(key="register_session").set_value(session_id).run()
    assert any("has not started yet" in i.value for i in at.info)
    assert at.button(key="all_present").disabled
    assert at.button(key="finalise_register").disabled
    at.radio[0].set_value("attended").run()  # a tap is refused with the reason
    assert any("has not started yet" in e.value for e in at.error)


def test_reopening_a_register_asks_for_a_reason(app_env: str) -> None:
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/attendance.py").run()
    at.date_input(key="register_week").set_value(dt.date(2023, 3, 6)).run()
    assert not at.exception, at.exception
    assert at.button(key="reopen_register").disabled  # no reason given yet
    at.text_input(key="reopen_reason").input("Falta una signatura").run()
    assert not at.button(key="reopen_register").disabled


def test_asset_edit_form_keeps_what_someone_else_saved_meanwhile(
    app_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form shows the stored values after a reload, so an edit never writes stale ones."""
    from community_map import territory
    from community_map.models import AuditLog

    url = _copy(app_env, tmp_path, monkeypatch)
    engine = storage.create_db_engine(url)
    coordinator = Actor(username="coordinator", role=Role.COORDINATOR)
    with storage.session_scope(engine) as s:
        asset = s.scalars(
            select(Asset).where(Asset.is_active.is_(True), Asset.capacity.is_not(None))
        ).first()
        assert asset is not None
        asset_id, version, name = asset.id, asset.version, asset.name
        hours, capacity = asset.opening_hours, asset.capacity
    at = _as(Role.COORDINATOR).run()
    at.switch_page("pages/map.py").run()
    at.selectbox(key="edit_asset_id").set_value(asset_id).run()
    assert not at.exception, at.exception
    with storage.session_scope(engine) as s:  # someone else saves a new address meanwhile
        territory.update_asset(
            s, actor=coordinator, asset_id=asset_id, version=version, address="Carrer Nou, 1"
        )
        version = s.get(Asset, asset_id).version  # type: ignore[union-attr]
    at.run()
    form = f"edit_{asset_id}_{version}"
    assert at.text_input(key=f"{form}_address").value == "Carrer Nou, 1"
    at.text_input(key=f"{form}_name").input(name + " (renovat)")
    at.button(key=f"FormSubmitter:{form}-Save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with storage.session_scope(engine) as s:
        saved = s.get(Asset, asset_id)
        assert saved is not None
        assert (saved.name, saved.address) == (name + " (renovat)", "Carrer Nou, 1")
        assert (saved.opening_hours, saved.capacity) == (hours, capacity)
        entry = s.scalars(
            select(AuditLog)
            .where(AuditLog.entity == "assets", AuditLog.entity_id == str(asset_id))
            .order_by(AuditLog.id.desc())
        ).first()
        assert entry is not None
        assert entry.before == {"name": name} and entry.after == {"name": name + " (renovat)"}
