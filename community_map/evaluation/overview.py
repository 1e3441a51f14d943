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
from community_map.trust.disclosure import people_count, protected_total, suppressed
from community_map.trust.permissions import Actor, Permission, require

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


def _people_by_district(session: Session, *, exact: bool, threshold: int | None) -> dict[int, str]:
    """Participants reached per district, as shown beside the Map's neighbourhoods."""
    hood = aliased(TerritoryUnit)
    rows = session.execute(
        select(hood.parent_id, hood.id, func.count(distinct(Attendance.participant_id)))
        .join(Participant, Attendance.participant_id == Participant.id)
        .join(hood, Participant.neighbourhood_id == hood.id)
        .where(Attendance.status == AttendanceStatus.ATTENDED.value)
        .group_by(hood.parent_id, hood.id)
    ).all()
    by_district: dict[int, list[int]] = {}
    for district_id, _hood_id, n in rows:
        if district_id is not None:
            by_district.setdefault(int(district_id), []).append(int(n))
    # neighbourhoods with nobody are shown as 0 and add nothing: leave them out
    return {
        d: protected_total(
            [people_count(n, exact=exact, threshold=threshold)[1] for n in counts],
            sum(counts),
            exact=exact,
            threshold=threshold,
        )
        for d, counts in by_district.items()
    }


def home_figures(session: Session, *, actor: Actor, threshold: int | None = None) -> list[Figure]:
    """Return the Home page's live figures from the database.

    Counts of people are suppressed below ``threshold`` and rounded (see
    :func:`~community_map.trust.disclosure.people_count`) unless the actor's role may see
    small counts; counts of places and activities are always shown exactly.
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
    require(actor, Permission.READ_AGGREGATES)
    exact = actor.can(Permission.SEE_SMALL_COUNTS)
    figures = []
    for key, label in FIGURE_LABELS.items():
        value = int(values[key] or 0)
        if key == "participants_reached":
            districts = list(
                _people_by_district(session, exact=exact, threshold=threshold).values()
            )
            shown = protected_total(districts, value, exact=exact, threshold=threshold)
        else:
            shown = suppressed(value, threshold=1)
        figures.append(Figure(key, _(label), value, shown))
    return figures


def district_figures(
    session: Session, *, actor: Actor, threshold: int | None = None
) -> pd.DataFrame:
    """Return assets, sessions held and participants reached per district.

    Sessions count by the district of their venue; participants by the district of their
    home neighbourhood. The participants column is text: for roles that only see
    aggregates, counts below ``threshold`` read ``< threshold`` and the others are
    rounded (:func:`~community_map.trust.disclosure.people_count`).
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
    require(actor, Permission.READ_AGGREGATES)
    exact = actor.can(Permission.SEE_SMALL_COUNTS)
    people = _people_by_district(session, exact=exact, threshold=threshold)
    table = pd.DataFrame(
        {
            _("District"): districts["name"],
            _("Assets"): [int(assets.get(i, 0)) for i in districts["id"]],
            _("Sessions held"): [int(sessions.get(i, 0)) for i in districts["id"]],
            _("Participants reached"): [people.get(i, "0") for i in districts["id"]],
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
