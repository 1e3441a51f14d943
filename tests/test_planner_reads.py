"""The planner's choice lists and default invitees, read without SQL in the web app."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import Engine

from community_map import activities
from community_map.models import (
    Asset,
    CommunityAction,
    Participant,
    Professional,
    Role,
    Service,
)
from community_map.storage import session_scope
from community_map.territory import accessibility_label
from community_map.trust.permissions import Actor

EDU = Actor(username="edu", role=Role.EDUCATOR, user_id=None)
MONDAY = dt.datetime(2027, 3, 1, 10, 0)


@pytest.fixture
def ids(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        room = Asset(
            name="Casal",
            category_code="civic_centre",
            x=430000,
            y=4581000,
            capacity=25,
            accessibility="accessible",
            source="t",
            source_id="C1",
            tags=[],
        )
        no_room = Asset(
            name="Plaça",
            category_code="library",
            x=430000,
            y=4581000,
            source="t",
            source_id="P1",
            tags=[],
        )
        closed = Asset(
            name="Antic casal",
            category_code="civic_centre",
            x=430000,
            y=4581000,
            capacity=10,
            is_active=False,
            source="t",
            source_id="C0",
            tags=[],
        )
        sac = Service(
            code="SAC", name="Servei d'acció comunitària", field_of_work="community_action"
        )
        s.add_all([room, no_room, closed, sac])
        s.flush()
        pro = Professional(code="P1", display_name="Anna", role="educator", service_id=sac.id)
        people = [
            Participant(code=f"AM-{c}", consent_processing=True, consent_survey=True) for c in "BA"
        ]
        s.add_all([pro, *people])
        s.flush()
        action = activities.create_action(s, actor=EDU, title="Cuina", typology="amunt_social")
        return {
            "room": room.id,
            "sac": sac.id,
            "pro": pro.id,
            "B": people[0].id,
            "A": people[1].id,
            "action": action.id,
        }


def test_planner_choices_label_each_choice_by_id(engine: Engine, ids: dict[str, int]) -> None:
    with session_scope(engine) as s:
        choices = activities.planner_choices(s, actor=EDU)
        action = s.get(CommunityAction, ids["action"])
        assert action is not None
        code = action.code
    assert choices["venues"] == {ids["room"]: f"Casal · 25 · {accessibility_label('accessible')}"}
    assert choices["venue_capacity"] == {ids["room"]: 25}
    assert choices["professionals"] == {ids["pro"]: "P1 · Anna (educator)"}
    assert choices["services"] == {ids["sac"]: "Servei d'acció comunitària"}
    assert list(choices["participants"].values()) == ["AM-A", "AM-B"]  # sorted by code
    assert choices["actions"] == {ids["action"]: f"{code} · Cuina"}


def test_cohort_is_the_latest_session_invitation_list(engine: Engine, ids: dict[str, int]) -> None:
    with session_scope(engine) as s:
        assert activities.cohort(s, ids["action"], actor=EDU) == []
        assert activities.cohort(s, None, actor=EDU) == []
        educator = dataclasses.replace(EDU, professional_id=ids["pro"])
        for offset, people in ((0, ["A", "B"]), (7, ["B"])):
            start = MONDAY + dt.timedelta(days=offset)
            activities.plan_sessions(
                s,
                actor=educator,
                plan=activities.SessionPlan(
                    action_id=ids["action"],
                    type="workshop",
                    title="Cuina",
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=1),
                    facilitator_ids=[ids["pro"]],
                    participant_ids=[ids[p] for p in people],
                ),
            )
    with session_scope(engine) as s:
        assert activities.cohort(s, ids["action"], actor=EDU) == [ids["B"]]
