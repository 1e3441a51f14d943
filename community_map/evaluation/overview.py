"""Headline figures for the Home page, with small counts suppressed for aggregate-only roles."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, aliased

from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    Asset,
    Attendance,
    AttendanceStatus,
    CommunityAction,
    Participant,
    Service,
    SessionStatus,
    TerritoryUnit,
    UnitKind,
)
from community_map.models import Session as SessionRow
from community_map.trust.disclosure import suppressed
from community_map.trust.permissions import Actor, Permission

__all__ = [
    "FIGURE_LABELS",
    "Figure",
    "boundaries_are_approximate",
    "district_figures",
    "home_figures",
]


@dataclass(frozen=True)
class Figure:
    """A headline count: a stable key, its label (already translated) and how to show it."""

    key: str
    label: str
    value: int
    shown: str


FIGURE_LABELS = {
    "assets": N_("Assets"),
    "actions": N_("Community actions"),
    "sessions_held": N_("Sessions held"),
    "participants_reached": N_("Participants reached"),
    "services": N_("Services"),
}


def _participants_reached(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count(distinct(Attendance.participant_id))).where(
                Attendance.status == AttendanceStatus.ATTENDED.value
            )
        )
        or 0
    )


def home_figures(session: Session, *, actor: Actor, threshold: int = 5) -> list[Figure]:
    """Return the Home page's live figures from the database.

    Counts of people are suppressed below ``threshold`` unless the actor's role may see
    small counts; counts of places and activities are always shown.
    """
    values = {
        "assets": session.scalar(
            select(func.count()).select_from(Asset).where(Asset.is_active.is_(True))
        ),
        "actions": session.scalar(select(func.count()).select_from(CommunityAction)),
        "sessions_held": session.scalar(
            select(func.count())
            .select_from(SessionRow)
            .where(SessionRow.status == SessionStatus.HELD.value)
        ),
        "participants_reached": _participants_reached(session),
        "services": session.scalar(
            select(func.count()).select_from(Service).where(Service.is_active.is_(True))
        ),
    }
    exact = actor.can(Permission.SEE_SMALL_COUNTS)
    figures = []
    for key, label in FIGURE_LABELS.items():
        value = int(values[key] or 0)
        people = key == "participants_reached"
        shown = (
            suppressed(value, threshold=threshold)
            if people and not exact
            else (suppressed(value, threshold=1))
        )
        figures.append(Figure(key, _(label), value, shown))
    return figures


def district_figures(session: Session, *, actor: Actor, threshold: int = 5) -> pd.DataFrame:
    """Return assets, sessions held and participants reached per district.

    Sessions count by the district of their venue; participants by the district of their
    home neighbourhood. The participants column is text, with counts below
    ``threshold`` shown as ``< threshold`` for roles that only see aggregates.
    """
    district = aliased(TerritoryUnit)
    hood = aliased(TerritoryUnit)
    districts = pd.DataFrame(
        session.execute(
            select(district.id, district.code, district.name)
            .where(district.kind == UnitKind.DISTRICT.value)
            .order_by(district.code)
        ).all(),
        columns=["id", "code", "name"],
    )
    assets = dict(
        session.execute(
            select(hood.parent_id, func.count(Asset.id))
            .join(hood, Asset.neighbourhood_id == hood.id)
            .where(Asset.is_active.is_(True))
            .group_by(hood.parent_id)
        ).all()
    )
    sessions = dict(
        session.execute(
            select(hood.parent_id, func.count(SessionRow.id))
            .join(Asset, SessionRow.venue_asset_id == Asset.id)
            .join(hood, Asset.neighbourhood_id == hood.id)
            .where(SessionRow.status == SessionStatus.HELD.value)
            .group_by(hood.parent_id)
        ).all()
    )
    people = dict(
        session.execute(
            select(hood.parent_id, func.count(distinct(Attendance.participant_id)))
            .join(Participant, Attendance.participant_id == Participant.id)
            .join(hood, Participant.neighbourhood_id == hood.id)
            .where(Attendance.status == AttendanceStatus.ATTENDED.value)
            .group_by(hood.parent_id)
        ).all()
    )
    limit = 1 if actor.can(Permission.SEE_SMALL_COUNTS) else threshold
    table = pd.DataFrame(
        {
            _("District"): districts["name"],
            _("Assets"): [int(assets.get(i, 0)) for i in districts["id"]],
            _("Sessions held"): [int(sessions.get(i, 0)) for i in districts["id"]],
            _("Participants reached"): [
                suppressed(int(people.get(i, 0)), threshold=limit) for i in districts["id"]
            ],
        }
    )
    table.index = pd.Index(districts["code"], name=_("Code"))
    return table


def boundaries_are_approximate(session: Session) -> bool:
    """Return whether any stored boundary is an approximate (demo) one."""
    return bool(
        session.scalar(
            select(func.count())
            .select_from(TerritoryUnit)
            .where(TerritoryUnit.is_approximate.is_(True))
        )
    )
