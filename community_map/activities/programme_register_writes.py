"""Audited writes of the programme register: programmes and their measurement points.

Rule for measurement points (documented in the README too): each point has a unique name in
its programme (compared without case), starts on or before it ends and must *overlap* the
programme's period. Overlapping rather than inside: a baseline survey can begin a little
before a programme starts and a follow-up survey can end after it closes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from community_map.errors import ConcurrentEditError, NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import MeasurementPoint, Programme, Service, SurveyResponse
from community_map.trust import audit
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "PointRow",
    "create_programme",
    "points_from_rows",
    "set_measurement_points",
    "update_programme",
    "validate_points",
]

#: A measurement point as given: name, first day, last day (both days included).
PointRow = tuple[str, dt.date, dt.date]

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _check_fields(
    session: Session, name: str, starts_on: dt.date, ends_on: dt.date, lead: int | None
) -> str:
    name = name.strip()
    if not name:
        raise ValidationError(_("The programme needs a name, e.g. 'Amunt! 2022-23'."))
    if len(name) > 300:
        raise ValidationError(_("Shorten the programme name to 300 characters at most."))
    if starts_on > ends_on:
        raise ValidationError(
            _("The programme ends ({end}) before it starts ({start}): swap the dates.").format(
                start=_day(starts_on), end=_day(ends_on)
            )
        )
    if lead is not None and session.get(Service, lead) is None:
        raise ValidationError(
            _("There is no service {id} to lead the programme: pick one from the list.").format(
                id=lead
            )
        )
    return name


def validate_points(
    points: Iterable[PointRow], starts_on: dt.date, ends_on: dt.date
) -> list[PointRow]:
    """Check measurement points against a programme period; return them trimmed, by start.

    Raises :class:`~community_map.errors.ValidationError` naming the point and what to fix.

    Examples
    --------
    >>> import datetime as dt
    >>> d = dt.date
    >>> points = validate_points([(" T1 ", d(2023, 1, 1), d(2023, 6, 30)),
    ...     ("T0", d(2022, 8, 1), d(2022, 9, 30))], d(2022, 9, 1), d(2023, 9, 30))
    >>> [name for name, _, _ in points]
    ['T0', 'T1']
    """
    checked: list[PointRow] = []
    seen: set[str] = set()
    for raw_name, first, last in points:
        name = str(raw_name).strip()
        if not name:
            raise ValidationError(
                _("Every measurement point needs a name, e.g. 'T0 baseline survey'.")
            )
        if len(name) > 60:
            raise ValidationError(
                _("Shorten the measurement point name {name} to 60 characters at most.").format(
                    name=name
                )
            )
        if "=" in name:
            raise ValidationError(
                _("Remove the '=' from the measurement point name {name}.").format(name=name)
            )
        if name.casefold() in seen:
            raise ValidationError(
                _("Two measurement points are called {name}: give each a different name.").format(
                    name=name
                )
            )
        seen.add(name.casefold())
        if first is None or last is None:
            raise ValidationError(
                _("Give the measurement point {name} a first and a last day.").format(name=name)
            )
        if first > last:
            raise ValidationError(
                _(
                    "The measurement point {name} ends ({end}) before it starts ({start}): "
                    "swap the dates."
                ).format(name=name, start=_day(first), end=_day(last))
            )
        if last < starts_on or first > ends_on:
            raise ValidationError(
                _(
                    "The measurement point {name} ({start}-{end}) does not overlap the "
                    "programme's period ({pstart}-{pend}): change its dates or the programme's."
                ).format(
                    name=name,
                    start=_day(first),
                    end=_day(last),
                    pstart=_day(starts_on),
                    pend=_day(ends_on),
                )
            )
        checked.append((name, first, last))
    return sorted(checked, key=lambda p: (p[1], p[0]))


def _as_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError as exc:
            raise ValidationError(
                _("{value!r} is not a date; write YYYY-MM-DD.").format(value=value)
            ) from exc
    to_date = getattr(value, "date", None)  # pandas.Timestamp; NaT has no usable date
    if callable(to_date) and str(value) != "NaT":
        result = to_date()
        return result if isinstance(result, dt.date) else None
    return None


def points_from_rows(rows: Iterable[Mapping[str, object]]) -> list[PointRow]:
    """Measurement points from table rows (``name``, ``starts_on``, ``ends_on``); blank rows
    are skipped. Dates may be dates, timestamps or ISO text; a missing date is refused by
    :func:`validate_points` with a message naming the point.

    Examples
    --------
    >>> points_from_rows([{"name": "T0", "starts_on": "2022-09-01", "ends_on": "2022-10-31"},
    ...                   {"name": None, "starts_on": None, "ends_on": None}])
    [('T0', datetime.date(2022, 9, 1), datetime.date(2022, 10, 31))]
    """
    points: list[PointRow] = []
    for row in rows:
        name = row.get("name")
        name = "" if name is None or (isinstance(name, float) and name != name) else str(name)
        first, last = _as_date(row.get("starts_on")), _as_date(row.get("ends_on"))
        if not name.strip() and first is None and last is None:
            continue
        points.append((name, first, last))  # type: ignore[arg-type]  # checked by validate_points
    return points


def _points_audit(points: Iterable[PointRow]) -> list[list[str]]:
    return [[name, first.isoformat(), last.isoformat()] for name, first, last in points]


def _stored_points(session: Session, programme_id: int) -> list[PointRow]:
    rows = session.execute(
        select(MeasurementPoint.name, MeasurementPoint.starts_on, MeasurementPoint.ends_on)
        .where(MeasurementPoint.programme_id == programme_id)
        .order_by(MeasurementPoint.starts_on, MeasurementPoint.name)
    ).all()
    return [(str(n), s, e) for n, s, e in rows]


def _replace_points(session: Session, programme_id: int, points: list[PointRow]) -> None:
    # A point kept by name keeps its row (tie survey responses refer to it); a removed point
    # that holds responses is refused rather than losing them.
    stored = {
        p.name.casefold(): p
        for p in session.scalars(
            select(MeasurementPoint).where(MeasurementPoint.programme_id == programme_id)
        )
    }
    wanted = {name.casefold() for name, _first, _last in points}
    for key, point in stored.items():
        if key in wanted:
            continue
        answered = session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.measurement_point_id == point.id)
        )
        if answered:
            raise ValidationError(
                _(
                    "The measurement point {name} has {n} tie survey responses: keep it, or "
                    "delete its responses on the Tie surveys page first."
                ).format(name=point.name, n=answered)
            )
        session.delete(point)
    session.flush()
    for name, first, last in points:
        kept = stored.get(name.casefold())
        if kept is None:
            session.add(
                MeasurementPoint(
                    programme_id=programme_id, name=name, starts_on=first, ends_on=last
                )
            )
        else:
            kept.name, kept.starts_on, kept.ends_on = name, first, last
    session.flush()


def _state(programme: Programme) -> dict[str, Any]:
    return {
        "code": programme.code,
        "name": programme.name,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
        "lead_service_id": programme.lead_service_id,
        "notes": programme.notes,
    }


def create_programme(
    session: Session,
    *,
    actor: Actor,
    code: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    lead_service_id: int | None = None,
    notes: str = "",
    points: Iterable[PointRow] = (),
) -> Programme:
    """Create a programme with its measurement points; audited.

    Examples
    --------
    >>> create_programme(session, actor=actor, code="AMUNT-2022", name="Amunt! 2022-23",
    ...     starts_on=dt.date(2022, 9, 1), ends_on=dt.date(2023, 9, 30))  # doctest: +SKIP
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    code = code.strip()
    if not _CODE.match(code):
        raise ValidationError(
            _(
                "The programme code {code!r} is not valid: use up to 40 letters, digits, "
                "'-', '_' or '.', starting with a letter or digit, e.g. AMUNT-2022."
            ).format(code=code)
        )
    if session.scalar(select(Programme.id).where(Programme.code == code)) is not None:
        raise ValidationError(
            _("There is already a programme with code {code}: choose another code.").format(
                code=code
            )
        )
    name = _check_fields(session, name, starts_on, ends_on, lead_service_id)
    checked = validate_points(points, starts_on, ends_on)
    programme = Programme(
        code=code,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_service_id=lead_service_id,
        notes=notes.strip(),
    )
    session.add(programme)
    session.flush()
    _replace_points(session, programme.id, checked)
    audit.record(
        session,
        actor,
        "create",
        "programmes",
        programme.id,
        after={**_state(programme), "points": _points_audit(checked)},
    )
    return programme


def _load(session: Session, programme_id: int, version: int | None) -> Programme:
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFoundError(_("There is no programme {id}.").format(id=programme_id))
    if version is not None and programme.version != version:
        raise ConcurrentEditError(
            _(
                "Someone else changed this programme since you opened it; reload it and make "
                "your change again. Nothing was saved."
            )
        )
    return programme


def update_programme(
    session: Session,
    *,
    actor: Actor,
    programme_id: int,
    version: int,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    lead_service_id: int | None = None,
    notes: str = "",
    points: Iterable[PointRow] | None = None,
) -> Programme:
    """Change a programme (and, when ``points`` is given, replace its measurement points).

    ``version`` is the one read with the programme: when someone saved it since, nothing is
    saved and :class:`~community_map.errors.ConcurrentEditError` says to reload. The kept
    points must still overlap the new period. Audited with before and after.

    Examples
    --------
    >>> update_programme(session, actor=actor, programme_id=1, version=1, name="Amunt!",
    ...     starts_on=dt.date(2022, 9, 1), ends_on=dt.date(2023, 9, 30))  # doctest: +SKIP
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    programme = _load(session, programme_id, version)
    name = _check_fields(session, name, starts_on, ends_on, lead_service_id)
    old_points = _stored_points(session, programme_id)
    checked = validate_points(old_points if points is None else points, starts_on, ends_on)
    before = {**_state(programme), "points": _points_audit(old_points)}
    if checked != old_points:
        _replace_points(session, programme_id, checked)
    programme.name = name
    programme.starts_on = starts_on
    programme.ends_on = ends_on
    programme.lead_service_id = lead_service_id
    programme.notes = notes.strip()
    flag_modified(programme, "notes")  # the row is always saved, so its version moves on once
    session.flush()
    after = {**_state(programme), "points": _points_audit(checked)}
    audit.record(session, actor, "update", "programmes", programme_id, before=before, after=after)
    return programme


def set_measurement_points(
    session: Session,
    *,
    actor: Actor,
    programme_id: int,
    points: Iterable[PointRow],
    version: int | None = None,
) -> list[PointRow]:
    """Replace the measurement points of a programme; return them as stored, by start.

    Examples
    --------
    >>> set_measurement_points(session, actor=actor, programme_id=1, points=[
    ...     ("T0", dt.date(2022, 9, 1), dt.date(2022, 10, 31))])  # doctest: +SKIP
    [('T0', datetime.date(2022, 9, 1), datetime.date(2022, 10, 31))]
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    programme = _load(session, programme_id, version)
    checked = validate_points(points, programme.starts_on, programme.ends_on)
    old_points = _stored_points(session, programme_id)
    _replace_points(session, programme_id, checked)
    flag_modified(programme, "notes")
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "programmes",
        programme_id,
        before={"points": _points_audit(old_points)},
        after={"points": _points_audit(checked)},
    )
    return checked
