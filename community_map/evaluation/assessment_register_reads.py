"""Reads of the assessment register: assessments listed by participant, phase and date.

A domain without a level (or without a row, in assessments recorded before every domain
was stored) is *not assessed*: it is ``None`` here, never a score.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    Assessment,
    AssessmentPhase,
    AssessmentScore,
    Participant,
    Professional,
)
from community_map.trust.permissions import Actor, Permission, require
from community_map.trust.rights_reads import find_participant

__all__ = [
    "ASSESSMENT_FRAME_COLUMNS",
    "PHASE_LABELS",
    "assessment_choices",
    "assessment_levels",
    "assessments_frame",
    "describe_assessment",
    "history_table",
    "participant_history",
]

#: Phase -> English label (message id).
PHASE_LABELS: dict[str, str] = {
    AssessmentPhase.RECEPTION.value: N_("Reception"),
    AssessmentPhase.FOLLOW_UP.value: N_("Follow-up"),
    AssessmentPhase.CLOSURE.value: N_("Closure"),
}

#: The columns of :func:`assessments_frame`, in order (then one column per domain).
ASSESSMENT_FRAME_COLUMNS = [
    "id",
    "participant",
    "assessed_on",
    "phase",
    "instrument",
    "instrument_version",
    "assessor",
    "information_on",
    "note",
    "version",
    "assessed",
]


def assessment_levels(session: Session, ids: list[int]) -> dict[int, dict[str, int | None]]:
    """Domain -> level (None: not assessed) of each assessment in ``ids``."""
    found: dict[int, dict[str, int | None]] = defaultdict(dict)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                AssessmentScore.assessment_id, AssessmentScore.domain, AssessmentScore.level
            ).where(AssessmentScore.assessment_id.in_(ids[start : start + 500]))
        ).all()
        for aid, domain, level in rows:
            found[int(aid)][str(domain)] = None if level is None else int(level)
    return dict(found)


def assessments_frame(
    session: Session,
    *,
    actor: Actor,
    participant: str | None = None,
    phase: str | None = None,
    instrument: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    with_levels: bool = True,
) -> pd.DataFrame:
    """Assessments, by date then participant, optionally filtered; one column per domain.

    ``assessed`` counts the domains with a level. With ``with_levels`` each domain of
    the listed assessments gets a column (``None``: not assessed).

    Examples
    --------
    >>> assessments_frame(session, actor=evaluator, phase="reception").shape  # doctest: +SKIP
    (581, 24)
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    query = (
        select(
            Assessment.id,
            Participant.code,
            Assessment.assessed_on,
            Assessment.phase,
            Assessment.instrument,
            Assessment.instrument_version,
            Professional.code,
            Assessment.information_on,
            Assessment.note,
            Assessment.version,
        )
        .join(Participant, Participant.id == Assessment.participant_id)
        .outerjoin(Professional, Professional.id == Assessment.assessor_id)
        .order_by(Assessment.assessed_on, Participant.code, Assessment.id)
    )
    if participant:
        query = query.where(Assessment.participant_id == find_participant(session, participant).id)
    if phase:
        query = query.where(Assessment.phase == phase)
    if instrument:
        query = query.where(Assessment.instrument == instrument)
    if since is not None:
        query = query.where(Assessment.assessed_on >= since)
    if until is not None:
        query = query.where(Assessment.assessed_on <= until)
    rows = session.execute(query).all()
    levels = assessment_levels(session, [int(r[0]) for r in rows])
    records = []
    domains: dict[str, None] = {}
    for row in rows:
        given = levels.get(int(row[0]), {})
        domains.update(dict.fromkeys(given))
        assessed = sum(1 for v in given.values() if v is not None)
        records.append((*row, assessed))
    frame = pd.DataFrame(records, columns=ASSESSMENT_FRAME_COLUMNS)
    frame["assessor"] = frame["assessor"].astype(object).where(frame["assessor"].notna(), None)
    if with_levels:
        for domain in domains:
            frame[domain] = pd.Series(
                [levels.get(int(i), {}).get(domain) for i in frame["id"]],
                index=frame.index,
                dtype=object,
            )
    return frame


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The columns of :func:`participant_history` a list shows, phases translated."""
    table = history[["assessed_on", "phase", "instrument", "assessor", "assessed"]].copy()
    table["phase"] = [_(PHASE_LABELS.get(p, p)) for p in table["phase"]]
    return table


def describe_assessment(row: Mapping[str, Any]) -> str:
    """'10/03/2023 · Follow-up · ssm-cat': an assessment in a list to choose from."""
    when = row["assessed_on"].strftime("%d/%m/%Y")
    return f"{when} · {_(PHASE_LABELS.get(row['phase'], row['phase']))} · {row['instrument']}"


def participant_history(session: Session, code: str, *, actor: Actor) -> pd.DataFrame:
    """One participant's assessments, oldest first, with a column per domain.

    Examples
    --------
    >>> history = participant_history(session, "AM-0001", actor=coordinator)  # doctest: +SKIP
    >>> history["phase"].tolist()  # doctest: +SKIP
    ['reception', 'closure']
    """
    return assessments_frame(session, actor=actor, participant=code)


def assessment_choices(session: Session, *, actor: Actor) -> tuple[list[str], dict[str, str]]:
    """The codes of participants who consented to assessments, and the active professionals
    (code -> "code · name") who may be named as assessor, for the entry form.

    Examples
    --------
    >>> codes, assessors = assessment_choices(session, actor=coordinator)  # doctest: +SKIP
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    codes = [
        str(c)
        for c in session.scalars(
            select(Participant.code)
            .where(Participant.consent_processing.is_(True))
            .order_by(Participant.code)
        )
    ]
    staff = session.execute(
        select(Professional.code, Professional.display_name)
        .where(Professional.is_active.is_(True))
        .order_by(Professional.code)
    ).all()
    return codes, {str(c): f"{c} · {n}" if n else str(c) for c, n in staff}
