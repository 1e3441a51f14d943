"""Community actions, their sessions and attendance: labels and tables."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community_map.i18n import N_
from community_map.models import (
    Attendance,
    AttendanceStatus,
    Phase,
    SessionStatus,
    SessionType,
    Typology,
)
from community_map.models import Session as SessionRow

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


def attendance_frame(session: Session, *, attended_only: bool = False) -> pd.DataFrame:
    """Return attendance rows joined to their session's type, status and start time.

    Columns: ``session_id``, ``participant_id``, ``status``, ``walk_in``, ``type``,
    ``starts_at``, ``session_status``, ``action_id``.
    """
    query = (
        select(
            Attendance.session_id, Attendance.participant_id, Attendance.status,
            Attendance.walk_in, SessionRow.type, SessionRow.starts_at,
            SessionRow.status.label("session_status"), SessionRow.action_id,
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
    return int(
        session.scalar(
            select(func.count()).select_from(SessionRow).where(
                SessionRow.status == SessionStatus.HELD.value
            )
        )
        or 0
    )
