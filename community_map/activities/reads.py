"""Community actions, their sessions and attendance: labels and tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community_map.errors import NotFoundError
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    ActionNeighbourhood,
    Asset,
    Attendance,
    AttendanceStatus,
    CommunityAction,
    Invitation,
    Participant,
    Phase,
    Professional,
    SessionFacilitator,
    SessionPartner,
    SessionStatus,
    SessionType,
    Typology,
)
from community_map.models import Session as SessionRow
from community_map.trust import Actor, Permission, require

__all__ = [
    "PHASE_LABELS",
    "SESSION_TYPE_LABELS",
    "TYPOLOGY_LABELS",
    "actions_frame",
    "attendance_frame",
    "attendance_rates",
    "itinerary",
    "phase_history",
    "register_frame",
    "sessions_frame",
    "sessions_held_count",
    "sign_in_sheet_html",
    "week_with_sessions",
]

SESSION_TYPE_LABELS: dict[SessionType, str] = {
    SessionType.GROUP_DYNAMIC: N_("Group dynamic"),
    SessionType.WORKSHOP: N_("Workshop"),
    SessionType.CULTURAL_OUTING: N_("Cultural outing"),
    SessionType.LEADERSHIP: N_("Community leadership session"),
    SessionType.INFORMATIVE_GROUP: N_("Informative group"),
    SessionType.COLLECTIVE_ADVICE: N_("Collective advice"),
    SessionType.COORDINATION_MEETING: N_("Inter-service coordination meeting"),
    SessionType.OTHER: N_("Other"),
}

PHASE_LABELS: dict[Phase, str] = {
    Phase.FIRST_CONTACT: N_("First contact"),
    Phase.DESIGN: N_("Design"),
    Phase.EXECUTION: N_("Development and execution"),
    Phase.EVALUATION: N_("Evaluation"),
    Phase.CLOSED: N_("Closed"),
}

TYPOLOGY_LABELS: dict[Typology, str] = {
    Typology.COLLECTIVE_CONSTRUCTION: N_("Collective construction between centres"),
    Typology.CONVERSATION_SPACE: N_("Conversation space"),
    Typology.WELCOMING_CENTRE: N_("Welcoming centre"),
    Typology.OPEN_SERVICE: N_("Open service"),
    Typology.LISTEN_RESPOND: N_("Listen individually, respond collectively"),
    Typology.AMUNT_SOCIAL: N_("Amunt! catalogue: social"),
    Typology.AMUNT_COMMUNITY: N_("Amunt! catalogue: community"),
    Typology.AMUNT_EMPLOYMENT: N_("Amunt! catalogue: employment"),
    Typology.AMUNT_TRAINING: N_("Amunt! catalogue: training"),
}


def attendance_frame(
    session: Session, *, actor: Actor, attended_only: bool = False
) -> pd.DataFrame:
    """Return attendance rows joined to their session's type, status and start time.

    Columns: ``session_id``, ``participant_id``, ``status``, ``walk_in``, ``type``,
    ``starts_at``, ``session_status``, ``action_id``. Participant ids are personal data:
    the ``actor`` must be allowed to see participants.
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    query = (
        select(
            Attendance.session_id,
            Attendance.participant_id,
            Attendance.status,
            Attendance.walk_in,
            SessionRow.type,
            SessionRow.starts_at,
            SessionRow.status.label("session_status"),
            SessionRow.action_id,
        )
        .join(SessionRow, SessionRow.id == Attendance.session_id)
        .order_by(Attendance.session_id, Attendance.participant_id)
    )
    if attended_only:
        query = query.where(Attendance.status == AttendanceStatus.ATTENDED.value)
    frame = pd.DataFrame(session.execute(query).mappings().all())
    if frame.empty:
        frame = pd.DataFrame(columns=[c.name for c in query.selected_columns])
    return frame


def sessions_held_count(session: Session) -> int:
    """Return the number of sessions whose status is *held*."""
    held = SessionRow.status == SessionStatus.HELD.value
    return int(session.scalar(select(func.count()).select_from(SessionRow).where(held)) or 0)


def week_with_sessions(session: Session, *, today: dt.date) -> dt.date:
    """Return the Monday of the week a calendar or register should open on.

    Today's week when it has sessions (or there are none at all); otherwise the week of
    the session closest to today, so that pages do not open on an empty week when the
    data are from another year.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     week_with_sessions(session, today=dt.date(2026, 12, 3))
    datetime.date(2023, 6, 12)
    """
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.datetime.combine(monday, dt.time())
    live = SessionRow.status != SessionStatus.CANCELLED.value
    in_week = session.scalar(
        select(func.count())
        .select_from(SessionRow)
        .where(live, SessionRow.starts_at >= start, SessionRow.starts_at < start + dt.timedelta(7))
    )
    if in_week:
        return monday
    after = session.scalar(
        select(func.min(SessionRow.starts_at)).where(live, SessionRow.starts_at >= start)
    )
    before = session.scalar(
        select(func.max(SessionRow.starts_at)).where(live, SessionRow.starts_at < start)
    )
    candidates = [d for d in (after, before) if d is not None]
    if not candidates:
        return monday
    noon = dt.datetime.combine(today, dt.time(12))
    closest = min(candidates, key=lambda d: abs(d - noon)).date()
    return closest - dt.timedelta(days=closest.weekday())


def sessions_frame(
    session: Session,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    service_ids: Iterable[int] = (),
    facilitator_ids: Iterable[int] = (),
    types: Iterable[str] = (),
    neighbourhood_ids: Iterable[int] = (),
    action_ids: Iterable[int] = (),
) -> pd.DataFrame:
    """Return sessions with their action, venue and people, filtered; one row per session.

    ``service_ids`` matches the action's lead service, a facilitator's service or a
    partner service; ``neighbourhood_ids`` matches the venue's neighbourhood or the
    action's target neighbourhoods. Columns: ``session_id``, ``action_id``,
    ``action_code``, ``action``, ``series_id``, ``type``, ``title``, ``starts_at``,
    ``ends_at``, ``venue_id``, ``venue``, ``capacity``, ``status``, ``finalised``,
    ``version``, ``invited``, ``attended``, ``conflict_note``.
    """
    query = (
        select(
            SessionRow.id.label("session_id"),
            SessionRow.action_id,
            CommunityAction.code.label("action_code"),
            CommunityAction.title.label("action"),
            SessionRow.series_id,
            SessionRow.type,
            SessionRow.title,
            SessionRow.starts_at,
            SessionRow.ends_at,
            SessionRow.venue_asset_id.label("venue_id"),
            Asset.name.label("venue"),
            SessionRow.capacity,
            SessionRow.status,
            SessionRow.finalised,
            SessionRow.version,
            SessionRow.conflict_note,
            CommunityAction.lead_service_id,
            Asset.neighbourhood_id,
        )
        .outerjoin(CommunityAction, SessionRow.action_id == CommunityAction.id)
        .outerjoin(Asset, SessionRow.venue_asset_id == Asset.id)
        .order_by(SessionRow.starts_at, SessionRow.id)
    )
    if start is not None:
        query = query.where(SessionRow.ends_at > start)
    if end is not None:
        query = query.where(SessionRow.starts_at < end)
    if types := list(types):
        query = query.where(SessionRow.type.in_(types))
    if action_ids := list(action_ids):
        query = query.where(SessionRow.action_id.in_(action_ids))
    frame = pd.DataFrame(
        session.execute(query).mappings().all(), columns=[c.name for c in query.selected_columns]
    )
    ids = frame["session_id"].tolist()
    facilitators = pd.DataFrame(
        session.execute(
            select(
                SessionFacilitator.session_id,
                SessionFacilitator.professional_id,
                Professional.service_id,
            )
            .join(Professional, Professional.id == SessionFacilitator.professional_id)
            .where(SessionFacilitator.session_id.in_(ids))
        ).all(),
        columns=["session_id", "professional_id", "service_id"],
    )
    if facilitator_ids := set(facilitator_ids):
        keep = set(
            facilitators.loc[facilitators.professional_id.isin(facilitator_ids), "session_id"]
        )
        frame = frame[frame["session_id"].isin(keep)]
    if service_ids := set(service_ids):
        partners = pd.DataFrame(
            session.execute(
                select(SessionPartner.session_id, SessionPartner.service_id).where(
                    SessionPartner.session_id.in_(ids)
                )
            ).all(),
            columns=["session_id", "service_id"],
        )
        keep = (
            set(facilitators.loc[facilitators.service_id.isin(service_ids), "session_id"])
            | set(partners.loc[partners.service_id.isin(service_ids), "session_id"])
            | set(frame.loc[frame.lead_service_id.isin(service_ids), "session_id"])
        )
        frame = frame[frame["session_id"].isin(keep)]
    if neighbourhood_ids := set(neighbourhood_ids):
        targets = pd.DataFrame(
            session.execute(
                select(ActionNeighbourhood.action_id, ActionNeighbourhood.territory_unit_id)
            ).all(),
            columns=["action_id", "unit"],
        )
        actions = set(targets.loc[targets.unit.isin(neighbourhood_ids), "action_id"])
        frame = frame[
            frame.neighbourhood_id.isin(neighbourhood_ids) | frame.action_id.isin(actions)
        ]
    invited = dict(
        session.execute(
            select(Invitation.session_id, func.count())
            .where(Invitation.session_id.in_(ids))
            .group_by(Invitation.session_id)
        ).all()
    )
    attended = dict(
        session.execute(
            select(Attendance.session_id, func.count())
            .where(
                Attendance.session_id.in_(ids), Attendance.status == AttendanceStatus.ATTENDED.value
            )
            .group_by(Attendance.session_id)
        ).all()
    )
    frame = frame.assign(
        invited=frame.session_id.map(invited).fillna(0).astype(int),
        attended=frame.session_id.map(attended).fillna(0).astype(int),
    )
    return frame.drop(columns=["lead_service_id", "neighbourhood_id"]).reset_index(drop=True)


def register_frame(session: Session, session_id: int, *, actor: Actor) -> pd.DataFrame:
    """Return a session's register: invited people and walk-ins with their status.

    Columns ``participant_id``, ``code`` (pseudonymous), ``alias`` (only with
    roles that may see aliases), ``invited``, ``walk_in``, ``status`` (None until marked).
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    show_aliases = actor.can(Permission.VIEW_ALIASES)
    invited = set(
        session.scalars(
            select(Invitation.participant_id).where(Invitation.session_id == session_id)
        )
    )
    marks = {
        a.participant_id: a
        for a in session.scalars(select(Attendance).where(Attendance.session_id == session_id))
    }
    ids = sorted(invited | set(marks))
    people = {p.id: p for p in session.scalars(select(Participant).where(Participant.id.in_(ids)))}
    rows = [
        {
            "participant_id": pid,
            "code": people[pid].code,
            "alias": (people[pid].alias or "") if show_aliases else "",
            "invited": pid in invited,
            "walk_in": bool(marks[pid].walk_in) if pid in marks else False,
            "status": marks[pid].status if pid in marks else None,
        }
        for pid in ids
    ]
    frame = pd.DataFrame(
        rows, columns=["participant_id", "code", "alias", "invited", "walk_in", "status"]
    )
    frame["status"] = frame["status"].astype(object)
    frame.loc[frame["status"].isna(), "status"] = None
    return frame.sort_values("code").reset_index(drop=True)


def attendance_rates(
    session: Session,
    *,
    actor: Actor,
    series_id: int | None = None,
    action_id: int | None = None,
) -> pd.DataFrame:
    """Return, per participant, sessions recorded, attended and the attendance rate.

    Over a series (``series_id``) or a whole community action (``action_id``); only
    sessions that are not cancelled count. Rows are participant codes: the ``actor``
    must be allowed to see participants.
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    query = (
        select(Participant.code, Attendance.status)
        .join(Attendance, Attendance.participant_id == Participant.id)
        .join(SessionRow, SessionRow.id == Attendance.session_id)
        .where(SessionRow.status != SessionStatus.CANCELLED.value)
    )
    if series_id is not None:
        query = query.where(SessionRow.series_id == series_id)
    elif action_id is not None:
        query = query.where(SessionRow.action_id == action_id)
    else:
        raise ValueError("give series_id or action_id")
    frame = pd.DataFrame(session.execute(query).all(), columns=["code", "status"])
    grouped = frame.assign(hit=frame.status == AttendanceStatus.ATTENDED.value).groupby("code")
    result = pd.DataFrame({"recorded": grouped.size(), "attended": grouped.hit.sum()})
    result["rate"] = (result["attended"] / result["recorded"]).round(3)
    return result.sort_values(["rate", "attended"], ascending=False)


def itinerary(session: Session, code: str, *, actor: Actor) -> pd.DataFrame:
    """Return every session of a participant across the catalogue, by date.

    Columns: ``starts_at``, ``type``, ``title``, ``action_code``, ``action``, ``venue``,
    ``status`` (attendance: attended / absent / excused / invited when not yet marked),
    ``walk_in``. The ``actor`` must be allowed to see participants.
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    person = session.scalar(select(Participant).where(Participant.code == code.strip().upper()))
    if person is None:
        raise NotFoundError(
            _("There is no participant with the code {code!r}.").format(code=code.strip())
        )
    marks = dict(
        session.execute(
            select(Attendance.session_id, Attendance.status).where(
                Attendance.participant_id == person.id
            )
        ).all()
    )
    walk = set(
        session.scalars(
            select(Attendance.session_id).where(
                Attendance.participant_id == person.id, Attendance.walk_in.is_(True)
            )
        )
    )
    invited = set(
        session.scalars(select(Invitation.session_id).where(Invitation.participant_id == person.id))
    )
    ids = sorted(set(marks) | invited)
    frame = sessions_frame(session)
    frame = frame[frame.session_id.isin(ids)].copy()
    frame["status"] = frame.session_id.map(lambda s: marks.get(s, "invited"))
    frame["walk_in"] = frame.session_id.isin(walk)
    return frame[
        [
            "session_id",
            "starts_at",
            "type",
            "title",
            "action_code",
            "action",
            "venue",
            "status",
            "walk_in",
        ]
    ].reset_index(drop=True)


def sign_in_sheet_html(
    session: Session, session_id: int, *, actor: Actor, language: str = "en"
) -> str:
    """Return a printable sign-in sheet (HTML) for a session; every data value is escaped.

    Its columns (code, attended, absent, excused) match the attendance import, so a
    filled-in copy can be typed back. The ``actor`` must be allowed to see participants.
    """
    import html

    frame = sessions_frame(session)
    match = frame[frame.session_id == session_id]
    if match.empty:
        raise NotFoundError(_("There is no session {id}.").format(id=session_id))
    info = match.iloc[0]
    register = register_frame(session, session_id, actor=actor)
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(code)}</td><td></td><td class='box'>☐</td><td class='box'>☐</td>"
        f"<td class='box'>☐</td></tr>"
        for code in register["code"]
    )
    rows += "<tr><td>&nbsp;</td><td></td><td></td><td></td><td></td></tr>" * 5
    heading = esc(f"{info['title']} · {info['starts_at']:%d/%m/%Y %H:%M}-{info['ends_at']:%H:%M}")
    # the texts are looked up outside the f-string, where the catalogue extractor sees them
    t = {
        "sheet": esc(_("Sign-in sheet")),
        "venue": esc(_("Venue")),
        "action": esc(_("Community action")),
        "session": esc(_("Session")),
        "code": esc(_("Participant code")),
        "signature": esc(_("Signature")),
        "attended": esc(_("Attended")),
        "absent": esc(_("Absent")),
        "excused": esc(_("Excused")),
        "names": esc(_("Participants are identified by their code only; write no names.")),
        "print": esc(_("Print")),
    }
    return f"""<!doctype html><html lang="{esc(language)}"><head><meta charset="utf-8">
<title>{heading}</title><style>
body {{ font-family: sans-serif; margin: 2em; }} table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #333; padding: 0.6em; text-align: left; }}
td.box {{ text-align: center; font-size: 1.3em; }} @media print {{ button {{ display: none; }} }}
</style></head><body>
<h1>{t["sheet"]}</h1>
<p><b>{heading}</b><br>{t["venue"]}: {esc(str(info["venue"] or ""))}<br>
{t["action"]}: {esc(str(info["action_code"] or ""))} {esc(str(info["action"] or ""))}
<br>{t["session"]}: {session_id}</p>
<table><thead><tr><th>{t["code"]}</th><th>{t["signature"]}</th>
<th>{t["attended"]}</th><th>{t["absent"]}</th><th>{t["excused"]}</th></tr></thead>
<tbody>{rows}</tbody></table>
<p>{t["names"]}</p>
<button onclick="window.print()">{t["print"]}</button></body></html>"""


def actions_frame(session: Session) -> pd.DataFrame:
    """Return the community actions with their current phase, lead and session counts."""
    from community_map.models import Service

    rows = session.execute(
        select(
            CommunityAction.id,
            CommunityAction.code,
            CommunityAction.title,
            CommunityAction.typology,
            CommunityAction.phase,
            CommunityAction.objectives,
            Service.name.label("lead"),
        )
        .outerjoin(Service, Service.id == CommunityAction.lead_service_id)
        .order_by(CommunityAction.code.desc())
    ).all()
    frame = pd.DataFrame(
        rows, columns=["id", "code", "title", "typology", "phase", "objectives", "lead"]
    )
    counts = dict(
        session.execute(
            select(SessionRow.action_id, func.count()).group_by(SessionRow.action_id)
        ).all()
    )
    frame["sessions"] = frame["id"].map(counts).fillna(0).astype(int)
    return frame


def phase_history(session: Session, action_id: int) -> pd.DataFrame:
    """Return an action's phases in order, with the date each began and its note."""
    from community_map.models import ActionPhase

    rows = session.execute(
        select(ActionPhase.phase, ActionPhase.started_on, ActionPhase.note)
        .where(ActionPhase.action_id == action_id)
        .order_by(ActionPhase.started_on, ActionPhase.id)
    ).all()
    return pd.DataFrame(rows, columns=["phase", "started_on", "note"])
