"""Every cell of the permission matrix: each role tries one real operation per permission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from community_map import activities, evaluation, network, territory, trust
from community_map.errors import PermissionDeniedError
from community_map.models import (
    Asset,
    Attendance,
    AuditLog,
    Participant,
    Professional,
    Role,
    Service,
    SessionFacilitator,
    TerritoryUnit,
)
from community_map.models import Session as SessionRow
from community_map.storage import session_scope
from community_map.trust import ROLE_PERMISSIONS, Actor, Permission

PAST = dt.datetime(2023, 3, 6, 10, 0)


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """A district with one neighbourhood, a venue, a past session and two people who came."""
    with session_scope(engine) as s:
        district = TerritoryUnit(kind="district", code="01", name="Ciutat Vella")
        s.add(district)
        s.flush()
        hood = TerritoryUnit(
            kind="neighbourhood",
            code="01",
            name="el Raval",
            parent_id=district.id,
            geometry_wkt=shapely.box(429000, 4580000, 431000, 4582000).wkt,
        )
        service = Service(code="SAC", name="SAC", field_of_work="community_action")
        s.add_all([hood, service])
        s.flush()
        venue = Asset(
            name="Casal", category_code="civic_centre", x=430000, y=4581000, capacity=20,
            source="t", source_id="C1", tags=[], neighbourhood_id=hood.id,
        )  # fmt: skip
        professional = Professional(code="P1", role="educator", service_id=service.id)
        people = [
            Participant(
                code=f"AM-{c}",
                alias=f"alias {c}",
                consent_processing=True,
                consent_survey=True,
                neighbourhood_id=hood.id,
            )
            for c in "AB"
        ]
        s.add_all([venue, professional, *people])
        s.flush()
        row = SessionRow(
            type="workshop", title="Taller", starts_at=PAST, ends_at=PAST + dt.timedelta(hours=2),
            venue_asset_id=venue.id, status="held",
        )  # fmt: skip
        s.add(row)
        s.flush()
        s.add_all(
            Attendance(session_id=row.id, participant_id=p.id, status="attended") for p in people
        )
        s.add(SessionFacilitator(session_id=row.id, professional_id=professional.id))
        return {
            "session": row.id,
            "venue": venue.id,
            "A": people[0].id,
            "professional": professional.id,
            "service": service.id,
        }


def _finalised(s: Session, world: dict[str, int]) -> int:
    row = s.get(SessionRow, world["session"])
    assert row is not None
    row.finalised = True
    s.flush()
    return world["session"]


def _square() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["02"], "name": ["Eixample"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=25831
    )


# One operation per permission; it raises PermissionDeniedError or returns whether the
# permission's effect was visible (for permissions that change what a read shows).
OPERATIONS: dict[Permission, Callable[[Session, Actor, dict[str, int]], Any]] = {
    Permission.READ_AGGREGATES: lambda s, a, w: evaluation.district_figures(s, actor=a),
    Permission.SEE_SMALL_COUNTS: lambda s, a, w: (
        {f.key: f.shown for f in evaluation.home_figures(s, actor=a)}["participants_reached"] == "2"
        or (_ for _ in ()).throw(PermissionDeniedError("small count hidden"))
    ),
    Permission.VIEW_PARTICIPANTS: lambda s, a, w: activities.itinerary(s, "AM-A", actor=a),
    Permission.VIEW_ALIASES: lambda s, a, w: (
        (
            activities.register_frame(s, w["session"], actor=a)["alias"].tolist()
            == ["alias A", "alias B"]
        )
        or (_ for _ in ()).throw(PermissionDeniedError("aliases hidden"))
    ),
    Permission.VIEW_NETWORKS: lambda s, a, w: network.series_tables(s, actor=a),
    Permission.EXPORT_PERSONAL_DATA: lambda s, a, w: activities.attendance_long_frame(s, actor=a),
    Permission.EDIT_ASSETS: lambda s, a, w: territory.create_asset(
        s, actor=a, name="Nou", category_code="library", x=430050, y=4581050
    ),
    Permission.EDIT_TERRITORY: lambda s, a, w: territory.save_boundaries(
        s, actor=a, frame=_square(), kind="district", source="test"
    ),
    Permission.EDIT_SERVICES: lambda s, a, w: territory.save_service(
        s, actor=a, values={"code": "ENT", "name": "Entitat", "field_of_work": "youth"}
    ),
    Permission.IMPORT_DATA: lambda s, a, w: trust.bulk_create(
        s, actor=a, model=AuditLog, rows=[], note="empty"
    ),
    Permission.PLAN_ACTIVITIES: lambda s, a, w: activities.create_action(
        s, actor=a, title="Acció", typology="amunt_community", started_on=dt.date(2023, 1, 1)
    ),
    Permission.TAKE_ATTENDANCE: lambda s, a, w: activities.mark_attendance(
        s, actor=a, session_id=w["session"], marks={w["A"]: "absent"}
    ),
    Permission.REOPEN_SESSIONS: lambda s, a, w: activities.reopen_session(
        s, actor=a, session_id=_finalised(s, w), reason="typing error"
    ),
    Permission.RECORD_ASSESSMENTS: lambda s, a, w: network.record_reported_ties(
        s, actor=a, respondent_code="AM-A", ties={"AM-B": "friendship"}, on=dt.date(2023, 3, 6)
    ),
    Permission.RECORD_COLLABORATIONS: lambda s, a, w: network.create_space(
        s, actor=a, code="TAULA", name="Taula del Raval", kind="district_table"
    ),
    Permission.EDIT_PARTICIPANTS: lambda s, a, w: activities.create_participant(
        s, actor=a, gender="woman", consent_processing=True
    ),
    Permission.MANAGE_PARTICIPANT_RIGHTS: lambda s, a, w: trust.participant_record(
        s, actor=a, code="AM-A"
    ),
    Permission.MANAGE_USERS: lambda s, a, w: trust.add_user(
        s, actor=a, username="nova", password="a-long-secret", role="district_viewer"
    ),
    Permission.VIEW_AUDIT: lambda s, a, w: trust.audit_log_frame(s, actor=a),
}


def test_every_permission_has_an_operation() -> None:
    missing = set(Permission) - set(OPERATIONS)
    assert not missing


@pytest.mark.parametrize("permission", list(OPERATIONS), ids=lambda p: p.value)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_permission_matrix_cell(
    engine: Engine, world: dict[str, int], role: Role, permission: Permission
) -> None:
    # the account is the session's facilitator, of its service: ownership is not in the way
    actor = Actor(
        username=f"test-{role.value}",
        role=role,
        user_id=None,
        professional_id=world["professional"],
        service_id=world["service"],
    )
    with Session(engine) as s:
        try:
            if permission in ROLE_PERMISSIONS[role]:
                OPERATIONS[permission](s, actor, world)
            else:
                with pytest.raises(PermissionDeniedError):
                    OPERATIONS[permission](s, actor, world)
        finally:
            s.rollback()


def test_aggregate_only_roles_hold_no_personal_permission() -> None:
    personal = {
        Permission.VIEW_PARTICIPANTS,
        Permission.VIEW_ALIASES,
        Permission.VIEW_NETWORKS,
        Permission.EXPORT_PERSONAL_DATA,
        Permission.SEE_SMALL_COUNTS,
    }
    for role in (Role.DISTRICT_VIEWER, Role.MOTOR_GROUP):
        assert not ROLE_PERMISSIONS[role] & personal
    # whoever reads networks or exports personal data may read participants
    for role, granted in ROLE_PERMISSIONS.items():
        if granted & {Permission.VIEW_NETWORKS, Permission.EXPORT_PERSONAL_DATA}:
            assert Permission.VIEW_PARTICIPANTS in granted, role


@pytest.mark.parametrize(
    ("role", "linked", "allowed"),
    [
        (Role.EDUCATOR, "facilitator", True),
        (Role.EDUCATOR, "other professional", False),
        (Role.EDUCATOR, "no professional", False),
        (Role.COORDINATOR, "same service", True),
        (Role.COORDINATOR, "other service", False),
        (Role.COORDINATOR, "no service", True),  # a city-wide coordinator
    ],
)
def test_accounts_change_only_their_own_sessions(
    engine: Engine, world: dict[str, int], role: Role, linked: str, allowed: bool
) -> None:
    with session_scope(engine) as s:
        other_service = Service(code="CSS", name="CSS", field_of_work="social_care")
        s.add(other_service)
        s.flush()
        other = Professional(code="P2", role="educator", service_id=other_service.id)
        s.add(other)
        s.flush()
        links = {
            "facilitator": (world["professional"], world["service"]),
            "other professional": (other.id, other_service.id),
            "no professional": (None, None),
            "same service": (None, world["service"]),
            "other service": (None, other_service.id),
            "no service": (None, None),
        }
    professional_id, service_id = links[linked]
    actor = Actor(
        username="someone", role=role, professional_id=professional_id, service_id=service_id
    )
    with Session(engine) as s:
        try:
            mark = lambda: activities.mark_attendance(  # noqa: E731
                s, actor=actor, session_id=world["session"], marks={world["A"]: "absent"}
            )
            if allowed:
                mark()
            else:
                with pytest.raises(PermissionDeniedError, match=r"sessions|professional"):
                    mark()
        finally:
            s.rollback()
