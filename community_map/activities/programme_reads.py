"""Database reads of the programme files: the programme and its attendance as tables.

Only reads; the tables feed :mod:`~community_map.activities.programme_excel` and
:mod:`~community_map.activities.icalendar_export`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from community_map.activities.programme_cells import (
    hhmm,
)
from community_map.activities.programme_columns import (
    ATTENDANCE_COLUMNS,
    PROGRAMME_COLUMNS,
)
from community_map.models import (
    Asset,
    Attendance,
    CommunityAction,
    Participant,
    Professional,
    Service,
    SessionFacilitator,
    SessionPartner,
)
from community_map.models import Session as SessionRow
from community_map.trust import Actor, Permission, require

__all__ = [
    "attendance_long_frame",
    "known_codes",
    "programme_frame",
]


def _session_ids(
    *,
    start: dt.date | None,
    end: dt.date | None,
    action_ids: Iterable[int] | None,
    session_ids: Iterable[int] | None = None,
) -> Select[Any]:
    query = select(SessionRow.id)
    if start is not None:
        query = query.where(SessionRow.starts_at >= dt.datetime.combine(start, dt.time.min))
    if end is not None:
        query = query.where(
            SessionRow.starts_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
        )
    if action_ids is not None:
        query = query.where(SessionRow.action_id.in_(list(action_ids)))
    if session_ids is not None:
        query = query.where(SessionRow.id.in_(list(session_ids)))
    return query


def programme_frame(
    session: Session,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    action_ids: Iterable[int] | None = None,
    session_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Return the programme: one row per session, sorted by start.

    Parameters
    ----------
    session
        An open database session (only read from).
    start, end
        Keep the sessions that start on these days or between them (both included).
    action_ids
        Keep the sessions of these community actions.
    session_ids
        Keep these sessions.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROGRAMME_COLUMNS`, ``session_id`` and ``series_id`` (database
        ids, not exported to Excel; ``series_id`` is ``Int64``, missing outside a
        series): ``date`` is a :class:`datetime.date`,
        ``start`` and ``end`` are ``"HH:MM"`` text, ``type`` and ``status`` are codes
        (:class:`~community_map.models.SessionType` and
        :class:`~community_map.models.SessionStatus` values), ``venue_code`` is the
        venue asset's ``source_id``, ``facilitators`` and ``partners`` are professional
        and service codes joined with ``"; "`` (sorted), ``capacity`` is ``Int64``.
        Missing text is ``""``.
    """
    ids = _session_ids(start=start, end=end, action_ids=action_ids, session_ids=session_ids)
    rows = session.execute(
        select(
            SessionRow.id,
            CommunityAction.code,
            CommunityAction.title,
            SessionRow.type,
            SessionRow.title,
            SessionRow.starts_at,
            SessionRow.ends_at,
            Asset.source_id,
            Asset.name,
            SessionRow.capacity,
            SessionRow.status,
            SessionRow.cancel_reason,
            SessionRow.notes,
            SessionRow.series_id,
        )
        .outerjoin(CommunityAction, CommunityAction.id == SessionRow.action_id)
        .outerjoin(Asset, Asset.id == SessionRow.venue_asset_id)
        .where(SessionRow.id.in_(ids))
    ).all()
    facilitators: dict[int, list[str]] = {}
    for session_id, code in session.execute(
        select(SessionFacilitator.session_id, Professional.code)
        .join(Professional, Professional.id == SessionFacilitator.professional_id)
        .where(SessionFacilitator.session_id.in_(ids))
    ):
        facilitators.setdefault(session_id, []).append(code)
    partners: dict[int, list[str]] = {}
    for session_id, code in session.execute(
        select(SessionPartner.session_id, Service.code)
        .join(Service, Service.id == SessionPartner.service_id)
        .where(SessionPartner.session_id.in_(ids))
    ):
        partners.setdefault(session_id, []).append(code)

    records = []
    for (
        sid,
        action_code,
        action_title,
        stype,
        title,
        starts_at,
        ends_at,
        venue_code,
        venue,
        capacity,
        status,
        cancel_reason,
        notes,
        series_id,
    ) in rows:
        records.append(
            {
                "action_code": action_code or "",
                "action_title": action_title or "",
                "type": stype,
                "title": title or "",
                "date": starts_at.date(),
                "start": hhmm(starts_at),
                "end": hhmm(ends_at),
                "venue_code": venue_code or "",
                "venue": venue or "",
                "facilitators": "; ".join(sorted(facilitators.get(sid, []))),
                "partners": "; ".join(sorted(partners.get(sid, []))),
                "capacity": capacity,
                "status": status,
                "cancel_reason": cancel_reason or "",
                "notes": notes or "",
                "session_id": sid,
                "series_id": series_id,
                "_sort": (starts_at, action_code or "", venue_code or "", stype, sid),
            }
        )
    records.sort(key=lambda r: r["_sort"])
    frame = pd.DataFrame(
        [{k: v for k, v in r.items() if k != "_sort"} for r in records],
        columns=[*PROGRAMME_COLUMNS, "session_id", "series_id"],
    )
    frame["session_id"] = frame["session_id"].astype("int64")
    frame["series_id"] = pd.array(
        [None if pd.isna(v) else int(v) for v in frame["series_id"]], dtype="Int64"
    )
    frame["capacity"] = pd.array(
        [None if pd.isna(v) else int(v) for v in frame["capacity"]], dtype="Int64"
    )
    return frame.reset_index(drop=True)


def attendance_long_frame(
    session: Session,
    *,
    actor: Actor,
    session_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    action_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Return the attendance: one row per attendance record.

    Parameters
    ----------
    session
        An open database session (only read from).
    actor
        Who reads: participant codes are personal data, so the role must be allowed to
        export personal data (aggregate-only roles are refused).
    session_ids
        Keep the attendance of these sessions.
    start, end, action_ids
        Keep the attendance of the sessions :func:`programme_frame` keeps with the same
        filters.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ATTENDANCE_COLUMNS`; the first five identify the session as in
        :func:`programme_frame`; ``status`` is an
        :class:`~community_map.models.AttendanceStatus` value and ``walk_in`` a bool.
        Sorted by session start, then participant code.
    """
    require(actor, Permission.EXPORT_PERSONAL_DATA)
    ids = _session_ids(start=start, end=end, action_ids=action_ids, session_ids=session_ids)
    rows = session.execute(
        select(
            CommunityAction.code,
            SessionRow.starts_at,
            Asset.source_id,
            SessionRow.type,
            Participant.code,
            Attendance.status,
            Attendance.walk_in,
            SessionRow.id,
        )
        .join(SessionRow, SessionRow.id == Attendance.session_id)
        .join(Participant, Participant.id == Attendance.participant_id)
        .outerjoin(CommunityAction, CommunityAction.id == SessionRow.action_id)
        .outerjoin(Asset, Asset.id == SessionRow.venue_asset_id)
        .where(Attendance.session_id.in_(ids))
    ).all()
    ordered = sorted(rows, key=lambda r: (r[1], r[0] or "", r[2] or "", r[3], r[7], r[4]))
    frame = pd.DataFrame(
        [
            {
                "action_code": action_code or "",
                "date": starts_at.date(),
                "start": hhmm(starts_at),
                "venue_code": venue_code or "",
                "type": stype,
                "participant_code": participant,
                "status": status,
                "walk_in": bool(walk_in),
            }
            for (action_code, starts_at, venue_code, stype, participant, status, walk_in, _sid) in (
                ordered
            )
        ],
        columns=ATTENDANCE_COLUMNS,
    )
    frame["walk_in"] = frame["walk_in"].astype(bool)
    return frame


def known_codes(session: Session) -> dict[str, set[str]]:
    """Return the codes a programme workbook may refer to, by keyword of the reader.

    Parameters
    ----------
    session
        An open database session (only read from).

    Returns
    -------
    dict
        ``known_venues`` (venue assets' ``source_id``), ``known_actions``,
        ``known_professionals``, ``known_services`` and ``known_participants`` (codes),
        the keyword arguments of
        :func:`~community_map.activities.programme_import.programme_from_excel`.
    """
    return {
        "known_venues": {c for c in session.scalars(select(Asset.source_id)) if c},
        "known_actions": set(session.scalars(select(CommunityAction.code))),
        "known_professionals": set(session.scalars(select(Professional.code))),
        "known_services": set(session.scalars(select(Service.code))),
        "known_participants": set(session.scalars(select(Participant.code))),
    }
