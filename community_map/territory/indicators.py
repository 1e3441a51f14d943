"""Indicators per neighbourhood for the map's choropleth, with small counts suppressed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from community_map.errors import ValidationError
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    Asset,
    Attendance,
    AttendanceStatus,
    Participant,
    SessionStatus,
    TerritoryUnit,
    UnitKind,
)
from community_map.models import Session as SessionRow
from community_map.trust.disclosure import people_count
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "INDICATORS",
    "Indicator",
    "neighbourhood_indicator",
]

INDICATORS: dict[str, str] = {
    "assets_per_10k": N_("Assets of the category per 10,000 residents"),
    "sessions_held": N_("Sessions held (by venue)"),
    "participants_reached": N_("Participants reached (by home neighbourhood)"),
}


@dataclass(frozen=True)
class Indicator:
    """Values per neighbourhood code (NaN where unknown or suppressed) and their texts."""

    title: str
    values: pd.Series
    texts: pd.Series


def _counts(session: Session, query) -> pd.Series:  # type: ignore[no-untyped-def]
    rows = session.execute(query).all()
    return pd.Series({code: int(n) for code, n in rows}, dtype="float64")


def neighbourhood_indicator(
    session: Session,
    indicator: str,
    *,
    actor: Actor,
    category: str | None = None,
    threshold: int | None = None,
) -> Indicator:
    """Compute an indicator for every stored neighbourhood.

    Parameters
    ----------
    session
        An open SQLAlchemy session.
    indicator
        ``assets_per_10k`` (needs ``category``; NaN where population is unknown),
        ``sessions_held`` or ``participants_reached`` (a count of people: for roles
        that only see aggregates, counts from 1 to ``threshold - 1`` are suppressed
        (NaN value, text ``< threshold``) and the others rounded, see
        :func:`~community_map.trust.disclosure.people_count`).
    actor
        Who reads; decides whether counts of people are exact.
    category
        The asset category of ``assets_per_10k``.
    threshold
        The smallest count of people shown (default: the ``small_count_threshold``
        setting).

    Returns
    -------
    Indicator
        Values and texts indexed by neighbourhood code, and the translated title.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     shown = neighbourhood_indicator(
    ...         session, "assets_per_10k", actor=actor, category="library"
    ...     )
    """
    require(actor, Permission.READ_AGGREGATES)
    if indicator not in INDICATORS:
        raise ValidationError(
            _("Unknown indicator {name!r}; choose one of: {known}.").format(
                name=indicator, known=", ".join(INDICATORS)
            )
        )
    hoods = pd.DataFrame(
        session.execute(
            select(TerritoryUnit.code, TerritoryUnit.population)
            .where(TerritoryUnit.kind == UnitKind.NEIGHBOURHOOD.value)
            .order_by(TerritoryUnit.code)
        ).all(),
        columns=["code", "population"],
    ).set_index("code")
    title = _(INDICATORS[indicator])
    if indicator == "assets_per_10k":
        if not category:
            raise ValidationError(_("Choose the asset category of the indicator."))
        counts = _counts(
            session,
            select(TerritoryUnit.code, func.count(Asset.id))
            .join(Asset, Asset.neighbourhood_id == TerritoryUnit.id)
            .where(Asset.is_active.is_(True), Asset.category_code == category)
            .group_by(TerritoryUnit.code),
        )
        counts = counts.reindex(hoods.index, fill_value=0.0)
        population = pd.to_numeric(hoods["population"], errors="coerce")
        values = (counts / population.where(population > 0) * 10_000).round(2)
        texts = values.map(lambda v: "—" if pd.isna(v) else f"{v:.2f}")
        return Indicator(title, values, texts)
    if indicator == "sessions_held":
        counts = _counts(
            session,
            select(TerritoryUnit.code, func.count(SessionRow.id))
            .join(Asset, Asset.neighbourhood_id == TerritoryUnit.id)
            .join(SessionRow, SessionRow.venue_asset_id == Asset.id)
            .where(SessionRow.status == SessionStatus.HELD.value)
            .group_by(TerritoryUnit.code),
        )
        values = counts.reindex(hoods.index, fill_value=0.0)
        return Indicator(title, values, values.map(lambda v: str(int(v))))
    counts = _counts(
        session,
        select(TerritoryUnit.code, func.count(distinct(Attendance.participant_id)))
        .join(Participant, Participant.neighbourhood_id == TerritoryUnit.id)
        .join(Attendance, Attendance.participant_id == Participant.id)
        .where(Attendance.status == AttendanceStatus.ATTENDED.value)
        .group_by(TerritoryUnit.code),
    )
    counts = counts.reindex(hoods.index, fill_value=0.0)
    exact = actor.can(Permission.SEE_SMALL_COUNTS)
    shown = [people_count(int(v), exact=exact, threshold=threshold) for v in counts]
    values = pd.Series([v for v, _t in shown], index=counts.index, dtype="float64")
    texts = pd.Series([t for _v, t in shown], index=counts.index, dtype=object)
    return Indicator(title, values, texts)
